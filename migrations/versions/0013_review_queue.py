"""Review queue (issue 13, the teaching loop): why a question was kept and what the bot answered.

unanswered_messages becomes the queue of questions to teach from: `reason` says why it was kept
(unanswered, low_confidence, handover, thumbs_down), `bot_answer` names what the bot gave (a
response or action name, or a service id), `service_id` the service being talked about. A reviewer's
decision is stored beside it (`review_*`); grouping is computed, not stored.

Revision ID: 0013_review_queue
Revises: 0012_analytics
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_review_queue"
down_revision = "0012_analytics"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("unanswered_messages") as batch:
        batch.add_column(
            sa.Column("reason", sa.String(length=16), nullable=False, server_default="unanswered")
        )
        batch.add_column(sa.Column("bot_answer", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("service_id", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("review_decision", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("review_target", sa.String(length=80), nullable=True))
    op.create_index("ix_unanswered_messages_reason", "unanswered_messages", ["reason", "reviewed_at"])


def downgrade() -> None:
    op.drop_index("ix_unanswered_messages_reason", table_name="unanswered_messages")
    with op.batch_alter_table("unanswered_messages") as batch:
        added = ("review_target", "review_decision", "reviewed_at", "service_id", "bot_answer", "reason")
        for column in added:
            batch.drop_column(column)
