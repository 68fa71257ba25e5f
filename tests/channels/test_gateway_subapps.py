"""The gateway serves the staff console, open data and the agency case API on its own port.

Each sub-app gets its part of the process's configuration (appconfig.AppSettings, read once by the
entry point) and the process's one engine; one whose secret is missing is switched off with one log
line while the channels keep working.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from pathlib import Path

import pytest

from appconfig import AppSettings
from channels.app import create_app
from channels.settings import Settings
from db.migrate import upgrade


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    upgrade(url)
    return url


def configuration(base_settings: Settings, environ: dict[str, str]) -> AppSettings:
    """What `python -m channels` reads from this environment, with the test's gateway settings."""
    return dataclasses.replace(AppSettings.from_environ(environ), gateway=base_settings)


async def test_subapps_are_mounted_on_the_gateway(
    base_settings: Settings, database: str, aiohttp_client
) -> None:
    environ = {
        "DATABASE_URL": database,
        "STAFF_SESSION_SECRET": secrets.token_hex(32),
        "CASES_SECRET_KEY": secrets.token_hex(32),
    }
    config = configuration(base_settings, environ)
    client = await aiohttp_client(create_app(config, channel_factories={}, run_notices=False))

    signin = await client.get("/staff/", allow_redirects=True)
    assert signin.status == 200
    assert 'lang="th"' in await signin.text()

    services = await client.get("/open-data/services.json")
    assert services.status == 200
    assert isinstance(await services.json(), (list, dict))

    spec = await client.get("/api/v1/openapi.json")
    assert spec.status == 200
    assert (await spec.json())["openapi"].startswith("3.")
    unauthorised = await client.get("/api/v1/cases/CM69-1234-5678")
    assert unauthorised.status == 401

    assert (await client.get("/healthz")).status == 200


async def test_subapp_without_its_secret_is_switched_off_with_one_line(
    base_settings: Settings, database: str, aiohttp_client, caplog
) -> None:
    config = configuration(
        base_settings, {"DATABASE_URL": database, "CASES_SECRET_KEY": secrets.token_hex(32)}
    )
    caplog.set_level(logging.WARNING, logger="channels.app")
    client = await aiohttp_client(create_app(config, channel_factories={}, run_notices=False))

    disabled = [r.getMessage() for r in caplog.records if "disabled" in r.getMessage()]
    assert len(disabled) == 1
    assert disabled[0].startswith("/staff/ disabled: STAFF_SESSION_SECRET")
    assert (await client.get("/staff/")).status == 404
    assert (await client.get("/open-data/services.csv")).status == 200
    assert (await client.get("/api/v1/openapi.json")).status == 200
