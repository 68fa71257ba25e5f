"""Outbox and worker: same-transaction notices, delivery through fake LINE and SMS APIs, retries,
opt-outs, quiet hours, crash recovery without duplicates, competing workers. SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cases.agency_keys import issue_key
from cases.models import Agency, Case, Delivery, OutboxMessage
from cases.photos import PhotoStore
from cases.registry import (
    CaseTools,
    NewCase,
    NewConsent,
    NewContact,
    StatusChange,
    change_status,
    create_case,
    opt_out,
)
from cases.render import render_sms, sms_segments
from cases.settings import CasesSettings
from cases.worker import OutboxWorker
from channels import keys
from channels.app import create_app
from channels.delivery import DirectSender
from channels.notices import direct_senders
from channels.settings import Settings
from channels.sms.adapter import IDEMPOTENCY_NAMESPACE
from privacy import PersonalData
from tests.fakes import FakeLine, FakeSms, serve

LINE_USER = "line:U00000000000000000000000000000001"
PHONE = "0812345678"
# 12:00 in Bangkok: outside SMS quiet hours.
NOON_BKK = dt.datetime(2026, 11, 25, 5, 0, tzinfo=dt.UTC)
TOKEN = "fake-provider-token"
LINE_AND_SMS = {"line": "channels.line.adapter:build", "sms": "channels.sms.adapter:build"}


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
async def fake_line(aiohttp_server: Any) -> FakeLine:
    return await serve(aiohttp_server, FakeLine(token=TOKEN))


@pytest.fixture
async def fake_sms(aiohttp_server: Any) -> FakeSms:
    return await serve(aiohttp_server, FakeSms(token=TOKEN))


@pytest.fixture
def worker_settings(settings: CasesSettings) -> CasesSettings:
    return dataclasses.replace(settings, lease_seconds=30, max_attempts=4)


@pytest.fixture
async def senders(
    settings: CasesSettings, fake_line: FakeLine, fake_sms: FakeSms, tmp_path: Path
) -> AsyncIterator[dict[str, DirectSender]]:
    """The gateway's LINE and SMS adapters, pointed at the fakes: the only senders there are."""
    gateway = Settings(
        state_dir=str(tmp_path),
        line_channel_secret="line-secret",
        line_channel_access_token=TOKEN,
        line_api_base=fake_line.url,
        sms_webhook_secret="sms-secret",
        sms_api_base=fake_sms.url,
        sms_api_key=TOKEN,
        privacy=settings.privacy,
    )
    app = create_app(gateway, channel_factories=LINE_AND_SMS, subapps={}, run_worker=False)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        yield direct_senders(app[keys.CHANNELS])
    finally:
        await runner.cleanup()


@pytest.fixture
def tools(worker_settings: CasesSettings) -> CaseTools:
    return CaseTools(
        vault=PersonalData(worker_settings.privacy), photos=PhotoStore(worker_settings.photo_dir)
    )


@pytest.fixture
def make_worker(
    worker_settings: CasesSettings, sessions: sessionmaker[Session], senders: dict[str, DirectSender]
) -> Callable[..., OutboxWorker]:
    def make(clock: Clock, name: str = "w1", **overrides: Any) -> OutboxWorker:
        cfg = dataclasses.replace(worker_settings, **overrides)
        return OutboxWorker(cfg, sessions, senders, worker_id=name, clock=clock)

    return make


def new_case(sessions: sessionmaker[Session], tools: CaseTools, contacts: tuple[NewContact, ...]) -> str:
    with sessions() as session, session.begin():
        if session.get(Agency, "dla") is None:
            issue_key(session, "dla", "กรมการปกครอง")
        case = create_case(
            session,
            "dla",
            NewCase(
                kind="application",
                service_id="id_card_renew",
                contacts=contacts,
                consent=NewConsent("ยินยอมรับแจ้งความคืบหน้า", NOON_BKK),
            ),
            tools,
            now=NOON_BKK,
        )
        return case.reference


def move(sessions: sessionmaker[Session], ref: str, status: str = "in_progress", **kw: Any) -> int:
    with sessions() as session, session.begin():
        case = session.scalars(select(Case).where(Case.reference == ref)).one()
        _, queued = change_status(
            session, case, StatusChange(status=status, actor="officer-1", **kw), now=NOON_BKK
        )
        return len(queued)


def outbox_states(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(OutboxMessage.state).order_by(OutboxMessage.id)))


BOTH = (NewContact("line", sender_id=LINE_USER, notify=True), NewContact("sms", phone=PHONE, notify=True))


def test_outbox_rows_commit_or_roll_back_with_the_status_change(
    sessions: sessionmaker[Session], tools: CaseTools
) -> None:
    ref = new_case(sessions, tools, BOTH)
    with sessions() as session:
        session.begin()
        case = session.scalars(select(Case).where(Case.reference == ref)).one()
        change_status(session, case, StatusChange(status="in_review", actor="x"))
        session.rollback()
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        case = session.scalars(select(Case).where(Case.reference == ref)).one()
        assert case.status == "received" and len(case.history) == 1
    assert move(sessions, ref) == 2
    assert outbox_states(sessions) == ["pending", "pending"]


async def test_worker_delivers_one_line_push_and_one_sms(
    sessions: sessionmaker[Session],
    tools: CaseTools,
    make_worker: Any,
    fake_line: FakeLine,
    fake_sms: FakeSms,
) -> None:
    ref = new_case(sessions, tools, BOTH)
    move(
        sessions, ref, public_note="เอกสารครบแล้ว", next_step="รับบัตรที่อำเภอ", next_step_due=dt.date(2026, 12, 5)
    )
    worker = make_worker(Clock(NOON_BKK))
    assert await worker.run_once() == 2
    assert await worker.run_once() == 0
    (line,) = fake_line.accepted.values()
    (sms,) = fake_sms.accepted.values()
    assert line.recipient == LINE_USER.removeprefix("line:")
    assert ref in line.text and "กำลังดำเนินการ" in line.text and "5 ธ.ค. 2569" in line.text
    assert sms.recipient == "+66812345678" and ref in sms.text and sms_segments(sms.text) <= 2
    assert fake_line.errors == [] and fake_sms.errors == []
    with sessions() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [r.state for r in rows] == ["sent", "sent"]
        # LINE gets the row's key as X-Line-Retry-Key; the SMS provider a key derived from it (the
        # gateway's SmsSender derives every provider key the same way, replies included).
        assert line.key in {r.idempotency_key for r in rows}
        assert sms.key in {
            str(uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"notice:{r.idempotency_key}")) for r in rows
        }
        log = session.scalars(select(Delivery)).all()
        assert sorted(d.result for d in log) == ["sent", "sent"]


async def test_failures_are_retried_with_backoff_and_delivered_once(
    sessions: sessionmaker[Session], tools: CaseTools, make_worker: Any, fake_line: FakeLine
) -> None:
    fake_line.fail_first = 2
    ref = new_case(sessions, tools, (BOTH[0],))
    move(sessions, ref)
    clock = Clock(NOON_BKK)
    worker = make_worker(clock)
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0  # not due yet: backing off
    with sessions() as session:
        row = session.scalars(select(OutboxMessage)).one()
        first_wait = (row.next_attempt_at.replace(tzinfo=dt.UTC) - NOON_BKK).total_seconds()
    assert 1.0 <= first_wait <= 2.0  # base 2 s, jittered between half and full
    clock.advance(2.1)
    assert await worker.run_once() == 1
    with sessions() as session:
        row = session.scalars(select(OutboxMessage)).one()
        second_wait = (row.next_attempt_at.replace(tzinfo=dt.UTC) - clock.now).total_seconds()
    assert 2.0 <= second_wait <= 4.0  # doubled
    clock.advance(4.1)
    assert await worker.run_once() == 1
    assert len(fake_line.accepted) == 1 and fake_line.requests == 3
    with sessions() as session:
        assert [d.result for d in session.scalars(select(Delivery).order_by(Delivery.id))] == [
            "retry",
            "retry",
            "sent",
        ]
    assert outbox_states(sessions) == ["sent"]


async def test_gives_up_after_max_attempts_and_says_so(
    sessions: sessionmaker[Session], tools: CaseTools, make_worker: Any, fake_line: FakeLine
) -> None:
    fake_line.fail_first = 100
    ref = new_case(sessions, tools, (BOTH[0],))
    move(sessions, ref)
    clock = Clock(NOON_BKK)
    worker = make_worker(clock, max_attempts=3)
    for _ in range(3):
        assert await worker.run_once() == 1
        clock.advance(3600)
    assert await worker.run_once() == 0
    assert outbox_states(sessions) == ["dead"]
    with sessions() as session:
        assert [d.result for d in session.scalars(select(Delivery).order_by(Delivery.id))][-1] == "gave_up"


async def test_crash_between_send_and_record_never_duplicates(
    sessions: sessionmaker[Session],
    tools: CaseTools,
    make_worker: Any,
    fake_line: FakeLine,
    fake_sms: FakeSms,
) -> None:
    ref = new_case(sessions, tools, BOTH)
    move(sessions, ref)
    clock = Clock(NOON_BKK)
    crashing = make_worker(clock, name="dies")

    def crash(_attempts: Any) -> None:
        raise SystemExit("killed after sending, before recording")

    crashing._record = crash  # type: ignore[method-assign]
    with pytest.raises(SystemExit):
        await crashing.run_once()
    assert len(fake_line.accepted) == 1 and len(fake_sms.accepted) == 1
    survivor = make_worker(clock, name="survivor")
    assert await survivor.run_once() == 0  # the dead worker's lease still holds
    clock.advance(31)
    assert await survivor.run_once() == 2
    assert fake_line.repeated_keys == 1 and fake_sms.repeated_keys == 1
    assert len(fake_line.accepted) == 1 and len(fake_sms.accepted) == 1
    assert outbox_states(sessions) == ["sent", "sent"]
    with sessions() as session:
        assert sorted(d.result for d in session.scalars(select(Delivery))) == ["already_accepted"] * 2


async def test_opted_out_recipients_get_nothing(
    sessions: sessionmaker[Session],
    tools: CaseTools,
    make_worker: Any,
    fake_line: FakeLine,
    fake_sms: FakeSms,
) -> None:
    ref = new_case(sessions, tools, BOTH)
    move(sessions, ref)  # queued before the opt-out arrives
    with sessions() as session, session.begin():
        opt_out(session, tools.vault, "sms", "+66 81 234 5678")
        opt_out(session, tools.vault, "line", LINE_USER)
    assert await make_worker(Clock(NOON_BKK)).run_once() == 2
    assert fake_line.requests == 0 and fake_sms.requests == 0
    assert outbox_states(sessions) == ["skipped", "skipped"]
    assert move(sessions, ref, status="resolved") == 0  # nothing is even queued any more


async def test_contact_without_notify_is_never_queued(
    sessions: sessionmaker[Session], tools: CaseTools
) -> None:
    ref = new_case(sessions, tools, (NewContact("line", sender_id=LINE_USER, phone=PHONE, notify=False),))
    assert move(sessions, ref) == 0


async def test_sms_waits_for_the_end_of_quiet_hours_unless_urgent(
    sessions: sessionmaker[Session],
    tools: CaseTools,
    make_worker: Any,
    fake_line: FakeLine,
    fake_sms: FakeSms,
) -> None:
    ref = new_case(sessions, tools, BOTH)
    move(sessions, ref)
    late = Clock(dt.datetime(2026, 11, 25, 15, 30, tzinfo=dt.UTC))  # 22:30 in Bangkok
    worker = make_worker(late)
    assert await worker.run_once() == 2
    assert len(fake_line.accepted) == 1 and fake_sms.requests == 0  # LINE has no quiet hours
    with sessions() as session:
        sms_row = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).one()
        assert sms_row.state == "pending" and sms_row.attempts == 0
        assert sms_row.next_attempt_at.replace(tzinfo=dt.UTC) == dt.datetime(
            2026, 11, 26, 1, 0, tzinfo=dt.UTC
        )
    late.now = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC)  # 03:00 in Bangkok: still waiting
    assert await worker.run_once() == 0
    move(sessions, ref, status="waiting_for_citizen", urgent=True)
    assert await worker.run_once() == 2  # the urgent one goes now (LINE too)
    assert len(fake_sms.accepted) == 1
    late.now = dt.datetime(2026, 11, 26, 1, 0, 1, tzinfo=dt.UTC)  # 08:00:01 in Bangkok
    assert await worker.run_once() == 1
    assert len(fake_sms.accepted) == 2 and outbox_states(sessions).count("sent") == 4


async def test_rows_for_channels_without_a_sender_wait(
    sessions: sessionmaker[Session], tools: CaseTools, make_worker: Any
) -> None:
    ref = new_case(sessions, tools, (NewContact("web", sender_id="web:session-abc", notify=True),))
    move(sessions, ref)
    assert await make_worker(Clock(NOON_BKK)).run_once() == 0
    assert outbox_states(sessions) == ["pending"]


async def test_competing_workers_deliver_each_notice_exactly_once(
    sessions: sessionmaker[Session],
    tools: CaseTools,
    make_worker: Any,
    fake_line: FakeLine,
    fake_sms: FakeSms,
) -> None:
    refs = [new_case(sessions, tools, BOTH) for _ in range(15)]
    for ref in refs:
        move(sessions, ref)
    clock = Clock(NOON_BKK)
    workers = [make_worker(clock, name=f"w{i}", worker_batch=4) for i in range(3)]

    async def drain(worker: OutboxWorker) -> int:
        total = 0
        while handled := await worker.run_once():
            total += handled
        return total

    counts = await asyncio.gather(*(drain(w) for w in workers))
    assert sum(counts) == 30
    assert len(fake_line.accepted) + len(fake_sms.accepted) == 30
    assert fake_line.repeated_keys == fake_sms.repeated_keys == 0
    assert max(fake_line.per_message().values()) == 1 and max(fake_sms.per_message().values()) == 1


@pytest.mark.parametrize(
    "note",
    ["", "เอกสารครบแล้ว", "ขอเอกสารเพิ่มเติม: สำเนาทะเบียนบ้าน สำเนาบัตรประชาชน หนังสือมอบอำนาจ " * 6],
)
def test_sms_text_fits_two_segments_and_keeps_the_reference(note: str) -> None:
    payload = {
        "reference": "CM69-0000-0018",
        "status": "waiting_for_citizen",
        "public_note": note or None,
        "next_step": "นำเอกสารมายื่นที่สำนักงานเขต" * 3,
        "next_step_due": "2026-12-05",
    }
    text = render_sms(payload, max_segments=2)
    assert sms_segments(text) <= 2 and "CM69-0000-0018" in text and "STOP" in text
