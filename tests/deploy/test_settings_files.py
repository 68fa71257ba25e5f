"""The settings the artefacts give the application (compose/app.env, the Kubernetes ConfigMaps,
base and production) are read by the application's own settings classes without complaint, with
the secrets a deployment adds: every feature is on, the gateway listens on all interfaces with the
Redis queue, and nothing secret sits in a settings file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from appconfig import AppSettings
from privacy.__main__ import generate
from tests.deploy.deploy_support import DEPLOY

SETTINGS_FILES = {
    "compose": [DEPLOY / "compose" / "app.env"],
    "k8s-base": [DEPLOY / "k8s" / "base" / "app.env"],
    "k8s-production": [
        DEPLOY / "k8s" / "base" / "app.env",
        DEPLOY / "k8s" / "overlays" / "production" / "app.env",
    ],
}
SECRETS = {  # what the Secret / deploy/secrets/ adds (placeholder values of the right shape)
    "DATABASE_URL": "postgresql://govbot:pw@postgres:5432/govbot",
    "REDIS_URL": "redis://:pw@redis:6379/0",
    "RABBITMQ_URL": "amqp://govbot:pw@rabbitmq:5672",
    "GATEWAY_RASA_TOKEN": "g" * 43,
    "ACTION_SERVER_TOKEN": "a" * 43,
    "WEB_SESSION_SECRET": "w" * 43,
    "STAFF_SESSION_SECRET": "s" * 43,
}


def read_env_files(paths: list[Path]) -> dict[str, str]:
    """KEY=VALUE lines as Compose's env_file and Kustomize's configMapGenerator read them (later wins)."""
    values: dict[str, str] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                key, sep, value = line.partition("=")
                assert sep and re.fullmatch(r"[A-Z][A-Z0-9_]*", key), f"{path}: {line!r}"
                values[key] = value
    return values


@pytest.mark.parametrize("name", sorted(SETTINGS_FILES))
def test_the_application_accepts_the_settings(name: str) -> None:
    env = read_env_files(SETTINGS_FILES[name])
    assert not set(env) & set(SECRETS) and "PERSONAL_DATA_KEYS" not in env  # secrets come apart
    env.update(SECRETS, PERSONAL_DATA_KEYS=generate({}))
    config = AppSettings.from_environ(env)
    assert dict(config.off) == {}, config.off  # every feature on: cases, staff, actions, knowledge…
    assert config.gateway.host == "0.0.0.0" and config.gateway.port == 8080
    assert config.gateway.backend_name == "redis"
    assert config.gateway.rasa_url.endswith(":5005")
    assert config.gateway.privacy is not None and config.cases is not None
    assert str(config.cases.photo_dir) == "/app/var/case-photos"
    assert config.database_url.startswith("postgresql+psycopg://")
    assert config.actions is not None and config.actions.port == 5055


def test_a_malformed_setting_stops_the_start() -> None:
    env = read_env_files(SETTINGS_FILES["compose"]) | SECRETS | {"GATEWAY_PORT": "eighty"}
    with pytest.raises(ValueError, match="GATEWAY_PORT"):
        AppSettings.from_environ(env)
