"""Issue 9, "one configuration": the gateway and every sub-app it mounts read no environment.

Settings are read once by the entry point (`appconfig.AppSettings.from_environ`) and handed down. Here
the configuration is built from a plain dict; then any read of os.environ (or os.getenv) by the
project's own code raises, while the gateway with the staff console, open data and the case API is
built, started, used and stopped. Third-party libraries may still read their own variables.
A second test imports those modules in a fresh interpreter under the same guard: no environment
read at import time either.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import subprocess
import sys
import textwrap
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

import pytest

from appconfig import AppSettings
from channels.app import create_app
from channels.settings import Settings
from db.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
OURS = ("actions", "appconfig", "cases", "channels", "db", "knowledge", "privacy", "staff")

GUARD = '''
import os
import sys

OURS = {ours!r}


def _reader() -> str:
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__", "") in ("os", "_collections_abc", __name__):
        frame = frame.f_back
    return "" if frame is None else frame.f_globals.get("__name__", "")


class GuardedEnviron(dict):
    """os.environ for third parties; an error for the project's own modules."""

    def _check(self):
        module = _reader()
        if module.split(".")[0] in OURS:
            raise AssertionError(f"{{module}} read the environment")

    def __getitem__(self, key):
        self._check()
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._check()
        return super().get(key, default)

    def __contains__(self, key):
        self._check()
        return super().__contains__(key)

    def __iter__(self):
        self._check()
        return super().__iter__()

    def copy(self):
        self._check()
        return dict(self)
'''


def guard_source() -> str:
    return GUARD.format(ours=OURS)


@pytest.fixture
def guarded_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[MutableMapping[str, str]]:
    namespace: dict[str, Any] = {"__name__": "environ_guard"}
    exec(guard_source(), namespace)
    guarded = namespace["GuardedEnviron"](os.environ)
    monkeypatch.setattr(os, "environ", guarded)
    yield guarded


async def test_the_gateway_with_its_sub_apps_reads_no_environment(
    tmp_path: Path, aiohttp_client: Any, guarded_environ: MutableMapping[str, str]
) -> None:
    url = f"sqlite:///{tmp_path / 'one.db'}"
    upgrade(url)
    environ = {
        "DATABASE_URL": url,
        "STAFF_SESSION_SECRET": secrets.token_hex(32),
        "CASES_SECRET_KEY": secrets.token_hex(32),
        "STAFF_COOKIE_SECURE": "false",
    }
    # What an entry point does with os.environ, done with a dict (os.environ is guarded already).
    config = dataclasses.replace(AppSettings.from_environ(environ), gateway=Settings(state_dir=str(tmp_path)))
    assert config.staff is not None and config.cases is not None and config.open_data is not None

    app = create_app(config, channel_factories={}, run_notices=False)
    client = await aiohttp_client(app)
    assert (await client.get("/staff/", allow_redirects=True)).status == 200
    assert (await client.get("/open-data/services.json")).status == 200
    assert (await client.get("/api/v1/openapi.json")).status == 200
    assert (await client.get("/api/v1/cases/CM69-1234-5678")).status == 401
    await client.close()


def test_the_guard_does_catch_a_read(guarded_environ: MutableMapping[str, str]) -> None:
    """The test above would pass vacuously if the guard let our modules through."""
    from db.engine import database_url

    with pytest.raises(AssertionError, match=r"db\.engine read the environment"):
        database_url(os.environ)  # type: ignore[arg-type]


def test_no_environment_read_at_import_time() -> None:
    script = guard_source() + textwrap.dedent(
        """
        os.environ = GuardedEnviron(os.environ)
        import appconfig, channels.app, channels.notices, staff.web, knowledge.open_data, cases.api
        import cases.worker, actions.context, db.engine, channels.line.adapter, channels.sms.adapter
        import channels.web.adapter
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
