"""Analytics (issue 13): messages, actions and conversations from Rasa's broker events, and the
consumer's read position. No personal data or text: see analytics/models.py.

Revision ID: 0012_analytics
Revises: 0011_handover
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_analytics"
down_revision = "0011_handover"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "analytics_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=64), nullable=False),
        sa.Column("conversation", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("intent", sa.String(length=80), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("fallback", sa.Boolean(), nullable=False),
        sa.Column("service_id", sa.String(length=80), nullable=True),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_messages")),
        sa.UniqueConstraint("event_key", name=op.f("uq_analytics_messages_event_key")),
    )
    op.create_index("ix_analytics_messages_at", "analytics_messages", ["at"])
    op.create_index("ix_analytics_messages_conversation", "analytics_messages", ["conversation", "at"])
    op.create_table(
        "analytics_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=64), nullable=False),
        sa.Column("conversation", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("service_id", sa.String(length=80), nullable=True),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_actions")),
        sa.UniqueConstraint("event_key", name=op.f("uq_analytics_actions_event_key")),
    )
    op.create_index("ix_analytics_actions_at", "analytics_actions", ["at"])
    op.create_table(
        "analytics_conversations",
        sa.Column("conversation", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("service_id", sa.String(length=80), nullable=True),
        sa.Column("first_at", TS, nullable=False),
        sa.Column("last_at", TS, nullable=False),
        sa.Column("turn_at", TS, nullable=True),
        sa.Column("last_action", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("conversation", name=op.f("pk_analytics_conversations")),
    )
    op.create_table(
        "analytics_cursors",
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_analytics_cursors")),
    )


def downgrade() -> None:
    op.drop_table("analytics_cursors")
    op.drop_table("analytics_conversations")
    op.drop_index("ix_analytics_actions_at", table_name="analytics_actions")
    op.drop_table("analytics_actions")
    op.drop_index("ix_analytics_messages_conversation", table_name="analytics_messages")
    op.drop_index("ix_analytics_messages_at", table_name="analytics_messages")
    op.drop_table("analytics_messages")
