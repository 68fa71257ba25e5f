"""Helpers every console handler uses: render a template, require a permission, set the session cookie."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from staff import keys
from staff.audit import Actor, hash_ip
from staff.navigation import SECTIONS
from staff.roles import ROLE_LABELS_TH, Permission, Role, allows
from staff.sessions import Identity

BANGKOK = timezone(timedelta(hours=7), "ICT")  # Thailand keeps no daylight saving time

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def identity(request: web.Request) -> Identity | None:
    return request.get(keys.IDENTITY)


def console_root(request: web.Request) -> str:
    """The path the console is mounted at ("/staff/" behind the gateway), for cookie paths and links."""
    return str(request.app.router["home"].url_for())


def render(
    request: web.Request, template: str, context: Mapping[str, Any] | None = None, *, status: int = 200
) -> web.Response:
    env = request.app[keys.TEMPLATES]
    who = identity(request)
    page = env.get_template(template).render(
        request=request,
        app=request.app,
        me=who,
        csrf_token=who.csrf_token if who else "",
        nav=navigation(request, who),
        role_labels={r.value: label for r, label in ROLE_LABELS_TH.items()},
        can=lambda perm: who is not None and allows(who.role, Permission(perm)),
        **(context or {}),
    )
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")


def navigation(request: web.Request, who: Identity | None) -> list[dict[str, str]]:
    if who is None:
        return []
    current = request.match_info.route.name or ""
    items = []
    for key, section in SECTIONS.items():
        if not allows(who.role, section.permission):
            continue
        items.append(
            {
                "key": key,
                "title": section.title_th,
                "url": str(request.app.router[section.route_name].url_for()),
                "current": "1" if current.split(".")[0] == section.route_name.split(".")[0] else "",
            }
        )
    return items


def requires(permission: Permission) -> Callable[[Handler], Handler]:
    """Signed-in staff with `permission` only; others are sent to sign in (GET) or refused (403)."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            who = identity(request)
            if who is None:
                if request.method in ("GET", "HEAD"):
                    login = request.app.router["auth.login"].url_for().with_query(next=request.path_qs)
                    raise web.HTTPFound(str(login))
                raise web.HTTPForbidden(text="sign in first")
            if not allows(who.role, permission):
                return render(request, "forbidden.html", {"reason": "role"}, status=403)
            return await handler(request)

        return wrapper

    return decorate


def actor(request: web.Request) -> Actor:
    who = identity(request)
    secret = request.app[keys.SETTINGS].session_secret
    return Actor(
        user_id=who.user_id if who else None,
        username=who.username if who else "",
        ip_hash=hash_ip(secret, request.remote),
    )


def safe_next(request: web.Request, raw: str) -> str:
    """A redirect target inside the console only (no other host, no scheme, no protocol-relative //)."""
    root = console_root(request)
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or not raw.startswith(root) or raw.startswith("//") or "\\" in raw:
        return root
    return raw


def redirect(
    request: web.Request, route: str, *, query: Mapping[str, str] | None = None, **parts: str
) -> web.HTTPSeeOther:
    url = request.app.router[route].url_for(**parts)
    if query:
        url = url.with_query(query)
    return web.HTTPSeeOther(str(url))


def format_time(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M")


def role_of(who: Identity) -> Role:
    return Role(who.role)
