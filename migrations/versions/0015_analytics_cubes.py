"""Analytics (issue 13), dashboard speed: handover and case durations kept in seconds beside their
times (percentiles read a float column), and the daily and monthly rollups summed over channel, over
agency and over both (key "*"), so the dashboard's figures for any filter read one row per day or month
and key instead of summing every channel x agency row at each request (analytics/models.py). Filled here
from the existing rollups; kept by analytics.rollup from then on.

Revision ID: 0015_analytics_cubes
Revises: 0014_analytics_sources
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_analytics_cubes"
down_revision = "0014_analytics_sources"
branch_labels = None
depends_on = None

COUNTS = (
    "conversations",
    "citizens_new",
    "citizens_returning",
    "contained",
    "handovers",
    "citizen_messages",
    "bot_messages",
    "fallback",
    "understood",
    "feedback_positive",
    "feedback_negative",
)
ALL = "*"
# cube table, base table, period column and length, key columns (name, type), count columns
CUBES: tuple[tuple[str, str, str, int, tuple[tuple[str, sa.types.TypeEngine], ...], tuple[str, ...]], ...] = (
    ("analytics_daily_cube", "analytics_daily", "day", 10, (), COUNTS),
    (
        "analytics_monthly_hours_cube",
        "analytics_monthly_hours",
        "month",
        7,
        (("hour", sa.Integer()),),
        COUNTS,
    ),
    (
        "analytics_monthly_intents_cube",
        "analytics_monthly_intents",
        "month",
        7,
        (("intent", sa.String(length=80)),),
        ("count",),
    ),
    (
        "analytics_monthly_services_cube",
        "analytics_monthly_services",
        "month",
        7,
        (("service_id", sa.String(length=80)), ("aspect", sa.String(length=20))),
        ("count",),
    ),
)


DURATIONS = (
    ("analytics_handovers", "wait_seconds", "requested_at", "claimed_at"),
    ("analytics_handovers", "first_response_seconds", "requested_at", "first_reply_at"),
    ("analytics_handovers", "resolution_seconds", "requested_at", "closed_at"),
    ("analytics_cases", "close_seconds", "filed_at", "closed_at"),
)


def _seconds_sql(dialect: str, start: str, end: str) -> str:
    """max(0, end - start) in seconds, exact like Python's timedelta.total_seconds()."""
    if dialect == "postgresql":
        return f"greatest(0.0, extract(epoch from ({end} - {start}))::float8)"

    def micros(column: str) -> str:  # SQLite keeps 'YYYY-MM-DD HH:MM:SS.ffffff'
        whole = f"cast(strftime('%s', {column}) as integer) * 1000000"
        return f"({whole} + cast(substr({column}, 21, 6) as integer))"

    return f"max(0.0, ({micros(end)} - {micros(start)}) / 1000000.0)"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, column, start, end in DURATIONS:
        op.add_column(table, sa.Column(column, sa.Float(), nullable=True))
        op.execute(
            f"UPDATE {table} SET {column} = {_seconds_sql(dialect, start, end)}"  # noqa: S608
            f" WHERE {start} IS NOT NULL AND {end} IS NOT NULL"
        )
    for cube, base, period, length, keys, counts in CUBES:
        op.create_table(
            cube,
            sa.Column("channel", sa.String(length=8), nullable=False),
            sa.Column("agency", sa.String(length=40), nullable=False),
            sa.Column(period, sa.String(length=length), nullable=False),
            *[sa.Column(name, kind, nullable=False) for name, kind in keys],
            *[sa.Column(name, sa.Integer(), nullable=False) for name in counts],
            sa.PrimaryKeyConstraint(
                "channel", "agency", period, *[name for name, _ in keys], name=op.f(f"pk_{cube}")
            ),
        )
        key_names = [name for name, _ in keys]
        columns = ", ".join(["channel", "agency", period, *key_names, *counts])
        plain = ", ".join([period, *key_names, *counts])
        sums = ", ".join([period, *key_names, *[f"sum({c})" for c in counts]])
        grouped = ", ".join([period, *key_names])
        # Table and column names are the constants above: no input reaches these statements.
        for select in (
            f"SELECT channel, agency, {plain} FROM {base}",  # noqa: S608
            f"SELECT channel, '{ALL}', {sums} FROM {base} GROUP BY channel, {grouped}",  # noqa: S608
            f"SELECT '{ALL}', agency, {sums} FROM {base} GROUP BY agency, {grouped}",  # noqa: S608
            f"SELECT '{ALL}', '{ALL}', {sums} FROM {base} GROUP BY {grouped}",  # noqa: S608
        ):
            op.execute(f"INSERT INTO {cube} ({columns}) {select}")
    op.create_index("ix_analytics_daily_cube_agency", "analytics_daily_cube", ["agency", "channel", "day"])


def downgrade() -> None:
    op.drop_index("ix_analytics_daily_cube_agency", table_name="analytics_daily_cube")
    for cube, *_ in reversed(CUBES):
        op.drop_table(cube)
    for table, column, _, _ in reversed(DURATIONS):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
