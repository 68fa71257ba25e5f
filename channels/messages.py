"""Channel-neutral messages passed between the adapters and the dialogue.

Adapters turn platform payloads into `Inbound` and render `Outbound` back into the platform's
format; nothing outside an adapter's package sees a LINE, SMS or web payload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ChannelName = Literal["line", "sms", "web"]
InboundKind = Literal["text", "postback", "follow", "unfollow", "location", "image", "sticker", "other"]


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float
    longitude: float
    address: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Inbound:
    """One citizen event after verification and parsing.

    `event_id` is the platform's own id for the event (LINE webhookEventId, SMS provider id,
    web client message id) and is what deduplication keys on. `sender_id` is namespaced per
    channel ("line:U123…", "sms:<hash>", "web:<session>") so conversations never collide.
    """

    channel: ChannelName
    event_id: str
    sender_id: str
    kind: InboundKind
    text: str | None = None
    payload: str | None = None  # postback / button payload such as "/ask_service"
    location: Location | None = None
    media_id: str | None = None  # platform id of an image to fetch later
    reply_token: str | None = None
    received_at: float = 0.0  # unix seconds
    display_name: str | None = None
    locale: str = "th"
    redelivery: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True, slots=True)
class Outbound:
    """One bot utterance, as Rasa returns it, before any platform rendering."""

    text: str | None = None
    buttons: tuple[Button, ...] = ()
    image_url: str | None = None
    custom: dict[str, Any] | None = None  # e.g. {"service_card": {...}} for a Flex bubble


def inbound_to_dict(event: Inbound) -> dict[str, Any]:
    """JSON-safe form of an event, as it is stored on the queue."""
    data = {name: getattr(event, name) for name in Inbound.__slots__}
    if event.location is not None:
        data["location"] = {name: getattr(event.location, name) for name in Location.__slots__}
    return data


def inbound_from_dict(data: dict[str, Any]) -> Inbound:
    """Inverse of `inbound_to_dict`; unknown keys (from a newer gateway) are ignored, not fatal."""
    known = set(Inbound.__slots__)
    fields = {key: value for key, value in data.items() if key in known}
    location = fields.get("location")
    if isinstance(location, dict):
        fields["location"] = Location(**location)
    return Inbound(**fields)
