"""Staff sign-in attempts counted per client, account name and trusted browser (issue 14, finding 2).

One row per HMAC'd key; `attempts` is reserved under a row lock before each password check, so
parallel attempts cannot get more checks than the limit (staff/signin_throttle.py).

Revision ID: 0009_staff_signin_throttle
Revises: 0008_lookup_budgets
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_staff_signin_throttle"
down_revision = "0008_lookup_budgets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_signin_throttle",
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("blocks", sa.Integer(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_staff_signin_throttle")),
    )
    op.create_index(op.f("ix_staff_signin_throttle_updated_at"), "staff_signin_throttle", ["updated_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_signin_throttle_updated_at"), table_name="staff_signin_throttle")
    op.drop_table("staff_signin_throttle")
