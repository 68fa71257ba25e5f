"""Migration 0015 creates the cube tables and duration columns analytics/models.py declares, fills the
durations of existing rows exactly as the consumer computes them (models.seconds_between), and rolls
back to 0014."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from analytics.models import seconds_between
from db.base import Base
from db.migrate import alembic_config
from db.models_registry import import_all_models
from tests.databases import throwaway_database

CUBES = (
    "analytics_daily_cube",
    "analytics_monthly_hours_cube",
    "analytics_monthly_intents_cube",
    "analytics_monthly_services_cube",
)
REQUESTED = dt.datetime(2026, 11, 3, 2, 0, 0, 250_001, tzinfo=dt.UTC)
CLAIMED = dt.datetime(2026, 11, 5, 3, 4, 5, 7, tzinfo=dt.UTC)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_cubes_and_durations_match_the_models_and_roll_back(kind: str, tmp_path: Path) -> None:
    import_all_models()
    with throwaway_database(kind, tmp_path) as url:
        engine = sa.create_engine(url)
        try:
            cfg = alembic_config(url)
            command.downgrade(cfg, "0014_analytics_sources")
            assert not set(CUBES) & set(sa.inspect(engine).get_table_names())
            handovers = sa.table(
                "analytics_handovers",
                *[sa.column(n) for n in ("handover_id", "conversation", "channel", "agency", "reason")],
                sa.column("requested_at", sa.DateTime(timezone=True)),
                sa.column("claimed_at", sa.DateTime(timezone=True)),
            )
            with engine.begin() as conn:
                conn.execute(
                    sa.insert(handovers),
                    [
                        {"handover_id": 1, "conversation": "c", "channel": "line", "agency": "dopa",
                         "reason": "request_human", "requested_at": REQUESTED, "claimed_at": CLAIMED},
                        {"handover_id": 2, "conversation": "c", "channel": "line", "agency": "dopa",
                         "reason": "request_human", "requested_at": CLAIMED, "claimed_at": REQUESTED},
                        {"handover_id": 3, "conversation": "c", "channel": "sms", "agency": "dopa",
                         "reason": "fallback", "requested_at": REQUESTED, "claimed_at": None},
                    ],
                )  # fmt: skip
            command.upgrade(cfg, "head")
            with engine.connect() as conn:
                waits = dict(
                    conn.execute(sa.text("SELECT handover_id, wait_seconds FROM analytics_handovers")).all()
                )
                diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            assert waits == {1: seconds_between(REQUESTED, CLAIMED), 2: 0.0, 3: None}
            assert waits[1] == 176_644.750_006  # 2 d 1 h 4 min 5 s - 0.250001 + 0.000007
            mine = [d for d in diff if any(t in repr(d) for t in (*CUBES, "_seconds"))]
            assert mine == []
            command.downgrade(cfg, "0014_analytics_sources")
            assert not set(CUBES) & set(sa.inspect(engine).get_table_names())
            columns = {c["name"] for c in sa.inspect(engine).get_columns("analytics_handovers")}
            assert "wait_seconds" not in columns
            command.upgrade(cfg, "head")
        finally:
            engine.dispose()
