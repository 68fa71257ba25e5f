"""The teaching page in headless Chromium: a reviewer opens "สอนบอท", sees the citizens' questions
grouped (masked), marks the group as the elderly allowance, and the bot's running search then finds
that service for those questions. Screenshots in artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from knowledge.search import LiveIndex
from staff.roles import Role
from tests.browser import screenshot
from tests.staff.staff_helpers import PASSWORD, add_user
from tests.teaching.conftest import add_questions

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

QUESTIONS = ["แม่แก่แล้วได้ตังค์รายเดือนมั้ย", "ยายแก่แล้วได้ตังค์รายเดือนไหมคะ"]


async def test_reviewer_labels_a_group_and_the_search_finds_the_service(
    chromium, client, engine, sessions, store
) -> None:
    live = LiveIndex(store, None, check_every=0.0)  # as the action server holds it, built before
    assert live.search(QUESTIONS[0]).hits[0].id != "elderly_allowance"
    add_questions(sessions, QUESTIONS, reason="low_confidence", bot_answer="disability_allowance")
    add_questions(sessions, ["โทร 0812345678 ต่อภาษีรถที่ไหน"], reason="handover")
    add_user(engine, "reviewer1", Role.REVIEWER, display_name="ผู้ตรวจ หนึ่ง")
    base = str(client.make_url("")).rstrip("/")
    context = await chromium.new_context(locale="th-TH")
    page = await context.new_page()

    await page.goto(base + "/staff/login")
    await page.get_by_label("ชื่อผู้ใช้").fill("reviewer1")
    await page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    await page.get_by_role("button", name="เข้าสู่ระบบ").click()
    await page.get_by_role("navigation", name="เมนูหลัก").get_by_role("link", name="สอนบอท").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("3 คำถามรอตรวจ ใน 2 กลุ่ม")
    assert "0812345678" not in await page.content()
    await screenshot(page, "teaching-queue")

    group = page.locator("section.review-group").filter(has_text=QUESTIONS[0])
    await expect(group.get_by_role("heading", level=2)).to_contain_text("(2 คำถาม)")
    await expect(group.get_by_role("checkbox")).to_have_count(2)
    await group.get_by_label("คำถามกลุ่มนี้หมายถึงบริการ").select_option("elderly_allowance")
    await group.get_by_role("button", name="หมายถึงบริการนี้").click()

    await expect(page.get_by_role("status")).to_have_text("บันทึกเป็นตัวอย่างคำถามของบริการแล้ว")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("1 คำถามรอตรวจ ใน 1 กลุ่ม")
    await screenshot(page, "teaching-after-decision")
    for question in QUESTIONS:
        assert live.search(question).hits[0].id == "elderly_allowance"

    await page.goto(base + "/staff/services/elderly_allowance")
    await expect(page.locator("body")).to_contain_text(QUESTIONS[0])  # on the record, published
    await context.close()
