"""The gateway's owner check (handover/gate.py) on the real databases: a handover request becomes a
queue place with a position; while queued or owned by staff the bot is never asked; the citizen can
go back to the bot; a lone 1-5 after close is the rating; the queue watch tells moves, claims and
time-outs exactly once even with two replicas."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session

from cases.photos import PhotoStore
from channels.messages import Inbound, Outbound
from handover import texts
from handover.conversations import announce_claim, notices_due
from handover.gate import NO_PHOTO, PHOTO_PREFIX, HandoverGate, rating_of
from handover.models import (
    ACTIVE,
    CANCELLED,
    CLOSED,
    WAITING,
    AgentPresence,
    Handover,
    HandoverEvent,
    HandoverMessage,
)
from handover.watch import QueueWatch
from privacy import PersonalData, PrivacySettings
from staff.models import StaffUser
from tests.databases import throwaway_database

NOW = dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC)  # Monday 10:00 in Bangkok


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with throwaway_database(request.param, tmp_path) as url:
        made = create_engine(url)
        try:
            yield made
        finally:
            made.dispose()


@pytest.fixture
def vault() -> PersonalData:
    return PersonalData(PrivacySettings.generate())


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def gate(engine: Engine, vault: PersonalData, clock: Clock) -> HandoverGate:
    return HandoverGate(engine, vault, clock=clock)


_serial = iter(range(1, 10_000))


def said(text: str, *, sender: str = "line:U1", channel: str = "line", **fields: object) -> Inbound:
    return Inbound(
        channel=channel,  # type: ignore[arg-type]
        event_id=f"e{next(_serial)}",
        sender_id=sender,
        kind=fields.pop("kind", "text"),  # type: ignore[arg-type]
        text=text,
        **fields,  # type: ignore[arg-type]
    )


ASK = Outbound(
    custom={
        "handover": {
            "reason": "request_human",
            "agency": "dopa",
            "service": "id_card_lost",
            "intent": "request_human",
            "transcript": [
                {"author": "citizen", "text": "บัตรหายเลข 1101700230708 ทำไง"},
                {"author": "bot", "text": "แจ้งบัตรหายได้ที่อำเภอค่ะ"},
            ],
        }
    }
)
CONNECTING = Outbound(text="กำลังต่อเจ้าหน้าที่ให้ค่ะ")


class Addressed:
    """The one channel hook after_rasa uses: the address its direct sender takes (the SMS adapter opens
    the number it sealed on arrival: tests/channels/test_sms_webhook.py)."""

    def __init__(self, address: str | None) -> None:
        self.address = address

    def direct_address(self, event: Inbound) -> str | None:
        return self.address


class BySender:
    """LINE and web chat: the sender id (channels.base.Channel's default)."""

    def direct_address(self, event: Inbound) -> str | None:
        return event.sender_id


BY_SENDER = BySender()


async def ask_for_person(gate: HandoverGate, sender: str = "line:U1") -> list[Outbound]:
    event = said("ขอคุยกับเจ้าหน้าที่", sender=sender)
    assert await gate.before_rasa(event) is None  # nobody owns it yet: the bot answers
    return await gate.after_rasa(event, [CONNECTING, ASK], BY_SENDER)


def handovers(engine: Engine) -> list[Handover]:
    with Session(engine) as session:
        return list(session.scalars(select(Handover).order_by(Handover.id)))


def lines(engine: Engine, handover_id: int) -> list[HandoverMessage]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(HandoverMessage)
                .where(HandoverMessage.handover_id == handover_id)
                .order_by(HandoverMessage.id)
            )
        )


def set_status(engine: Engine, handover_id: int, status: str, **fields: object) -> None:
    with Session(engine) as session, session.begin():
        row = session.get_one(Handover, handover_id)
        row.status = status
        for name, value in fields.items():
            setattr(row, name, value)


async def test_a_request_becomes_a_queue_place_and_the_bot_falls_silent(
    gate: HandoverGate, engine: Engine, vault: PersonalData
) -> None:
    answer = await ask_for_person(gate)
    assert answer[0] == CONNECTING  # the dialogue's own words, then the place; the custom part is gone
    assert answer[-1].text is not None and "คิวที่ 1" in answer[-1].text
    assert answer[-1].buttons == (texts.CANCEL_BUTTON,)
    assert all(m.custom is None for m in answer)
    [row] = handovers(engine)
    assert (row.status, row.agency_id, row.service_id, row.reason) == (
        WAITING,
        "dopa",
        "id_card_lost",
        "request_human",
    )
    assert row.recipient_hash == vault.sender_hash("line:U1")
    # the whole address is not in the sealed text (a two-letter id can turn up in base64 by chance)
    assert "line:U1" not in row.recipient_enc and vault.open(row.recipient_enc) == "line:U1"
    transcript = lines(engine, row.id)
    assert [(x.author, x.text) for x in transcript] == [
        ("citizen", "บัตรหายเลข x-xxxx-xxxxx-xx-x ทำไง"),  # national id masked before it is stored
        ("bot", "แจ้งบัตรหายได้ที่อำเภอค่ะ"),
    ]

    # Queued: a question goes to the transcript, the citizen hears their place, Rasa is not asked.
    held = await gate.before_rasa(said("รอนานไหมคะ"))
    assert held is not None and held[0].text is not None and "คิวที่ 1" in held[0].text
    # Owned by staff: three messages, none answered by anyone but the agent.
    set_status(engine, row.id, ACTIVE, claimed_at=NOW)
    for text in ("สวัสดีค่ะ", "บัตรหายค่ะ", "ต้องไปอำเภอไหม"):
        assert await gate.before_rasa(said(text)) == []
    assert [x.text for x in lines(engine, row.id)][-4:] == [
        "รอนานไหมคะ",
        "สวัสดีค่ะ",
        "บัตรหายค่ะ",
        "ต้องไปอำเภอไหม",
    ]
    # "ยกเลิก" while a person owns it is a message for that person, not a way out.
    assert await gate.before_rasa(said("ยกเลิก")) == []
    assert handovers(engine)[0].status == ACTIVE


async def test_asking_again_while_queued_keeps_the_first_place(gate: HandoverGate, engine: Engine) -> None:
    await ask_for_person(gate, "line:U1")
    await ask_for_person(gate, "line:U2")
    event = said("ขอคุยกับคนอีกที", sender="line:U2")
    held = await gate.before_rasa(event)  # already queued: held, never a second queue entry
    assert held is not None and held[0].text is not None and "คิวที่ 2" in held[0].text
    assert len(handovers(engine)) == 2


async def test_the_citizen_can_go_back_to_the_bot_while_waiting(gate: HandoverGate, engine: Engine) -> None:
    await ask_for_person(gate)
    assert await gate.before_rasa(said("กลับไปคุยกับบอท", kind="postback", payload=texts.CANCEL_PAYLOAD)) == [
        texts.CANCELLED
    ]
    assert handovers(engine)[0].status == CANCELLED
    assert await gate.before_rasa(said("ต่อภาษีรถต้องใช้อะไร")) is None  # the bot answers again
    # The old button tapped later: told plainly, not sent to the bot as an unknown intent.
    assert await gate.before_rasa(said("x", kind="postback", payload=texts.CANCEL_PAYLOAD)) == [
        texts.NOT_WAITING
    ]
    with Session(engine) as session:
        kinds = list(session.scalars(select(HandoverEvent.kind).order_by(HandoverEvent.id)))
    assert kinds == ["requested", "queued", "cancelled"]


@pytest.mark.parametrize("typed", ["ยกเลิก", " ไม่รอแล้ว ", "กลับไปคุยกับบอท\u200b"])
async def test_typed_cancel_words_while_waiting(gate: HandoverGate, engine: Engine, typed: str) -> None:
    await ask_for_person(gate)
    assert await gate.before_rasa(said(typed)) == [texts.CANCELLED]


async def test_a_lone_digit_after_close_is_the_rating_and_only_then(
    gate: HandoverGate, engine: Engine, clock: Clock
) -> None:
    assert await gate.before_rasa(said("5")) is None  # no handover: "5" is the bot's business
    await ask_for_person(gate)
    row = handovers(engine)[0]
    set_status(engine, row.id, CLOSED, claimed_at=NOW, closed_at=NOW, resolution="answered")
    assert await gate.before_rasa(said("๔")) == [texts.CSAT_THANKS]  # Thai digit four
    assert handovers(engine)[0].csat == 4
    assert await gate.before_rasa(said("5")) is None  # rated once; the next digit goes to the bot
    # Too late or not a rating: the bot answers.
    await ask_for_person(gate, "line:U9")
    late = handovers(engine)[-1]
    set_status(engine, late.id, CLOSED, closed_at=NOW)
    clock.advance(hours=2)
    assert await gate.before_rasa(said("3", sender="line:U9")) is None
    assert rating_of(said("6")) is None and rating_of(said("15")) is None and rating_of(said("ดีมาก")) is None


async def test_the_address_the_channel_names_is_kept_sealed(
    gate: HandoverGate, engine: Engine, vault: PersonalData
) -> None:
    web = said("ขอคุยกับเจ้าหน้าที่", channel="web", sender="web:s-123")
    await gate.after_rasa(web, [ASK], BY_SENDER)
    sms = said("ขอคุยกับเจ้าหน้าที่", channel="sms", sender=vault.sms_sender_id("0812345678"))
    await gate.after_rasa(sms, [ASK], Addressed("+66812345678"))
    web_row, sms_row = handovers(engine)
    assert vault.open(web_row.recipient_enc) == "web:s-123"
    assert vault.open(sms_row.recipient_enc) == "+66812345678" and "812345678" not in sms_row.recipient_enc
    # No address to answer on (an SMS whose sealed number cannot be opened): nothing queued, told so.
    lost = said("ขอคุยกับเจ้าหน้าที่", channel="sms", sender=vault.sms_sender_id("0899999999"))
    assert await gate.after_rasa(lost, [ASK], Addressed(None)) == [texts.UNAVAILABLE]
    assert len(handovers(engine)) == 2


async def test_a_broken_database_lets_the_bot_answer(vault: PersonalData, tmp_path: Path) -> None:
    broken = create_engine(f"sqlite:///{tmp_path / 'no-tables.db'}")  # never migrated
    gate = HandoverGate(broken, vault)
    assert await gate.before_rasa(said("ต่อภาษีรถ")) is None
    answer = await gate.after_rasa(said("ขอคุยกับเจ้าหน้าที่"), [CONNECTING, ASK], BY_SENDER)
    assert answer == [CONNECTING, texts.UNAVAILABLE]


def _notices(engine: Engine) -> list[tuple[int, str | None]]:
    with Session(engine) as session:
        return [
            (m.handover_id, m.text)
            for m in session.scalars(
                select(HandoverMessage).where(HandoverMessage.author == "system").order_by(HandoverMessage.id)
            )
        ]


def _watch(engine: Engine, now: dt.datetime, timeout_minutes: float = 10) -> int:
    """One round of the gateway's queue watch (the read-only check, then the locked pass if due)."""
    timeout = dt.timedelta(minutes=timeout_minutes)
    handled = QueueWatch(engine, claim_timeout=timeout, clock=lambda: now).run_once()
    with Session(engine) as session:  # after a round nothing is left to do until something moves
        assert not notices_due(session, now=now, claim_timeout=timeout)
    return handled


async def test_queue_watch_tells_moves_claims_and_timeouts_once(
    gate: HandoverGate, engine: Engine, clock: Clock
) -> None:
    for sender in ("line:U1", "line:U2", "line:U3"):
        await ask_for_person(gate, sender)
        clock.advance(seconds=1)
    first, second, third = (h.id for h in handovers(engine))
    assert _watch(engine, clock.now) == 0  # places already told in the queue answer
    set_status(engine, first, ACTIVE, claimed_at=clock.now)
    with Session(engine) as session, session.begin():  # as the staff side's claim does
        announce_claim(session, session.get_one(Handover, first), now=clock.now)
    assert _watch(engine, clock.now) == 2  # second: now 1st; third: now 2nd
    assert _watch(engine, clock.now) == 0  # a second replica (or round) repeats nothing
    notices = _notices(engine)
    assert notices[0] == (first, texts.CLAIMED)
    assert [(h, t is not None and "คิวที่ 1" in t) for h, t in notices[1:2]] == [(second, True)]
    assert [(h, t is not None and "คิวที่ 2" in t) for h, t in notices[2:3]] == [(third, True)]
    with Session(engine) as session:
        pending = session.scalars(select(HandoverMessage).where(HandoverMessage.author == "system")).all()
        assert all(m.delivery_state == "pending" and m.idempotency_key for m in pending)
    clock.advance(minutes=11)
    assert _watch(engine, clock.now) == 2  # nobody claimed 2 and 3 in time: call-back offer
    statuses = {h.id: h.status for h in handovers(engine)}
    assert statuses == {first: ACTIVE, second: CANCELLED, third: CANCELLED}
    assert _notices(engine)[-1][1] == texts.UNCLAIMED
    # The bot answers them again.
    assert await gate.before_rasa(said("ต่อภาษีรถ", sender="line:U2")) is None


async def test_wait_estimate_uses_available_agents_and_history(gate: HandoverGate, engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        for name in ("a1", "a2"):
            user = StaffUser(username=name, password_hash="x", role="agent", agency_id="dopa")
            session.add(user)
            session.flush()
            session.add(AgentPresence(staff_user_id=user.id, status="available"))
        for minutes in (4, 6, 8):  # median 6 minutes a conversation
            session.add(
                Handover(
                    agency_id="dopa",
                    channel="line",
                    recipient_hash=f"old{minutes}",
                    recipient_enc="x",
                    status=CLOSED,
                    reason="request_human",
                    requested_at=NOW - dt.timedelta(days=1),
                    claimed_at=NOW - dt.timedelta(days=1),
                    closed_at=NOW - dt.timedelta(days=1) + dt.timedelta(minutes=minutes),
                    version=1,
                )
            )
    for n in range(1, 4):
        answer = await ask_for_person(gate, f"line:W{n}")
        assert answer[-1].text is not None
        assert f"คิวที่ {n}" in answer[-1].text
    # third in line, 6 minutes each, two agents: 9 minutes
    assert "ประมาณ 9 นาที" in (answer[-1].text or "")
    with Session(engine) as session:
        assert (
            session.scalar(select(func.count()).select_from(Handover).where(Handover.status == WAITING)) == 3
        )


class PhotoChannel:
    """Just the adapter hook the gate uses: the platform's copy of the photo, or None once expired."""

    def __init__(self, data: bytes | None) -> None:
        self.data = data
        self.asked: list[str | None] = []

    async def fetch_media(self, event: Inbound, max_bytes: int) -> bytes | None:
        self.asked.append(event.media_id)
        return self.data


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4 + b"\xff\xd9"


async def test_a_photo_sent_to_a_person_is_kept_for_the_inbox(
    engine: Engine, vault: PersonalData, clock: Clock, tmp_path: Path
) -> None:
    photos = PhotoStore(tmp_path / "photos")
    gate = HandoverGate(engine, vault, clock=clock, photos=photos)
    channel = PhotoChannel(JPEG)
    image = said("", kind="image", media_id="468789577898262530")
    assert await gate.before_rasa(image, channel) is None  # no person asked for: the bot takes photos
    assert channel.asked == []
    await ask_for_person(gate)
    assert await gate.before_rasa(said("", kind="image", media_id="468789577898262531"), channel) is not None
    expired = PhotoChannel(None)
    await gate.before_rasa(said("", kind="image", media_id="468789577898262532"), expired)
    not_an_image = PhotoChannel(b"<html>")
    await gate.before_rasa(said("", kind="image", media_id="468789577898262533"), not_an_image)
    row = handovers(engine)[0]
    kept, gone, refused = [x for x in lines(engine, row.id) if x.kind == "image"]
    assert kept.media_ref is not None and kept.media_ref.startswith(PHOTO_PREFIX)
    assert photos.read(kept.media_ref.removeprefix(PHOTO_PREFIX)) == JPEG
    assert (gone.media_ref, gone.text) == (None, NO_PHOTO)
    assert (refused.media_ref, refused.text) == (None, NO_PHOTO)


async def test_an_sms_one_read_as_an_old_menu_option_is_still_the_rating(
    gate: HandoverGate, engine: Engine
) -> None:
    await ask_for_person(gate)
    row = handovers(engine)[0]
    set_status(engine, row.id, CLOSED, closed_at=NOW)
    # The SMS adapter turned "1" into option 1 of the queue message (the cancel button).
    typed_one = said("1", kind="postback", payload=texts.CANCEL_PAYLOAD)
    assert await gate.before_rasa(typed_one) == [texts.CSAT_THANKS]
    assert handovers(engine)[0].csat == 1


async def test_citizens_asking_at_once_are_told_distinct_places(gate: HandoverGate, engine: Engine) -> None:
    """Many requests for a person at the same moment (each in its own thread and transaction): each is
    told the place it really has, 1…N, never the same number twice (SQLite and PostgreSQL)."""
    import re

    answers = await asyncio.gather(*(ask_for_person(gate, f"line:C{n}") for n in range(20)))
    told = sorted(int(re.search(r"คิวที่ (\d+)", a[-1].text or "").group(1)) for a in answers)  # type: ignore[union-attr]
    assert told == list(range(1, 21))
