"""The statistics page in headless Chromium, signed in as staff: the menu entry "สถิติ", the charts
drawn by the vendored Chart.js (every canvas has a chart and ink on it), a filter change re-renders
them, a click on a figure and on a bar lists the conversations behind it with the masked text and
no clear text, and both CSV downloads parse with Thai headers. No script error and no CSP violation.
Screenshots: var/screenshots/dashboard.png (and artifacts/screenshots/dashboard*.png)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from playwright.async_api import Browser, Page, expect
from sqlalchemy import Engine

from analytics.intent_labels import intent_label
from db.engine import make_engine
from staff.roles import Role
from staff.web import create_app
from tests.analytics import dashboard_world
from tests.browser import screenshot
from tests.databases import throwaway_database
from tests.handover.inbox_helpers import PASSWORD, add_staff
from tests.staff.staff_helpers import staff_settings

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

SHOT = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "dashboard.png"
CHARTS = (
    "chart-daily",
    "chart-hourly",
    "chart-intents",
    "chart-services",
    "chart-reasons",
    "chart-complaints",
)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    with throwaway_database("sqlite", tmp_path) as url:
        engine = make_engine(url)
        dashboard_world.build(engine)
        add_staff(engine, "somsri", None, Role.ADMIN)
        yield url, engine
        engine.dispose()


@pytest.fixture
async def client(aiohttp_client, db: tuple[str, Engine]) -> TestClient:  # type: ignore[no-untyped-def]
    root = web.Application()
    root.add_subapp("/staff/", create_app(staff_settings(db[0]), engine=db[1]))
    return await aiohttp_client(root)


async def inked_pixels(page: Page, canvas_id: str) -> int:
    """Pixels of the canvas with any paint on them (a blank canvas has none)."""
    return int(
        await page.evaluate(
            """(id) => {
                const c = document.getElementById(id);
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
                return n;
            }""",
            canvas_id,
        )
    )


async def chart_totals(page: Page, canvas_id: str) -> list[float]:
    return list(
        await page.evaluate(
            """(id) => Chart.getChart(document.getElementById(id)).data.datasets.map(
                (s) => s.data.reduce((a, b) => a + b, 0))""",
            canvas_id,
        )
    )


async def click_bar(page: Page, canvas_id: str, index: int) -> None:
    """Click bar `index` of the first dataset where Chart.js drew it."""
    point = await page.evaluate(
        """([id, i]) => {
            const canvas = document.getElementById(id);
            canvas.scrollIntoView({block: "center"});
            const bar = Chart.getChart(canvas).getDatasetMeta(0).data[i];
            const box = canvas.getBoundingClientRect();
            return {x: box.left + bar.x, y: box.top + (bar.y + bar.base) / 2};
        }""",
        [canvas_id, index],
    )
    await page.mouse.click(point["x"], point["y"])


def assert_private(text: str) -> None:
    for clear in dashboard_world.CLEAR_TEXTS:
        assert clear not in text
    for sender in dashboard_world.SENDERS:
        assert sender not in text and sender.split(":", 1)[1] not in text


def read_csv(path: str) -> list[list[str]]:
    body = Path(path).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def test_statistics_page_charts_filters_drilldown_and_csv(
    chromium: Browser, client: TestClient
) -> None:
    base = str(client.make_url("")).rstrip("/")
    context = await chromium.new_context(
        locale="th-TH", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    # Console errors include CSP refusals; the browser's own favicon request (no favicon in this test
    # app) is not the page's.
    page.on(
        "console",
        lambda msg: (
            problems.append(f"{msg.text} {msg.location}")
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )

    await page.goto(base + "/staff/login")
    await page.get_by_label("ชื่อผู้ใช้").fill("somsri")
    await page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    await page.get_by_role("button", name="เข้าสู่ระบบ").click()
    await page.get_by_role("link", name="สถิติ").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("สถิติการใช้งาน")
    await expect(page.locator("#dashboard")).to_have_attribute("data-rendered", "6")

    # November, every channel and agency.
    await page.locator("#f-from").fill("2026-11-01")
    await page.locator("#f-to").fill("2026-11-30")
    await page.get_by_role("button", name="แสดงสถิติ").click()
    await expect(page.locator("#card-conversations .value")).to_have_text("40")
    await expect(page.locator("#dashboard")).to_have_attribute("data-rendered", "6")
    for canvas in CHARTS:
        assert await page.evaluate("(id) => !!Chart.getChart(document.getElementById(id))", canvas), canvas
        assert await inked_pixels(page, canvas) > 500, canvas
    assert await chart_totals(page, "chart-daily") == [17, 11, 12]  # LINE, SMS, web chat
    assert sum(await chart_totals(page, "chart-hourly")) == 40
    labels = await page.evaluate("Chart.getChart(document.getElementById('chart-services')).data.labels")
    assert sorted(labels) == sorted(dashboard_world.TITLES.values())  # Thai titles, not ids
    intents = await page.evaluate("Chart.getChart(document.getElementById('chart-intents')).data.labels")
    assert sorted(intents) == sorted(intent_label(i) for i in ("ask_service", "greet", "nlu_fallback"))
    assert not any("_" in label for label in intents)  # Thai names (bot/intent_labels_th.yml), not raw
    await expect(page.locator(".chart .hint.empty")).to_have_count(1)  # complaints: none this month
    SHOT.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOT), full_page=True)
    await screenshot(page, "dashboard")

    # A filter change re-renders: the channel select applies at once.
    await page.locator("#f-channel").select_option("sms")
    await expect(page.locator("#card-conversations .value")).to_have_text("11")
    await expect(page.locator("#dashboard")).to_have_attribute("data-rendered", "6")
    assert await chart_totals(page, "chart-daily") == [11]
    assert (
        await page.evaluate("Chart.getChart(document.getElementById('chart-daily')).data.datasets[0].label")
        == "SMS"
    )
    assert await inked_pixels(page, "chart-daily") > 500
    await page.locator("#f-channel").select_option("")
    await expect(page.locator("#card-conversations .value")).to_have_text("40")

    # Drill-down from a figure: the fallback rate -> the one conversation, its masked text.
    await page.locator("#card-fallback button").click()
    drill = page.locator("#drill")
    await expect(drill).to_be_visible()
    await expect(page.locator("#drill-summary")).to_contain_text("ทั้งหมด 1 การสนทนา")
    rows = page.locator("#drill-table tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text(dashboard_world.MASKED)
    await expect(rows.first).to_contain_text("บอทไม่เข้าใจ")
    await expect(rows.first).to_contain_text("ส่งต่อเจ้าหน้าที่")
    await expect(rows.first).to_contain_text("ทำบัตรประชาชนใหม่")
    # Intents by their Thai name, the raw name as the tooltip.
    await expect(rows.first.locator('.intent[title="nlu_fallback"]')).to_contain_text("เจตนา บอทไม่เข้าใจ")
    assert_private(await page.content())
    await screenshot(page, "dashboard-drilldown")

    # The drill-down list as CSV.
    async with page.expect_download() as download_info:
        await page.locator("#drill-csv").click()
    table = read_csv(await (await download_info.value).path())
    assert table[0][0] == "การสนทนา (รหัสย่อ)" and table[0][-1] == "ข้อความ (ปิดบังข้อมูลส่วนบุคคลแล้ว)"
    assert [r[-1] for r in table[1:]] == ["", dashboard_world.MASKED]
    label, raw = table[0].index("เจตนา"), table[0].index("เจตนา (ชื่อในระบบ)")
    pairs = {(r[label], r[raw]) for r in table[1:] if r[raw]}
    assert ("บอทไม่เข้าใจ", "nlu_fallback") in pairs
    assert all(shown == intent_label(name) for shown, name in pairs)
    assert_private("\n".join(",".join(r) for r in table))

    # Drill-down from a bar: 14:00 in the hourly profile -> the 12 web chat conversations.
    await click_bar(page, "chart-hourly", 14)
    await expect(page.locator("#drill-title")).to_contain_text("14:00")
    await expect(page.locator("#drill-summary")).to_contain_text("ทั้งหมด 12 การสนทนา")
    await expect(rows).to_have_count(12)
    await expect(rows.first).to_contain_text("เว็บแชต")
    # ... and a day: 20 Nov -> the three LINE conversations about social security.
    days = await page.evaluate("Chart.getChart(document.getElementById('chart-daily')).data.labels")
    await click_bar(page, "chart-daily", days.index("20/11"))
    await expect(page.locator("#drill-summary")).to_contain_text("ทั้งหมด 3 การสนทนา")
    await expect(rows).to_have_count(3)
    assert_private(await page.content())

    # The daily figures as CSV: a row per day and channel, Thai headers.
    async with page.expect_download() as download_info:
        await page.locator("#daily-csv").click()
    daily = read_csv(await (await download_info.value).path())
    assert daily[0][:4] == ["วันที่", "ช่องทาง", "การสนทนา", "ข้อความทั้งหมด"]
    assert len(daily) == 1 + 30 * 3
    assert sum(int(r[2]) for r in daily[1:]) == 40

    assert problems == []
    await context.close()
