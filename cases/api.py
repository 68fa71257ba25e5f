"""Agency API: an aiohttp sub-application that the gateway mounts at /api/v1.

Bodies are checked against cases/openapi.json on the way in and on the way out (cases.schema); every
error is an RFC 9457 problem document. Database work is synchronous SQLAlchemy, so it runs in worker
threads and never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import functools
import hashlib
import json
import logging
import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from cases.agency_keys import agency_for_key
from cases.api_expect import expect_continue_only
from cases.api_rate_limit import TokenBuckets
from cases.database import make_cases_engine, make_cases_sessionmaker
from cases.models import IdempotencyRecord
from cases.photos import PhotoStore
from cases.registry import (
    CaseInputError,
    CaseTools,
    NewCase,
    NewComplaint,
    NewConsent,
    NewContact,
    NewPhoto,
    StatusChange,
    case_view,
    change_status,
    create_case,
    find_case,
)
from cases.schema import openapi_document, schema_errors
from cases.settings import CasesSettings
from channels.text_input import MAX_JSON_DEPTH, json_too_deep, replace_surrogates, sanitize_json
from nlu.case_ref import check_case_ref
from privacy import PersonalData

if TYPE_CHECKING:
    from appconfig import AppSettings

log = logging.getLogger(__name__)

# hh:mm:60 with its date before and its offset after (upper-cased by then).
_LEAP_SECOND = re.compile(r"^(.*T\d\d:\d\d:)60(?:\.\d+)?(Z|[+-]\d\d:\d\d)$")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class CasesState:
    settings: CasesSettings
    engine: Engine
    sessions: sessionmaker[Session]
    tools: CaseTools
    max_body_bytes: int


STATE = web.AppKey("cases_state", CasesState)
AGENCY = web.RequestKey("cases_agency_id", str)


class Problem(Exception):
    """An error answer; raised anywhere in a handler, rendered once by the middleware."""

    def __init__(self, status: int, title: str, detail: str = "", field: str | None = None) -> None:
        super().__init__(title)
        self.status, self.title, self.detail, self.field = status, title, detail, field

    def response(self) -> web.Response:
        body: dict[str, Any] = {"type": "about:blank", "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        if self.field:
            body["field"] = self.field
        return web.json_response(body, status=self.status, content_type="application/problem+json")


class IdempotencyConflict(Problem):
    def __init__(self) -> None:
        super().__init__(
            422,
            "Idempotency-Key reused with a different request",
            "this key was already used for another body or case; use a new key for a new change",
        )


@web.middleware
async def problem_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Problem as problem:
        return problem.response()
    except web.HTTPRequestEntityTooLarge:
        return Problem(413, "Request body too large").response()
    except web.HTTPException as exc:
        if exc.status == 404:
            return Problem(404, "Not found").response()
        if exc.status == 405:
            resp = Problem(405, "Method not allowed").response()
            resp.headers["Allow"] = exc.headers.get("Allow", "")
            return resp
        raise
    except Exception:
        # Logged with its traceback but without the request body (it may hold personal data).
        log.exception("unhandled error in %s %s", request.method, request.match_info.route.name)
        return Problem(500, "Internal error").response()


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.match_info.route.name == "openapi" or request.match_info.http_exception is not None:
        return await handler(request)
    token = _bearer(request)
    state = request.app[STATE]

    def lookup() -> str | None:
        with state.sessions() as session, session.begin():
            return agency_for_key(session, token or "")

    limits = request.app[LIMITS]
    client = f"client:{request.remote}"
    refused = limits.failures.wait(client)
    if refused:  # this address has been failing to authenticate: no more look-ups for a while
        return _too_many(refused)
    agency_id = await asyncio.to_thread(lookup) if token else None
    if agency_id is None:
        limits.failures.take(client)  # only failures count
        problem = Problem(401, "Missing or invalid agency key", "send Authorization: Bearer <agency key>")
        resp = problem.response()
        resp.headers["WWW-Authenticate"] = 'Bearer realm="cases"'
        return resp
    assert token is not None
    wait = limits.per_key.take("key:" + hashlib.sha256(token.encode()).hexdigest())
    if wait:
        log.info("agency API: rate limit for a key of agency=%s", agency_id)
        return _too_many(wait)
    request[AGENCY] = agency_id
    return await handler(request)


def _too_many(wait: float) -> web.Response:
    resp = Problem(
        429, "Too many requests", "this key (or address) is over its request rate; retry after the wait"
    ).response()
    resp.headers["Retry-After"] = str(max(1, math.ceil(wait)))
    return resp


class ApiLimits:
    """Buckets per agency key, and per client address for failed authentications only."""

    def __init__(self, settings: CasesSettings) -> None:
        self.per_key = TokenBuckets(settings.api_rate_per_minute, settings.api_burst)
        per_minute = settings.api_failed_auth_per_minute
        self.failures = TokenBuckets(per_minute, per_minute)


LIMITS = web.AppKey("cases_api_limits", ApiLimits)


async def _read_limited(request: web.Request, limit: int) -> bytes:
    """Read at most `limit` bytes whatever the mounting app's client_max_size is (photos are big)."""
    if request.content_length is not None and request.content_length > limit:
        raise Problem(413, "Request body too large", f"the limit is {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise Problem(413, "Request body too large", f"the limit is {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _json_body(request: web.Request, schema: str) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise Problem(415, "Unsupported media type", "send the body as application/json")
    raw = await _read_limited(request, request.app[STATE].max_body_bytes)
    if json_too_deep(raw):
        raise Problem(400, "Malformed JSON", f"the body nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        # Lone surrogates go first: the schema validator cannot even read them.
        body = sanitize_json(json.loads(raw.decode("utf-8")), replace_surrogates)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Problem(400, "Malformed JSON", "the body is not valid UTF-8 JSON") from exc
    errors = schema_errors(schema, body)
    if errors:
        raise Problem(400, "Body does not match the schema", "; ".join(errors))
    # NUL is refused by the schema above (the contract says so); other control and bidi characters
    # are dropped here, so no stored case text holds them, and what is left must still fit the schema
    # (a name of nothing but control characters is now empty).
    body = sanitize_json(body)
    errors = schema_errors(schema, body)
    if errors:
        raise Problem(400, "Body does not match the schema", "; ".join(errors))
    return body


def _date_time(value: str, field: str) -> dt.datetime:
    """An RFC 3339 date-time as the schema accepts it, in UTC: lower-case t/z too, and a leap second
    (hh:mm:60) read as hh:mm:59.999999."""
    text = value.upper()
    match = _LEAP_SECOND.match(text)
    if match:
        text = f"{match[1]}59.999999{match[2]}"
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Problem(422, "Not an RFC 3339 date-time", str(exc), field) from exc
    # Stored in UTC: SQLite keeps no offset, so a +07:00 time would otherwise read back 7 hours off.
    return parsed.astimezone(dt.UTC) if parsed.tzinfo else parsed


def _date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise Problem(422, "Not an RFC 3339 date", str(exc), field) from exc


def _respond(view: dict[str, Any], status: int) -> web.Response:
    errors = schema_errors("Case", view)
    if errors:  # a bug on our side: never send what the contract does not promise
        log.error("response does not match the Case schema: %s", errors)
        raise Problem(500, "Internal error")
    return web.json_response(view, status=status)


def _reference(request: web.Request) -> str:
    ref = request.match_info["ref"]
    verdict = check_case_ref(ref)
    if verdict == "bad_check":
        raise Problem(400, "Not a case reference", "the check digit does not match: a typo?")
    if verdict != "valid":
        raise Problem(400, "Not a case reference", "references look like CM69-0000-0018")
    return ref


def _idempotency_key(request: web.Request, required: bool) -> str | None:
    """1-200 printable ASCII characters once HTTP's surrounding whitespace is trimmed (as documented)."""
    key = (request.headers.get("Idempotency-Key") or "").strip(" \t")
    if not key:
        if required:
            raise Problem(400, "Idempotency-Key header required", field="Idempotency-Key")
        return None
    if len(key) > 200 or not all(ch == "\t" or 0x20 <= ord(ch) <= 0x7E for ch in key):
        raise Problem(
            400, "Idempotency-Key must be 1-200 printable ASCII characters", field="Idempotency-Key"
        )
    return key


def _fingerprint(operation: str, body: dict[str, Any]) -> str:
    canonical = json.dumps([operation, body], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _idempotent(
    state: CasesState,
    agency_id: str,
    key: str | None,
    operation: str,
    body: dict[str, Any],
    work: Callable[[Session], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any]]:
    """Run `work` once per (agency, key): its answer is stored in the same transaction as its effect.

    A concurrent twin with the same key loses on the unique constraint, rolls back, and then finds
    the winner's record on the second pass.
    """
    fingerprint = _fingerprint(operation, body)
    for _ in range(3):
        try:
            with state.sessions() as session, session.begin():
                if key is not None:
                    record = session.scalars(
                        select(IdempotencyRecord).where(
                            IdempotencyRecord.agency_id == agency_id, IdempotencyRecord.key == key
                        )
                    ).first()
                    if record is not None:
                        if record.request_hash != fingerprint:
                            raise IdempotencyConflict()
                        return record.response_status, record.response_body
                status, view = work(session)
                if key is not None:
                    session.add(
                        IdempotencyRecord(
                            agency_id=agency_id,
                            key=key,
                            operation=operation,
                            request_hash=fingerprint,
                            response_status=status,
                            response_body=view,
                        )
                    )
                    session.flush()
                return status, view
        except IntegrityError:
            if key is None:
                raise
            continue
    raise Problem(409, "Concurrent request with the same Idempotency-Key", "retry in a moment")


def _decode_photo(i: int, photo: dict[str, Any]) -> NewPhoto:
    try:
        data = base64.b64decode(photo["data_base64"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Problem(422, "Photo is not valid base64", field=f"complaint.photos[{i}]") from exc
    return NewPhoto(content_type=photo["content_type"], data=data)


def _new_case(body: dict[str, Any]) -> NewCase:
    consent = body.get("consent")
    complaint = body.get("complaint")
    new_complaint = None
    if complaint is not None:
        location = complaint["location"]
        new_complaint = NewComplaint(
            category=complaint["category"],
            description=complaint["description"],
            lat=location.get("lat"),
            lon=location.get("lon"),
            address=location.get("address"),
            photos=tuple(_decode_photo(i, p) for i, p in enumerate(complaint.get("photos", []))),
        )
    return NewCase(
        kind=body["kind"],
        service_id=body["service_id"],
        contacts=tuple(
            NewContact(
                channel=c["channel"],
                sender_id=c.get("sender_id"),
                phone=c.get("phone"),
                notify=bool(c.get("notify", False)),
            )
            for c in body.get("contacts", [])
        ),
        consent=NewConsent(
            wording=consent["wording"], given_at=_date_time(consent["given_at"], "consent.given_at")
        )
        if consent
        else None,
        complaint=new_complaint,
        actor=body.get("actor", "agency"),
    )


async def create_case_handler(request: web.Request) -> web.Response:
    state = request.app[STATE]
    agency_id: str = request[AGENCY]
    key = _idempotency_key(request, required=False)
    body = await _json_body(request, "CaseCreate")
    new = _new_case(body)

    def work(session: Session) -> tuple[int, dict[str, Any]]:
        try:
            case = create_case(session, agency_id, new, state.tools)
        except CaseInputError as exc:
            raise Problem(422, "Case not acceptable", str(exc), exc.field) from exc
        return 201, case_view(case)

    status, view = await asyncio.to_thread(_idempotent, state, agency_id, key, "createCase", body, work)
    log.info("case created agency=%s ref=%s", agency_id, view["reference"])
    return _respond(view, status)


async def get_case_handler(request: web.Request) -> web.Response:
    state = request.app[STATE]
    agency_id: str = request[AGENCY]
    ref = _reference(request)

    def read() -> dict[str, Any] | None:
        with state.sessions() as session, session.begin():
            case = find_case(session, agency_id, ref)
            return case_view(case) if case else None

    view = await asyncio.to_thread(read)
    if view is None:
        raise Problem(404, "No such case", "no case with this reference belongs to your agency")
    return _respond(view, 200)


async def change_status_handler(request: web.Request) -> web.Response:
    state = request.app[STATE]
    agency_id: str = request[AGENCY]
    ref = _reference(request)
    key = _idempotency_key(request, required=True)
    body = await _json_body(request, "StatusChange")
    due = body.get("next_step_due")
    change = StatusChange(
        status=body["status"],
        actor=body["actor"],
        public_note=body.get("public_note"),
        next_step=body.get("next_step"),
        next_step_due=_date(due, "next_step_due") if due else None,
        urgent=bool(body.get("urgent", False)),
    )

    def work(session: Session) -> tuple[int, dict[str, Any]]:
        case = find_case(session, agency_id, ref, for_update=True)
        if case is None:
            raise Problem(404, "No such case", "no case with this reference belongs to your agency")
        try:
            change_status(session, case, change)
        except CaseInputError as exc:
            raise Problem(422, "Status change not acceptable", str(exc), exc.field) from exc
        return 200, case_view(case)

    operation = f"changeCaseStatus:{ref.upper()}"
    status, view = await asyncio.to_thread(_idempotent, state, agency_id, key, operation, body, work)
    log.info("case status agency=%s ref=%s status=%s", agency_id, view["reference"], view["status"])
    return _respond(view, status)


async def openapi_handler(_request: web.Request) -> web.Response:
    return web.json_response(openapi_document())


def _max_body_bytes(settings: CasesSettings) -> int:
    # base64 grows photos by 4/3; leave room for the rest of the JSON.
    return settings.max_photos * (settings.max_photo_bytes * 4 // 3 + 8) + 256 * 1024


def gateway_subapp(config: AppSettings, engine: Engine) -> web.Application:
    """Factory for the gateway's sub-app registry (channels.registry.SUBAPPS["/api/v1"]): the case
    registry's part of the process's configuration, on the process's one engine."""
    config.require("cases")
    assert config.cases is not None
    return create_app(config.cases, engine=engine)


def create_app(settings: CasesSettings, *, engine: Engine | None = None) -> web.Application:
    """The /api/v1 sub-app. Pass `engine` to share one with the rest of the process."""
    own_engine = engine is None
    engine = engine or make_cases_engine(settings.database_url)
    state = CasesState(
        settings=settings,
        engine=engine,
        sessions=make_cases_sessionmaker(engine),
        tools=CaseTools(
            vault=PersonalData(settings.privacy),
            photos=PhotoStore(settings.photo_dir),
            max_photo_bytes=settings.max_photo_bytes,
            max_photos=settings.max_photos,
        ),
        max_body_bytes=_max_body_bytes(settings),
    )
    app = web.Application(middlewares=[problem_middleware, auth_middleware])
    app[STATE] = state
    app[LIMITS] = ApiLimits(settings)
    # Every route ignores a stray Expect header (cases/api_expect.py) instead of aiohttp's 417.
    get = functools.partial(app.router.add_get, allow_head=False, expect_handler=expect_continue_only)
    post = functools.partial(app.router.add_post, expect_handler=expect_continue_only)
    post("/cases", create_case_handler, name="create_case")
    get("/cases/{ref}", get_case_handler, name="get_case")
    post("/cases/{ref}/status", change_status_handler, name="change_status")
    get("/openapi.json", openapi_handler, name="openapi")

    async def dispose(_app: web.Application) -> None:
        if own_engine:
            engine.dispose()

    app.on_cleanup.append(dispose)
    return app


def create_root_app(settings: CasesSettings, *, engine: Engine | None = None) -> web.Application:
    """A root app with the API mounted where the gateway mounts it (standalone runs and tests)."""
    root = web.Application()
    root.add_subapp("/api/v1", create_app(settings, engine=engine))
    return root
