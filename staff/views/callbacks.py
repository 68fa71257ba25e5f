"""Call-back tickets and agency closures in the staff console (issue 12): the page at /staff/callbacks
and the JSON API under /staff/api/callbacks and /staff/api/closures.

Out of hours the bot takes a phone number and promises "เจ้าหน้าที่จะโทรกลับ" (handover/callbacks.py);
this is where the agency's staff see those requests, oldest first, with the number masked to its
last 4 digits. "แสดงเบอร์โทร" opens the full number for one ticket only, as a POST (never a link a
browser could prefetch or keep in its history), answered with `Cache-Control: no-store`, and audited
every time; "โทรแล้ว" marks the ticket done once (two agents at once: one wins, the other is told who).
The same page lists the agency's coming closures and takes a new one (handover/callback_desk.py
validates; handover/office_hours.py reads them for the action server).

The full number needs the personal-data keys the bot sealed it with (PERSONAL_DATA_KEYS). The gateway
hands them to the console (`use_personal_data`, called by staff.web.gateway_subapp); a console
without them lists tickets but says plainly that it cannot show numbers.

The API authenticates exactly as the handover API does (staff.views.handover_api.api: bearer token or
session cookie with X-CSRF-Token) and answers errors as problem documents.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from handover import callback_desk as desk
from handover.callback_desk import NewClosure
from handover.inbox import Agent, InboxError, agency_choices, agency_label
from privacy import PersonalData, PrivacySettings
from staff import keys
from staff.audit import Actor, hash_ip
from staff.models import utcnow
from staff.pages import actor, identity, redirect, render, requires
from staff.roles import Permission
from staff.views.handover_api import ApiError, api, read_object

PERSONAL_DATA = web.AppKey("staff_personal_data", PersonalData)
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

CHANNEL_LABELS_TH = {"line": "LINE", "sms": "SMS", "web": "เว็บแชต"}
STATUS_LABELS_TH = {desk.OPEN: "รอโทรกลับ", desk.DONE: "ดำเนินการแล้ว"}
OUTCOME_LABELS_TH = {**desk.OUTCOMES, desk.ERASED_OUTCOME: "ประชาชนขอลบข้อมูล"}
DONE_MESSAGES_TH = {
    "marked": "บันทึกว่าโทรกลับแล้ว",
    "closure_added": "บันทึกวันปิดแล้ว บอทจะแจ้งประชาชนว่าเจ้าหน้าที่ไม่อยู่ในวันดังกล่าว",
    "closure_deleted": "ลบวันปิดแล้ว",
}


def use_personal_data(app: web.Application, privacy: PrivacySettings | None) -> None:
    """Give the console the keys that open call-back numbers (the process's PERSONAL_DATA_KEYS)."""
    if privacy is not None and privacy.can_store:
        app[PERSONAL_DATA] = PersonalData(privacy)


def _vault(request: web.Request) -> PersonalData | None:
    return request.app.get(PERSONAL_DATA)


def _agent(request: web.Request) -> Agent:
    who = identity(request)
    assert who is not None  # @requires ran first
    return Agent(user_id=who.user_id, username=who.username, role=who.role, agency_id=who.agency_id)


def _api_actor(request: web.Request, agent: Agent) -> Actor:
    secret = request.app[keys.SETTINGS].session_secret
    return Actor(user_id=agent.user_id, username=agent.username, ip_hash=hash_ip(secret, request.remote))


def _id(request: web.Request, name: str = "id") -> int:
    raw = request.match_info[name]
    if not (raw.isascii() and raw.isdigit() and 0 < len(raw) <= 12) or int(raw) == 0:
        raise ApiError(404, "not_found", "ไม่พบรายการนี้")
    return int(raw)


async def _service_titles(request: web.Request, tickets: list[desk.TicketView]) -> dict[str, str]:
    """Thai titles of the services asked about, from their published records (id when none)."""
    store = request.app[keys.STORE]
    titles: dict[str, str] = {}
    for service_id in sorted({t.service_id for t in tickets if t.service_id}):
        record = await asyncio.to_thread(store.get_published, service_id)
        titles[service_id] = record.title_th if record is not None else service_id
    return titles


# -- the page -----------------------------------------------------------------------------------------


async def _page(
    request: web.Request,
    *,
    revealed: tuple[int, str] | None = None,
    error: str = "",
    closure_form: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    agent = _agent(request)
    shown = request.query.get("status", desk.OPEN)
    shown = shown if shown in desk.TICKET_STATUSES else desk.OPEN
    now = utcnow()
    reader = request.app[keys.READER]
    tickets = await reader.run(desk.list_tickets, agent, shown)
    closures = await reader.run(desk.list_closures, agent, desk.bangkok_today(now))
    response = render(
        request,
        "callbacks/page.html",
        {
            "tickets": tickets,
            "shown": shown,
            "closures": closures,
            "titles": await _service_titles(request, tickets),
            "revealed": revealed,
            "error": error,
            "done": DONE_MESSAGES_TH.get(request.query.get("done", ""), ""),
            "has_keys": _vault(request) is not None,
            "every_agency": agent.every_agency,
            "agency_name": agency_label(agent.agency_id) if agent.agency_id else "",
            "agencies": agency_choices(),
            "closure_form": closure_form
            or {"agency": agent.agency_id or "", "starts_on": "", "ends_on": "", "reason": ""},
            "today": desk.bangkok_today(now).isoformat(),
            "channel_labels": CHANNEL_LABELS_TH,
            "status_labels": STATUS_LABELS_TH,
            "outcomes": desk.OUTCOMES,
            "outcome_labels": OUTCOME_LABELS_TH,
            "max_reason": desk.MAX_REASON_CHARS,
        },
        status=status,
    )
    response.headers.update(NO_STORE)  # phone digits, and at times a whole number, are on it
    return response


def _page_id(request: web.Request, name: str = "id") -> int:
    try:
        return _id(request, name)
    except ApiError:
        raise web.HTTPNotFound() from None


@requires(Permission.VIEW_HANDOVERS)
async def callbacks_page(request: web.Request) -> web.StreamResponse:
    return await _page(request)


@requires(Permission.ACT_HANDOVERS)
async def reveal_on_page(request: web.Request) -> web.StreamResponse:
    ticket_id = _page_id(request)
    try:
        phone = await request.app[keys.DATABASE].run(
            desk.reveal_phone, _agent(request), actor(request), ticket_id, _vault(request), now=utcnow()
        )
    except InboxError as exc:
        if exc.status == 404:
            raise web.HTTPNotFound() from None
        return await _page(request, error=exc.message, status=exc.status)
    return await _page(request, revealed=(ticket_id, phone))


@requires(Permission.ACT_HANDOVERS)
async def done_on_page(request: web.Request) -> web.StreamResponse:
    ticket_id = _page_id(request)
    outcome = request[keys.FORM].get("outcome") or None
    try:
        await request.app[keys.DATABASE].run(
            desk.mark_done, _agent(request), actor(request), ticket_id, outcome, now=utcnow()
        )
    except InboxError as exc:
        if exc.status == 404:
            raise web.HTTPNotFound() from None
        return await _page(request, error=exc.message, status=exc.status)
    raise redirect(request, "callbacks.page", query={"done": "marked"})


@requires(Permission.ACT_HANDOVERS)
async def add_closure_on_page(request: web.Request) -> web.StreamResponse:
    form = request[keys.FORM]
    typed = {name: form.get(name) for name in ("agency", "starts_on", "ends_on", "reason")}
    new = NewClosure(typed["agency"], typed["starts_on"], typed["ends_on"], typed["reason"])
    try:
        await request.app[keys.DATABASE].run(
            desk.add_closure, _agent(request), actor(request), new, now=utcnow()
        )
    except InboxError as exc:
        return await _page(request, error=exc.message, closure_form=typed, status=exc.status)
    raise redirect(request, "callbacks.page", query={"done": "closure_added"})


@requires(Permission.ACT_HANDOVERS)
async def delete_closure_on_page(request: web.Request) -> web.StreamResponse:
    closure_id = _page_id(request)
    try:
        await request.app[keys.DATABASE].run(
            desk.delete_closure, _agent(request), actor(request), closure_id, now=utcnow()
        )
    except InboxError as exc:
        if exc.status == 404:
            raise web.HTTPNotFound() from None
        return await _page(request, error=exc.message, status=exc.status)
    raise redirect(request, "callbacks.page", query={"done": "closure_deleted"})


# -- the JSON API -------------------------------------------------------------------------------------


def _text_field(body: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise ApiError(400, "missing_field", f"ไม่มีช่อง {name}", name)
        return None
    if not isinstance(value, str):
        raise ApiError(400, "bad_field", f"ช่อง {name} ต้องเป็นข้อความ", name)
    return value


@api(Permission.VIEW_HANDOVERS)
async def api_list_tickets(request: web.Request, agent: Agent) -> web.StreamResponse:
    status = request.query.get("status", desk.OPEN)
    if status not in desk.TICKET_STATUSES:
        raise ApiError(400, "unknown_status", "status ต้องเป็น open หรือ done", "status")
    tickets = await request.app[keys.READER].run(desk.list_tickets, agent, status)
    return web.json_response({"callbacks": [t.to_json() for t in tickets]})


@api(Permission.VIEW_HANDOVERS)
async def api_get_ticket(request: web.Request, agent: Agent) -> web.StreamResponse:
    ticket = await request.app[keys.READER].run(desk.get_ticket, agent, _id(request))
    return web.json_response(ticket.to_json())


@api(Permission.ACT_HANDOVERS, changing=True)
async def api_reveal(request: web.Request, agent: Agent) -> web.StreamResponse:
    phone = await request.app[keys.DATABASE].run(
        desk.reveal_phone, agent, _api_actor(request, agent), _id(request), _vault(request), now=utcnow()
    )
    return web.json_response({"phone": phone}, headers=NO_STORE)


@api(Permission.ACT_HANDOVERS, changing=True)
async def api_done(request: web.Request, agent: Agent) -> web.StreamResponse:
    ticket_id = _id(request)
    outcome = _text_field(await read_object(request, optional=True), "outcome", required=False)
    ticket = await request.app[keys.DATABASE].run(
        desk.mark_done, agent, _api_actor(request, agent), ticket_id, outcome or None, now=utcnow()
    )
    return web.json_response(ticket.to_json())


@api(Permission.VIEW_HANDOVERS)
async def api_list_closures(request: web.Request, agent: Agent) -> web.StreamResponse:
    today = desk.bangkok_today(utcnow())
    closures = await request.app[keys.READER].run(desk.list_closures, agent, today)
    return web.json_response({"closures": [c.to_json() for c in closures]})


@api(Permission.ACT_HANDOVERS, changing=True)
async def api_add_closure(request: web.Request, agent: Agent) -> web.StreamResponse:
    body = await read_object(request)
    new = NewClosure(
        agency_id=_text_field(body, "agency", required=False) or "",
        starts_on=_text_field(body, "starts_on", required=True) or "",
        ends_on=_text_field(body, "ends_on", required=True) or "",
        reason=_text_field(body, "reason", required=True) or "",
    )
    closure = await request.app[keys.DATABASE].run(
        desk.add_closure, agent, _api_actor(request, agent), new, now=utcnow()
    )
    return web.json_response(closure.to_json(), status=201)


@api(Permission.ACT_HANDOVERS, changing=True)
async def api_delete_closure(request: web.Request, agent: Agent) -> web.StreamResponse:
    await request.app[keys.DATABASE].run(
        desk.delete_closure, agent, _api_actor(request, agent), _id(request), now=utcnow()
    )
    return web.Response(status=204)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/callbacks", callbacks_page, name="callbacks.page")
    app.router.add_post("/callbacks/{id}/reveal", reveal_on_page, name="callbacks.reveal")
    app.router.add_post("/callbacks/{id}/done", done_on_page, name="callbacks.done")
    app.router.add_post("/callbacks/closures", add_closure_on_page, name="callbacks.closure_add")
    app.router.add_post(
        "/callbacks/closures/{id}/delete", delete_closure_on_page, name="callbacks.closure_delete"
    )
    app.router.add_get("/api/callbacks", api_list_tickets, name="api.callbacks")
    app.router.add_get("/api/callbacks/{id}", api_get_ticket, name="api.callback")
    app.router.add_post("/api/callbacks/{id}/reveal", api_reveal, name="api.callback_reveal")
    app.router.add_post("/api/callbacks/{id}/done", api_done, name="api.callback_done")
    app.router.add_get("/api/closures", api_list_closures, name="api.closures")
    app.router.add_post("/api/closures", api_add_closure, name="api.closures_post")
    app.router.add_delete("/api/closures/{id}", api_delete_closure, name="api.closure_delete")
