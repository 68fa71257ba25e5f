"""The teaching page ("สอนบอท"): the review queue grouped by similarity, and a decision per group.

Editors, reviewers and admins see it (Permission.EDIT). A decision is a CSRF-checked form (the
console's middleware) applied by `teaching.decisions.decide` in one transaction with its audit entry.
A reviewer's "means service X" is published at once; an editor's waits as a draft version for a
reviewer, like any edit. Only text masked by `teaching.queue` reaches the template.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from knowledge.agencies import AgencyDirectory
from knowledge.record import ServiceRecord
from staff import keys
from staff.pages import actor, identity, redirect, render, requires
from staff.roles import Permission, allows
from teaching import decisions, queue

DIRECTORY = web.AppKey("teaching_agency_directory", AgencyDirectory)

DECISION_LABELS_TH = {
    "service": "หมายถึงบริการนี้",
    "new_service": "ต้องมีบริการใหม่",
    "out_of_scope": "ไม่ใช่งานที่นี่ แนะนำหน่วยงาน",
    "wrong_answer": "บอทตอบผิด",
    "dismissed": "ข้าม",
}
# Messages after a redirect are chosen by code; nothing from the query string is shown.
DONE_MESSAGES_TH = {
    "service": "บันทึกเป็นตัวอย่างคำถามของบริการแล้ว",
    "service_draft": "บันทึกเป็นร่างฉบับใหม่ของบริการแล้ว รอผู้ตรวจทานเผยแพร่",
    "out_of_scope": "บันทึกแล้ว บอทจะแนะนำหน่วยงานนี้สำหรับคำถามแบบนี้",
    "dismissed": "ข้ามคำถามกลุ่มนี้แล้ว",
}
MAX_ID_DIGITS = 12


@requires(Permission.EDIT)
async def page(request: web.Request) -> web.StreamResponse:
    done = request.query.get("done", "")
    return await _page(request, done=DONE_MESSAGES_TH.get(done, ""))


async def _page(request: web.Request, *, done: str = "", error: str = "", status: int = 200) -> web.Response:
    reason = request.query.get("reason", "")
    reason = reason if reason in queue.REASON_LABELS_TH else ""
    agency = request.query.get("agency", "")[:300]
    records = await asyncio.to_thread(request.app[keys.STORE].list_published)
    agency_of = {r.id: r.agency for r in records}
    items = await request.app[keys.READER].run(
        queue.load_items, reason=reason, agency=agency, agency_of=agency_of
    )
    groups = await asyncio.to_thread(queue.group_items, items)
    directory = request.app[DIRECTORY]
    who = identity(request)
    context: dict[str, Any] = {
        "groups": groups,
        "reason": reason,
        "agency": agency,
        "agencies": sorted({r.agency for r in records if r.agency}),
        "services": _choices(records),
        "titles": {r.id: r.title_th for r in records},
        "referral_agencies": sorted(directory.agencies, key=lambda a: a.name_th),
        "reason_labels": queue.REASON_LABELS_TH,
        "decision_labels": DECISION_LABELS_TH,
        "may_publish": who is not None and allows(who.role, Permission.PUBLISH),
        "done": done,
        "error": error,
        "filters": {"reason": reason, "agency": agency},
    }
    return render(request, "review/page.html", context, status=status)


@requires(Permission.EDIT)
async def decide(request: web.Request) -> web.StreamResponse:
    form = request[keys.FORM]
    decision = form.get("decision")
    ids = [_row_id(raw) for raw in form.fields.getall("ids", [])]
    target = {
        "service": form.get("service"),
        "wrong_answer": form.get("service"),
        "new_service": form.get("new_id"),
        "out_of_scope": form.get("agency"),
    }.get(decision, "")
    who = identity(request)
    assert who is not None
    may_publish = allows(who.role, Permission.PUBLISH)
    try:
        outcome = await request.app[keys.DATABASE].run(
            decisions.decide,
            actor(request),
            decision,
            ids,
            target=target,
            may_publish=may_publish,
            directory=request.app[DIRECTORY],
            title_th=form.get("new_title")[:300],
        )
    except decisions.DecisionError as exc:
        return await _page(request, error=str(exc), status=exc.status)
    if decision == "new_service":
        raise redirect(request, "services.edit", service_id=outcome.target)
    if decision == "wrong_answer":
        url = request.app.router["services.edit"].url_for(service_id=outcome.target)
        raise web.HTTPSeeOther(f"{url}#field-{outcome.field}")
    done = "service_draft" if decision == "service" and not may_publish else decision
    filters = {k: v for k, v in (("reason", form.get("reason")), ("agency", form.get("agency_filter"))) if v}
    raise redirect(request, "review.page", query={**filters, "done": done})


def _row_id(raw: str) -> int:
    """ASCII digits only (int() would take Thai digits and signs); anything else is a bad request."""
    raw = raw.strip()
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > MAX_ID_DIGITS:
        raise web.HTTPBadRequest(text="ids must be whole numbers")
    return int(raw)


def _choices(records: list[ServiceRecord]) -> list[tuple[str, str]]:
    return sorted(((r.id, f"{r.title_th} ({r.id})") for r in records), key=lambda c: c[1])


def add_routes(app: web.Application) -> None:
    app[DIRECTORY] = AgencyDirectory.load()  # once at start-up: the referral choices
    app.router.add_get("/review", page, name="review.page")
    app.router.add_post("/review/decide", decide, name="review.decide")
