"""Drill-down: the conversations behind one figure of the statistics page, turn by turn.

A figure on the page (the fallback rate, the handovers, a top intent, a service, a day, an hour of
the day) is named by a `Figure`; `conversations()` lists the conversations of the period that make
it up, newest first, with their turns inside the period: when, the intent recognised and its
confidence, the answer the bot chose, the service, whether the fallback answered and whether the
dialogue handed over to a person.

What a reader sees of a conversation is what the analytics tables hold (a keyed hash, shown
shortened; names and numbers) plus, where the review queue kept it, the *masked* text of the
citizen's message: unanswered_messages.masked_text, joined on its sender_hash, which is the same
keyed hash of the same sender id (privacy.PersonalData.sender_hash: the analytics consumer hashes
with it, and the actions' UnansweredRecorder with ActionContext.sender_hash, which is it whenever
personal-data keys are configured). No clear text and no sender id exist in either table, so none
can be shown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from actions.unanswered_models import UnansweredMessage
from analytics.models import IN, AnalyticsAction, AnalyticsHandover, AnalyticsMessage, AnalyticsSession
from analytics.rollup import UNDERSTOOD_CONFIDENCE

BANGKOK = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")  # no daylight saving time in Thailand
SHORT_HASH = 12  # characters of the keyed hash shown: enough to tell conversations apart on a page
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_TURNS = 100  # turns shown per conversation (a long conversation says how many were left out)
MASKED_TEXT_WINDOW = dt.timedelta(minutes=2)  # a queue entry belongs to the citizen message this near
HANDOVER_ACTIONS = frozenset({"action_handover"})
ACTION_MARGIN = dt.timedelta(seconds=5)  # actions of the last turn run just after its last message

KINDS = (
    "conversations",
    "not_contained",
    "handover",
    "reason",
    "fallback",
    "understood",
    "intent",
    "service",
    "day",
    "hour",
)
_KEYED_KINDS = frozenset({"reason", "intent", "service", "day", "hour"})
_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,80}$")


class FigureError(ValueError):
    """The figure asked for is not one this module knows; the message says which part, in Thai."""


@dataclass(frozen=True)
class Figure:
    """Which figure: `kind` (KINDS) and, for reason/intent/service/day/hour, `key` (the handover
    reason, intent name, service id, YYYY-MM-DD day in Asia/Bangkok, or hour of day 0-23)."""

    kind: str
    key: str | None = None

    @classmethod
    def parse(cls, kind: str, key: str | None) -> Figure:
        kind = (kind or "").strip()
        key = (key or "").strip() or None
        if kind not in KINDS:
            raise FigureError("ไม่รู้จักตัวเลขที่ขอดูรายละเอียด")
        if kind not in _KEYED_KINDS:
            return cls(kind)
        if key is None:
            raise FigureError("ต้องระบุรายการที่ต้องการดู")
        if kind in ("reason", "intent", "service") and not _NAME.match(key):
            raise FigureError("ชื่อเจตนา เหตุผล หรือรหัสบริการไม่ถูกต้อง")
        if kind == "day":
            try:
                dt.date.fromisoformat(key)
            except ValueError:
                raise FigureError("วันที่ต้องอยู่ในรูป YYYY-MM-DD") from None
            if len(key) != 10:
                raise FigureError("วันที่ต้องอยู่ในรูป YYYY-MM-DD")
        if kind == "hour" and not (key.isascii() and key.isdigit() and 0 <= int(key) <= 23):
            raise FigureError("ชั่วโมงต้องเป็นตัวเลข 0-23")
        return cls(kind, key)


@dataclass(frozen=True)
class Scope:
    """The page's filters: a period of days in Asia/Bangkok (inclusive), a channel and an agency."""

    start: dt.date
    end: dt.date
    channel: str | None = None
    agency: str | None = None

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        return day_start(self.start), day_start(self.end + dt.timedelta(days=1))


def day_start(day: dt.date) -> dt.datetime:
    """Midnight of a Bangkok day, in UTC (the tables' clock)."""
    return dt.datetime.combine(day, dt.time(), BANGKOK).astimezone(dt.UTC)


def short(conversation: str) -> str:
    return conversation[:SHORT_HASH]


def _session_filter(scope: Scope) -> list[ColumnElement[bool]]:
    s = AnalyticsSession
    clauses: list[ColumnElement[bool]] = []
    if scope.channel:
        clauses.append(s.channel == scope.channel)
    if scope.agency:
        clauses.append(s.agency == scope.agency)
    return clauses


def _bangkok_hour_is(column: Any, hour: int, dialect: str) -> ColumnElement[bool]:
    """The Bangkok hour of day of a UTC time column, in the database's own terms (an index cannot
    help either way; this reads each start of the period once instead of OR-ing 366 ranges)."""
    if dialect == "sqlite":
        return func.strftime("%H", column, "+7 hours") == f"{hour:02d}"
    if dialect == "postgresql":
        return func.extract("hour", func.timezone("Asia/Bangkok", column)) == hour
    raise ValueError(f"no Bangkok hour expression for {dialect}")


def _matching(scope: Scope, figure: Figure, dialect: str) -> Select[str, dt.datetime]:
    """(session key, its start) for every conversation behind the figure. A conversation counts in the
    period it started in; a message figure (fallback, an intent, a service) takes the conversations
    with such a citizen message in the period, as the figures count messages by their own time."""
    start, end = scope.bounds()
    s, m = AnalyticsSession, AnalyticsMessage
    in_period = [s.started_at >= start, s.started_at < end]
    if figure.kind == "conversations":
        return select(s.key, s.started_at).where(*in_period, *_session_filter(scope))
    if figure.kind == "hour":
        assert figure.key is not None
        return select(s.key, s.started_at).where(
            *in_period, _bangkok_hour_is(s.started_at, int(figure.key), dialect), *_session_filter(scope)
        )
    if figure.kind == "not_contained":
        return select(s.key, s.started_at).where(*in_period, *_session_filter(scope), s.contained.is_(False))
    if figure.kind == "handover":
        return select(s.key, s.started_at).where(*in_period, *_session_filter(scope), s.handover.is_(True))
    if figure.kind == "day":
        assert figure.key is not None
        day = dt.date.fromisoformat(figure.key)
        return select(s.key, s.started_at).where(
            s.started_at >= max(start, day_start(day)),
            s.started_at < min(end, day_start(day + dt.timedelta(days=1))),
            *_session_filter(scope),
        )
    if figure.kind == "reason":
        h = AnalyticsHandover
        return (
            select(s.key, s.started_at)
            .join(h, h.session_key == s.key)
            .where(
                h.requested_at >= start, h.requested_at < end, h.reason == figure.key, *_session_filter(scope)
            )
            .distinct()
        )
    clauses: list[ColumnElement[bool]] = [m.at >= start, m.at < end, m.direction == IN]
    if figure.kind == "fallback":
        clauses.append(m.fallback.is_(True))
    elif figure.kind == "understood":
        clauses += [m.fallback.is_(False), m.intent.is_not(None), m.confidence >= UNDERSTOOD_CONFIDENCE]
    elif figure.kind == "intent":
        clauses.append(m.intent == figure.key)
    elif figure.kind == "service":
        clauses.append(m.service_id == figure.key)
    return (
        select(s.key, s.started_at)
        .join(m, m.session_key == s.key)
        .where(*clauses, *_session_filter(scope))
        .distinct()
    )


def conversations(
    session: Session, scope: Scope, figure: Figure, *, offset: int = 0, limit: int = PAGE_SIZE
) -> dict[str, Any]:
    """The page of conversations behind `figure` (newest first) with their turns; JSON-ready.
    `total` counts every conversation behind it, not only this page's."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    offset = max(0, offset)
    matching = _matching(scope, figure, session.get_bind().dialect.name).subquery()
    total = session.scalar(select(func.count()).select_from(matching)) or 0
    keys = list(
        session.scalars(
            select(matching.c[0])
            .order_by(matching.c[1].desc(), matching.c[0].desc())
            .offset(offset)
            .limit(limit)
        )
    )
    found = {
        s.key: s for s in session.scalars(select(AnalyticsSession).where(AnalyticsSession.key.in_(keys)))
    }
    page = [found[key] for key in keys]
    messages, actions, texts = _rows_of(session, page)
    listed = []
    for s in page:
        turns = _turns(messages.get(s.key, []), actions.get(s.key, []))
        _attach_texts(turns, texts.get(s.key, []))
        listed.append(
            {
                "conversation": short(s.conversation),
                "channel": s.channel,
                "agency": s.agency,
                "started_at": _iso(s.started_at),
                "last_at": _iso(s.last_at),
                "handover": bool(s.handover),
                "contained": bool(s.contained),
                "returning": bool(s.returning_citizen),
                "turn_count": len(turns),
                "turns": [_public_turn(t) for t in turns[:MAX_TURNS]],
            }
        )
    return {
        "figure": {"kind": figure.kind, "key": figure.key},
        "from": scope.start.isoformat(),
        "to": scope.end.isoformat(),
        "channel": scope.channel,
        "agency": scope.agency,
        "total": int(total),
        "offset": offset,
        "limit": limit,
        "conversations": listed,
    }


def _utc(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def _iso(at: dt.datetime) -> str:
    return _utc(at).astimezone(BANGKOK).isoformat(timespec="seconds")


def _rows_of(
    session: Session, page: list[AnalyticsSession]
) -> tuple[
    dict[str, list[AnalyticsMessage]],
    dict[str, list[AnalyticsAction]],
    dict[str, list[tuple[dt.datetime, str]]],
]:
    """The page's messages, actions and review-queue texts in three queries (not three per
    conversation), through the (conversation, at) and sender_hash indexes, each given to its session."""
    if not page:
        return {}, {}, {}
    hashes = list({s.conversation for s in page})
    first = min(_utc(s.started_at) for s in page)
    last = max(_utc(s.last_at) for s in page) + ACTION_MARGIN
    keys = {s.key for s in page}
    by_conversation: dict[str, list[AnalyticsSession]] = {}
    for s in page:
        by_conversation.setdefault(s.conversation, []).append(s)

    def owner(conversation: str, at: dt.datetime, margin: dt.timedelta) -> str | None:
        for s in by_conversation.get(conversation, []):
            if _utc(s.started_at) - margin <= at <= _utc(s.last_at) + margin:
                return s.key
        return None

    m, a, u = AnalyticsMessage, AnalyticsAction, UnansweredMessage
    messages: dict[str, list[AnalyticsMessage]] = {}
    query = select(m).where(m.conversation.in_(hashes), m.at >= first, m.at <= last).order_by(m.at, m.id)
    for row in session.scalars(query):
        if row.session_key in keys:
            messages.setdefault(row.session_key, []).append(row)
    actions: dict[str, list[AnalyticsAction]] = {}
    query_actions = (
        select(a).where(a.conversation.in_(hashes), a.at >= first, a.at <= last).order_by(a.at, a.id)
    )
    for action in session.scalars(query_actions):
        key = owner(action.conversation, _utc(action.at), ACTION_MARGIN)
        if key is not None:
            actions.setdefault(key, []).append(action)
    texts: dict[str, list[tuple[dt.datetime, str]]] = {}
    query_texts = select(u.sender_hash, u.created_at, u.masked_text).where(
        u.sender_hash.in_(hashes),
        u.created_at >= first - MASKED_TEXT_WINDOW,
        u.created_at <= last + MASKED_TEXT_WINDOW,
    )
    for sender_hash, created_at, masked_text in session.execute(query_texts):
        key = owner(sender_hash, _utc(created_at), MASKED_TEXT_WINDOW)
        if key is not None:
            texts.setdefault(key, []).append((_utc(created_at), masked_text))
    return messages, actions, texts


def _turns(messages: list[AnalyticsMessage], actions: list[AnalyticsAction]) -> list[dict[str, Any]]:
    """The conversation's turns: a turn opens with the citizen's message and holds the bot's answers
    and the actions run until the next one (a bot message with no citizen message before it, e.g. a
    greeting, opens a turn of its own)."""
    events: list[tuple[dt.datetime, int, int, Any]] = []
    for row in messages:
        events.append((_utc(row.at), 0 if row.direction == IN else 1, row.id, row))
    for action in actions:
        events.append((_utc(action.at), 2, action.id, action))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    turns: list[dict[str, Any]] = []
    turn: dict[str, Any] | None = None
    for at, order, _, row in events:
        if order == 0:
            turn = _new_turn(at)
            turn |= {
                "intent": row.intent,
                "confidence": row.confidence,
                "fallback": bool(row.fallback),
                "service_id": row.service_id,
                "aspect": row.aspect,
                "citizen": True,
            }
            turns.append(turn)
            continue
        if turn is None:
            turn = _new_turn(at)
            turns.append(turn)
        if order == 1:
            if row.intent and row.intent not in turn["answers"]:
                turn["answers"].append(row.intent)
            turn["fallback"] = turn["fallback"] or bool(row.fallback)
        else:
            if row.name in HANDOVER_ACTIONS:
                turn["handover"] = True
            if row.name not in turn["actions"]:
                turn["actions"].append(row.name)
        turn["service_id"] = turn["service_id"] or row.service_id
    return turns


def _new_turn(at: dt.datetime) -> dict[str, Any]:
    return {
        "at": _iso(at),
        "_at": at,
        "intent": None,
        "confidence": None,
        "answers": [],
        "actions": [],
        "service_id": None,
        "aspect": None,
        "fallback": False,
        "handover": False,
        "citizen": False,
        "masked_text": None,
    }


def _public_turn(turn: dict[str, Any]) -> dict[str, Any]:
    return {
        "at": turn["at"],
        "intent": turn["intent"],
        "confidence": round(turn["confidence"], 3) if turn["confidence"] is not None else None,
        "answer": turn["answers"][0]
        if turn["answers"]
        else (turn["actions"][0] if turn["actions"] else None),
        "answers": turn["answers"],
        "service_id": turn["service_id"],
        "aspect": turn["aspect"],
        "fallback": turn["fallback"],
        "handover": turn["handover"],
        "masked_text": turn["masked_text"],
    }


def _attach_texts(turns: list[dict[str, Any]], texts: Iterable[tuple[dt.datetime, str]]) -> None:
    """Each masked text goes to the citizen turn nearest in time (within MASKED_TEXT_WINDOW); a text
    with no such turn is left out rather than shown against the wrong message."""
    citizen = [t for t in turns if t["citizen"]]
    for at, text in texts:
        best = min(citizen, key=lambda t: abs(t["_at"] - at), default=None)
        if best is not None and abs(best["_at"] - at) <= MASKED_TEXT_WINDOW and best["masked_text"] is None:
            best["masked_text"] = text
