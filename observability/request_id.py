"""The id of the request being handled, in a context variable every log line reads.

The gateway makes one per webhook request (or keeps a well-formed `X-Request-ID` a proxy in front
already set), stamps it on each accepted event, and sends it to Rasa in the message metadata, where
Rasa keeps it on the user event; the action server reads it back from the tracker it is sent. Only
ids of a fixed shape are accepted: a header is attacker-controlled and ends up in logs.
"""

from __future__ import annotations

import contextvars
import re
import uuid

HEADER = "X-Request-ID"
METADATA_KEY = "request_id"

_SHAPE = re.compile(r"^[A-Za-z0-9._\-]{8,64}$")
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def new() -> str:
    return uuid.uuid4().hex


def well_formed(value: object) -> str | None:
    """The value if it can be logged and forwarded as an id, else None."""
    return value if isinstance(value, str) and _SHAPE.match(value) else None


def current() -> str | None:
    return _current.get()


def bind(value: str | None) -> contextvars.Token[str | None]:
    """Make `value` the current id (in this task and the ones it starts); `reset` undoes it."""
    return _current.set(well_formed(value))


def reset(token: contextvars.Token[str | None]) -> None:
    _current.reset(token)
