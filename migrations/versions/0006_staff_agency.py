"""Staff users belong to an agency (nullable: knowledge-only editors have none); the console's case
pages show and change only that agency's cases.

No foreign key to `agencies`: on SQLite adding one means rebuilding `staff_users`, and dropping the
old table with foreign keys on would cascade into `staff_sessions` and blank `audit_log.actor_id`.
The console checks that the agency exists whenever it sets one (staff.agencies).

Revision ID: 0006_staff_agency
Revises: 0005_case_lookup
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_staff_agency"
down_revision = "0005_case_lookup"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("staff_users", sa.Column("agency_id", sa.String(length=40), nullable=True))
    op.create_index(op.f("ix_staff_users_agency_id"), "staff_users", ["agency_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_users_agency_id"), table_name="staff_users")
    # A plain ALTER TABLE … DROP COLUMN (SQLite 3.35+), never batch mode's table rebuild, for the
    # reason in the module docstring.
    op.drop_column("staff_users", "agency_id")
