"""The console in headless Chromium: the whole editorial flow with JavaScript switched off, and the
pages holding hostile content inspected in a JavaScript-enabled browser (no injected elements in the
DOM, no dialogs, the payload shown as text). Screenshots land in artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from staff.roles import Role
from tests.browser import screenshot
from tests.staff.staff_helpers import PASSWORD, add_user

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

PAYLOAD = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


async def shot(page: Page, name: str) -> None:
    await screenshot(page, f"staff-{name}")


async def sign_in(page: Page, base: str, username: str) -> None:
    await page.goto(base + "/staff/login")
    await page.get_by_label("ชื่อผู้ใช้").fill(username)
    await page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    await page.get_by_role("button", name="เข้าสู่ระบบ").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("บริการ")


async def test_editorial_flow_without_javascript(chromium, client, engine):
    add_user(engine, "reviewer1", Role.REVIEWER, display_name="ผู้ตรวจ หนึ่ง")
    base = str(client.make_url("")).rstrip("/")
    context = await chromium.new_context(java_script_enabled=False, locale="th-TH")
    page = await context.new_page()
    await sign_in(page, base, "reviewer1")

    await page.get_by_role("link", name="+ เพิ่มบริการ").click()
    await page.get_by_label("รหัส").fill("browser_case")
    await page.get_by_label("ชื่อบริการ (ไทย)").fill("ต่อใบอนุญาตขับรถ " + PAYLOAD)
    await page.get_by_label("หน่วยงานที่รับผิดชอบ").fill("กรมการขนส่งทางบก")
    await page.get_by_label("เอกสารที่ต้องใช้").fill("บัตรประชาชน\nใบขับขี่เดิม\n" + PAYLOAD)
    await page.get_by_label("ค่าธรรมเนียม").fill("ค่าใบอนุญาต | 505 บาท")
    await page.get_by_label("วันที่ตรวจสอบล่าสุด").fill("2025-02-01")
    await page.get_by_label("บันทึกการเปลี่ยนแปลง").fill("ทดสอบผ่านเบราว์เซอร์")
    await page.get_by_role("button", name="บันทึกร่าง").click()
    await expect(page.get_by_role("status")).to_have_text("สร้างร่างแล้ว")
    await shot(page, "detail-draft")

    await page.get_by_role("link", name="ดูตัวอย่างในแชต").click()
    await expect(page.locator(".bubble").first).to_contain_text("รอ กรมการขนส่งทางบก ตรวจรับรอง")
    await page.get_by_role("link", name="SMS").click()  # switch channel, still without JavaScript
    await expect(page.get_by_role("navigation", name="ช่องทาง")).to_contain_text("SMS")
    await shot(page, "preview")
    await page.get_by_role("link", name="กลับไปหน้าบริการ").click()

    await page.get_by_role("button", name="เผยแพร่ฉบับ 1").click()
    await expect(page.get_by_role("status")).to_contain_text("เผยแพร่แล้ว")
    await page.goto(base + "/open-data/services.json")
    assert "browser_case" in await page.content()

    await page.goto(base + "/staff/services/browser_case/history")
    await expect(page.locator("tbody tr")).to_have_count(1)
    await expect(page.locator("tbody")).to_contain_text("reviewer1")
    await expect(page.locator("tbody")).to_contain_text("ทดสอบผ่านเบราว์เซอร์")

    await page.get_by_role("button", name="ออกจากระบบ").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("เข้าสู่ระบบ")
    await context.close()


async def test_hostile_content_stays_text_with_javascript_on(chromium, client, engine):
    add_user(engine, "admin1", Role.ADMIN, display_name=PAYLOAD)
    base = str(client.make_url("")).rstrip("/")
    context = await chromium.new_context(locale="th-TH")
    page = await context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    await sign_in(page, base, "admin1")
    await page.get_by_role("link", name="+ เพิ่มบริการ").click()
    await page.get_by_label("รหัส").fill("hostile_case")
    for label in ("ชื่อบริการ (ไทย)", "ชื่อบริการ (อังกฤษ)", "หน่วยงานที่รับผิดชอบ", "รายละเอียด", "ผู้มีสิทธิ์ยื่น"):
        await page.get_by_label(label).fill(PAYLOAD)
    await page.get_by_label("คำถามที่พบบ่อย").fill(PAYLOAD + " | " + PAYLOAD)
    await page.get_by_role("button", name="บันทึกร่าง").click()
    await expect(page.get_by_role("status")).to_have_text("สร้างร่างแล้ว")
    for path in ("", "/edit", "/preview", "/history"):
        await page.goto(base + "/staff/services/hostile_case" + path)
        assert await page.evaluate("document.scripts.length") == 0, path
        assert await page.locator('img[src="x"]').count() == 0, path
        assert await page.evaluate("window.__xss === undefined"), path
    await page.goto(base + "/staff/services/hostile_case")
    await expect(page.get_by_role("heading", level=1)).to_contain_text(PAYLOAD)  # visible as text
    await page.goto(base + "/staff/users")
    assert await page.locator('img[src="x"]').count() == 0
    await shot(page, "users-hostile-name")
    assert dialogs == []
    await context.close()
