"""Service records: list, create, edit, preview, publish / unpublish, history and diff."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from knowledge.record import AGENCY_LEVELS, ID_PATTERN, RecordError
from knowledge.store import ConflictError, KnowledgeStore, NotFoundError
from staff import audit, diff, keys, preview, service_form
from staff.pages import actor, identity, redirect, render, requires
from staff.roles import Permission

STATUS_LABELS_TH = {"draft": "ร่าง", "published": "เผยแพร่แล้ว"}
MAX_NOTE = 500

# Messages after a redirect are chosen by code, so nothing from the query string is ever shown.
DONE_MESSAGES_TH = {
    "created": "สร้างร่างแล้ว",
    "saved": "บันทึกร่างฉบับใหม่แล้ว",
    "unchanged": "ไม่มีการเปลี่ยนแปลง จึงไม่ได้สร้างฉบับใหม่",
    "published": "เผยแพร่แล้ว ผู้ใช้จะเห็นเนื้อหานี้ภายในไม่กี่วินาที",
    "unpublished": "ยกเลิกการเผยแพร่แล้ว",
}


def _service_id(request: web.Request) -> str:
    sid = request.match_info["service_id"]
    if not ID_PATTERN.match(sid):
        raise web.HTTPNotFound()
    return sid


def _store(request: web.Request) -> KnowledgeStore:
    return request.app[keys.STORE]


async def _audit(request: web.Request, action: str, target_id: str, detail: str = "") -> None:
    who = actor(request)
    await request.app[keys.DATABASE].run(
        audit.record, who, action, target_type="service", target_id=target_id, detail=detail
    )


@requires(Permission.VIEW)
async def service_list(request: web.Request) -> web.StreamResponse:
    status = request.query.get("status", "")
    agency = request.query.get("agency", "")
    text = request.query.get("q", "")
    page_no = _whole_number(request.query.get("page", "")) or 1
    page = await asyncio.to_thread(
        _store(request).page_services, status=status, agency=agency, text=text, page=page_no
    )
    filters = {"status": status, "agency": agency, "q": text}
    return render(
        request,
        "services/list.html",
        {
            "listing": page,
            "status": status,
            "agency": agency,
            "q": text,
            "status_labels": STATUS_LABELS_TH,
            "prev_query": {**filters, "page": str(page.page - 1)},
            "next_query": {**filters, "page": str(page.page + 1)},
        },
    )


@requires(Permission.EDIT)
async def new_form(request: web.Request) -> web.StreamResponse:
    return _edit_page(request, form=service_form.empty_form(), creating=True)


@requires(Permission.EDIT)
async def create(request: web.Request) -> web.StreamResponse:
    form = service_form.submitted(request[keys.FORM].fields)
    note = request[keys.FORM].get("note")[:MAX_NOTE]
    try:
        record = service_form.from_form(form)
        # expected_version=0: refuse to overwrite a record that already has this id
        await asyncio.to_thread(
            _store(request).save_draft,
            record,
            author=_author(request),
            note=note or "สร้างใหม่",
            expected_version=0,
        )
    except RecordError as exc:
        return _edit_page(request, form=form, creating=True, error=str(exc), note=note, status=422)
    except ConflictError:
        error = f"มีบริการรหัส {form['id']} อยู่แล้ว เลือกรหัสอื่นหรือแก้ไขรายการเดิม"
        return _edit_page(request, form=form, creating=True, error=error, note=note, status=409)
    await _audit(request, "service.create", record.id, note)
    raise redirect(request, "services.detail", query={"done": "created"}, service_id=record.id)


@requires(Permission.VIEW)
async def detail(request: web.Request) -> web.StreamResponse:
    sid = _service_id(request)
    store = _store(request)
    record = await asyncio.to_thread(store.get, sid)
    if record is None:
        raise web.HTTPNotFound()
    try:
        entries = await asyncio.to_thread(store.history, sid)
    except NotFoundError:
        raise web.HTTPNotFound() from None
    live = next((e for e in entries if e.is_live), None)
    return render(
        request,
        "services/detail.html",
        {
            "record": record,
            "latest": entries[0] if entries else None,
            "live": live,
            "status_labels": STATUS_LABELS_TH,
            "done": DONE_MESSAGES_TH.get(request.query.get("done", ""), ""),
            "form": service_form.to_form(record),
        },
    )


@requires(Permission.EDIT)
async def edit_form(request: web.Request) -> web.StreamResponse:
    sid = _service_id(request)
    record = await asyncio.to_thread(_store(request).get, sid)
    if record is None:
        raise web.HTTPNotFound()
    return _edit_page(request, form=service_form.to_form(record), creating=False, version=record.version)


@requires(Permission.EDIT)
async def save(request: web.Request) -> web.StreamResponse:
    sid = _service_id(request)
    body = request[keys.FORM]
    form = service_form.submitted(body.fields)
    form["id"] = sid  # the id is fixed once created; a changed hidden field cannot rename a record
    note = body.get("note")[:MAX_NOTE]
    expected = _whole_number(body.get("expected_version"))
    if expected is None:
        raise web.HTTPBadRequest(text="expected_version missing")
    try:
        record = service_form.from_form(form)
        result = await asyncio.to_thread(
            _store(request).save_draft, record, author=_author(request), note=note, expected_version=expected
        )
    except RecordError as exc:
        return _edit_page(
            request, form=form, creating=False, version=expected, error=str(exc), note=note, status=422
        )
    except ConflictError:
        error = "มีผู้อื่นบันทึกฉบับใหม่หลังจากที่คุณเปิดหน้านี้ ข้อความของคุณยังอยู่ด้านล่าง โปรดเปิดฉบับล่าสุดในแท็บใหม่แล้วรวมการแก้ไข"
        return _edit_page(
            request, form=form, creating=False, version=expected, error=error, note=note, status=409
        )
    if not result.changed:
        raise redirect(request, "services.detail", query={"done": "unchanged"}, service_id=sid)
    await _audit(request, "service.save_draft", sid, f"v{result.record.version}: {note}")
    raise redirect(request, "services.detail", query={"done": "saved"}, service_id=sid)


@requires(Permission.VIEW)
async def preview_page(request: web.Request) -> web.StreamResponse:
    sid = _service_id(request)
    store = _store(request)
    version = _int_query(request, "version")
    if version is None:
        record = await asyncio.to_thread(store.get, sid)
    else:
        entry = await asyncio.to_thread(store.get_version, sid, version)
        record = entry.record if entry else None
    if record is None:
        raise web.HTTPNotFound()
    channel = request.query.get("channel", "line")
    if channel not in preview.CHANNELS:
        channel = "line"
    return render(
        request,
        "services/preview.html",
        {
            "record": record,
            "bubbles": preview.bubbles(record, channel),
            "missing": preview.missing_aspects(record),
            "limit": preview.PHONE_FRIENDLY_CHARS,
            "channel": channel,
            "channels": preview.CHANNELS,
            "version_query": {"version": str(version)} if version is not None else {},
        },
    )


@requires(Permission.PUBLISH)
async def publish(request: web.Request) -> web.StreamResponse:
    sid = _service_id(request)
    raw = request[keys.FORM].get("version")
    version = _whole_number(raw)
    if raw and version is None:
        raise web.HTTPBadRequest(text="version must be a number")
    try:
        record = await asyncio.to_thread(
            _store(request).publish, sid, author=_author(request), version=version
        )
    except NotFoundError:
        raise web.HTTPNotFound() from None
    await _audit(request, "service.publish", sid, f"v{record.version}")
    raise redirect(request, "services.detail", query={"done": "published"}, service_id=sid)


@requires(Permission.PUBLISH)
async def unpublish(request: web.Request) -> web.StreamResponse:
    sid = _service_id(request)
    try:
        await asyncio.to_thread(_store(request).unpublish, sid, author=_author(request))
    except NotFoundError:
        raise web.HTTPNotFound() from None
    await _audit(request, "service.unpublish", sid)
    raise redirect(request, "services.detail", query={"done": "unpublished"}, service_id=sid)


@requires(Permission.VIEW)
async def history(request: web.Request) -> web.StreamResponse:
    sid = _service_id(request)
    try:
        entries = await asyncio.to_thread(_store(request).history, sid)
    except NotFoundError:
        raise web.HTTPNotFound() from None
    rows = []
    for older, newer in zip([*entries[1:], None], entries, strict=True):
        fields = diff.changed_fields(older.record, newer.record) if older else ["(ฉบับแรก)"]
        rows.append({"entry": newer, "fields": fields})
    return render(request, "services/history.html", {"service_id": sid, "rows": rows, "entries": entries})


@requires(Permission.VIEW)
async def diff_page(request: web.Request) -> web.StreamResponse:
    sid = _service_id(request)
    a, b = _int_query(request, "a"), _int_query(request, "b")
    if a is None or b is None:
        raise web.HTTPBadRequest(text="choose two versions")
    if a > b:
        a, b = b, a
    store = _store(request)
    old = await asyncio.to_thread(store.get_version, sid, a)
    new = await asyncio.to_thread(store.get_version, sid, b)
    if old is None or new is None:
        raise web.HTTPNotFound()
    return render(
        request,
        "services/diff.html",
        {
            "service_id": sid,
            "old": old,
            "new": new,
            "fields": diff.changed_fields(old.record, new.record),
            "rows": diff.line_diff(old.record, new.record),
        },
    )


def _edit_page(
    request: web.Request,
    *,
    form: dict[str, str],
    creating: bool,
    version: int = 0,
    error: str = "",
    note: str = "",
    status: int = 200,
) -> web.Response:
    context: dict[str, Any] = {
        "form": form,
        "creating": creating,
        "version": version,
        "error": error,
        "note": note,
        "levels": service_form.AGENCY_LEVEL_LABELS_TH,
        "level_order": AGENCY_LEVELS,
    }
    return render(request, "services/edit.html", context, status=status)


def _author(request: web.Request) -> str:
    who = identity(request)
    assert who is not None  # every caller is behind @requires
    return who.username


def _int_query(request: web.Request, name: str) -> int | None:
    raw = request.query.get(name, "")
    if not raw:
        return None
    value = _whole_number(raw)
    if value is None:
        raise web.HTTPBadRequest(text=f"{name} must be a whole number")
    return value


def _whole_number(raw: str) -> int | None:
    """ASCII digits only (int() would also take Thai digits and '+1'); None when not a number."""
    raw = raw.strip()
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        return None
    return int(raw)


def add_routes(app: web.Application) -> None:
    r = app.router
    listing = r.add_resource("/services", name="services.list")
    listing.add_route("GET", service_list)
    new = r.add_resource("/services/new", name="services.new")
    new.add_route("GET", new_form)
    new.add_route("POST", create)
    r.add_get("/services/{service_id}", detail, name="services.detail")
    edit = r.add_resource("/services/{service_id}/edit", name="services.edit")
    edit.add_route("GET", edit_form)
    edit.add_route("POST", save)
    r.add_get("/services/{service_id}/preview", preview_page, name="services.preview")
    r.add_post("/services/{service_id}/publish", publish, name="services.publish")
    r.add_post("/services/{service_id}/unpublish", unpublish, name="services.unpublish")
    r.add_get("/services/{service_id}/history", history, name="services.history")
    r.add_get("/services/{service_id}/diff", diff_page, name="services.diff")
