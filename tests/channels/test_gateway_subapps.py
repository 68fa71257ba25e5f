"""The gateway serves the staff console, open data and the agency case API on its own port.

Each sub-app reads its settings once at start-up; one whose secret is missing is switched off with
one log line while the channels keep working.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import pytest

from channels.app import create_app
from channels.settings import Settings
from db.migrate import upgrade


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    return url


async def test_subapps_are_mounted_on_the_gateway(
    base_settings: Settings, database: str, aiohttp_client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAFF_SESSION_SECRET", secrets.token_hex(32))
    monkeypatch.setenv("CASES_SECRET_KEY", secrets.token_hex(32))
    client = await aiohttp_client(create_app(base_settings, channel_factories={}))

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
    base_settings: Settings, database: str, aiohttp_client, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    monkeypatch.delenv("STAFF_SESSION_SECRET", raising=False)
    monkeypatch.setenv("CASES_SECRET_KEY", secrets.token_hex(32))
    caplog.set_level(logging.WARNING, logger="channels.app")
    client = await aiohttp_client(create_app(base_settings, channel_factories={}))

    disabled = [r.getMessage() for r in caplog.records if "disabled" in r.getMessage()]
    assert len(disabled) == 1
    assert disabled[0].startswith("/staff/ disabled: STAFF_SESSION_SECRET")
    assert (await client.get("/staff/")).status == 404
    assert (await client.get("/open-data/services.csv")).status == 200
    assert (await client.get("/api/v1/openapi.json")).status == 200
