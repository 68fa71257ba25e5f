"""Sign-in and sign-out."""

from __future__ import annotations

import math

from aiohttp import web
from sqlalchemy.orm import Session

from handover import inbox
from staff import audit, csrf, devices, keys, sessions, signin
from staff.audit import Actor, hash_ip
from staff.middleware import cookie_secure, set_device_cookie, set_session_cookie
from staff.models import utcnow
from staff.pages import console_root, format_time, identity, render, safe_next
from staff.signin import Attempt, SignInOutcome

MAX_USERNAME_INPUT = 200


async def home(request: web.Request) -> web.StreamResponse:
    target = "services.list" if identity(request) else "auth.login"
    raise web.HTTPFound(str(request.app.router[target].url_for()))


async def login_page(request: web.Request) -> web.StreamResponse:
    if identity(request):
        raise web.HTTPFound(str(request.app.router["services.list"].url_for()))
    return _login_form(request, next_url=request.query.get("next", ""), error="", username="")


async def login_submit(request: web.Request) -> web.StreamResponse:
    settings = request.app[keys.SETTINGS]
    form = request[keys.FORM]
    username = form.get("username")[:MAX_USERNAME_INPUT]
    next_url = form.get("next")
    attempt = Attempt(
        username=username,
        password=form.get("password"),
        client_address=request.remote,  # the real client behind a trusted proxy (channels.edge)
        device_cookie=request.cookies.get(devices.COOKIE),
    )
    database = request.app[keys.DATABASE]
    previous = identity(request)
    result = await signin.sign_in(database, settings, attempt, now=utcnow())
    if result.outcome is SignInOutcome.OK and result.session_token is not None:
        if previous is not None:  # never carry a session id across a sign-in
            await database.run(sessions.end, previous.token_hash)
        done = web.HTTPSeeOther(safe_next(request, next_url) if next_url else console_root(request))
        set_session_cookie(request, done, result.session_token)
        if result.device_cookie is not None:
            set_device_cookie(request, done, result.device_cookie)
        done.del_cookie(csrf.LOGIN_NONCE_COOKIE, path=console_root(request))
        raise done
    retry_after = None
    if result.outcome is SignInOutcome.LOCKED and result.retry_at is not None:
        # One wording whichever key refused (address, name, browser) and whether the name exists.
        error = (
            "ระงับการเข้าสู่ระบบชั่วคราวเพราะใส่รหัสผ่านผิดหลายครั้ง "
            f"ลองใหม่ได้หลังเวลา {format_time(result.retry_at)} น. หรือติดต่อผู้ดูแลระบบให้ปลดล็อก"
        )
        status = 429
        retry_after = max(1, math.ceil((result.retry_at - utcnow()).total_seconds()))
    elif result.outcome is SignInOutcome.DISABLED:
        error = "บัญชีนี้ถูกปิดการใช้งาน โปรดติดต่อผู้ดูแลระบบ"
        status = 403
    else:
        error = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
        status = 200
    response = _login_form(request, next_url=next_url, error=error, username=username, status=status)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _login_form(
    request: web.Request, *, next_url: str, error: str, username: str, status: int = 200
) -> web.Response:
    settings = request.app[keys.SETTINGS]
    nonce = csrf.new_login_nonce()
    response = render(
        request,
        "login.html",
        {
            "login_token": csrf.login_token(settings.session_secret, nonce),
            "next_url": safe_next(request, next_url) if next_url else "",
            "error": error,
            "username": username,
        },
        status=status,
    )
    response.set_cookie(
        csrf.LOGIN_NONCE_COOKIE,
        nonce,
        max_age=3600,
        path=console_root(request),
        httponly=True,
        secure=cookie_secure(request),
        samesite="Strict",
    )
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    who = identity(request)
    if who is not None:
        actor = Actor(
            who.user_id, who.username, hash_ip(request.app[keys.SETTINGS].session_secret, request.remote)
        )

        def sign_out(db: Session) -> None:
            sessions.end(db, who.token_hash)
            inbox.away_on_sign_out(db, who.user_id)  # the citizens' wait estimate counts available agents
            audit.record(db, actor, "auth.sign_out", target_type="user", target_id=who.username)

        await request.app[keys.DATABASE].run(sign_out)
    request[keys.CLEAR_COOKIE] = True
    raise web.HTTPSeeOther(str(request.app.router["auth.login"].url_for().with_query(done="signed_out")))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", home, name="home")
    login = app.router.add_resource("/login", name="auth.login")
    login.add_route("GET", login_page)
    login.add_route("POST", login_submit)
    app.router.add_post("/logout", logout, name="auth.logout")
