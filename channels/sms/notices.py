"""Case notices over SMS through the gateway's own SMS path (cases.notifier.Notifier).

Everything goes through `SmsSender.send`, the one door to the provider, so the opt-out store (STOP)
is checked for notices exactly as for replies. The text arrives already shortened by
cases.render.render_sms to the case budget; the gateway runs the worker with that budget no larger
than SMS_SEGMENT_BUDGET, and `within_budget` is the last guard should a caller pass more.
The provider's idempotency key derives from the outbox row's key, so a retried notice is one SMS.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from cases.notifier import Notice, SendResult
from channels.base import DeliveryError
from channels.sms.numbers import NumberError, normalise
from channels.sms.render import segments

if TYPE_CHECKING:
    from channels.sms.adapter import SmsChannel

ELLIPSIS = "…"


def within_budget(text: str, budget: int) -> str:
    """`text` if it fits `budget` parts, else its longest head that fits with "…" (never splitting a
    Thai vowel or tone mark from its consonant)."""
    if segments(text) <= budget:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if segments(text[:middle].rstrip() + ELLIPSIS) <= budget:
            low = middle
        else:
            high = middle - 1
    while 0 < low < len(text) and unicodedata.category(text[low]) == "Mn":
        low -= 1
    return text[:low].rstrip() + ELLIPSIS


class SmsNoticeNotifier:
    channel = "sms"

    def __init__(self, sms: SmsChannel) -> None:
        self._sms = sms

    async def send(self, notice: Notice) -> SendResult:
        try:
            number = normalise(notice.recipient)
        except NumberError:
            return SendResult("rejected", None, "not a phone number")
        text = within_budget(notice.text, self._sms.segment_budget)
        try:
            handed_over = await self._sms.sender.send(number, text, key=f"notice:{notice.idempotency_key}")
        except DeliveryError as exc:
            # The provider's error text may echo the number: keep only what kind of failure it was.
            if exc.status == 409:
                # It already accepted this key: a re-send after a crash (as cases.notifier.classify and
                # LINE's 409). Retrying would repeat the 409 until the row is given up as failed.
                return SendResult("duplicate", 409, "already accepted")
            if exc.permanent:
                return SendResult("rejected", None, "provider refused")
            return SendResult("retry", None, "provider unavailable")
        if not handed_over:
            return SendResult("rejected", None, "opted_out")
        return SendResult("sent", None)
