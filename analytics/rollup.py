"""The hourly and daily counts the stats API reads, recomputed from the fact tables per dirty hour.

Why recompute instead of adding deltas: a conversation's attributes change after its messages were
counted (its agency once a service is named, its handover, its containment when the citizen comes back
within 24 h). Every writer marks the hours it touched in analytics_dirty_hours in its own transaction;
`refresh` recomputes those hours from analytics_sessions / analytics_messages (an hour is a few hundred
rows), then their Bangkok days from the hourly rows and messages, then their months from the days, and
removes the marks in the same transaction. So a year of figures is read from daily rows (~365 x
channels x agencies) and monthly rows (whole months of a period), not from 2 million messages.
Asia/Bangkok has no daylight saving: a UTC hour is exactly one Bangkok hour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from analytics.models import (
    ALL,
    COUNT_FIELDS,
    IN,
    NO_AGENCY,
    OUT,
    AnalyticsDaily,
    AnalyticsDailyCube,
    AnalyticsDailyIntent,
    AnalyticsDailyService,
    AnalyticsDirtyHour,
    AnalyticsHourly,
    AnalyticsMessage,
    AnalyticsMonthlyHour,
    AnalyticsMonthlyHourCube,
    AnalyticsMonthlyIntent,
    AnalyticsMonthlyIntentCube,
    AnalyticsMonthlyService,
    AnalyticsMonthlyServiceCube,
    AnalyticsSession,
)

BANGKOK_OFFSET = dt.timedelta(hours=7)
HOUR = dt.timedelta(hours=1)
# A citizen message counts as understood with a non-fallback intent at least this confident (the
# FallbackClassifier's threshold in the NLU pipeline is of the same order).
UNDERSTOOD_CONFIDENCE = 0.7
FEEDBACK_POSITIVE = "feedback_positive"
FEEDBACK_NEGATIVE = "feedback_negative"
MAX_SPAN_HOURS = 24 * 7  # a session whose attributes change marks at most a week of hours


def understood(fallback: bool, intent: str | None, confidence: float | None) -> bool:
    """A citizen message understood, as the counts here define it (one place for the consumer's
    per-session flag, analytics_sessions.understood, to agree with them)."""
    return (
        not fallback and intent is not None and confidence is not None and confidence >= UNDERSTOOD_CONFIDENCE
    )


def floor_hour(at: dt.datetime) -> dt.datetime:
    return at.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def hours_between(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Every UTC hour from start's to end's, inclusive (capped at MAX_SPAN_HOURS)."""
    first, last = floor_hour(start), floor_hour(end)
    out: list[dt.datetime] = []
    while first <= last and len(out) < MAX_SPAN_HOURS:
        out.append(first)
        first += HOUR
    return out


def bangkok_day(bucket: dt.datetime) -> str:
    return (bucket.astimezone(dt.UTC) + BANGKOK_OFFSET).date().isoformat()


def day_start(day: dt.date) -> dt.datetime:
    """A Bangkok day's first instant, in UTC."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) - BANGKOK_OFFSET


def mark_dirty(session: Session, hours: Iterable[dt.datetime]) -> None:
    """Add the hours not already marked (the caller's transaction)."""
    wanted = {floor_hour(h) for h in hours}
    if not wanted:
        return
    known = set(
        session.scalars(select(AnalyticsDirtyHour.bucket).where(AnalyticsDirtyHour.bucket.in_(wanted)))
    )
    missing = [{"bucket": h} for h in sorted(wanted - known)]
    if missing:
        session.execute(insert(AnalyticsDirtyHour), missing)


def _flag(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _hour_rows(session: Session, bucket: dt.datetime) -> list[dict[str, Any]]:
    """The hourly rows of one hour, per channel and agency, computed from the fact tables."""
    end = bucket + HOUR
    rows: dict[tuple[str, str], dict[str, Any]] = {}

    def row(channel: str, agency: str) -> dict[str, Any]:
        key = (channel, agency)
        if key not in rows:
            local = bucket + BANGKOK_OFFSET
            rows[key] = {
                "bucket": bucket,
                "channel": channel,
                "agency": agency,
                "day": local.date().isoformat(),
            }
            rows[key] |= {"hour": local.hour} | dict.fromkeys(COUNT_FIELDS, 0)
        return rows[key]

    s = AnalyticsSession
    agency = func.coalesce(s.agency, literal(NO_AGENCY))
    sessions = session.execute(
        select(
            s.channel,
            agency,
            func.count(),
            _flag(s.returning_citizen.is_(False)),
            _flag(s.returning_citizen.is_(True)),
            _flag(s.contained.is_(True)),
            _flag(s.handover.is_(True)),
        )
        .where(s.started_at >= bucket, s.started_at < end)
        .group_by(s.channel, agency)
    )
    for channel, ag, conversations, new, returning, contained, handovers in sessions:
        target = row(channel, ag)
        target |= {
            "conversations": conversations,
            "citizens_new": new or 0,
            "citizens_returning": returning or 0,
            "contained": contained or 0,
            "handovers": handovers or 0,
        }
    m = AnalyticsMessage
    incoming = m.direction == IN
    messages = session.execute(
        select(
            m.channel,
            agency,
            _flag(incoming),
            _flag(m.direction == OUT),
            _flag(and_(incoming, m.fallback.is_(True))),
            _flag(
                and_(
                    incoming,
                    m.fallback.is_(False),
                    m.intent.is_not(None),
                    m.confidence >= UNDERSTOOD_CONFIDENCE,
                )
            ),
            _flag(and_(incoming, m.intent == FEEDBACK_POSITIVE)),
            _flag(and_(incoming, m.intent == FEEDBACK_NEGATIVE)),
        )
        .select_from(m)
        .outerjoin(s, s.key == m.session_key)
        .where(m.at >= bucket, m.at < end)
        .group_by(m.channel, agency)
    )
    for channel, ag, citizen, bot, fallback, understood, positive, negative in messages:
        target = row(channel, ag)
        target |= {
            "citizen_messages": citizen or 0,
            "bot_messages": bot or 0,
            "fallback": fallback or 0,
            "understood": understood or 0,
            "feedback_positive": positive or 0,
            "feedback_negative": negative or 0,
        }
    return list(rows.values())


def _refresh_cube(
    session: Session,
    base: Any,
    cube: Any,
    period: str,
    value: str,
    keys: tuple[str, ...] = (),
    counts: tuple[str, ...] = COUNT_FIELDS,
) -> None:
    """Replace one day's or month's cube rows: the base rows as they are, and their sums over agency,
    over channel and over both (key ALL), so a filter reads one row per period and key."""
    session.execute(delete(cube).where(getattr(cube, period) == value))
    when = getattr(base, period) == value
    key_columns = [getattr(base, k) for k in keys]
    sums = [func.sum(getattr(base, c)) for c in counts]
    every, at = literal(ALL), literal(value)
    statements = [
        select(base.channel, base.agency, at, *key_columns, *[getattr(base, c) for c in counts]).where(when),
        select(base.channel, every, at, *key_columns, *sums).where(when).group_by(base.channel, *key_columns),
        select(every, base.agency, at, *key_columns, *sums).where(when).group_by(base.agency, *key_columns),
        select(every, every, at, *key_columns, *sums).where(when).group_by(*key_columns),
    ]
    for statement in statements:
        session.execute(insert(cube).from_select(["channel", "agency", period, *keys, *counts], statement))


def _refresh_day(session: Session, day: str) -> None:
    session.execute(delete(AnalyticsDaily).where(AnalyticsDaily.day == day))
    h = AnalyticsHourly
    sums = [func.sum(getattr(h, f)) for f in COUNT_FIELDS]
    session.execute(
        insert(AnalyticsDaily).from_select(
            ["day", "channel", "agency", *COUNT_FIELDS],
            select(h.day, h.channel, h.agency, *sums)
            .where(h.day == day)
            .group_by(h.day, h.channel, h.agency),
        )
    )
    _refresh_cube(session, AnalyticsDaily, AnalyticsDailyCube, "day", day)
    start = day_start(dt.date.fromisoformat(day))
    m, s = AnalyticsMessage, AnalyticsSession
    agency = func.coalesce(s.agency, literal(NO_AGENCY))
    in_day = (m.at >= start, m.at < start + dt.timedelta(days=1), m.direction == IN)
    session.execute(delete(AnalyticsDailyIntent).where(AnalyticsDailyIntent.day == day))
    session.execute(
        insert(AnalyticsDailyIntent).from_select(
            ["day", "channel", "agency", "intent", "count"],
            select(literal(day), m.channel, agency, m.intent, func.count())
            .select_from(m)
            .outerjoin(s, s.key == m.session_key)
            .where(*in_day, m.intent.is_not(None))
            .group_by(m.channel, agency, m.intent),
        )
    )
    aspect = func.coalesce(m.aspect, literal(""))
    session.execute(delete(AnalyticsDailyService).where(AnalyticsDailyService.day == day))
    session.execute(
        insert(AnalyticsDailyService).from_select(
            ["day", "channel", "agency", "service_id", "aspect", "count"],
            select(literal(day), m.channel, agency, m.service_id, aspect, func.count())
            .select_from(m)
            .outerjoin(s, s.key == m.session_key)
            .where(*in_day, m.service_id.is_not(None))
            .group_by(m.channel, agency, m.service_id, aspect),
        )
    )


def _refresh_month(session: Session, month: str) -> None:
    """The month's rows summed from its days (the hour-of-day counts from its hours)."""
    first, last = f"{month}-01", f"{month}-31"
    h = AnalyticsHourly
    session.execute(delete(AnalyticsMonthlyHour).where(AnalyticsMonthlyHour.month == month))
    session.execute(
        insert(AnalyticsMonthlyHour).from_select(
            ["month", "hour", "channel", "agency", *COUNT_FIELDS],
            select(
                literal(month), h.hour, h.channel, h.agency, *[func.sum(getattr(h, f)) for f in COUNT_FIELDS]
            )
            .where(h.day >= first, h.day <= last)
            .group_by(h.hour, h.channel, h.agency),
        )
    )
    i = AnalyticsDailyIntent
    session.execute(delete(AnalyticsMonthlyIntent).where(AnalyticsMonthlyIntent.month == month))
    session.execute(
        insert(AnalyticsMonthlyIntent).from_select(
            ["month", "channel", "agency", "intent", "count"],
            select(literal(month), i.channel, i.agency, i.intent, func.sum(i.count))
            .where(i.day >= first, i.day <= last)
            .group_by(i.channel, i.agency, i.intent),
        )
    )
    v = AnalyticsDailyService
    session.execute(delete(AnalyticsMonthlyService).where(AnalyticsMonthlyService.month == month))
    session.execute(
        insert(AnalyticsMonthlyService).from_select(
            ["month", "channel", "agency", "service_id", "aspect", "count"],
            select(literal(month), v.channel, v.agency, v.service_id, v.aspect, func.sum(v.count))
            .where(v.day >= first, v.day <= last)
            .group_by(v.channel, v.agency, v.service_id, v.aspect),
        )
    )
    _refresh_cube(session, AnalyticsMonthlyHour, AnalyticsMonthlyHourCube, "month", month, ("hour",))
    _refresh_cube(
        session, AnalyticsMonthlyIntent, AnalyticsMonthlyIntentCube, "month", month, ("intent",), ("count",)
    )
    _refresh_cube(
        session,
        AnalyticsMonthlyService,
        AnalyticsMonthlyServiceCube,
        "month",
        month,
        ("service_id", "aspect"),
        ("count",),
    )


def recompute(session: Session, hours: Iterable[dt.datetime]) -> int:
    """Recompute the given hours and their days (the caller's transaction); returns hours done."""
    buckets = sorted({floor_hour(h) for h in hours})
    days: set[str] = set()
    for bucket in buckets:
        session.execute(delete(AnalyticsHourly).where(AnalyticsHourly.bucket == bucket))
        rows = _hour_rows(session, bucket)
        if rows:
            session.execute(insert(AnalyticsHourly), rows)
        days.add(bangkok_day(bucket))
    for day in sorted(days):
        _refresh_day(session, day)
    for month in sorted({day[:7] for day in days}):
        _refresh_month(session, month)
    return len(buckets)


def refresh(session: Session, limit: int = 500) -> int:
    """Recompute up to `limit` dirty hours and clear their marks (the caller commits)."""
    hours = list(
        session.scalars(select(AnalyticsDirtyHour.bucket).order_by(AnalyticsDirtyHour.bucket).limit(limit))
    )
    if not hours:
        return 0
    done = recompute(session, hours)
    session.execute(delete(AnalyticsDirtyHour).where(AnalyticsDirtyHour.bucket.in_(hours)))
    return done
