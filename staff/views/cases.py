"""Case pages (issue 5): the signed-in user's agency's cases — list with filters, one case with its
history and masked contacts, its photos, and the status-change form.

Every query is scoped to the agency on the user's account: another agency's case answers 404 exactly
like a reference that does not exist, and an account without an agency gets a page saying why.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from cases.photos import PhotoStore, sniff_image_type
from cases.registry import STATUSES
from cases.render import STATUS_LABELS_TH
from nlu.case_ref import parse_case_ref
from staff import case_detail, case_form, case_list, case_status, keys
from staff.agencies import agency_name
from staff.case_form import StatusForm, StatusFormError
from staff.pages import actor, identity, redirect, render, requires
from staff.roles import Permission

KIND_LABELS_TH = {"application": "คำขอ", "complaint": "เรื่องร้องเรียน"}
CHANNEL_LABELS_TH = {"line": "LINE", "sms": "SMS", "web": "เว็บแชต"}
CONSENT_PURPOSES_TH = {"case_updates": "รับแจ้งความคืบหน้าของเรื่อง"}
DONE_MESSAGES_TH = {
    "updated": "บันทึกสถานะแล้ว ระบบจะแจ้งความคืบหน้าไปยังช่องทางที่ประชาชนขอรับไว้",
}


def _agency(request: web.Request) -> str | None:
    who = identity(request)
    return who.agency_id if who else None


def _no_agency(request: web.Request) -> web.Response:
    return render(request, "cases/no_agency.html", status=403)


def _reference(request: web.Request) -> str:
    parsed = parse_case_ref(request.match_info["ref"])
    if parsed is None:
        raise web.HTTPNotFound()
    return parsed.canonical


def _whole_number(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


def _labels() -> dict[str, Any]:
    return {
        "status_labels": STATUS_LABELS_TH,
        "kind_labels": KIND_LABELS_TH,
        "channel_labels": CHANNEL_LABELS_TH,
        "consent_purposes": CONSENT_PURPOSES_TH,
        "statuses": STATUSES,
    }


@requires(Permission.VIEW_CASES)
async def case_list_page(request: web.Request) -> web.StreamResponse:
    agency_id = _agency(request)
    if agency_id is None:
        return _no_agency(request)
    filters, errors = case_list.parse_filters(dict(request.query))
    page_no = _whole_number(request.query.get("page", "")) or 1
    database = request.app[keys.DATABASE]
    listing = await database.run(case_list.list_page, agency_id, filters, page_no)
    name = await database.run(agency_name, agency_id)
    query = {"status": filters.status, "kind": filters.kind, "category": filters.category, "q": filters.text}
    return render(
        request,
        "cases/list.html",
        {
            "listing": listing,
            "filters": filters,
            "errors": errors,
            "agency_id": agency_id,
            "agency_name": name or agency_id,
            "prev_query": {**query, "page": str(listing.page - 1)},
            "next_query": {**query, "page": str(listing.page + 1)},
            **_labels(),
        },
        status=400 if errors else 200,
    )


@requires(Permission.VIEW_CASES)
async def case_page(request: web.Request) -> web.StreamResponse:
    agency_id = _agency(request)
    if agency_id is None:
        return _no_agency(request)
    detail = await request.app[keys.DATABASE].run(case_detail.load, agency_id, _reference(request))
    if detail is None:
        raise web.HTTPNotFound()
    return _detail_page(request, detail)


@requires(Permission.UPDATE_CASES)
async def change_status(request: web.Request) -> web.StreamResponse:
    agency_id = _agency(request)
    if agency_id is None:
        return _no_agency(request)
    reference = _reference(request)
    form = case_form.submitted(dict(request[keys.FORM].fields))
    who = actor(request)
    database = request.app[keys.DATABASE]
    try:
        change = case_form.to_change(form, actor=f"staff:{who.username}")
    except StatusFormError as exc:
        detail = await database.run(case_detail.load, agency_id, reference)
        if detail is None:
            raise web.HTTPNotFound() from None
        return _detail_page(request, detail, form=form, error=str(exc), error_field=exc.field, status=400)
    queued = await database.run(case_status.apply, agency_id, reference, change, who)
    if queued is None:
        raise web.HTTPNotFound()
    raise redirect(request, "cases.detail", query={"done": "updated"}, ref=reference)


@requires(Permission.VIEW_CASES)
async def case_photo(request: web.Request) -> web.StreamResponse:
    """The image itself, for this agency's staff only (photos can show people and homes)."""
    agency_id = _agency(request)
    if agency_id is None:
        return _no_agency(request)
    photo_id = _whole_number(request.match_info["photo_id"])
    if photo_id is None:
        raise web.HTTPNotFound()
    found = await request.app[keys.DATABASE].run(
        case_detail.photo_file, agency_id, _reference(request), photo_id
    )
    if found is None:
        raise web.HTTPNotFound()
    storage_ref, content_type = found
    store = PhotoStore(request.app[keys.SETTINGS].case_photo_dir)
    data = await asyncio.to_thread(store.read, storage_ref)
    if data is None or sniff_image_type(data) != content_type:  # purged, or not what was recorded
        raise web.HTTPNotFound()
    return web.Response(
        body=data,
        content_type=content_type,
        headers={
            "Cache-Control": "private, no-store",
            "Content-Disposition": f'inline; filename="{storage_ref}"',
        },
    )


def _detail_page(
    request: web.Request,
    detail: case_detail.CaseDetail,
    *,
    form: StatusForm | None = None,
    error: str = "",
    error_field: str = "",
    status: int = 200,
) -> web.Response:
    return render(
        request,
        "cases/detail.html",
        {
            "case": detail,
            "form": form or StatusForm(status=detail.status),
            "error": error,
            "error_field": error_field,
            "done": DONE_MESSAGES_TH.get(request.query.get("done", ""), ""),
            **_labels(),
        },
        status=status,
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/cases", case_list_page, name="cases.list")
    app.router.add_get("/cases/{ref}", case_page, name="cases.detail")
    app.router.add_post("/cases/{ref}/status", change_status, name="cases.status")
    app.router.add_get("/cases/{ref}/photos/{photo_id}", case_photo, name="cases.photo")
