"""LINE webhook body -> channel-neutral `Inbound` events, using the SDK's own webhook models.

Event kinds the bot acts on become Inbound; every other event (join, beacon, unsend, video, file,
types newer than the SDK...) is skipped on purpose and counted, so one log line per request says
what was left out and why.

Events with `"mode": "standby"` are skipped too: the channel is in standby while another module (or
an agent in LINE's own chat screen) owns the conversation, and the bot must never answer then. The
one exception is unfollow: it answers nothing, and pushes to a citizen who blocked the bot must stop
whoever owns the chat.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    GroupSource,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)

from channels.base import PayloadError
from channels.messages import Inbound, InboundKind, Location
from channels.text_input import MAX_JSON_DEPTH, json_too_deep, sanitize_json, sanitize_text

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 5000  # LINE's own limit for a text message; anything longer is not from LINE


@dataclass(slots=True)
class ParseResult:
    events: list[Inbound] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def event_key(raw: dict[str, Any]) -> str:
    """Deduplication key: webhookEventId plus a digest of the event without its delivery context.

    A redelivery repeats the event byte for byte except `deliveryContext.isRedelivery`, so it maps to
    the same key; LINE's own SDK fixture reuses one webhookEventId for 28 different events, which the
    digest keeps apart. Events from the old API without an id fall back to the digest alone.
    """
    content = {k: v for k, v in raw.items() if k != "deliveryContext"}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    event_id = raw.get("webhookEventId") or "noid"
    return f"{event_id}:{digest.hexdigest()[:16]}"


def _conversation(event: Event) -> tuple[str, str] | None:
    """(namespaced sender id, push target) for the source of an event."""
    source = event.source
    if isinstance(source, UserSource) and source.user_id:
        return f"line:{source.user_id}", source.user_id
    if isinstance(source, GroupSource) and source.group_id:
        return f"line:group:{source.group_id}", source.group_id
    if isinstance(source, RoomSource) and source.room_id:
        return f"line:room:{source.room_id}", source.room_id
    return None


def _inbound(event: Event, raw: dict[str, Any]) -> Inbound | str:
    """An Inbound, or the reason (a short label) the event is skipped."""
    conversation = _conversation(event)
    if conversation is None:
        return "no-source"
    sender_id, push_to = conversation
    if event.mode == "standby" and not isinstance(event, UnfollowEvent):
        return "standby"
    common: dict[str, Any] = {
        "channel": "line",
        "event_id": event_key(raw),
        "sender_id": sender_id,
        "reply_token": getattr(event, "reply_token", None),
        "received_at": (event.timestamp or 0) / 1000.0,
        "redelivery": bool(event.delivery_context and event.delivery_context.is_redelivery),
        "extra": {"to": push_to},
    }
    kind: InboundKind
    if isinstance(event, MessageEvent):
        message = event.message
        if isinstance(message, TextMessageContent):
            text = sanitize_text(message.text or "", MAX_TEXT_CHARS)
            return Inbound(kind="text", text=text, **common)
        if isinstance(message, LocationMessageContent):
            location = Location(
                latitude=float(message.latitude),
                longitude=float(message.longitude),
                address=message.address,
                title=message.title,
            )
            return Inbound(kind="location", location=location, **common)
        if isinstance(message, ImageMessageContent):
            # The content is fetched later (LINE_DATA_API_BASE) by whoever needs it, with this id.
            return Inbound(kind="image", media_id=message.id, **common)
        if isinstance(message, StickerMessageContent):
            keywords = list(message.keywords or [])[:5]
            common["extra"] = {**common["extra"], "sticker_keywords": keywords}
            return Inbound(kind="sticker", media_id=f"{message.package_id}/{message.sticker_id}", **common)
        return f"message:{getattr(message, 'type', 'unknown')}"
    if isinstance(event, PostbackEvent):
        data = event.postback.data if event.postback else ""
        return Inbound(kind="postback", payload=data[:1000], **common)
    if isinstance(event, FollowEvent):
        kind = "follow"
        return Inbound(kind=kind, **common)
    if isinstance(event, UnfollowEvent):
        return Inbound(kind="unfollow", **common)
    return str(raw.get("type", "unknown"))


def parse_webhook(body: bytes) -> ParseResult:
    """Parse a verified body; PayloadError when it is not a LINE webhook at all."""
    if json_too_deep(body):
        raise PayloadError(f"JSON nested deeper than {MAX_JSON_DEPTH}")
    try:
        data = sanitize_json(json.loads(body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise PayloadError(f"body is not UTF-8 JSON: {exc.__class__.__name__}") from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise PayloadError("expected an object with an 'events' list")
    result = ParseResult()
    for raw in data["events"]:
        if not isinstance(raw, dict):
            result.skipped["not-an-object"] += 1
            continue
        try:
            event = Event.from_dict(raw)
        except ValueError:  # unknown discriminator or a shape the SDK rejects
            result.skipped[f"unsupported:{str(raw.get('type', '?'))[:30]}"] += 1
            continue
        parsed = _inbound(event, raw)
        if isinstance(parsed, str):
            result.skipped[parsed] += 1
        else:
            result.events.append(parsed)
    if result.skipped:
        log.info("line: skipped %d event(s) on purpose: %s", result.skipped.total(), dict(result.skipped))
    return result
