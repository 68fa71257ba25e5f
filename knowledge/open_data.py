"""Open data: every published service as JSON and CSV, with a DCAT-style dataset description.

    gateway.add_subapp("/open-data/", knowledge.open_data.create_app(settings.open_data, engine=engine))

    GET services.json   {"services": [...]} one object per published service (only PUBLIC_FIELDS)
    GET services.csv    UTF-8 with BOM (Excel reads Thai correctly), one row per service, lists joined
    GET dataset.json    DCAT JSON-LD: title, description, publisher, licence, modified, distributions
    GET chatbot-stats.json / .csv, ckan/chatbot-stats.json, catalog.json: the bot's monthly
                        statistics and the DCAT catalogue of both datasets (analytics/open_stats_web.py)

Only the published snapshot of each record is served, through an allow-list of fields, so drafts, editor
names and notes can never leak. Bodies are rebuilt only when the store's revision counter moves (every
publish/unpublish bumps it) and carry ETag / Last-Modified so clients and caches revalidate cheaply.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import gzip
import hashlib
import io
import json
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web
from sqlalchemy import Engine

from db.engine import database_url, make_engine, make_sessionmaker
from knowledge.record import ServiceRecord
from knowledge.store import KnowledgeStore, Revision

if TYPE_CHECKING:
    from appconfig import AppSettings

CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
DEFAULT_PUBLISHER = "ผู้ให้บริการผู้ช่วยบริการประชาชน"
DEFAULT_MAX_AGE_S = 300
GZIP_LEVEL = 1  # 4x smaller than plain at a quarter of level 6's CPU (measured at 2,000 services)
BOM = "\ufeff"
LIST_SEPARATOR = " | "
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# The allow-list: what a citizen could see in the bot, plus the stable id and version. Nothing else.
PUBLIC_FIELDS: tuple[str, ...] = (
    "id",
    "title_th",
    "title_en",
    "short_th",
    "agency",
    "agency_level",
    "description",
    "eligibility",
    "documents",
    "fees",
    "benefits",
    "processing_time",
    "processing_time_to_confirm",
    "where_to_apply",
    "office_hours",
    "legal_basis",
    "faqs",
    "synonyms",
    "approved_questions",  # citizens' questions a reviewer confirmed (teaching loop), masked at intake
    "english",
    "last_reviewed",
    "source",
    "verified",
    "version",
)

CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "title_th",
    "title_en",
    "short_th",
    "agency",
    "agency_level",
    "description",
    "eligibility",
    "documents",
    "fees",
    "benefits",
    "processing_time",
    "processing_time_to_confirm",
    "offices",
    "e_service_url",
    "online",
    "office_hours",
    "legal_basis",
    "faqs",
    "synonyms",
    "approved_questions",
    "last_reviewed",
    "source",
    "verified",
    "description_en",
    "documents_en",
    "version",
)


@dataclass(frozen=True, slots=True)
class OpenDataSettings:
    database_url: str
    publisher_name: str = DEFAULT_PUBLISHER
    publisher_url: str = ""
    licence_url: str = CC_BY_4
    # Absolute URL the dataset is published under (e.g. https://bot.example.go.th/open-data/); when empty
    # the description uses paths, which JSON-LD resolves against wherever the file was fetched from.
    public_base_url: str = ""
    max_age_s: int = DEFAULT_MAX_AGE_S

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> OpenDataSettings:
        max_age = environ.get("OPEN_DATA_MAX_AGE_S", "").strip()
        if max_age and (not max_age.isascii() or not max_age.isdigit() or int(max_age) > 86400):
            raise ValueError("OPEN_DATA_MAX_AGE_S must be a number of seconds up to 86400")
        base = environ.get("OPEN_DATA_BASE_URL", "").strip()
        if base and not base.startswith(("https://", "http://")):
            raise ValueError("OPEN_DATA_BASE_URL must be an absolute http(s) URL")
        return cls(
            database_url=database_url(dict(environ)),
            publisher_name=environ.get("OPEN_DATA_PUBLISHER", "").strip() or DEFAULT_PUBLISHER,
            publisher_url=environ.get("OPEN_DATA_PUBLISHER_URL", "").strip(),
            licence_url=environ.get("OPEN_DATA_LICENCE_URL", "").strip() or CC_BY_4,
            public_base_url=base.rstrip("/") + "/" if base else "",
            max_age_s=int(max_age) if max_age else DEFAULT_MAX_AGE_S,
        )


# -- turning records into public data (pure functions) ----------------------------------------------------
def public_record(record: ServiceRecord) -> dict[str, Any]:
    data = {**record.to_dict(), "approved_questions": list(record.approved_questions)}
    return {name: data[name] for name in PUBLIC_FIELDS}


def csv_row(record: ServiceRecord) -> list[str]:
    d = public_record(record)
    where = d["where_to_apply"]
    values: dict[str, Any] = {
        **d,
        "documents": LIST_SEPARATOR.join(d["documents"]),
        "fees": LIST_SEPARATOR.join(fee.display_th() for fee in record.fees),
        "benefits": LIST_SEPARATOR.join(fee.display_th() for fee in record.benefits),
        "verified": "true" if record.verified else "false",
        "description_en": record.english.description if record.english else "",
        "documents_en": LIST_SEPARATOR.join(record.english.documents) if record.english else "",
        "processing_time_to_confirm": "true" if d["processing_time_to_confirm"] else "false",
        "offices": LIST_SEPARATOR.join(where["offices"]),
        "e_service_url": where["e_service_url"],
        "online": where["online"],
        "faqs": LIST_SEPARATOR.join(f"ถาม: {q['question']} ตอบ: {q['answer']}" for q in d["faqs"]),
        "synonyms": LIST_SEPARATOR.join(d["synonyms"]),
        "approved_questions": LIST_SEPARATOR.join(d["approved_questions"]),
        "last_reviewed": d["last_reviewed"] or "",
    }
    return [_csv_cell(str(values[name])) for name in CSV_COLUMNS]


def _csv_cell(text: str) -> str:
    """Keep spreadsheets from running a cell as a formula (OWASP CSV injection): prefix with '."""
    return "'" + text if text.startswith(CSV_FORMULA_START) else text


def services_csv(records: list[ServiceRecord]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(r) for r in records)
    return (BOM + buffer.getvalue()).encode("utf-8")


def services_json(records: list[ServiceRecord], modified: dt.datetime | None) -> bytes:
    body = {
        "modified": modified.isoformat() if modified else None,
        "count": len(records),
        "services": [public_record(r) for r in records],
    }
    # No indent: json only uses its C encoder for compact output (10x faster at 2,000 records).
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def modified_at(records: list[ServiceRecord], revision: Revision) -> dt.datetime | None:
    """The latest of the last publish/unpublish and the newest `last_reviewed` date."""
    candidates = [revision.changed_at] if revision.number > 0 else []
    candidates += [
        dt.datetime.combine(r.last_reviewed, dt.time(), dt.UTC) for r in records if r.last_reviewed
    ]
    return max(candidates) if candidates else None


def dataset_description(
    settings: OpenDataSettings, *, base: str, modified: dt.datetime | None, count: int
) -> dict[str, Any]:
    publisher: dict[str, Any] = {"@type": "foaf:Organization", "foaf:name": settings.publisher_name}
    if settings.publisher_url:
        publisher["foaf:homepage"] = {"@id": settings.publisher_url}
    description: dict[str, Any] = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": base + "dataset.json",
        "@type": "dcat:Dataset",
        "dct:identifier": "public-services",
        "dct:title": [
            {"@language": "th", "@value": "ข้อมูลบริการภาครัฐสำหรับประชาชน"},
            {"@language": "en", "@value": "Public services for citizens"},
        ],
        "dct:description": [
            {
                "@language": "th",
                "@value": "บริการภาครัฐที่เผยแพร่แล้ว: ผู้มีสิทธิ์ เอกสาร ค่าธรรมเนียม เงินที่ได้รับ ระยะเวลา สถานที่ยื่น "
                "ช่องทางออนไลน์ และคำถามที่พบบ่อย หนึ่งรายการต่อหนึ่งบริการ รหัสบริการคงที่",
            },
            {
                "@language": "en",
                "@value": "Published Thai public services: eligibility, documents, fees, benefits received, "
                "processing time, where to apply, online channels and FAQs, with English text where "
                "available; one entry per service with a stable id. `verified` is true only for entries "
                "the agency has confirmed; the others are drafts. "
                f"List fields in the CSV are joined with '{LIST_SEPARATOR.strip()}'.",
            },
        ],
        "dct:publisher": publisher,
        "dct:license": {"@id": settings.licence_url},
        "dct:language": [
            {"@id": "http://id.loc.gov/vocabulary/iso639-1/th"},
            {"@id": "http://id.loc.gov/vocabulary/iso639-1/en"},
        ],
        "dcat:keyword": ["บริการภาครัฐ", "public services", "Thailand"],
        "dct:extent": f"{count} services",
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:title": "services.json",
                "dcat:downloadURL": {"@id": base + "services.json"},
                "dcat:mediaType": "application/json",
                "dct:format": "JSON",
                "dct:license": {"@id": settings.licence_url},
            },
            {
                "@type": "dcat:Distribution",
                "dct:title": "services.csv",
                "dcat:downloadURL": {"@id": base + "services.csv"},
                "dcat:mediaType": "text/csv",
                "dct:format": "CSV (UTF-8 with BOM)",
                "dct:license": {"@id": settings.licence_url},
            },
        ],
    }
    if modified is not None:
        description["dct:modified"] = {"@value": modified.isoformat(), "@type": "xsd:dateTime"}
    return description


# -- serving -----------------------------------------------------------------------------------------
@dataclass(slots=True)
class Snapshot:
    revision: int
    modified: dt.datetime | None
    last_modified: dt.datetime | None  # HTTP Last-Modified: the last publish/unpublish
    count: int
    bodies: dict[str, bytes] = field(default_factory=dict)
    etags: dict[str, str] = field(default_factory=dict)
    gzipped: dict[str, bytes] = field(default_factory=dict)  # compressed once per revision, not per request


class OpenDataCache:
    """The current bodies, rebuilt off the event loop only when the store's revision changes."""

    def __init__(self, store: KnowledgeStore) -> None:
        self._store = store
        self._snapshot: Snapshot | None = None
        self._lock = asyncio.Lock()

    async def current(self) -> Snapshot:
        revision = await asyncio.to_thread(self._store.revision)
        snapshot = self._snapshot
        if snapshot is not None and snapshot.revision == revision.number:
            return snapshot
        async with self._lock:
            if self._snapshot is not None and self._snapshot.revision == revision.number:
                return self._snapshot
            self._snapshot = await asyncio.to_thread(self._build, revision)
            return self._snapshot

    def _build(self, revision: Revision) -> Snapshot:
        records = self._store.list_published()
        modified = modified_at(records, revision)
        snapshot = Snapshot(
            revision=revision.number,
            modified=modified,
            last_modified=revision.changed_at if revision.number > 0 else None,
            count=len(records),
        )
        snapshot.bodies["services.json"] = services_json(records, modified)
        snapshot.bodies["services.csv"] = services_csv(records)
        for name, body in snapshot.bodies.items():
            snapshot.etags[name] = _etag(body)
            snapshot.gzipped[name] = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
        return snapshot


SETTINGS = web.AppKey("open_data_settings", OpenDataSettings)
CACHE = web.AppKey("open_data_cache", OpenDataCache)

CONTENT_TYPES = {
    "services.json": "application/json; charset=utf-8",
    "services.csv": "text/csv; charset=utf-8",
    "dataset.json": "application/ld+json; charset=utf-8",
}


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _not_modified(request: web.Request, etag: str, last_modified: dt.datetime | None) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:  # takes precedence over If-Modified-Since (RFC 9110 13.2.2)
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return etag in tags or "*" in tags
    since = request.headers.get("If-Modified-Since")
    if since and last_modified is not None:
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return last_modified.replace(microsecond=0) <= when
    return False


def _respond(
    request: web.Request, name: str, body: bytes, etag: str, last_modified: dt.datetime | None
) -> web.Response:
    settings = request.app[SETTINGS]
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={settings.max_age_s}",
        "Access-Control-Allow-Origin": "*",  # open data: any site may fetch it
        "X-Content-Type-Options": "nosniff",
        "Vary": "Accept-Encoding",
    }
    if last_modified is not None:
        headers["Last-Modified"] = format_datetime(last_modified.astimezone(dt.UTC), usegmt=True)
    if _not_modified(request, etag, last_modified):
        return web.Response(status=304, headers=headers)
    if name == "services.csv":
        headers["Content-Disposition"] = 'inline; filename="services.csv"'
    return web.Response(body=body, headers={**headers, "Content-Type": CONTENT_TYPES[name]})


def _handler(name: str) -> Callable[[web.Request], Any]:
    async def serve(request: web.Request) -> web.Response:
        snapshot = await request.app[CACHE].current()
        etag = snapshot.etags[name]
        if _accepts_gzip(request):
            # A distinct strong ETag per encoding, as RFC 9110 asks of different representations.
            response = _respond(
                request, name, snapshot.gzipped[name], etag[:-1] + '-gz"', snapshot.last_modified
            )
            response.headers["Content-Encoding"] = "gzip"
            return response
        return _respond(request, name, snapshot.bodies[name], etag, snapshot.last_modified)

    return serve


def _accepts_gzip(request: web.Request) -> bool:
    for part in request.headers.get("Accept-Encoding", "").split(","):
        token, _, params = part.partition(";")
        if token.strip().lower() == "gzip":
            quality = params.replace(" ", "").lower()
            return not (quality.startswith("q=0") and quality.strip("q=0.") == "")
    return False


async def dataset(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    snapshot = await request.app[CACHE].current()
    base = settings.public_base_url or str(request.app.router["dataset"].url_for()).removesuffix(
        "dataset.json"
    )
    description = dataset_description(settings, base=base, modified=snapshot.modified, count=snapshot.count)
    body = json.dumps(description, ensure_ascii=False, indent=1).encode("utf-8")
    return _respond(request, "dataset.json", body, _etag(body), snapshot.last_modified)


def gateway_subapp(config: AppSettings, engine: Engine) -> web.Application:
    """Factory for the gateway's sub-app registry (channels.registry.SUBAPPS["/open-data/"] =
    "knowledge.open_data:gateway_subapp"): its part of the process's configuration, on the process's
    one engine."""
    config.require("open_data")
    assert config.open_data is not None
    return create_app(config.open_data, engine=engine)


def create_app(settings: OpenDataSettings, *, engine: Engine | None = None) -> web.Application:
    """Mount at /open-data/. Pass `engine` to share a connection pool with the rest of the gateway."""
    app = web.Application()
    app[SETTINGS] = settings

    async def open_store(app: web.Application) -> AsyncIterator[None]:
        own = engine or make_engine(settings.database_url)
        app[CACHE] = OpenDataCache(KnowledgeStore(make_sessionmaker(own)))
        yield
        if engine is None:
            own.dispose()

    app.cleanup_ctx.append(open_store)
    app.router.add_get("/services.json", _handler("services.json"), name="services_json")
    app.router.add_get("/services.csv", _handler("services.csv"), name="services_csv")
    app.router.add_get("/dataset.json", dataset, name="dataset")
    # The chatbot's monthly statistics and the DCAT catalogue of both datasets (analytics/open_stats*).
    from analytics.open_stats_web import add_routes as add_statistics

    add_statistics(app, settings, engine)
    return app
