"""Direct messages in web chat (case notices, later staff replies): written to the session's
transcript, then pushed to its open sockets.

A web citizen has no phone number or push API: the only way to reach them is the chat itself. The
message becomes a bot entry in the session's transcript (so the widget shows it on the next visit)
and a "bot" frame to every socket of that session, in this process and, through the relay, in the
others (so an open tab shows it at once). The transcript write is keyed on the caller's idempotency
key (`notice-<key>`, the same "answered once" marker replies use), so a retried message is never
added twice; pushing the stored copy again is harmless because the widget drops entry ids it already
shows. Only a process that serves the chat offers this sender (`WebChannel.direct_sender`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from channels.delivery import SendResult
from channels.messages import Outbound
from channels.web.history import Entry

if TYPE_CHECKING:
    from channels.web.adapter import WebChannel

SESSION_PREFIX = "web:"


def notice_id(idempotency_key: str) -> str:
    """The transcript id a direct message's entries answer to (client ids never contain "#")."""
    return f"notice-{idempotency_key}"


class WebDirectSender:
    channel = "web"
    quiet_hours = False
    segment_budget: int | None = None

    def __init__(self, web: WebChannel) -> None:
        self._web = web

    async def send_to(self, recipient: str, messages: Sequence[Outbound], idempotency_key: str) -> SendResult:
        if not recipient.startswith(SESSION_PREFIX) or len(recipient) == len(SESSION_PREFIX):
            return SendResult("rejected", None, "not a web session")
        session_id = recipient.removeprefix(SESSION_PREFIX)
        reply_to = notice_id(idempotency_key)
        now = time.time()
        new: list[Entry] = [
            {
                "id": f"{reply_to}#{index}",
                "role": "bot",
                "text": message.text,
                "buttons": [{"title": b.title, "payload": b.payload} for b in message.buttons],
                "reply_to": reply_to,
                "ts": now,
                "notice": True,
            }
            for index, message in enumerate(m for m in messages if m.text)
        ]
        if not new:
            return SendResult("rejected", None, "nothing to send")
        try:
            entries = await self._web.history().add_answer(session_id, reply_to, new)
        except Exception:  # Redis restarting: the caller keeps the message and retries
            return SendResult("retry", None, "transcript unavailable")
        await self._web.push(session_id, {"type": "bot", "reply_to": reply_to, "entries": entries})
        return SendResult("sent", None)
