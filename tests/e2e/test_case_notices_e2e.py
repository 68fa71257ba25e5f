"""End to end: a citizen files a complaint in the chat, the agency updates it over the API, the citizen
gets exactly one notice, on LINE, SMS and web chat.

Real: Rasa 3.6 with a trained model (GOVBOT_MODEL or the newest in models/), the action server
(files the case in the registry), the gateway (adapters, queue, worker, the case API at /api/v1 and
the outbox worker delivering notices), one registry database shared by all three (SQLite, then
PostgreSQL). Fake: the LINE API (signed webhooks in, bodies checked with line-bot-sdk's models) and
the SMS provider. The turns are the complaint form's (actions/complaint.py).
"""

from __future__ import annotations

import asyncio
import http.server
import re
import secrets
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from dialogue_servers import dialogue_stack  # noqa: E402

from cases.agency_keys import issue_key  # noqa: E402
from cases.api import create_app as create_case_api  # noqa: E402
from cases.database import make_cases_engine, make_cases_sessionmaker  # noqa: E402
from cases.models import Case, OutboxMessage  # noqa: E402
from cases.settings import CasesSettings  # noqa: E402
from channels import keys  # noqa: E402
from channels.app import create_app  # noqa: E402
from channels.settings import Settings  # noqa: E402
from channels.web.config import WebSettings  # noqa: E402
from channels.worker import APOLOGY  # noqa: E402
from nlu.case_ref import parse_case_ref  # noqa: E402
from privacy import PrivacySettings  # noqa: E402
from tests.channels.conftest import LINE_SECRET, REDIS_URL, SMS_SECRET, eventually  # noqa: E402
from tests.channels.line_payloads import body_of, signed_headers, text_event  # noqa: E402
from tests.channels.test_sms_webhook import generic_body, generic_headers  # noqa: E402
from tests.channels.web.webchat_fakes import Chat, open_chat  # noqa: E402
from tests.databases import throwaway_database, throwaway_redis_prefix  # noqa: E402
from tests.fakes import FakeLine, FakeSms, serve  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

REFERENCE = re.compile(r"(?:AP|CM)\d{2}-\d{4}-\d{4}")
KEYS = PrivacySettings.generate()  # one PERSONAL_DATA_KEYS for the action server and the gateway
WEB_SECRET = "e2e-web-session-secret-0123456789"
DESCRIPTION = "ไฟถนนดับทั้งซอยมาสามวันแล้ว"
ADDRESS = "ซอยพหลโยธิน 24 เขตจตุจักร"
TURN_TIMEOUT = 60.0


# The photo a citizen sends on LINE: the action server fetches it from LINE's content API by message id.
PHOTO_MESSAGE_ID = "468789577898262530"
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8 + b"\xff\xd9"
LINE_TOKEN = "e2e-line-access-token"


class _LineContent(http.server.BaseHTTPRequestHandler):
    """LINE's content API (api-data.line.me) for the action server, which outlives one test's loop."""

    def do_GET(self) -> None:
        wanted = f"/v2/bot/message/{PHOTO_MESSAGE_ID}/content"
        if self.headers.get("Authorization") != f"Bearer {LINE_TOKEN}" or self.path != wanted:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(PHOTO)))
        self.end_headers()
        self.wfile.write(PHOTO)

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def line_content() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _LineContent)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def stack(request: pytest.FixtureRequest, line_content: str) -> Iterator[dict[str, Any]]:
    """Action server + Rasa on one registry database; the gateway runs in the test's event loop."""
    with (
        tempfile.TemporaryDirectory(prefix="notices-e2e-") as tmp,
        throwaway_database(request.param, Path(tmp), "notices_e2e") as database_url,
    ):
        workdir = Path(tmp)
        secret = secrets.token_hex(32)
        action_env = {
            **KEYS.to_environ(),
            "CASES_PHOTO_DIR": str(workdir / "photos"),
            "LINE_API_DATA_BASE": line_content,
            "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
        }
        with dialogue_stack(workdir, database_url, action_env=action_env) as running:
            yield {
                "rasa_url": running.rasa_url,
                "token": running.token,
                "database_url": database_url,
                "secret": secret,
                "workdir": workdir,
                "logs": running.logs,
                "actions": running.actions,
            }


@pytest.fixture
async def fake_line(aiohttp_server: Any) -> FakeLine:
    return await serve(aiohttp_server, FakeLine())


@pytest.fixture
async def fake_sms(aiohttp_server: Any) -> FakeSms:
    return await serve(aiohttp_server, FakeSms())


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    async with throwaway_redis_prefix("notices-e2e", REDIS_URL) as prefix:
        yield prefix


@pytest.fixture
async def gateway(
    stack: dict[str, Any],
    fake_line: FakeLine,
    fake_sms: FakeSms,
    redis_prefix: str,
    tmp_path: Path,
    aiohttp_client: Any,
) -> AsyncIterator[TestClient]:
    cases = CasesSettings(
        database_url=stack["database_url"],
        privacy=KEYS,
        photo_dir=stack["workdir"] / "photos",
        idle_poll_seconds=0.1,
        # Tests run at any hour: SMS quiet hours (tested on their own) would hold the notice till 08:00.
        quiet_start_hour=24,
        quiet_end_hour=0,
    )
    settings = Settings(
        rasa_url=stack["rasa_url"],
        gateway_rasa_token=stack["token"],
        redis_url=REDIS_URL,
        redis_prefix=redis_prefix,
        state_dir=str(tmp_path),
        line_channel_secret=LINE_SECRET,
        line_channel_access_token=fake_line.token,
        line_api_base=fake_line.url,
        sms_webhook_secret=SMS_SECRET,
        sms_api_base=fake_sms.url,
        sms_api_key="e2e-sms-key",
        sms_sender="4567",
        privacy=KEYS,
        web=WebSettings(session_secret=WEB_SECRET),
    )
    app = create_app(
        settings,
        channel_factories={
            "line": "channels.line.adapter:build",
            "sms": "channels.sms.adapter:build",
            "web": "channels.web.adapter:build",
        },
        subapps={"/api/v1": lambda _config, engine: create_case_api(cases, engine=engine)},
        cases=cases,
    )
    client: TestClient = await aiohttp_client(app)
    assert keys.NOTICE_WORKER in client.app
    yield client


def reference_in(texts: list[str], logs: Any) -> str:
    found = [m.group(0) for text in texts for m in REFERENCE.finditer(text)]
    assert found, f"no case reference in the bot's last answer: {texts}\n{logs()}"
    parsed = parse_case_ref(found[-1])
    assert parsed is not None, found[-1]
    return parsed.canonical


def agency_updates_status(stack: dict[str, Any], reference: str) -> tuple[str, str]:
    """The agency of the case gets a key (as `python -m cases issue-key` does); returns (agency, key)."""
    engine = make_cases_engine(stack["database_url"])
    try:
        with make_cases_sessionmaker(engine)() as session, session.begin():
            case = session.scalars(select(Case).where(Case.reference == reference)).one()
            issued = issue_key(session, case.agency_id, "", "e2e back office")
            return case.agency_id, issued.key
    finally:
        engine.dispose()


async def post_status(client: TestClient, reference: str, key: str) -> None:
    resp = await client.post(
        f"/api/v1/cases/{reference}/status",
        json={"status": "in_progress", "actor": "officer-17", "public_note": "ช่างไฟฟ้าออกตรวจแล้ว"},
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex},
    )
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["status"] == "in_progress"


def notices_of(stack: dict[str, Any], reference: str) -> list[tuple[str, str]]:
    engine = make_cases_engine(stack["database_url"])
    try:
        with make_cases_sessionmaker(engine)() as session:
            case = session.scalars(select(Case).where(Case.reference == reference)).one()
            rows = session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id))
            return [(r.channel, r.state) for r in rows]
    finally:
        engine.dispose()


def report_latency(channel: str, started: float) -> None:
    """From the agency's API call to the citizen's screen; printed for the report (pytest -s)."""
    elapsed = time.perf_counter() - started
    print(f"notice latency {channel}: {elapsed * 1000:.0f} ms")


COMPLAINT_TURNS = ["/file_complaint", "ไฟถนนดับ", DESCRIPTION, ADDRESS]


async def test_a_complaint_filed_over_line_gets_exactly_one_push_when_the_agency_updates_it(
    stack: dict[str, Any], gateway: TestClient, fake_line: FakeLine
) -> None:
    user = "U" + uuid.uuid4().hex

    async def say(text: str) -> list[str]:
        token = uuid.uuid4().hex
        event = text_event(text, user=user, token=token)
        if text == PHOTO_MESSAGE_ID:  # an image message: LINE sends its id, the bytes are fetched
            event["message"] = {
                "id": PHOTO_MESSAGE_ID,
                "type": "image",
                "quoteToken": "q-photo",
                "contentProvider": {"type": "line"},
            }
        if text == ADDRESS:  # on LINE the place is shared as a location message
            event["message"] = {
                "id": str(uuid.uuid4().int)[:18],
                "type": "location",
                "title": "จุดที่ไฟดับ",
                "address": ADDRESS,
                "latitude": 13.8167,
                "longitude": 100.5614,
            }
        body = body_of(event)
        resp = await gateway.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
        assert resp.status == 200
        try:
            await eventually(
                lambda: any(d.target == token for d in fake_line.deliveries), timeout=TURN_TIMEOUT
            )
        except AssertionError:
            raise AssertionError(f"no answer to {text!r}:\n{stack['logs']()}") from None
        return [m.get("text", "") for d in fake_line.deliveries if d.target == token for m in d.messages]

    for turn in [*COMPLAINT_TURNS, PHOTO_MESSAGE_ID, "/affirm"]:
        await say(turn)
    reference = reference_in(await say("/affirm"), stack["logs"])
    assert fake_line.errors == []
    engine = make_cases_engine(stack["database_url"])
    with make_cases_sessionmaker(engine)() as session:
        case = session.scalars(select(Case).where(Case.reference == reference)).one()
        assert (case.kind, case.location_lat, case.location_lon) == ("complaint", 13.8167, 100.5614)
        [photo] = case.photos
        assert (photo.content_type, photo.size_bytes) == ("image/jpeg", len(PHOTO))
    engine.dispose()

    _, key = agency_updates_status(stack, reference)
    started = time.perf_counter()
    await post_status(gateway, reference, key)
    pushes = lambda: [d for d in fake_line.deliveries if d.kind == "push" and d.target == user]  # noqa: E731
    await eventually(lambda: len(pushes()) == 1, timeout=20)
    report_latency("line", started)
    await eventually(lambda: notices_of(stack, reference) == [("line", "sent")], timeout=10)
    await asyncio.sleep(0.5)  # time enough for a duplicate to show
    [push] = pushes()
    assert reference in push.messages[0]["text"] and "กำลังดำเนินการ" in push.messages[0]["text"]
    assert push.retry_key and fake_line.errors == []


async def test_a_complaint_filed_over_sms_gets_exactly_one_sms_when_the_agency_updates_it(
    stack: dict[str, Any], gateway: TestClient, fake_sms: FakeSms
) -> None:
    typed = f"08{secrets.randbelow(10**8):08d}"
    number = "+66" + typed[1:]

    async def say(text: str) -> list[str]:
        before = len(fake_sms.texts_to(number))
        body = generic_body(text, number=typed)
        resp = await gateway.post("/webhooks/sms/generic", data=body, headers=generic_headers(body))
        assert resp.status == 200
        await eventually(lambda: len(fake_sms.texts_to(number)) > before, timeout=TURN_TIMEOUT)
        return fake_sms.texts_to(number)[before:]

    for turn in [*COMPLAINT_TURNS, "/affirm"]:
        await say(turn)
    reference = reference_in(await say("/affirm"), stack["logs"])

    _, key = agency_updates_status(stack, reference)
    sent_before = len(fake_sms.texts_to(number))
    started = time.perf_counter()
    await post_status(gateway, reference, key)
    await eventually(lambda: len(fake_sms.texts_to(number)) > sent_before, timeout=20)
    report_latency("sms", started)
    await eventually(lambda: notices_of(stack, reference) == [("sms", "sent")], timeout=10)
    await asyncio.sleep(0.5)  # time enough for a duplicate to show
    [notice] = fake_sms.texts_to(number)[sent_before:]
    assert reference in notice and "STOP" in notice


async def test_a_complaint_filed_in_web_chat_shows_the_notice_at_once_and_after_reconnect(
    stack: dict[str, Any], gateway: TestClient
) -> None:
    chat = await open_chat(gateway)
    counter = iter(range(1, 100))

    async def say(chat: Chat, text: str) -> list[str]:
        message_id = f"m{next(counter)}"
        frame: dict[str, Any] = {"type": "message", "id": message_id}
        frame.update({"payload": text, "title": text} if text.startswith("/") else {"text": text})
        await chat.send(frame)
        while True:
            bot = await chat.until("bot", timeout=TURN_TIMEOUT)
            if bot["reply_to"] == message_id:
                return [e["text"] or "" for e in bot["entries"]]

    for turn in [*COMPLAINT_TURNS, "/affirm"]:
        await say(chat, turn)
    reference = reference_in(await say(chat, "/affirm"), stack["logs"])

    _, key = agency_updates_status(stack, reference)
    started = time.perf_counter()
    await post_status(gateway, reference, key)
    frame = await chat.until("bot", timeout=20)  # live, on the open socket
    report_latency("web", started)
    [entry] = frame["entries"]
    assert entry.get("notice") is True and reference in entry["text"]
    await eventually(lambda: notices_of(stack, reference) == [("web", "sent")], timeout=10)
    token = chat.session
    await chat.close()

    back = await open_chat(gateway, token)  # the next visit: the transcript has it, once
    notices = [e for e in back.history if e.get("notice")]
    assert [n["id"] for n in notices] == [entry["id"]]
    await back.close()


# Keep this test last: it stops the module's action server.
async def test_with_the_action_server_down_the_citizen_gets_an_apology_not_silence(
    stack: dict[str, Any], gateway: TestClient, fake_line: FakeLine
) -> None:
    stack["actions"].stop()
    token = uuid.uuid4().hex
    body = body_of(text_event("ต่อใบขับขี่ใช้อะไรบ้าง", user="U" + uuid.uuid4().hex, token=token))
    assert (
        await gateway.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    ).status == 200
    await eventually(lambda: any(d.target == token for d in fake_line.deliveries), timeout=TURN_TIMEOUT)
    texts = [m.get("text") for d in fake_line.deliveries if d.target == token for m in d.messages]
    assert texts == [APOLOGY.text], stack["logs"]()
