"""The unanswered-messages table on the real PostgreSQL server: migration, masked insert, downgrade."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import inspect, select

from actions.fallback import ActionFallbackRephrase
from actions.unanswered import UnansweredRecorder
from actions.unanswered_models import UnansweredMessage
from db.engine import make_engine, make_sessionmaker
from db.migrate import alembic_config, upgrade
from nlu.pii import CITIZEN_ID_MASK
from tests.databases import throwaway_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url(tmp_path) -> Iterator[str]:
    with throwaway_database("postgresql", tmp_path, "dialogue") as url:
        yield url


async def test_misses_are_recorded_masked_on_postgresql(pg_url, make_tracker):
    upgrade(pg_url)
    engine = make_engine(pg_url)
    try:
        sessions = make_sessionmaker(engine)
        tracker = make_tracker(
            "บัตร 1101700230708 หายค่ะ", intent="nlu_fallback", ranking=[("nlu_fallback", 0.3)], channel="sms"
        )
        await ActionFallbackRephrase(UnansweredRecorder(sessions)).run(CollectingDispatcher(), tracker, {})
        with sessions() as session:
            [row] = session.scalars(select(UnansweredMessage)).all()
        assert row.masked_text == f"บัตร {CITIZEN_ID_MASK} หายค่ะ"
        assert row.channel == "sms" and row.created_at.tzinfo is not None
        assert {ix["name"] for ix in inspect(engine).get_indexes("unanswered_messages")} >= {
            "ix_unanswered_messages_created_at",
            "ix_unanswered_messages_sender_hash",
        }
    finally:
        engine.dispose()
    # The migration chain downgrades cleanly to nothing.
    command.downgrade(alembic_config(pg_url), "base")
    engine = make_engine(pg_url)
    try:
        assert "unanswered_messages" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
