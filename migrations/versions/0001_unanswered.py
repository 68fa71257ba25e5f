"""Unanswered messages (PII masked) recorded by the fallback actions for content review.

Revision ID: 0001_unanswered
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_unanswered"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unanswered_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("masked_text", sa.Text(), nullable=False),
        sa.Column("top_intent", sa.String(length=64), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unanswered_messages")),
    )
    op.create_index(
        op.f("ix_unanswered_messages_created_at"), "unanswered_messages", ["created_at"], unique=False
    )
    op.create_index(
        op.f("ix_unanswered_messages_sender_hash"), "unanswered_messages", ["sender_hash"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_unanswered_messages_sender_hash"), table_name="unanswered_messages")
    op.drop_index(op.f("ix_unanswered_messages_created_at"), table_name="unanswered_messages")
    op.drop_table("unanswered_messages")
