"""GET /staff/api/stats (issue 13): the figures of analytics.measures.stats() as JSON, for an
agency's own tools and the dashboard. Documented in staff/openapi.json.

Who may ask: the staff API's bearer token or console session (staff.views.handover_api.authenticate),
with a role holding VIEW_STATS. Admins and reviewers see every agency (as the dashboard page,
staff/views/dashboard.py); everyone else only their own agency's figures: no `agency` means theirs,
another agency is 403, and an account with no agency gets 403. Bad input is a 400 problem document
naming the field: a date not YYYY-MM-DD (Thai digits and zero-width characters are read as typed),
`from` after `to`, over 366 days, an unknown channel or agency. Read only: no CSRF token needed.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from aiohttp import web

from analytics import measures
from handover.inbox import Agent, agency_exists
from staff import keys
from staff.roles import Permission, Role, allows
from staff.views.handover_api import ApiError, authenticate, problem

EVERY_AGENCY_ROLES = frozenset({Role.ADMIN.value, Role.REVIEWER.value})  # as staff/views/dashboard.py
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
MAX_PARAM = 40
FIRST_YEAR, LAST_YEAR = 2000, 2100
PARAMS = frozenset({"from", "to", "channel", "agency"})


def _value(request: web.Request, name: str) -> str | None:
    values = request.query.getall(name, [])
    if len(values) > 1:
        raise ApiError(400, "repeated_parameter", f"ส่ง {name} ได้ครั้งเดียว", name)
    if not values:
        return None
    raw = values[0]
    if len(raw) > MAX_PARAM:
        raise ApiError(400, "bad_parameter", f"{name} ยาวเกินไป", name)
    return raw.translate(THAI_DIGITS).translate(INVISIBLE).strip() or None


def _date(request: web.Request, name: str) -> dt.date:
    raw = _value(request, name)
    if raw is None:
        raise ApiError(400, "missing_date", f"ต้องระบุ {name} เป็นวันที่ YYYY-MM-DD (ค.ศ. เวลาประเทศไทย)", name)
    if len(raw) != 10 or not raw.isascii() or raw[4] != "-" or raw[7] != "-":
        raise ApiError(400, "bad_date", f"{name} ต้องอยู่ในรูป YYYY-MM-DD (ค.ศ.) เช่น 2026-11-30", name)
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "bad_date", f"{name} ไม่ใช่วันที่ที่มีอยู่จริง", name) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ApiError(400, "bad_date", f"{name} ต้องอยู่ระหว่างปี ค.ศ. {FIRST_YEAR}-{LAST_YEAR}", name)
    return day


def parse_query(request: web.Request, agent: Agent) -> measures.StatsQuery:
    """The period, channel and agency asked, checked and scoped to what `agent` may see."""
    unknown = sorted(set(request.query) - PARAMS)
    if unknown:
        raise ApiError(
            400, "unknown_parameter", f"ไม่รู้จักพารามิเตอร์ {unknown[0][:MAX_PARAM]}", unknown[0][:MAX_PARAM]
        )
    start, end = _date(request, "from"), _date(request, "to")
    if start > end:
        raise ApiError(400, "bad_period", "from ต้องไม่อยู่หลัง to", "from")
    if (end - start).days + 1 > measures.MAX_PERIOD_DAYS:
        raise ApiError(400, "period_too_long", f"ช่วงเวลายาวได้ไม่เกิน {measures.MAX_PERIOD_DAYS} วัน", "to")
    channel = _value(request, "channel")
    if channel is not None and channel not in measures.CHANNELS:
        raise ApiError(400, "unknown_channel", "channel ต้องเป็น line, sms หรือ web", "channel")
    agency = _value(request, "agency")
    if agency is not None and not agency_exists(agency):
        raise ApiError(400, "unknown_agency", "ไม่พบหน่วยงานนี้ใน knowledge/agencies.yml", "agency")
    if agent.role not in EVERY_AGENCY_ROLES:
        if not agent.agency_id:
            raise ApiError(403, "no_agency", "บัญชีนี้ไม่ได้สังกัดหน่วยงาน จึงดูสถิติไม่ได้")
        if agency is not None and agency != agent.agency_id:
            raise ApiError(403, "not_your_agency", "ดูได้เฉพาะสถิติของหน่วยงานของตนเอง", "agency")
        agency = agent.agency_id
    return measures.StatsQuery(start=start, end=end, channel=channel, agency=agency)


async def get_stats(request: web.Request) -> web.StreamResponse:
    try:
        agent = await authenticate(request, changing=False)
        if not allows(agent.role, Permission.VIEW_STATS):
            raise ApiError(403, "role", "บทบาทของบัญชีนี้ดูสถิติไม่ได้")
        query = parse_query(request, agent)
        figures: dict[str, Any] = await request.app[keys.DATABASE].run(measures.stats, query)
    except ApiError as exc:
        response = problem(exc.status, exc.code, exc.detail, exc.field)
        if exc.retry_after:
            response.headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
        return response
    response = web.json_response(figures)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/stats", get_stats, name="api.stats")
