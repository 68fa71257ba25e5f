"""What a form has been told so far, read from the tracker's events (no slot of its own to keep).

Why: a step that cannot use an answer asks again, and a citizen who does not see what the bot wants
would be asked the same question for ever. Counting the messages sent while the step stood open
lets a form change course after one re-ask (choose for the citizen and say so) instead; reading the
messages since the form started lets it guess from everything said, not only the last message.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rasa_sdk import Tracker

REQUESTED_SLOT = "requested_slot"


def _backwards(tracker: Tracker) -> Iterator[dict[str, Any]]:
    return reversed(list(tracker.events or []))


def _starts(event: dict[str, Any], form: str) -> bool:
    return event.get("event") == "active_loop" and event.get("name") == form


def _asks_another(event: dict[str, Any], step: str) -> bool:
    return event.get("event") == "slot" and event.get("name") == REQUESTED_SLOT and event.get("value") != step


def tries_at_step(tracker: Tracker, step: str, form: str) -> int:
    """Messages the citizen sent while `step` stood asked, the latest included (1 on a first answer).
    The step is asked (requested_slot set) after the message that answered the step before it, so
    only messages after the first of that run of asks count; counting stops where another step was
    asked or the form started."""
    count = 0
    since_first_ask: int | None = None
    for event in _backwards(tracker):
        if event.get("event") == "user":
            count += 1
        elif _starts(event, form) or _asks_another(event, step):
            break
        elif event.get("event") == "slot" and event.get("name") == REQUESTED_SLOT:
            since_first_ask = count
    return max(count if since_first_ask is None else since_first_ask, 1)


def texts_since_start(tracker: Tracker, form: str) -> list[str]:
    """The citizen's typed messages since the form started, the opening message included, oldest
    first (button payloads left out: they say which button, not what happened)."""
    texts: list[str] = []
    started = False
    for event in _backwards(tracker):
        if _starts(event, form):
            started = True
            continue
        if event.get("event") != "user":
            continue
        text = str(event.get("text") or "")
        if text and not text.lstrip().startswith("/"):
            texts.append(text)
        if started:
            break  # the message that opened the form
    return texts[::-1]
