"""Case notices over LINE: a push through the gateway's own LINE client (cases.notifier.Notifier).

Why not cases.notifier.LinePushNotifier: this one shares the adapter's line-bot-sdk client (request
models, the process's one HTTP session, timeouts) and its unfollow record, so a citizen who blocked
the bot is never pushed to, even before the case registry has recorded the opt-out.

The push carries X-Line-Retry-Key = the outbox row's idempotency key (a UUID4): a retry after a
timeout or a crash reaches LINE with the same key, and LINE answers 409 instead of sending it again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linebot.v3.messaging import TextMessage

from cases.notifier import Notice, SendResult, classify
from channels.line.client import LineApiError
from channels.line.render import MAX_TEXT_CHARS

if TYPE_CHECKING:
    from channels.line.adapter import LineChannel


class LineNoticeNotifier:
    channel = "line"

    def __init__(self, line: LineChannel) -> None:
        self._line = line

    async def send(self, notice: Notice) -> SendResult:
        sender_id = notice.recipient
        if not sender_id.startswith("line:U"):
            return SendResult("rejected", None, "not a LINE user id")
        if await self._line.has_unfollowed(sender_id):
            return SendResult("rejected", None, "unfollowed")
        message = TextMessage(text=notice.text[:MAX_TEXT_CHARS])
        try:
            fresh = await self._line.client.push(
                sender_id.removeprefix("line:"), [message], notice.idempotency_key
            )
        except LineApiError as exc:
            if exc.status is None:  # unreachable or timed out: try again later
                return SendResult("retry", None, "unreachable")
            return classify(exc.status)
        if not fresh:
            return SendResult("duplicate", 409, "already accepted")
        return SendResult("sent", 200)
