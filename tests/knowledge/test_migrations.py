"""Alembic brings an empty database to the knowledge schema, on SQLite and PostgreSQL, repeatably."""

from __future__ import annotations

from sqlalchemy import inspect, text

from db.engine import make_engine
from db.migrate import upgrade


def test_upgrade_creates_knowledge_tables_and_is_repeatable(kb_url: str) -> None:
    upgrade(kb_url)  # already at head: must be a no-op, not an error
    engine = make_engine(kb_url)
    try:
        inspector = inspect(engine)
        tables = set(inspector.get_table_names())
        assert {"kb_services", "kb_service_versions", "kb_revision"} <= tables
        columns = {c["name"] for c in inspector.get_columns("kb_services")}
        assert {
            "id",
            "title_th",
            "title_en",
            "agency",
            "agency_level",
            "eligibility",
            "documents",
            "fees",
            "processing_time",
            "where_to_apply",
            "office_hours",
            "legal_basis",
            "faqs",
            "synonyms",
            "last_reviewed",
            "source",
            "status",
            "version",
            "published_version",
        } <= columns
        with engine.connect() as conn:
            versions = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
            assert conn.execute(text("SELECT count(*) FROM kb_revision WHERE id = 1")).scalar() == 1
        assert versions, "alembic_version is stamped"
    finally:
        engine.dispose()
