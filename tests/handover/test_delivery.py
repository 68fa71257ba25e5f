"""Staff replies delivered by the gateway (handover/delivery.py), on SQLite and PostgreSQL.

Real parts: the gateway app with its LINE (line-bot-sdk), SMS and web adapters, Redis for the
store and web transcripts, the delivery worker in its cleanup context (or driven directly where a
test needs its own clock or two racing workers), a web socket client. Fakes: the LINE API (bodies
checked with line-bot-sdk's models, a retry key accepted once, 409 after) and an SMS provider
(idempotency keys honoured). Handover rows are written directly, as the staff API writes them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import secrets
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient
from linebot.v3.messaging import PushMessageRequest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from cases.settings import CasesSettings
from channels import keys
from channels.app import create_app
from channels.notices import direct_senders
from channels.settings import Settings
from channels.sms.adapter import SmsChannel
from channels.sms.render import segments
from channels.web.adapter import WebChannel
from channels.web.config import WebSettings
from db.engine import make_engine, make_sessionmaker
from handover.delivery import DeliverySettings, HandoverDelivery, Outcome
from handover.inbox import CSAT_QUESTION_TH
from handover.models import ACTIVE, RATING, STAFF, SYSTEM, Handover, HandoverEvent, HandoverMessage
from handover.split import MAX_SMS_PARTS
from privacy import PersonalData, PrivacySettings
from tests.channels.conftest import (  # noqa: F401 - fixtures
    PRIVACY,
    SMS_SECRET,
    base_settings,
    eventually,
    fake_line,
    fake_rasa,
    fake_sms,
    redis_prefix,
)
from tests.channels.web.webchat_fakes import open_chat
from tests.databases import throwaway_database
from tests.fakes import FakeLine, FakeSms

VAULT = PersonalData(PRIVACY)
WEB_SECRET = "handover-delivery-web-secret-0123456789"
BANGKOK = ZoneInfo("Asia/Bangkok")


def next_night_in_bangkok() -> dt.datetime:
    """The next 22:30 in Bangkok: SMS quiet hours for case notices; a staff reply goes out anyway."""
    now = dt.datetime.now(BANGKOK)
    night = now.replace(hour=22, minute=30, second=0, microsecond=0)
    return (night if night > now else night + dt.timedelta(days=1)).astimezone(dt.UTC)


# A long staff answer in Thai, as an agent would type it (with spaces between phrases, none between
# words), cut to the console's limit of 2,000 characters.
PHRASE = (
    "เรียนคุณผู้ติดต่อ เจ้าหน้าที่ได้ตรวจสอบคำร้องขอทำบัตรประชาชนใหม่ของท่านแล้ว "
    "กรุณานำสำเนาทะเบียนบ้านและใบแจ้งความมาที่สำนักงานเขตภายในวันศุกร์นี้ค่ะ\n"
)
LONG_THAI = (PHRASE * 20)[:2000]
ALL_CHANNELS = {
    "line": "channels.line.adapter:build",
    "sms": "channels.sms.adapter:build",
    "web": "channels.web.adapter:build",
}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(request.param, tmp_path_factory.mktemp("handover-db"), "delivery") as url:
        yield url


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    """The handover tables, emptied: a line left by another test would be delivered in this one."""
    engine = make_engine(database_url)
    maker = make_sessionmaker(engine, immediate=True)
    with maker() as session, session.begin():
        session.execute(delete(HandoverMessage))
        session.execute(delete(Handover))
    yield maker
    engine.dispose()


@pytest.fixture
def gateway_settings(base_settings: Settings, fake_sms: FakeSms) -> Settings:  # noqa: F811
    return base_settings.with_(
        sms_webhook_secret=SMS_SECRET,
        sms_api_base=fake_sms.url,
        sms_api_key="test-sms-api-key",
        sms_sender="4567",
        privacy=PRIVACY,
        web=WebSettings(session_secret=WEB_SECRET),
    )


@pytest.fixture
async def gateway(
    gateway_settings: Settings,
    database_url: str,
    sessions: sessionmaker[Session],
    aiohttp_client: Any,
    tmp_path: Path,
) -> AsyncIterator[Any]:
    """Start the real gateway; its database comes with the case registry's settings (as in
    production, where PERSONAL_DATA_KEYS turns both on)."""
    cases = CasesSettings(database_url=database_url, privacy=PRIVACY, photo_dir=tmp_path / "photos")

    async def start(overrides: dict[str, Any] | None = None, **kwargs: Any) -> TestClient:
        # No Rasa worker and no queue watch (they would add their own lines to these handovers);
        # the delivery worker runs unless a test drives its own (run_notices=False).
        kwargs.setdefault("run_worker", False)
        kwargs.setdefault("run_notices", True)
        settings = gateway_settings.with_(**(overrides or {}))
        app = create_app(settings, channel_factories=ALL_CHANNELS, cases=cases, subapps={}, **kwargs)
        return await aiohttp_client(app)

    yield start


def worker(
    client: TestClient, *, clock: Any = None, worker_id: str | None = None, **settings: Any
) -> HandoverDelivery:
    """A delivery worker of this gateway's adapters and database, driven by the test."""
    quick = {"backoff_base_seconds": 0.02, "backoff_max_seconds": 0.1, "lease_seconds": 5.0, **settings}
    extra = {"clock": clock} if clock is not None else {}
    return HandoverDelivery(
        make_sessionmaker(client.app[keys.DATABASE], immediate=True),
        direct_senders(client.app[keys.CHANNELS]),
        VAULT,
        settings=DeliverySettings(**quick),
        worker_id=worker_id,
        **extra,
    )


def open_handover(
    sessions: sessionmaker[Session], channel: str, address: str | None, sealed: str | None = None
) -> int:
    """An active handover whose replies go to `address` (sealed as the gateway seals it)."""
    with sessions() as session, session.begin():
        handover = Handover(
            agency_id="bkk-district",
            channel=channel,
            recipient_hash=VAULT.sender_hash(f"{channel}:{uuid.uuid4()}"),
            recipient_enc=sealed if sealed is not None else (VAULT.seal(address) if address else ""),
            status=ACTIVE,
            reason="request_human",
        )
        session.add(handover)
        session.flush()
        return handover.id


def add_line(
    sessions: sessionmaker[Session], handover_id: int, text: str, author: str = STAFF, kind: str = "text"
) -> str:
    """A pending line to the citizen, as the staff API commits it; its idempotency key."""
    key = str(uuid.uuid4())
    with sessions() as session, session.begin():
        session.add(
            HandoverMessage(
                handover_id=handover_id,
                author=author,
                kind=kind,
                text=text,
                delivery_state="pending",
                idempotency_key=key,
                next_attempt_at=dt.datetime.now(dt.UTC),
            )
        )
    return key


def lines(sessions: sessionmaker[Session], handover_id: int) -> list[HandoverMessage]:
    with sessions() as session:
        return list(
            session.scalars(
                select(HandoverMessage)
                .where(HandoverMessage.handover_id == handover_id)
                .order_by(HandoverMessage.id)
            )
        )


def settle_events(sessions: sessionmaker[Session], handover_id: int) -> list[tuple[str, int, str]]:
    """The reply_delivered / reply_failed events of a handover (for the analytics): kind, line, author."""
    with sessions() as session:
        rows = session.scalars(
            select(HandoverEvent)
            .where(
                HandoverEvent.handover_id == handover_id,
                HandoverEvent.kind.in_(["reply_delivered", "reply_failed"]),
            )
            .order_by(HandoverEvent.id)
        ).all()
        return [(r.kind, r.detail["message_id"], r.detail["author"]) for r in rows if r.detail]


async def settled(
    sessions: sessionmaker[Session], handover_id: int, timeout: float = 10.0
) -> list[HandoverMessage]:
    rows: list[HandoverMessage] = []

    def done() -> bool:
        nonlocal rows
        rows = lines(sessions, handover_id)
        return bool(rows) and all(r.delivery_state != "pending" for r in rows)

    await eventually(done, timeout=timeout, interval=0.05)
    return rows


async def drain(*workers: HandoverDelivery) -> None:
    """Run the workers side by side until none of them finds anything due."""

    async def loop(w: HandoverDelivery) -> None:
        idle = 0
        while idle < 3:  # a line in backoff becomes due again within a few rounds
            idle = idle + 1 if await w.run_once() == 0 else 0
            await asyncio.sleep(0.03)

    await asyncio.gather(*(loop(w) for w in workers))


def line_user() -> str:
    return "U" + uuid.uuid4().hex


def thai_mobile() -> str:
    return f"+668{secrets.randbelow(10**8):08d}"


def pushes_to(fake: FakeLine, user: str) -> list[Any]:
    return [d for d in fake.deliveries if d.kind == "push" and d.target == user]


async def test_a_pending_staff_reply_is_pushed_once_with_its_retry_key(
    gateway: Any,
    sessions: sessionmaker[Session],
    fake_line: FakeLine,  # noqa: F811
) -> None:
    client = await gateway()
    assert keys.HANDOVER_DELIVERY in client.app  # the gateway runs the delivery worker itself
    user = line_user()
    handover = open_handover(sessions, "line", f"line:{user}")
    key = add_line(sessions, handover, "สวัสดีค่ะ เจ้าหน้าที่เขตพระนครรับเรื่องแล้วค่ะ")
    client.app[keys.HANDOVER_WAKE].set()  # what the staff API does after its commit
    [row] = await settled(sessions, handover)
    assert row.delivery_state == "sent" and row.delivered_at is not None and row.last_error is None
    assert row.attempts == 1 and row.claimed_by is None
    await asyncio.sleep(0.5)  # a worker that would repeat itself has had time to
    [push] = pushes_to(fake_line, user)
    assert push.retry_key == key
    request = PushMessageRequest.from_dict({"to": user, "messages": push.messages})
    assert request is not None and push.messages[0]["text"] == "สวัสดีค่ะ เจ้าหน้าที่เขตพระนครรับเรื่องแล้วค่ะ"
    assert fake_line.errors == [] and fake_line.repeated_keys == 0
    # Notes and citizen lines are transcript only: never delivered.
    with sessions() as session, session.begin():
        session.add(HandoverMessage(handover_id=handover, author="note", text="ภายใน", delivery_state=None))
    assert await worker(client).run_once() == 0


async def test_the_wake_event_makes_delivery_immediate(
    gateway: Any,
    sessions: sessionmaker[Session],
    fake_line: FakeLine,  # noqa: F811
) -> None:
    """Behaviour, not timing: a worker that polls once an hour delivers a line only when woken."""
    client = await gateway(run_notices=False)  # no built-in worker: this test drives its own
    assert keys.HANDOVER_DELIVERY not in client.app
    sleepy = worker(client, poll_seconds=3600)
    cycles = 0
    rounds = sleepy._record  # each round records what finished and claims what is due

    def counted(outcomes: list[Any], claim: int = 0) -> list[Any]:
        nonlocal cycles
        claimed = rounds(outcomes, claim)
        cycles += 1
        return claimed

    sleepy._record = counted  # type: ignore[method-assign]
    stop, wake = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(sleepy.run(stop, wake))
    await eventually(lambda: cycles == 1)  # it looked once, found nothing, and sleeps for an hour
    user = line_user()
    handover = open_handover(sessions, "line", f"line:{user}")
    add_line(sessions, handover, "ตอบแล้วค่ะ")
    await asyncio.sleep(0.5)
    assert pushes_to(fake_line, user) == [] and cycles == 1  # committed, but nobody said so
    wake.set()
    await eventually(lambda: len(pushes_to(fake_line, user)) == 1)
    [row] = await settled(sessions, handover)
    assert row.delivery_state == "sent"
    stop.set()
    wake.set()
    await asyncio.wait_for(task, timeout=5)


async def test_two_workers_racing_deliver_every_line_exactly_once_and_in_order(
    gateway: Any,
    sessions: sessionmaker[Session],
    fake_line: FakeLine,  # noqa: F811
) -> None:
    client = await gateway(run_notices=False)
    fake_line.latency = 0.01  # sends overlap, so the workers really do race
    users = [line_user() for _ in range(12)]
    handovers = {user: open_handover(sessions, "line", f"line:{user}") for user in users}
    expected: dict[str, list[str]] = {}
    for n in range(4):
        for user in users:
            text = f"ข้อความที่ {n + 1} ถึง {user[-4:]}"
            add_line(sessions, handovers[user], text)
            expected.setdefault(user, []).append(text)
    await drain(
        worker(client, worker_id="replica-a", batch=5), worker(client, worker_id="replica-b", batch=5)
    )
    for user in users:
        rows = lines(sessions, handovers[user])
        assert [r.delivery_state for r in rows] == ["sent"] * 4
        # One settlement event per line, though two workers raced (the analytics count each once).
        assert settle_events(sessions, handovers[user]) == [("reply_delivered", r.id, STAFF) for r in rows]
        # Each line reached LINE once, in the order the agent wrote them.
        assert [d.messages[0]["text"] for d in pushes_to(fake_line, user)] == expected[user]
    assert fake_line.repeated_keys == 0 and fake_line.errors == []
    assert max(fake_line.per_message().values()) == 1


async def test_a_worker_killed_after_the_send_resends_with_the_same_key_and_409_counts_as_delivered(
    gateway: Any,
    sessions: sessionmaker[Session],
    fake_line: FakeLine,  # noqa: F811
) -> None:
    client = await gateway(run_notices=False)
    user = line_user()
    handover = open_handover(sessions, "line", f"line:{user}")
    key = add_line(sessions, handover, "เอกสารครบแล้วค่ะ")
    # The worker that dies: it leased the line and LINE took the push, but it never marked the line.
    dying = worker(client, worker_id="dying", lease_seconds=5.0)
    [claimed] = await asyncio.to_thread(dying._claim, 10)
    result = await dying._send(dying.senders["line"], claimed, [claimed.text])
    assert result.outcome == "sent"
    [row] = lines(sessions, handover)
    assert (row.delivery_state, row.claimed_by) == ("pending", "dying")
    # While the lease holds nobody else takes it; once it ends the next worker does.
    assert await worker(client, worker_id="next").run_once() == 0
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=6)
    assert await worker(client, worker_id="next", clock=lambda: later).run_once() == 1
    [row] = lines(sessions, handover)
    assert (row.delivery_state, row.attempts) == ("sent", 2)
    [push] = pushes_to(fake_line, user)  # the citizen has it once
    assert push.retry_key == key and fake_line.repeated_keys == 1  # the re-send came with the same key
    assert settle_events(sessions, handover) == [("reply_delivered", row.id, STAFF)]


async def test_a_line_in_retry_holds_back_the_next_one(
    gateway: Any,
    sessions: sessionmaker[Session],
    fake_line: FakeLine,  # noqa: F811
) -> None:
    client = await gateway(run_notices=False)
    fake_line.fail_first = 2  # LINE answers 500 twice
    user = line_user()
    handover = open_handover(sessions, "line", f"line:{user}")
    add_line(sessions, handover, "หนึ่ง")
    add_line(sessions, handover, "สอง")
    add_line(sessions, handover, "สาม", author=SYSTEM)  # e.g. the rating question after close
    w = worker(client)
    assert await w.run_once() == 1  # only the first line is due: the others wait behind it
    first, second, third = lines(sessions, handover)
    assert first.delivery_state == "pending" and first.last_error == "http 500"
    assert second.attempts == 0 and third.attempts == 0
    await drain(w)
    assert [r.delivery_state for r in lines(sessions, handover)] == ["sent"] * 3
    assert [d.messages[0]["text"] for d in pushes_to(fake_line, user)] == ["หนึ่ง", "สอง", "สาม"]


async def test_a_2000_character_thai_reply_is_split_per_channel_rules(
    gateway: Any,
    sessions: sessionmaker[Session],
    fake_line: FakeLine,  # noqa: F811
    fake_sms: FakeSms,  # noqa: F811
) -> None:
    assert len(LONG_THAI) == 2000
    client = await gateway(run_notices=False)
    user, phone = line_user(), thai_mobile()
    chat = await open_chat(client)
    web: WebChannel = client.app[keys.CHANNELS]["web"]  # type: ignore[assignment]
    session_id = web.signer.verify(chat.session)
    on_line = open_handover(sessions, "line", f"line:{user}")
    by_sms = open_handover(sessions, "sms", phone)
    on_web = open_handover(sessions, "web", f"web:{session_id}")
    for handover in (on_line, by_sms, on_web):
        add_line(sessions, handover, LONG_THAI)
    await drain(worker(client))
    for handover in (on_line, by_sms, on_web):
        assert [r.delivery_state for r in lines(sessions, handover)] == ["sent"]

    # LINE: one text message holds 5,000 characters: the reply as written, in one push.
    [push] = pushes_to(fake_line, user)
    assert [m["text"] for m in push.messages] == [LONG_THAI] and fake_line.errors == []
    # SMS: several texts, each within the adapter's budget, numbered, nothing cut or lost.
    budget = client.app[keys.CHANNELS]["sms"].direct_sender().segment_budget  # type: ignore[union-attr]
    texts = fake_sms.texts_to(phone)
    assert 2 < len(texts) <= MAX_SMS_PARTS
    assert all(segments(t) <= budget for t in texts)
    assert [t.split(" ", 1)[0] for t in texts] == [f"({i}/{len(texts)})" for i in range(1, len(texts) + 1)]
    bodies = [t.split(" ", 1)[1] for t in texts]
    assert "".join(bodies).replace(" ", "").replace("\n", "") == LONG_THAI.replace(" ", "").replace("\n", "")
    # Web chat: the whole reply live on the open socket.
    frame = await chat.until("bot", timeout=10)
    assert [e["text"] for e in frame["entries"]] == [LONG_THAI]
    await chat.close()


async def test_an_sms_reply_the_budget_cannot_carry_fails_clearly_and_sends_nothing(
    gateway: Any,
    sessions: sessionmaker[Session],
    fake_sms: FakeSms,  # noqa: F811
) -> None:
    client = await gateway({"sms_segment_budget": 1}, run_notices=False)
    phone = thai_mobile()
    handover = open_handover(sessions, "sms", phone)
    add_line(sessions, handover, LONG_THAI)
    await drain(worker(client))
    [row] = lines(sessions, handover)
    assert row.delivery_state == "failed" and row.attempts == 1
    assert row.last_error is not None and row.last_error.startswith("too long for SMS")
    assert fake_sms.texts_to(phone) == []


async def test_a_stopped_sms_recipient_gets_nothing_but_quiet_hours_do_not_hold_a_reply(
    gateway: Any,
    sessions: sessionmaker[Session],
    fake_sms: FakeSms,  # noqa: F811
) -> None:
    client = await gateway(run_notices=False)
    sms: SmsChannel = client.app[keys.CHANNELS]["sms"]  # type: ignore[assignment]
    stopped, waiting = thai_mobile(), thai_mobile()
    await sms.optouts.opt_out(VAULT.sms_sender_id(stopped))
    to_stopped = open_handover(sessions, "sms", stopped)
    to_waiting = open_handover(sessions, "sms", waiting)
    add_line(sessions, to_stopped, "ตอบกลับจากเจ้าหน้าที่")
    add_line(sessions, to_waiting, "ตอบกลับจากเจ้าหน้าที่")
    night = next_night_in_bangkok()
    await drain(worker(client, clock=lambda: night))
    [row] = lines(sessions, to_stopped)
    assert (row.delivery_state, row.last_error) == ("failed", "opted_out")
    assert fake_sms.texts_to(stopped) == []
    [row] = lines(sessions, to_waiting)
    assert row.delivery_state == "sent"
    assert fake_sms.texts_to(waiting) == ["ตอบกลับจากเจ้าหน้าที่"]


async def test_a_missing_or_undecryptable_address_fails_the_line_with_a_reason_not_the_worker(
    gateway: Any,
    sessions: sessionmaker[Session],
    fake_line: FakeLine,  # noqa: F811
) -> None:
    client = await gateway(run_notices=False)
    foreign = PersonalData(PrivacySettings.generate(kid="other"))  # sealed under a key we do not hold
    unreadable = open_handover(sessions, "line", None, sealed=foreign.seal(f"line:{line_user()}"))
    missing = open_handover(sessions, "line", None)
    user = line_user()
    fine = open_handover(sessions, "line", f"line:{user}")
    for handover in (unreadable, missing, fine):
        add_line(sessions, handover, "ตอบแล้วค่ะ")
    await drain(worker(client))
    assert [(r.delivery_state, r.last_error) for r in lines(sessions, unreadable)] == [
        ("failed", "address undecryptable")
    ]
    assert [(r.delivery_state, r.last_error) for r in lines(sessions, missing)] == [("failed", "no address")]
    assert [r.delivery_state for r in lines(sessions, fine)] == ["sent"]
    assert [d.target for d in fake_line.deliveries] == [user]


async def test_a_web_reply_is_live_on_the_socket_and_in_the_transcript_after_a_reconnect(
    gateway: Any, sessions: sessionmaker[Session]
) -> None:
    client = await gateway()
    chat = await open_chat(client)
    web: WebChannel = client.app[keys.CHANNELS]["web"]  # type: ignore[assignment]
    session_id = web.signer.verify(chat.session)
    handover = open_handover(sessions, "web", f"web:{session_id}")
    key = add_line(sessions, handover, "เจ้าหน้าที่ตอบค่ะ: ใช้สำเนาทะเบียนบ้าน 1 ฉบับ")
    client.app[keys.HANDOVER_WAKE].set()
    frame = await chat.until("bot", timeout=10)
    assert [e["text"] for e in frame["entries"]] == ["เจ้าหน้าที่ตอบค่ะ: ใช้สำเนาทะเบียนบ้าน 1 ฉบับ"]
    await settled(sessions, handover)
    token = chat.session
    await chat.close()
    back = await open_chat(client, token)
    [entry] = [e for e in back.history if e.get("notice")]
    assert entry["text"] == "เจ้าหน้าที่ตอบค่ะ: ใช้สำเนาทะเบียนบ้าน 1 ฉบับ" and entry["id"] == f"notice-{key}#0"
    await back.close()


async def test_an_unfollowed_line_user_gets_nothing_and_the_line_fails(
    gateway: Any,
    sessions: sessionmaker[Session],
    fake_line: FakeLine,  # noqa: F811
) -> None:
    client = await gateway(run_notices=False)
    user = line_user()
    line = client.app[keys.CHANNELS]["line"]
    await client.app[keys.STORE].set(line._optout_key(f"line:{user}"), "1")  # type: ignore[attr-defined]
    handover = open_handover(sessions, "line", f"line:{user}")
    add_line(sessions, handover, "ตอบแล้วค่ะ")
    await drain(worker(client))
    assert [(r.delivery_state, r.last_error) for r in lines(sessions, handover)] == [("failed", "unfollowed")]
    assert pushes_to(fake_line, user) == []


async def test_lines_that_keep_failing_are_given_up_after_max_attempts(
    gateway: Any,
    sessions: sessionmaker[Session],
    fake_line: FakeLine,  # noqa: F811
) -> None:
    client = await gateway(run_notices=False)
    fake_line.fail_first = 100
    handover = open_handover(sessions, "line", f"line:{line_user()}")
    add_line(sessions, handover, "ตอบแล้วค่ะ")
    await drain(worker(client, max_attempts=3))
    [row] = lines(sessions, handover)
    assert (row.delivery_state, row.attempts, row.last_error) == ("failed", 3, "http 500")
    assert settle_events(sessions, handover) == [("reply_failed", row.id, STAFF)]  # not one per retry


async def test_the_running_worker_delivers_a_burst_in_order_per_handover(
    gateway: Any,
    sessions: sessionmaker[Session],
    fake_line: FakeLine,  # noqa: F811
) -> None:
    """The gateway's own loop: it claims while earlier sends are in flight, yet a handover's next line
    waits for the one before it."""
    client = await gateway()
    fake_line.latency = 0.02
    users = [line_user() for _ in range(6)]
    handovers = {user: open_handover(sessions, "line", f"line:{user}") for user in users}
    for n in range(5):
        for user in users:
            add_line(sessions, handovers[user], f"บรรทัด {n + 1}")
    client.app[keys.HANDOVER_WAKE].set()
    for user in users:
        await settled(sessions, handovers[user])
    for user in users:
        assert [d.messages[0]["text"] for d in pushes_to(fake_line, user)] == [
            f"บรรทัด {n + 1}" for n in range(5)
        ]
    assert fake_line.repeated_keys == 0 and max(fake_line.per_message().values()) == 1


async def test_a_late_retry_from_a_worker_whose_lease_ran_out_does_not_undo_the_next_workers_claim(
    gateway: Any,
    sessions: sessionmaker[Session],
) -> None:
    client = await gateway(run_notices=False)
    handover = open_handover(sessions, "line", f"line:{line_user()}")
    add_line(sessions, handover, "ตอบแล้วค่ะ")
    slow = worker(client, worker_id="slow", lease_seconds=5.0)
    [mine] = await asyncio.to_thread(slow._claim, 10)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=6)
    [theirs] = await asyncio.to_thread(worker(client, worker_id="next", clock=lambda: later)._claim, 10)
    assert theirs.message_id == mine.message_id and theirs.attempts == 2
    await asyncio.to_thread(slow._record, [Outcome(mine, "retry", "http 503")])
    [row] = lines(sessions, handover)
    assert (row.delivery_state, row.claimed_by, row.last_error) == ("pending", "next", None)


async def test_a_gateway_restarted_on_the_same_host_takes_back_its_dead_predecessors_leases_at_once(
    gateway: Any,
    sessions: sessionmaker[Session],
    fake_line: FakeLine,  # noqa: F811
) -> None:
    client = await gateway(run_notices=False)
    finished = await asyncio.create_subprocess_exec("true")
    await finished.wait()  # a process id that no longer runs: the killed gateway's
    host = socket.gethostname()
    holders = {"dead": f"{host}:{finished.pid}", "alive": f"{host}:{os.getppid()}", "away": "other-host:1"}
    users = {name: line_user() for name in holders}
    for name, holder in holders.items():
        handover = open_handover(sessions, "line", f"line:{users[name]}")
        add_line(sessions, handover, f"ค้างอยู่ที่ {name}")
        await asyncio.to_thread(worker(client, worker_id=holder, lease_seconds=60)._claim, 10)
    restarted = worker(client, poll_seconds=3600)
    stop, wake = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(restarted.run(stop, wake))
    await eventually(lambda: len(pushes_to(fake_line, users["dead"])) == 1)
    await asyncio.sleep(0.3)
    # A live process's lease, and another host's, are left to run out (60 s here).
    assert pushes_to(fake_line, users["alive"]) == [] and pushes_to(fake_line, users["away"]) == []
    stop.set()
    wake.set()
    await asyncio.wait_for(task, timeout=5)


async def test_the_rating_question_is_one_tap_on_line_and_typed_on_sms(
    gateway: Any,
    sessions: sessionmaker[Session],
    fake_line: FakeLine,  # noqa: F811
    fake_sms: FakeSms,  # noqa: F811
) -> None:
    client = await gateway()
    user = line_user()
    on_line = open_handover(sessions, "line", f"line:{user}")
    add_line(sessions, on_line, CSAT_QUESTION_TH, author="system", kind=RATING)
    number = thai_mobile()
    on_sms = open_handover(sessions, "sms", number)
    add_line(sessions, on_sms, CSAT_QUESTION_TH, author="system", kind=RATING)
    client.app[keys.HANDOVER_WAKE].set()
    assert [(r.delivery_state, r.last_error) for r in await settled(sessions, on_line)] == [("sent", None)]
    assert [r.delivery_state for r in await settled(sessions, on_sms)] == ["sent"]
    [push] = pushes_to(fake_line, user)
    request = PushMessageRequest.from_dict({"to": user, "messages": push.messages})
    assert request is not None and fake_line.errors == []
    items = push.messages[0]["quickReply"]["items"]
    assert [(i["action"]["label"], i["action"]["data"]) for i in items] == [
        (str(n), str(n)) for n in range(1, 6)
    ]
    assert fake_sms.texts_to(number) == [CSAT_QUESTION_TH]  # SMS: the text asks for the digit
