"""Direct messages over LINE (case notices, staff replies): a push through the adapter's client; a
message's buttons become quick replies (the rating after a handover closes).

It shares the adapter's line-bot-sdk client (request models, the process's one HTTP session,
timeouts) and its unfollow record, so a citizen who blocked the bot is never pushed to, even before
the case registry has recorded the opt-out.

The push carries X-Line-Retry-Key = the caller's idempotency key (a UUID): a retry after a timeout or
a crash reaches LINE with the same key, and LINE answers 409 instead of sending it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from linebot.v3.messaging import TextMessage

from channels.delivery import ALREADY_ACCEPTED, SendResult, classify
from channels.line.client import LineApiError
from channels.line.render import MAX_MESSAGES, MAX_TEXT_CHARS, quick_reply
from channels.messages import Outbound

if TYPE_CHECKING:
    from channels.line.adapter import LineChannel


class LineDirectSender:
    channel = "line"
    quiet_hours = False
    segment_budget: int | None = None

    def __init__(self, line: LineChannel) -> None:
        self._line = line

    async def send_to(self, recipient: str, messages: Sequence[Outbound], idempotency_key: str) -> SendResult:
        if not recipient.startswith("line:U"):
            return SendResult("rejected", None, "not a LINE user id")
        if await self._line.has_unfollowed(recipient):
            return SendResult("rejected", None, "unfollowed")
        shown = [m for m in messages if m.text][:MAX_MESSAGES]
        pushed = [
            TextMessage(text=(m.text or "")[:MAX_TEXT_CHARS], quick_reply=quick_reply(m.buttons))
            for m in shown
        ]
        if not pushed:
            return SendResult("rejected", None, "nothing to send")
        try:
            fresh = await self._line.client.push(recipient.removeprefix("line:"), pushed, idempotency_key)
        except LineApiError as exc:
            if exc.status is None:  # unreachable or timed out: try again later
                return SendResult("retry", None, "unreachable")
            return classify(exc.status)
        if not fresh:
            return ALREADY_ACCEPTED
        return SendResult("sent", 200)
