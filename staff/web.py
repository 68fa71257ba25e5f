"""The staff console as an aiohttp application, meant to be mounted by the gateway:

    gateway.add_subapp("/staff/", staff.web.create_app(settings.staff, engine=engine))

It is server-rendered (Jinja2 with autoescape) and in Thai; the only scripts are the inbox page's own
(static/inbox.js: live handover lists and actions through the JSON API at /staff/api/) and the
statistics page's (static/dashboard.js with the vendored Chart.js in static/vendor/). Sections are mounted
from `ROUTE_MODULES`; the menu comes from `staff.navigation.SECTIONS`, so the cases pages (issue 5) add
one module here and one section entry there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import jinja2
from aiohttp import web
from aiohttp_jinja2.helpers import url_for
from sqlalchemy import Engine

from db.engine import make_engine, make_sessionmaker
from knowledge.store import KnowledgeStore
from staff import keys, middleware
from staff.database import Database
from staff.pages import format_time
from staff.settings import StaffSettings
from staff.views import (
    audit_log,
    auth,
    callbacks,
    cases,
    dashboard,
    handover_api,
    inbox,
    review,
    services,
    stats_api,
    transfer,
    users,
)

if TYPE_CHECKING:
    from appconfig import AppSettings

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent

ROUTE_MODULES: dict[str, ModuleType] = {
    "auth": auth,
    "services": services,
    "cases": cases,
    "inbox": inbox,
    "handover_api": handover_api,
    "stats_api": stats_api,
    "callbacks": callbacks,
    "dashboard": dashboard,
    "review": review,
    "transfer": transfer,
    "users": users,
    "audit": audit_log,
}


def create_app(settings: StaffSettings, *, engine: Engine | None = None) -> web.Application:
    """Build the console. Pass `engine` to share the gateway's connection pool; otherwise the console
    opens (and closes) its own when the application starts and stops."""
    app = web.Application(
        middlewares=[middleware.security_headers, middleware.session_loader, middleware.csrf_check]
    )
    app[keys.SETTINGS] = settings
    if not settings.cookie_secure:
        log.warning(
            "staff console: STAFF_COOKIE_SECURE=false: cookies go without Secure unless a request came "
            "over TLS; plain http for local use on loopback only"
        )
    app[keys.TEMPLATES] = _templates()
    app[keys.STOPPING] = asyncio.Event()
    app.on_shutdown.append(_stopping)
    app.cleanup_ctx.append(_database(settings, engine))
    for module in ROUTE_MODULES.values():
        module.add_routes(app)
    app.router.add_static("/static", HERE / "static", name="static", append_version=True)
    return app


def gateway_subapp(config: AppSettings, engine: Engine) -> web.Application:
    """Factory for the gateway's sub-app registry (channels.registry.SUBAPPS["/staff/"] =
    "staff.web:gateway_subapp"): the console's part of the process's configuration, on the process's
    one engine (BEGIN IMMEDIATE on SQLite, which the case status change with its notice needs)."""
    config.require("staff")
    assert config.staff is not None
    app = create_app(config.staff, engine=engine)
    # The keys that open call-back numbers (staff/views/callbacks.py); without them the page says so.
    callbacks.use_personal_data(app, config.privacy or (config.cases.privacy if config.cases else None))
    return app


async def _stopping(app: web.Application) -> None:
    app[keys.STOPPING].set()


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every value is escaped unless a template says otherwise (none does)
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["url"] = url_for
    env.filters["th_time"] = format_time
    return env


def _database(
    settings: StaffSettings, shared: Engine | None
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def open_database(app: web.Application) -> AsyncIterator[None]:
        engine = shared or make_engine(settings.database_url)
        # IMMEDIATE on SQLite: the console's transactions read, then write (a case status change and
        # its notice, a publish with its version counter); each waits for the write lock up front.
        sessions = make_sessionmaker(engine, immediate=True)
        app[keys.DATABASE] = Database(sessions)
        app[keys.READER] = Database(make_sessionmaker(engine))
        app[keys.STORE] = KnowledgeStore(sessions)
        yield
        if shared is None:
            engine.dispose()

    return open_database
