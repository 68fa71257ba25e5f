"""A citizen's erasure request reaches their live-handover data (handover/erasure.py), on SQLite and
PostgreSQL: reply addresses, the text and photos of their transcript lines, call-back phones and the
keyed hashes go; rows, times, codes and the agency's own lines stay; an open handover is cancelled,
its undelivered lines fail and an open call-back ticket is closed by "erasure". Another citizen's rows
are untouched. Then the chat action (actions/erasure.py) end to end on SQLite: the honest reply when only
chats were held, the photo file removed after the commit, and one transaction with the case erasure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from actions import erasure as erasure_action
from actions.case_runtime import CaseRuntime, build_case_runtime
from actions.erasure import ActionDeleteContactData
from analytics.measures import StatsQuery, stats
from analytics.models import AnalyticsCursor, AnalyticsReply
from analytics.sources import HandoverSource
from cases.agency_keys import issue_key
from cases.database import make_cases_engine, make_cases_sessionmaker
from cases.models import CaseContact
from cases.registry import NewCase, NewConsent, NewContact, create_case
from cases.settings import CasesSettings
from db.engine import make_engine, make_sessionmaker
from handover import conversations
from handover.callback_desk import list_tickets
from handover.callbacks import NewTicket, create_ticket
from handover.conversations import Conversation, Request
from handover.delivery import ClaimedLine, DeliverySettings, Outcome, record_outcomes
from handover.erasure import ERASED_OUTCOME, HandoverErasure, erase_handover_data
from handover.inbox import Agent
from handover.models import (
    ACTIVE,
    BOT,
    CANCELLED,
    CITIZEN,
    CLOSED,
    STAFF,
    SYSTEM,
    CallbackTicket,
    Handover,
    HandoverEvent,
    HandoverMessage,
)
from privacy import PersonalData, PrivacySettings
from privacy.identity import GatewayIdentity
from tests.databases import throwaway_database

KEYS = PrivacySettings.generate()
VAULT = PersonalData(KEYS)
ASKER = "line:U0a1b2c3d4e5f60718293a4b5c6d7e8f9"
OTHER = "line:Uffffeeeeddddccccbbbbaaaa99998888"
PHOTO = "ab" * 32 + ".jpg"
NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
ADMIN = Agent(user_id=0, username="boss", role="admin", agency_id=None)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with throwaway_database(request.param, tmp_path) as url:
        eng = make_engine(url)
        yield eng
        eng.dispose()


def _handover(
    session: Session, sender: str, *, status: str, lines: list[tuple[str, str | None, str | None]]
) -> int:
    """A handover opened by the real citizen-side code, with transcript lines (author, text, media)."""
    row = conversations.open_handover(
        session,
        Conversation("line", VAULT.sender_hash(sender)),
        recipient_enc=VAULT.seal(sender),
        request=Request(reason="request_human", agency_id="dopa", service_id="id_card_new", intent=None),
        now=NOW - dt.timedelta(hours=2),
    )
    session.flush()
    for author, text, media in lines:
        pending = author == STAFF and text == "pending"
        session.add(
            HandoverMessage(
                handover_id=row.id,
                author=author,
                text=text,
                media_ref=media,
                kind="image" if media else "text",
                created_at=NOW - dt.timedelta(hours=1),
                delivery_state="pending" if pending else ("sent" if author == STAFF else None),
            )
        )
    row.status = status
    if status == CLOSED:
        row.closed_at = NOW - dt.timedelta(minutes=30)
    session.flush()
    return row.id


def _ticket(session: Session, sender: str, phone: str) -> int:
    new = NewTicket(
        agency_id="dopa",
        channel="line",
        recipient_hash=VAULT.sender_hash(sender),
        phone_e164=phone,
        consent_wording="ยินยอมให้โทรกลับ",
        consent_at=NOW,
    )
    return create_ticket(session, new, VAULT, NOW - dt.timedelta(minutes=10)).id


def test_erasure_blanks_addresses_texts_phones_and_keeps_the_figures(engine: Engine) -> None:
    sessions = make_sessionmaker(engine, immediate=True)
    with sessions.begin() as session:
        closed = _handover(
            session,
            ASKER,
            status=CLOSED,
            lines=[
                (CITIZEN, "บัตรหาย เลขบัตร 1-2345-67890-12-3 โทร 0812345678", None),
                (BOT, "ขอให้เจ้าหน้าที่ช่วยนะคะ", None),
                (STAFF, "รับทราบค่ะ", None),
                (CITIZEN, None, "photo:" + PHOTO),
            ],
        )
        theirs = _handover(
            session, OTHER, status=CLOSED, lines=[(CITIZEN, "ของคนอื่น", "photo:" + "cd" * 32 + ".png")]
        )
        active = _handover(
            session, ASKER, status=ACTIVE, lines=[(CITIZEN, "ยังอยู่ไหมคะ", None), (STAFF, "pending", None)]
        )
        open_ticket = _ticket(session, ASKER, "+66812345678")  # continues `active` (recent, unclaimed)
        done_ticket = _ticket(session, ASKER, "+66899990000")
        session.get_one(CallbackTicket, done_ticket).status = "done"
        other_ticket = _ticket(session, OTHER, "+66877776666")

    with sessions.begin() as session:
        result = erase_handover_data(session, VAULT, ASKER, now=NOW)
    assert result == HandoverErasure(handovers=2, lines=3, tickets=2, photo_refs=(PHOTO,))

    with Session(engine) as session:
        for hid in (closed, active):
            row = session.get_one(Handover, hid)
            assert row.recipient_enc == "" and row.recipient_hash == ""
            assert (
                row.requested_at is not None and row.agency_id == "dopa" and row.service_id == "id_card_new"
            )
        assert session.get_one(Handover, closed).status == CLOSED
        assert session.get_one(Handover, active).status == CANCELLED
        lines = session.scalars(
            select(HandoverMessage).where(HandoverMessage.handover_id.in_([closed, active]))
        ).all()
        assert len(lines) == 6  # rows and times stay for the figures
        for line in lines:
            assert line.created_at is not None
            if line.author == CITIZEN:
                assert line.text is None and line.media_ref is None
        assert {line.text for line in lines if line.author != CITIZEN} == {
            "ขอให้เจ้าหน้าที่ช่วยนะคะ",
            "รับทราบค่ะ",
            "pending",
        }
        undelivered = [line for line in lines if line.text == "pending"]
        assert [(u.delivery_state, u.last_error) for u in undelivered] == [("failed", "recipient_erased")]
        cancelled = session.scalars(
            select(HandoverEvent).where(
                HandoverEvent.handover_id == active, HandoverEvent.kind == "cancelled"
            )
        ).one()
        assert cancelled.actor == "erasure"

        for tid in (open_ticket, done_ticket):
            erased = session.get_one(CallbackTicket, tid)
            assert (erased.phone_enc, erased.phone_last4, erased.recipient_hash) == ("", "", "")
            assert erased.status == "done" and erased.consent_wording == "ยินยอมให้โทรกลับ"
        opened = session.get_one(CallbackTicket, open_ticket)
        assert opened.done_by == "erasure" and opened.done_at is not None
        assert session.get_one(CallbackTicket, done_ticket).done_by is None  # staff's record stays
        assert opened.handover_id == active
        detail = session.scalars(
            select(HandoverEvent.detail).where(
                HandoverEvent.handover_id == active, HandoverEvent.kind == "callback_done"
            )
        ).one()
        assert detail == {"ticket": open_ticket, "outcome": ERASED_OUTCOME}

        # Nobody else's data moved.
        other = session.get_one(Handover, theirs)
        assert other.recipient_hash == VAULT.sender_hash(OTHER) and VAULT.open(other.recipient_enc) == OTHER
        assert session.scalars(
            select(HandoverMessage.text).where(HandoverMessage.handover_id == theirs)
        ).all() == ["ของคนอื่น"]
        kept = session.get_one(CallbackTicket, other_ticket)
        assert VAULT.open(kept.phone_enc) == "+66877776666" and kept.status == "open"

    with sessions() as session:  # the staff list shows the erased ticket without any digits
        shown = {t.id: t for t in list_tickets(session, ADMIN, "done")}
        assert shown[open_ticket].phone_last4 is None and shown[open_ticket].outcome == ERASED_OUTCOME
        assert shown[open_ticket].to_json()["phone_masked"] is None

    with sessions.begin() as session:  # asked again: nothing of theirs is left to find
        assert not erase_handover_data(session, VAULT, ASKER, now=NOW).anything


def test_lines_the_erasure_fails_are_counted_once_as_failed(engine: Engine) -> None:
    """The undelivered staff reply and handover notice an erasure fails get the reply_failed event the
    delivery worker writes, so the analytics count each once as failed (staff_replies /
    handover_notices): not again when the erasure is asked twice, the events re-read, or a delivery
    worker that had leased the line reports it sent after all."""
    sessions = make_sessionmaker(engine, immediate=True)
    with sessions.begin() as session:
        active = _handover(
            session, ASKER, status=ACTIVE, lines=[(CITIZEN, "ยังอยู่ไหมคะ", None), (STAFF, "pending", None)]
        )
        notice = HandoverMessage(
            handover_id=active,
            author=SYSTEM,
            text="คิวที่ 2",
            kind="text",
            created_at=NOW - dt.timedelta(minutes=5),
            delivery_state="pending",
        )
        session.add(notice)
        session.flush()
        staff_line = session.scalars(
            select(HandoverMessage.id).where(
                HandoverMessage.handover_id == active, HandoverMessage.author == STAFF
            )
        ).one()
        ids = {STAFF: staff_line, SYSTEM: notice.id}
        # The notice's line is leased by a delivery worker when the erasure comes.
        notice.claimed_by, notice.claim_until = "w1", NOW + dt.timedelta(seconds=15)

    with sessions.begin() as session:
        erase_handover_data(session, VAULT, ASKER, now=NOW)
    with sessions.begin() as session:  # asked again: nothing pending is left, nothing recorded
        erase_handover_data(session, VAULT, ASKER, now=NOW)
    with sessions.begin() as session:  # the worker's late "sent" settles nothing
        line = ClaimedLine(ids[SYSTEM], active, "line", "k", "คิวที่ 2", 1, None)
        record_outcomes(
            session, [Outcome(line, "sent")], worker_id="w1", now=NOW, settings=DeliverySettings()
        )

    with sessions() as session:
        events = session.scalars(
            select(HandoverEvent)
            .where(HandoverEvent.handover_id == active, HandoverEvent.kind.like("reply_%"))
            .order_by(HandoverEvent.id)
        ).all()
        assert [(e.kind, e.detail, e.actor) for e in events] == [
            ("reply_failed", {"message_id": ids[STAFF], "author": STAFF}, "erasure"),
            ("reply_failed", {"message_id": ids[SYSTEM], "author": SYSTEM}, "erasure"),
        ]
        assert session.get_one(HandoverMessage, ids[SYSTEM]).delivery_state == "failed"

    source = HandoverSource()
    for _ in range(2):  # read, then read everything again from the start
        with sessions.begin() as session:
            while source.poll(session):
                pass
        with sessions.begin() as session:
            session.get_one(AnalyticsCursor, source.name).position = 0
    with sessions.begin() as session:
        while source.poll(session):
            pass
    with sessions() as session:
        replies = session.scalars(select(AnalyticsReply).order_by(AnalyticsReply.message_id)).all()
        assert [(r.message_id, r.author, r.outcome, r.channel, r.agency) for r in replies] == [
            (ids[STAFF], STAFF, "failed", "line", "dopa"),
            (ids[SYSTEM], SYSTEM, "failed", "line", "dopa"),
        ]
        day = NOW.date()
        figures = stats(session, StatsQuery(day, day))
    assert figures["staff_replies"]["line"] == {"delivered": 0, "failed": 1}
    assert figures["handover_notices"]["line"] == {"delivered": 0, "failed": 1}


def test_a_photo_someone_else_also_sent_stays_in_the_store(engine: Engine) -> None:
    sessions = make_sessionmaker(engine, immediate=True)
    with sessions.begin() as session:
        _handover(session, ASKER, status=CLOSED, lines=[(CITIZEN, None, "photo:" + PHOTO)])
        _handover(session, OTHER, status=CLOSED, lines=[(CITIZEN, None, "photo:" + PHOTO)])
    with sessions.begin() as session:
        result = erase_handover_data(session, VAULT, ASKER, now=NOW)
    assert result.lines == 1 and result.photo_refs == ()


# -- the chat action, end to end on SQLite -----------------------------------------------------------


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[tuple[CaseRuntime, sessionmaker[Session]]]:
    with throwaway_database("sqlite", tmp_path, "erasure") as url:
        runtime = build_case_runtime(
            CasesSettings.from_environ(
                {"DATABASE_URL": url, **KEYS.to_environ(), "CASES_PHOTO_DIR": str(tmp_path / "photos")}
            )
        )
        assert runtime is not None
        engine = make_cases_engine(url)
        sessions = make_cases_sessionmaker(engine)
        with sessions() as session, session.begin():
            issue_key(session, "dla", "กรมการปกครอง")
        yield runtime, sessions
        engine.dispose()


def _tracker(sender_id: str) -> Tracker:
    latest = {
        "text": "/affirm",
        "intent": {"name": "affirm", "confidence": 1.0},
        "entities": [],
        "metadata": GatewayIdentity(KEYS).sign({"channel": "line", "user_id": sender_id}),
    }
    return Tracker(
        sender_id=sender_id,
        slots={},
        latest_message=latest,
        events=[{"event": "user", "text": "/affirm", "parse_data": latest, "input_channel": "line"}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def _run(action: ActionDeleteContactData, tracker: Tracker) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    assert await action.run(dispatcher, tracker, {}) == []
    [message] = dispatcher.messages
    return message


async def test_the_chat_action_erases_chats_and_says_so(registry) -> None:
    runtime, sessions = registry
    photos = runtime.tools.photos
    _digest, ref = photos.save(b"\xff\xd8\xff" + b"0" * 64, "image/jpeg")
    with sessions() as session, session.begin():
        hid = _handover(session, ASKER, status=CLOSED, lines=[(CITIZEN, None, "photo:" + ref)])
        tid = _ticket(session, ASKER, "+66812345678")
    action = ActionDeleteContactData(runtime, sessions)

    message = await _run(action, _tracker(ASKER))
    assert "คุยกับเจ้าหน้าที่" in message["text"] and "โทรกลับ" in message["text"]
    assert not photos.exists(ref)  # deleted once the rows no longer point at it
    with sessions() as session:
        assert session.get_one(Handover, hid).recipient_enc == ""
        assert session.get_one(CallbackTicket, tid).phone_enc == ""
    again = await _run(action, _tracker(ASKER))
    assert "ไม่มีอะไรต้องลบ" in again["text"]


async def test_case_and_chat_erasure_are_one_transaction(registry, monkeypatch) -> None:
    runtime, sessions = registry
    consent = NewConsent(wording="ยินยอมให้ติดต่อกลับ", given_at=NOW)
    with sessions() as session, session.begin():
        new = NewCase(
            kind="application",
            service_id="id_card_renew",
            contacts=(NewContact("line", sender_id=ASKER, notify=True),),
            consent=consent,
        )
        case_id = create_case(session, "dla", new, runtime.tools, now=NOW).id
        tid = _ticket(session, ASKER, "+66812345678")

    def broken(*args: object, **kwargs: object) -> HandoverErasure:
        raise OperationalError("UPDATE handovers", {}, Exception("disk I/O error"))

    monkeypatch.setattr(erasure_action, "erase_handover_data", broken)
    message = await _run(ActionDeleteContactData(runtime, sessions), _tracker(ASKER))
    assert "ระบบขัดข้อง" in message["text"]
    with sessions() as session:  # the case part rolled back with it: nothing half-erased
        contact = session.scalars(select(CaseContact).where(CaseContact.case_id == case_id)).one()
        assert contact.sender_enc is not None and contact.sender_hash is not None
        assert session.get_one(CallbackTicket, tid).phone_enc != ""

    monkeypatch.undo()
    message = await _run(ActionDeleteContactData(runtime, sessions), _tracker(ASKER))
    assert "(1 เรื่อง)" in message["text"]
    with sessions() as session:
        assert (
            session.scalars(select(CaseContact.sender_enc).where(CaseContact.case_id == case_id)).one()
            is None
        )
        assert session.get_one(CallbackTicket, tid).phone_enc == ""
