"""The inbox page in headless Chromium (its script on): an agent signs in, sees a waiting handover appear
live (inserted while the page is open), opens it (channel, reason, intent, service, transcript), claims
it, picks a canned answer from the knowledge base, replies, notes, closes; the reply is a pending
HandoverMessage for the delivery worker and the gateway's wake-up was set. Screenshots go to the
test's tmp dir."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from playwright.async_api import Browser, expect
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from channels.keys import HANDOVER_WAKE
from db.engine import make_engine, make_sessionmaker
from handover.models import AgentPresence
from knowledge.seedfile import SEED_DIR, load_file
from knowledge.store import KnowledgeStore
from staff.web import create_app
from tests.cases.case_helpers import tiny_png
from tests.databases import throwaway_database
from tests.handover.inbox_helpers import PASSWORD, add_staff, events, handover, messages, new_handover
from tests.staff.staff_helpers import staff_settings

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    with throwaway_database("sqlite", tmp_path) as url:
        engine = make_engine(url)
        yield url, engine
        engine.dispose()


@pytest.fixture
def wake() -> asyncio.Event:
    return asyncio.Event()


@pytest.fixture
async def client(aiohttp_client, db: tuple[str, Engine], wake: asyncio.Event, tmp_path: Path) -> TestClient:  # type: ignore[no-untyped-def]
    root = web.Application()
    root[HANDOVER_WAKE] = wake
    settings = staff_settings(db[0], case_photo_dir=tmp_path / "photos")
    root.add_subapp("/staff/", create_app(settings, engine=db[1]))
    return await aiohttp_client(root)


async def test_agent_claims_and_replies_live(
    chromium: Browser, client: TestClient, db: tuple[str, Engine], wake: asyncio.Event, tmp_path: Path
) -> None:
    _, engine = db
    agent = add_staff(engine, "somchai", "dopa")
    record = load_file(SEED_DIR / "birth_registration.yml")
    KnowledgeStore(make_sessionmaker(engine)).import_records([record], author="test", publish=True, note="t")
    new_handover(engine, "sso")  # another agency's: never shown
    _citizen_has_a_case(engine, "CM69-TEST-0001")

    base = str(client.make_url("")).rstrip("/")
    context = await chromium.new_context(locale="th-TH")
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    await page.goto(base + "/staff/login")
    await page.get_by_label("ชื่อผู้ใช้").fill("somchai")
    await page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    await page.get_by_role("button", name="เข้าสู่ระบบ").click()
    await page.get_by_role("link", name="กล่องสนทนา").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("กรมการปกครอง")
    await expect(page.locator("#inbox")).to_have_attribute("data-live", "1")
    await expect(page.locator("#list-waiting li")).to_have_count(0)

    hid = await asyncio.to_thread(
        new_handover,
        engine,
        "dopa",
        service_id=record.id,
        intent="ask_documents",
        citizen_lines=(
            "แจ้งเกิดลูกต้องใช้อะไรบ้างคะ",
            'เลขบัตร x-xxxx-xxxxx-xx-x <img src=x onerror="window.pwned=1">',
        ),
    )
    item = page.locator("#list-waiting .h-item", has_text=f"#{hid}")
    await expect(item).to_be_visible(timeout=5000)  # arrived through the event stream, no reload
    await expect(page).to_have_title(re.compile(r"^\(1\) กล่องสนทนา"))
    await item.click()
    await expect(page.locator("#close-form")).to_be_hidden()  # not claimed yet: nothing to close
    await expect(page.locator("#conv-title")).to_contain_text(f"#{hid}")
    await expect(page.locator("#conv-channel")).to_have_text("LINE")
    await expect(page.locator("#conv-reason")).to_have_text("ขอคุยกับเจ้าหน้าที่")
    await expect(page.locator("#conv-intent")).to_have_text("ask_documents")
    await expect(page.locator("#conv-service")).to_have_text(f"{record.title_th} ({record.id})")
    await expect(page.locator("#transcript li.citizen")).to_have_count(2)
    await expect(page.locator("#transcript li.citizen").nth(1)).to_contain_text(
        '<img src=x onerror="window.pwned=1">'
    )
    assert await page.evaluate("window.pwned") is None  # citizen text is shown as text, never run
    await expect(page.locator("#cases-list li")).to_have_text(
        ["CM69-TEST-0001 · เรื่องร้องเรียน · street_light · กรุงเทพมหานคร · กำลังดำเนินการ"]
    )
    await expect(page.locator("#reply-form")).to_be_hidden()

    await page.get_by_role("button", name="รับเรื่อง", exact=True).click()
    await expect(page.locator("#list-mine .h-item", has_text=f"#{hid}")).to_be_visible()
    await expect(page.locator("#list-waiting li")).to_have_count(0)
    await expect(page.locator("#reply-form")).to_be_visible()
    await expect(page.get_by_role("button", name="รับเรื่อง", exact=True)).to_be_hidden()

    canned = page.locator("#canned-list button").first
    await expect(canned).to_contain_text(record.documents[0])
    await canned.click()
    await expect(page.get_by_label("ข้อความถึงประชาชน")).to_have_value(await canned.inner_text())
    reply = "สวัสดีค่ะ แจ้งเกิดใช้หนังสือรับรองการเกิดจากโรงพยาบาลและบัตรประชาชนของพ่อแม่ค่ะ"
    await page.get_by_label("ข้อความถึงประชาชน").fill(reply)
    await page.get_by_role("button", name="ส่งข้อความ").click()
    sent = page.locator("#transcript li.staff")
    await expect(sent).to_have_count(1)
    await expect(sent).to_contain_text(reply)
    await expect(sent).to_contain_text("รอส่ง")
    await expect(page.get_by_label("ข้อความถึงประชาชน")).to_have_value("")
    await page.screenshot(path=str(tmp_path / "inbox-replied.png"), full_page=True)

    staff_lines = [m for m in messages(engine, hid) if m.author == "staff"]
    assert len(staff_lines) == 1
    line = staff_lines[0]
    assert (line.text, line.delivery_state, line.staff_user_id) == (reply, "pending", agent.user_id)
    assert line.idempotency_key and line.next_attempt_at is not None
    assert wake.is_set()

    # A citizen line arriving while the conversation is open shows without a click.
    await asyncio.to_thread(_citizen_writes, engine, hid, "ขอบคุณค่ะ")
    await expect(page.locator("#transcript li.citizen")).to_have_count(3, timeout=5000)
    # A photo the gateway kept for the inbox is shown from the console's own store.
    await asyncio.to_thread(_citizen_sends_photo, engine, hid, tmp_path / "photos")
    photo = page.get_by_role("img", name="รูปภาพจากประชาชน")
    await expect(photo).to_be_visible(timeout=5000)
    assert await photo.evaluate("img => img.naturalWidth") == 1

    await page.get_by_label("บันทึกภายใน").fill("ประชาชนถามต่อเรื่องสูติบัตร")
    await page.get_by_role("button", name="บันทึกโน้ต").click()
    await expect(page.locator("#transcript li.note")).to_have_count(1)

    await page.get_by_role("button", name="เปลี่ยนเป็นพร้อมรับเรื่อง").click()
    await expect(page.locator("#presence-label")).to_have_text("พร้อมรับเรื่อง")
    with Session(engine) as session:
        presence = session.get(AgentPresence, agent.user_id)
        assert presence is not None and presence.status == "available"

    await page.get_by_label("ผลการดำเนินการ").select_option("answered")
    await page.get_by_role("button", name="ปิดการสนทนา").click()
    await expect(page.locator("#conv-status")).to_contain_text("ปิดแล้ว")
    await expect(page.locator("#transcript li.system", has_text="1-5")).to_have_count(1)
    await expect(page.locator("#list-closed .h-item", has_text=f"#{hid}")).to_be_visible()
    await expect(page.locator("#reply-form")).to_be_hidden()
    for gone in ("#close-form", "#transfer-form", "#note-form", "#claim"):
        await expect(page.locator(gone)).to_be_hidden()
    await page.screenshot(path=str(tmp_path / "inbox-closed.png"), full_page=True)

    assert handover(engine, hid).status == "closed"
    assert events(engine, hid) == ["claimed", "first_staff_reply", "note", "closed"]
    assert (tmp_path / "inbox-replied.png").stat().st_size > 10_000
    assert problems == [], problems
    await context.close()


def _citizen_has_a_case(engine: Engine, reference: str) -> None:
    """A complaint the same LINE account filed earlier (new_handover's recipient hash)."""
    from cases.models import Agency, Case, CaseContact

    with make_sessionmaker(engine).begin() as session:
        session.add(Agency(id="bma", name="กรุงเทพมหานคร"))
        case = Case(
            reference=reference,
            kind="complaint",
            service_id="street_light",
            agency_id="bma",
            status="in_progress",
        )
        session.add(case)
        session.flush()
        session.add(CaseContact(case_id=case.id, channel="line", sender_hash="h" * 64))


def _citizen_sends_photo(engine: Engine, handover_id: int, directory: Path) -> None:
    from cases.photos import PhotoStore
    from handover.models import CITIZEN, Handover, HandoverMessage

    _digest, ref = PhotoStore(directory).save(tiny_png(), "image/png")
    with make_sessionmaker(engine).begin() as session:
        session.add(
            HandoverMessage(handover_id=handover_id, author=CITIZEN, kind="image", media_ref="photo:" + ref)
        )
        row = session.get(Handover, handover_id)
        assert row is not None
        row.version += 1


def _citizen_writes(engine: Engine, handover_id: int, text: str) -> None:
    """What the gateway does with a citizen's message while staff own the conversation."""
    from handover.models import CITIZEN, Handover, HandoverMessage

    with make_sessionmaker(engine).begin() as session:
        session.add(HandoverMessage(handover_id=handover_id, author=CITIZEN, text=text))
        row = session.get(Handover, handover_id)
        assert row is not None
        row.version += 1
