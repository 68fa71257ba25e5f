"""Analytics (issue 13): indexes the statistics page's drill-down walks instead of joining every message
of the period. At a year of 200,000 conversations on SQLite the drill-down from a message figure took
seconds (fallback 13-14 s, a service 5-6 s, an intent ~1.5 s; bench/README.md): it joined the period's
citizen messages to their sessions, de-duplicated them in a temporary B-tree and sorted the result.

- analytics_sessions: (started_at, key, …) and (agency, started_at, key, …) carry the columns the
  figures filter on (channel, agency, handover, contained, last_at), so a count reads the index alone
  and a page walks it newest first and stops at the page (started_at, key is the page's order). The
  first takes the place of the index on started_at alone (same name, same first column).
- analytics_messages, citizen messages only (partial indexes): (session_key, at, channel) of the
  fallback messages and of the understood ones, (intent, session_key, at, channel) and (service_id,
  session_key, at, channel). Each is ordered by session within its figure: counting the conversations
  behind a figure is one ordered pass over it (GROUP BY without a temporary B-tree), and "which of
  these conversations have such a message in the period" is a seek per conversation. They replace
  (intent, at) and (session_key), which only the drill-down read.

The conditions are the drill-down's own terms (analytics.drilldown: literals, so SQLite can prove a
query implies an index's condition); the understood threshold is analytics.rollup.UNDERSTOOD_CONFIDENCE
at the time of writing (0.7) — a different threshold in the code would only make the index unused.

Revision ID: 0018_analytics_drilldown_indexes
Revises: 0017_analytics_replies
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_analytics_drilldown_indexes"
down_revision = "0017_analytics_replies"
branch_labels = None
depends_on = None

SESSION_COLUMNS = ["key", "last_at", "channel", "agency", "handover", "contained"]
CITIZEN = "direction = 'in'"
# (name, columns, condition on SQLite, condition on PostgreSQL)
MESSAGE_INDEXES = [
    (
        "ix_analytics_messages_fallback",
        ["session_key", "at", "channel"],
        f"{CITIZEN} AND fallback = 1",
        f"{CITIZEN} AND fallback",
    ),
    (
        "ix_analytics_messages_understood",
        ["session_key", "at", "channel"],
        f"{CITIZEN} AND fallback = 0 AND intent IS NOT NULL AND confidence >= 0.7",
        f"{CITIZEN} AND NOT fallback AND intent IS NOT NULL AND confidence >= 0.7",
    ),
    ("ix_analytics_messages_intent_session", ["intent", "session_key", "at", "channel"], CITIZEN, CITIZEN),
    (
        "ix_analytics_messages_service_session",
        ["service_id", "session_key", "at", "channel"],
        CITIZEN,
        CITIZEN,
    ),
]


def upgrade() -> None:
    op.drop_index("ix_analytics_sessions_started", table_name="analytics_sessions")
    op.create_index("ix_analytics_sessions_started", "analytics_sessions", ["started_at", *SESSION_COLUMNS])
    agency_columns = ["agency", "started_at", *[c for c in SESSION_COLUMNS if c != "agency"]]
    op.create_index("ix_analytics_sessions_agency", "analytics_sessions", agency_columns)
    for name, columns, sqlite_where, postgresql_where in MESSAGE_INDEXES:
        op.create_index(
            name,
            "analytics_messages",
            columns,
            sqlite_where=sa.text(sqlite_where),
            postgresql_where=sa.text(postgresql_where),
        )
    op.drop_index("ix_analytics_messages_intent", table_name="analytics_messages")
    op.drop_index("ix_analytics_messages_session", table_name="analytics_messages")


def downgrade() -> None:
    op.create_index("ix_analytics_messages_session", "analytics_messages", ["session_key"])
    op.create_index("ix_analytics_messages_intent", "analytics_messages", ["intent", "at"])
    for name, *_ in reversed(MESSAGE_INDEXES):
        op.drop_index(name, table_name="analytics_messages")
    op.drop_index("ix_analytics_sessions_agency", table_name="analytics_sessions")
    op.drop_index("ix_analytics_sessions_started", table_name="analytics_sessions")
    op.create_index("ix_analytics_sessions_started", "analytics_sessions", ["started_at"])
