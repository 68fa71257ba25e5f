"""Tables the analytics consumer fills from Rasa's broker events.

No column holds a sender id, a national id, a phone number or anything a citizen or the bot wrote:
a conversation is the keyed hash of its sender id (privacy.PersonalData.sender_hash), a message is
described by its channel, direction, intent (or the response the bot chose), confidence and flags.
`event_key` (sha256 of the event as published) makes ingestion idempotent: a redelivered event finds
its key and is skipped. `analytics_cursors` remembers how far a polled source was read, committed in
the same transaction as the rows, so a consumer killed at any point neither loses nor repeats events.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Float, Index, Integer, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from staff.models import UTCDateTime

IN = "in"  # a citizen's message
OUT = "out"  # the bot's message


def _citizen_index(name: str, first: str | None, sqlite_where: str = "", postgresql_where: str = "") -> Index:
    """A partial index of citizen messages, ([first,] session_key, at, channel): migration 0018."""
    citizen = "direction = 'in'"  # analytics.drilldown writes it literally, as SQLite needs to match it
    return Index(
        name,
        *([first] if first else []),
        "session_key",
        "at",
        "channel",
        sqlite_where=text(f"{citizen} AND {sqlite_where}" if sqlite_where else citizen),
        postgresql_where=text(f"{citizen} AND {postgresql_where}" if postgresql_where else citizen),
    )


def seconds_between(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    """max(0, end - start) in seconds; None when either is unknown (a naive time is UTC)."""
    if start is None or end is None:
        return None

    def utc(value: dt.datetime) -> dt.datetime:
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)

    return max(0.0, (utc(end) - utc(start)).total_seconds())


class AnalyticsMessage(Base):
    """One user or bot message."""

    __tablename__ = "analytics_messages"
    __table_args__ = (
        Index("ix_analytics_messages_at", "at"),
        Index("ix_analytics_messages_conversation", "conversation", "at"),
        # Migration 0018: the drill-down's message figures (analytics.drilldown), citizen messages only,
        # each ordered by session within its figure; the conditions are the drill-down's literal terms.
        _citizen_index("ix_analytics_messages_fallback", None, "fallback = 1", "fallback"),
        _citizen_index(
            "ix_analytics_messages_understood",
            None,
            "fallback = 0 AND intent IS NOT NULL AND confidence >= 0.7",
            "NOT fallback AND intent IS NOT NULL AND confidence >= 0.7",
        ),
        _citizen_index("ix_analytics_messages_intent_session", "intent"),
        _citizen_index("ix_analytics_messages_service_session", "service_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_key: Mapped[str] = mapped_column(String(64), unique=True)
    conversation: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))
    direction: Mapped[str] = mapped_column(String(3))
    # in: the intent recognised; out: the response the bot chose (utter_… name), when known.
    intent: Mapped[str | None] = mapped_column(String(80))
    confidence: Mapped[float | None] = mapped_column(Float)
    fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    service_id: Mapped[str | None] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The session (analytics_sessions.key) and the aspect of the service asked (Rasa's service_aspect).
    session_key: Mapped[str | None] = mapped_column(String(64))
    aspect: Mapped[str | None] = mapped_column(String(20))


class AnalyticsAction(Base):
    """One action the bot ran (handover, fallback, form, answer…): what the dialogue decided."""

    __tablename__ = "analytics_actions"
    __table_args__ = (Index("ix_analytics_actions_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_key: Mapped[str] = mapped_column(String(64), unique=True)
    conversation: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(80))
    confidence: Mapped[float | None] = mapped_column(Float)
    service_id: Mapped[str | None] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AnalyticsConversation(Base):
    """What the consumer knows of a conversation between events (and batches): the service talked
    about last (Rasa's `service_id` slot), when it was first and last seen."""

    __tablename__ = "analytics_conversations"

    conversation: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    service_id: Mapped[str | None] = mapped_column(String(80))
    first_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # When the current turn began (the citizen's last message) and the last action run: a turn's rows
    # get the service its answer sets, and a bot message the custom action that sent it.
    turn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_action: Mapped[str | None] = mapped_column(String(80))
    session_key: Mapped[str | None] = mapped_column(String(64))  # the current session


class AnalyticsCursor(Base):
    """How far a polled source (the SQL broker's `events` table) has been ingested: its last id."""

    __tablename__ = "analytics_cursors"

    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


# -- issue 13, part 2: conversations as sessions, the non-Rasa sources, and the rollups -------------
# A "conversation" in the figures is a session: a citizen's messages with no pause longer than Rasa's
# session_expiration_time (bot/domain/session.yml, 60 min). The per-sender row above stays the
# consumer's state; analytics_sessions holds one row per session.

# The session columns the drill-down's figures filter on, after the key (migration 0018).
DRILL_SESSION_COLUMNS = ("key", "last_at", "channel", "agency", "handover", "contained")

NO_AGENCY = ""  # rollup key for a conversation no service or handover attributed to an agency


class AnalyticsSession(Base):
    """One conversation (session) of one citizen: when, where, which agency, and what came of it."""

    __tablename__ = "analytics_sessions"
    __table_args__ = (
        # Migration 0018: the drill-down counts and pages conversations from these indexes alone (a
        # period's, or an agency's, newest first), so they carry the columns its figures filter on.
        Index("ix_analytics_sessions_started", "started_at", *DRILL_SESSION_COLUMNS),
        # Migration 0019: `understood` last, so one agency's "understood" conversations are counted
        # and paged from this index alone (analytics.drilldown._understood_in_agency).
        Index(
            "ix_analytics_sessions_agency",
            "agency",
            "started_at",
            *(c for c in DRILL_SESSION_COLUMNS if c != "agency"),
            "understood",
        ),
        Index("ix_analytics_sessions_conversation", "conversation", "started_at"),
        # Migration 0019: the handed-over conversations alone (a tenth of them), what the "reason"
        # figure meets the handovers of one reason with, instead of every conversation.
        Index(
            "ix_analytics_sessions_handover",
            "started_at",
            "key",
            "channel",
            "agency",
            sqlite_where=text("handover = 1"),
            postgresql_where=text("handover"),
        ),
    )

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of conversation hash + start
    conversation: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))
    # The handover's agency when handed over, else the agency of the first service talked about.
    agency: Mapped[str | None] = mapped_column(String(40))
    service_id: Mapped[str | None] = mapped_column(String(80))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    returning_citizen: Mapped[bool] = mapped_column(Boolean, default=False)
    handover: Mapped[bool] = mapped_column(Boolean, default=False)
    next_started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # No handover and no next session from the same citizen within 24 h of the last message (as of now).
    contained: Mapped[bool] = mapped_column(Boolean, default=True)
    # Some citizen message of the session was understood (not the fallback, an intent at confidence >=
    # analytics.rollup.UNDERSTOOD_CONFIDENCE): set by the consumer as it writes such a message (migration
    # 0019 filled it for older rows), never unset - a message's intent and confidence do not change.
    understood: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


HANDOVER_FIGURE_COLUMNS = (
    "requested_at",
    "channel",
    "agency",
    "reason",
    "rating",
    "outcome",
    "wait_seconds",
    "first_response_seconds",
    "resolution_seconds",
)


class AnalyticsHandover(Base):
    """A handover as figures: times of each step, reason, agency, rating. Copied from handovers /
    handover_events by id; `conversation` is the same keyed sender hash the handover row holds."""

    __tablename__ = "analytics_handovers"
    __table_args__ = (
        # Migration 0016: the period's figures read from the index alone (analytics.measures._handovers);
        # its first column serves every other look-up by requested_at.
        Index("ix_analytics_handovers_figures", *HANDOVER_FIGURE_COLUMNS),
        Index("ix_analytics_handovers_conversation", "conversation"),
    )

    handover_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    conversation: Mapped[str] = mapped_column(String(64))
    session_key: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))
    agency: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(32))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    first_reply_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(24))  # closed | cancelled | unclaimed_timeout
    rating: Mapped[int | None] = mapped_column(Integer)  # 1-5
    # The durations the figures take percentiles of, in seconds (max 0, end - start), kept with the
    # times (migration 0015): a year's 20k handovers are then a column of floats, not datetimes.
    wait_seconds: Mapped[float | None] = mapped_column(Float)  # requested -> claimed
    first_response_seconds: Mapped[float | None] = mapped_column(Float)  # requested -> first reply
    resolution_seconds: Mapped[float | None] = mapped_column(Float)  # requested -> closed (any outcome)

    def set_durations(self) -> None:
        self.wait_seconds = seconds_between(self.requested_at, self.claimed_at)
        self.first_response_seconds = seconds_between(self.requested_at, self.first_reply_at)
        self.resolution_seconds = seconds_between(self.requested_at, self.closed_at)


class AnalyticsCase(Base):
    """A case (complaint or application): kind, category id, agency, channel, filed and closed times."""

    __tablename__ = "analytics_cases"
    __table_args__ = (
        Index("ix_analytics_cases_filed", "filed_at"),
        Index("ix_analytics_cases_closed", "closed_at"),
    )

    case_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(60))
    agency: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str | None] = mapped_column(String(8))
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    close_seconds: Mapped[float | None] = mapped_column(Float)  # filed -> closed (migration 0015)

    def set_durations(self) -> None:
        self.close_seconds = seconds_between(self.filed_at, self.closed_at)


class AnalyticsNotice(Base):
    """The final outcome of one case notice on one channel (a delivery attempt that settled it)."""

    __tablename__ = "analytics_notices"
    __table_args__ = (Index("ix_analytics_notices_at", "at"),)

    delivery_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(8))
    agency: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(12))  # delivered | failed
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AnalyticsReply(Base):
    """The final outcome of one handover line sent to a citizen: a staff reply (author "staff") or a
    handover notice such as the queue position or the rating question (author "system"). From the
    reply_delivered / reply_failed handover events handover/delivery.py writes (migration 0017)."""

    __tablename__ = "analytics_replies"
    __table_args__ = (Index("ix_analytics_replies_at", "at"),)

    message_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    handover_id: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(8))
    agency: Mapped[str] = mapped_column(String(40))
    author: Mapped[str] = mapped_column(String(8))  # staff | system
    outcome: Mapped[str] = mapped_column(String(12))  # delivered | failed
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class _Counts:
    """The additive counts every rollup row holds (a mixin: the same columns in both tables)."""

    conversations: Mapped[int] = mapped_column(Integer, default=0)
    citizens_new: Mapped[int] = mapped_column(Integer, default=0)
    citizens_returning: Mapped[int] = mapped_column(Integer, default=0)
    contained: Mapped[int] = mapped_column(Integer, default=0)
    handovers: Mapped[int] = mapped_column(Integer, default=0)
    citizen_messages: Mapped[int] = mapped_column(Integer, default=0)
    bot_messages: Mapped[int] = mapped_column(Integer, default=0)
    fallback: Mapped[int] = mapped_column(Integer, default=0)
    understood: Mapped[int] = mapped_column(Integer, default=0)
    feedback_positive: Mapped[int] = mapped_column(Integer, default=0)
    feedback_negative: Mapped[int] = mapped_column(Integer, default=0)


COUNT_FIELDS = (
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


class AnalyticsHourly(_Counts, Base):
    """Counts per hour (Asia/Bangkok has no daylight saving: a UTC hour is a Bangkok hour), channel and
    agency: what the dashboard's hour-of-day chart reads. Recomputed from the fact tables per dirty hour."""

    __tablename__ = "analytics_hourly"
    __table_args__ = (Index("ix_analytics_hourly_day", "day"),)

    bucket: Mapped[dt.datetime] = mapped_column(UTCDateTime, primary_key=True)  # the hour's start, UTC
    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    agency: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD in Asia/Bangkok
    hour: Mapped[int] = mapped_column(Integer)  # 0-23 in Asia/Bangkok


class AnalyticsDaily(_Counts, Base):
    """The hourly counts summed per Bangkok day: a year is ~365 x channels x agencies rows."""

    __tablename__ = "analytics_daily"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    agency: Mapped[str] = mapped_column(String(40), primary_key=True)


class AnalyticsMonthlyHour(_Counts, Base):
    """The hourly counts summed per Bangkok month and hour of day: the hour-of-day chart of a year
    reads ~12 x 24 x channels x agencies rows (the days at a period's edges come from the hourly table)."""

    __tablename__ = "analytics_monthly_hours"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM in Asia/Bangkok
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    agency: Mapped[str] = mapped_column(String(40), primary_key=True)


class AnalyticsDailyIntent(Base):
    """Citizen messages per Bangkok day, channel, agency and intent: the top intents."""

    __tablename__ = "analytics_daily_intents"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    agency: Mapped[str] = mapped_column(String(40), primary_key=True)
    intent: Mapped[str] = mapped_column(String(80), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class AnalyticsMonthlyIntent(Base):
    """analytics_daily_intents summed per Bangkok month (whole months of a period are read here)."""

    __tablename__ = "analytics_monthly_intents"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    agency: Mapped[str] = mapped_column(String(40), primary_key=True)
    intent: Mapped[str] = mapped_column(String(80), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class AnalyticsDailyService(Base):
    """Citizen messages about a service per Bangkok day, channel, agency, service and aspect ('' for
    none): the top services and which aspect was asked."""

    __tablename__ = "analytics_daily_services"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    agency: Mapped[str] = mapped_column(String(40), primary_key=True)
    service_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    aspect: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class AnalyticsMonthlyService(Base):
    """analytics_daily_services summed per Bangkok month."""

    __tablename__ = "analytics_monthly_services"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    agency: Mapped[str] = mapped_column(String(40), primary_key=True)
    service_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    aspect: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class AnalyticsDirtyHour(Base):
    """An hour whose rollups must be recomputed: written with the rows that changed it (same
    transaction), removed when recomputed, so a consumer killed in between recomputes it later."""

    __tablename__ = "analytics_dirty_hours"

    bucket: Mapped[dt.datetime] = mapped_column(UTCDateTime, primary_key=True)


# -- the rollups summed over channel and over agency (migration 0015) --------------------------------
# A year unfiltered read ~19k daily rows (every channel x agency x day) and ~130k monthly service rows
# and summed them at each request: over a second on the bench (bench/README.md). These "cube" tables
# hold, per day or month, each rollup row (channel, agency) and its sums over agencies (agency ALL),
# over channels (channel ALL) and over both, so any filter of the dashboard reads one row per day (or
# month) and key. Maintained by analytics.rollup with the tables they sum, in the same transaction.

ALL = "*"  # cube key: every channel / every agency (never a channel or agency code: sources' _CODE)


class AnalyticsDailyCube(_Counts, Base):
    """analytics_daily plus its sums over channel, agency and both (key ALL)."""

    __tablename__ = "analytics_daily_cube"
    __table_args__ = (Index("ix_analytics_daily_cube_agency", "agency", "channel", "day"),)

    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    agency: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)


class AnalyticsMonthlyHourCube(_Counts, Base):
    """analytics_monthly_hours plus its sums over channel, agency and both (key ALL)."""

    __tablename__ = "analytics_monthly_hours_cube"

    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    agency: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)


class AnalyticsMonthlyIntentCube(Base):
    """analytics_monthly_intents plus its sums over channel, agency and both (key ALL)."""

    __tablename__ = "analytics_monthly_intents_cube"

    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    agency: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    intent: Mapped[str] = mapped_column(String(80), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class AnalyticsMonthlyServiceCube(Base):
    """analytics_monthly_services plus its sums over channel, agency and both (key ALL)."""

    __tablename__ = "analytics_monthly_services_cube"

    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    agency: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    service_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    aspect: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
