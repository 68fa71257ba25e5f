"""Rasa reads our endpoint files so that every action call carries the action server's token
(issue 14, finding 3): read with Rasa 3.6's own loader, as `rasa run` does."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.utils import read_endpoints_from_path

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["endpoints.yml", "endpoints.redis.yml"])
def test_action_calls_carry_the_bearer_token(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for variable, value in {
        "ACTION_PORT": "5055",
        "ACTION_SERVER_TOKEN": "t0k-abc_123",
        "RASA_TRACKER_DB": "x.db",
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_DB": "0",
        "REDIS_PASSWORD": "",
        "RASA_REDIS_PREFIX": "p",
    }.items():
        monkeypatch.setenv(variable, value)
    endpoints = read_endpoints_from_path(ROOT / "bot" / name)
    assert endpoints.action is not None
    assert endpoints.action.url == "http://127.0.0.1:5055/webhook"
    assert endpoints.action.headers == {"Authorization": "Bearer t0k-abc_123"}
