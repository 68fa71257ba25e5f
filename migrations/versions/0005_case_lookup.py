"""Case look-up by citizens: failed verification attempts and locks per (case, asker).

Revision ID: 0005_case_lookup
Revises: 0004_cases
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_case_lookup"
down_revision = "0004_cases"
branch_labels = None
depends_on = None


def upgrade() -> None:
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


def downgrade() -> None:
    op.drop_index(op.f("ix_case_lookup_attempts_case_id"), table_name="case_lookup_attempts")
    op.drop_table("case_lookup_attempts")
