"""The statistics page's own queries over a year of generated analytics data (issue 13): the drill-down
(analytics.drilldown.conversations: the first page of conversations behind a figure, with their turns)
and the page's daily-rows-per-channel read (staff.views.dashboard.daily_by_channel), p50/p95 against a
plain COUNT over the same period in the same run (the baseline of bench/analytics/dashboard.py, whose
generator and rollup build this reuses, so the data are the same as for the stats() figures).

    .venv/bin/python -m bench.analytics.drilldown [--conversations 200000] [--repeat 20] [--db both]
        [--sqlite-file /tmp/year.sqlite] [--pg-database drill_year] [--periods year]

--sqlite-file / --pg-database keep the generated year (SQLite file; PostgreSQL database on the test
server, dropped by hand) and time it again, migrated to the newest revision, without regenerating.

Prints a Markdown table for bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from analytics.drilldown import Figure, Scope, conversations
from analytics.models import AnalyticsMessage
from bench.analytics.dashboard import PERIODS, _counts, _database, _times, build_rollups, generate, p95
from db.engine import make_engine
from staff.views.dashboard import Filters, daily_by_channel

FIGURES = {
    "conversations": Figure("conversations"),
    "not contained": Figure("not_contained"),
    "handover": Figure("handover"),
    "reason": Figure("reason", "fallback"),
    "fallback": Figure("fallback"),
    "understood": Figure("understood"),
    "intent": Figure("intent", "ask_service"),
    "service": Figure("service", "service_00"),
    "day": Figure("day", "2026-11-15"),
    "hour": Figure("hour", "10"),
}
SCOPES: dict[str, dict[str, str]] = {"all": {}, "channel": {"channel": "line"}, "agency": {"agency": "dopa"}}


def time_queries(
    engine: sa.Engine, repeat: int, periods: list[str]
) -> tuple[list[tuple[str, str, str, float, float]], dict[str, float]]:
    make = sessionmaker(engine)
    rows: list[tuple[str, str, str, float, float]] = []
    baseline: dict[str, float] = {}
    with make() as session:
        for period in periods:
            start, end = PERIODS[period]
            scope = Scope(start, end)
            low, high = scope.bounds()

            def count(s: Session = session, a: dt.datetime = low, b: dt.datetime = high) -> int:
                m = AnalyticsMessage
                query = sa.select(sa.func.count()).select_from(m).where(m.at >= a, m.at < b)
                return int(s.scalar(query) or 0)

            baseline[period] = p95(_times(count, repeat))
            for name, filters in SCOPES.items():
                page = Filters(start, end, filters.get("channel"), filters.get("agency"), None)
                times = _times(lambda f=page: daily_by_channel(session, f), repeat)
                rows.append((period, name, "daily rows per channel", statistics.median(times), p95(times)))
                for label, figure in FIGURES.items():
                    drill_scope = Scope(start, end, **filters)

                    def drill(f: Figure = figure, sc: Scope = drill_scope) -> Any:
                        return conversations(session, sc, f)

                    times = _times(drill, repeat)
                    print(f"  {period} {name} {label}: p95 {p95(times):.1f} ms", file=sys.stderr, flush=True)
                    rows.append((period, name, f"drill-down {label}", statistics.median(times), p95(times)))
    return rows, baseline


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--sqlite-file",
        type=Path,
        help="SQLite: the year kept by bench.analytics.dashboard --sqlite-file (generated here when empty)",
    )
    parser.add_argument(
        "--pg-database",
        help="PostgreSQL: a database of this name on the test server, kept (generated there when empty)",
    )
    parser.add_argument("--periods", default=",".join(PERIODS), help="e.g. year (default: all three)")
    args = parser.parse_args()
    periods = args.periods.split(",")
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    for kind in kinds:
        kept = args.sqlite_file if kind == "sqlite" else None
        with (
            tempfile.TemporaryDirectory() as tmp,
            _database(kind, Path(tmp), kept, args.pg_database) as (url, fresh),
        ):
            engine = make_engine(url)
            started = time.monotonic()
            counts = generate(engine, args.conversations) if fresh else _counts(engine)
            if fresh:
                build_rollups(engine)
            if kind == "postgresql":  # what autovacuum does to settled tables: statistics, visibility map
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(sa.text("VACUUM ANALYZE"))
            prepared = time.monotonic() - started
            rows, baseline = time_queries(engine, args.repeat, periods)
            engine.dispose()
            print(
                f"\n{kind}: {counts['sessions']:,} conversations, {counts['messages']:,} messages"
                f" (prepared in {prepared:.0f} s), {args.repeat} runs each after a warm-up"
            )
            print("| db | period | scope | query | p50 ms | p95 ms | COUNT p95 ms | p95 / COUNT |")
            print("|---|---|---|---|---:|---:|---:|---:|")
            for period, scope, query, p50, p95_ms in rows:
                ratio = p95_ms / baseline[period] if baseline[period] else float("nan")
                print(
                    f"| {kind} | {period} | {scope} | {query} | {p50:.1f} | {p95_ms:.1f} |"
                    f" {baseline[period]:.1f} | {ratio:.2f} |"
                )


if __name__ == "__main__":
    main()
