"""Messages to a citizen that do not answer an incoming event: case notices now, staff replies next.

A reply (`Channel.send`) answers the event that caused it. A *direct* message goes to a recipient the
caller already knows ("line:U…", an E.164 phone, "web:<session>"), at a time of the caller's choosing,
with an idempotency key of the caller's choosing. Each adapter offers one `DirectSender` through
`Channel.direct_sender()`; nothing outside `channels/` sends to LINE or SMS (tests/test_outbound_path.py).

Exactly once: the key travels to the platform (LINE X-Line-Retry-Key; the SMS provider's idempotency
header), so a send retried after a timeout or a crash is recognised there. A platform's 409 means it
accepted this key before: the outcome is "duplicate", i.e. delivered, never retried.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from channels.messages import Outbound

Outcome = Literal["sent", "duplicate", "retry", "rejected"]


@dataclass(frozen=True, slots=True)
class SendResult:
    """What became of one direct message; `detail` never holds personal data."""

    outcome: Outcome
    http_status: int | None = None
    detail: str | None = None
    retry_after: float | None = None


ALREADY_ACCEPTED = SendResult("duplicate", 409, "already accepted")


def classify(status: int, retry_after: float | None = None) -> SendResult:
    """Map a platform's HTTP answer to what the caller should do next."""
    if 200 <= status < 300:
        return SendResult("sent", status)
    if status == 409:  # the platform already accepted this idempotency key
        return ALREADY_ACCEPTED
    if status in (401, 403, 408, 425, 429) or status >= 500:
        return SendResult("retry", status, f"http {status}", retry_after)
    return SendResult("rejected", status, f"http {status}")


class DirectSender(Protocol):
    """One channel's way to reach a known recipient without an incoming event to answer."""

    @property
    def channel(self) -> str:
        """The channel name ("line", "sms", "web"): the outbox rows it can deliver."""
        ...

    @property
    def quiet_hours(self) -> bool:
        """Hold non-urgent messages at night (SMS rings a phone; a chat message does not)."""
        ...

    @property
    def segment_budget(self) -> int | None:
        """Most SMS parts one message may cost; None when the channel has no such limit."""
        ...

    async def send_to(self, recipient: str, messages: Sequence[Outbound], idempotency_key: str) -> SendResult:
        """Deliver `messages` to `recipient` once per `idempotency_key`; never raises for delivery
        failures (they come back as "retry" or "rejected")."""
        ...


def texts(messages: Sequence[Outbound]) -> list[str]:
    """The text of each message that has one (direct messages are text today)."""
    return [m.text for m in messages if m.text]
