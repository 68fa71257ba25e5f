"""The figures of issue 13, read from the rollups and fact tables the consumer keeps (no text, no ids).

`stats(session, StatsQuery)` answers the dashboard and GET /staff/api/stats with one JSON-ready dict
(shape in /work/coord/STATS_CONTRACT.md, kept in analytics/README or the docstrings below);
`monthly(session, first, last)` gives the open-data rows. Dates are Bangkok days (Asia/Bangkok, UTC+7,
no daylight saving); rates are 0-1 fractions, None when their base is 0.

Definitions:
- conversation: a session of one citizen (analytics.ingest: messages with no pause over 60 min),
  counted on the day/hour it started; messages = citizen + bot messages, counted when sent;
- citizens_new / citizens_returning: conversations of citizens seen for the first time / seen before
  (a citizen with three conversations in a month is 1 new + 2 returning, or 3 returning);
- containment_rate: conversations with no handover and no next conversation of the same citizen
  within 24 h of their last message (as of now: a conversation of the last 24 h counts as contained
  until the citizen comes back) / conversations;
- fallback_rate: citizen messages classified nlu_fallback / citizen messages; understood_rate:
  citizen messages with a non-fallback intent at confidence >= 0.7 / citizen messages;
- handover_rate: conversations with a handover requested / conversations; handover_reasons and the
  wait (queued -> claimed), first_response (queued -> first staff reply) and resolution (queued ->
  closed by staff) distributions are over handovers requested in the period;
- satisfaction.bot: citizen messages with intent feedback_positive / feedback_negative; rate = the
  positive share. satisfaction.staff: the 1-5 ratings of handovers requested in the period;
- complaints: complaint cases filed in the period per category and agency; case_close_seconds: cases
  (complaints and applications) closed in the period, filed -> closed;
- notices: case notices whose delivery settled in the period: delivered or failed (rejected / gave up);
  staff_replies and handover_notices (queue position, rating question…): handover lines sent to the
  citizen that settled in the period (delivered, or failed after the retries or at once when refused).
Filters: channel (line, sms, web) on everything; agency on conversations and messages (the agency of
the conversation: its handover's, else its first service's), handovers, cases and notices.
Totals include every channel (rest and other too); by_channel holds line, sms and web.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analytics.models import (
    ALL,
    COUNT_FIELDS,
    NO_AGENCY,
    AnalyticsCase,
    AnalyticsDaily,
    AnalyticsDailyCube,
    AnalyticsDailyIntent,
    AnalyticsDailyService,
    AnalyticsHandover,
    AnalyticsHourly,
    AnalyticsMonthlyHourCube,
    AnalyticsMonthlyIntentCube,
    AnalyticsMonthlyServiceCube,
    AnalyticsNotice,
    AnalyticsReply,
)
from analytics.rollup import day_start

BANGKOK = ZoneInfo("Asia/Bangkok")
CHANNELS = ("line", "sms", "web")
MAX_PERIOD_DAYS = 366
TOP = 20


@dataclass(frozen=True)
class StatsQuery:
    """A period of Bangkok days (both inclusive), optionally one channel and one agency."""

    start: dt.date
    end: dt.date
    channel: str | None = None
    agency: str | None = None

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError("start after end")
        if (self.end - self.start).days + 1 > MAX_PERIOD_DAYS:
            raise ValueError(f"period longer than {MAX_PERIOD_DAYS} days")
        if self.channel is not None and self.channel not in CHANNELS:
            raise ValueError(f"channel must be one of {', '.join(CHANNELS)}")

    @property
    def utc_start(self) -> dt.datetime:
        return day_start(self.start)

    @property
    def utc_end(self) -> dt.datetime:
        """The instant after the period (exclusive)."""
        return day_start(self.end + dt.timedelta(days=1))


# -- summaries --------------------------------------------------------------------------------------


def _zero() -> dict[str, int]:
    return dict.fromkeys(COUNT_FIELDS, 0)


def _add(into: dict[str, int], row: Any) -> None:
    for name in COUNT_FIELDS:
        into[name] += int(getattr(row, name) or 0)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def summary(counts: dict[str, int]) -> dict[str, Any]:
    """The Summary fields of the contract from additive counts."""
    conversations, citizen = counts["conversations"], counts["citizen_messages"]
    return {
        "conversations": conversations,
        "messages": citizen + counts["bot_messages"],
        "citizen_messages": citizen,
        "citizens_new": counts["citizens_new"],
        "citizens_returning": counts["citizens_returning"],
        "containment_rate": _rate(counts["contained"], conversations),
        "fallback_rate": _rate(counts["fallback"], citizen),
        "understood_rate": _rate(counts["understood"], citizen),
        "handover_rate": _rate(counts["handovers"], conversations),
        "handovers": counts["handovers"],
    }


def distribution(values: Sequence[float]) -> dict[str, Any]:
    """count, mean, median, p90 (linear interpolation between ranks), None when there are none."""
    if not values:
        return {"count": 0, "mean": None, "median": None, "p90": None}
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "mean": round(sum(ordered) / len(ordered), 3),
        "median": round(_quantile(ordered, 0.5), 3),
        "p90": round(_quantile(ordered, 0.9), 3),
    }


def _quantile(ordered: Sequence[float], q: float) -> float:
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _seconds(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (_utc(end) - _utc(start)).total_seconds())


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _run(session: Session, statement: Any) -> Any:
    """A select of plain columns run on the session's connection (Core rows): through the ORM's result
    machinery a year's 20k handover rows cost ~30 ms more on SQLite (bench/analytics/dashboard.py)."""
    return session.connection().execute(statement)


def _filtered(query: Any, table: Any, channel: str | None, agency: str | None) -> Any:
    if channel is not None:
        query = query.where(table.channel == channel)
    if agency is not None:
        query = query.where(table.agency == agency)
    return query


# -- stats ------------------------------------------------------------------------------------------


def _days(query: StatsQuery) -> list[str]:
    return [
        (query.start + dt.timedelta(days=n)).isoformat() for n in range((query.end - query.start).days + 1)
    ]


@dataclass(frozen=True)
class _Split:
    """A period as whole Bangkok months (read from the monthly rollups) and the days at its edges
    (read from the daily/hourly ones)."""

    months: tuple[str, ...]
    edges: tuple[tuple[dt.date, dt.date], ...]


def split(start: dt.date, end: dt.date) -> _Split:
    months: list[str] = []
    edges: list[tuple[dt.date, dt.date]] = []
    cursor = start
    while cursor <= end:
        month_end = _month_end(cursor.replace(day=1))
        if cursor.day == 1 and month_end <= end:
            months.append(_month(cursor))
        else:
            last = min(month_end, end)
            if edges and edges[-1][1] + dt.timedelta(days=1) == cursor:
                edges[-1] = (edges[-1][0], last)
            else:
                edges.append((cursor, last))
        cursor = month_end + dt.timedelta(days=1)
    return _Split(tuple(months), tuple(edges))


def _counts_of(row: Any, offset: int) -> dict[str, int]:
    return {name: int(row[offset + i] or 0) for i, name in enumerate(COUNT_FIELDS)}


def _cube_keys(query: StatsQuery) -> tuple[str, str]:
    """The cube row a filter reads: its channel and agency, or ALL for the ones not filtered."""
    return query.channel or ALL, ALL if query.agency is None else query.agency


def _sums(table: Any) -> list[Any]:
    return [func.sum(getattr(table, name)) for name in COUNT_FIELDS]


def _by_hour(session: Session, query: StatsQuery, parts: _Split) -> dict[int, dict[str, int]]:
    hours = {hour: _zero() for hour in range(24)}
    channel, agency = _cube_keys(query)
    if parts.months:
        mh = AnalyticsMonthlyHourCube
        statement = (
            select(mh.hour, *_sums(mh))
            .where(mh.channel == channel, mh.agency == agency, mh.month.in_(parts.months))
            .group_by(mh.hour)
        )
        for row in _run(session, statement):
            for name, value in _counts_of(row, 1).items():
                hours[int(row[0])][name] += value
    h = AnalyticsHourly
    for first, last in parts.edges:
        statement = (
            select(h.hour, *_sums(h))
            .where(h.bucket >= day_start(first), h.bucket < day_start(last + dt.timedelta(days=1)))
            .group_by(h.hour)
        )
        for row in _run(session, _filtered(statement, h, query.channel, query.agency)):
            for name, value in _counts_of(row, 1).items():
                hours[int(row[0])][name] += value
    return hours


def _rollup_part(session: Session, query: StatsQuery) -> dict[str, Any]:
    """Totals, by_day, by_channel, by_agency from the daily cube (one row per day for the filter, one
    per day and channel or agency for the breakdowns); by_hour from the monthly-hour cube and the
    hourly rollup. Every grouping is done by the database, over index ranges of the cube."""
    d = AnalyticsDailyCube
    channel, agency = _cube_keys(query)
    period = (d.day >= query.start.isoformat(), d.day <= query.end.isoformat())
    total = _zero()
    days = {day: _zero() for day in _days(query)}
    for row in _run(
        session,
        select(d.day, *_sums(d)).where(d.channel == channel, d.agency == agency, *period).group_by(d.day),
    ):
        counts = _counts_of(row, 1)
        for name, value in counts.items():
            total[name] += value
        if row[0] in days:
            days[row[0]] = counts
    channels = {c: _zero() for c in CHANNELS}
    wanted = (query.channel,) if query.channel else CHANNELS
    for row in _run(
        session,
        select(d.channel, *_sums(d))
        .where(d.agency == agency, d.channel.in_(wanted), *period)
        .group_by(d.channel),
    ):
        channels[row[0]] = _counts_of(row, 1)
    by_agency = select(d.agency, *_sums(d)).where(d.channel == channel, *period)
    if query.agency is not None:
        by_agency = by_agency.where(d.agency == query.agency)
    else:
        by_agency = by_agency.where(d.agency != ALL)
    agencies = {
        row[0]: _counts_of(row, 1)
        for row in _run(session, by_agency.group_by(d.agency))
        if row[0] != NO_AGENCY
    }
    hours = _by_hour(session, query, split(query.start, query.end))
    return {
        "total": total,
        "by_channel": {c: summary(v) for c, v in channels.items()},
        "by_agency": {a: summary(v) for a, v in sorted(agencies.items())},
        "by_day": [{"date": day, **summary(v)} for day, v in days.items()],
        "by_hour": [{"hour": hour, **summary(v)} for hour, v in hours.items()],
    }


def _topic_rows(
    session: Session, query: StatsQuery, daily: Any, monthly: Any, keys: tuple[str, ...]
) -> dict[tuple[str, ...], int]:
    """Counts per `keys` over the period: whole months from the `monthly` cube (the filter's row per
    month and key), edge days from `daily`."""
    parts = split(query.start, query.end)
    out: dict[tuple[str, ...], int] = {}
    statements = []
    if parts.months:
        channel, agency = _cube_keys(query)
        columns = [getattr(monthly, k) for k in keys]
        statements.append(
            select(*columns, func.sum(monthly.count))
            .where(monthly.channel == channel, monthly.agency == agency, monthly.month.in_(parts.months))
            .group_by(*columns)
        )
    for first, last in parts.edges:
        columns = [getattr(daily, k) for k in keys]
        statements.append(
            _filtered(
                select(*columns, func.sum(daily.count)).where(
                    daily.day >= first.isoformat(), daily.day <= last.isoformat()
                ),
                daily,
                query.channel,
                query.agency,
            ).group_by(*columns)
        )
    for statement in statements:
        for row in _run(session, statement):
            key = tuple(row[: len(keys)])
            out[key] = out.get(key, 0) + int(row[-1] or 0)
    return out


def _topics(session: Session, query: StatsQuery) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    intents = _topic_rows(session, query, AnalyticsDailyIntent, AnalyticsMonthlyIntentCube, ("intent",))
    top_intents = sorted(intents.items(), key=lambda kv: (-kv[1], kv[0][0]))[:TOP]
    services: dict[str, dict[str, Any]] = {}
    rows = _topic_rows(
        session, query, AnalyticsDailyService, AnalyticsMonthlyServiceCube, ("service_id", "aspect")
    )
    for (service_id, aspect), count in rows.items():
        entry = services.setdefault(service_id, {"service_id": service_id, "count": 0, "aspects": {}})
        entry["count"] += count
        if aspect:
            entry["aspects"][aspect] = entry["aspects"].get(aspect, 0) + count
    top_services = sorted(services.values(), key=lambda e: (-e["count"], e["service_id"]))[:TOP]
    for entry in top_services:
        entry["aspects"] = dict(sorted(entry["aspects"].items()))
    return [{"intent": key[0], "count": count} for key, count in top_intents], top_services


def _durations(session: Session, statement: Any) -> list[float]:
    """A column of seconds kept at ingest (analytics.models.seconds_between), sorted by distribution():
    a year's handovers as floats instead of four datetimes per row parsed in Python (1.2 s for 20k)."""
    return [float(v) for v in _run(session, statement).scalars()]


def _handovers(session: Session, query: StatsQuery) -> dict[str, Any]:
    h = AnalyticsHandover

    def scoped(statement: Any) -> Any:
        return _filtered(
            statement.where(h.requested_at >= query.utc_start, h.requested_at < query.utc_end),
            h,
            query.channel,
            query.agency,
        )

    # Reasons, ratings and the three durations in one scan of the period's handovers (durations kept
    # in seconds at ingest), read from the covering index of migration 0016: a year's 20k handovers
    # took three scans and 20k table look-ups each on SQLite (~160 ms; bench/README.md, analytics).
    reasons: dict[str, int] = {}
    ratings = {str(n): 0 for n in range(1, 6)}
    waits: list[float] = []
    firsts: list[float] = []
    resolutions: list[float] = []
    statement = scoped(
        select(h.reason, h.rating, h.wait_seconds, h.first_response_seconds, h.resolution_seconds, h.outcome)
    )
    for reason, rating, wait, first, resolution, outcome in _run(session, statement):
        reasons[reason] = reasons.get(reason, 0) + 1
        if rating is not None and 1 <= rating <= 5:
            ratings[str(int(rating))] += 1
        if wait is not None:
            waits.append(wait)
        if first is not None:
            firsts.append(first)
        if resolution is not None and outcome == "closed":
            resolutions.append(resolution)
    rated = sum(ratings.values())
    return {
        "handover_reasons": dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        "wait_seconds": distribution(waits),
        "first_response_seconds": distribution(firsts),
        "resolution_seconds": distribution(resolutions),
        "staff": {
            "count": rated,
            "mean": round(sum(int(k) * v for k, v in ratings.items()) / rated, 3) if rated else None,
            "distribution": ratings,
        },
    }


def _cases(session: Session, query: StatsQuery) -> dict[str, Any]:
    c = AnalyticsCase
    complaints = _run(
        session,
        _filtered(
            select(c.category, c.agency, func.count())
            .where(c.kind == "complaint", c.filed_at >= query.utc_start, c.filed_at < query.utc_end)
            .group_by(c.category, c.agency),
            c,
            query.channel,
            query.agency,
        ),
    ).all()
    close_seconds = _durations(
        session,
        _filtered(
            select(c.close_seconds).where(
                c.close_seconds.is_not(None), c.closed_at >= query.utc_start, c.closed_at < query.utc_end
            ),
            c,
            query.channel,
            query.agency,
        ),
    )
    rows = [{"category": cat or "other", "agency": ag, "count": int(n)} for cat, ag, n in complaints]
    rows.sort(key=lambda r: (-r["count"], r["category"], r["agency"]))
    return {"complaints": rows, "case_close_seconds": distribution(close_seconds)}


def _notices(session: Session, query: StatsQuery) -> dict[str, dict[str, int]]:
    n = AnalyticsNotice
    out = {c: {"delivered": 0, "failed": 0} for c in CHANNELS}
    rows = _run(
        session,
        _filtered(
            select(n.channel, n.outcome, func.count())
            .where(n.at >= query.utc_start, n.at < query.utc_end)
            .group_by(n.channel, n.outcome),
            n,
            query.channel,
            query.agency,
        ),
    )
    for channel, outcome, count in rows:
        if channel in out and outcome in out[channel]:
            out[channel][outcome] += int(count)
    return out


def _replies(session: Session, query: StatsQuery) -> dict[str, dict[str, dict[str, int]]]:
    """Handover lines sent to citizens that settled in the period, per author and channel."""
    r = AnalyticsReply
    out = {author: {c: {"delivered": 0, "failed": 0} for c in CHANNELS} for author in ("staff", "system")}
    rows = _run(
        session,
        _filtered(
            select(r.author, r.channel, r.outcome, func.count())
            .where(r.at >= query.utc_start, r.at < query.utc_end)
            .group_by(r.author, r.channel, r.outcome),
            r,
            query.channel,
            query.agency,
        ),
    )
    for author, channel, outcome, count in rows:
        if author in out and channel in out[author] and outcome in out[author][channel]:
            out[author][channel][outcome] += int(count)
    return out


def stats(session: Session, query: StatsQuery) -> dict[str, Any]:
    """Every figure of the period (see the module docstring for the definitions)."""
    rolled = _rollup_part(session, query)
    total = rolled["total"]
    top_intents, top_services = _topics(session, query)
    handovers = _handovers(session, query)
    cases = _cases(session, query)
    replies = _replies(session, query)
    votes = total["feedback_positive"] + total["feedback_negative"]
    return {
        "from": query.start.isoformat(),
        "to": query.end.isoformat(),
        "channel": query.channel,
        "agency": query.agency,
        "generated_at": dt.datetime.now(BANGKOK).isoformat(timespec="seconds"),
        **summary(total),
        "by_channel": rolled["by_channel"],
        "by_agency": rolled["by_agency"],
        "by_day": rolled["by_day"],
        "by_hour": rolled["by_hour"],
        "top_intents": top_intents,
        "top_services": top_services,
        "handover_reasons": handovers["handover_reasons"],
        "wait_seconds": handovers["wait_seconds"],
        "first_response_seconds": handovers["first_response_seconds"],
        "resolution_seconds": handovers["resolution_seconds"],
        "case_close_seconds": cases["case_close_seconds"],
        "satisfaction": {
            "bot": {
                "count": votes,
                "positive": total["feedback_positive"],
                "negative": total["feedback_negative"],
                "rate": _rate(total["feedback_positive"], votes),
            },
            "staff": handovers["staff"],
        },
        "complaints": cases["complaints"],
        "notices": _notices(session, query),
        "staff_replies": replies["staff"],
        "handover_notices": replies["system"],
    }


# -- open data --------------------------------------------------------------------------------------


def _month(value: dt.date) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def _month_end(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _bangkok_month(at: dt.datetime) -> str:
    return _month(_utc(at).astimezone(BANGKOK).date())


def monthly(session: Session, start_month: dt.date, end_month: dt.date) -> list[dict[str, Any]]:
    """Open-data rows, one per month (start_month..end_month, any day of each), channel (line, sms,
    web) and agency (an agency id, or None for conversations no agency was attributed to), before
    suppression. Keys: month "YYYY-MM", channel, agency; counts conversations, messages,
    citizen_messages, citizens_new, citizens_returning, handovers, complaints,
    satisfaction_bot_count, satisfaction_staff_count, and the handover lines sent to citizens that
    settled in the month (staff_replies / handover_notices of stats(), by the handover's channel and
    agency) staff_replies_delivered, staff_replies_failed, handover_notices_delivered,
    handover_notices_failed; rates (0-1 or None) containment_rate,
    handover_rate, fallback_rate, understood_rate, satisfaction_bot_rate; measures (None when there
    is nothing to measure) wait_median_seconds, wait_p90_seconds, satisfaction_staff_mean. Rows
    with nothing at all are left out; ordered by month, channel, agency (None first)."""
    first = start_month.replace(day=1)
    last = _month_end(end_month.replace(day=1))
    if first > last:
        return []
    d = AnalyticsDaily
    counts: dict[tuple[str, str, str | None], dict[str, int]] = {}
    extra: dict[tuple[str, str, str | None], dict[str, Any]] = {}

    def key(month: str, channel: str, agency: str | None) -> tuple[str, str, str | None]:
        k = (month, channel, agency or None)
        counts.setdefault(k, _zero())
        extra.setdefault(k, {"complaints": 0, "waits": [], "ratings": [], **dict.fromkeys(REPLY_COUNTS, 0)})
        return k

    columns = [func.sum(getattr(d, name)).label(name) for name in COUNT_FIELDS]
    month_of = func.substr(d.day, 1, 7)
    for row in _run(
        session,
        select(month_of.label("month"), d.channel, d.agency, *columns)
        .where(d.day >= first.isoformat(), d.day <= last.isoformat(), d.channel.in_(CHANNELS))
        .group_by(month_of, d.channel, d.agency),
    ):
        _add(counts[key(row.month, row.channel, row.agency)], row)
    start, end = day_start(first), day_start(last + dt.timedelta(days=1))
    c = AnalyticsCase
    for filed_at, channel, agency in _run(
        session,
        select(c.filed_at, c.channel, c.agency).where(
            c.kind == "complaint", c.filed_at >= start, c.filed_at < end, c.channel.in_(CHANNELS)
        ),
    ):
        extra[key(_bangkok_month(filed_at), channel or "other", agency)]["complaints"] += 1
    h = AnalyticsHandover
    for requested_at, claimed_at, rating, channel, agency in _run(
        session,
        select(h.requested_at, h.claimed_at, h.rating, h.channel, h.agency).where(
            h.requested_at >= start, h.requested_at < end, h.channel.in_(CHANNELS)
        ),
    ):
        bucket = extra[key(_bangkok_month(requested_at), channel, agency)]
        wait = _seconds(requested_at, claimed_at)
        if wait is not None:
            bucket["waits"].append(wait)
        if rating is not None:
            bucket["ratings"].append(rating)
    r = AnalyticsReply
    for at, channel, agency, author, outcome in _run(
        session,
        select(r.at, r.channel, r.agency, r.author, r.outcome).where(
            r.at >= start, r.at < end, r.channel.in_(CHANNELS)
        ),
    ):
        field = _REPLY_FIELDS.get((author, outcome))
        if field is not None:
            extra[key(_bangkok_month(at), channel, agency)][field] += 1
    out: list[dict[str, Any]] = []
    for k in sorted(counts, key=lambda k: (k[0], k[1], k[2] or "")):
        month, channel, agency_id = k
        figures = summary(counts[k])
        more = extra[k]
        waits = distribution(more["waits"])
        votes = counts[k]["feedback_positive"] + counts[k]["feedback_negative"]
        ratings: list[int] = more["ratings"]
        published: dict[str, Any] = {
            "month": month,
            "channel": channel,
            "agency": agency_id,
            **{f: figures[f] for f in _MONTHLY_SUMMARY},
            "complaints": more["complaints"],
            "wait_median_seconds": waits["median"],
            "wait_p90_seconds": waits["p90"],
            "satisfaction_bot_count": votes,
            "satisfaction_bot_rate": _rate(counts[k]["feedback_positive"], votes),
            "satisfaction_staff_count": len(ratings),
            "satisfaction_staff_mean": round(sum(ratings) / len(ratings), 3) if ratings else None,
            **{name: more[name] for name in REPLY_COUNTS},
        }
        if _anything(published):
            out.append(published)
    return out


_MONTHLY_SUMMARY = (
    "conversations",
    "messages",
    "citizen_messages",
    "citizens_new",
    "citizens_returning",
    "handovers",
    "containment_rate",
    "handover_rate",
    "fallback_rate",
    "understood_rate",
)


# The handover lines sent to citizens (staff_replies / handover_notices in stats()), per month and the
# handover's channel and agency, counted in the month they settled: (author, outcome) -> open-data field.
_REPLY_FIELDS = {
    ("staff", "delivered"): "staff_replies_delivered",
    ("staff", "failed"): "staff_replies_failed",
    ("system", "delivered"): "handover_notices_delivered",
    ("system", "failed"): "handover_notices_failed",
}
REPLY_COUNTS = tuple(_REPLY_FIELDS.values())


def _anything(row: dict[str, Any]) -> bool:
    counted: Iterable[str] = (
        "conversations",
        "messages",
        "handovers",
        "complaints",
        "satisfaction_staff_count",
        *REPLY_COUNTS,
    )
    return any(row[name] for name in counted)
