"""The console's request pipeline: security headers, the session behind the cookie, then the CSRF check.

Order matters: the CSRF check needs the session's token, and the header middleware wraps everything so
even error pages carry the headers.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from aiohttp import web

from staff import csrf, devices, keys, sessions
from staff.form_body import read_form
from staff.models import utcnow
from staff.pages import Handler, console_root, render

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PRE_SESSION_ROUTES = frozenset({"auth.login"})  # forms posted before anyone is signed in

SECURITY_HEADERS = {
    # No script: the console works without JavaScript, and a stored payload cannot run. The inbox page
    # alone adds script-src/connect-src 'self' for its own file (staff.views.inbox.INBOX_CSP).
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:  # redirects keep travelling as exceptions, with the headers added
            _finish(request, exc)
            raise
        if is_api(request):
            response = _api_problem(exc)  # JSON clients get JSON, e.g. 405 with its Allow header
        else:
            # A Thai page instead of aiohttp's plain text; the reason phrase is fixed text, never input.
            response = render(
                request, "error.html", {"status": exc.status, "reason": exc.reason}, status=exc.status
            )
    _finish(request, response)
    return response


def is_api(request: web.Request) -> bool:
    """A request to the JSON API under /staff/api/ (matched or not: its errors are JSON too)."""
    return request.path.startswith(console_root(request) + "api/")


def _api_problem(exc: web.HTTPException) -> web.Response:
    """An HTTP error the router raised under /staff/api/ (unknown path, undeclared method) as the
    API's problem document (staff.views.handover_api), keeping Allow on a 405."""
    code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(exc.status, "error")
    body = {
        "type": "about:blank",
        "title": exc.reason,
        "status": exc.status,
        "code": code,
        "detail": exc.reason,
    }
    response = web.json_response(body, status=exc.status, content_type="application/problem+json")
    if "Allow" in exc.headers:
        response.headers["Allow"] = exc.headers["Allow"]
    return response


def _finish(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if "Cache-Control" not in response.headers and not request.path.startswith(_static_prefix(request)):
        response.headers["Cache-Control"] = "no-store"  # staff pages hold drafts and account data
    if request.get(keys.CLEAR_COOKIE):
        _delete_cookie(request, response)


@web.middleware
async def session_loader(request: web.Request, handler: Handler) -> web.StreamResponse:
    settings = request.app[keys.SETTINGS]
    token = request.cookies.get(settings.cookie_name, "")
    if token:
        who = await request.app[keys.DATABASE].run(
            sessions.resume, token, now=utcnow(), idle=timedelta(seconds=settings.session_idle_s)
        )
        if who is None:
            request[keys.CLEAR_COOKIE] = True
        else:
            request[keys.IDENTITY] = who
    return await handler(request)


@web.middleware
async def csrf_check(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method in SAFE_METHODS:
        return await handler(request)
    if is_api(request):
        # The JSON API checks its own: a bearer token needs none, a session cookie needs the session's
        # token in the X-CSRF-Token header (staff.views.handover_api); its bodies are JSON, not forms.
        return await handler(request)
    settings = request.app[keys.SETTINGS]
    form = await read_form(request, settings.max_upload_bytes)
    request[keys.FORM] = form
    submitted = form.get(csrf.FIELD)
    route = request.match_info.route.name or ""
    if route in PRE_SESSION_ROUTES:
        ok = csrf.login_token_valid(
            settings.session_secret, request.cookies.get(csrf.LOGIN_NONCE_COOKIE), submitted
        )
    else:
        who = request.get(keys.IDENTITY)
        ok = who is not None and csrf.session_token_valid(who.csrf_token, submitted)
    if not ok:
        log.info("staff console: refused a POST without a valid CSRF token (route %s)", route or "?")
        return render(request, "forbidden.html", {"reason": "csrf"}, status=403)
    return await handler(request)


def set_session_cookie(request: web.Request, response: web.StreamResponse, token: str) -> None:
    settings = request.app[keys.SETTINGS]
    response.set_cookie(
        settings.cookie_name,
        token,
        max_age=settings.session_lifetime_s,
        path=console_root(request),
        httponly=True,
        secure=cookie_secure(request),
        samesite="Lax",
    )


def set_device_cookie(request: web.Request, response: web.StreamResponse, value: str) -> None:
    """The trusted-browser cookie (staff.devices): sent only with sign-in forms, never readable by
    script, and Strict so no other site's form can carry it."""
    response.set_cookie(
        devices.COOKIE,
        value,
        max_age=devices.MAX_AGE_S,
        path=console_root(request),
        httponly=True,
        secure=cookie_secure(request),
        samesite="Strict",
    )


def cookie_secure(request: web.Request) -> bool:
    """Secure unless configured off for plain-http local use, and always when the request came over
    TLS (directly, or as a trusted proxy says: channels.edge)."""
    return request.app[keys.SETTINGS].cookie_secure or request.secure


def _delete_cookie(request: web.Request, response: web.StreamResponse) -> None:
    settings = request.app[keys.SETTINGS]
    response.del_cookie(
        settings.cookie_name,
        path=console_root(request),
        httponly=True,
        secure=cookie_secure(request),
        samesite="Lax",
    )


def _static_prefix(request: web.Request) -> str:
    return console_root(request) + "static/"
