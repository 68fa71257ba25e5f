"""The one interface every channel adapter implements (after opsdroid's Connector)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence

from channels.messages import ChannelName, Inbound, Outbound


class SignatureError(Exception):
    """The request did not prove it came from the platform; answer 401 and process nothing."""


class PayloadError(Exception):
    """The request was authentic but its body is not what the platform sends; answer 400."""


class Channel(ABC):
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
