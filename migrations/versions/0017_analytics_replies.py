"""Analytics (issue 13): handover lines sent to the citizen — staff replies and handover notices —
delivered or failed per channel, from the reply_delivered / reply_failed handover events the gateway's
delivery worker now writes (handover/delivery.py). Case notices were counted already (analytics_notices);
staff replies were not.

Revision ID: 0017_analytics_replies
Revises: 0016_analytics_handover_index
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_analytics_replies"
down_revision = "0016_analytics_handover_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_replies",
        sa.Column("message_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("author", sa.String(length=8), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_analytics_replies")),
    )
    op.create_index("ix_analytics_replies_at", "analytics_replies", ["at"])


def downgrade() -> None:
    op.drop_index("ix_analytics_replies_at", table_name="analytics_replies")
    op.drop_table("analytics_replies")
