"""The inbox page (issue 12): handed-over conversations of the agent's agency — waiting, mine, others',
closed — and one conversation with its transcript, reply box, canned answers, note, transfer, close
and the agent's presence.

The page is server-rendered (the lists as they are now) and a small same-origin script
(static/inbox.js) keeps it live from the API's event stream (/staff/api/handovers/stream) and acts
through the JSON API with the session's CSRF token; this is the one console page that runs script, so
it alone widens the Content-Security-Policy, to 'self' only.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from cases.render import STATUS_LABELS_TH as CASE_STATUS_LABELS_TH
from handover import inbox
from handover.inbox import Agent
from staff import keys
from staff.middleware import SECURITY_HEADERS
from staff.pages import identity, render, requires
from staff.roles import Permission
from staff.views.cases import KIND_LABELS_TH
from staff.views.handover_api import snapshot

CHANNEL_LABELS_TH = {"line": "LINE", "sms": "SMS", "web": "เว็บแชต"}
REASON_LABELS_TH = {
    "request_human": "ขอคุยกับเจ้าหน้าที่",
    "fallback": "บอทตอบไม่ได้",
    "sensitive_topic": "เรื่องอ่อนไหว",
}
STATUS_LABELS_TH = {
    "waiting": "รอรับเรื่อง",
    "active": "กำลังสนทนา",
    "closed": "ปิดแล้ว",
    "cancelled": "ประชาชนยกเลิก",
}

# The console's policy with this page's script and its API calls (same origin only).
INBOX_CSP = SECURITY_HEADERS["Content-Security-Policy"] + "; script-src 'self'; connect-src 'self'"


@requires(Permission.VIEW_HANDOVERS)
async def inbox_page(request: web.Request) -> web.StreamResponse:
    who = identity(request)
    assert who is not None
    agent = Agent(user_id=who.user_id, username=who.username, role=who.role, agency_id=who.agency_id)
    reader = request.app[keys.READER]
    lists: dict[str, Any] = await reader.run(snapshot, agent)
    presence = await reader.run(inbox.presence_of, agent)
    response = render(
        request,
        "inbox/page.html",
        {
            "lists": lists,
            "presence": presence,
            "agency_name": inbox.agency_label(who.agency_id) if who.agency_id else "",
            "every_agency": agent.every_agency,
            "agencies": inbox.agency_choices(),
            "resolutions": inbox.RESOLUTIONS,
            "channel_labels": CHANNEL_LABELS_TH,
            "reason_labels": REASON_LABELS_TH,
            "status_labels": STATUS_LABELS_TH,
            "max_text": inbox.MAX_TEXT_CHARS,
            "api_root": str(request.app.router["api.handovers"].url_for()).rsplit("/", 1)[0] + "/",
            "labels": {
                "channels": CHANNEL_LABELS_TH,
                "reasons": REASON_LABELS_TH,
                "statuses": STATUS_LABELS_TH,
                "resolutions": inbox.RESOLUTIONS,
                "agencies": dict(inbox.agency_choices()),
                "case_statuses": CASE_STATUS_LABELS_TH,
                "case_kinds": KIND_LABELS_TH,
            },
        },
    )
    response.headers["Content-Security-Policy"] = INBOX_CSP
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/inbox", inbox_page, name="inbox.page")
