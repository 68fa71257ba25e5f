"""User management (admins only): create accounts, change roles and agencies, disable, reset passwords,
unlock."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.orm import Session

from staff import accounts, agencies, audit, keys
from staff.accounts import AccountError
from staff.models import StaffUser, utcnow
from staff.pages import actor, identity, redirect, render, requires
from staff.roles import ROLE_LABELS_TH, Permission, Role, parse_role

DONE_MESSAGES_TH = {
    "created": "สร้างบัญชีแล้ว",
    "role": "เปลี่ยนบทบาทแล้ว ผู้ใช้ต้องเข้าสู่ระบบใหม่",
    "active": "เปลี่ยนสถานะบัญชีแล้ว",
    "password": "ตั้งรหัสผ่านใหม่แล้ว ผู้ใช้ต้องเข้าสู่ระบบใหม่",
    "unlocked": "ปลดล็อกบัญชีแล้ว",
    "agency": "เปลี่ยนหน่วยงานแล้ว มีผลกับหน้าเรื่องร้องเรียนและคำขอทันที",
}


@requires(Permission.MANAGE_USERS)
async def user_list(request: web.Request) -> web.StreamResponse:
    database = request.app[keys.DATABASE]
    users = await database.run(accounts.list_users)
    return _list_page(request, users, await database.run(agencies.list_agencies))


@requires(Permission.MANAGE_USERS)
async def create_user(request: web.Request) -> web.StreamResponse:
    form = request[keys.FORM]
    who = actor(request)

    def create(db: Session) -> StaffUser:
        agency_id = agencies.checked_agency(db, form.get("agency_id"))
        user = accounts.create_user(
            db,
            username=form.get("username"),
            password=form.get("password"),
            role=parse_role(form.get("role")),
            display_name=form.get("display_name"),
            agency_id=agency_id,
        )
        detail = user.role + (f" agency={agency_id}" if agency_id else "")
        audit.record(db, who, "user.create", target_type="user", target_id=user.username, detail=detail)
        return user

    database = request.app[keys.DATABASE]
    try:
        await database.run(create)
    except (AccountError, ValueError) as exc:
        users = await database.run(accounts.list_users)
        values = {
            "username": form.get("username"),
            "display_name": form.get("display_name"),
            "role": form.get("role"),
            "agency_id": form.get("agency_id"),
        }
        choices = await database.run(agencies.list_agencies)
        return _list_page(request, users, choices, error=str(exc), values=values, status=422)
    raise redirect(request, "users.list", query={"done": "created"})


@requires(Permission.MANAGE_USERS)
async def user_page(request: web.Request) -> web.StreamResponse:
    database = request.app[keys.DATABASE]
    user = await database.run(_get_user, _user_id(request))
    return _user_page(request, user, await database.run(agencies.list_agencies))


@requires(Permission.MANAGE_USERS)
async def change(request: web.Request) -> web.StreamResponse:
    """One POST endpoint per change keeps each form small: role, active, password or unlock."""
    what = request.match_info["what"]
    user_id = _user_id(request)
    form = request[keys.FORM]
    who = actor(request)
    me = identity(request)
    now = utcnow()
    secret = request.app[keys.SETTINGS].session_secret

    def apply(db: Session) -> StaffUser:
        user = _get_user(db, user_id)
        if what == "role":
            role = parse_role(form.get("role"))
            accounts.change_role(db, user, role)
            detail = role.value
        elif what == "active":
            active = form.get("active") == "1"
            if not active and me is not None and me.user_id == user.id:
                raise AccountError("ปิดบัญชีของตัวเองไม่ได้")
            accounts.set_active(db, user, active)
            detail = "enabled" if active else "disabled"
        elif what == "password":
            accounts.set_password(db, user, form.get("password"), secret=secret)
            detail = ""
        elif what == "unlock":
            accounts.unlock(db, user, secret)
            detail = ""
        elif what == "agency":
            agencies.set_agency(db, user, form.get("agency_id"), who)  # audits "user.agency" itself
            return user
        else:
            raise web.HTTPNotFound()
        audit.record(
            db, who, f"user.{what}", target_type="user", target_id=user.username, detail=detail, at=now
        )
        return user

    database = request.app[keys.DATABASE]
    try:
        await database.run(apply)
    except (AccountError, ValueError) as exc:
        user = await database.run(_get_user, user_id)
        choices = await database.run(agencies.list_agencies)
        return _user_page(request, user, choices, error=str(exc), status=422)
    done = "unlocked" if what == "unlock" else what
    raise redirect(request, "users.detail", query={"done": done}, user_id=str(user_id))


def _user_id(request: web.Request) -> int:
    raw = request.match_info["user_id"]
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise web.HTTPNotFound()
    return int(raw)


def _get_user(db: Session, user_id: int) -> StaffUser:
    user = db.get(StaffUser, user_id)
    if user is None:
        raise web.HTTPNotFound()
    return user


def _list_page(
    request: web.Request,
    users: list[StaffUser],
    agency_choices: list[tuple[str, str]],
    *,
    error: str = "",
    values: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    return render(
        request,
        "users/list.html",
        {
            "users": users,
            "roles": ROLE_LABELS_TH,
            "error": error,
            "values": values
            or {"username": "", "display_name": "", "role": Role.EDITOR.value, "agency_id": ""},
            "agencies": agency_choices,
            "done": DONE_MESSAGES_TH.get(request.query.get("done", ""), ""),
            "now": utcnow(),
        },
        status=status,
    )


def _user_page(
    request: web.Request,
    user: StaffUser,
    agency_choices: list[tuple[str, str]],
    *,
    error: str = "",
    status: int = 200,
) -> web.Response:
    return render(
        request,
        "users/detail.html",
        {
            "user": user,
            "agencies": agency_choices,
            "roles": ROLE_LABELS_TH,
            "error": error,
            "done": DONE_MESSAGES_TH.get(request.query.get("done", ""), ""),
            "now": utcnow(),
        },
        status=status,
    )


def add_routes(app: web.Application) -> None:
    users = app.router.add_resource("/users", name="users.list")
    users.add_route("GET", user_list)
    users.add_route("POST", create_user)
    app.router.add_get("/users/{user_id}", user_page, name="users.detail")
    app.router.add_post(
        "/users/{user_id}/{what:role|active|password|unlock|agency}", change, name="users.change"
    )
