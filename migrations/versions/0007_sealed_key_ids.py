"""Sealed contact data names its key: `v1.<kid>.<base64>` (privacy/README.md).

Values sealed before this revision (`PersonalDataVault`: bare base64 of nonce ‖ AES-GCM ciphertext,
key derived from CASES_SECRET_KEY) become `v1.legacy.<same base64>`: the ciphertext is unchanged, so
the migration needs no key and runs the same on SQLite and PostgreSQL; the `legacy` key (still read
from CASES_SECRET_KEY) opens them until `python -m privacy rotate-keys` re-seals them under the current
key. Idempotent: values that already carry a key id are left alone.

Downgrade strips the `v1.legacy.` prefix again; values re-sealed under a newer key cannot be read by
the old code (rotate back to the legacy key is not offered: restore a backup instead).

Revision ID: 0007_sealed_key_ids
Revises: 0006_staff_agency
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_sealed_key_ids"
down_revision = "0006_staff_agency"
branch_labels = None
depends_on = None

_SEALED = (("case_contacts", "sender_enc"), ("case_contacts", "phone_enc"))
_PREFIX = "v1.legacy."


def upgrade() -> None:
    for table_name, name in _SEALED:
        col = sa.column(name, sa.Text)
        op.execute(
            sa.update(sa.table(table_name, col))
            .where(col.is_not(None), col.not_like("v1.%"))
            .values({name: sa.literal(_PREFIX, sa.Text) + col})
        )


def downgrade() -> None:
    for table_name, name in _SEALED:
        col = sa.column(name, sa.Text)
        op.execute(
            sa.update(sa.table(table_name, col))
            .where(col.like(_PREFIX + "%"))
            .values({name: sa.func.substr(col, len(_PREFIX) + 1)})
        )
