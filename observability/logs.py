"""Logging set-up shared by every entry point: one line per record, JSON by default.

JSON lines (python-json-logger) are what log shippers index; every record carries `request_id` when
one is bound (observability.request_id), so a message is followed gateway -> Rasa -> actions by one
grep. What goes into messages is each module's business: the rule that no national id, phone number
or message text is ever logged is kept where records are written (privacy.log_id for senders).
`LOG_FORMAT=text` gives the classic human-readable line for local work.
"""

from __future__ import annotations

import logging

from pythonjsonlogger.json import JsonFormatter

from observability import request_id

FORMATS = ("json", "text")
_TEXT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
_JSON = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"


class RequestIdFilter(logging.Filter):
    """Adds the bound request id (or "-") to every record passing a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.current() or "-"
        return True


def formatter(fmt: str) -> logging.Formatter:
    if fmt == "text":
        return logging.Formatter(_TEXT)
    return JsonFormatter(
        _JSON,
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        json_ensure_ascii=False,
    )


def configure(level: str = "INFO", fmt: str = "json") -> None:
    """Replace the root handlers with one stderr handler in `fmt` (called once by an entry point)."""
    if fmt not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {fmt!r}")
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(fmt))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
