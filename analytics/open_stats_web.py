"""Serving the open statistics under /open-data/ (mounted by knowledge.open_data.create_app), public,
no sign-in:

    GET chatbot-stats.json        monthly rows per channel and agency, small counts suppressed, schema
    GET chatbot-stats.csv         the same rows, UTF-8 with BOM
    GET ckan/chatbot-stats.json   CKAN package_show-like description (data.go.th runs CKAN)
    GET catalog.json              DCAT catalogue: the services dataset and this one

The figures are recomputed off the event loop at most every `REFRESH_S` seconds; when they did not
change the bodies, their ETag and Last-Modified stay as they were, so caches revalidate with 304.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import hashlib
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from analytics import measures, open_stats
from analytics.drilldown import BANGKOK
from analytics.models import AnalyticsMessage
from db.engine import make_engine, make_sessionmaker
from knowledge.agencies import AgencyDirectory

if TYPE_CHECKING:
    from knowledge.open_data import OpenDataSettings

REFRESH_S = 60.0  # "current within a minute", like the staff API
MAX_MONTHS = 60  # five years of months at most in one file
GZIP_LEVEL = 1
JSON_NAME = open_stats.NAME + ".json"
CSV_NAME = open_stats.NAME + ".csv"
CKAN_NAME = "ckan/" + open_stats.NAME + ".json"
CATALOG_NAME = "catalog.json"
CONTENT_TYPES = {
    JSON_NAME: "application/json; charset=utf-8",
    CSV_NAME: "text/csv; charset=utf-8",
    CKAN_NAME: "application/json; charset=utf-8",
    CATALOG_NAME: "application/ld+json; charset=utf-8",
}


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def monthly_rows(session: Session, today: dt.date, agency_names: dict[str, str]) -> list[dict[str, Any]]:
    """monthly() from the first month with data (at most MAX_MONTHS back) to this month, each row
    given its agency's Thai name and whether its month has ended, then suppressed."""
    first = session.scalar(select(func.min(AnalyticsMessage.at)))
    if first is None:
        return []
    if first.tzinfo is None:
        first = first.replace(tzinfo=dt.UTC)
    end = month_of(today)
    start = max(month_of(first.astimezone(BANGKOK).date()), add_months(end, -(MAX_MONTHS - 1)))
    raw = measures.monthly(session, start, end)
    for row in raw:
        agency = row.get("agency")
        row["agency_name"] = agency_names.get(agency, agency) if isinstance(agency, str) else None
        row["complete"] = str(row.get("month", "")) < end.strftime("%Y-%m")
    fields = open_stats.published_fields(raw)
    rows = [open_stats.suppress(row, fields) for row in raw]
    rows.sort(key=lambda r: (r["month"] or "", r["channel"] or "", r["agency"] or ""))
    return rows


@dataclass(slots=True)
class StatsSnapshot:
    digest: str
    modified: dt.datetime
    built: float
    bodies: dict[str, bytes] = field(default_factory=dict)
    etags: dict[str, str] = field(default_factory=dict)
    gzipped: dict[str, bytes] = field(default_factory=dict)


class OpenStatsCache:
    """The current bodies; rebuilt off the loop when older than REFRESH_S, kept (with their ETag and
    Last-Modified) when the figures are the same."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        publication: Callable[[web.Request], open_stats.Publication],
        *,
        refresh_s: float = REFRESH_S,
        today: Callable[[], dt.date] | None = None,
    ) -> None:
        self._sessions = sessions
        self._publication = publication
        self._refresh_s = refresh_s
        self._today = today or (lambda: dt.datetime.now(BANGKOK).date())
        self._snapshot: StatsSnapshot | None = None
        self._lock = asyncio.Lock()
        self._agencies = {a.id: a.name_th for a in AgencyDirectory.load().agencies}
        self._created: dt.datetime | None = None

    async def current(self, request: web.Request) -> StatsSnapshot:
        snapshot = self._snapshot
        if snapshot is not None and time.monotonic() - snapshot.built < self._refresh_s:
            return snapshot
        async with self._lock:
            snapshot = self._snapshot
            if snapshot is not None and time.monotonic() - snapshot.built < self._refresh_s:
                return snapshot
            self._snapshot = await asyncio.to_thread(self._build, self._publication(request), snapshot)
            return self._snapshot

    def _build(self, publication: open_stats.Publication, previous: StatsSnapshot | None) -> StatsSnapshot:
        with self._sessions() as session:
            rows = monthly_rows(session, self._today(), self._agencies)
        fields = open_stats.published_fields(rows)
        canonical = json.dumps([rows, [f.name for f in fields], publication.base], sort_keys=True)
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        if previous is not None and previous.digest == digest:
            previous.built = time.monotonic()
            return previous
        modified = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self._created = self._created or modified
        snapshot = StatsSnapshot(digest=digest, modified=modified, built=time.monotonic())
        document = open_stats.stats_document(rows, fields, modified=modified)
        dataset = open_stats.dcat_dataset(publication, modified)
        snapshot.bodies[JSON_NAME] = open_stats.stats_json(document)
        snapshot.bodies[CSV_NAME] = open_stats.stats_csv(rows, fields)
        ckan = open_stats.ckan_package(publication, fields, modified=modified, created=self._created)
        snapshot.bodies[CKAN_NAME] = json.dumps(ckan, ensure_ascii=False, indent=1).encode("utf-8")
        catalog = open_stats.dcat_catalog(publication, publication.base + "dataset.json", dataset)
        snapshot.bodies[CATALOG_NAME] = json.dumps(catalog, ensure_ascii=False, indent=1).encode("utf-8")
        for name, body in snapshot.bodies.items():
            snapshot.etags[name] = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            snapshot.gzipped[name] = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
        return snapshot


CACHE = web.AppKey("open_stats_cache", OpenStatsCache)


def _handler(name: str, settings: OpenDataSettings) -> Callable[[web.Request], Any]:
    from knowledge.open_data import _accepts_gzip, _not_modified

    async def serve(request: web.Request) -> web.Response:
        snapshot = await request.app[CACHE].current(request)
        gz = _accepts_gzip(request)
        etag = snapshot.etags[name][:-1] + '-gz"' if gz else snapshot.etags[name]
        headers = {
            "ETag": etag,
            "Last-Modified": format_datetime(snapshot.modified, usegmt=True),
            "Cache-Control": f"public, max-age={min(settings.max_age_s, int(REFRESH_S))}",
            "Access-Control-Allow-Origin": "*",
            "X-Content-Type-Options": "nosniff",
            "Vary": "Accept-Encoding",
        }
        if _not_modified(request, etag, snapshot.modified):
            return web.Response(status=304, headers=headers)
        if name == CSV_NAME:
            headers["Content-Disposition"] = f'inline; filename="{CSV_NAME}"'
        body = snapshot.gzipped[name] if gz else snapshot.bodies[name]
        if gz:
            headers["Content-Encoding"] = "gzip"
        return web.Response(body=body, headers={**headers, "Content-Type": CONTENT_TYPES[name]})

    return serve


def add_routes(app: web.Application, settings: OpenDataSettings, engine: Engine | None) -> None:
    """The statistics' routes and cache on the open-data app (its settings: publisher, licence, base)."""

    def publication(request: web.Request) -> open_stats.Publication:
        base = settings.public_base_url or str(app.router["catalog"].url_for()).removesuffix(CATALOG_NAME)
        return open_stats.Publication(
            publisher_name=settings.publisher_name,
            publisher_url=settings.publisher_url,
            licence_url=settings.licence_url,
            base=base,
        )

    async def open_cache(app: web.Application) -> AsyncIterator[None]:
        own = engine or make_engine(settings.database_url)
        app[CACHE] = OpenStatsCache(make_sessionmaker(own), publication)
        yield
        if engine is None:
            own.dispose()

    app.cleanup_ctx.append(open_cache)
    app.router.add_get("/" + JSON_NAME, _handler(JSON_NAME, settings), name="chatbot_stats_json")
    app.router.add_get("/" + CSV_NAME, _handler(CSV_NAME, settings), name="chatbot_stats_csv")
    app.router.add_get("/" + CKAN_NAME, _handler(CKAN_NAME, settings), name="chatbot_stats_ckan")
    app.router.add_get("/" + CATALOG_NAME, _handler(CATALOG_NAME, settings), name="catalog")
