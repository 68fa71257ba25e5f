"""After an e2e-ish ingest (broker events whose texts, entities and metadata carry a national id, a
phone number, a name and Thai text; a handover with a Thai transcript and staff usernames; a complaint
with a description, an address and a phone in the delivery log), no analytics table holds a national
id (13 digits, with or without dashes), a phone number (libphonenumber's matcher, Thai numbering), any
Thai character, a sender id, a staff username or an integer long enough to be one of those — every
column of every analytics_* table is scanned, the tables found in the database (and checked against the
models), so a table added later is covered without being named here and must hold rows to pass.
Also: migration 0014 creates exactly the tables and columns analytics/models.py declares."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import phonenumbers
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from analytics.consumer import Consumer
from db.base import Base
from db.engine import make_engine
from db.migrate import alembic_config
from db.models_registry import import_all_models
from tests.analytics import measures_scenario as world
from tests.databases import throwaway_database

NATIONAL_ID = re.compile(r"(?<!\d)\d{13}(?!\d)|(?<!\d)\d-\d{4}-\d{5}-\d{2}-\d(?!\d)")
THAI = re.compile(r"[\u0E00-\u0E7F]")
KEYED_HASH = re.compile(r"[0-9a-f]{64}")
SENDERS = (world.A, world.B, world.C, world.D)
# Migration 0014's tables (the rollback test below); the scan itself takes every analytics_* table.
NEW_TABLES = (
    "analytics_sessions",
    "analytics_handovers",
    "analytics_cases",
    "analytics_notices",
    "analytics_hourly",
    "analytics_daily",
    "analytics_monthly_hours",
    "analytics_daily_intents",
    "analytics_monthly_intents",
    "analytics_daily_services",
    "analytics_monthly_services",
    "analytics_dirty_hours",
)
EMPTIED = {"analytics_dirty_hours"}  # emptied by the rollup refresh the scenario ends with
LONG_NUMBER = 10**8  # an integer this long could be a phone number or a national id


def analytics_tables_declared() -> set[str]:
    import_all_models()
    return {name for name in Base.metadata.tables if name.startswith("analytics_")}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with throwaway_database(request.param, tmp_path) as url:
        yield url


def offending(value: object) -> str | None:
    """Why a stored value is personal data or text, or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return "long number" if abs(value) >= LONG_NUMBER else None
    if not isinstance(value, str):
        return None
    if KEYED_HASH.fullmatch(value):
        return None  # a keyed HMAC: the only long digit runs allowed, and only as a whole value
    if NATIONAL_ID.search(value):
        return "national id"
    if any(True for _ in phonenumbers.PhoneNumberMatcher(value, "TH")):
        return "phone number"
    if THAI.search(value):
        return "Thai text"
    if any(sender in value or sender.split(":", 1)[1] in value for sender in SENDERS):
        return "sender id"
    if "somchai" in value:
        return "staff username"
    return None


def test_the_matchers_find_what_they_look_for() -> None:
    for bad in (
        world.CITIZEN_ID,
        world.CITIZEN_ID_DASHED,
        world.PHONE,
        "+66 81 234 5678",
        "ขอบคุณ",
        "line:UA1",
    ):
        assert offending(bad) is not None, bad
    assert offending(1234567890123) == "long number"
    for fine in ("ask_service", "dopa", "2026-11-10", "request_human", "a" * 64, "line", 42, 0.93, True):
        assert offending(fine) is None, fine


def test_no_analytics_table_holds_personal_data_or_text(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        world.build(Consumer(engine, world.PERSONAL.sender_hash, world.agency_for))
        with engine.connect() as conn:
            # Every analytics_* table there is, found in the database and in the models: a table added
            # later (the cubes of 0015, …) is scanned without being listed here, and must hold rows.
            tables = sorted(t for t in sa.inspect(conn).get_table_names() if t.startswith("analytics_"))
            assert set(tables) == analytics_tables_declared()
            assert {"analytics_daily_cube", "analytics_monthly_services_cube"} <= set(tables)
            scanned = 0
            for table in tables:
                rows = conn.execute(sa.text(f"SELECT * FROM {table}")).all()
                if table not in EMPTIED:
                    assert rows, f"{table} is empty: the scan would prove nothing"
                for row in rows:
                    for column, value in row._mapping.items():
                        scanned += 1
                        assert offending(value) is None, (table, column, offending(value))
            # The source tables do hold the personal data the scan looks for (the test has teeth).
            texts = conn.execute(sa.text("SELECT text FROM handover_messages")).scalars().all()
            assert len(texts) == 3 and all(offending(t) == "national id" for t in texts)
            description = conn.execute(
                sa.text("SELECT description FROM cases WHERE kind = 'complaint'")
            ).scalar_one()
            assert offending(description) == "national id"
        assert scanned > 200
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_migration_0014_matches_the_models_and_rolls_back(kind: str, tmp_path: Path) -> None:
    import_all_models()
    with throwaway_database(kind, tmp_path) as url:
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            mine = [d for d in diff if "analytics_" in repr(d)]
            assert mine == []
            cfg = alembic_config(url)
            command.downgrade(cfg, "0013_review_queue")
            inspector = sa.inspect(engine)
            assert not set(NEW_TABLES) & set(inspector.get_table_names())
            assert "session_key" not in {c["name"] for c in inspector.get_columns("analytics_messages")}
            command.upgrade(cfg, "head")
            assert set(NEW_TABLES) <= set(sa.inspect(engine).get_table_names())
        finally:
            engine.dispose()
