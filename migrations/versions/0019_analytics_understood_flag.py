"""Analytics (issue 13): the two drill-downs still over 200 ms p95 on PostgreSQL at a year of 200,000
conversations (bench/README.md, "Drill-down at 200k conversations, fixed").

- analytics_sessions.understood: whether some citizen message of the session was understood (not the
  fallback, an intent at confidence >= 0.7, analytics.rollup.UNDERSTOOD_CONFIDENCE), written by the
  consumer with the message and filled here for the sessions already there. One agency's "understood"
  figure sought each of its 14,000 sessions of a year in the understood messages' index (~14k index
  probes, 212 ms p95); its conversations wholly inside the period are now counted and paged from
  ix_analytics_sessions_agency alone, which therefore ends with `understood` (re-created).
- ix_analytics_sessions_handover: the handed-over sessions (started_at, key, channel, agency), partial.
  The "reason" figure hashed the period's handovers of that reason and read all 200,000 sessions
  against them (203 ms p95); a session a handover is linked to is always marked handed over
  (analytics.sources / analytics.ingest), so it now reads only these (a tenth).

Revision ID: 0019_analytics_understood_flag
Revises: 0018_analytics_drilldown_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_analytics_understood_flag"
down_revision = "0018_analytics_drilldown_indexes"
branch_labels = None
depends_on = None

AGENCY_COLUMNS = ["agency", "started_at", "key", "last_at", "channel", "handover", "contained"]
HANDOVER_COLUMNS = ["started_at", "key", "channel", "agency"]
BACKFILL = {
    "sqlite": "UPDATE analytics_sessions SET understood = 1 WHERE key IN ("
    "SELECT session_key FROM analytics_messages WHERE direction = 'in' "
    "AND fallback = 0 AND intent IS NOT NULL AND confidence >= 0.7)",
    "postgresql": "UPDATE analytics_sessions SET understood = true WHERE key IN ("
    "SELECT session_key FROM analytics_messages WHERE direction = 'in' "
    "AND NOT fallback AND intent IS NOT NULL AND confidence >= 0.7)",
}


def upgrade() -> None:
    op.add_column(
        "analytics_sessions",
        sa.Column("understood", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    # The backfill reads the understood messages' partial index of migration 0018 (its condition
    # written the same way, so SQLite uses it), session by session.
    op.execute(BACKFILL["sqlite" if op.get_bind().dialect.name == "sqlite" else "postgresql"])
    op.drop_index("ix_analytics_sessions_agency", table_name="analytics_sessions")
    op.create_index("ix_analytics_sessions_agency", "analytics_sessions", [*AGENCY_COLUMNS, "understood"])
    op.create_index(
        "ix_analytics_sessions_handover",
        "analytics_sessions",
        HANDOVER_COLUMNS,
        sqlite_where=sa.text("handover = 1"),
        postgresql_where=sa.text("handover"),
    )


def downgrade() -> None:
    op.drop_index("ix_analytics_sessions_handover", table_name="analytics_sessions")
    op.drop_index("ix_analytics_sessions_agency", table_name="analytics_sessions")
    op.create_index("ix_analytics_sessions_agency", "analytics_sessions", AGENCY_COLUMNS)
    with op.batch_alter_table("analytics_sessions") as batch:
        batch.drop_column("understood")
