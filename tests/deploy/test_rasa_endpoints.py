"""deploy/rasa/endpoints.yml, read by Rasa 3.6 itself (the Rasa environment, as in the Rasa image)
with the variables the containers set, against the real local servers: the masking tracker store on
PostgreSQL (a second instance reads the conversation back, the stored rows hold Thai text but no
phone number), the Redis lock store, the RabbitMQ broker, and the action server's address and token."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.databases import PG_ADMIN
from tests.deploy.deploy_support import ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
PROBE = Path(__file__).with_name("rasa_endpoints_probe.py")


@pytest.fixture
def rasa_database() -> Iterator[str]:
    name = f"rasa_deploy_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def probe(database: str, **overrides: str) -> subprocess.CompletedProcess[str]:
    if not RASA_PYTHON.exists():
        pytest.fail("no .venv-rasa: run `make setup`")
    prefix = f"deploytest{secrets.token_hex(4)}"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "RASA_TELEMETRY_ENABLED": "false",
        "ACTION_SERVER_URL": "http://govbot-actions:5055/webhook",
        "ACTION_SERVER_TOKEN": "t0k-actions",
        "RASA_DB_HOST": "127.0.0.1",
        "RASA_DB_PORT": "5432",
        "RASA_DB_NAME": database,
        "RASA_DB_USER": "postgres",
        "RASA_DB_PASSWORD": "",
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_DB": "0",
        "REDIS_PASSWORD": "",
        "RASA_REDIS_PREFIX": prefix,
        "RABBITMQ_HOST": "127.0.0.1",
        "RABBITMQ_PORT": "5672",
        "RABBITMQ_USERNAME": "guest",
        "RABBITMQ_PASSWORD": "guest",
        "RABBITMQ_EXCHANGE": f"{prefix}-events",
        "RABBITMQ_ANALYTICS_QUEUE": f"{prefix}_analytics",
        "PROBE_SENDER": "line:Udeploy1",
        **overrides,
    }
    return subprocess.run(
        [str(RASA_PYTHON), str(PROBE)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
        cwd=ROOT,
    )


def test_rasa_builds_every_store_from_the_container_endpoints(rasa_database: str) -> None:
    run = probe(rasa_database)
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["tracker_store"] == "MaskingSQLTrackerStore" and seen["dialect"] == "postgresql"
    assert len(seen["texts"]) == 1 and seen["texts"][0].startswith("ขอต่อใบขับขี่ค่ะ โทร ")
    assert "081-234-5678" not in seen["texts"][0]  # masked before it was stored
    assert seen["stored_has_thai"] is True and seen["stored_has_phone"] is False
    assert seen["lock_store"] == "RedisLockStore" and seen["locked"] is True
    assert seen["broker"] == "LenientPikaEventBroker"
    assert seen["action_url"] == "http://govbot-actions:5055/webhook"
    assert seen["action_headers"] == {"Authorization": "Bearer t0k-actions"}


def test_a_variable_the_containers_forget_stops_rasa(rasa_database: str) -> None:
    env = {k: v for k, v in os.environ.items() if k == "PATH"}
    run = subprocess.run(
        [str(RASA_PYTHON), str(PROBE)],
        capture_output=True,
        text=True,
        env={**env, "PROBE_SENDER": "x", "RASA_TELEMETRY_ENABLED": "false", "HOME": "/tmp"},
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert run.returncode != 0
    assert "ACTION_SERVER_URL" in run.stderr or "environment variable" in run.stderr.lower()
