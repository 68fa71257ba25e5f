"""Bulk import (YAML files or a zip of them) and export (a zip) in the seed-file format."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from aiohttp import web

from staff import audit, keys, transfer
from staff.pages import actor, identity, render, requires
from staff.roles import Permission, allows

MAX_IDS_IN_AUDIT = 40


@requires(Permission.VIEW)
async def page(request: web.Request) -> web.StreamResponse:
    return render(request, "transfer.html", {"errors": [], "report": None})


@requires(Permission.VIEW)
async def export(request: web.Request) -> web.StreamResponse:
    published_only = request.query.get("scope", "all") == "published"
    records = await asyncio.to_thread(request.app[keys.STORE].export_records, published_only=published_only)
    data = await asyncio.to_thread(transfer.export_zip, records)
    scope = "published" if published_only else "all"
    await request.app[keys.DATABASE].run(
        audit.record,
        actor(request),
        "transfer.export",
        target_type="services",
        target_id=scope,
        detail=f"{len(records)} records",
    )
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return web.Response(
        body=data,
        content_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="services-{scope}-{stamp}.zip"'},
    )


@requires(Permission.EDIT)
async def import_files(request: web.Request) -> web.StreamResponse:
    form = request[keys.FORM]
    who = identity(request)
    assert who is not None
    publish = form.get("publish") == "1"
    if publish and not allows(who.role, Permission.PUBLISH):
        return render(request, "forbidden.html", {"reason": "role"}, status=403)
    parsed = await asyncio.to_thread(transfer.parse_uploads, form.files_named("files"))
    if parsed.errors:
        return render(request, "transfer.html", {"errors": parsed.errors, "report": None}, status=422)
    note = form.get("note")[:500] or "นำเข้าไฟล์"
    report = await asyncio.to_thread(
        request.app[keys.STORE].import_records,
        parsed.records,
        author=who.username,
        publish=publish,
        note=note,
    )
    ids = [r.id for r in parsed.records]
    detail = (
        f"created={len(report.created)} updated={len(report.updated)} unchanged={len(report.unchanged)} "
        f"published={len(report.published)} ids={','.join(ids[:MAX_IDS_IN_AUDIT])}"
        + ("…" if len(ids) > MAX_IDS_IN_AUDIT else "")
    )
    await request.app[keys.DATABASE].run(
        audit.record, actor(request), "transfer.upload", target_type="services", target_id="", detail=detail
    )
    return render(request, "transfer.html", {"errors": [], "report": report})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/transfer", page, name="transfer.page")
    app.router.add_get("/transfer/export.zip", export, name="transfer.export")
    app.router.add_post("/transfer/import", import_files, name="transfer.upload")
