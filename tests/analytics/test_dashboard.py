"""The statistics page over HTTP (staff/views/dashboard.py): staff only (signed out: sent to sign in;
a role without VIEW_STATS: 403), agency scoping (an agent sees their agency's figures and is refused
another's), bad filters answered with a clear 4xx in Thai, the daily and drill-down CSV files (UTF-8
with BOM, Thai headers), and no clear text or sender id anywhere; on SQLite and PostgreSQL. The
browser side is test_dashboard_browser.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from analytics import measures
from db.engine import make_engine
from staff.roles import Role
from staff.views.dashboard import Filters, daily_by_channel
from staff.web import create_app
from tests.analytics import dashboard_world
from tests.databases import throwaway_database
from tests.handover.inbox_helpers import add_staff
from tests.staff.staff_helpers import sign_in, staff_settings

NOV = "from=2026-11-01&to=2026-11-30"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Engine]]:
    with throwaway_database(request.param, tmp_path_factory.mktemp("dashboard")) as url:
        engine = make_engine(url)
        dashboard_world.build(engine)
        add_staff(engine, "admin1", None, Role.ADMIN)
        add_staff(engine, "agent_dopa", "dopa", Role.AGENT)
        add_staff(engine, "agent_none", None, Role.AGENT)
        add_staff(engine, "editor1", None, Role.EDITOR)
        yield url, engine
        engine.dispose()


@pytest.fixture
async def client(aiohttp_client, db: tuple[str, Engine]) -> TestClient:  # type: ignore[no-untyped-def]
    root = web.Application()
    root.add_subapp("/staff/", create_app(staff_settings(db[0]), engine=db[1]))
    return await aiohttp_client(root)


async def signed_in(client: TestClient, username: str) -> TestClient:
    response = await sign_in(client, username)
    assert response.status in (302, 303), await response.text()
    return client


def assert_private(text: str) -> None:
    for clear in dashboard_world.CLEAR_TEXTS:
        assert clear not in text
    for sender in dashboard_world.SENDERS:
        assert sender not in text and sender.split(":", 1)[1] not in text


def figure(html: str, key: str) -> str:
    match = re.search(rf'id="card-{key}".*?<strong class="value">([^<]*)</strong>', html, re.S)
    assert match, key
    return match.group(1)


@pytest.mark.parametrize(
    "path", ["/staff/stats", "/staff/stats/drilldown.json?kind=fallback", "/staff/stats/daily.csv"]
)
async def test_signed_out_is_sent_to_sign_in(client: TestClient, path: str) -> None:
    response = await client.get(path, allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"].startswith("/staff/login")


async def test_a_role_without_the_permission_is_refused(client: TestClient) -> None:
    await signed_in(client, "editor1")
    assert (await client.get("/staff/stats")).status == 403
    assert (await client.get("/staff/stats/drilldown.json?kind=fallback&" + NOV)).status == 403
    home = await (await client.get("/staff/")).text()
    assert "สถิติ" not in home  # not in the menu either


async def test_admin_sees_every_agency_with_the_menu_entry(client: TestClient) -> None:
    await signed_in(client, "admin1")
    response = await client.get("/staff/stats?" + NOV)
    assert response.status == 200
    html = await response.text()
    assert 'aria-current="page">สถิติ</a>' in html
    assert figure(html, "conversations") == "40"
    assert figure(html, "handover") == "2.5%"
    assert 'name="agency"' in html and "กรมการปกครอง" in html
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp and "default-src 'none'" in csp
    assert re.findall(r'<script src="([^"]+)"', html) == [
        s for s in re.findall(r'<script src="([^"]+)"', html) if s.startswith("/staff/static/")
    ]
    assert "vendor/chart.umd.min.js" in html
    # Under the charts: the handover's times (requested 09:03, claimed 09:05, first reply 09:06,
    # closed 09:20) and the deliveries per channel: the agent's one reply delivered on LINE.
    details = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td></tr>', html))
    assert details["เวลาจนเจ้าหน้าที่ตอบครั้งแรก"].startswith("เฉลี่ย 3 นาที · มัธยฐาน 3 นาที")
    assert details["เวลาจนเจ้าหน้าที่ปิดการสนทนา"].startswith("เฉลี่ย 17 นาที")
    deliveries = re.search(r'<table id="deliveries">.*?</table>', html, re.S)
    assert deliveries is not None
    line = re.search(r'<tr><th scope="row">LINE</th>(.*?)</tr>', deliveries.group(0))
    assert line is not None and re.findall(r"<td>([^<]+)</td>", line.group(1)) == ["0 / 0", "1 / 0", "0 / 0"]
    assert_private(html)


async def test_an_agent_sees_their_agency_only(client: TestClient) -> None:
    await signed_in(client, "agent_dopa")
    html = await (await client.get("/staff/stats?" + NOV)).text()
    assert figure(html, "conversations") == "14"
    assert 'name="agency"' not in html  # no agency choice offered
    other = await client.get("/staff/stats?agency=sso&" + NOV)
    assert other.status == 403
    assert "ดูได้เฉพาะสถิติของหน่วยงานของตนเอง" in await other.text()
    refused = await client.get("/staff/stats/drilldown.json?kind=conversations&agency=sso&" + NOV)
    assert refused.status == 403
    drill = await (await client.get("/staff/stats/drilldown.json?kind=conversations&" + NOV)).json()
    assert drill["total"] == 14 and {c["agency"] for c in drill["conversations"]} == {"dopa"}
    assert (await client.get("/staff/stats/daily.csv?agency=sso&" + NOV)).status == 403


async def test_an_agent_without_an_agency_is_told_and_shown_nothing(client: TestClient) -> None:
    await signed_in(client, "agent_none")
    html = await (await client.get("/staff/stats?" + NOV)).text()
    assert "ยังไม่สังกัดหน่วยงาน" in html
    assert 'id="card-conversations"' not in html
    assert (await client.get("/staff/stats/drilldown.json?kind=conversations&" + NOV)).status == 403


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-13-01&to=2026-11-30", "ไม่ใช่วันที่ที่มีอยู่จริง"),
        ("from=2026-11-30&to=2026-11-01", "วันเริ่มต้นต้องไม่อยู่หลังวันสิ้นสุด"),
        ("from=2024-01-01&to=2026-11-30", "ไม่เกิน 366 วัน"),
        ("from=30/11/2026", "ปปปป-ดด-วว"),
        ("preset=forever", "ไม่รู้จักช่วงเวลา"),
        ("channel=fax&" + NOV, "ช่องทาง"),
        ("agency=nowhere&" + NOV, "ไม่รู้จักหน่วยงาน"),
        ("from=" + "9" * 5000, "ปปปป-ดด-วว"),
    ],
)
async def test_bad_filters_get_a_clear_400(client: TestClient, query: str, message: str) -> None:
    await signed_in(client, "admin1")
    response = await client.get("/staff/stats?" + query)
    assert response.status == 400
    assert message in await response.text()
    drill = await client.get("/staff/stats/drilldown.json?kind=fallback&" + query)
    assert drill.status == 400
    assert message in (await drill.json())["detail"]


async def test_thai_digits_and_zero_width_characters_are_read_as_typed(client: TestClient) -> None:
    await signed_in(client, "admin1")
    response = await client.get("/staff/stats?from=๒๐๒๖-๑๑-๐๑&to=2026-11-30\u200b&channel=sms\u200b")
    assert response.status == 200
    assert figure(await response.text(), "conversations") == "11"


@pytest.mark.parametrize(
    "query",
    [
        "kind=everything",
        "kind=intent",
        "kind=hour&key=25",
        "kind=day&key=yesterday",
        "kind=fallback&offset=-1",
    ],
)
async def test_bad_drilldown_requests_get_a_400_problem(client: TestClient, query: str) -> None:
    await signed_in(client, "admin1")
    response = await client.get(f"/staff/stats/drilldown.json?{query}&{NOV}")
    assert response.status == 400
    assert (await response.json())["detail"]


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel reads Thai"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def test_daily_csv_has_thai_headers_and_a_row_per_day_and_channel(client: TestClient) -> None:
    await signed_in(client, "admin1")
    response = await client.get("/staff/stats/daily.csv?" + NOV)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(await response.read())
    assert rows[0][:3] == ["วันที่", "ช่องทาง", "การสนทนา"]
    assert len(rows) == 1 + 30 * 3
    by_channel: dict[str, int] = {}
    for row in rows[1:]:
        by_channel[row[1]] = by_channel.get(row[1], 0) + int(row[2])
    assert by_channel == {"LINE": 17, "SMS": 11, "เว็บแชต": 12}
    sms_only = read_csv(await (await client.get("/staff/stats/daily.csv?channel=sms&" + NOV)).read())
    assert {row[1] for row in sms_only[1:]} == {"SMS"} and len(sms_only) == 31


async def test_drilldown_csv_lists_turns_with_masked_text_only(client: TestClient) -> None:
    await signed_in(client, "admin1")
    response = await client.get("/staff/stats/drilldown.csv?kind=handover&" + NOV)
    assert response.status == 200
    body = await response.read()
    rows = read_csv(body)
    assert rows[0][0] == "การสนทนา (รหัสย่อ)" and rows[0][-1] == "ข้อความ (ปิดบังข้อมูลส่วนบุคคลแล้ว)"
    assert len(rows) == 3  # the handed-over conversation's two turns
    # The intent by its Thai label (bot/intent_labels_th.yml), then its raw name.
    assert rows[0][5:7] == ["เจตนา", "เจตนา (ชื่อในระบบ)"]
    assert rows[2][5:7] == ["บอทไม่เข้าใจ", "nlu_fallback"] and rows[2][-1] == dashboard_world.MASKED
    assert rows[1][9] == "svc_dopa" and rows[1][10] == "เอกสาร"
    assert_private(body.decode("utf-8-sig"))


async def test_the_page_embeds_no_clear_text(client: TestClient, tmp_path: Path) -> None:
    await signed_in(client, "admin1")
    for query in ("", "&channel=line", "&agency=dopa"):
        html = await (await client.get("/staff/stats?" + NOV + query)).text()
        assert "stats-data" in html
        assert_private(html)


def test_daily_rows_per_channel_are_what_stats_gives_per_channel(db: tuple[str, Engine]) -> None:
    """The page reads the daily rollup once for every channel; each channel's days must equal what
    stats() answers for that channel alone (the JSON API's figures)."""
    start, end = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
    for agency in (None, "dopa"):
        with Session(db[1]) as session:
            rows = daily_by_channel(session, Filters(start, end, None, agency, None))
            for channel in ("line", "sms", "web"):
                expected = measures.stats(session, measures.StatsQuery(start, end, channel, agency))["by_day"]
                assert [
                    {k: v for k, v in r.items() if k != "channel"} for r in rows if r["channel"] == channel
                ] == (expected)
