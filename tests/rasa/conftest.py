"""Fixtures shared by the Rasa-side tests: the bot's domain and a throw-away Redis key prefix."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from rasa.shared.core.domain import Domain

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "bot" / "domain"))


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """Keys under a fresh prefix on the local Redis, deleted afterwards."""
    prefix = "govbottest" + uuid.uuid4().hex[:12]
    yield prefix
    client = redis.Redis(host="127.0.0.1", port=6379)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()
