"""Look-up budgets: attempts counted per (scope, subject, time window), shared by every session.

Replaces `case_lookup_attempts` (failures per case and asker, which a guesser escaped by opening new
web-chat sessions: issue 14, finding 1). The new table counts per asker and case, per case across
all askers, per asker across all cases, and web-chat sessions issued per client address
(cases/verification.py, channels/web/socket.py). Old failure rows are not carried over: they only
ever held a few minutes of lock.

Revision ID: 0008_lookup_budgets
Revises: 0007_sealed_key_ids
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_lookup_budgets"
down_revision = "0007_sealed_key_ids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lookup_budgets",
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("window_no", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("spent", sa.Integer(), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "subject", "window_no", name=op.f("pk_lookup_budgets")),
    )
    op.create_index("ix_lookup_budgets_ends_at", "lookup_budgets", ["ends_at"], unique=False)
    op.drop_index(op.f("ix_case_lookup_attempts_case_id"), table_name="case_lookup_attempts")
    op.drop_table("case_lookup_attempts")


def downgrade() -> None:
    op.create_table(
        "case_lookup_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("asker_hash", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_lookup_attempts_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_lookup_attempts")),
        sa.UniqueConstraint("case_id", "asker_hash", name="uq_case_lookup_attempts_case_asker"),
    )
    op.create_index(
        op.f("ix_case_lookup_attempts_case_id"), "case_lookup_attempts", ["case_id"], unique=False
    )
    op.drop_index("ix_lookup_budgets_ends_at", table_name="lookup_budgets")
    op.drop_table("lookup_budgets")
