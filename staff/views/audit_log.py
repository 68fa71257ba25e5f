"""The audit trail, newest first (admins only)."""

from __future__ import annotations

from aiohttp import web

from staff import audit, keys
from staff.pages import render, requires
from staff.roles import Permission

PAGE_SIZE = 100


@requires(Permission.VIEW_AUDIT)
async def audit_list(request: web.Request) -> web.StreamResponse:
    raw_page = request.query.get("page", "1")
    page = int(raw_page) if raw_page.isascii() and raw_page.isdigit() and 0 < len(raw_page) < 7 else 1
    page = max(page, 1)
    action = request.query.get("action", "")[:64]
    target = request.query.get("target", "")[:128]
    entries, total = await request.app[keys.DATABASE].run(
        audit.recent, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, action=action, target_id=target
    )
    return render(
        request,
        "audit.html",
        {
            "entries": entries,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "action": action,
            "target": target,
        },
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/audit", audit_list, name="audit.list")
