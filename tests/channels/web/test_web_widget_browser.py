"""The widget in headless Chromium (Debian's build, driven by Playwright) against the real gateway.

Each test loads /chat/demo exactly as an agency page would, talks Thai through the widget and reads
the Thai answers back from the page. Screenshots land in artifacts/screenshots/ for people to look at
(CI keeps the folder).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page, expect

from channels import keys
from tests.browser import screenshot
from tests.channels.web.webchat_fakes import BUTTONS, GREETING, SERVICE_ANSWER, FakeRasa, echo_answer
from tests.e2e.dialogue_servers import free_port

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

TIMEOUT_MS = 10_000


async def shot(page: Page, name: str) -> None:
    await screenshot(page, f"web-{name}", full_page=False)


def demo_url(client: Any) -> str:
    return str(client.make_url("/chat/demo"))


async def open_widget(page: Page, url: str) -> None:
    await page.goto(url)
    await page.get_by_role("button", name="สอบถามบริการ").click()
    await expect(page.get_by_role("log")).to_be_visible()
    await expect_state(page, "connected")


async def expect_state(page: Page, state: str) -> None:
    """The widget shows its connection state on its root element (connecting / connected / offline)."""
    await expect(page.locator(".gbc")).to_have_attribute("data-state", state, timeout=TIMEOUT_MS)


async def say(page: Page, text: str) -> None:
    box = page.get_by_label("พิมพ์ข้อความถึงผู้ช่วย")
    await box.fill(text)
    await box.press("Enter")


def bubbles(page: Page, role: str) -> Any:
    return page.locator(f'[role="log"] .gbc-{role}')


async def test_thai_conversation_quick_reply_and_history_after_reload(
    chromium: Browser, gateway: Any, web_rasa: FakeRasa
) -> None:
    client = await gateway()
    page = await chromium.new_page(viewport={"width": 1280, "height": 800})
    await open_widget(page, demo_url(client))
    assert await page.locator(".gbc").get_attribute("lang") == "th"

    await say(page, "สวัสดีครับ")
    await expect(bubbles(page, "bot").last).to_contain_text(GREETING, timeout=TIMEOUT_MS)
    replies = page.get_by_role("group", name="ตัวเลือกตอบด่วน").get_by_role("button")
    await expect(replies).to_have_text([b["title"] for b in BUTTONS])
    await shot(page, "desktop-greeting")

    await replies.first.click()
    await expect(bubbles(page, "bot").last).to_contain_text(SERVICE_ANSWER, timeout=TIMEOUT_MS)
    await expect(replies).to_have_count(0)
    assert web_rasa.texts() == ["สวัสดีครับ", BUTTONS[0]["payload"]]
    await shot(page, "desktop-quick-reply")

    await page.reload()
    await open_widget(page, demo_url(client))
    expected = ["สวัสดีครับ", GREETING, BUTTONS[0]["title"], SERVICE_ANSWER]
    await expect(page.locator('[role="log"] .gbc-msg')).to_have_count(4, timeout=TIMEOUT_MS)
    texts = await page.locator('[role="log"] .gbc-msg').all_inner_texts()
    assert [re.sub(r"^(คุณ|ผู้ช่วย):\s*", "", t).strip() for t in texts] == expected
    await shot(page, "desktop-after-reload")
    assert len(web_rasa.requests) == 2  # the reload asked Rasa nothing


async def test_reconnects_and_delivers_a_message_typed_while_offline_once(
    chromium: Browser, gateway: Any, web_rasa: FakeRasa
) -> None:
    first = await gateway(durable=True)
    port = first.server.port
    page = await chromium.new_page()
    await open_widget(page, demo_url(first))
    await say(page, "สวัสดี")
    await expect(bubbles(page, "bot").last).to_contain_text(GREETING, timeout=TIMEOUT_MS)

    await first.close()  # the gateway goes away (deploy, crash)
    await expect_state(page, "offline")
    await expect(page.get_by_role("status").first).to_contain_text("ขาดการเชื่อมต่อ")
    await say(page, "ขอเอกสารทำบัตรประชาชน")
    await expect(bubbles(page, "user").last).to_contain_text("ยังไม่ได้ส่ง")
    await shot(page, "offline-pending")

    await gateway(durable=True, port=port)  # back on the same address, same Redis
    await expect(bubbles(page, "bot").last).to_contain_text(
        echo_answer("ขอเอกสารทำบัตรประชาชน"), timeout=20_000
    )
    await expect(page.get_by_role("status").first).to_have_text("")
    await asyncio.sleep(0.5)  # time for any duplicate to show up
    await expect(bubbles(page, "user").filter(has_text="ขอเอกสารทำบัตรประชาชน")).to_have_count(1)
    await expect(bubbles(page, "bot").filter(has_text="ขอเอกสารทำบัตรประชาชน")).to_have_count(1)
    assert web_rasa.texts() == ["สวัสดี", "ขอเอกสารทำบัตรประชาชน"]
    await shot(page, "reconnected")


async def test_socket_dropped_after_accept_is_resent_without_a_second_answer(
    chromium: Browser, gateway: Any, web_rasa: FakeRasa
) -> None:
    client = await gateway()
    channel = client.server.app[keys.CHANNELS]["web"]
    page = await chromium.new_page()
    await open_widget(page, demo_url(client))
    web_rasa.delay = 1.0
    await say(page, "ติดตามคำร้องเลขที่ ๑๒๓๔")
    await expect(page.get_by_role("status").last).to_contain_text("ผู้ช่วยกำลังพิมพ์")
    await channel.hub.close_all()  # the server drops the socket after accepting, before answering
    await expect(bubbles(page, "bot").filter(has_text="๑๒๓๔")).to_have_count(1, timeout=TIMEOUT_MS)
    await asyncio.sleep(1.0)
    await expect(bubbles(page, "bot").filter(has_text="๑๒๓๔")).to_have_count(1)
    await expect(bubbles(page, "user")).to_have_count(1)
    assert web_rasa.texts() == ["ติดตามคำร้องเลขที่ ๑๒๓๔"]
    await expect(page.get_by_role("status").last).to_have_text("")  # typing indicator gone


async def test_keyboard_only(chromium: Browser, gateway: Any, web_rasa: FakeRasa) -> None:
    client = await gateway()
    page = await chromium.new_page()
    await page.goto(demo_url(client))
    launcher = page.get_by_role("button", name="สอบถามบริการ")
    for _ in range(10):  # Tab through the page until the launcher has focus
        await page.keyboard.press("Tab")
        if await launcher.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    assert await launcher.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    await page.keyboard.press("Enter")
    box = page.get_by_label("พิมพ์ข้อความถึงผู้ช่วย")
    await expect(box).to_be_focused()
    await expect_state(page, "connected")
    await page.keyboard.type("สวัสดีค่ะ")
    await page.keyboard.press("Enter")
    await expect(bubbles(page, "bot").last).to_contain_text(GREETING, timeout=TIMEOUT_MS)
    await page.keyboard.press("Shift+Tab")  # the quick replies come right before the input
    focused = page.locator(":focus")
    await expect(focused).to_have_text(BUTTONS[-1]["title"])
    outline = await focused.evaluate(
        "el => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]"
    )
    assert outline[0] != "none" and float(outline[1].rstrip("px")) >= 2
    await shot(page, "keyboard-focus")
    await page.keyboard.press("Enter")
    await expect(bubbles(page, "user").last).to_contain_text(BUTTONS[-1]["title"])
    await expect(box).to_be_focused()
    await page.keyboard.press("Escape")  # closes the panel and gives focus back to the launcher
    await expect(launcher).to_be_focused()
    assert web_rasa.texts() == ["สวัสดีค่ะ", BUTTONS[-1]["payload"]]


async def test_phone_viewport_is_full_screen(chromium: Browser, gateway: Any) -> None:
    client = await gateway()
    context = await chromium.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, has_touch=True
    )
    page = await context.new_page()
    await open_widget(page, demo_url(client))
    await say(page, "สวัสดีครับ อยากทราบขั้นตอนทำบัตรประชาชนใหม่ค่ะ")
    await expect(bubbles(page, "bot").last).to_contain_text(GREETING, timeout=TIMEOUT_MS)
    panel = await page.get_by_role("dialog").bounding_box()
    assert panel is not None
    assert (panel["x"], panel["y"], panel["width"], panel["height"]) == (0, 0, 390, 844)
    no_sideways_scroll = await page.evaluate("document.documentElement.scrollWidth <= 390")
    assert no_sideways_scroll
    await shot(page, "phone-390x844")
    await context.close()


async def test_widget_uses_a_thai_font(chromium: Browser, gateway: Any) -> None:
    """Thai must render with a Thai-capable font, not tofu boxes (needs fonts-thai-tlwg or Noto)."""
    client = await gateway()
    page = await chromium.new_page()
    await open_widget(page, demo_url(client))
    family = await page.locator(".gbc").evaluate("el => getComputedStyle(el).fontFamily")
    assert re.match(r'^"?Sarabun"?, "?Noto Sans Thai"?', family)
    session = await page.context.new_cdp_session(page)
    await session.send("DOM.enable")
    await session.send("CSS.enable")
    doc = await session.send("DOM.getDocument", {"depth": -1})
    node = await session.send(
        "DOM.querySelector", {"nodeId": doc["root"]["nodeId"], "selector": "#gbc-title"}
    )
    fonts = await session.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    used = [f["familyName"] for f in fonts["fonts"]]
    thai_capable = {
        "Sarabun",
        "Noto Sans Thai",
        "Garuda",
        "Loma",
        "Norasi",
        "Kinnari",
        "Laksaman",
        "Umpush",
        "Waree",
        "Sawasdee",
        "Purisa",
        "Tlwg Typo",
        "Tlwg Typist",
        "Tlwg Typewriter",
        "Tlwg Mono",
        "Noto Sans Thai UI",
    }
    assert set(used) & thai_capable, used


async def test_one_widget_and_one_socket_per_tab(chromium: Browser, gateway: Any) -> None:
    client = await gateway()
    hub = client.server.app[keys.CHANNELS]["web"].hub
    page = await chromium.new_page()
    await open_widget(page, demo_url(client))
    await page.add_script_tag(url="/chat/widget.js")  # a page that embeds the tag twice
    await page.evaluate("window.dispatchEvent(new Event('online'))")  # a reconnect nudge while connected
    await asyncio.sleep(0.5)
    assert await page.locator(".gbc").count() == 1
    assert hub.count() == 1
    second = await chromium.new_page()  # another tab: its own socket, the same session
    await open_widget(second, demo_url(client))
    assert hub.count() == 2


async def test_refused_and_odd_input_in_the_widget(
    chromium: Browser, gateway: Any, web_rasa: FakeRasa
) -> None:
    client = await gateway()
    page = await chromium.new_page()
    await open_widget(page, demo_url(client))
    await say(page, "\u200b\u200b")  # looks empty to the citizen; JavaScript's trim() keeps it
    refused = bubbles(page, "user").last
    await expect(refused).to_contain_text("กรุณาพิมพ์ข้อความก่อนส่ง", timeout=TIMEOUT_MS)
    await expect(refused).to_have_class(re.compile("gbc-failed"))
    await say(page, "👍")
    await expect(bubbles(page, "bot").last).to_contain_text(echo_answer("👍"), timeout=TIMEOUT_MS)
    await say(page, "   ")  # blank: not sent at all
    assert web_rasa.texts() == ["👍"]
    assert await page.get_by_label("พิมพ์ข้อความถึงผู้ช่วย").get_attribute("maxlength") == "1000"
    await shot(page, "refused-input")


async def agency_site(gateway_url: str) -> TestServer:
    """Another origin (an agency's own web server) embedding the widget with one tag."""
    page = (
        '<!doctype html><html lang="th"><head><meta charset="utf-8"><title>กรมตัวอย่าง</title></head>'
        f'<body><h1>กรมตัวอย่าง</h1><script src="{gateway_url}/chat/widget.js" defer></script></body></html>'
    )

    async def index(_request: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", index)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    return server


@pytest.mark.parametrize("allowed", [True, False], ids=["listed-origin", "unlisted-origin"])
async def test_embedded_on_another_origin(chromium: Browser, gateway: Any, allowed: bool) -> None:
    port = free_port()
    site = await agency_site(f"http://127.0.0.1:{port}")
    site_origin = f"http://127.0.0.1:{site.port}"
    try:
        await gateway(port=port, allowed_origins=(site_origin,) if allowed else ("https://other.go.th",))
        page = await chromium.new_page()
        await page.goto(site_origin + "/")
        await page.get_by_role("button", name="สอบถามบริการ").click()
        if allowed:
            await expect_state(page, "connected")
            await say(page, "สวัสดีครับ")
            await expect(bubbles(page, "bot").last).to_contain_text(GREETING, timeout=TIMEOUT_MS)
        else:  # the handshake is refused (403); the widget keeps the message and keeps retrying
            await expect_state(page, "offline")
            await say(page, "สวัสดีครับ")
            await expect(bubbles(page, "user").last).to_contain_text("ยังไม่ได้ส่ง")
            await expect(bubbles(page, "bot")).to_have_count(0)
    finally:
        await site.close()


async def test_empty_conversation_opens_with_a_welcome_and_starter_buttons(
    chromium: Browser, gateway: Any, web_rasa: FakeRasa
) -> None:
    client = await gateway()
    page = await chromium.new_page(viewport={"width": 1280, "height": 800})
    await open_widget(page, demo_url(client))
    welcome = page.locator('[role="log"] .gbc-welcome')
    await expect(welcome).to_contain_text("สวัสดีค่ะ")
    starters = page.get_by_role("group", name="ตัวเลือกตอบด่วน").get_by_role("button")
    await expect(starters).to_have_count(6)
    titles = await starters.all_inner_texts()
    assert len(set(titles)) == len(titles) and all(len(t) <= 20 for t in titles)
    await shot(page, "desktop-welcome")

    await starters.nth(1).click()  # "ลูกเพิ่งคลอด" goes through the NLU as typed text
    await expect(bubbles(page, "user").last).to_contain_text("ลูกเพิ่งคลอด", timeout=TIMEOUT_MS)
    await expect(bubbles(page, "bot").last).to_contain_text(echo_answer("ลูกเพิ่งคลอด"), timeout=TIMEOUT_MS)
    assert web_rasa.texts() == ["ลูกเพิ่งคลอด"]
    await page.reload()  # the conversation has entries now: the history, no welcome
    await open_widget(page, demo_url(client))
    await expect(page.locator('[role="log"] .gbc-msg')).to_have_count(2, timeout=TIMEOUT_MS)
    await expect(welcome).to_have_count(0)
