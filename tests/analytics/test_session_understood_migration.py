"""Migration 0019 adds analytics_sessions.understood and fills it for the sessions already there exactly
as the consumer sets it for new ones (some citizen message not the fallback, with an intent at
confidence >= 0.7), re-creates the agency index with it and adds the handed-over sessions' index,
matching analytics/models.py, and rolls back to 0018."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from db.base import Base
from db.migrate import alembic_config
from db.models_registry import import_all_models
from tests.databases import throwaway_database

AT = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)
# session -> its messages (direction, intent, confidence, fallback)
SESSIONS: dict[str, list[tuple[str, str | None, float | None, bool]]] = {
    "understood": [("in", "nlu_fallback", 0.3, True), ("in", "ask_service", 0.91, False)],
    "at-threshold": [("in", "greet", 0.7, False)],
    "unsure": [("in", "ask_service", 0.69, False)],
    "fallback": [("in", "nlu_fallback", 0.95, True)],
    "bot-only": [("out", "utter_answer", 0.99, False)],
    "no-intent": [("in", None, 0.99, False)],
    "none": [],
}
UNDERSTOOD = {"understood", "at-threshold"}


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_understood_is_filled_and_the_indexes_match_the_models(kind: str, tmp_path: Path) -> None:
    import_all_models()
    with throwaway_database(kind, tmp_path) as url:
        engine = sa.create_engine(url)
        try:
            cfg = alembic_config(url)
            command.downgrade(cfg, "0018_analytics_drilldown_indexes")
            columns = {c["name"] for c in sa.inspect(engine).get_columns("analytics_sessions")}
            assert "understood" not in columns
            meta = sa.MetaData()
            sessions = sa.Table("analytics_sessions", meta, autoload_with=engine)
            messages = sa.Table("analytics_messages", meta, autoload_with=engine)
            with engine.begin() as conn:
                for key, said in SESSIONS.items():
                    conn.execute(
                        sessions.insert().values(
                            key=key,
                            conversation="c-" + key,
                            channel="line",
                            agency="dopa",
                            started_at=AT,
                            last_at=AT,
                            returning_citizen=False,
                            handover=False,
                            contained=True,
                        )
                    )
                    for n, (direction, intent, confidence, fallback) in enumerate(said):
                        conn.execute(
                            messages.insert().values(
                                event_key=f"{key}-{n}",
                                conversation="c-" + key,
                                channel="line",
                                direction=direction,
                                intent=intent,
                                confidence=confidence,
                                fallback=fallback,
                                at=AT + dt.timedelta(seconds=n),
                                session_key=key,
                            )
                        )
            command.upgrade(cfg, "head")
            with engine.connect() as conn:
                flags = dict(conn.execute(sa.text("SELECT key, understood FROM analytics_sessions")).all())
                assert {key for key, flag in flags.items() if flag} == UNDERSTOOD
                assert set(flags) == set(SESSIONS)
                diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            assert [d for d in diff if "analytics_sessions" in repr(d)] == []
            command.downgrade(cfg, "0018_analytics_drilldown_indexes")
            inspector = sa.inspect(engine)
            assert "understood" not in {c["name"] for c in inspector.get_columns("analytics_sessions")}
            assert "ix_analytics_sessions_handover" not in {
                i["name"] for i in inspector.get_indexes("analytics_sessions")
            }
            command.upgrade(cfg, "head")
        finally:
            engine.dispose()
