"""analytics.measures.stats()/monthly() over a known world (tests/analytics/measures_scenario.py):
every figure equals the one computed by hand, on SQLite and PostgreSQL, whether the handover is read
before or after its conversation's messages, and re-reading every source changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from analytics.consumer import Consumer
from analytics.measures import REPLY_COUNTS, StatsQuery, distribution, monthly, split, stats
from db.engine import make_engine
from tests.analytics import measures_scenario as world
from tests.databases import throwaway_database

NOV = StatsQuery(dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def consumer(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Consumer]:
    with throwaway_database(request.param, tmp_path) as url:
        engine = make_engine(url)
        try:
            yield Consumer(engine, world.PERSONAL.sender_hash, world.agency_for)
        finally:
            engine.dispose()


def figures(consumer: Consumer, query: StatsQuery = NOV) -> dict:
    with consumer.sessions() as session:
        return stats(session, query)


@pytest.mark.parametrize("handover_first", [False, True])
def test_november_figures_equal_the_hand_computed_ones(consumer: Consumer, handover_first: bool) -> None:
    world.build(consumer, handover_first=handover_first)
    out = figures(consumer)
    # A: two conversations on 10 Nov (09:00 with 2 messages, 15:00 back within 24 h: not contained);
    # B: one on 11 Nov 23:30 handed over; C: one on 12 Nov; D: 1 Dec 00:10 Bangkok, not November.
    assert (out["from"], out["to"], out["channel"], out["agency"]) == ("2026-11-01", "2026-11-30", None, None)
    assert out["conversations"] == 4
    assert out["citizen_messages"] == 5 and out["messages"] == 10
    assert (out["citizens_new"], out["citizens_returning"]) == (3, 1)
    assert out["containment_rate"] == pytest.approx(2 / 4)
    assert out["fallback_rate"] == pytest.approx(1 / 5)
    assert out["understood_rate"] == pytest.approx(3 / 5)  # 0.95, 0.99, 0.9 (not 0.5, not fallback)
    assert out["handover_rate"] == pytest.approx(1 / 4) and out["handovers"] == 1
    line, sms, web = (out["by_channel"][c] for c in ("line", "sms", "web"))
    assert (line["conversations"], line["citizen_messages"], line["containment_rate"]) == (2, 3, 0.5)
    assert line["fallback_rate"] == pytest.approx(1 / 3)
    assert (sms["conversations"], sms["handovers"], sms["containment_rate"], sms["understood_rate"]) == (
        1,
        1,
        0.0,
        0.0,
    )
    assert (web["conversations"], web["containment_rate"], web["handover_rate"]) == (1, 1.0, 0.0)
    assert set(out["by_agency"]) == {"dopa"}  # A's first and B's conversations; the others have none
    dopa = out["by_agency"]["dopa"]
    assert (dopa["conversations"], dopa["citizen_messages"], dopa["handovers"], dopa["containment_rate"]) == (
        2,
        3,
        1,
        0.0,
    )
    days = {d["date"]: d for d in out["by_day"]}
    assert len(out["by_day"]) == 30 and out["by_day"][0]["date"] == "2026-11-01"
    assert [days[f"2026-11-{n}"]["conversations"] for n in (10, 11, 12, 13)] == [2, 1, 1, 0]
    assert days["2026-11-13"]["containment_rate"] is None and days["2026-11-13"]["fallback_rate"] is None
    hours = {h["hour"]: h["conversations"] for h in out["by_hour"]}
    assert len(out["by_hour"]) == 24 and sum(hours.values()) == 4
    assert (hours[9], hours[15], hours[23], hours[10], hours[0]) == (1, 1, 1, 1, 0)
    assert out["top_intents"] == [
        {"intent": "ask_service", "count": 2},
        {"intent": "feedback_positive", "count": 1},
        {"intent": "greet", "count": 1},
        {"intent": "nlu_fallback", "count": 1},
    ]
    # The service slot carries over (Rasa's carry_over_slots): A's later messages are about it too.
    assert out["top_services"] == [
        {"service_id": "svc_dopa", "count": 4, "aspects": {"documents": 1, "fee": 1}}
    ]
    assert out["handover_reasons"] == {"request_human": 1}
    assert out["wait_seconds"] == {"count": 1, "mean": 120.0, "median": 120.0, "p90": 120.0}
    assert out["first_response_seconds"]["median"] == 180.0
    assert out["resolution_seconds"]["mean"] == 540.0
    assert out["satisfaction"] == {
        "bot": {"count": 1, "positive": 1, "negative": 0, "rate": 1.0},
        "staff": {"count": 1, "mean": 4.0, "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}},
    }
    assert out["complaints"] == [{"category": "road", "agency": "dopa", "count": 1}]
    assert out["case_close_seconds"] == {"count": 1, "mean": 86400.0, "median": 86400.0, "p90": 86400.0}
    assert out["notices"] == {
        "line": {"delivered": 1, "failed": 0},
        "sms": {"delivered": 0, "failed": 1},
        "web": {"delivered": 0, "failed": 0},
    }
    # Handover lines sent to the citizen (B's handover, SMS): the staff reply once despite its
    # redelivered event, the rating question failed.
    assert out["staff_replies"]["sms"] == {"delivered": 1, "failed": 0}
    assert out["handover_notices"]["sms"] == {"delivered": 0, "failed": 1}
    assert out["staff_replies"]["line"] == out["handover_notices"]["web"] == {"delivered": 0, "failed": 0}
    assert out["generated_at"].endswith("+07:00")


def test_filters_and_december(consumer: Consumer) -> None:
    world.build(consumer)
    line = figures(consumer, StatsQuery(NOV.start, NOV.end, channel="line"))
    assert (line["conversations"], line["handovers"], line["complaints"]) == (
        2,
        0,
        [{"category": "road", "agency": "dopa", "count": 1}],
    )
    assert line["notices"]["sms"] == {"delivered": 0, "failed": 0} and line["wait_seconds"]["count"] == 0
    assert line["by_channel"]["sms"]["conversations"] == 0
    dopa = figures(consumer, StatsQuery(NOV.start, NOV.end, agency="dopa"))
    assert (dopa["conversations"], dopa["handovers"], dopa["citizen_messages"]) == (2, 1, 3)
    assert dopa["satisfaction"]["staff"]["count"] == 1 and dopa["satisfaction"]["bot"]["count"] == 0
    other = figures(consumer, StatsQuery(NOV.start, NOV.end, agency="sso"))
    assert other["conversations"] == 0 and other["containment_rate"] is None and other["complaints"] == []
    december = figures(consumer, StatsQuery(dt.date(2026, 12, 1), dt.date(2026, 12, 1)))
    assert december["conversations"] == 1 and december["by_hour"][0]["conversations"] == 1
    one_day = figures(consumer, StatsQuery(dt.date(2026, 11, 11), dt.date(2026, 11, 11)))
    assert one_day["conversations"] == 1 and one_day["handover_rate"] == 1.0


def test_rereading_every_source_changes_nothing(consumer: Consumer) -> None:
    world.build(consumer)
    before = figures(consumer)
    with consumer.sessions.begin() as session:
        session.execute(sa.text("UPDATE analytics_cursors SET position = 0 WHERE source LIKE 'db:%'"))
        session.execute(
            sa.text("INSERT INTO analytics_dirty_hours (bucket) SELECT DISTINCT bucket FROM analytics_hourly")
        )
    consumer.catch_up()
    for event in world.broker_events():  # the broker redelivering everything
        consumer._commit_batch([json.dumps(event)])
    consumer.catch_up()
    after = figures(consumer)
    before.pop("generated_at"), after.pop("generated_at")
    assert after == before
    assert consumer.totals.duplicates == 18  # 6 turns x (user, action, bot)


def test_monthly_rows(consumer: Consumer) -> None:
    world.build(consumer)
    with consumer.sessions() as session:
        rows = monthly(session, dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    keyed = {(r["month"], r["channel"], r["agency"]): r for r in rows}
    assert set(keyed) == {
        ("2026-11", "line", None),
        ("2026-11", "line", "dopa"),
        ("2026-11", "sms", "dopa"),
        ("2026-11", "web", None),
        ("2026-12", "line", None),
    }
    line_dopa = keyed[("2026-11", "line", "dopa")]
    assert (line_dopa["conversations"], line_dopa["messages"], line_dopa["complaints"]) == (1, 4, 1)
    sms = keyed[("2026-11", "sms", "dopa")]
    assert (sms["handovers"], sms["wait_median_seconds"], sms["satisfaction_staff_mean"]) == (1, 120.0, 4.0)
    # The handover's staff reply delivered (its event read twice) and rating question failed, as in stats().
    replies = [sms[name] for name in REPLY_COUNTS]
    assert dict(zip(REPLY_COUNTS, replies, strict=True)) == {
        "staff_replies_delivered": 1,
        "staff_replies_failed": 0,
        "handover_notices_delivered": 0,
        "handover_notices_failed": 1,
    }
    assert all(r[name] == 0 for r in rows if r is not sms for name in REPLY_COUNTS)
    assert keyed[("2026-11", "line", None)]["satisfaction_bot_rate"] == 1.0
    assert sum(r["conversations"] for r in rows if r["month"] == "2026-11") == 4


def test_distribution_quantiles() -> None:
    assert distribution([]) == {"count": 0, "mean": None, "median": None, "p90": None}
    assert distribution([10, 0, 30, 20]) == {"count": 4, "mean": 15.0, "median": 15.0, "p90": 27.0}


@pytest.mark.parametrize(
    "start,end,channel",
    [
        (dt.date(2026, 11, 2), dt.date(2026, 11, 1), None),
        (dt.date(2025, 1, 1), dt.date(2026, 1, 2), None),
        (dt.date(2026, 11, 1), dt.date(2026, 11, 2), "fax"),
    ],
)
def test_bad_queries_are_refused(start: dt.date, end: dt.date, channel: str | None) -> None:
    with pytest.raises(ValueError):
        StatsQuery(start, end, channel=channel)


def test_a_period_splits_into_whole_months_and_edge_days() -> None:
    parts = split(dt.date(2026, 11, 15), dt.date(2027, 2, 10))
    assert parts.months == ("2026-12", "2027-01")
    assert parts.edges == (
        (dt.date(2026, 11, 15), dt.date(2026, 11, 30)),
        (dt.date(2027, 2, 1), dt.date(2027, 2, 10)),
    )
    assert split(dt.date(2026, 11, 5), dt.date(2026, 12, 1)).edges == (
        (dt.date(2026, 11, 5), dt.date(2026, 12, 1)),
    )
    assert split(dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == split(
        dt.date(2024, 2, 1), dt.date(2024, 2, 29)
    )
    assert split(dt.date(2024, 2, 1), dt.date(2024, 2, 29)).months == ("2024-02",)


def test_edge_days_and_whole_months_give_the_same_figures(consumer: Consumer) -> None:
    world.build(consumer)
    whole = figures(consumer)  # November: read from the monthly rollups
    edges = figures(consumer, StatsQuery(dt.date(2026, 11, 2), dt.date(2026, 11, 30)))  # daily/hourly ones
    for key in ("top_intents", "top_services", "by_hour", "conversations", "containment_rate", "by_channel"):
        assert edges[key] == whole[key], key
    late = figures(consumer, StatsQuery(dt.date(2026, 11, 2), dt.date(2026, 12, 1)))  # D on 1 Dec 00:10
    assert late["by_hour"][0]["conversations"] == 1 + whole["by_hour"][0]["conversations"]
    assert {"intent": "greet", "count": 2} in late["top_intents"]
