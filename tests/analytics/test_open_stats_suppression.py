"""Open statistics, the publishing rules (analytics/open_stats.py, pure functions): counts under 10
are null, rates and averages derived from (or implying) such a count are null, only allow-listed
fields leave, the CSV is UTF-8 with BOM and empty cells for suppressed values, and the CKAN and DCAT
descriptions carry the fields a CKAN portal (data.go.th) and a DCAT harvester need."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from analytics import open_stats
from analytics.measures import REPLY_COUNTS
from analytics.open_stats import THRESHOLD, Publication

ROW = {
    "month": "2026-11",
    "channel": "line",
    "agency": "dopa",
    "agency_name": "กรมการปกครอง",
    "complete": True,
    "conversations": 120,
    "messages": 530,
    "citizen_messages": 260,
    "citizens_new": 80,
    "citizens_returning": 40,
    "handovers": 9,  # under 10: suppressed
    "complaints": 0,  # zero is a count under 10 too
    "containment_rate": 0.75,  # 90 of 120 contained, 30 not: both >= 10, published
    "handover_rate": 0.075,  # 9 of 120: implies a suppressed count
    "fallback_rate": 0.02,  # 5.2 of 260: implies a count under 10
    "understood_rate": 0.9,  # 234 of 260, 26 not: published
    "wait_median_seconds": 95.0,  # behind 9 handovers: suppressed
    "staff_replies_delivered": 48,
    "staff_replies_failed": 3,  # under 10: suppressed
    "handover_notices_delivered": 61,
    "handover_notices_failed": 0,
    "free_text": "เลขบัตร 1101700230708",  # not allow-listed: never published
}
PUBLICATION = Publication(
    publisher_name="สำนักงานทดสอบ",
    publisher_url="https://example.go.th",
    licence_url="https://creativecommons.org/licenses/by/4.0/",
    base="https://bot.example.go.th/open-data/",
)


def published() -> dict[str, object]:
    fields = open_stats.published_fields([ROW])
    return open_stats.suppress(ROW, fields)


def test_counts_under_ten_including_zero_are_null_and_the_rest_kept() -> None:
    row = published()
    assert row["conversations"] == 120 and row["messages"] == 530 and row["citizens_new"] == 80
    assert row["handovers"] is None
    assert row["complaints"] is None


def test_rates_whose_base_or_implied_count_is_small_are_null() -> None:
    row = published()
    assert row["containment_rate"] == 0.75
    assert row["understood_rate"] == 0.9
    assert row["handover_rate"] is None  # 9 handovers of 120
    assert row["fallback_rate"] is None  # ~5 fallbacks of 260
    assert row["wait_median_seconds"] is None  # from 9 handovers
    small = open_stats.suppress({**ROW, "conversations": 9, "containment_rate": 0.5}, open_stats.FIELDS)
    assert small["conversations"] is None and small["containment_rate"] is None
    # the rest of the base is a count too: 98 % of 100 says 2 conversations were not contained
    nearly_all = open_stats.suppress(
        {**ROW, "conversations": 100, "containment_rate": 0.98}, open_stats.FIELDS
    )
    assert nearly_all["containment_rate"] is None


@pytest.mark.parametrize("value", [True, "12", None, [], {"n": 12}])
def test_a_count_that_is_not_a_number_is_null(value: object) -> None:
    assert open_stats.suppress({**ROW, "conversations": value}, open_stats.FIELDS)["conversations"] is None


def test_only_allow_listed_fields_are_published() -> None:
    row = published()
    assert "free_text" not in row
    assert set(row) <= {f.name for f in open_stats.FIELDS}
    assert "1101700230708" not in json.dumps(row, ensure_ascii=False)


def test_reply_deliveries_are_counts_with_the_same_rule() -> None:
    """Staff replies and handover notices delivered / failed (what the staff page shows per channel)
    are published as counts: under 10, zero included, null."""
    row = published()
    assert (row["staff_replies_delivered"], row["staff_replies_failed"]) == (48, None)
    assert (row["handover_notices_delivered"], row["handover_notices_failed"]) == (61, None)
    assert all(open_stats.FIELD_BY_NAME[name].kind == "count" for name in REPLY_COUNTS)
    assert [f.name for f in open_stats.FIELDS][-4:] == list(REPLY_COUNTS)  # after the older columns


def test_threshold_is_ten() -> None:
    assert THRESHOLD == 10
    at = open_stats.suppress({**ROW, "conversations": 10, "handovers": 10}, open_stats.FIELDS)
    assert at["conversations"] == 10 and at["handovers"] == 10


def test_csv_is_utf8_with_bom_and_suppressed_cells_are_empty() -> None:
    fields = open_stats.published_fields([ROW])
    body = open_stats.stats_csv([published()], fields)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0]["agency_name"] == "กรมการปกครอง"  # Thai read back as written
    assert rows[0]["conversations"] == "120"
    assert rows[0]["handovers"] == "" and rows[0]["handover_rate"] == ""
    assert rows[0]["staff_replies_delivered"] == "48" and rows[0]["staff_replies_failed"] == ""
    assert list(rows[0]) == [f.name for f in fields]


def test_json_document_has_a_schema_for_every_column_and_the_rule() -> None:
    fields = open_stats.published_fields([ROW])
    document = open_stats.stats_document(
        [published()], fields, modified=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    )
    doc = json.loads(open_stats.stats_json(document))
    assert doc["suppression"]["threshold"] == 10
    names = [f["name"] for f in doc["schema"]["fields"]]
    assert names == list(doc["rows"][0])
    types = {f["name"]: f["type"] for f in doc["schema"]["fields"]}
    assert types["conversations"] == "integer" and types["containment_rate"] == "number"
    assert all(types[name] == "integer" for name in REPLY_COUNTS)
    assert all(f["title_th"] and f["title_en"] for f in doc["schema"]["fields"])
    assert doc["rows"][0]["handovers"] is None


def test_ckan_package_show_shape() -> None:
    fields = open_stats.published_fields([ROW])
    when = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
    doc = open_stats.ckan_package(PUBLICATION, fields, modified=when, created=when)
    assert doc["success"] is True
    package = doc["result"]
    assert package["name"] == "chatbot-stats"
    assert package["title"] and package["notes"]
    assert package["license_id"] == "cc-by"
    assert package["metadata_modified"] == "2026-12-01T03:00:00"  # CKAN's naive UTC timestamps
    formats = {r["format"]: r for r in package["resources"]}
    assert formats["CSV"]["url"] == "https://bot.example.go.th/open-data/chatbot-stats.csv"
    assert formats["CSV"]["mimetype"] == "text/csv"
    assert formats["JSON"]["url"] == "https://bot.example.go.th/open-data/chatbot-stats.json"
    assert formats["JSON"]["mimetype"] == "application/json"
    assert package["num_resources"] == len(package["resources"]) == 2
    assert all(t["name"] for t in package["tags"])
    columns = formats["CSV"]["description"]
    assert all(name in columns for name in REPLY_COUNTS)  # the CSV's columns, the new ones too
    assert "handover notices" in package["notes"]


def test_dcat_catalog_lists_both_datasets() -> None:
    dataset = open_stats.dcat_dataset(PUBLICATION, dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    catalog = open_stats.dcat_catalog(PUBLICATION, PUBLICATION.base + "dataset.json", dataset)
    assert catalog["@type"] == "dcat:Catalog"
    english = next(d["@value"] for d in dataset["dct:description"] if d["@language"] == "en")
    assert "staff replies and handover notices delivered" in english
    ids = [d.get("dct:identifier") for d in catalog["dcat:dataset"]]
    assert ids == ["public-services", "chatbot-stats"]
    media = {d["dcat:mediaType"]: d["dcat:downloadURL"]["@id"] for d in dataset["dcat:distribution"]}
    assert media == {
        "application/json": "https://bot.example.go.th/open-data/chatbot-stats.json",
        "text/csv": "https://bot.example.go.th/open-data/chatbot-stats.csv",
    }
