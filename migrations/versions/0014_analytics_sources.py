"""Analytics (issue 13), part 2: conversations as sessions, handovers/cases/notices as figures, and
the hourly/daily rollups the stats API reads. No personal data or text: see analytics/models.py.

Revision ID: 0014_analytics_sources
Revises: 0013_review_queue
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_analytics_sources"
down_revision = "0013_review_queue"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _counts() -> list[sa.Column]:
    names = (
        "conversations",
        "citizens_new",
        "citizens_returning",
        "contained",
        "handovers",
        "citizen_messages",
        "bot_messages",
        "fallback",
        "understood",
        "feedback_positive",
        "feedback_negative",
    )
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def upgrade() -> None:
    with op.batch_alter_table("analytics_messages") as batch:
        batch.add_column(sa.Column("session_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("aspect", sa.String(length=20), nullable=True))
    op.create_index("ix_analytics_messages_session", "analytics_messages", ["session_key"])
    op.create_index("ix_analytics_messages_intent", "analytics_messages", ["intent", "at"])
    with op.batch_alter_table("analytics_conversations") as batch:
        batch.add_column(sa.Column("session_key", sa.String(length=64), nullable=True))
    op.create_table(
        "analytics_sessions",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("conversation", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=True),
        sa.Column("service_id", sa.String(length=80), nullable=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("last_at", TS, nullable=False),
        sa.Column("returning_citizen", sa.Boolean(), nullable=False),
        sa.Column("handover", sa.Boolean(), nullable=False),
        sa.Column("next_started_at", TS, nullable=True),
        sa.Column("contained", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_analytics_sessions")),
    )
    op.create_index("ix_analytics_sessions_started", "analytics_sessions", ["started_at"])
    op.create_index(
        "ix_analytics_sessions_conversation", "analytics_sessions", ["conversation", "started_at"]
    )
    op.create_table(
        "analytics_handovers",
        sa.Column("handover_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("conversation", sa.String(length=64), nullable=False),
        sa.Column("session_key", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("requested_at", TS, nullable=False),
        sa.Column("claimed_at", TS, nullable=True),
        sa.Column("first_reply_at", TS, nullable=True),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("handover_id", name=op.f("pk_analytics_handovers")),
    )
    op.create_index("ix_analytics_handovers_requested", "analytics_handovers", ["requested_at"])
    op.create_index("ix_analytics_handovers_conversation", "analytics_handovers", ["conversation"])
    op.create_table(
        "analytics_cases",
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=True),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=True),
        sa.Column("filed_at", TS, nullable=False),
        sa.Column("closed_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_analytics_cases")),
    )
    op.create_index("ix_analytics_cases_filed", "analytics_cases", ["filed_at"])
    op.create_index("ix_analytics_cases_closed", "analytics_cases", ["closed_at"])
    op.create_table(
        "analytics_notices",
        sa.Column("delivery_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("delivery_id", name=op.f("pk_analytics_notices")),
    )
    op.create_index("ix_analytics_notices_at", "analytics_notices", ["at"])
    op.create_table(
        "analytics_hourly",
        sa.Column("bucket", TS, nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        *_counts(),
        sa.PrimaryKeyConstraint("bucket", "channel", "agency", name=op.f("pk_analytics_hourly")),
    )
    op.create_index("ix_analytics_hourly_day", "analytics_hourly", ["day"])
    op.create_table(
        "analytics_daily",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        *_counts(),
        sa.PrimaryKeyConstraint("day", "channel", "agency", name=op.f("pk_analytics_daily")),
    )
    op.create_table(
        "analytics_monthly_hours",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        *_counts(),
        sa.PrimaryKeyConstraint(
            "month", "hour", "channel", "agency", name=op.f("pk_analytics_monthly_hours")
        ),
    )
    for grain, length in (("daily", 10), ("monthly", 7)):
        period = "day" if grain == "daily" else "month"
        op.create_table(
            f"analytics_{grain}_intents",
            sa.Column(period, sa.String(length=length), nullable=False),
            sa.Column("channel", sa.String(length=8), nullable=False),
            sa.Column("agency", sa.String(length=40), nullable=False),
            sa.Column("intent", sa.String(length=80), nullable=False),
            sa.Column("count", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint(
                period, "channel", "agency", "intent", name=op.f(f"pk_analytics_{grain}_intents")
            ),
        )
        op.create_table(
            f"analytics_{grain}_services",
            sa.Column(period, sa.String(length=length), nullable=False),
            sa.Column("channel", sa.String(length=8), nullable=False),
            sa.Column("agency", sa.String(length=40), nullable=False),
            sa.Column("service_id", sa.String(length=80), nullable=False),
            sa.Column("aspect", sa.String(length=20), nullable=False),
            sa.Column("count", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint(
                period,
                "channel",
                "agency",
                "service_id",
                "aspect",
                name=op.f(f"pk_analytics_{grain}_services"),
            ),
        )
    op.create_table(
        "analytics_dirty_hours",
        sa.Column("bucket", TS, nullable=False),
        sa.PrimaryKeyConstraint("bucket", name=op.f("pk_analytics_dirty_hours")),
    )


def downgrade() -> None:
    op.drop_table("analytics_dirty_hours")
    for grain in ("monthly", "daily"):
        op.drop_table(f"analytics_{grain}_services")
        op.drop_table(f"analytics_{grain}_intents")
    op.drop_table("analytics_monthly_hours")
    op.drop_table("analytics_daily")
    op.drop_index("ix_analytics_hourly_day", table_name="analytics_hourly")
    op.drop_table("analytics_hourly")
    op.drop_index("ix_analytics_notices_at", table_name="analytics_notices")
    op.drop_table("analytics_notices")
    op.drop_index("ix_analytics_cases_closed", table_name="analytics_cases")
    op.drop_index("ix_analytics_cases_filed", table_name="analytics_cases")
    op.drop_table("analytics_cases")
    op.drop_index("ix_analytics_handovers_conversation", table_name="analytics_handovers")
    op.drop_index("ix_analytics_handovers_requested", table_name="analytics_handovers")
    op.drop_table("analytics_handovers")
    op.drop_index("ix_analytics_sessions_conversation", table_name="analytics_sessions")
    op.drop_index("ix_analytics_sessions_started", table_name="analytics_sessions")
    op.drop_table("analytics_sessions")
    with op.batch_alter_table("analytics_conversations") as batch:
        batch.drop_column("session_key")
    op.drop_index("ix_analytics_messages_intent", table_name="analytics_messages")
    op.drop_index("ix_analytics_messages_session", table_name="analytics_messages")
    with op.batch_alter_table("analytics_messages") as batch:
        batch.drop_column("aspect")
        batch.drop_column("session_key")
