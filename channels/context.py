"""What an adapter may use from the running gateway, resolved at call time.

Adapters are built when the app is created (so their routes can be added before the router freezes)
but the HTTP session, Redis pool, queue and store only exist once the app starts. The context hands
them out lazily, so constructors stay free of I/O and every adapter shares the process's one session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from channels import keys
from channels.settings import Settings

if TYPE_CHECKING:
    from channels.notices import CaseNotices
    from channels.queue import EventQueue
    from channels.state_db import StateDb
    from channels.store import KeyValueStore


class ChannelContext:
    def __init__(self, app: web.Application) -> None:
        self._app = app

    @property
    def settings(self) -> Settings:
        return self._app[keys.SETTINGS]

    @property
    def http(self) -> aiohttp.ClientSession:
        return self._app[keys.HTTP]

    @property
    def store(self) -> KeyValueStore:
        return self._app[keys.STORE]

    @property
    def queue(self) -> EventQueue:
        return self._app[keys.QUEUE]

    @property
    def redis(self) -> Any | None:
        return self._app.get(keys.REDIS)

    @property
    def state_db(self) -> StateDb | None:
        """The SQLite state file of the default backend (None with Redis or the memory backend)."""
        return self._app.get(keys.STATE_DB)

    @property
    def case_notices(self) -> CaseNotices | None:
        """The case registry's notice side (opt-outs), or None when cases are not configured here."""
        return self._app.get(keys.CASE_NOTICES)

    @property
    def detached(self) -> bool:
        """This process serves no citizen connections (webhooks, sockets): `python -m cases worker`."""
        return self._app.get(keys.DETACHED, False)

    @property
    def app(self) -> web.Application:
        return self._app
