"""End to end: a citizen asks for a person on LINE, SMS and web chat; an agent takes the conversation
through the staff API, replies, reads what the citizen writes meanwhile (none of it reaches Rasa),
closes; the bot answers the next question and takes the rating.

Real: Rasa 3.6 with a trained model, the action server (confirmation, office hours with
OFFICE_HOURS=always, the handover request with the session's transcript), the gateway (adapters,
queue, worker with the owner check, queue watch, staff-reply delivery, the staff console and its API
at /staff/api/ with a bearer token from `issue_token`), one database for all (SQLite, then
PostgreSQL). Fake: the LINE API (signed webhooks in, bodies checked with line-bot-sdk's models) and
the SMS provider. The web citizen talks over the widget's WebSocket protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

import pytest
from aiohttp.test_utils import TestClient
from playwright.async_api import Browser, Page, expect

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from dialogue_servers import RASA_AUTH_TOKEN, dialogue_stack, http_json  # noqa: E402

from appconfig import AppSettings  # noqa: E402
from channels import keys  # noqa: E402
from channels.app import create_app  # noqa: E402
from channels.settings import Settings  # noqa: E402
from channels.web.config import WebSettings  # noqa: E402
from privacy import PersonalData, PrivacySettings  # noqa: E402
from staff.cli import create_account, issue_token  # noqa: E402
from staff.roles import Role  # noqa: E402
from tests.browser import screenshot  # noqa: E402
from tests.channels.conftest import LINE_SECRET, REDIS_URL, SMS_SECRET, eventually  # noqa: E402
from tests.channels.line_payloads import body_of, signed_headers, text_event  # noqa: E402
from tests.channels.test_sms_webhook import generic_body, generic_headers  # noqa: E402
from tests.channels.web.webchat_fakes import open_chat  # noqa: E402
from tests.databases import throwaway_database, throwaway_redis_prefix  # noqa: E402
from tests.fakes import FakeLine, FakeSms, serve  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

KEYS = PrivacySettings.generate()
WEB_SECRET = "e2e-web-session-secret-handover-0123"
TURN_TIMEOUT = 60.0
TIMEOUT_MS = 30_000
AGENCY = "gcc1111"  # no service discussed: the government contact centre takes it
STAFF_REPLY = "สวัสดีค่ะ เจ้าหน้าที่ศูนย์บริการประชาชนค่ะ ขอทราบรายละเอียดเพิ่มเติมได้ไหมคะ"
AGENT_PASSWORD = secrets.token_urlsafe(16)
WHILE_STAFF = ("บัตรประชาชนหายค่ะ", "เลข 1101700230708 ค่ะ", "ต้องไปที่อำเภอไหมคะ")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def stack(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    with (
        tempfile.TemporaryDirectory(prefix="handover-e2e-") as tmp,
        throwaway_database(request.param, Path(tmp), "handover_e2e") as database_url,
    ):
        workdir = Path(tmp)
        action_env = {
            **KEYS.to_environ(),
            "OFFICE_HOURS": "always",
            "CASES_PHOTO_DIR": str(workdir / "photos"),
        }
        create_account(database_url, "agent1111", AGENT_PASSWORD, Role.AGENT, "คุณสมศรี", AGENCY)
        token = issue_token(database_url, "agent1111", "e2e contact-centre tool")
        with dialogue_stack(workdir, database_url, action_env=action_env) as running:
            yield {
                "rasa_url": running.rasa_url,
                "rasa_token": running.token,
                "database_url": database_url,
                "workdir": workdir,
                "logs": running.logs,
                "staff_token": token,
            }


@pytest.fixture
async def fake_line(aiohttp_server: Any) -> FakeLine:
    return await serve(aiohttp_server, FakeLine())


@pytest.fixture
async def fake_sms(aiohttp_server: Any) -> FakeSms:
    return await serve(aiohttp_server, FakeSms())


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    async with throwaway_redis_prefix("handover-e2e", REDIS_URL) as prefix:
        yield prefix


@pytest.fixture
async def gateway(
    stack: dict[str, Any],
    fake_line: FakeLine,
    fake_sms: FakeSms,
    redis_prefix: str,
    tmp_path: Path,
    aiohttp_client: Any,
) -> TestClient:
    environ = {
        **KEYS.to_environ(),
        "DATABASE_URL": stack["database_url"],
        "STAFF_SESSION_SECRET": secrets.token_hex(32),
        "STAFF_COOKIE_SECURE": "false",
        "CASES_PHOTO_DIR": str(stack["workdir"] / "photos"),
    }
    gateway_settings = Settings(
        rasa_url=stack["rasa_url"],
        gateway_rasa_token=stack["rasa_token"],
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
    base = AppSettings.from_environ(environ)
    assert base.cases is not None
    # Tests run at any hour: SMS quiet hours would hold replies till 08:00.
    cases = replace(base.cases, quiet_start_hour=24, quiet_end_hour=0, idle_poll_seconds=0.1)
    config = replace(base, gateway=gateway_settings, cases=cases)
    app = create_app(
        config,
        channel_factories={
            "line": "channels.line.adapter:build",
            "sms": "channels.sms.adapter:build",
            "web": "channels.web.adapter:build",
        },
        subapps={"/staff/": "staff.web:gateway_subapp"},
    )
    client: TestClient = await aiohttp_client(app)
    return client


@dataclass
class Citizen:
    """One citizen on one channel: `say` returns the bot's answer to that message; `heard` is every
    text that reached them, answers and pushed messages alike; `sender` is Rasa's conversation id."""

    sender: str
    say: Callable[[str], Awaitable[list[str]]]
    send_only: Callable[[str], Awaitable[None]]
    heard: Callable[[], list[str]]


def line_citizen(gateway: TestClient, fake_line: FakeLine, logs: Callable[[], str]) -> Citizen:
    user = "U" + uuid.uuid4().hex
    tokens: set[str] = set()

    async def post(text: str) -> str:
        token = uuid.uuid4().hex
        tokens.add(token)
        body = body_of(text_event(text, user=user, token=token))
        resp = await gateway.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
        assert resp.status == 200
        return token

    async def say(text: str) -> list[str]:
        token = await post(text)
        try:
            await eventually(
                lambda: any(d.target == token for d in fake_line.deliveries), timeout=TURN_TIMEOUT
            )
        except AssertionError:
            raise AssertionError(f"no answer to {text!r}:\n{logs()}") from None
        return [m.get("text", "") for d in fake_line.deliveries if d.target == token for m in d.messages]

    async def send_only(text: str) -> None:
        await post(text)

    def heard() -> list[str]:
        return [
            m.get("text", "")
            for d in fake_line.deliveries
            if d.target == user or d.target in tokens
            for m in d.messages
        ]

    return Citizen(f"line:{user}", say, send_only, heard)


def sms_citizen(gateway: TestClient, fake_sms: FakeSms) -> Citizen:
    typed = f"08{secrets.randbelow(10**8):08d}"
    number = "+66" + typed[1:]

    async def send_only(text: str) -> None:
        body = generic_body(text, number=typed)
        resp = await gateway.post("/webhooks/sms/generic", data=body, headers=generic_headers(body))
        assert resp.status == 200

    async def say(text: str) -> list[str]:
        before = len(fake_sms.texts_to(number))
        await send_only(text)
        await eventually(lambda: len(fake_sms.texts_to(number)) > before, timeout=TURN_TIMEOUT)
        return fake_sms.texts_to(number)[before:]

    return Citizen(PersonalData(KEYS).sms_sender_id(typed), say, send_only, lambda: fake_sms.texts_to(number))


@contextlib.asynccontextmanager
async def web_citizen(gateway: TestClient) -> AsyncIterator[Citizen]:
    """A widget tab: every "bot" frame is read as it comes (answers and staff lines alike)."""
    chat = await open_chat(gateway)
    answers: dict[str, list[str]] = {}  # client message id -> texts of the frames answering it
    heard: list[str] = []

    async def read() -> None:
        while True:
            frame = await chat.recv(timeout=3600)
            if frame.get("type") != "bot":
                continue
            texts = [e["text"] for e in frame.get("entries", []) if e.get("text")]
            heard.extend(texts)
            answers.setdefault(str(frame.get("reply_to")), []).extend(texts)

    reader = asyncio.create_task(read())

    async def post(text: str) -> str:
        message_id = uuid.uuid4().hex
        await chat.send({"type": "message", "id": message_id, "text": text})
        return message_id

    async def say(text: str) -> list[str]:
        message_id = await post(text)
        await eventually(lambda: bool(answers.get(message_id)), timeout=TURN_TIMEOUT)
        return answers[message_id]

    async def send_only(text: str) -> None:
        await post(text)

    try:
        web: Any = gateway.app[keys.CHANNELS]["web"]
        session_id = web.signer.verify(chat.session)  # the widget holds a signed token of its session
        yield Citizen(f"web:{session_id}", say, send_only, lambda: heard)
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader
        await chat.close()


class Staff:
    """The agency's contact-centre tool: the staff API with a bearer token."""

    def __init__(self, gateway: TestClient, token: str) -> None:
        self.gateway = gateway
        self.headers = {"Authorization": f"Bearer {token}"}

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        resp = await self.gateway.request(method, f"/staff/api{path}", json=body, headers=self.headers)
        assert resp.status in (200, 201), (path, resp.status, await resp.text())
        return await resp.json()

    async def waiting(self) -> list[dict[str, Any]]:
        return (await self.call("GET", "/handovers?status=waiting"))["handovers"]

    async def transcript(self, handover_id: int) -> list[dict[str, Any]]:
        return (await self.call("GET", f"/handovers/{handover_id}/transcript"))["lines"]


def rasa_user_turns(stack: dict[str, Any], sender: str) -> int:
    conversation = urllib.parse.quote(sender, safe=":")
    token = urllib.parse.quote(RASA_AUTH_TOKEN)
    url = f"{stack['rasa_url']}/conversations/{conversation}/tracker?token={token}"
    status, tracker = http_json("GET", url)
    assert status == 200, tracker
    return sum(1 for e in tracker["events"] if e.get("event") == "user")


class ApiAgent:
    """An agent working through the staff API (an agency's own contact-centre tool)."""

    def __init__(self, staff: Staff) -> None:
        self.staff = staff
        self.handover_id = 0

    async def take(self, channel: str) -> int:
        waiting = [h for h in await self.staff.waiting() if h["channel"] == channel]
        assert len(waiting) == 1, waiting
        assert waiting[0]["agency"] == AGENCY and waiting[0]["reason"] == "request_human"
        self.handover_id = waiting[0]["id"]
        claimed = await self.staff.call("POST", f"/handovers/{self.handover_id}/claim")
        assert claimed["status"] == "active"
        return self.handover_id

    async def reply(self, text: str) -> None:
        await self.staff.call("POST", f"/handovers/{self.handover_id}/messages", {"text": text})

    async def citizen_lines(self) -> list[str]:
        lines = await self.staff.transcript(self.handover_id)
        return [line["text"] for line in lines if line["author"] == "citizen"]

    async def close(self) -> None:
        closed = await self.staff.call(
            "POST", f"/handovers/{self.handover_id}/close", {"resolution": "answered"}
        )
        assert closed["status"] == "closed"


class ConsoleAgent:
    """An agent in the staff console's inbox, in headless Chromium."""

    LABELS: ClassVar[dict[str, str]] = {"line": "LINE", "sms": "SMS", "web": "เว็บแชต"}

    def __init__(self, page: Page) -> None:
        self.page = page

    async def sign_in(self, base: str) -> None:
        await self.page.goto(base + "/staff/login")
        await self.page.get_by_label("ชื่อผู้ใช้").fill("agent1111")
        await self.page.get_by_label("รหัสผ่าน").fill(AGENT_PASSWORD)
        await self.page.get_by_role("button", name="เข้าสู่ระบบ").click()
        await self.page.get_by_role("link", name="กล่องสนทนา").click()

    async def take(self, channel: str) -> int:
        item = self.page.locator("#list-waiting .h-item", has_text=self.LABELS[channel])
        await expect(item).to_have_count(1, timeout=TIMEOUT_MS)  # arrived live, no reload
        found = re.search(r"#(\d+)", await item.inner_text())
        assert found is not None
        await item.click()
        await expect(self.page.locator("#conv-reason")).to_have_text("ขอคุยกับเจ้าหน้าที่")
        await self.page.get_by_role("button", name="รับเรื่อง", exact=True).click()
        await expect(self.page.locator("#reply-form")).to_be_visible()
        return int(found.group(1))

    async def reply(self, text: str) -> None:
        await self.page.get_by_label("ข้อความถึงประชาชน").fill(text)
        await self.page.get_by_role("button", name="ส่งข้อความ").click()

    async def citizen_lines(self) -> list[str]:
        texts = await self.page.locator("#transcript li.citizen").all_inner_texts()
        return [t.split("\n")[-1].strip() for t in texts]  # each line: "ประชาชน · time" then the text

    async def close(self) -> None:
        await self.page.get_by_label("ผลการดำเนินการ").select_option("answered")
        await self.page.get_by_role("button", name="ปิดการสนทนา").click()
        await expect(self.page.locator("#conv-status")).to_contain_text("ปิดแล้ว")


async def handed_over_and_back(
    stack: dict[str, Any], gateway: TestClient, citizen: Citizen, agent: ApiAgent | ConsoleAgent
) -> None:
    staff = Staff(gateway, stack["staff_token"])  # the supervisor's view, to check what was stored
    confirm = await citizen.say("ขอคุยกับเจ้าหน้าที่ค่ะ")
    assert any("ใช่ไหม" in t for t in confirm), confirm
    queued = await citizen.say("ใช่ค่ะ")
    assert any("คิวที่ 1" in t for t in queued), (queued, stack["logs"]())

    handover_id = await agent.take(citizen.sender.split(":")[0])
    lines = await staff.transcript(handover_id)
    assert [line["text"] for line in lines if line["author"] == "citizen"][:1] == ["ขอคุยกับเจ้าหน้าที่ค่ะ"]
    await agent.reply(STAFF_REPLY)
    await eventually(lambda: STAFF_REPLY in citizen.heard(), timeout=20)
    assert any("รับเรื่องของคุณแล้ว" in t for t in citizen.heard())  # told when the person took it

    turns = rasa_user_turns(stack, citizen.sender)
    for text in WHILE_STAFF:
        await citizen.send_only(text)
    expected = ["บัตรประชาชนหายค่ะ", "เลข x-xxxx-xxxxx-xx-x ค่ะ", "ต้องไปที่อำเภอไหมคะ"]
    deadline = time.monotonic() + 20
    while (await agent.citizen_lines())[-3:] != expected:  # the agent sees them (the console: live)
        assert time.monotonic() < deadline, await agent.citizen_lines()
        await asyncio.sleep(0.2)
    assert rasa_user_turns(stack, citizen.sender) == turns  # none of the three reached Rasa

    await agent.close()
    await eventually(lambda: any("ให้คะแนน" in t for t in citizen.heard()), timeout=20)

    answer = await citizen.say("ทำบัตรประชาชนใหม่ต้องใช้อะไรบ้าง")
    assert any("บัตร" in t for t in answer), answer
    assert rasa_user_turns(stack, citizen.sender) == turns + 1  # the bot is back
    thanks = await citizen.say("5")
    assert any("ขอบคุณสำหรับคะแนน" in t for t in thanks), thanks
    done = await staff.call("GET", f"/handovers/{handover_id}")
    assert done["csat"] == 5


async def test_line_citizen_handed_to_a_person_and_back(
    stack: dict[str, Any], gateway: TestClient, fake_line: FakeLine
) -> None:
    agent = ApiAgent(Staff(gateway, stack["staff_token"]))
    await handed_over_and_back(stack, gateway, line_citizen(gateway, fake_line, stack["logs"]), agent)
    pushes = [d for d in fake_line.deliveries if d.kind == "push"]
    assert pushes and all(d.retry_key for d in pushes)  # every staff line carries its retry key
    assert fake_line.errors == []


async def test_sms_citizen_handed_to_a_person_and_back(
    stack: dict[str, Any], gateway: TestClient, fake_sms: FakeSms
) -> None:
    agent = ApiAgent(Staff(gateway, stack["staff_token"]))
    await handed_over_and_back(stack, gateway, sms_citizen(gateway, fake_sms), agent)


async def test_web_citizen_handed_to_a_person_and_back(stack: dict[str, Any], gateway: TestClient) -> None:
    async with web_citizen(gateway) as citizen:
        await handed_over_and_back(stack, gateway, citizen, ApiAgent(Staff(gateway, stack["staff_token"])))


@pytest.mark.browser
async def test_web_chat_and_console_in_two_browser_pages(
    stack: dict[str, Any], gateway: TestClient, chromium: Browser
) -> None:
    """The citizen in the widget on an agency page, the agent in the console: both in Chromium."""
    base = str(gateway.make_url("")).rstrip("/")
    context = await chromium.new_context(locale="th-TH")
    citizen, agent = await context.new_page(), await context.new_page()
    problems: list[str] = []
    for page in (citizen, agent):
        page.on("pageerror", lambda exc: problems.append(str(exc)))

    async def citizen_says(text: str) -> None:
        box = citizen.get_by_label("พิมพ์ข้อความถึงผู้ช่วย")
        await box.fill(text)
        await box.press("Enter")

    bot = citizen.locator('[role="log"] .gbc-bot')

    await citizen.goto(base + "/chat/demo")
    await citizen.get_by_role("button", name="สอบถามบริการ").click()
    await expect(citizen.locator(".gbc")).to_have_attribute("data-state", "connected", timeout=TIMEOUT_MS)
    await citizen_says("ขอคุยกับเจ้าหน้าที่หน่อยค่ะ")
    await expect(bot.last).to_contain_text("ใช่ไหม", timeout=TIMEOUT_MS)
    await citizen_says("ใช่ค่ะ")
    await expect(bot.filter(has_text="คิวที่ 1")).to_have_count(1, timeout=TIMEOUT_MS)

    await agent.goto(base + "/staff/login")
    await agent.get_by_label("ชื่อผู้ใช้").fill("agent1111")
    await agent.get_by_label("รหัสผ่าน").fill(AGENT_PASSWORD)
    await agent.get_by_role("button", name="เข้าสู่ระบบ").click()
    await agent.get_by_role("link", name="กล่องสนทนา").click()
    item = agent.locator("#list-waiting .h-item", has_text="เว็บ")
    await expect(item.first).to_be_visible(timeout=TIMEOUT_MS)
    await item.first.click()
    await expect(agent.locator("#transcript li.citizen").first).to_contain_text("ขอคุยกับเจ้าหน้าที่หน่อยค่ะ")
    await agent.get_by_role("button", name="รับเรื่อง", exact=True).click()
    await agent.get_by_label("ข้อความถึงประชาชน").fill(STAFF_REPLY)
    await agent.get_by_role("button", name="ส่งข้อความ").click()
    await expect(bot.filter(has_text="รับเรื่องของคุณแล้ว")).to_have_count(1, timeout=TIMEOUT_MS)
    await expect(bot.filter(has_text=STAFF_REPLY)).to_have_count(1, timeout=TIMEOUT_MS)

    answered = await bot.count()
    for text in WHILE_STAFF:
        await citizen_says(text)
    held = agent.locator("#transcript li.citizen")
    await expect(held.last).to_contain_text("ต้องไปที่อำเภอไหมคะ", timeout=TIMEOUT_MS)
    await expect(held.filter(has_text="x-xxxx-xxxxx-xx-x")).to_have_count(1)  # the id masked for staff
    await screenshot(citizen, "handover-web-citizen", full_page=False)
    await screenshot(agent, "handover-web-agent")
    assert await bot.count() == answered  # nobody but the agent answered the three

    await agent.get_by_label("ผลการดำเนินการ").select_option("answered")
    await agent.get_by_role("button", name="ปิดการสนทนา").click()
    await expect(bot.filter(has_text="ให้คะแนน")).to_have_count(1, timeout=TIMEOUT_MS)
    await citizen_says("5")
    await expect(bot.filter(has_text="ขอบคุณสำหรับคะแนน")).to_have_count(1, timeout=TIMEOUT_MS)
    assert problems == [], problems
    await context.close()


@pytest.mark.browser
@pytest.mark.parametrize("channel", ["line", "sms"])
async def test_line_and_sms_citizens_with_an_agent_in_the_console(
    stack: dict[str, Any],
    gateway: TestClient,
    fake_line: FakeLine,
    fake_sms: FakeSms,
    chromium: Browser,
    channel: str,
) -> None:
    context = await chromium.new_context(locale="th-TH")
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    agent = ConsoleAgent(page)
    await agent.sign_in(str(gateway.make_url("")).rstrip("/"))
    citizen = (
        line_citizen(gateway, fake_line, stack["logs"])
        if channel == "line"
        else sms_citizen(gateway, fake_sms)
    )
    await handed_over_and_back(stack, gateway, citizen, agent)
    await screenshot(page, f"handover-{channel}-console")
    assert problems == [], problems
    await context.close()
