"""Case access grants: what a correct last-4 proved, kept server-side (issue 14, finding 3).

One row per (case, asker keyed hash) with when the proof ends (cases/grants.py). Before this, the
proof was the conversation's `phone_last4` / `last_case_ref` slots, which anyone who could write a
tracker event could set; nothing is carried over (those slots unlocked for minutes at most).

Revision ID: 0010_case_access_grants
Revises: 0009_staff_signin_throttle
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_case_access_grants"
down_revision = "0009_staff_signin_throttle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_access_grants",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("asker_hash", sa.String(length=64), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_access_grants_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "asker_hash", name=op.f("pk_case_access_grants")),
    )
    op.create_index("ix_case_access_grants_expires_at", "case_access_grants", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_access_grants_expires_at", table_name="case_access_grants")
    op.drop_table("case_access_grants")
