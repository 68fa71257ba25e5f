"""Migration 0012 creates exactly the tables analytics/models.py declares, on both databases, and
rolls back."""

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
from tests.analytics.helpers import TABLES
from tests.databases import throwaway_database

ALL_TABLES = (*TABLES, "analytics_cursors")


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_migration_matches_the_models_and_rolls_back(kind: str, tmp_path: Path) -> None:
    import_all_models()
    with throwaway_database(kind, tmp_path) as url:
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            mine = [d for d in diff if any(t in repr(d) for t in ALL_TABLES)]
            assert mine == []
            assert set(ALL_TABLES) <= set(inspect(engine).get_table_names())
            cfg = alembic_config(url)
            command.downgrade(cfg, "0011_handover")
            assert not set(ALL_TABLES) & set(inspect(engine).get_table_names())
            command.upgrade(cfg, "head")
            assert set(ALL_TABLES) <= set(inspect(engine).get_table_names())
        finally:
            engine.dispose()
