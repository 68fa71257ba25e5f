"""The one interface every channel adapter implements (after opsdroid's Connector)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from channels.messages import ChannelName, Inbound, Outbound

if TYPE_CHECKING:
    from channels.delivery import DirectSender


class SignatureError(Exception):
    """The request did not prove it came from the platform; answer 401 and process nothing."""


class PayloadError(Exception):
    """The request was authentic but its body is not what the platform sends; answer 400."""


class DeliveryError(Exception):
    """`send` could not deliver. `permanent` errors (4xx: bad recipient, blocked) are not retried.
    `status`: the platform's HTTP answer, when there was one."""

    def __init__(self, message: str, *, permanent: bool = False, status: int | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.status = status


class ChannelDisabled(Exception):
    """A channel's secrets are missing: the gateway logs the reason once and runs without it."""


class Channel(ABC):
    """One platform's adapter.

    The gateway's generic webhook handler calls `verify` then `parse` on each request, enqueues the
    events and answers at once; a worker later asks Rasa and calls `send`. The optional hooks below
    (routes, accept, local_reply, close) have safe defaults so a simple adapter implements only the
    three abstract methods.
    """

    name: ChannelName

    @abstractmethod
    def verify(self, body: bytes, headers: Mapping[str, str], url: str) -> None:
        """Raise SignatureError unless the raw body is signed by the platform.

        Runs on the raw bytes before any parsing, with hmac.compare_digest.
        """

    @abstractmethod
    def parse(self, body: bytes, headers: Mapping[str, str]) -> list[Inbound]:
        """Turn a verified body into channel-neutral events; raise PayloadError on bad shape."""

    @abstractmethod
    async def send(self, recipient: Inbound, messages: Sequence[Outbound]) -> None:
        """Render and deliver the bot's answer to the event that caused it."""

    def routes(self) -> Sequence[Any]:
        """Extra aiohttp route definitions (web.RouteDef) the adapter serves besides its webhook."""
        return ()

    async def accept(self, event: Inbound) -> None:  # noqa: B027 (optional hook)
        """Runs in the webhook request before the 200 (keep it fast).

        For effects that must happen "at once", such as recording an SMS opt-out or a LINE unfollow
        before anything else can be sent to that citizen.
        """

    async def prepare(self, event: Inbound) -> Inbound:
        """Rewrite an event with channel state before Rasa sees it (an SMS "2" -> that option's payload)."""
        return event

    async def local_reply(self, event: Inbound) -> Sequence[Outbound] | None:
        """Answer an event without Rasa (STOP/HELP keywords, unfollow); None means "ask Rasa"."""
        return None

    def direct_sender(self) -> DirectSender | None:
        """This channel's sender for messages that answer no incoming event (case notices, staff
        replies), or None when it cannot reach a citizen unprompted from this process. Called once
        the app has started; the notice worker takes every channel's sender from here."""
        return None

    def direct_address(self, event: Inbound) -> str | None:
        """The address this channel's direct sender takes for the citizen behind `event` (to answer
        later: a staff reply), or None when there is none. LINE and web chat: the sender id itself."""
        return event.sender_id

    async def fetch_media(self, event: Inbound, max_bytes: int) -> bytes | None:
        """The bytes of a photo the citizen sent (`event.media_id`), for a person reading the
        conversation; None when this channel carries none or the platform no longer has it."""
        return None

    async def typing(self, event: Inbound) -> None:  # noqa: B027
        """Show that the bot is working (LINE loading animation); best effort, never raises."""

    async def close(self) -> None:  # noqa: B027
        """Release what the adapter opened itself (the shared HTTP session is not its to close)."""
