"""The drill-down's indexed queries (analytics.drilldown, migration 0018) list exactly the conversations
the plain definition does — every session joined to its messages of the period, de-duplicated, newest
first then by key, as the drill-down read them before — for every figure, scope and page, on a
generated year (bench/analytics/dashboard.py's generator) plus sessions that straddle the period's
edges, on SQLite and PostgreSQL. Both ways of reading a message figure's page (from the conversations
counted, or by walking the period's conversations) are compared."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, Select, event, func, insert, select
from sqlalchemy.orm import Session

from analytics import drilldown
from analytics.drilldown import Figure, Scope
from analytics.models import IN, OUT, AnalyticsHandover, AnalyticsMessage, AnalyticsSession
from analytics.rollup import UNDERSTOOD_CONFIDENCE
from bench.analytics.dashboard import generate
from db.engine import make_engine
from tests.databases import throwaway_database

PERIOD = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
FIGURES = [
    Figure("conversations"),
    Figure("not_contained"),
    Figure("handover"),
    Figure("reason", "fallback"),
    Figure("fallback"),
    Figure("understood"),
    Figure("intent", "ask_service"),
    Figure("intent", "feedback_negative"),
    Figure("intent", "no_such_intent"),
    Figure("service", "service_03"),
    Figure("day", "2026-03-01"),
    Figure("day", "2026-03-31"),
    Figure("hour", "0"),
    Figure("hour", "23"),
]
SCOPES: list[dict[str, Any]] = [
    {},
    {"channel": "line"},
    {"agency": "dopa"},
    {"channel": "sms", "agency": "dopa"},
]
PAGES = [(0, 50), (0, 7), (45, 20), (400, 50)]
EDGE = "edge-citizen"


def _key(*parts: object) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


def _edges(engine: Engine) -> None:
    """Sessions across the period's first and last midnight (Asia/Bangkok), one of them with its
    fallback questions both before and after the period: what a join on the messages' own times
    counts, and a look at the sessions' start alone (or their `understood` flag) would not."""
    first = drilldown.day_start(PERIOD[0])
    after = drilldown.day_start(PERIOD[1] + dt.timedelta(days=1))
    sessions, messages = [], []
    # (start, minutes of the citizen's messages from it, fallback?, agency, channel)
    shapes = [
        (first - dt.timedelta(minutes=30), [0, 20, 40, 55], [False, False, True, True], "dopa", "line"),
        (first - dt.timedelta(minutes=30), [0, 20], [True, True], "dopa", "line"),  # all before
        (after - dt.timedelta(minutes=10), [0, 5, 15], [True, False, True], "dopa", "sms"),
        (after - dt.timedelta(minutes=10), [12, 20], [True, True], None, "web"),  # all after
        # Understood only after the period (the session's flag says understood): not behind "understood".
        (after - dt.timedelta(minutes=10), [0, 15], [True, False], "dopa", "line"),
    ]
    for n, (start, minutes, fallbacks, agency, channel) in enumerate(shapes):
        key = _key("edge-session", n)
        conversation = _key(EDGE, n)
        times = [start + dt.timedelta(minutes=m) for m in minutes]
        sessions.append(
            {
                "key": key,
                "conversation": conversation,
                "channel": channel,
                "agency": agency,
                "service_id": "service_03",
                "started_at": times[0],
                "last_at": times[-1] + dt.timedelta(seconds=1),
                "returning_citizen": False,
                "handover": False,
                "next_started_at": None,
                "contained": True,
                # As the consumer sets it: an understood message anywhere in the session (0.9, ask_service).
                "understood": not all(fallbacks),
            }
        )
        for t, (at, fallback) in enumerate(zip(times, fallbacks, strict=True)):
            for direction, shift in ((IN, 0), (OUT, 1)):
                messages.append(
                    {
                        "event_key": _key("edge", n, t, direction),
                        "conversation": conversation,
                        "channel": channel,
                        "direction": direction,
                        "intent": ("nlu_fallback" if fallback else "ask_service")
                        if direction == IN
                        else "utter_answer",
                        "confidence": 0.9 if direction == IN else None,
                        "fallback": fallback,
                        "service_id": "service_03",
                        "at": at + dt.timedelta(seconds=shift),
                        "session_key": key,
                        "aspect": None,
                    }
                )
    with engine.begin() as conn:
        conn.execute(insert(AnalyticsSession), sessions)
        conn.execute(insert(AnalyticsMessage), messages)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with throwaway_database(request.param, tmp_path_factory.mktemp("drillgen")) as url:
        engine = make_engine(url)
        generate(engine, 3000)
        _edges(engine)
        yield engine
        engine.dispose()


def _defined(scope: Scope, figure: Figure, dialect: str) -> Select[str, dt.datetime]:
    """(key, start) of every conversation behind the figure, by definition: session figures by the
    session's start in the period, reason by the handovers requested in it, message figures by the
    session's citizen messages in it — a join over all of them, no index assumed."""
    start, end = scope.bounds()
    s, m, h = AnalyticsSession, AnalyticsMessage, AnalyticsHandover
    scoped = [s.channel == scope.channel] if scope.channel else []
    scoped += [s.agency == scope.agency] if scope.agency else []
    started = [s.started_at >= start, s.started_at < end, *scoped]
    if figure.kind == "conversations":
        return select(s.key, s.started_at).where(*started)
    if figure.kind == "not_contained":
        return select(s.key, s.started_at).where(*started, s.contained.is_(False))
    if figure.kind == "handover":
        return select(s.key, s.started_at).where(*started, s.handover.is_(True))
    if figure.kind == "day":
        day = dt.date.fromisoformat(figure.key or "")
        low, high = drilldown.day_start(day), drilldown.day_start(day + dt.timedelta(days=1))
        return select(s.key, s.started_at).where(*started, s.started_at >= low, s.started_at < high)
    if figure.kind == "hour":
        hour = drilldown._bangkok_hour_is(s.started_at, int(figure.key or ""), dialect)
        return select(s.key, s.started_at).where(*started, hour)
    if figure.kind == "reason":
        return (
            select(s.key, s.started_at)
            .join(h, h.session_key == s.key)
            .where(h.requested_at >= start, h.requested_at < end, h.reason == figure.key, *scoped)
            .distinct()
        )
    terms = [m.at >= start, m.at < end, m.direction == IN]
    if figure.kind == "fallback":
        terms.append(m.fallback.is_(True))
    elif figure.kind == "understood":
        terms += [m.fallback.is_(False), m.intent.is_not(None), m.confidence >= UNDERSTOOD_CONFIDENCE]
    elif figure.kind == "intent":
        terms.append(m.intent == figure.key)
    else:
        terms.append(m.service_id == figure.key)
    return select(s.key, s.started_at).join(m, m.session_key == s.key).where(*terms, *scoped).distinct()


def _expected(
    session: Session, scope: Scope, figure: Figure, offset: int, limit: int
) -> tuple[int, list[str]]:
    behind = _defined(scope, figure, session.get_bind().dialect.name).subquery()
    total = session.scalar(select(func.count()).select_from(behind)) or 0
    keys = session.scalars(
        select(behind.c[0]).order_by(behind.c[1].desc(), behind.c[0].desc()).offset(offset).limit(limit)
    )
    return int(total), list(keys)


@pytest.mark.parametrize("few", [0, 10**9], ids=["walk", "from-count"])
@pytest.mark.parametrize("scope_filters", SCOPES, ids=["all", "line", "dopa", "sms-dopa"])
def test_every_figure_lists_the_conversations_it_is_defined_by(
    engine: Engine, scope_filters: dict[str, Any], few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(drilldown, "FEW", few)
    scope = Scope(*PERIOD, **scope_filters)
    with Session(engine) as session:
        for figure in FIGURES:
            for offset, limit in PAGES:
                got = drilldown._total_and_page(session, scope, figure, offset, limit)
                assert got == _expected(session, scope, figure, offset, limit), (figure, offset, limit)


def test_one_agencys_understood_figure_asks_the_messages_only_at_the_edges(engine: Engine) -> None:
    """The agency's "understood" conversations wholly inside the period come from the sessions' flag;
    the ones across an edge count only with an understood message inside it: the first edge session
    (understood before the period) and the last (understood after it) are left out, the third
    (understood just before the end) is in."""
    edge = [_key("edge-session", n) for n in range(5)]
    with Session(engine) as session:
        flags = dict(
            session.execute(
                select(AnalyticsSession.key, AnalyticsSession.understood).where(
                    AnalyticsSession.key.in_(edge)
                )
            ).all()
        )
        assert flags == {edge[0]: True, edge[1]: False, edge[2]: True, edge[3]: False, edge[4]: True}
        total, keys = drilldown._total_and_page(
            session, Scope(*PERIOD, agency="dopa"), Figure("understood"), 0, 200
        )
        assert total == _expected(session, Scope(*PERIOD, agency="dopa"), Figure("understood"), 0, 1)[0]
        assert edge[2] in keys and edge[0] not in keys and edge[4] not in keys


def test_the_edges_are_in_the_test_and_the_page_shows_them(engine: Engine) -> None:
    """The straddling sessions count where their messages fall: two fallback sessions across the
    period's edges are behind its fallback figure, the two wholly outside are not."""
    scope = Scope(*PERIOD, agency="dopa", channel="line")
    edge = [_key(EDGE, n)[: drilldown.SHORT_HASH] for n in range(4)]
    with Session(engine) as session:
        result = drilldown.conversations(session, scope, Figure("fallback"), limit=200)
        listed = {c["conversation"] for c in result["conversations"]}
        assert edge[0] in listed and edge[1] not in listed
        assert result["total"] == _expected(session, scope, Figure("fallback"), 0, 1)[0]
        sms = drilldown.conversations(session, Scope(*PERIOD, channel="sms"), Figure("fallback"), limit=200)
        sms_listed = {c["conversation"] for c in sms["conversations"]}
        assert edge[2] in sms_listed
        web = drilldown.conversations(session, Scope(*PERIOD, channel="web"), Figure("fallback"), limit=200)
        assert edge[3] not in {c["conversation"] for c in web["conversations"]}
        # A straddling session's turns are shown from its start, before the period too.
        (first,) = [c for c in result["conversations"] if c["conversation"] == edge[0]]
        assert first["turn_count"] == 4 and first["turns"][0]["fallback"] is False


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # query plans are SQLite's
@pytest.mark.parametrize("scope_filters", SCOPES, ids=["all", "line", "dopa", "sms-dopa"])
def test_sqlite_reads_indexes_in_order_without_sorting_the_period(
    engine: Engine, scope_filters: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite has no statistics here (no ANALYZE), as in production: every statement the drill-down
    runs for a page walks an index — no temporary B-tree over the period's rows, no scan of a table
    (the reason figure's handovers excepted: a year's are a few thousand) — for both ways of paging."""
    assert engine.dialect.name == "sqlite"
    statements: list[tuple[str, Any]] = []

    def record(conn: object, cursor: object, statement: str, parameters: Any, *args: object) -> None:
        statements.append((statement, parameters))

    scope = Scope(*PERIOD, **scope_filters)
    with Session(engine) as session:
        for few in (0, 10**9):
            monkeypatch.setattr(drilldown, "FEW", few)
            for figure in FIGURES:
                event.listen(engine, "before_cursor_execute", record)
                try:
                    drilldown._total_and_page(session, scope, figure, 0, 50)
                finally:
                    event.remove(engine, "before_cursor_execute", record)
        connection = session.connection()
        for statement, parameters in statements:
            plan = [
                row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            ]
            steps = " / ".join(plan)
            assert not any("SCAN analytics_" in step for step in plan), steps
            if "analytics_handovers" not in statement:
                assert not any("TEMP B-TREE" in step for step in plan), (statement, steps)
