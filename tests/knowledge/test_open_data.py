"""Open data: only published records, only public fields, JSON + CSV (BOM, Thai intact) + a DCAT
description, and HTTP caching that revalidates cheaply and changes the moment something is published.

The first test runs on SQLite and on the real PostgreSQL; the rest on SQLite.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

import pytest
from aiohttp import web
from sqlalchemy import Engine

from db.engine import make_engine, make_sessionmaker
from knowledge.open_data import (
    CSV_COLUMNS,
    PUBLIC_FIELDS,
    OpenDataSettings,
    create_app,
    csv_row,
    services_csv,
)
from knowledge.record import Fee, ServiceRecord
from knowledge.seedfile import load_dir
from knowledge.store import KnowledgeStore
from tests.databases import throwaway_database
from tests.staff.staff_helpers import reset

STAFF_ONLY_MARKERS = ("editor_somsri", "ข้อความร่างลับ", "บันทึกภายใน", "updated_by", "change_note", "created_by")


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database("sqlite", tmp_path_factory.mktemp("open-data")) as url:
        yield url


@pytest.fixture(scope="module")
def postgres_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database("postgresql", tmp_path_factory.mktemp("open-data-pg")) as url:
        yield url


@pytest.fixture
def od_url(sqlite_db: str) -> str:
    return sqlite_db


@pytest.fixture
def od_engine(od_url: str) -> Iterator[Engine]:
    engine = make_engine(od_url)
    reset(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(od_engine: Engine) -> KnowledgeStore:
    return KnowledgeStore(make_sessionmaker(od_engine))


@pytest.fixture
async def od_client(aiohttp_client, od_url: str, od_engine: Engine):  # type: ignore[no-untyped-def]
    root = web.Application()
    root.add_subapp(
        "/open-data/",
        create_app(OpenDataSettings(database_url=od_url, publisher_name="สำนักงานทดสอบ"), engine=od_engine),
    )
    return await aiohttp_client(root)


def seeds() -> dict[str, ServiceRecord]:
    return {r.id: r for r in load_dir()}


def publish(store: KnowledgeStore, record: ServiceRecord, author: str = "editor_somsri") -> None:
    store.save_draft(record, author=author, note="บันทึกภายใน: โทรถามเขตแล้ว")
    store.publish(record.id, author="reviewer_k")


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def test_only_published_content_and_only_public_fields(aiohttp_client, backend, request):
    url = request.getfixturevalue("sqlite_db" if backend == "sqlite" else "postgres_db")
    engine = make_engine(url)
    try:
        reset(engine)
        store = KnowledgeStore(make_sessionmaker(engine))
        root = web.Application()
        root.add_subapp("/open-data/", create_app(OpenDataSettings(database_url=url), engine=engine))
        client = await aiohttp_client(root)
        data = seeds()
        publish(store, data["id_card_new"])
        publish(store, data["passport_new"])
        # a published record with a newer draft: the draft's text must not leak
        store.save_draft(
            dataclasses.replace(data["passport_new"], description="ข้อความร่างลับ"),
            author="editor_somsri",
            note="x",
        )
        # a record that was never published
        store.save_draft(
            dataclasses.replace(data["vehicle_tax"], title_th="ข้อความร่างลับ"), author="editor_somsri"
        )

        response = await client.get("/open-data/services.json")
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        raw = await response.text()
        body = json.loads(raw)
        assert [s["id"] for s in body["services"]] == ["id_card_new", "passport_new"]
        assert body["count"] == 2
        for service in body["services"]:
            assert tuple(service) == PUBLIC_FIELDS
        assert body["services"][1]["description"] == data["passport_new"].description
        assert body["services"][0]["title_th"] == "ทำบัตรประจำตัวประชาชนครั้งแรก"  # Thai, not \\u escapes
        csv_text = (await (await client.get("/open-data/services.csv")).read()).decode("utf-8-sig")
        for marker in STAFF_ONLY_MARKERS:
            assert marker not in raw, marker
            assert marker not in csv_text, marker
        assert '"status"' not in raw

        # unpublish: gone from both
        store.unpublish("id_card_new", author="reviewer_k")
        after = await (await client.get("/open-data/services.json")).json()
        assert [s["id"] for s in after["services"]] == ["passport_new"]
        rows = list(
            csv.DictReader(
                io.StringIO((await (await client.get("/open-data/services.csv")).read()).decode("utf-8-sig"))
            )
        )
        assert [r["id"] for r in rows] == ["passport_new"]
    finally:
        engine.dispose()


async def test_csv_has_a_bom_one_row_per_service_and_thai_reads_back(od_client, store):
    data = seeds()
    for sid in ("id_card_new", "birth_registration", "elderly_allowance"):
        publish(store, data[sid])
    response = await od_client.get("/open-data/services.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    raw = await response.read()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 4
    by_id = {row[0]: dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]}
    record = data["id_card_new"]
    row = by_id["id_card_new"]
    assert row["title_th"] == record.title_th
    assert row["documents"] == " | ".join(record.documents)
    assert row["fees"] == " | ".join(f.display_th() for f in record.fees)
    assert "(รอหน่วยงานยืนยัน)" in row["fees"]  # unconfirmed figures stay marked
    assert row["offices"].split(" | ") == list(record.where_to_apply.offices)
    assert row["faqs"].startswith("ถาม: " + record.faqs[0].question + " ตอบ: ")
    assert row["last_reviewed"] == record.last_reviewed.isoformat()
    assert row["version"] == "1"


def test_csv_cells_cannot_become_spreadsheet_formulas():
    record = ServiceRecord(
        id="formula_case",
        title_th='=HYPERLINK("http://evil","คลิก")',
        agency="+cmd|' /C calc'!A0",
        fees=(Fee(label="@SUM(1+1)", amount="-2+3"),),
        description="ปกติ = ไม่ใช่สูตร",
    )
    row = dict(zip(CSV_COLUMNS, csv_row(record), strict=True))
    assert row["title_th"].startswith("'=")
    assert row["agency"].startswith("'+")
    assert row["fees"].startswith("'@")
    assert row["description"] == "ปกติ = ไม่ใช่สูตร"
    text = services_csv([record]).decode("utf-8-sig")
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


async def test_dataset_description_is_dcat_json_ld(od_client, store):
    data = seeds()
    publish(store, data["id_card_new"])
    publish(store, dataclasses.replace(data["passport_new"], last_reviewed=dt.date(2030, 1, 2)))
    response = await od_client.get("/open-data/dataset.json")
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/ld+json; charset=utf-8"
    doc = await response.json(content_type=None)
    assert doc["@type"] == "dcat:Dataset"
    assert doc["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert doc["@context"]["dct"] == "http://purl.org/dc/terms/"
    assert {t["@language"] for t in doc["dct:title"]} == {"th", "en"}
    assert doc["dct:description"]
    assert doc["dct:publisher"]["foaf:name"] == "สำนักงานทดสอบ"
    assert doc["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
    # modified = the newest of the last publish time and the last_reviewed dates (here a date ahead)
    assert doc["dct:modified"] == {"@value": "2030-01-02T00:00:00+00:00", "@type": "xsd:dateTime"}
    media = {d["dcat:mediaType"]: d["dcat:downloadURL"]["@id"] for d in doc["dcat:distribution"]}
    assert media == {"application/json": "/open-data/services.json", "text/csv": "/open-data/services.csv"}
    for path in media.values():  # the distributions are real
        assert (await od_client.get(path)).status == 200
    assert doc["dct:extent"] == "2 services"


async def test_modified_is_the_last_publish_time_when_it_is_newest(od_client, store):
    publish(store, dataclasses.replace(seeds()["id_card_new"], last_reviewed=dt.date(2020, 1, 1)))
    doc = await (await od_client.get("/open-data/dataset.json")).json(content_type=None)
    modified = dt.datetime.fromisoformat(doc["dct:modified"]["@value"])
    assert abs(modified - store.revision().changed_at) < dt.timedelta(seconds=1)


async def test_absolute_urls_when_a_public_base_url_is_configured(aiohttp_client, od_url, od_engine):
    settings = OpenDataSettings.from_env(
        {"DATABASE_URL": od_url, "OPEN_DATA_BASE_URL": "https://bot.example.go.th/open-data"}
    )
    root = web.Application()
    root.add_subapp("/open-data/", create_app(settings, engine=od_engine))
    client = await aiohttp_client(root)
    doc = await (await client.get("/open-data/dataset.json", headers={"Host": "evil.example"})).json(
        content_type=None
    )
    assert doc["@id"] == "https://bot.example.go.th/open-data/dataset.json"
    urls = {d["dcat:downloadURL"]["@id"] for d in doc["dcat:distribution"]}
    assert urls == {
        "https://bot.example.go.th/open-data/services.json",
        "https://bot.example.go.th/open-data/services.csv",
    }


def test_settings_reject_bad_values():
    with pytest.raises(ValueError, match="OPEN_DATA_BASE_URL"):
        OpenDataSettings.from_env({"OPEN_DATA_BASE_URL": "bot.example.go.th"})
    with pytest.raises(ValueError, match="OPEN_DATA_MAX_AGE_S"):
        OpenDataSettings.from_env({"OPEN_DATA_MAX_AGE_S": "๑๐"})


@pytest.mark.parametrize(
    "path", ["/open-data/services.json", "/open-data/services.csv", "/open-data/dataset.json"]
)
async def test_etag_and_last_modified_revalidate_and_change_on_publish(od_client, store, path):
    data = seeds()
    publish(store, data["id_card_new"])
    first = await od_client.get(path)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert parsedate_to_datetime(last_modified) <= dt.datetime.now(dt.UTC)

    same = await od_client.get(path, headers={"If-None-Match": etag})
    assert same.status == 304 and await same.read() == b""
    assert same.headers["ETag"] == etag
    assert (await od_client.get(path, headers={"If-None-Match": f'"other", W/{etag}'})).status == 304
    assert (await od_client.get(path, headers={"If-Modified-Since": last_modified})).status == 304
    assert (await od_client.get(path, headers={"If-Modified-Since": "not a date"})).status == 200
    assert (
        await od_client.get(path, headers={"If-None-Match": '"stale"', "If-Modified-Since": last_modified})
    ).status == 200

    publish(store, data["passport_new"])  # what the console does in another process
    changed = await od_client.get(path, headers={"If-None-Match": etag})
    assert changed.status == 200
    assert changed.headers["ETag"] != etag


async def test_head_and_an_empty_dataset(od_client):
    head = await od_client.head("/open-data/services.csv")
    assert head.status == 200 and "Last-Modified" not in head.headers  # nothing was ever published
    body = await (await od_client.get("/open-data/services.json")).json()
    assert body == {"modified": None, "count": 0, "services": []}
    rows = list(
        csv.reader(
            io.StringIO((await (await od_client.get("/open-data/services.csv")).read()).decode("utf-8-sig"))
        )
    )
    assert rows == [list(CSV_COLUMNS)]
    doc = await (await od_client.get("/open-data/dataset.json")).json(content_type=None)
    assert "dct:modified" not in doc


async def test_all_seed_services_published_stable_ids(od_client, store):
    data = seeds()
    store.import_records(list(data.values()), author="importer", publish=True)
    body = await (await od_client.get("/open-data/services.json")).json()
    assert [s["id"] for s in body["services"]] == sorted(data)
    for service in body["services"]:
        assert (
            ServiceRecord.from_dict({k: v for k, v in service.items()}).content_dict()
            == data[service["id"]].content_dict()
        )


async def test_gzip_is_served_precompressed_with_its_own_etag(od_client, store):
    store.import_records(list(seeds().values()), author="importer", publish=True)
    plain = await od_client.get("/open-data/services.json", headers={"Accept-Encoding": "identity"})
    packed = await od_client.get(
        "/open-data/services.json", headers={"Accept-Encoding": "br;q=1, gzip;q=0.8"}
    )
    refused = await od_client.get("/open-data/services.json", headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in plain.headers and "Content-Encoding" not in refused.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert int(packed.headers["Content-Length"]) * 3 < int(plain.headers["Content-Length"])
    assert await packed.read() == await plain.read()  # the client unpacks it to the same bytes
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert packed.headers["Vary"] == "Accept-Encoding"
    again = await od_client.get(
        "/open-data/services.json",
        headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]},
    )
    assert again.status == 304
