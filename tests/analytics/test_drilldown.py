"""The drill-down (analytics/drilldown.py) on SQLite and PostgreSQL: the conversations behind a figure
are the ones the figure counts (same totals as analytics.measures.stats), listed with their turns,
the keyed hash shortened, and the review queue's masked text where it holds one — never the clear
text the citizen sent, never a sender id."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from analytics import measures
from analytics.consumer import Consumer
from analytics.drilldown import SHORT_HASH, Figure, FigureError, Scope, conversations
from analytics.models import IN, AnalyticsMessage, AnalyticsSession
from analytics.rollup import UNDERSTOOD_CONFIDENCE
from db.engine import make_engine
from tests.analytics import dashboard_world
from tests.analytics.measures_scenario import PERSONAL, turn
from tests.databases import throwaway_database

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with throwaway_database(request.param, tmp_path_factory.mktemp("drill")) as url:
        engine = make_engine(url)
        dashboard_world.build(engine)
        yield engine
        engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_the_consumer_flags_the_sessions_with_an_understood_message(kind: str, tmp_path: Path) -> None:
    """analytics_sessions.understood (migration 0019; what one agency's "understood" drill-down reads)
    is set by the consumer on exactly the sessions with a citizen message the rollups count as
    understood: not on one with only fallbacks or only unsure intents, and kept when a later message
    of the session is not understood."""
    day = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)
    turns = {
        "line:Uunderstood": [("ask_service", 0.93), ("nlu_fallback", 0.3)],
        "line:Ufallback": [("nlu_fallback", 0.31), ("nlu_fallback", 0.2)],
        "web:Wunsure": [("ask_service", 0.69)],
        "sms:+66810000001": [("greet", 0.5), ("greet", 0.7)],
    }
    events = [
        event
        for sender, said in turns.items()
        for n, (intent, confidence) in enumerate(said)
        for event in turn(sender, day + dt.timedelta(minutes=5 * n), intent, confidence)
    ]
    with throwaway_database(kind, tmp_path) as url:
        engine = make_engine(url)
        try:
            consumer = Consumer(engine, PERSONAL.sender_hash, dashboard_world.agency_for)
            for i in range(0, len(events), 7):  # batches that split the sessions' turns
                consumer._commit_batch([json.dumps(e) for e in events[i : i + 7]])
            with Session(engine) as session:
                s, m = AnalyticsSession, AnalyticsMessage
                flags = {c: bool(u) for c, u in session.execute(select(s.conversation, s.understood))}
                defined = set(
                    session.scalars(
                        select(s.conversation)
                        .join(m, m.session_key == s.key)
                        .where(
                            m.direction == IN,
                            m.fallback.is_(False),
                            m.intent.is_not(None),
                            m.confidence >= UNDERSTOOD_CONFIDENCE,
                        )
                    )
                )
            hashes = {sender: PERSONAL.sender_hash(sender) for sender in turns}
            assert flags == {h: h in defined for h in hashes.values()}
            assert {sender for sender, h in hashes.items() if flags[h]} == {
                "line:Uunderstood",
                "sms:+66810000001",
            }
        finally:
            engine.dispose()


def drill(engine: Engine, kind: str, key: str | None = None, **scope: str) -> dict:
    with Session(engine) as session:
        return conversations(session, Scope(*NOV, **scope), Figure.parse(kind, key))


def figures(engine: Engine, **scope: str) -> dict:
    with Session(engine) as session:
        return measures.stats(session, measures.StatsQuery(*NOV, **scope))


def assert_private(result: dict) -> None:
    text = json.dumps(result, ensure_ascii=False)
    for clear in dashboard_world.CLEAR_TEXTS:
        assert clear not in text
    for sender in dashboard_world.SENDERS:
        assert sender not in text and sender.split(":", 1)[1] not in text
        full = PERSONAL.sender_hash(sender)
        assert full not in text  # only the shortened hash leaves


def test_every_conversation_is_listed_as_the_figure_counts_it(engine: Engine) -> None:
    result = drill(engine, "conversations")
    total = figures(engine)["conversations"]
    assert result["total"] == total == 40
    assert len(result["conversations"]) == min(total, 50)
    first = result["conversations"][0]
    assert len(first["conversation"]) == SHORT_HASH
    assert first["channel"] in {"line", "sms", "web"}
    starts = [c["started_at"] for c in result["conversations"]]
    assert starts == sorted(starts, reverse=True)  # newest first
    assert_private(result)


def test_fallback_lists_the_masked_text_the_review_queue_kept(engine: Engine) -> None:
    result = drill(engine, "fallback")
    assert result["total"] == 1
    (conv,) = result["conversations"]
    assert conv["conversation"] == PERSONAL.sender_hash(dashboard_world.HANDED_OVER)[:SHORT_HASH]
    assert conv["handover"] is True and conv["contained"] is False
    turns = conv["turns"]
    assert [t["intent"] for t in turns] == ["ask_service", "nlu_fallback"]
    assert turns[0]["service_id"] == "svc_dopa" and turns[0]["aspect"] == "documents"
    assert turns[0]["answer"] == "utter_answer" and turns[0]["confidence"] == 0.93
    assert turns[1]["fallback"] is True
    assert turns[1]["masked_text"] == dashboard_world.MASKED  # read back exactly, Thai intact
    assert turns[0]["masked_text"] is None  # nothing kept for it: nothing shown
    assert_private(result)


def test_handover_and_not_contained_and_reason(engine: Engine) -> None:
    handover = drill(engine, "handover")
    assert handover["total"] == figures(engine)["handovers"] == 1
    reason = drill(engine, "reason", "fallback")
    assert [c["conversation"] for c in reason["conversations"]] == [
        c["conversation"] for c in handover["conversations"]
    ]
    assert drill(engine, "reason", "request_human")["total"] == 0
    not_contained = drill(engine, "not_contained")
    stats = figures(engine)
    contained = round((stats["containment_rate"] or 0) * stats["conversations"])
    assert not_contained["total"] == stats["conversations"] - contained


def test_intent_service_day_hour_match_the_figures(engine: Engine) -> None:
    stats = figures(engine)
    greet = next(i for i in stats["top_intents"] if i["intent"] == "greet")
    assert drill(engine, "intent", "greet")["total"] == greet["count"] == 11
    sso = next(s for s in stats["top_services"] if s["service_id"] == "svc_sso")
    assert sso["count"] == 15
    assert drill(engine, "service", "svc_sso")["total"] == 15  # one message per conversation
    day = next(d for d in stats["by_day"] if d["date"] == "2026-11-20")
    assert drill(engine, "day", "2026-11-20")["total"] == day["conversations"] == 3
    hour = next(h for h in stats["by_hour"] if h["hour"] == 14)
    assert drill(engine, "hour", "14")["total"] == hour["conversations"] == 12


def test_channel_and_agency_filters(engine: Engine) -> None:
    assert (
        drill(engine, "conversations", channel="sms")["total"]
        == figures(engine, channel="sms")["conversations"]
        == 11
    )
    dopa = drill(engine, "conversations", agency="dopa")
    assert dopa["total"] == figures(engine, agency="dopa")["conversations"] == 14
    assert {c["agency"] for c in dopa["conversations"]} == {"dopa"}
    assert drill(engine, "service", "svc_sso", agency="dopa")["total"] == 0


def test_paging(engine: Engine) -> None:
    with Session(engine) as session:
        first = conversations(session, Scope(*NOV), Figure("conversations"), limit=15)
        rest = conversations(session, Scope(*NOV), Figure("conversations"), offset=15, limit=50)
    keys = [c["conversation"] + c["started_at"] for c in first["conversations"] + rest["conversations"]]
    assert len(keys) == len(set(keys)) == first["total"] == 40


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        ("", None),
        ("everything", None),
        ("intent", None),
        ("intent", "greet; DROP TABLE x"),
        ("day", "2026-13-01"),
        ("day", "๒๐๒๖-๑๑-๐๑"),
        ("hour", "24"),
        ("hour", "-1"),
        ("service", "บริการ"),
    ],
)
def test_bad_figures_are_refused(kind: str, key: str | None) -> None:
    with pytest.raises(FigureError):
        Figure.parse(kind, key)


def test_an_empty_period_lists_nothing(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        result = conversations(session, Scope(dt.date(2025, 1, 1), dt.date(2025, 1, 31)), Figure("fallback"))
    assert result["total"] == 0 and result["conversations"] == []
