"""Open statistics of the chatbot for the public: monthly figures per channel and agency, with small
counts suppressed, as JSON, CSV (UTF-8 with BOM), a DCAT dataset and a CKAN package description.

The rows come from analytics.measures.monthly(); this module decides what of them is published
(pure functions, no I/O): an allow-list of numeric fields (`FIELDS`) — never free text, never an id
other than the channel and the agency id of knowledge/agencies.yml — and suppression:

- every count under `THRESHOLD` (10), zero included, is published as null (an empty CSV cell);
- a rate is published only if the count it is a share of (its base, `RATE_BASES`) is published and
  the counts it implies (rate x base, and the rest of the base) are both at least `THRESHOLD`:
  a 98 % containment of 100 conversations would otherwise say that 2 were not contained;
- a figure of a distribution (waits, satisfaction) is published only if the number of observations
  behind it is at least `THRESHOLD`.

The serving side (caching, ETag, routes) is analytics/open_stats_web.py.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from analytics.csv_export import csv_bytes

THRESHOLD = 10
NAME = "chatbot-stats"  # the CKAN package name and the files' stem
CKAN_LICENCES = {"https://creativecommons.org/licenses/by/4.0/": ("cc-by", "Creative Commons Attribution")}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "key" (month/channel/agency), "count", "rate" (0-1) or "measure" (seconds, a mean…)
    title_th: str
    title_en: str
    base: str | None = None  # rate: the count it is a share of; measure: the count of observations


# The published columns, in order. A field monthly() does not return is left out (the schema lists
# only what is there); anything monthly() returns that is not here is never published.
FIELDS: tuple[Field, ...] = (
    Field("month", "key", "เดือน (YYYY-MM ตามเวลาประเทศไทย)", "Month (YYYY-MM, Asia/Bangkok)"),
    Field("channel", "key", "ช่องทาง (line, sms, web)", "Channel (line, sms, web)"),
    Field("agency", "key", "รหัสหน่วยงาน (ว่าง = ไม่ระบุหน่วยงาน)", "Agency id (empty: no agency)"),
    Field("agency_name", "key", "ชื่อหน่วยงาน", "Agency name (Thai)"),
    Field("complete", "key", "เดือนครบแล้วหรือไม่", "Whether the month has ended"),
    Field("conversations", "count", "จำนวนการสนทนา", "Conversations"),
    Field("messages", "count", "จำนวนข้อความ (ประชาชนและบอท)", "Messages (citizens' and the bot's)"),
    Field("citizen_messages", "count", "จำนวนข้อความจากประชาชน", "Messages from citizens"),
    Field("citizens_new", "count", "ประชาชนผู้ใช้ครั้งแรก", "New citizens"),
    Field("citizens_returning", "count", "ประชาชนผู้กลับมาใช้", "Returning citizens"),
    Field("handovers", "count", "จำนวนครั้งที่ส่งต่อเจ้าหน้าที่", "Handovers to staff"),
    Field("complaints", "count", "จำนวนเรื่องร้องเรียน", "Complaints filed"),
    Field(
        "containment_rate",
        "rate",
        "สัดส่วนที่บอทจบเรื่องได้เอง",
        "Containment rate (no handover, no return within 24 h)",
        "conversations",
    ),
    Field("handover_rate", "rate", "สัดส่วนที่ส่งต่อเจ้าหน้าที่", "Handover rate", "conversations"),
    Field("fallback_rate", "rate", "สัดส่วนข้อความที่บอทไม่เข้าใจ", "Fallback rate", "citizen_messages"),
    Field("understood_rate", "rate", "สัดส่วนข้อความที่บอทเข้าใจ", "Understood rate", "citizen_messages"),
    Field("wait_median_seconds", "measure", "เวลารอเจ้าหน้าที่ (มัธยฐาน วินาที)", "Wait, median (s)", "handovers"),
    Field("wait_p90_seconds", "measure", "เวลารอเจ้าหน้าที่ (เปอร์เซ็นไทล์ 90 วินาที)", "Wait, p90 (s)", "handovers"),
    Field("satisfaction_bot_count", "count", "จำนวนผู้ประเมินบอท", "Bot ratings"),
    Field(
        "satisfaction_bot_rate",
        "rate",
        "สัดส่วนความพึงพอใจต่อบอท",
        "Bot satisfaction (share positive)",
        "satisfaction_bot_count",
    ),
    Field("satisfaction_staff_count", "count", "จำนวนผู้ประเมินเจ้าหน้าที่", "Staff ratings"),
    Field(
        "satisfaction_staff_mean",
        "measure",
        "คะแนนความพึงพอใจต่อเจ้าหน้าที่ (เฉลี่ย 1-5)",
        "Staff satisfaction, mean of 1-5",
        "satisfaction_staff_count",
    ),
    # Handover lines sent to the citizen that settled in the month (analytics_replies): a staff reply,
    # or a notice of the handover (queue position, rating question…), delivered or failed (refused,
    # given up after the retries, or the citizen's contact erased). Last, so existing columns keep
    # their place in the CSV.
    Field(
        "staff_replies_delivered",
        "count",
        "ข้อความตอบของเจ้าหน้าที่ที่ส่งถึงประชาชน",
        "Staff replies delivered to citizens",
    ),
    Field(
        "staff_replies_failed",
        "count",
        "ข้อความตอบของเจ้าหน้าที่ที่ส่งไม่สำเร็จ",
        "Staff replies that could not be delivered",
    ),
    Field(
        "handover_notices_delivered",
        "count",
        "ข้อความแจ้งระหว่างส่งต่อเจ้าหน้าที่ (ลำดับคิว คำขอให้คะแนน) ที่ส่งถึงประชาชน",
        "Handover notices (queue position, rating question) delivered to citizens",
    ),
    Field(
        "handover_notices_failed",
        "count",
        "ข้อความแจ้งระหว่างส่งต่อเจ้าหน้าที่ที่ส่งไม่สำเร็จ",
        "Handover notices that could not be delivered",
    ),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
RATE_BASES = {f.name: f.base for f in FIELDS if f.kind == "rate"}
JSON_TYPES = {"key": "string", "count": "integer", "rate": "number", "measure": "number"}


def published_fields(rows: Iterable[Mapping[str, Any]]) -> list[Field]:
    """The allow-listed fields present in monthly()'s rows (keys always)."""
    present: set[str] = set()
    for row in rows:
        present.update(row)
    present |= {"month", "channel", "agency", "agency_name", "complete"}
    return [f for f in FIELDS if f.name in present]


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value)


def suppress(row: Mapping[str, Any], fields: Iterable[Field]) -> dict[str, Any]:
    """One published row: keys as they are, counts under THRESHOLD as None, rates and measures whose
    base is suppressed (or that would imply a small count) as None."""
    counts: dict[str, int | None] = {}
    for f in FIELD_BY_NAME.values():
        if f.kind == "count":
            counts[f.name] = _count(row.get(f.name))
    out: dict[str, Any] = {}
    for f in fields:
        value = row.get(f.name)
        if f.kind == "key":
            out[f.name] = value if isinstance(value, (str, bool)) or value is None else str(value)
        elif f.kind == "count":
            number = counts[f.name]
            out[f.name] = number if number is not None and number >= THRESHOLD else None
        elif f.kind == "rate":
            out[f.name] = _rate(value, counts.get(f.base or ""))
        else:
            base = counts.get(f.base or "")
            number_value = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
            ok = number_value is not None and base is not None and base >= THRESHOLD
            out[f.name] = round(float(number_value), 3) if ok and number_value is not None else None
    return out


def _rate(value: Any, base: int | None) -> float | None:
    if base is None or base < THRESHOLD:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    share = float(value)
    part = round(share * base)
    if part < THRESHOLD or base - part < THRESHOLD:
        return None
    return round(share, 4)


@dataclass(frozen=True)
class Publication:
    """Who publishes, under which licence, at which address (from knowledge.open_data's settings)."""

    publisher_name: str
    publisher_url: str
    licence_url: str
    base: str  # the URL (or path) /open-data/ is served at, ending in "/"


def stats_document(
    rows: list[dict[str, Any]], fields: list[Field], *, modified: dt.datetime | None
) -> dict[str, Any]:
    """The JSON file: rows, the schema of their fields, the suppression rule. `modified` is when the
    figures last changed (no generation time: the same figures give the same bytes and ETag)."""
    return {
        "name": NAME,
        "title": "สถิติการใช้งานผู้ช่วยบริการประชาชน (รายเดือน)",
        "title_en": "Citizen-assistance chatbot usage statistics (monthly)",
        "modified": modified.isoformat(timespec="seconds") if modified else None,
        "suppression": {
            "threshold": THRESHOLD,
            "note_th": f"จำนวนที่น้อยกว่า {THRESHOLD} (รวมศูนย์) แสดงเป็นค่าว่าง (null) "
            "และสัดส่วนหรือค่าเฉลี่ยที่คำนวณจากจำนวนดังกล่าวก็แสดงเป็นค่าว่างด้วย",
            "note_en": f"Counts under {THRESHOLD} (zero included) are null; rates and averages derived "
            "from such a count, or implying one, are null too.",
        },
        "schema": {
            "fields": [
                {
                    "name": f.name,
                    "type": "boolean" if f.name == "complete" else JSON_TYPES[f.kind],
                    "title_th": f.title_th,
                    "title_en": f.title_en,
                    **({"base": f.base} if f.base else {}),
                }
                for f in fields
            ]
        },
        "count": len(rows),
        "rows": rows,
    }


def stats_json(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def stats_csv(rows: list[dict[str, Any]], fields: list[Field]) -> bytes:
    return csv_bytes([f.name for f in fields], ([row[f.name] for f in fields] for row in rows))


def _description_th() -> str:
    return (
        "จำนวนการสนทนา ข้อความ การส่งต่อเจ้าหน้าที่ เรื่องร้องเรียน สัดส่วนที่บอทตอบได้ "
        "และข้อความของเจ้าหน้าที่และข้อความแจ้งระหว่างส่งต่อที่ส่งถึงหรือส่งไม่ถึงประชาชน "
        "ของผู้ช่วยบริการประชาชน รายเดือน แยกตามช่องทาง (LINE, SMS, เว็บแชต) และหน่วยงาน "
        f"จำนวนที่น้อยกว่า {THRESHOLD} ไม่เผยแพร่ ไม่มีข้อความหรือข้อมูลส่วนบุคคลของประชาชน"
    )


def _description_en() -> str:
    return (
        "Monthly figures of the citizen-assistance chatbot per channel (LINE, SMS, web chat) and "
        "agency: conversations, messages, handovers to staff, complaints, containment, fallback and "
        "understood rates, waits, satisfaction, and staff replies and handover notices delivered to "
        f"citizens or failed. Counts under {THRESHOLD} and figures derived from "
        "them are suppressed (null / empty). No message text and no personal data."
    )


def dcat_dataset(publication: Publication, modified: dt.datetime | None) -> dict[str, Any]:
    publisher: dict[str, Any] = {"@type": "foaf:Organization", "foaf:name": publication.publisher_name}
    if publication.publisher_url:
        publisher["foaf:homepage"] = {"@id": publication.publisher_url}
    base, licence = publication.base, {"@id": publication.licence_url}
    dataset: dict[str, Any] = {
        "@id": base + "ckan/" + NAME + ".json",
        "@type": "dcat:Dataset",
        "dct:identifier": NAME,
        "dct:title": [
            {"@language": "th", "@value": "สถิติการใช้งานผู้ช่วยบริการประชาชน (รายเดือน)"},
            {"@language": "en", "@value": "Citizen-assistance chatbot usage statistics (monthly)"},
        ],
        "dct:description": [
            {"@language": "th", "@value": _description_th()},
            {"@language": "en", "@value": _description_en()},
        ],
        "dct:publisher": publisher,
        "dct:license": licence,
        "dct:accrualPeriodicity": {"@id": "http://purl.org/cld/freq/monthly"},
        "dcat:keyword": ["สถิติ", "แชตบอต", "บริการภาครัฐ", "chatbot", "statistics"],
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:title": NAME + ".json",
                "dcat:downloadURL": {"@id": base + NAME + ".json"},
                "dcat:mediaType": "application/json",
                "dct:format": "JSON",
                "dct:license": licence,
            },
            {
                "@type": "dcat:Distribution",
                "dct:title": NAME + ".csv",
                "dcat:downloadURL": {"@id": base + NAME + ".csv"},
                "dcat:mediaType": "text/csv",
                "dct:format": "CSV (UTF-8 with BOM)",
                "dct:license": licence,
            },
        ],
    }
    if modified is not None:
        dataset["dct:modified"] = {"@value": modified.isoformat(), "@type": "xsd:dateTime"}
    return dataset


def dcat_catalog(
    publication: Publication, services_dataset: str, stats_dataset: dict[str, Any]
) -> dict[str, Any]:
    """The catalogue of everything under /open-data/: the services dataset (described in full at
    dataset.json, referenced here) and the statistics dataset."""
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": publication.base + "catalog.json",
        "@type": "dcat:Catalog",
        "dct:title": [
            {"@language": "th", "@value": "ข้อมูลเปิดของผู้ช่วยบริการประชาชน"},
            {"@language": "en", "@value": "Open data of the citizen-assistance chatbot"},
        ],
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": publication.publisher_name},
        "dct:license": {"@id": publication.licence_url},
        "dcat:dataset": [
            {"@id": services_dataset, "@type": "dcat:Dataset", "dct:identifier": "public-services"},
            stats_dataset,
        ],
    }


def ckan_package(
    publication: Publication,
    fields: list[Field],
    *,
    modified: dt.datetime | None,
    created: dt.datetime | None,
) -> dict[str, Any]:
    """What CKAN's package_show answers for this dataset (data.go.th runs CKAN), so a harvester or a
    person filling in data.go.th's form has every field: name, title, notes, license_id, tags and
    resources with url/format/mimetype."""
    licence_id, licence_title = CKAN_LICENCES.get(publication.licence_url, ("other-open", "Other (Open)"))
    stamp = modified.astimezone(dt.UTC).replace(tzinfo=None).isoformat() if modified else None
    base = publication.base
    package = {
        "name": NAME,
        "title": "สถิติการใช้งานผู้ช่วยบริการประชาชน (รายเดือน)",
        "notes": _description_th() + "\n\n" + _description_en(),
        "license_id": licence_id,
        "license_title": licence_title,
        "license_url": publication.licence_url,
        "author": publication.publisher_name,
        "maintainer": publication.publisher_name,
        "url": publication.publisher_url or "",
        "language": "th",
        "frequency": "monthly",
        "state": "active",
        "type": "dataset",
        "private": False,
        "metadata_created": created.astimezone(dt.UTC).replace(tzinfo=None).isoformat() if created else stamp,
        "metadata_modified": stamp,
        "tags": [{"name": t} for t in ("สถิติ", "แชตบอต", "บริการภาครัฐ", "chatbot", "statistics")],
        "extras": [
            {"key": "suppression_threshold", "value": str(THRESHOLD)},
            {"key": "dcat_catalog", "value": base + "catalog.json"},
        ],
        "resources": [
            {
                "name": NAME + ".csv",
                "description": "CSV (UTF-8 with BOM) คอลัมน์: " + ", ".join(f.name for f in fields),
                "url": base + NAME + ".csv",
                "format": "CSV",
                "mimetype": "text/csv",
                "last_modified": stamp,
            },
            {
                "name": NAME + ".json",
                "description": "JSON: rows และ schema ของแต่ละคอลัมน์",
                "url": base + NAME + ".json",
                "format": "JSON",
                "mimetype": "application/json",
                "last_modified": stamp,
            },
        ],
        "num_resources": 2,
    }
    return {"help": base + "ckan/" + NAME + ".json", "success": True, "result": package}
