"""Analytics (issue 13): the handover figures of a period (reasons, ratings, wait, first response,
resolution) read from one covering index instead of three scans with a table look-up per row: a year's
20k handovers took ~160 ms on SQLite, the largest part of the statistics page's year view
(bench/README.md, analytics). It replaces the index on requested_at alone, its first column.

Revision ID: 0016_analytics_handover_index
Revises: 0015_analytics_cubes
"""

from __future__ import annotations

from alembic import op

revision = "0016_analytics_handover_index"
down_revision = "0015_analytics_cubes"
branch_labels = None
depends_on = None

COLUMNS = [
    "requested_at",
    "channel",
    "agency",
    "reason",
    "rating",
    "outcome",
    "wait_seconds",
    "first_response_seconds",
    "resolution_seconds",
]


def upgrade() -> None:
    op.create_index("ix_analytics_handovers_figures", "analytics_handovers", COLUMNS)
    op.drop_index("ix_analytics_handovers_requested", table_name="analytics_handovers")


def downgrade() -> None:
    op.create_index("ix_analytics_handovers_requested", "analytics_handovers", ["requested_at"])
    op.drop_index("ix_analytics_handovers_figures", table_name="analytics_handovers")
