"""The gateway's question before every Rasa call: does a person own this conversation?

The gateway worker (channels/worker.py) asks `before_rasa` for each citizen event, on every channel
and every replica, because the owner is a database row (handover/models.py), not process memory.
While the conversation is queued or owned by staff the event goes to the transcript and Rasa is not
called, so the bot cannot answer over an agent (a known Chatwoot/Rasa failure). `after_rasa` turns the
dialogue's custom message {"handover": {...}} into a queue place and tells the citizen where they are.
A lone 1-5 right after staff closed is the rating the close message asked for.

Database work runs in a thread (sync SQLAlchemy, the project's one engine), never on the event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from cases.photos import PhotoError, PhotoStore, check_photo, sniff_image_type
from channels.base import Channel
from channels.messages import Inbound, Outbound
from db.engine import make_sessionmaker
from handover import conversations, texts
from handover.conversations import Conversation, Request
from handover.models import WAITING
from nlu.characters import CLEAN_TABLE
from privacy import PersonalData, log_id
from staff.models import utcnow

log = logging.getLogger(__name__)

TRANSCRIPT_LINES = 60  # the most lines of the bot conversation an agent gets on opening
PHOTO_PREFIX = "photo:"  # media_ref of a citizen's photo kept in the photo store (cases/photos.py)
NO_PHOTO = "(รูปภาพที่ดึงมาไม่ได้)"
CITIZEN_KEYS = uuid.UUID("5b0e51a2-8c4d-4f0e-9a57-2d6c1e0f7b13")  # namespace of citizen lines' keys


def citizen_key(event: Inbound) -> str:
    """The transcript line's idempotency key for a citizen event (a UUID: the column holds 36 chars)."""
    return str(uuid.uuid5(CITIZEN_KEYS, f"{event.channel}:{event.event_id}"))


def handover_request(message: Outbound) -> dict[str, Any] | None:
    custom = message.custom or {}
    value = custom.get("handover")
    return value if isinstance(value, dict) else None


def _request(raw: dict[str, Any]) -> Request:
    lines: list[tuple[str, str]] = []
    for line in raw.get("transcript") or ():
        if isinstance(line, dict) and isinstance(line.get("text"), str):
            lines.append((str(line.get("author") or "citizen"), line["text"]))
    return Request(
        reason=str(raw.get("reason") or "request_human")[:32],
        agency_id=str(raw.get("agency") or conversations.DEFAULT_AGENCY)[:40],
        service_id=(str(raw["service"])[:80] if raw.get("service") else None),
        intent=(str(raw["intent"])[:80] if raw.get("intent") else None),
        transcript=tuple(lines[-TRANSCRIPT_LINES:]),
    )


def _squash(text: str | None) -> str:
    return "".join((text or "").translate(CLEAN_TABLE).split())


def rating_of(event: Inbound) -> int | None:
    """1-5 typed alone (Thai digits too) or tapped; anything else is a new question for the bot. The
    typed text counts first: an SMS adapter may have read a lone "1" as option 1 of an older menu."""
    for raw in (_squash(event.text), _squash(event.payload)):
        if len(raw) == 1 and raw in "12345":
            return int(raw)
    return None


def _is_cancel(event: Inbound) -> bool:
    if event.payload == texts.CANCEL_PAYLOAD:
        return True
    return event.kind == "text" and _squash(event.text) in {w.replace(" ", "") for w in texts.CANCEL_WORDS}


def _transcript_text(event: Inbound) -> tuple[str, str | None, str | None]:
    """(kind, text, media_ref) of a citizen event as the agent sees it."""
    if event.kind == "image":
        return "image", None, None  # the photo itself is fetched and kept by HandoverGate._keep_photo
    if event.kind == "sticker":
        keywords = event.extra.get("sticker_keywords")
        return "sticker", ", ".join(keywords) if isinstance(keywords, list) else None, None
    if event.kind == "location" and event.location is not None:
        where = event.location.address or f"{event.location.latitude:.5f},{event.location.longitude:.5f}"
        return "location", where, None
    if event.kind == "postback":
        return "text", event.text or event.payload, None
    return "text", event.text, None


class HandoverGate:
    """One per gateway process, over the process's engine and personal-data keys."""

    def __init__(
        self,
        engine: Engine,
        vault: PersonalData,
        *,
        photos: PhotoStore | None = None,
        max_photo_bytes: int = 2_000_000,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self._sessions = make_sessionmaker(engine, immediate=True)
        self._photos = photos
        self._max_photo_bytes = max_photo_bytes
        self._vault = vault
        self._clock = clock

    def conversation(self, event: Inbound) -> Conversation:
        return Conversation(event.channel, self._vault.sender_hash(event.sender_id))

    async def before_rasa(self, event: Inbound, channel: Channel | None = None) -> list[Outbound] | None:
        """None: the bot answers. A list (maybe empty): the event was handled here; Rasa is not called.
        `channel`: the event's adapter, which fetches a photo sent to a person while it still exists."""
        if event.kind in ("follow", "unfollow", "other"):
            return None
        try:
            photo = None
            if (
                event.kind == "image"
                and channel is not None
                and await asyncio.to_thread(self._is_held, event)
            ):
                photo = await self._keep_photo(event, channel)
            return await asyncio.to_thread(self._before, event, photo)
        except SQLAlchemyError as exc:
            # The citizen is better served by the bot than by silence; an agent whose database is down
            # cannot be typing into this conversation anyway.
            log.warning("handover owner unknown for %s (%r); the bot answers", log_id(event.sender_id), exc)
            return None

    def _is_held(self, event: Inbound) -> bool:
        with self._sessions() as session:
            return conversations.current(session, self.conversation(event)) is not None

    async def _keep_photo(self, event: Inbound, channel: Channel) -> str | None:
        """The photo in our own store (platforms keep media for a short time only): its media_ref."""
        if self._photos is None:
            return None
        data = await channel.fetch_media(event, self._max_photo_bytes)
        if not data:
            return None
        try:
            kind = check_photo(data, sniff_image_type(data) or "", self._max_photo_bytes)
        except PhotoError as exc:
            log.warning("photo from %s not kept: %s", log_id(event.sender_id), exc)
            return None
        _digest, ref = await asyncio.to_thread(self._photos.save, data, kind)
        return PHOTO_PREFIX + ref

    def _before(self, event: Inbound, photo: str | None = None) -> list[Outbound] | None:
        conversation = self.conversation(event)
        now = self._clock()
        with self._sessions.begin() as session:
            handover = conversations.current(session, conversation)
            if handover is None:
                score = rating_of(event)
                closed = None if score is None else conversations.awaiting_rating(session, conversation, now)
                if score is not None and closed is not None:
                    conversations.record_rating(session, closed, score, now=now)
                    return [texts.CSAT_THANKS]
                if event.payload == texts.CANCEL_PAYLOAD:  # an old button tapped after the queue ended
                    return [texts.NOT_WAITING]
                return None
            if handover.status == WAITING and _is_cancel(event):
                conversations.cancel(session, handover, now=now)
                return [texts.CANCELLED]
            kind, text, media_ref = _transcript_text(event)
            if kind == "image":
                media_ref, text = (photo, None) if photo else (None, NO_PHOTO)
            conversations.record_citizen_line(
                session, handover, kind=kind, text=text, media_ref=media_ref, now=now, key=citizen_key(event)
            )
            if handover.status == WAITING:
                where = conversations.place(session, handover)
                return [texts.still_waiting(where.position, where.minutes)]
            return []  # a person owns the conversation: they read it in the inbox; the bot stays silent

    async def after_rasa(
        self, event: Inbound, responses: Sequence[Outbound], channel: Channel
    ) -> list[Outbound]:
        """The dialogue's answer, with a handover request turned into a queue place. `channel` names
        the address a staff reply will go to (sealed here, opened only by the delivery worker)."""
        requests = [r for r in map(handover_request, responses) if r is not None]
        shown = [m for m in responses if handover_request(m) is None or m.text or m.buttons]
        if not requests:
            return list(shown)
        address = channel.direct_address(event)
        if address is None:
            log.warning("handover asked by %s but no address to answer on", log_id(event.sender_id))
            return [*shown, texts.UNAVAILABLE]
        recipient_enc = self._vault.seal(address)
        try:
            where = await asyncio.to_thread(self._open, event, _request(requests[-1]), recipient_enc)
        except SQLAlchemyError as exc:
            log.warning("handover not queued for %s: %r", log_id(event.sender_id), exc)
            return [*shown, texts.UNAVAILABLE]
        log.info(
            "handover %s queued at %d for %s", where.handover_id, where.position, log_id(event.sender_id)
        )
        return [*shown, texts.queued(where.position, where.minutes)]

    def _open(self, event: Inbound, request: Request, recipient_enc: str) -> conversations.Place:
        with self._sessions.begin() as session:
            conversations.hold_queue(session, request.agency_id)  # before the clock: places never tie
            handover = conversations.open_handover(
                session,
                self.conversation(event),
                recipient_enc=recipient_enc,
                request=request,
                now=self._clock(),
            )
            session.flush()
            return conversations.place(session, handover)
