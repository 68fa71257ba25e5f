"""Dashboard queries over a year of generated analytics data (issue 13): p95 of the stats() calls the
dashboard and GET /staff/api/stats make, against a plain COUNT over the same period in the same run.

    .venv/bin/python -m bench.analytics.dashboard [--conversations 200000] [--repeat 20]

For SQLite (a file) and PostgreSQL (a throwaway database on 127.0.0.1:5432): a year (2025-12-01 to
2026-11-30, Bangkok) of conversations is written straight into the fact tables the consumer fills —
analytics_sessions, analytics_messages (about 10 per conversation: 5 citizen, 5 bot), analytics_handovers
(~10 % of conversations), analytics_cases and analytics_notices — with daytime-heavy hours, three
channels (LINE 60 %, web 25 %, SMS 15 %), 12 agencies plus unattributed, 30 intents, 40 services and six
aspects. Then analytics.rollup.recompute() builds the hourly/daily rollups from them (the code the
consumer runs per dirty hour; its time is printed too). Writing through the broker path instead would
take the ingest bench's rate (bench/analytics/ingest.py) for ~5 M events: the query figures do not
depend on how the rows got there.

Timed: stats() for a month, a quarter and a year, each unfiltered, with channel=line, with
agency=dopa, and with both; `--repeat` runs each (after one warm-up), p50 and p95 in ms. Baseline:
`SELECT count(*) FROM analytics_messages WHERE at in the period` (the cheapest question one could ask
of the raw rows), its p95 over the same periods. Prints a Markdown table for bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from analytics import rollup
from analytics.measures import StatsQuery, stats
from analytics.models import (
    AnalyticsCase,
    AnalyticsHandover,
    AnalyticsMessage,
    AnalyticsNotice,
    AnalyticsSession,
    seconds_between,
)
from db.engine import make_engine
from db.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.databases import PG_ADMIN, PG_URL, throwaway_database  # noqa: E402

FIRST_DAY = dt.date(2025, 12, 1)
LAST_DAY = dt.date(2026, 11, 30)
BKK = dt.timedelta(hours=7)
AGENCIES = ["dopa", "sso", "dlt", "rd", "moph", "mol", "bma", "pea", "mea", "pwa", "mwa", "gcc1111"]
CHANNELS = ["line"] * 12 + ["web"] * 5 + ["sms"] * 3
INTENTS = [
    "ask_service",
    "greet",
    "thanks",
    "ask_fee",
    "ask_documents",
    "ask_place",
    "ask_time",
    "goodbye",
] + [f"intent_{n}" for n in range(22)]
SERVICES = [f"service_{n:02d}" for n in range(40)]
ASPECTS = ["documents", "fee", "place", "time", "eligibility", "online", None, None]
REASONS = ["request_human", "fallback", "sensitive_topic"]
# Relative traffic per Bangkok hour of day: quiet at night, peaks late morning and evening.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 11, 9, 10, 11, 10, 9, 8, 9, 10, 9, 7, 4, 2]


def _hash(*parts: object) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


def generate(engine: sa.Engine, conversations: int, seed: int = 13) -> dict[str, int]:
    """Write a year of fact rows; returns the row counts."""
    rng = random.Random(seed)
    days = (LAST_DAY - FIRST_DAY).days + 1
    citizens = max(1, int(conversations * 0.6))
    seen: set[int] = set()
    counts = {"sessions": 0, "messages": 0, "handovers": 0, "cases": 0, "notices": 0}
    sessions_rows: list[dict[str, Any]] = []
    message_rows: list[dict[str, Any]] = []
    handover_rows: list[dict[str, Any]] = []
    case_rows: list[dict[str, Any]] = []
    notice_rows: list[dict[str, Any]] = []

    def flush(final: bool = False) -> None:
        if not final and len(message_rows) < 100_000:
            return
        print(f"  {counts['messages']:,} messages generated", file=sys.stderr, flush=True)
        tables = (
            (AnalyticsSession, sessions_rows),
            (AnalyticsMessage, message_rows),
            (AnalyticsHandover, handover_rows),
            (AnalyticsCase, case_rows),
            (AnalyticsNotice, notice_rows),
        )
        if engine.dialect.name == "postgresql":
            _copy(engine, tables)
            return
        _sqlite_insert(engine, tables)

    hours = rng.choices(range(24), weights=HOUR_WEIGHTS, k=conversations)
    for n in range(conversations):
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(days))
        local = dt.datetime(day.year, day.month, day.day, hours[n], rng.randrange(60), rng.randrange(60))
        start = (local - BKK).replace(tzinfo=dt.UTC)
        citizen = rng.randrange(citizens)
        conversation = _hash("citizen", citizen)
        channel = rng.choice(CHANNELS)
        agency = rng.choice(AGENCIES) if rng.random() < 0.85 else None
        service = rng.choice(SERVICES) if agency else None
        handover = rng.random() < 0.1
        key = _hash("session", n)
        turns = max(1, int(rng.expovariate(1 / 5)))
        at = start
        understood_any = False
        for t in range(turns):
            fallback = rng.random() < 0.12
            intent = "nlu_fallback" if fallback else rng.choice(INTENTS)
            if not fallback and rng.random() < 0.03:
                intent = rng.choice(["feedback_positive", "feedback_positive", "feedback_negative"])
            aspect = rng.choice(ASPECTS) if service else None
            confidence = rng.uniform(0.3, 1.0)
            understood_any = understood_any or rollup.understood(fallback, intent, confidence)
            common = {
                "conversation": conversation,
                "channel": channel,
                "service_id": service,
                "session_key": key,
            }
            message_rows.append(
                common
                | {
                    "event_key": _hash("in", n, t),
                    "direction": "in",
                    "intent": intent,
                    "confidence": confidence,
                    "fallback": fallback,
                    "at": at,
                    "aspect": aspect,
                }
            )
            message_rows.append(
                common
                | {
                    "event_key": _hash("out", n, t),
                    "direction": "out",
                    "intent": "utter_answer",
                    "confidence": None,
                    "fallback": fallback,
                    "at": at + dt.timedelta(seconds=1),
                    "aspect": aspect,
                }
            )
            at += dt.timedelta(seconds=rng.randrange(10, 120))
        sessions_rows.append(
            {
                "key": key,
                "conversation": conversation,
                "channel": channel,
                "agency": agency if not handover else (agency or "gcc1111"),
                "service_id": service,
                "started_at": start,
                "last_at": at,
                "returning_citizen": citizen in seen,
                "handover": handover,
                "next_started_at": None,
                "contained": not handover and rng.random() < 0.85,
                "understood": understood_any,  # as the consumer sets it (analytics.ingest)
            }
        )
        seen.add(citizen)
        counts["sessions"] += 1
        counts["messages"] += 2 * turns
        if handover:
            requested = at
            claimed = requested + dt.timedelta(seconds=rng.expovariate(1 / 240))
            handover_rows.append(
                {
                    "handover_id": n + 1,
                    "conversation": conversation,
                    "session_key": key,
                    "channel": channel,
                    "agency": agency or "gcc1111",
                    "reason": rng.choice(REASONS),
                    "requested_at": requested,
                    "claimed_at": claimed,
                    "first_reply_at": claimed + dt.timedelta(seconds=rng.randrange(5, 120)),
                    "closed_at": claimed + dt.timedelta(seconds=rng.randrange(120, 1800)),
                    "outcome": "closed",
                    "rating": rng.choice([None, 3, 4, 5, 5, 2, 1]),
                }
            )
            row = handover_rows[-1]
            row["wait_seconds"] = seconds_between(requested, row["claimed_at"])
            row["first_response_seconds"] = seconds_between(requested, row["first_reply_at"])
            row["resolution_seconds"] = seconds_between(requested, row["closed_at"])
            counts["handovers"] += 1
        if rng.random() < 0.05:
            filed = at
            closed = filed + dt.timedelta(days=rng.randrange(1, 30)) if rng.random() < 0.7 else None
            case_rows.append(
                {
                    "case_id": n + 1,
                    "kind": "complaint" if rng.random() < 0.7 else "application",
                    "category": rng.choice(["road", "light", "garbage", "water", "noise"]),
                    "agency": agency or "gcc1111",
                    "channel": channel,
                    "filed_at": filed,
                    "closed_at": closed,
                    "close_seconds": seconds_between(filed, closed),
                }
            )
            counts["cases"] += 1
            if closed is not None:
                notice_rows.append(
                    {
                        "delivery_id": n + 1,
                        "channel": channel,
                        "agency": agency or "gcc1111",
                        "outcome": "delivered" if rng.random() < 0.95 else "failed",
                        "at": closed,
                    }
                )
                counts["notices"] += 1
        flush()
    flush(final=True)
    return counts


def _copy(engine: sa.Engine, tables: Any) -> None:
    """PostgreSQL: COPY the rows in (executemany ran at ~2k rows/s on the shared bench machine)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table, rows in tables:
            if not rows:
                continue
            columns = list(rows[0])
            with cursor.copy(f"COPY {table.__tablename__} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row([row[c] for c in columns])
            rows.clear()
        raw.commit()
    finally:
        raw.close()


def _sqlite_value(value: object) -> object:
    """A value as SQLAlchemy's SQLite dialect stores it (UTCDateTime: naive UTC text with microseconds)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    return value


def _sqlite_insert(engine: sa.Engine, tables: Any) -> None:
    """SQLite: the DB-API's executemany on pre-converted rows with a large page cache (the ORM's
    insert ran at ~1k rows/s under load: 200k conversations took ~30 min). The stored values are the
    ones SQLAlchemy's insert writes: stats() gave the same output for every view of 2,000 generated
    conversations written either way (2026-12-06)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA cache_size = -400000")
        cursor.execute("BEGIN")  # db.engine leaves sqlite3 in autocommit (isolation_level None)
        for table, rows in tables:
            if not rows:
                continue
            columns = list(rows[0])
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(
                f"INSERT INTO {table.__tablename__} ({', '.join(columns)}) VALUES ({marks})",
                [tuple(_sqlite_value(row[c]) for c in columns) for row in rows],
            )
            rows.clear()
        raw.commit()
    finally:
        raw.close()


def build_rollups(engine: sa.Engine) -> float:
    """Every hour of the year recomputed by analytics.rollup.recompute (the consumer's code), a
    month's hours per transaction."""
    started = time.monotonic()
    make = sessionmaker(engine)
    month = FIRST_DAY
    while month <= LAST_DAY:
        following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        first, end = rollup.day_start(month), rollup.day_start(following)
        hours = [first + dt.timedelta(hours=h) for h in range(int((end - first).total_seconds()) // 3600)]
        with make.begin() as session:
            rollup.recompute(session, hours)
        print(
            f"  rollups {month:%Y-%m} done at {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True
        )
        month = following
    return time.monotonic() - started


PERIODS = {
    "month": (dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    "quarter": (dt.date(2026, 9, 1), dt.date(2026, 11, 30)),
    "year": (FIRST_DAY, LAST_DAY),
}
FILTERS = {
    "all": {},
    "channel": {"channel": "line"},
    "agency": {"agency": "dopa"},
    "both": {"channel": "line", "agency": "dopa"},
}


def _times(fn: Any, repeat: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def time_queries(
    engine: sa.Engine, repeat: int
) -> tuple[list[tuple[str, str, float, float]], dict[str, float]]:
    make = sessionmaker(engine)
    rows = []
    baseline = {}
    with make() as session:
        for period, (start, end) in PERIODS.items():
            query = StatsQuery(start, end)

            def count(q: StatsQuery = query, s: Session = session) -> int:
                m = AnalyticsMessage
                return int(
                    s.scalar(
                        sa.select(sa.func.count()).select_from(m).where(m.at >= q.utc_start, m.at < q.utc_end)
                    )
                    or 0
                )

            baseline[period] = p95(_times(count, repeat))
            for name, filters in FILTERS.items():
                q = StatsQuery(start, end, **filters)
                times = _times(lambda q=q: stats(session, q), repeat)
                rows.append((period, name, statistics.median(times), p95(times)))
    return rows, baseline


@contextlib.contextmanager
def _database(
    kind: str, tmp: Path, kept: Path | None, pg_database: str | None = None
) -> Iterator[tuple[str, bool]]:
    """A throwaway database, or the SQLite file / PostgreSQL database (on the test server, created when
    missing) given, migrated; `fresh` when it holds no messages."""
    if kind == "postgresql" and pg_database:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (pg_database,)).fetchone():
                admin.execute(f'CREATE DATABASE "{pg_database}"')
        url = PG_URL + pg_database
    elif kind == "sqlite" and kept is not None:
        url = f"sqlite:///{kept.resolve()}"
    else:
        with throwaway_database(kind, tmp) as url:
            yield url, True
        return
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        empty = not conn.execute(sa.text("SELECT 1 FROM analytics_messages LIMIT 1")).first()
    engine.dispose()
    yield url, empty


def _counts(engine: sa.Engine) -> dict[str, int]:
    tables = {
        "sessions": "analytics_sessions",
        "messages": "analytics_messages",
        "handovers": "analytics_handovers",
        "cases": "analytics_cases",
        "notices": "analytics_notices",
    }
    with engine.connect() as conn:
        return {
            key: int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
            for key, table in tables.items()
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--sqlite-file",
        type=Path,
        help="SQLite: keep the generated year in this file, and time an existing one without regenerating",
    )
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    for kind in kinds:
        kept = args.sqlite_file if kind == "sqlite" else None
        with tempfile.TemporaryDirectory() as tmp, _database(kind, Path(tmp), kept) as (url, fresh):
            engine = make_engine(url)
            started = time.monotonic()
            counts = generate(engine, args.conversations) if fresh else _counts(engine)
            generated = time.monotonic() - started
            if kind == "postgresql":  # fresh COPY'd tables: give the planner statistics, as autovacuum would
                with engine.begin() as conn:
                    conn.execute(sa.text("ANALYZE"))
            rolled = build_rollups(engine) if fresh else 0.0
            if kind == "postgresql":
                with engine.begin() as conn:
                    conn.execute(sa.text("ANALYZE"))
            rows, baseline = time_queries(engine, args.repeat)
            engine.dispose()
            print(
                f"\n{kind}: {counts['sessions']:,} conversations, {counts['messages']:,} messages,"
                f" {counts['handovers']:,} handovers, {counts['cases']:,} cases,"
                f" {counts['notices']:,} notices; generated in {generated:.0f} s,"
                f" rollups for 8,760 hours built in {rolled:.0f} s"
            )
            print("| db | period | filter | stats() p50 ms | stats() p95 ms | COUNT p95 ms | p95 / COUNT |")
            print("|---|---|---|---:|---:|---:|---:|")
            for period, name, p50, p95_ms in rows:
                ratio = p95_ms / baseline[period] if baseline[period] else float("nan")
                cells = [
                    kind,
                    period,
                    name,
                    f"{p50:.1f}",
                    f"{p95_ms:.1f}",
                    f"{baseline[period]:.1f}",
                    f"{ratio:.2f}",
                ]
                print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
