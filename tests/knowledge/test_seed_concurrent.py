"""Several action servers starting at once on an empty database (`make cluster` starts its replicas
together) each seed the knowledge base: every one starts, and each service is added once, one
version, published — the second finds the first's rows instead of stopping on a duplicate key."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine, func, select

from db.engine import make_engine, make_sessionmaker
from knowledge.models import ServiceRow, ServiceVersionRow
from knowledge.seed_loader import load_seed
from knowledge.seedfile import load_dir
from knowledge.store import ImportReport, KnowledgeStore

SERVERS = 4


def test_servers_seeding_an_empty_database_at_once_add_each_service_once(
    kb_engine: Engine, kb_url: str
) -> None:
    seeds = load_dir()
    start = threading.Barrier(SERVERS)
    reports: list[ImportReport] = []
    errors: list[BaseException] = []

    def server() -> None:
        engine = make_engine(kb_url)  # a process of its own: its own pool
        try:
            store = KnowledgeStore(make_sessionmaker(engine))
            start.wait(timeout=30)
            reports.append(load_seed(store, only_missing=True))
        except BaseException as error:  # reported below, with the others
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=server) for _ in range(SERVERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [], errors
    assert len(reports) == SERVERS
    created = sorted(len(r.created) for r in reports)
    assert created == [0] * (SERVERS - 1) + [len(seeds)]  # one server added them all
    assert all(len(r.unchanged) == len(seeds) for r in reports if not r.created)
    with kb_engine.connect() as conn:
        rows: Any = conn.execute(
            select(ServiceRow.id, ServiceRow.version, ServiceRow.published_version)
        ).all()
        versions = conn.execute(select(func.count()).select_from(ServiceVersionRow)).scalar_one()
    assert sorted(r.id for r in rows) == sorted(s.id for s in seeds)
    assert {(r.version, r.published_version) for r in rows} == {(1, 1)}
    assert versions == len(seeds)
