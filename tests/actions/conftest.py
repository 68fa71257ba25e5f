"""Helpers for testing actions the rasa-sdk way: a Tracker and a CollectingDispatcher, no server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from sqlalchemy.orm import Session, sessionmaker

from actions.case_runtime import CaseRuntime, build_case_runtime
from actions.service_resolver import ServiceResolver
from cases.settings import CasesSettings
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade
from knowledge.search.cache import EmbeddingCache
from knowledge.search.embedders import DEFAULT_BACKEND, EmbedderConfig, make_embedder
from knowledge.search.index import SearchIndex
from knowledge.seedfile import load_dir


def make_tracker(
    text: str = "",
    *,
    intent: str | None = None,
    ranking: list[tuple[str, float]] | None = None,
    channel: str = "rest",
    slots: dict[str, Any] | None = None,
    sender_id: str = "web:abc",
    active_loop: str | None = None,
    requested_slot: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    ranking = ranking or ([(intent, 0.9)] if intent else [])
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": ranking[0][1] if ranking else 0.0},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        "entities": [],
        **({"metadata": metadata} if metadata is not None else {}),
    }
    all_slots = {"requested_slot": requested_slot, **(slots or {})}
    events = [
        {"event": "user", "text": text, "parse_data": latest, "input_channel": channel, "metadata": metadata}
    ]
    return Tracker(
        sender_id=sender_id,
        slots=all_slots,
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


@pytest.fixture(name="make_tracker")
def make_tracker_fixture():  # type: ignore[no-untyped-def]
    return make_tracker


@pytest.fixture
def sqlite_sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """A migrated SQLite database file, as the action server uses by default."""
    url = f"sqlite:///{tmp_path / 'govbot.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield make_sessionmaker(engine)
    engine.dispose()


def runtime_for(settings: CasesSettings) -> CaseRuntime:
    """The case runtime the action server builds from these settings (actions/case_runtime.py)."""
    runtime = build_case_runtime(settings)
    assert runtime is not None
    return runtime


class SeedLive:
    """The one method of LiveIndex the resolver uses, over an index built once from knowledge/seed."""

    def __init__(self, index: SearchIndex) -> None:
        self._index = index

    def index(self) -> SearchIndex:
        return self._index


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> ServiceResolver:
    """The resolver over the seed with the default encoder, no database: for tests of its decisions."""
    embedder = make_embedder(DEFAULT_BACKEND, EmbedderConfig())
    index = SearchIndex.build(load_dir(), embedder, cache=EmbeddingCache(tmp_path_factory.mktemp("emb")))
    return ServiceResolver(SeedLive(index))  # type: ignore[arg-type]
