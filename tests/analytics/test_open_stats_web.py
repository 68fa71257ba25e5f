"""Open statistics served under /open-data/ (analytics/open_stats_web.py) from a month of real
ingested traffic, with no sign-in: monthly rows per channel and agency with counts under 10 null
(JSON) or empty (CSV, UTF-8 with BOM), a schema every row satisfies (checked with jsonschema), no
free text, a CKAN package_show description whose resources resolve, the DCAT catalogue listing both
datasets, and ETag / Last-Modified revalidation like the services files."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import jsonschema
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import Engine, select

from analytics import open_stats_web
from analytics.consumer import Consumer
from analytics.measures import REPLY_COUNTS
from db.engine import make_engine
from handover.models import Handover, HandoverEvent, HandoverMessage
from knowledge.open_data import OpenDataSettings, create_app
from tests.analytics import dashboard_world
from tests.analytics.measures_scenario import bkk
from tests.databases import throwaway_database

FILES = ["chatbot-stats.json", "chatbot-stats.csv", "ckan/chatbot-stats.json", "catalog.json"]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Engine]]:
    with throwaway_database(request.param, tmp_path_factory.mktemp("open-stats")) as url:
        engine = make_engine(url)
        consumer = dashboard_world.build(engine)
        _more_deliveries(consumer)
        yield url, engine
        engine.dispose()


def _more_deliveries(consumer: Consumer) -> None:
    """On the world's LINE handover (dopa, 3 Nov), 11 more staff replies and 12 handover notices
    delivered and one notice failed, with the events handover/delivery.py writes: line/dopa then has
    12 staff replies and 12 notices delivered (published) and 1 notice failed (suppressed)."""
    at = bkk(3, 9, 10)
    with consumer.sessions.begin() as session:
        handover = session.scalars(select(Handover)).one()
        for author, outcome, n in (
            ("staff", "delivered", 11),
            ("system", "delivered", 12),
            ("system", "failed", 1),
        ):
            for _ in range(n):
                line = HandoverMessage(
                    handover_id=handover.id,
                    author=author,
                    text="ได้ค่ะ",
                    delivery_state="sent" if outcome == "delivered" else "failed",
                )
                session.add(line)
                session.flush()
                session.add(
                    HandoverEvent(
                        handover_id=handover.id,
                        kind="reply_" + outcome,
                        at=at,
                        detail={"message_id": line.id, "author": author},
                    )
                )
    consumer.catch_up()


@pytest.fixture
async def client(aiohttp_client, db: tuple[str, Engine]) -> TestClient:  # type: ignore[no-untyped-def]
    root = web.Application()
    settings = OpenDataSettings(database_url=db[0], publisher_name="สำนักงานทดสอบ")
    root.add_subapp("/open-data/", create_app(settings, engine=db[1]))
    return await aiohttp_client(root)


def cell(rows: list[dict], channel: str, agency: str | None) -> dict:
    (row,) = [
        r for r in rows if r["month"] == "2026-11" and r["channel"] == channel and r["agency"] == agency
    ]
    return row


async def test_json_rows_with_small_counts_suppressed(client: TestClient) -> None:
    response = await client.get("/open-data/chatbot-stats.json")  # no cookie, no token
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    doc = await response.json()
    rows = doc["rows"]
    line_dopa = cell(rows, "line", "dopa")
    assert line_dopa["conversations"] == 14
    assert line_dopa["agency_name"] == "กรมการปกครอง"
    assert line_dopa["complete"] is True
    assert line_dopa["handovers"] is None  # 1 handover
    assert line_dopa["handover_rate"] is None and line_dopa["wait_median_seconds"] is None
    assert line_dopa["containment_rate"] is None  # 13 of 14: says 1 was not contained
    assert cell(rows, "line", "sso")["conversations"] is None  # 3 conversations
    sms = cell(rows, "sms", None)
    assert sms["conversations"] == 11 and sms["agency"] is None and sms["agency_name"] is None
    web_sso = cell(rows, "web", "sso")
    assert web_sso["conversations"] == 12 and web_sso["citizen_messages"] == 12
    assert web_sso["messages"] == 24
    assert web_sso["understood_rate"] is None  # 12 of 12: the rest (0) is under 10
    # Handover lines to citizens (what /staff/stats shows per channel): 12 staff replies and 12
    # notices delivered on LINE for dopa; 1 notice failed and every other cell's 0 are null.
    assert (line_dopa["staff_replies_delivered"], line_dopa["staff_replies_failed"]) == (12, None)
    assert (line_dopa["handover_notices_delivered"], line_dopa["handover_notices_failed"]) == (12, None)
    assert web_sso["staff_replies_delivered"] is None and sms["handover_notices_delivered"] is None
    for row in rows:
        for name, value in row.items():
            if isinstance(value, int) and not isinstance(value, bool):
                assert value >= 10, (name, row)


async def test_every_row_satisfies_the_published_schema(client: TestClient) -> None:
    doc = await (await client.get("/open-data/chatbot-stats.json")).json()
    types = {"integer": ["integer", "null"], "number": ["number", "null"], "string": ["string", "null"]}
    types["boolean"] = ["boolean"]
    schema = {
        "type": "object",
        "required": ["name", "title", "suppression", "schema", "rows", "count"],
        "properties": {
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": [f["name"] for f in doc["schema"]["fields"]],
                    "properties": {f["name"]: {"type": types[f["type"]]} for f in doc["schema"]["fields"]},
                },
            }
        },
    }
    jsonschema.validate(doc, schema)
    assert doc["count"] == len(doc["rows"]) > 0
    assert doc["suppression"]["threshold"] == 10


async def test_no_free_text_or_identifiers(client: TestClient) -> None:
    for path in FILES:
        body = (await (await client.get("/open-data/" + path)).read()).decode("utf-8-sig")
        for clear in (*dashboard_world.CLEAR_TEXTS, dashboard_world.MASKED):
            assert clear not in body, path
        for sender in dashboard_world.SENDERS:
            assert sender.split(":", 1)[1] not in body, path


async def test_csv_has_a_bom_and_empty_cells_for_suppressed_counts(client: TestClient) -> None:
    response = await client.get("/open-data/chatbot-stats.csv")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = await response.read()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    json_rows = (await (await client.get("/open-data/chatbot-stats.json")).json())["rows"]
    assert len(rows) == len(json_rows)
    line_dopa = next(r for r in rows if r["channel"] == "line" and r["agency"] == "dopa")
    assert line_dopa["conversations"] == "14" and line_dopa["handovers"] == ""
    assert line_dopa["agency_name"] == "กรมการปกครอง"
    assert line_dopa["staff_replies_delivered"] == "12" and line_dopa["handover_notices_failed"] == ""
    assert list(rows[0])[-4:] == list(REPLY_COUNTS)


async def test_ckan_description_and_its_resources(client: TestClient) -> None:
    response = await client.get("/open-data/ckan/chatbot-stats.json")
    assert response.status == 200
    doc = await response.json()
    assert doc["success"] is True
    package = doc["result"]
    for name in ("name", "title", "notes", "license_id", "resources", "tags", "metadata_modified"):
        assert package[name], name
    assert package["name"] == "chatbot-stats" and package["license_id"] == "cc-by"
    csv_resource = next(r for r in package["resources"] if r["format"] == "CSV")
    assert all(name in csv_resource["description"] for name in REPLY_COUNTS)
    for resource in package["resources"]:
        assert resource["url"].startswith("/open-data/")
        fetched = await client.get(resource["url"])
        assert fetched.status == 200
        assert fetched.headers["Content-Type"].startswith(resource["mimetype"])
        assert resource["format"] in ("CSV", "JSON")


async def test_dcat_catalogue_lists_both_datasets(client: TestClient) -> None:
    response = await client.get("/open-data/catalog.json")
    assert response.headers["Content-Type"] == "application/ld+json; charset=utf-8"
    catalog = await response.json(content_type=None)
    assert catalog["@type"] == "dcat:Catalog"
    services, stats = catalog["dcat:dataset"]
    assert services["@id"] == "/open-data/dataset.json"
    assert (await client.get(services["@id"])).status == 200
    urls = {d["dcat:mediaType"]: d["dcat:downloadURL"]["@id"] for d in stats["dcat:distribution"]}
    assert urls == {
        "application/json": "/open-data/chatbot-stats.json",
        "text/csv": "/open-data/chatbot-stats.csv",
    }
    assert stats["dct:publisher"]["foaf:name"] == "สำนักงานทดสอบ"


@pytest.mark.parametrize("path", FILES)
async def test_etag_and_last_modified_revalidate(client: TestClient, path: str) -> None:
    first = await client.get("/open-data/" + path, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in first.headers
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    plain = {"Accept-Encoding": "identity"}
    assert (await client.get("/open-data/" + path, headers={**plain, "If-None-Match": etag})).status == 304
    assert (await client.get("/open-data/" + path, headers={"If-Modified-Since": modified})).status == 304
    assert (await client.get("/open-data/" + path, headers={"If-None-Match": '"stale"'})).status == 200
    zipped = await client.get("/open-data/" + path, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.headers["ETag"] != etag
    assert await zipped.read() == await first.read()  # the client inflates it to the same bytes


async def test_figures_are_recomputed_but_unchanged_figures_keep_their_etag(client: TestClient) -> None:
    first = await client.get("/open-data/chatbot-stats.json")
    cache = client.app._subapps[0][open_stats_web.CACHE]  # type: ignore[attr-defined]
    cache._refresh_s = 0.0  # every request looks again
    again = await client.get("/open-data/chatbot-stats.json")
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert json.loads(await again.read()) == json.loads(await first.read())
