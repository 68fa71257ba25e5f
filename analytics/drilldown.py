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

from sqlalchemy import ColumnElement, Select, false, func, literal_column, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.visitors import InternalTraversal

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


# Message figures (fallback, understood, an intent, a service) found through the partial indexes of
# migration 0018: their conditions are written here as literals, the indexes' own terms, so SQLite can
# prove a query implies them (a bound parameter proves nothing to its planner).
_CITIZEN = AnalyticsMessage.direction == literal_column("'in'")
_MESSAGE_KINDS = frozenset({"fallback", "understood", "intent", "service"})
# Below this many conversations behind a message figure (no agency chosen), the page is read from the
# conversations the count found (a look-up each); above it, by walking the period's conversations
# newest first and asking each chunk which have such a message (_walk), which finds a page after about
# (offset + limit) x conversations of the period / total of them.
FEW = 5000
CHUNK = 500  # keys per IN list (PostgreSQL seeks each of up to a few hundred, scans for more)
MAX_CHUNK = 5000  # sessions read per step of a walk


def _message_terms(figure: Figure) -> list[ColumnElement[bool]]:
    """The citizen messages a message figure counts (their period aside)."""
    m = AnalyticsMessage
    if figure.kind == "fallback":
        return [_CITIZEN, m.fallback == true()]
    if figure.kind == "understood":
        threshold: ColumnElement[float] = literal_column(repr(float(UNDERSTOOD_CONFIDENCE)))
        return [_CITIZEN, m.fallback == false(), m.intent.is_not(None), m.confidence >= threshold]
    if figure.kind == "intent":
        return [_CITIZEN, m.intent == figure.key]
    if figure.kind == "service":
        return [_CITIZEN, m.service_id == figure.key]
    raise ValueError(f"not a message figure: {figure.kind}")


class _NotIndexed(ColumnElement[Any]):
    """A column written so that SQLite uses no index for the term (its unary `+`); as is elsewhere."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]  # noqa: RUF012

    def __init__(self, column: Any) -> None:
        self.column = column
        self.type = column.type


@compiles(_NotIndexed)
def _plain(element: _NotIndexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(_NotIndexed, "sqlite")
def _plus(element: _NotIndexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.column, **kw))


def _with_message(session: Session, scope: Scope, figure: Figure, keys: list[str]) -> set[str]:
    """Which of these sessions have a message of the figure in the period: a seek per session into the
    figure's index (session_key follows its first column)."""
    start, end = scope.bounds()
    m = AnalyticsMessage
    found: set[str] = set()
    for i in range(0, len(keys), CHUNK):
        query = select(m.session_key).where(
            *_message_terms(figure), m.session_key.in_(keys[i : i + CHUNK]), m.at >= start, m.at < end
        )
        found.update(k for k in session.scalars(query.distinct()) if k is not None)
    return found


def _overlapping(scope: Scope) -> list[ColumnElement[bool]]:
    """Sessions with a moment in the period: a session's messages lie between its started_at and
    last_at (the consumer sets both from them), so these are every session a message of the period
    can belong to. The turns shown (_rows_of) are read from the same window."""
    start, end = scope.bounds()
    s = AnalyticsSession
    return [s.started_at < end, s.last_at >= start]


def _session_clauses(scope: Scope, figure: Figure, dialect: str) -> list[ColumnElement[bool]]:
    """A session figure (conversations, not contained, handover, a day, an hour): conditions on the
    session row alone, all in the columns of ix_analytics_sessions_started / _agency. A conversation
    counts in the period it started in."""
    start, end = scope.bounds()
    s = AnalyticsSession
    if figure.kind == "day":
        assert figure.key is not None
        day = dt.date.fromisoformat(figure.key)
        start, end = max(start, day_start(day)), min(end, day_start(day + dt.timedelta(days=1)))
    clauses = [s.started_at >= start, s.started_at < end, *_session_filter(scope)]
    if figure.kind == "hour":
        assert figure.key is not None
        clauses.append(_bangkok_hour_is(s.started_at, int(figure.key), dialect))
    elif figure.kind == "not_contained":
        clauses.append(s.contained.is_(False))
    elif figure.kind == "handover":
        clauses.append(s.handover.is_(True))
    return clauses


def _reason_select(scope: Scope, figure: Figure) -> Select[str | None]:
    """The sessions with a handover of the reason requested in the period (a year's handovers are
    thousands: read along the handovers' index on requested_at)."""
    start, end = scope.bounds()
    h = AnalyticsHandover
    return select(h.session_key).where(
        h.requested_at >= start, h.requested_at < end, h.reason == figure.key, h.session_key.is_not(None)
    )


# The handed-over sessions, in the terms of ix_analytics_sessions_handover's condition (migration 0019;
# `handover = 1` on SQLite, which must see the index's own term; PostgreSQL folds `= true` away).
_HANDED_OVER = AnalyticsSession.handover == true()


def _reason_clauses(scope: Scope, figure: Figure) -> list[ColumnElement[bool]]:
    """The sessions behind a handover reason, read from the handed-over sessions only: a handover is
    linked only to a session that started before it was requested, and marked handed over when linked
    (analytics.sources._link, analytics.ingest._link_handovers), so neither term leaves one out; they
    let the database meet the reason's handovers with a tenth of the sessions instead of all of them."""
    _, end = scope.bounds()
    s = AnalyticsSession
    return [
        s.key.in_(_reason_select(scope, figure)),
        _HANDED_OVER,
        s.started_at < end,
        *_session_filter(scope),
    ]


_NEWEST = (AnalyticsSession.started_at.desc(), AnalyticsSession.key.desc())  # the page's order


def _has_message(scope: Scope, figure: Figure) -> ColumnElement[bool]:
    """The session has a message of the figure in the period: one seek into the figure's index."""
    start, end = scope.bounds()
    m, s = AnalyticsMessage, AnalyticsSession
    return (
        select(literal_column("1"))
        .where(m.session_key == s.key, *_message_terms(figure), m.at >= start, m.at < end)
        .exists()
    )


def _counted_page(
    session: Session, clauses: list[ColumnElement[bool]], offset: int, limit: int
) -> tuple[int, list[str]]:
    """The sessions these conditions hold for: how many, and the page newest first (SQLite walks the
    index in the page's order and stops at it)."""
    s = AnalyticsSession
    total = session.scalar(select(func.count()).select_from(s).where(*clauses)) or 0
    page = session.scalars(select(s.key).where(*clauses).order_by(*_NEWEST).offset(offset).limit(limit))
    return int(total), list(page)


def _paged(rows: Iterable[Any], offset: int, limit: int) -> tuple[int, list[str]]:
    """(started_at, key) rows: how many, and the page of keys newest first."""
    found = sorted(((_utc(at), key) for at, key in rows), reverse=True)
    return len(found), [key for _, key in found[offset : offset + limit]]


def _sorted_page(
    session: Session, scope: Scope, keys: list[str], offset: int, limit: int
) -> tuple[int, list[str]]:
    """The sessions of these keys in the scope: how many, and the page of them newest first."""
    s = AnalyticsSession
    found: list[Any] = []
    for i in range(0, len(keys), CHUNK):
        rows = session.execute(
            select(s.started_at, s.key).where(s.key.in_(keys[i : i + CHUNK]), *_session_filter(scope))
        )
        found.extend(rows)
    return _paged(found, offset, limit)


def _walk(session: Session, scope: Scope, figure: Figure, offset: int, limit: int) -> list[str]:
    """The page of a message figure's sessions: the scope's sessions of the period newest first, read
    along ix_analytics_sessions_started (or _agency) in growing chunks from where the last one ended
    (keyset, not OFFSET), each chunk asked which have such a message; stops at the page."""
    s = AnalyticsSession
    wanted = offset + limit
    kept: list[str] = []
    chunk = max(4 * wanted, 200)
    after: tuple[dt.datetime, str] | None = None
    while len(kept) < wanted:
        query = select(s.started_at, s.key).where(*_overlapping(scope), *_session_filter(scope))
        if after is not None:
            at, key = after
            query = query.where(s.started_at <= at, or_(s.started_at < at, s.key < key))
        rows = session.execute(query.order_by(*_NEWEST).limit(chunk)).all()
        if not rows:
            break
        keys = [key for _, key in rows]
        having = _with_message(session, scope, figure, keys)
        kept.extend(key for key in keys if key in having)
        after = (rows[-1][0], rows[-1][1])
        chunk = min(2 * chunk, MAX_CHUNK)
    return kept[offset:wanted]


def _understood_in_agency(session: Session, scope: Scope, offset: int, limit: int) -> tuple[int, list[str]]:
    """One agency's "understood" figure from its sessions' index (ix_analytics_sessions_agency ends with
    the sessions' `understood` flag): a session wholly inside the period has an understood message in
    it exactly when it has one at all, so those are counted and paged from the index alone; the few
    that reach over an edge of the period are asked of their messages (_with_message). Before, each of
    the agency's sessions of the period was sought in the understood messages' index (14,000 seeks for
    a year, 212 ms p95 on PostgreSQL; bench/README.md)."""
    start, end = scope.bounds()
    s = AnalyticsSession
    inside = [
        s.started_at >= start,
        s.started_at < end,
        s.last_at < end,
        *_session_filter(scope),
        s.understood == true(),
    ]
    total = int(session.scalar(select(func.count()).select_from(s).where(*inside)) or 0)
    rows = list(
        session.execute(select(s.started_at, s.key).where(*inside).order_by(*_NEWEST).limit(offset + limit))
    )
    edges = session.execute(
        select(s.started_at, s.key).where(
            *_overlapping(scope), *_session_filter(scope), or_(s.started_at < start, s.last_at >= end)
        )
    ).all()
    having = _with_message(session, scope, Figure("understood"), [key for _, key in edges])
    crossing = [(at, key) for at, key in edges if key in having]
    _, page = _paged([*rows, *crossing], offset, limit)
    return total + len(crossing), page


def _total_and_page(
    session: Session, scope: Scope, figure: Figure, offset: int, limit: int
) -> tuple[int, list[str]]:
    """How many conversations are behind the figure, and the keys of the page asked for (newest
    first, then by key). Every query here reads an index in its order or seeks into one, and none
    leaves the choice of a join to the planner (PostgreSQL's picked hash joins over every message of
    the period, SQLite's the index on `at` and a sort): bench/README.md, the drill-down at 200k."""
    s = AnalyticsSession
    dialect = session.get_bind().dialect.name
    if figure.kind == "reason":
        # Counted and paged by the database: PostgreSQL hashes the period's handovers of the reason
        # and meets them with the handed-over sessions' partial index (a look-up per key was slower);
        # fetching the year's ~6,600 (start, key) rows to count and sort them here took several times
        # the query's own ~20 ms.
        return _counted_page(session, _reason_clauses(scope, figure), offset, limit)
    if figure.kind not in _MESSAGE_KINDS:
        return _counted_page(session, _session_clauses(scope, figure, dialect), offset, limit)
    if figure.kind == "understood" and scope.agency:
        return _understood_in_agency(session, scope, offset, limit)
    if scope.agency and dialect == "postgresql":
        # One semi-join of the agency's sessions (its index) with the figure's messages of the period
        # (the figure's index): PostgreSQL seeks a long IN list poorly, and hashes this well.
        start, end = scope.bounds()
        m = AnalyticsMessage
        messages = select(m.session_key).where(*_message_terms(figure), m.at >= start, m.at < end)
        query = select(s.started_at, s.key).where(
            *_overlapping(scope), *_session_filter(scope), s.key.in_(messages)
        )
        return _paged(session.execute(query).all(), offset, limit)
    if scope.agency:
        # The agency's sessions of the period (a range of its index), each asked once (one seek).
        clauses = [*_overlapping(scope), *_session_filter(scope), _has_message(scope, figure)]
        return _counted_page(session, clauses, offset, limit)
    # Every session (or a channel's): the figure's messages of the period, one ordered pass over its
    # index. A message's channel is its session's (both are the channel of the one sender id whose
    # keyed hash the conversation is), and the index holds it.
    start, end = scope.bounds()
    m = AnalyticsMessage
    at = _NotIndexed(m.at)  # SQLite's planner would take the index on `at` here, then sort
    behind = (
        select(m.session_key)
        .where(*_message_terms(figure), at >= start, at < end, m.session_key.is_not(None))
        .group_by(m.session_key)
    )
    if scope.channel:
        behind = behind.where(m.channel == scope.channel)
    # Up to FEW of them are read once, as keys (counting them first read the index twice); past that
    # only counted.
    keys = [k for k in session.scalars(behind.limit(FEW + 1)) if k is not None]
    if len(keys) <= FEW:
        return _sorted_page(session, scope, keys, offset, limit)
    total = int(session.scalar(select(func.count()).select_from(behind.subquery())) or 0)
    return total, _walk(session, scope, figure, offset, limit)


def conversations(
    session: Session, scope: Scope, figure: Figure, *, offset: int = 0, limit: int = PAGE_SIZE
) -> dict[str, Any]:
    """The page of conversations behind `figure` (newest first) with their turns; JSON-ready.
    `total` counts every conversation behind it, not only this page's."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    offset = max(0, offset)
    total, keys = _total_and_page(session, scope, figure, offset, limit)
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
