"""The conversation so far, for the agent who takes it over: read from Rasa's own tracker, where it
already is, and handed to the gateway inside the handover request ({"handover": {"transcript": …}}),
so the gateway needs no access to Rasa's tracker API and nothing is stored twice before a person is
actually asked for. The gateway masks national ids before storing (handover/conversations.py)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

MAX_LINES = 60
MAX_CHARS = 1000


def session_transcript(tracker: Tracker) -> list[dict[str, str]]:
    """Citizen and bot texts since the session started, oldest first; button payloads ("/intent…")
    are shown by the bot line that offered them, so they are left out."""
    lines: list[dict[str, str]] = []
    for event in tracker.events:
        kind = event.get("event")
        if kind == "session_started":
            lines = []
            continue
        text: Any = event.get("text")
        if kind not in ("user", "bot") or not isinstance(text, str) or not text.strip():
            continue
        if kind == "user" and text.startswith("/"):
            continue
        lines.append({"author": "citizen" if kind == "user" else "bot", "text": text[:MAX_CHARS]})
    return lines[-MAX_LINES:]
