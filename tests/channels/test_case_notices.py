"""Case notices delivered by the gateway itself, through its real adapters, on SQLite and PostgreSQL.

Real parts: the gateway app (LINE, SMS and web adapters, Redis store and transcripts, the outbox
worker in its cleanup context), the case registry (cases.registry.change_status writes the outbox),
a web socket client. Fakes: the LINE API (bodies checked with line-bot-sdk's models, retry keys
accepted once), an SMS provider (idempotency keys honoured).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import secrets
import time
import unicodedata
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from linebot.v3.messaging import PushMessageRequest, TextMessage
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from cases.agency_keys import issue_key
from cases.database import make_cases_engine, make_cases_sessionmaker
from cases.models import Case, CaseContact, Delivery, NotificationOptOut, OutboxMessage, as_utc
from cases.photos import PhotoStore
from cases.registry import (
    CaseTools,
    NewCase,
    NewConsent,
    NewContact,
    StatusChange,
    change_status,
    create_case,
)
from cases.render import render_sms
from cases.settings import CasesSettings
from channels import keys
from channels.app import create_app
from channels.line.adapter import LineChannel
from channels.messages import Outbound
from channels.notices import CaseNotices, direct_senders
from channels.settings import Settings
from channels.sms import optout
from channels.sms.adapter import SmsChannel
from channels.sms.direct import within_budget
from channels.sms.render import segments
from channels.web.adapter import WebChannel
from channels.web.config import WebSettings
from privacy import PersonalData
from tests.channels.conftest import LINE_SECRET, PRIVACY, SMS_SECRET, eventually
from tests.channels.line_payloads import body_of, signed_headers
from tests.channels.test_sms_webhook import generic_body, generic_headers
from tests.channels.web.webchat_fakes import open_chat
from tests.databases import throwaway_database
from tests.fakes import FakeLine, FakeSms, serve

AGENCY = "bkk-district"
WEB_SECRET = "case-notice-web-secret-0123456789"
CONSENT = NewConsent(wording="ยินยอมให้ส่งความคืบหน้าเรื่องนี้ทาง LINE/SMS/แชต", given_at=dt.datetime.now(dt.UTC))
# Asia/Bangkok is UTC+7: 22:30 there is 15:30 UTC, inside SMS quiet hours (21:00-08:00).
NIGHT_BKK = dt.datetime(2026, 11, 25, 15, 30, tzinfo=dt.UTC)
MORNING_BKK = dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)  # 08:00 the next day


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def cases_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(request.param, tmp_path_factory.mktemp("notices-db"), "notices") as url:
        engine = make_cases_engine(url)
        with make_cases_sessionmaker(engine)() as session, session.begin():
            issue_key(session, AGENCY, "สำนักงานเขตพระนคร")
        engine.dispose()
        yield url


@pytest.fixture
def cases_settings(cases_url: str, tmp_path: Path) -> CasesSettings:
    return CasesSettings(
        database_url=cases_url,
        privacy=PRIVACY,  # one PERSONAL_DATA_KEYS for the gateway and the registry
        photo_dir=tmp_path / "photos",
        idle_poll_seconds=0.05,
        backoff_base_seconds=0.05,
        backoff_max_seconds=0.2,
        lease_seconds=5,
        # No quiet hours here (these tests run at any hour); the quiet-hours test sets 21:00-08:00.
        quiet_start_hour=24,
        quiet_end_hour=0,
    )


@pytest.fixture
def sessions(cases_settings: CasesSettings) -> Iterator[sessionmaker[Session]]:
    """The registry, with no notice left over from another test (they would be delivered here)."""
    engine = make_cases_engine(cases_settings.database_url)
    maker = make_cases_sessionmaker(engine)
    with maker() as session, session.begin():
        for model in (Delivery, OutboxMessage, NotificationOptOut):
            session.execute(delete(model))
    yield maker
    engine.dispose()


@pytest.fixture
def gateway_settings(base_settings: Settings, fake_sms: FakeSms) -> Settings:
    return base_settings.with_(
        sms_webhook_secret=SMS_SECRET,
        sms_api_base=fake_sms.url,
        sms_api_key="test-sms-api-key",
        sms_sender="4567",
        privacy=PRIVACY,
        web=WebSettings(session_secret=WEB_SECRET),
    )


ALL_CHANNELS = {
    "line": "channels.line.adapter:build",
    "sms": "channels.sms.adapter:build",
    "web": "channels.web.adapter:build",
}


@pytest.fixture
async def gateway(
    gateway_settings: Settings,
    cases_settings: CasesSettings,
    sessions: sessionmaker[Session],
    aiohttp_client: Any,
) -> AsyncIterator[Any]:
    async def start(overrides: dict[str, Any] | None = None, **kwargs: Any) -> TestClient:
        kwargs.setdefault("cases", cases_settings)
        settings = gateway_settings.with_(**(overrides or {}))
        return await aiohttp_client(create_app(settings, channel_factories=ALL_CHANNELS, **kwargs))

    yield start


def line_user() -> str:
    return "U" + uuid.uuid4().hex


def thai_mobile() -> tuple[str, str]:
    """(as typed, E.164) for a fresh number."""
    digits = f"8{secrets.randbelow(10**8):08d}"
    return "0" + digits, "+66" + digits


def file_case(
    sessions: sessionmaker[Session], settings: CasesSettings, tmp_path: Path, *contacts: NewContact
) -> str:
    tools = CaseTools(vault=PersonalData(settings.privacy), photos=PhotoStore(tmp_path / "photos"))
    new = NewCase(kind="application", service_id="id_card_renew", contacts=contacts, consent=CONSENT)
    with sessions() as session, session.begin():
        return create_case(session, AGENCY, new, tools).reference


def set_status(
    sessions: sessionmaker[Session],
    reference: str,
    status: str = "in_progress",
    *,
    urgent: bool = False,
    now: dt.datetime | None = None,
) -> list[str]:
    """cases.registry.change_status, as the agency API and the console call it; the outbox keys."""
    with sessions() as session, session.begin():
        case = session.scalars(select(Case).where(Case.reference == reference)).one()
        change = StatusChange(status=status, actor="officer-17", public_note="กำลังตรวจเอกสาร", urgent=urgent)
        _, queued = change_status(session, case, change, now=now)
        return [row.idempotency_key for row in queued]


def outbox(sessions: sessionmaker[Session], reference: str) -> list[OutboxMessage]:
    with sessions() as session:
        case = session.scalars(select(Case).where(Case.reference == reference)).one()
        return list(
            session.scalars(
                select(OutboxMessage).where(OutboxMessage.case_id == case.id).order_by(OutboxMessage.id)
            )
        )


def delivery_log(sessions: sessionmaker[Session], key: str) -> list[str]:
    with sessions() as session:
        rows = session.scalars(
            select(Delivery).where(Delivery.idempotency_key == key).order_by(Delivery.attempt)
        )
        return [row.result for row in rows]


def pushes_to(fake: FakeLine, user: str) -> list[dict[str, Any]]:
    return [d.__dict__ for d in fake.deliveries if d.kind == "push" and d.target == user]


async def web_session(client: TestClient) -> tuple[Any, str]:
    chat = await open_chat(client)
    web: WebChannel = client.app[keys.CHANNELS]["web"]  # type: ignore[assignment]
    session_id = web.signer.verify(chat.session)
    assert session_id is not None
    return chat, session_id


async def all_settled(
    sessions: sessionmaker[Session], reference: str, timeout: float = 10.0
) -> list[OutboxMessage]:
    rows: list[OutboxMessage] = []

    def done() -> bool:
        nonlocal rows
        rows = outbox(sessions, reference)
        return bool(rows) and all(r.state != "pending" for r in rows)

    await eventually(done, timeout=timeout, interval=0.05)
    return rows


async def test_a_status_change_reaches_line_sms_and_web_exactly_once(
    gateway: Any,
    sessions: sessionmaker[Session],
    cases_settings: CasesSettings,
    fake_line: FakeLine,
    fake_sms: FakeSms,
    tmp_path: Path,
) -> None:
    client = await gateway()
    assert keys.NOTICE_WORKER in client.app  # the gateway runs the outbox worker itself
    chat, session_id = await web_session(client)
    user, (typed, e164) = line_user(), thai_mobile()
    reference = file_case(
        sessions,
        cases_settings,
        tmp_path,
        NewContact("line", sender_id=f"line:{user}", notify=True),
        NewContact("sms", phone=typed, notify=True),
        NewContact("web", sender_id=f"web:{session_id}", notify=True),
    )
    keys_by_channel = dict(zip(("line", "sms", "web"), set_status(sessions, reference), strict=True))

    frame = await chat.until("bot", timeout=10)  # at once on the open socket
    [entry] = frame["entries"]
    assert entry["notice"] is True and reference in entry["text"] and "กำลังดำเนินการ" in entry["text"]
    rows = await all_settled(sessions, reference)
    assert [r.state for r in rows] == ["sent", "sent", "sent"]
    await asyncio.sleep(0.5)  # a worker that would repeat itself has had time to

    [push] = pushes_to(fake_line, user)
    assert push["retry_key"] == keys_by_channel["line"]
    request = PushMessageRequest.from_dict({"to": user, "messages": push["messages"]})
    assert request is not None and isinstance(request.messages[0], TextMessage)
    assert reference in push["messages"][0]["text"]
    assert fake_line.errors == []
    [sms] = fake_sms.texts_to(e164)
    assert reference in sms and "STOP" in sms and segments(sms) <= 2
    for key in keys_by_channel.values():
        assert delivery_log(sessions, key) == ["sent"]
    await chat.close()


async def test_a_retry_after_a_line_500_reuses_the_retry_key_and_never_duplicates(
    gateway: Any,
    sessions: sessionmaker[Session],
    cases_settings: CasesSettings,
    fake_line: FakeLine,
    tmp_path: Path,
) -> None:
    fake_line.fail_first = 1
    client = await gateway()
    user = line_user()
    reference = file_case(
        sessions, cases_settings, tmp_path, NewContact("line", sender_id=f"line:{user}", notify=True)
    )
    [key] = set_status(sessions, reference)
    await all_settled(sessions, reference)
    assert [d["retry_key"] for d in pushes_to(fake_line, user)] == [key]
    assert delivery_log(sessions, key) == ["retry", "sent"]
    # A worker that crashed after LINE took the push sends it again with the same key: LINE says 409.
    sender = direct_senders(client.app[keys.CHANNELS])["line"]
    again = await sender.send_to(f"line:{user}", [Outbound(text="ซ้ำ")], key)
    assert (again.outcome, again.http_status) == ("duplicate", 409)
    assert len(pushes_to(fake_line, user)) == 1 and fake_line.errors == []


async def test_a_retry_after_an_sms_provider_error_sends_one_sms(
    gateway: Any,
    sessions: sessionmaker[Session],
    cases_settings: CasesSettings,
    fake_sms: FakeSms,
    tmp_path: Path,
) -> None:
    fake_sms.fail_first = 1
    client = await gateway()
    typed, e164 = thai_mobile()
    reference = file_case(sessions, cases_settings, tmp_path, NewContact("sms", phone=typed, notify=True))
    [key] = set_status(sessions, reference)
    await all_settled(sessions, reference)
    assert delivery_log(sessions, key) == ["retry", "sent"]
    sender = direct_senders(client.app[keys.CHANNELS])["sms"]
    await sender.send_to(e164, [Outbound(text="ซ้ำ")], key)  # same key: the provider drops the repeat
    assert len(fake_sms.texts_to(e164)) == 1


async def test_an_sms_resent_after_a_crash_that_the_provider_answers_409_is_recorded_sent_once(
    gateway: Any,
    sessions: sessionmaker[Session],
    cases_settings: CasesSettings,
    aiohttp_server: Any,
    tmp_path: Path,
) -> None:
    # A provider that, like LINE, answers 409 to a key it already accepted (tests/fakes.py).
    # Found by bench/cases/run.py: the gateway retried such rows until it gave them up as failed.
    provider = await serve(aiohttp_server, FakeSms(token="test-sms-api-key"))
    typed, e164 = thai_mobile()
    reference = file_case(sessions, cases_settings, tmp_path, NewContact("sms", phone=typed, notify=True))
    [key] = set_status(sessions, reference)
    # The worker that crashed: the provider took its send, but the outbox row was never closed.
    crashed = await gateway({"sms_api_base": provider.url}, run_notices=False)
    sent = await direct_senders(crashed.app[keys.CHANNELS])["sms"].send_to(
        e164, [Outbound(text="แจ้งแล้ว")], key
    )
    assert sent.outcome == "sent"
    await gateway({"sms_api_base": provider.url})  # the next worker claims the row again
    [row] = await all_settled(sessions, reference)
    assert row.state == "sent"
    assert delivery_log(sessions, key) == ["already_accepted"]
    assert (len(provider.accepted), provider.repeated_keys, provider.errors) == (1, 1, [])


async def test_sms_stop_and_line_unfollow_stop_case_notices_and_start_follow_do_not_resume_them(
    gateway: Any,
    sessions: sessionmaker[Session],
    cases_settings: CasesSettings,
    fake_line: FakeLine,
    fake_sms: FakeSms,
    tmp_path: Path,
) -> None:
    client = await gateway()
    user, (typed, e164) = line_user(), thai_mobile()
    reference = file_case(
        sessions,
        cases_settings,
        tmp_path,
        NewContact("line", sender_id=f"line:{user}", notify=True),
        NewContact("sms", phone=typed, notify=True),
    )
    stop = generic_body("STOP", number=typed)
    assert (
        await client.post("/webhooks/sms/generic", data=stop, headers=generic_headers(stop))
    ).status == 200
    unfollow = {
        "type": "unfollow",
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": uuid.uuid4().hex.upper()[:26],
        "deliveryContext": {"isRedelivery": False},
    }
    body = body_of(unfollow)
    assert (
        await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    ).status == 200
    # Recorded in the registry before the webhook answered: every contact of theirs, every case.
    with sessions() as session:
        contacts = session.scalars(
            select(CaseContact).join(Case).where(Case.reference == reference).order_by(CaseContact.id)
        ).all()
        assert [(c.channel, c.notify, c.opted_out_at is not None) for c in contacts] == [
            ("line", False, True),
            ("sms", False, True),
        ]
        assert {o.channel for o in session.scalars(select(NotificationOptOut))} == {"line", "sms"}

    # START and re-follow resume replies, not case notices (those need the citizen's consent again).
    start = generic_body("START", number=typed)
    assert (
        await client.post("/webhooks/sms/generic", data=start, headers=generic_headers(start))
    ).status == 200
    follow = {
        **unfollow,
        "type": "follow",
        "webhookEventId": uuid.uuid4().hex.upper()[:26],
        "replyToken": "f1",
    }
    body = body_of(follow)
    assert (
        await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    ).status == 200
    await eventually(lambda: len(fake_sms.texts_to(e164)) == 2)  # the STOP and START confirmations
    assert set_status(sessions, reference) == []  # nobody left to notify
    await asyncio.sleep(0.5)
    assert fake_sms.texts_to(e164) == [optout.STOP_CONFIRMATION, optout.START_CONFIRMATION]
    assert pushes_to(fake_line, user) == []


async def test_an_opt_out_known_only_to_the_gateway_still_blocks_the_notice(
    gateway: Any,
    sessions: sessionmaker[Session],
    cases_settings: CasesSettings,
    fake_line: FakeLine,
    fake_sms: FakeSms,
    tmp_path: Path,
) -> None:
    """E.g. STOP/unfollow arrived before cases were configured: the adapters' own records still hold."""
    client = await gateway()
    user, (typed, e164) = line_user(), thai_mobile()
    channels = client.app[keys.CHANNELS]
    sms: SmsChannel = channels["sms"]  # type: ignore[assignment]
    line: LineChannel = channels["line"]  # type: ignore[assignment]
    await sms.optouts.opt_out(PersonalData(PRIVACY).sms_sender_id(e164))
    await client.app[keys.STORE].set(line._optout_key(f"line:{user}"), "1")
    reference = file_case(
        sessions,
        cases_settings,
        tmp_path,
        NewContact("line", sender_id=f"line:{user}", notify=True),
        NewContact("sms", phone=typed, notify=True),
    )
    line_key, sms_key = set_status(sessions, reference)
    rows = await all_settled(sessions, reference)
    assert [(r.state, r.last_error) for r in rows] == [("dead", "unfollowed"), ("dead", "opted_out")]
    assert delivery_log(sessions, line_key) == ["rejected"] and delivery_log(sessions, sms_key) == [
        "rejected"
    ]
    assert fake_sms.texts_to(e164) == [] and pushes_to(fake_line, user) == []


async def test_sms_waits_for_the_morning_in_quiet_hours_unless_urgent(
    gateway: Any,
    sessions: sessionmaker[Session],
    cases_settings: CasesSettings,
    fake_sms: FakeSms,
    tmp_path: Path,
) -> None:
    client = await gateway(run_notices=False)  # this test drives the worker with its own clock
    assert keys.NOTICE_WORKER not in client.app
    now = NIGHT_BKK
    notices = CaseNotices(
        dataclasses.replace(cases_settings, quiet_start_hour=21, quiet_end_hour=8), client.app[keys.DATABASE]
    )
    worker = notices.worker(client.app[keys.CHANNELS], clock=lambda: now)
    typed, e164 = thai_mobile()
    reference = file_case(sessions, cases_settings, tmp_path, NewContact("sms", phone=typed, notify=True))
    [calm] = set_status(sessions, reference, "in_review", now=NIGHT_BKK)
    assert await worker.run_once() == 1
    assert fake_sms.texts_to(e164) == [] and delivery_log(sessions, calm) == ["deferred_quiet_hours"]
    [row] = outbox(sessions, reference)
    assert row.state == "pending" and as_utc(row.next_attempt_at) == MORNING_BKK

    [urgent] = set_status(sessions, reference, "waiting_for_citizen", urgent=True, now=NIGHT_BKK)
    while await worker.run_once():
        pass
    assert delivery_log(sessions, urgent) == ["sent"]
    assert len(fake_sms.texts_to(e164)) == 1 and "รอเอกสาร" in fake_sms.texts_to(e164)[0]

    now = MORNING_BKK
    while await worker.run_once():
        pass
    assert delivery_log(sessions, calm) == ["deferred_quiet_hours", "sent"]
    texts = fake_sms.texts_to(e164)
    assert len(texts) == 2 and "กำลังตรวจสอบ" in texts[1]


@pytest.mark.parametrize("redis_url", ["redis://127.0.0.1:6379/0", ""], ids=["redis", "sqlite-default"])
async def test_a_web_notice_waits_in_the_transcript_for_the_next_visit_and_is_stored_once(
    gateway: Any,
    sessions: sessionmaker[Session],
    cases_settings: CasesSettings,
    tmp_path: Path,
    redis_url: str,
) -> None:
    client = await gateway({"redis_url": redis_url})
    web: WebChannel = client.app[keys.CHANNELS]["web"]  # type: ignore[assignment]
    assert web.history().durable  # Redis, or the SQLite state file of the default backend
    chat, session_id = await web_session(client)
    token = chat.session
    await chat.close()  # the citizen left
    reference = file_case(
        sessions, cases_settings, tmp_path, NewContact("web", sender_id=f"web:{session_id}", notify=True)
    )
    [key] = set_status(sessions, reference)
    await all_settled(sessions, reference)
    # A retry of the same notice (a crash before the worker recorded it) is not added again.
    sender = direct_senders(client.app[keys.CHANNELS])["web"]
    assert (await sender.send_to(f"web:{session_id}", [Outbound(text="ซ้ำ")], key)).outcome == "sent"
    back = await open_chat(client, token)
    notices = [e for e in back.history if e.get("notice")]
    assert len(notices) == 1 and reference in notices[0]["text"]
    assert notices[0]["id"] == f"notice-{key}#0"
    await back.close()


async def test_bad_recipients_are_rejected_without_sending(gateway: Any, fake_line: FakeLine) -> None:
    client = await gateway(run_notices=False)
    senders = direct_senders(client.app[keys.CHANNELS])
    key = str(uuid.uuid4())
    assert (await senders["line"].send_to("line:C123", [Outbound(text="x")], key)).outcome == "rejected"
    assert (await senders["sms"].send_to("not-a-number", [Outbound(text="x")], key)).outcome == "rejected"
    assert (await senders["web"].send_to("web:", [Outbound(text="x")], key)).outcome == "rejected"
    assert fake_line.deliveries == []


async def test_without_case_settings_the_gateway_runs_no_notice_worker(gateway: Any) -> None:
    client = await gateway(cases=None)
    assert keys.CASE_NOTICES not in client.app and keys.NOTICE_WORKER not in client.app


async def test_the_notice_worker_stops_with_the_gateway(gateway: Any) -> None:
    client = await gateway()
    task = next(t for t in asyncio.all_tasks() if t.get_name() == "case-notices")
    await client.close()
    assert task.done() and not task.cancelled()


def test_sms_notices_are_cut_to_the_segment_budget_without_splitting_thai_marks() -> None:
    payload = {"reference": "CM69-0000001-5", "status": "in_progress", "public_note": "ก" * 400}
    text = render_sms(payload, 2)
    assert segments(text) <= 2 and "CM69-0000001-5" in text
    long_text = "น้ำท่วมขังหน้าบ้านเลขที่ ๑๒ " * 30
    cut = within_budget(long_text, 1)
    assert segments(cut) == 1 and cut.endswith("…")
    head = cut[:-1]
    assert long_text.startswith(head)
    assert unicodedata.category(long_text[len(head)]) != "Mn"  # no vowel/tone mark cut from its base
    assert within_budget("สั้น", 1) == "สั้น"


async def test_stop_from_a_number_no_case_can_hold_is_still_honoured(
    gateway: Any, sessions: sessionmaker[Session], fake_sms: FakeSms
) -> None:
    """A foreign number cannot be a case contact (Thai numbers only): the registry has nothing to
    record, the gateway's own opt-out still applies and the webhook is not failed for it."""
    client = await gateway()
    stop = generic_body("หยุด", number="+447700900123")
    assert (
        await client.post("/webhooks/sms/generic", data=stop, headers=generic_headers(stop))
    ).status == 200
    await eventually(lambda: fake_sms.texts_to("+447700900123") == [optout.STOP_CONFIRMATION])
    sms: SmsChannel = client.app[keys.CHANNELS]["sms"]  # type: ignore[assignment]
    assert await sms.optouts.is_opted_out(PersonalData(PRIVACY).sms_sender_id("+447700900123"))
    with sessions() as session:
        assert session.scalars(select(NotificationOptOut)).all() == []


def test_python_m_channels_delivers_notices_only_with_a_cases_key() -> None:
    """The entry point's configuration has the case registry's part only with a key (then the gateway
    delivers notices); without one it is None, with the reason for the one log line."""
    from appconfig import AppSettings

    assert AppSettings.from_environ({}).cases is None
    assert "PERSONAL_DATA_KEYS" in AppSettings.from_environ({}).off["cases"]
    settings = AppSettings.from_environ({"CASES_SECRET_KEY": secrets.token_hex(32)}).cases
    assert settings is not None and settings.privacy.legacy_cases_key is not None
