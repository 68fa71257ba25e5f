"""The staff JSON API under /staff/api/ (issue 12): the inbox page uses it, and so can an agency's own
contact-centre tool. Documented in staff/openapi.json, served at /staff/api/openapi.json.

Who is asking: `Authorization: Bearer <token>` (`python -m staff issue-token`) or the console's session
cookie. A cookie is sent by the browser on its own, so a changing request with one must also carry the
session's CSRF token in `X-CSRF-Token` (the inbox page reads it from its own markup); a bearer token is
never sent by a browser on its own and needs nothing more. Without a valid one: 401.

Every error is an RFC 9457 problem document with a stable `code` and a Thai `detail`. Handovers of
another agency answer 404 exactly like ids that do not exist (handover.inbox scopes every query).

After a reply or a close is committed, the gateway's handover delivery worker is woken
(channels.keys.HANDOVER_WAKE) so the line goes out at once instead of at its next poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from cases.api_expect import expect_continue_only
from cases.api_rate_limit import TokenBuckets
from cases.photos import PhotoStore, sniff_image_type
from channels.keys import HANDOVER_WAKE
from channels.text_input import json_too_deep
from handover import inbox
from handover.inbox import Agent, InboxError
from handover.models import ACTIVE, CANCELLED, CLOSED, WAITING
from staff import api_tokens, keys, sessions
from staff.models import utcnow
from staff.pages import Handler, identity
from staff.roles import Permission, allows

log = logging.getLogger(__name__)

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "openapi.json"
MAX_BODY_BYTES = 64 * 1024
POLL_S = 0.5  # the live stream's look at the database
KEEPALIVE_S = 15.0
REAUTH_S = 60.0  # a stream re-checks its session or token this often (sign-out, deactivation)
CLOSED_IN_STREAM = 30
CSRF_HEADER = "X-CSRF-Token"

ApiHandler = Callable[[web.Request, Agent], Awaitable[web.StreamResponse]]


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, detail: str, field: str | None = None, *, retry_after: float = 0.0
    ) -> None:
        super().__init__(code)
        self.status, self.code, self.detail, self.field = status, code, detail, field
        self.retry_after = retry_after


# Wrong bearer tokens per client address (the peer, or the client a trusted proxy names): tokens are
# 256-bit random, so this is about sparing the database a scan's look-ups, per process.
FAILED_TOKENS_PER_MINUTE = 30
FAILED_TOKENS = web.AppKey("staff_api_failed_tokens", TokenBuckets)


TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
}


def problem(status: int, code: str, detail: str, field: str | None = None) -> web.Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "code": code,
        "detail": detail,
    }
    if field:
        body["field"] = field
    response = web.json_response(body, status=status, content_type="application/problem+json")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="staff"'
    return response


# -- who is asking ------------------------------------------------------------------------------------


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None  # another scheme (a proxy's Basic, say) is not ours: the session decides
    if not token.strip():
        raise ApiError(401, "unauthenticated", "ส่ง Authorization: Bearer <token> หรือเข้าสู่ระบบก่อน")
    return token.strip()


async def authenticate(request: web.Request, *, changing: bool) -> Agent:
    token = _bearer(request)
    if token is not None:
        failures, client = request.app[FAILED_TOKENS], f"client:{request.remote}"
        wait = failures.wait(client)
        if wait:
            raise ApiError(429, "too_many_failures", "ใส่ token ผิดบ่อยเกินไป โปรดรอสักครู่", retry_after=wait)
        user = await request.app[keys.DATABASE].run(api_tokens.user_for, token, now=utcnow())
        if user is None:
            failures.take(client)  # only failures count: valid calls in parallel never refuse each other
            raise ApiError(401, "unauthenticated", "token ไม่ถูกต้อง ถูกยกเลิก หรือบัญชีถูกปิดใช้งาน")
        return Agent(user_id=user.id, username=user.username, role=user.role, agency_id=user.agency_id)
    who = identity(request)
    if who is None:
        raise ApiError(401, "unauthenticated", "ส่ง Authorization: Bearer <token> หรือเข้าสู่ระบบก่อน")
    if changing:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not hmac.compare_digest(who.csrf_token.encode(), sent.encode()):
            raise ApiError(403, "csrf", f"คำขอที่ใช้คุกกี้ต้องมี {CSRF_HEADER} ของเซสชัน")
    return Agent(user_id=who.user_id, username=who.username, role=who.role, agency_id=who.agency_id)


def api(permission: Permission, *, changing: bool = False) -> Callable[[ApiHandler], Handler]:
    """Authenticate, check the role, run, and turn every refusal into a problem document."""

    def decorate(handler: ApiHandler) -> Handler:
        async def wrapper(request: web.Request) -> web.StreamResponse:
            try:
                agent = await authenticate(request, changing=changing)
                if not allows(agent.role, permission):
                    raise ApiError(403, "role", "บทบาทของบัญชีนี้ใช้กล่องสนทนาไม่ได้")
                return await handler(request, agent)
            except ApiError as exc:
                response = problem(exc.status, exc.code, exc.detail, exc.field)
                if exc.retry_after:
                    response.headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
                return response
            except InboxError as exc:
                return problem(exc.status, exc.code, exc.message, exc.field)

        wrapper.__name__ = handler.__name__
        wrapper.__doc__ = handler.__doc__
        return wrapper

    return decorate


# -- input --------------------------------------------------------------------------------------------


def _handover_id(request: web.Request) -> int:
    raw = request.match_info["id"]
    if not (raw.isascii() and raw.isdigit() and 0 < len(raw) <= 12) or int(raw) == 0:
        raise ApiError(404, "not_found", "ไม่พบการสนทนานี้")
    return int(raw)


async def read_object(request: web.Request, *, optional: bool = False) -> dict[str, Any]:
    """The body as a JSON object (an empty one for no body when `optional`); 400/413/415 otherwise.
    Read in chunks with a cap, nesting checked before parsing: every staff API body comes through here."""
    if optional and not request.can_read_body:
        return {}
    if request.content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "ส่งเนื้อหาเป็น application/json")
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"เนื้อหายาวเกิน {MAX_BODY_BYTES:,} ไบต์")
    raw = bytearray()
    async for chunk in request.content.iter_chunked(16 * 1024):
        raw.extend(chunk)
        if len(raw) > MAX_BODY_BYTES:
            raise ApiError(413, "too_large", f"เนื้อหายาวเกิน {MAX_BODY_BYTES:,} ไบต์")
    if json_too_deep(bytes(raw)):
        raise ApiError(400, "malformed_json", "JSON ซ้อนกันลึกเกินไป")
    try:
        body = json.loads(bytes(raw).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "malformed_json", "เนื้อหาไม่ใช่ JSON ที่ถูกต้อง (UTF-8)") from None
    if not isinstance(body, dict):
        raise ApiError(400, "malformed_json", "เนื้อหาต้องเป็น JSON object")
    return body


async def _json(request: web.Request, *fields: str) -> dict[str, Any]:
    """The body as a JSON object holding `fields` (each a string)."""
    body = await read_object(request)
    for name in fields:
        if name not in body:
            raise ApiError(400, "missing_field", f"ไม่มีช่อง {name}", name)
        if not isinstance(body[name], str):
            raise ApiError(400, "bad_field", f"ช่อง {name} ต้องเป็นข้อความ", name)
    return body


def _wake(request: web.Request) -> None:
    """Tell the gateway's delivery worker a line is waiting (absent when the console runs alone)."""
    event = request.config_dict.get(HANDOVER_WAKE)
    if event is not None:
        event.set()


# -- handlers -----------------------------------------------------------------------------------------

OWNERS: dict[str, inbox.Owner] = {"mine": "mine", "others": "others"}


@api(Permission.VIEW_HANDOVERS)
async def list_handovers(request: web.Request, agent: Agent) -> web.StreamResponse:
    status = request.query.get("status", WAITING)
    if status not in inbox.STATUSES:
        raise ApiError(400, "bad_status", "status ต้องเป็น waiting, active, closed หรือ cancelled", "status")
    owner_raw = request.query.get("owner")
    if owner_raw is not None and owner_raw not in OWNERS:  # "?owner=" is no owner the schema allows
        raise ApiError(400, "bad_owner", "owner ต้องเป็น mine หรือ others", "owner")
    limit_raw = request.query.get("limit", str(inbox.LIST_LIMIT))
    if not (limit_raw.isascii() and limit_raw.isdigit() and 1 <= len(limit_raw) <= 3):
        raise ApiError(400, "bad_limit", "limit ต้องเป็นจำนวนเต็ม 1-200", "limit")
    limit = int(limit_raw)
    if not 1 <= limit <= inbox.LIST_LIMIT:
        raise ApiError(400, "bad_limit", "limit ต้องเป็นจำนวนเต็ม 1-200", "limit")
    rows = await request.app[keys.READER].run(
        inbox.list_handovers, agent, status, owner=OWNERS.get(owner_raw or ""), limit=limit
    )
    return web.json_response({"handovers": [r.to_json() for r in rows]})


@api(Permission.VIEW_HANDOVERS)
async def get_handover(request: web.Request, agent: Agent) -> web.StreamResponse:
    view = await request.app[keys.READER].run(inbox.get_handover, agent, _handover_id(request))
    return web.json_response(view.to_json())


@api(Permission.VIEW_HANDOVERS)
async def get_transcript(request: web.Request, agent: Agent) -> web.StreamResponse:
    found = await request.app[keys.READER].run(inbox.transcript, agent, _handover_id(request))
    return web.json_response(found.to_json())


@api(Permission.VIEW_HANDOVERS)
async def get_canned(request: web.Request, agent: Agent) -> web.StreamResponse:
    view = await request.app[keys.READER].run(inbox.get_handover, agent, _handover_id(request))
    record = None
    if view.service_id:
        record = await asyncio.to_thread(request.app[keys.STORE].get_published, view.service_id)
    return web.json_response(
        {
            "service_id": view.service_id,
            "service_title": record.title_th if record else None,
            "answers": inbox.canned_answers(record),
        }
    )


@api(Permission.VIEW_HANDOVERS)
async def get_cases(request: web.Request, agent: Agent) -> web.StreamResponse:
    found = await request.app[keys.READER].run(inbox.open_cases, agent, _handover_id(request))
    return web.json_response({"cases": [c.to_json() for c in found]})


@api(Permission.VIEW_HANDOVERS)
async def get_photo(request: web.Request, agent: Agent) -> web.StreamResponse:
    """A photo the citizen sent, kept by the gateway in the case photo store, for this agency only."""
    handover_id = _handover_id(request)
    raw = request.match_info["line"]
    if not (raw.isascii() and raw.isdigit() and 0 < len(raw) <= 12):
        raise ApiError(404, "not_found", "ไม่พบรูปภาพนี้")
    ref = await request.app[keys.READER].run(inbox.photo_ref, agent, handover_id, int(raw))
    store = PhotoStore(request.app[keys.SETTINGS].case_photo_dir)
    data = await asyncio.to_thread(store.read, ref) if ref else None
    kind = sniff_image_type(data) if data else None
    if data is None or kind is None:
        raise ApiError(404, "not_found", "ไม่พบรูปภาพนี้ (อาจถูกลบตามระยะเวลาเก็บรักษาแล้ว)")
    return web.Response(body=data, content_type=kind, headers={"Cache-Control": "private, no-store"})


@api(Permission.ACT_HANDOVERS, changing=True)
async def claim(request: web.Request, agent: Agent) -> web.StreamResponse:
    view = await request.app[keys.DATABASE].run(inbox.claim, agent, _handover_id(request))
    log.info("handover %s claimed by staff user %s", view.id, agent.user_id)
    _wake(request)  # the citizen is told at once that a person took the conversation
    return web.json_response(view.to_json())


@api(Permission.ACT_HANDOVERS, changing=True)
async def post_message(request: web.Request, agent: Agent) -> web.StreamResponse:
    handover_id = _handover_id(request)
    body = await _json(request, "text")
    line = await request.app[keys.DATABASE].run(inbox.reply, agent, handover_id, body["text"])
    _wake(request)
    return web.json_response(line.to_json(), status=201)


@api(Permission.ACT_HANDOVERS, changing=True)
async def post_note(request: web.Request, agent: Agent) -> web.StreamResponse:
    handover_id = _handover_id(request)
    body = await _json(request, "text")
    line = await request.app[keys.DATABASE].run(inbox.add_note, agent, handover_id, body["text"])
    return web.json_response(line.to_json(), status=201)


@api(Permission.ACT_HANDOVERS, changing=True)
async def post_transfer(request: web.Request, agent: Agent) -> web.StreamResponse:
    handover_id = _handover_id(request)
    body = await _json(request, "agency")
    view = await request.app[keys.DATABASE].run(inbox.transfer, agent, handover_id, body["agency"])
    return web.json_response(view.to_json())


@api(Permission.ACT_HANDOVERS, changing=True)
async def post_close(request: web.Request, agent: Agent) -> web.StreamResponse:
    handover_id = _handover_id(request)
    body = await _json(request, "resolution")
    view = await request.app[keys.DATABASE].run(inbox.close, agent, handover_id, body["resolution"])
    _wake(request)
    return web.json_response(view.to_json())


@api(Permission.ACT_HANDOVERS)
async def get_presence(request: web.Request, agent: Agent) -> web.StreamResponse:
    status = await request.app[keys.READER].run(inbox.presence_of, agent)
    return web.json_response({"status": status})


@api(Permission.ACT_HANDOVERS, changing=True)
async def put_presence(request: web.Request, agent: Agent) -> web.StreamResponse:
    body = await _json(request, "status")
    status = await request.app[keys.DATABASE].run(inbox.set_presence, agent, body["status"])
    return web.json_response({"status": status})


async def openapi(request: web.Request) -> web.StreamResponse:
    return web.Response(
        body=OPENAPI_PATH.read_bytes(), content_type="application/json", headers={"Cache-Control": "no-cache"}
    )


# -- the live stream ----------------------------------------------------------------------------------


def snapshot(session: Any, agent: Agent) -> dict[str, Any]:
    """Everything the inbox lists show: waiting, mine, others', recently ended."""
    active = inbox.list_handovers(session, agent, ACTIVE)
    ended = inbox.list_handovers(session, agent, CLOSED, limit=CLOSED_IN_STREAM)
    ended += inbox.list_handovers(session, agent, CANCELLED, limit=CLOSED_IN_STREAM)
    ended.sort(key=lambda h: h.closed_at or h.requested_at, reverse=True)
    return {
        "waiting": [h.to_json() for h in inbox.list_handovers(session, agent, WAITING)],
        "mine": [h.to_json() for h in active if h.mine],
        "others": [h.to_json() for h in active if not h.mine],
        "closed": [h.to_json() for h in ended[:CLOSED_IN_STREAM]],
    }


@api(Permission.VIEW_HANDOVERS)
async def stream(request: web.Request, agent: Agent) -> web.StreamResponse:
    """Server-Sent Events: `handovers` with the lists whenever a visible handover's version or
    transcript moved (the database is looked at every POLL_S; cheap: ids, versions, last line ids)."""
    reader = request.app[keys.READER]
    stopping = request.app[keys.STOPPING]
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )
    await response.prepare(request)
    last: list[tuple[int, int, int]] | None = None
    beat = checked = time.monotonic()
    try:
        while not stopping.is_set():
            state = await reader.run(inbox.live_state, agent)
            now = time.monotonic()
            if state != last:
                data = json.dumps(await reader.run(snapshot, agent), ensure_ascii=False)
                await response.write(f"event: handovers\ndata: {data}\n\n".encode())
                last, beat = state, now
            elif now - beat >= KEEPALIVE_S:
                await response.write(b": keep-alive\n\n")
                beat = now
            if now - checked >= REAUTH_S:
                checked = now
                if not await _still_valid(request, agent):
                    await response.write(b"event: signed_out\ndata: {}\n\n")
                    break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), POLL_S)
    except ConnectionResetError:  # the browser went away
        pass
    return response


async def _still_valid(request: web.Request, agent: Agent) -> bool:
    """The stream's token or session still stands for the same account, role and agency."""
    settings = request.app[keys.SETTINGS]
    database = request.app[keys.DATABASE]
    try:
        token = _bearer(request)
    except ApiError:
        return False
    if token is not None:
        user = await database.run(api_tokens.user_for, token, now=utcnow())
        now_is = (user.id, user.role, user.agency_id) if user else None
    else:
        cookie = request.cookies.get(settings.cookie_name, "")
        idle = timedelta(seconds=settings.session_idle_s)
        who = await database.run(sessions.resume, cookie, now=utcnow(), idle=idle)
        now_is = (who.user_id, who.role, who.agency_id) if who else None
    return now_is == (agent.user_id, agent.role, agent.agency_id)


def add_routes(app: web.Application) -> None:
    app[FAILED_TOKENS] = TokenBuckets(FAILED_TOKENS_PER_MINUTE, FAILED_TOKENS_PER_MINUTE)
    # Every route ignores a stray Expect header (cases/api_expect.py) instead of aiohttp's 417.
    get = functools.partial(app.router.add_get, expect_handler=expect_continue_only)
    post = functools.partial(app.router.add_post, expect_handler=expect_continue_only)
    put = functools.partial(app.router.add_put, expect_handler=expect_continue_only)
    get("/api/openapi.json", openapi, name="api.openapi")
    get("/api/handovers", list_handovers, name="api.handovers")
    get("/api/handovers/stream", stream, name="api.stream")
    get("/api/handovers/{id}", get_handover, name="api.handover")
    get("/api/handovers/{id}/transcript", get_transcript, name="api.transcript")
    get("/api/handovers/{id}/canned-answers", get_canned, name="api.canned")
    get("/api/handovers/{id}/cases", get_cases, name="api.cases")
    get("/api/handovers/{id}/lines/{line}/photo", get_photo, name="api.photo")
    post("/api/handovers/{id}/claim", claim, name="api.claim")
    post("/api/handovers/{id}/messages", post_message, name="api.messages")
    post("/api/handovers/{id}/note", post_note, name="api.note")
    post("/api/handovers/{id}/transfer", post_transfer, name="api.transfer")
    post("/api/handovers/{id}/close", post_close, name="api.close")
    get("/api/presence", get_presence, name="api.presence")
    put("/api/presence", put_presence, name="api.presence_put")
    post("/api/presence", put_presence, name="api.presence_post")
