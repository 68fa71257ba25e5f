"""The statistics page (issue 13): figures of the bot for a period, channel and agency, with charts,
a drill-down from a figure to the conversations behind it, and CSV exports.

    GET /stats                  the page (server-rendered headline figures; charts drawn by
                                static/dashboard.js with the vendored Chart.js from the figures
                                embedded in the page as JSON)
    GET /stats/drilldown.json   the conversations behind one figure (analytics.drilldown), masked
    GET /stats/drilldown.csv    the same list as CSV, one row per turn
    GET /stats/daily.csv        the period's figures per day and channel

Filters are query parameters: `from`, `to` (YYYY-MM-DD, Asia/Bangkok, inclusive; Thai digits read
as digits) or `preset` (7d, month, last_month, year), `channel` (line, sms, web) and `agency`.
Admins and reviewers see every agency; agents and case officers their own agency only (asking for
another is refused with 403; an account with no agency sees no figures and is told why).
The figures are analytics.measures.stats(), the same the JSON API /staff/api/stats serves.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analytics import drilldown, measures
from analytics.csv_export import csv_bytes
from analytics.intent_labels import intent_label, intent_labels
from analytics.models import COUNT_FIELDS, AnalyticsDaily
from cases.complaint_routing import load_routes
from knowledge.aspects import ASPECT_LABELS_TH
from knowledge.models import ServiceRow
from staff import keys
from staff.agencies import list_agencies
from staff.middleware import SECURITY_HEADERS
from staff.pages import identity, render, requires
from staff.roles import Permission, Role
from staff.sessions import Identity
from staff.views.inbox import CHANNEL_LABELS_TH, REASON_LABELS_TH

BANGKOK = drilldown.BANGKOK
CHANNELS = ("line", "sms", "web")
MAX_DAYS = 366
PRESETS: dict[str, str] = {
    "7d": "7 วันล่าสุด",
    "month": "เดือนนี้",
    "last_month": "เดือนที่แล้ว",
    "year": "ปีนี้",
}
DEFAULT_PRESET = "month"
EVERY_AGENCY_ROLES = frozenset({Role.ADMIN.value, Role.REVIEWER.value})
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
MAX_PARAM = 40
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FIGURE_LABELS_TH = {
    "conversations": "การสนทนาทั้งหมด",
    "not_contained": "การสนทนาที่บอทจบเองไม่ได้",
    "handover": "การสนทนาที่ส่งต่อเจ้าหน้าที่",
    "reason": "ส่งต่อเจ้าหน้าที่ด้วยเหตุผล",
    "fallback": "การสนทนาที่บอทไม่เข้าใจ",
    "understood": "การสนทนาที่บอทเข้าใจ",
    "intent": "เจตนา",
    "service": "บริการ",
    "day": "วันที่",
    "hour": "ชั่วโมง",
}
# The page's CSP: the console's, plus its own scripts and its own data requests (same origin only).
STATS_CSP = SECURITY_HEADERS["Content-Security-Policy"] + "; script-src 'self'; connect-src 'self'"


class FilterError(ValueError):
    """A filter the page cannot use; the message is Thai, for the person who typed it."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    channel: str | None
    agency: str | None
    preset: str | None

    def query(self) -> measures.StatsQuery:
        return measures.StatsQuery(start=self.start, end=self.end, channel=self.channel, agency=self.agency)

    def scope(self) -> drilldown.Scope:
        return drilldown.Scope(start=self.start, end=self.end, channel=self.channel, agency=self.agency)

    def params(self) -> dict[str, str]:
        out = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.channel:
            out["channel"] = self.channel
        if self.agency:
            out["agency"] = self.agency
        return out


def every_agency(who: Identity) -> bool:
    return who.role in EVERY_AGENCY_ROLES


def clean(raw: str | None) -> str:
    """A query value as typed: Thai digits as digits, zero-width characters dropped, trimmed."""
    return (raw or "").translate(THAI_DIGITS).translate(INVISIBLE).strip()[: MAX_PARAM + 1]


def preset_period(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if preset == "7d":
        return today - dt.timedelta(days=6), today
    if preset == "month":
        return today.replace(day=1), today
    if preset == "last_month":
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last
    if preset == "year":
        return dt.date(today.year, 1, 1), today
    raise FilterError("ไม่รู้จักช่วงเวลาที่เลือก")


def _date(raw: str, what: str) -> dt.date:
    if not ISO_DAY.fullmatch(raw):
        raise FilterError(f"{what}ต้องอยู่ในรูป ปปปป-ดด-วว (ค.ศ.) เช่น 2026-11-30")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise FilterError(f"{what}ไม่ใช่วันที่ที่มีอยู่จริง") from None


def parse_filters(
    query: Mapping[str, str], who: Identity, today: dt.date, known_agencies: set[str]
) -> Filters:
    preset = clean(query.get("preset"))
    start_raw, end_raw = clean(query.get("from")), clean(query.get("to"))
    if preset:
        if preset not in PRESETS:
            raise FilterError("ไม่รู้จักช่วงเวลาที่เลือก")
        start, end = preset_period(preset, today)
    elif start_raw or end_raw:
        start = _date(start_raw, "วันเริ่มต้น") if start_raw else today - dt.timedelta(days=6)
        end = _date(end_raw, "วันสิ้นสุด") if end_raw else today
    else:
        preset = DEFAULT_PRESET
        start, end = preset_period(preset, today)
    if start > end:
        raise FilterError("วันเริ่มต้นต้องไม่อยู่หลังวันสิ้นสุด")
    if (end - start).days + 1 > MAX_DAYS:
        raise FilterError(f"ช่วงเวลายาวได้ไม่เกิน {MAX_DAYS} วัน")
    channel = clean(query.get("channel")) or None
    if channel is not None and channel not in CHANNELS:
        raise FilterError("ช่องทางต้องเป็น LINE, SMS หรือเว็บแชต")
    agency = clean(query.get("agency")) or None
    if agency is not None and agency not in known_agencies:
        raise FilterError("ไม่รู้จักหน่วยงานที่เลือก")
    if not every_agency(who):
        if agency is not None and agency != who.agency_id:
            raise FilterError("ดูได้เฉพาะสถิติของหน่วยงานของตนเอง", status=403)
        agency = who.agency_id
    return Filters(start, end, channel, agency, preset or None)


def today_in_bangkok() -> dt.date:
    return dt.datetime.now(BANGKOK).date()


# -- reading the figures (in a worker thread) -------------------------------------------------------------
def daily_by_channel(session: Session, filters: Filters) -> list[dict[str, Any]]:
    """One row per day and channel (the channel filter's only, else each of line, sms, web) with the
    day's Summary (measures.summary of the daily rollup's counts, as stats() computes its by_day):
    the page's stacked chart and the daily CSV, in one query instead of a stats() per channel."""
    channels = (filters.channel,) if filters.channel else CHANNELS
    d = AnalyticsDaily
    query = (
        select(d.day, d.channel, *[func.sum(getattr(d, name)).label(name) for name in COUNT_FIELDS])
        .where(d.day >= filters.start.isoformat(), d.day <= filters.end.isoformat(), d.channel.in_(channels))
        .group_by(d.day, d.channel)
    )
    if filters.agency:
        query = query.where(d.agency == filters.agency)
    counts = {
        (str(row.day), str(row.channel)): {name: int(getattr(row, name) or 0) for name in COUNT_FIELDS}
        for row in session.execute(query)
    }
    zero = dict.fromkeys(COUNT_FIELDS, 0)
    rows: list[dict[str, Any]] = []
    for n in range((filters.end - filters.start).days + 1):
        day = (filters.start + dt.timedelta(days=n)).isoformat()
        for channel in channels:
            figures = measures.summary(counts.get((day, channel), zero))
            rows.append({"date": day, "channel": channel, **figures})
    return rows


def service_titles(session: Session, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    found = session.execute(select(ServiceRow.id, ServiceRow.title_th).where(ServiceRow.id.in_(ids)))
    return {str(i): str(t) for i, t in found}


def page_data(session: Session, filters: Filters) -> dict[str, Any]:
    figures = measures.stats(session, filters.query())
    daily = daily_by_channel(session, filters)
    titles = service_titles(session, [s["service_id"] for s in figures.get("top_services", [])])
    return {"figures": figures, "daily": daily, "titles": titles, "agencies": list_agencies(session)}


def _agency_ids(session: Session) -> set[str]:
    return {agency_id for agency_id, _ in list_agencies(session)}


# -- presentation helpers ---------------------------------------------------------------------------------
def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} วินาที"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} นาที {rest} วินาที" if rest else f"{minutes} นาที"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} ชม. {minutes} นาที"


def number(value: int | float | None) -> str:
    return "–" if value is None else f"{value:,}"


def headline(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The figures at the top of the page; `figure` names the drill-down a click opens."""
    satisfaction = figures.get("satisfaction", {})
    bot = satisfaction.get("bot", {})
    staff = satisfaction.get("staff", {})
    wait = figures.get("wait_seconds", {})
    mean = staff.get("mean")
    return [
        {"key": "conversations", "label": "การสนทนา", "value": number(figures.get("conversations")),
         "figure": "conversations"},
        {"key": "messages", "label": "ข้อความ", "value": number(figures.get("messages")),
         "note": f"จากประชาชน {number(figures.get('citizen_messages'))}", "figure": "conversations"},
        {"key": "containment", "label": "บอทจบเรื่องได้เอง", "value": percent(figures.get("containment_rate")),
         "note": "คลิกเพื่อดูที่จบเองไม่ได้", "figure": "not_contained"},
        {"key": "fallback", "label": "บอทไม่เข้าใจ", "value": percent(figures.get("fallback_rate")),
         "figure": "fallback"},
        {"key": "understood", "label": "บอทเข้าใจ", "value": percent(figures.get("understood_rate")),
         "figure": "understood"},
        {"key": "handover", "label": "ส่งต่อเจ้าหน้าที่", "value": percent(figures.get("handover_rate")),
         "note": f"{number(figures.get('handovers'))} ครั้ง", "figure": "handover"},
        {"key": "wait", "label": "เวลารอเจ้าหน้าที่", "value": duration(wait.get("median")),
         "note": f"มัธยฐาน · P90 {duration(wait.get('p90'))}", "figure": "handover"},
        {"key": "satisfaction_bot", "label": "ความพึงพอใจต่อบอท", "value": percent(bot.get("rate")),
         "note": f"จาก {number(bot.get('count'))} คำตอบ", "figure": None},
        {"key": "satisfaction_staff", "label": "ความพึงพอใจต่อเจ้าหน้าที่",
         "value": "–" if mean is None else f"{mean:.2f} / 5",
         "note": f"จาก {number(staff.get('count'))} คะแนน", "figure": None},
    ]  # fmt: skip


def details(figures: dict[str, Any]) -> list[tuple[str, str]]:
    """The figures the cards and charts leave out, as (label, value) rows under the charts."""
    first = figures.get("first_response_seconds", {})
    resolution = figures.get("resolution_seconds", {})
    wait = figures.get("wait_seconds", {})
    close = figures.get("case_close_seconds", {})

    def spread(d: dict[str, Any]) -> str:
        if not d.get("count"):
            return "–"
        return (
            f"เฉลี่ย {duration(d.get('mean'))} · มัธยฐาน {duration(d.get('median'))}"
            f" · P90 {duration(d.get('p90'))} ({number(d.get('count'))} ครั้ง)"
        )

    return [
        ("ประชาชนที่ใช้งานครั้งแรก", number(figures.get("citizens_new"))),
        ("ประชาชนที่กลับมาใช้อีก", number(figures.get("citizens_returning"))),
        ("เวลารอเจ้าหน้าที่รับเรื่อง", spread(wait)),
        ("เวลาจนเจ้าหน้าที่ตอบครั้งแรก", spread(first)),
        ("เวลาจนเจ้าหน้าที่ปิดการสนทนา", spread(resolution)),
        ("เวลาจนปิดเรื่องร้องเรียน/คำขอ", spread(close)),
    ]


DELIVERY_KINDS = (
    ("notices", "แจ้งความคืบหน้าเรื่อง"),
    ("staff_replies", "ข้อความตอบของเจ้าหน้าที่"),
    ("handover_notices", "ข้อความระบบระหว่างส่งต่อ"),
)


def deliveries(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Per channel: delivered and failed case notices, staff replies and handover notices."""
    rows = []
    for channel in CHANNELS:
        cells = []
        for key, _ in DELIVERY_KINDS:
            counts = figures.get(key, {}).get(channel, {})
            cells.append((number(counts.get("delivered", 0)), number(counts.get("failed", 0))))
        rows.append({"channel": CHANNEL_LABELS_TH.get(channel, channel), "cells": cells})
    return rows


def labels() -> dict[str, Any]:
    return {
        "channels": CHANNEL_LABELS_TH,
        "reasons": REASON_LABELS_TH,
        "aspects": ASPECT_LABELS_TH,
        "categories": {key: route.label for key, route in load_routes().items()},
        "figures": FIGURE_LABELS_TH,
        "intents": intent_labels(),
    }


# -- handlers -------------------------------------------------------------------------------------------
async def _filters(request: web.Request) -> tuple[Identity, Filters]:
    who = identity(request)
    assert who is not None
    known = await request.app[keys.READER].run(_agency_ids)
    return who, parse_filters(request.query, who, today_in_bangkok(), known)


@requires(Permission.VIEW_STATS)
async def stats_page(request: web.Request) -> web.StreamResponse:
    who = identity(request)
    assert who is not None
    try:
        who, filters = await _filters(request)
    except FilterError as exc:
        response = render(request, "dashboard/error.html", {"message": str(exc)}, status=exc.status)
        response.headers["Content-Security-Policy"] = STATS_CSP
        return response
    no_agency = not every_agency(who) and not who.agency_id
    data = None if no_agency else await request.app[keys.READER].run(page_data, filters)
    agencies = data["agencies"] if data else []
    base = str(request.app.router["dashboard.page"].url_for())
    params = filters.params()
    context = {
        "filters": filters,
        "presets": PRESETS,
        "preset_links": {key: base + "?" + urlencode({**_kept(params), "preset": key}) for key in PRESETS},
        "channel_labels": CHANNEL_LABELS_TH,
        "agencies": agencies,
        "agency_names": dict(agencies),
        "every_agency": every_agency(who),
        "no_agency": no_agency,
        "headline": headline(data["figures"]) if data else [],
        "details": details(data["figures"]) if data else [],
        "deliveries": deliveries(data["figures"]) if data else [],
        "delivery_kinds": [label for _, label in DELIVERY_KINDS],
        "figures": data["figures"] if data else None,
        "daily_csv": str(request.app.router["dashboard.daily_csv"].url_for().with_query(params)),
        "drill_json": str(request.app.router["dashboard.drilldown"].url_for()),
        "drill_csv": str(request.app.router["dashboard.drilldown_csv"].url_for()),
        "page_data": {
            "params": params,
            "figures": data["figures"] if data else None,
            "daily": data["daily"] if data else [],
            "titles": data["titles"] if data else {},
            "labels": labels(),
        },
    }
    response = render(request, "dashboard/page.html", context)
    response.headers["Content-Security-Policy"] = STATS_CSP
    return response


def _kept(params: dict[str, str]) -> dict[str, str]:
    """A preset link keeps the channel and agency chosen, not the dates."""
    return {k: v for k, v in params.items() if k in ("channel", "agency")}


def _json_error(exc: FilterError | drilldown.FigureError, status: int = 400) -> web.Response:
    return web.json_response(
        {"status": status, "detail": str(exc)}, status=getattr(exc, "status", status), dumps=_dumps
    )


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _offset(request: web.Request) -> int:
    raw = clean(request.query.get("offset"))
    if not raw:
        return 0
    if not raw.isascii() or not raw.isdigit() or int(raw) > 1_000_000:
        raise FilterError("offset ต้องเป็นจำนวนเต็มไม่ติดลบ")
    return int(raw)


async def _drill(request: web.Request, *, limit: int) -> tuple[Filters, dict[str, Any]]:
    who, filters = await _filters(request)
    if not every_agency(who) and not who.agency_id:
        raise FilterError("บัญชีนี้ยังไม่สังกัดหน่วยงาน จึงดูสถิติไม่ได้", status=403)
    figure = drilldown.Figure.parse(clean(request.query.get("kind")), clean(request.query.get("key")))
    offset = _offset(request)
    result = await request.app[keys.READER].run(
        drilldown.conversations, filters.scope(), figure, offset=offset, limit=limit
    )
    return filters, result


@requires(Permission.VIEW_STATS)
async def drilldown_json(request: web.Request) -> web.StreamResponse:
    try:
        _, result = await _drill(request, limit=drilldown.PAGE_SIZE)
    except (FilterError, drilldown.FigureError) as exc:
        return _json_error(exc)
    response = web.json_response(result, dumps=_dumps)
    response.headers["Cache-Control"] = "no-store"
    return response


DRILL_HEADERS = (
    "การสนทนา (รหัสย่อ)",
    "ช่องทาง",
    "หน่วยงาน",
    "เริ่มสนทนา",
    "เวลา",
    "เจตนา",
    "เจตนา (ชื่อในระบบ)",
    "ความมั่นใจ",
    "คำตอบของบอท",
    "บริการ",
    "ประเด็นที่ถาม",
    "บอทไม่เข้าใจ",
    "ส่งต่อเจ้าหน้าที่",
    "ข้อความ (ปิดบังข้อมูลส่วนบุคคลแล้ว)",
)


@requires(Permission.VIEW_STATS)
async def drilldown_csv(request: web.Request) -> web.StreamResponse:
    try:
        filters, result = await _drill(request, limit=drilldown.MAX_PAGE_SIZE)
    except (FilterError, drilldown.FigureError) as exc:
        return web.Response(text=str(exc), status=getattr(exc, "status", 400))
    rows = []
    for conversation in result["conversations"]:
        for turn in conversation["turns"]:
            rows.append(
                [
                    conversation["conversation"],
                    CHANNEL_LABELS_TH.get(conversation["channel"], conversation["channel"]),
                    conversation["agency"],
                    conversation["started_at"],
                    turn["at"],
                    intent_label(turn["intent"]),
                    turn["intent"],
                    turn["confidence"],
                    turn["answer"],
                    turn["service_id"],
                    ASPECT_LABELS_TH.get(turn["aspect"], turn["aspect"]) if turn["aspect"] else None,
                    "ใช่" if turn["fallback"] else "",
                    "ใช่" if turn["handover"] else "",
                    turn["masked_text"],
                ]
            )
    name = f"drilldown-{result['figure']['kind']}-{filters.start}-{filters.end}.csv"
    return _csv_response(csv_bytes(DRILL_HEADERS, rows), name)


DAILY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("date", "วันที่"),
    ("channel", "ช่องทาง"),
    ("conversations", "การสนทนา"),
    ("messages", "ข้อความทั้งหมด"),
    ("citizen_messages", "ข้อความจากประชาชน"),
    ("citizens_new", "ประชาชนใหม่"),
    ("citizens_returning", "ประชาชนที่กลับมา"),
    ("containment_rate", "สัดส่วนที่บอทจบเรื่องได้เอง"),
    ("fallback_rate", "สัดส่วนที่บอทไม่เข้าใจ"),
    ("understood_rate", "สัดส่วนที่บอทเข้าใจ"),
    ("handovers", "ส่งต่อเจ้าหน้าที่ (ครั้ง)"),
    ("handover_rate", "สัดส่วนที่ส่งต่อเจ้าหน้าที่"),
)


@requires(Permission.VIEW_STATS)
async def daily_csv(request: web.Request) -> web.StreamResponse:
    try:
        who, filters = await _filters(request)
        if not every_agency(who) and not who.agency_id:
            raise FilterError("บัญชีนี้ยังไม่สังกัดหน่วยงาน จึงดูสถิติไม่ได้", status=403)
    except FilterError as exc:
        return web.Response(text=str(exc), status=exc.status)

    def read(session: Session) -> list[dict[str, Any]]:
        return daily_by_channel(session, filters)

    rows = await request.app[keys.READER].run(read)
    table = [[_daily_cell(r, key) for key, _ in DAILY_COLUMNS] for r in rows]
    name = f"stats-daily-{filters.start}-{filters.end}.csv"
    return _csv_response(csv_bytes([title for _, title in DAILY_COLUMNS], table), name)


def _daily_cell(row: dict[str, Any], key: str) -> Any:
    return CHANNEL_LABELS_TH.get(row["channel"], row["channel"]) if key == "channel" else row.get(key)


def _csv_response(body: bytes, filename: str) -> web.Response:
    return web.Response(
        body=body,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/stats", stats_page, name="dashboard.page")
    app.router.add_get("/stats/drilldown.json", drilldown_json, name="dashboard.drilldown")
    app.router.add_get("/stats/drilldown.csv", drilldown_csv, name="dashboard.drilldown_csv")
    app.router.add_get("/stats/daily.csv", daily_csv, name="dashboard.daily_csv")
