"""Case notices in web chat: written to the session's transcript, then pushed to its open sockets.

A web citizen has no phone number or push API: the only way to reach them is the chat itself. The
notice becomes a bot entry in the session's transcript (so the widget shows it on the next visit)
and a "bot" frame to every socket of that session, in this process and, through the relay, in the
others (so an open tab shows it at once). The transcript write is keyed on the outbox row's
idempotency key (`notice-<key>`, the same "answered once" marker replies use), so a retried notice
is never added twice; pushing the stored copy again is harmless because the widget drops entry ids
it already shows.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from cases.notifier import Notice, SendResult
from channels.web.history import Entry

if TYPE_CHECKING:
    from channels.web.adapter import WebChannel

SESSION_PREFIX = "web:"


def notice_id(idempotency_key: str) -> str:
    """The transcript id a notice's entry answers to (client ids never contain "#")."""
    return f"notice-{idempotency_key}"


class WebNoticeNotifier:
    channel = "web"

    def __init__(self, web: WebChannel) -> None:
        self._web = web

    async def send(self, notice: Notice) -> SendResult:
        if not notice.recipient.startswith(SESSION_PREFIX) or len(notice.recipient) == len(SESSION_PREFIX):
            return SendResult("rejected", None, "not a web session")
        session_id = notice.recipient.removeprefix(SESSION_PREFIX)
        reply_to = notice_id(notice.idempotency_key)
        entry: Entry = {
            "id": f"{reply_to}#0",
            "role": "bot",
            "text": notice.text,
            "buttons": [],
            "reply_to": reply_to,
            "ts": time.time(),
            "notice": True,
        }
        try:
            entries = await self._web.history().add_answer(session_id, reply_to, [entry])
        except Exception:  # Redis restarting: the outbox keeps the notice and retries
            return SendResult("retry", None, "transcript unavailable")
        await self._web.push(session_id, {"type": "bot", "reply_to": reply_to, "entries": entries})
        return SendResult("sent", None)
