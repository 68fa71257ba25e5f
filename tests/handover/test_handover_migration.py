"""Migration 0011 creates exactly the tables the handover and staff-token models declare, on both
databases, and can be rolled back."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from db.base import Base
from db.migrate import alembic_config
from db.models_registry import import_all_models
from tests.databases import throwaway_database

TABLES = (
    "handovers",
    "handover_messages",
    "handover_events",
    "agent_presence",
    "agency_closures",
    "callback_tickets",
    "staff_api_tokens",
)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migration_matches_the_models_and_rolls_back(kind: str, tmp_path: Path) -> None:
    import_all_models()
    with throwaway_database(kind, tmp_path) as url:
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            mine = [d for d in diff if any(t in repr(d) for t in TABLES)]
            assert mine == []
            cfg = alembic_config(url)
            command.downgrade(cfg, "0010_case_access_grants")
            assert not set(TABLES) & set(inspect(engine).get_table_names())
            command.upgrade(cfg, "head")
            assert set(TABLES) <= set(inspect(engine).get_table_names())
        finally:
            engine.dispose()
