"""Sign-in and sign-out."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web
from sqlalchemy.orm import Session

from staff import accounts, audit, csrf, keys, sessions
from staff.accounts import SignInOutcome, SignInResult
from staff.audit import Actor, hash_ip
from staff.middleware import set_session_cookie
from staff.models import utcnow
from staff.pages import console_root, format_time, identity, render, safe_next

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
    password = form.get("password")
    next_url = form.get("next")
    now = utcnow()

    def attempt(db: Session) -> tuple[SignInResult, str | None]:
        result = accounts.sign_in(
            db,
            username,
            password,
            now=now,
            threshold=settings.lockout_threshold,
            lock_for=timedelta(seconds=settings.lockout_s),
        )
        who = Actor(
            user_id=result.user.id if result.user else None,
            username=result.user.username if result.user else accounts.normalise_username(username)[:64],
            ip_hash=hash_ip(settings.session_secret, request.remote),
        )
        token = None
        if result.outcome is SignInOutcome.OK and result.user is not None:
            sessions.purge_expired(db, now=now, idle=timedelta(seconds=settings.session_idle_s))
            token = sessions.start(
                db, result.user, now=now, lifetime=timedelta(seconds=settings.session_lifetime_s)
            )
            audit.record(db, who, "auth.sign_in", target_type="user", target_id=who.username, at=now)
        elif result.just_locked:
            audit.record(db, who, "auth.locked", target_type="user", target_id=who.username, at=now)
        else:
            audit.record(
                db,
                who,
                f"auth.refused.{result.outcome.value}",
                target_type="user",
                target_id=who.username,
                at=now,
            )
        return result, token

    database = request.app[keys.DATABASE]
    previous = identity(request)
    result, token = await database.run(attempt)
    if token is not None:
        if previous is not None:  # never carry a session id across a sign-in
            await database.run(sessions.end, previous.token_hash)
        response = web.HTTPSeeOther(safe_next(request, next_url) if next_url else console_root(request))
        set_session_cookie(request, response, token)
        response.del_cookie(csrf.LOGIN_NONCE_COOKIE, path=console_root(request))
        raise response
    if result.outcome is SignInOutcome.LOCKED:
        error = (
            f"บัญชีนี้ถูกระงับชั่วคราวเพราะใส่รหัสผ่านผิดหลายครั้ง ลองใหม่ได้หลังเวลา {format_time(result.locked_until)} น."
        )
        status = 429
    elif result.outcome is SignInOutcome.DISABLED:
        error = "บัญชีนี้ถูกปิดการใช้งาน โปรดติดต่อผู้ดูแลระบบ"
        status = 403
    else:
        error = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
        status = 200
    return _login_form(request, next_url=next_url, error=error, username=username, status=status)


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
        secure=settings.cookie_secure,
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
