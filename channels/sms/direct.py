"""Direct messages over SMS (case notices, later staff replies) through the adapter's `SmsSender`.

Everything goes through `SmsSender`, the one door to the provider (generic HTTP or Twilio, as
configured), so the opt-out store (STOP) is checked exactly as for replies. The caller renders within
`segment_budget` (SMS_SEGMENT_BUDGET); `within_budget` is the last guard should it pass more. The
provider's idempotency key derives from the caller's key, so a retried message is one SMS, and a
provider's 409 (that key was accepted before) counts as delivered.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

from channels.base import DeliveryError
from channels.delivery import ALREADY_ACCEPTED, SendResult, texts
from channels.messages import Outbound
from channels.sms.render import segments
from privacy import PhoneError, normalize_phone

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


class SmsDirectSender:
    channel = "sms"
    quiet_hours = True  # a text rings the phone: non-urgent messages wait for the morning

    def __init__(self, sms: SmsChannel) -> None:
        self._sms = sms

    @property
    def segment_budget(self) -> int:
        return self._sms.segment_budget

    async def send_to(self, recipient: str, messages: Sequence[Outbound], idempotency_key: str) -> SendResult:
        try:
            number = normalize_phone(recipient)
        except PhoneError:
            return SendResult("rejected", None, "not a phone number")
        text = within_budget("\n\n".join(texts(messages)), self._sms.segment_budget)
        if not text:
            return SendResult("rejected", None, "nothing to send")
        try:
            # "notice:" keeps the provider key of rows queued before direct messages had this name.
            outcome = await self._sms.sender.deliver(number, text, key=f"notice:{idempotency_key}")
        except DeliveryError as exc:
            # The provider's error text may echo the number: keep only what kind of failure it was.
            if exc.permanent:
                return SendResult("rejected", None, "provider refused")
            return SendResult("retry", None, "provider unavailable")
        if outcome == "opted_out":
            return SendResult("rejected", None, "opted_out")
        if outcome == "duplicate":
            return ALREADY_ACCEPTED
        return SendResult("sent", None)
