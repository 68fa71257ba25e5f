"""When an agency's staff are at their desks: weekly hours in Asia/Bangkok, Thai public holidays and
closures the agency declared, so the bot queues a citizen for a person only when someone can answer
and otherwise says when staff are back and offers a call-back.

Three sources, one answer:
- weekly hours per agency from handover/office_hours.yml (a default plus per-agency overrides);
- Thai public and government holidays from the maintained `holidays` package, which computes the lunar
  holidays (Makha Bucha, Visakha Bucha, Asarnha Bucha) and the substitution days each year; no
  hand-kept list here goes stale;
- AgencyClosure rows (handover/models.py): one-off closures staff declare, read through a
  ClosureSource so the rules are tested without a database and the database is asked once per question.

`OfficeHours(always=True)` (OFFICE_HOURS=always, read once at start-up into
handover.settings.OfficeHoursSettings) opens every queue at all hours, for demos and tests.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import holidays
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handover.models import AgencyClosure

BANGKOK = ZoneInfo("Asia/Bangkok")
OFFICE_HOURS_FILE = Path(__file__).resolve().parent / "office_hours.yml"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Government offices close on public holidays and on the government-only ones (Royal Ploughing Day,
# the cabinet's bridge days), both categories of the `holidays` package's Thailand calendar.
HOLIDAY_CATEGORIES = ("public", "government")
# How far ahead next_opening looks: past Songkran, New Year and any closure staff would declare.
HORIZON_DAYS = 400
_SPAN = re.compile(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})")

THAI_DAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
THAI_MONTHS = (
    *("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย."),
    *("ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."),
)
BUDDHIST_ERA = 543


class OfficeHoursError(ValueError):
    """office_hours.yml is not valid; the message names the agency and the field."""


Span = tuple[dt.time, dt.time]


@dataclass(frozen=True, slots=True)
class Schedule:
    """One agency's desk: spans per weekday (Monday = 0) and whether public holidays close it."""

    weekly: tuple[tuple[Span, ...], ...]
    public_holidays: bool = True


class ClosureSource(Protocol):
    def closed_days(self, agency_id: str, first: dt.date, last: dt.date) -> frozenset[dt.date]:
        """Days in [first, last] the agency declared closed."""
        ...


@dataclass(frozen=True, slots=True)
class NoClosures:
    def closed_days(self, agency_id: str, first: dt.date, last: dt.date) -> frozenset[dt.date]:
        return frozenset()


@dataclass(frozen=True, slots=True)
class DatabaseClosures:
    """AgencyClosure rows, read in one query per question (a short read transaction)."""

    sessions: sessionmaker[Session]

    def closed_days(self, agency_id: str, first: dt.date, last: dt.date) -> frozenset[dt.date]:
        with self.sessions() as session:
            return closed_days(session, agency_id, first, last)


def closed_days(session: Session, agency_id: str, first: dt.date, last: dt.date) -> frozenset[dt.date]:
    rows = session.execute(
        select(AgencyClosure.starts_on, AgencyClosure.ends_on).where(
            AgencyClosure.agency_id == agency_id,
            AgencyClosure.starts_on <= last,
            AgencyClosure.ends_on >= first,
        )
    ).all()
    days: set[dt.date] = set()
    for starts_on, ends_on in rows:
        day = max(starts_on, first)
        while day <= min(ends_on, last):
            days.add(day)
            day += dt.timedelta(days=1)
    return frozenset(days)


@functools.lru_cache(maxsize=16)
def thai_holidays(year: int) -> Mapping[dt.date, str]:
    """Thailand's public and government holidays of one year, names in Thai (cached per year)."""
    calendar = holidays.country_holidays("TH", years=year, categories=HOLIDAY_CATEGORIES, language="th")
    return dict(calendar.items())


def holiday_name(day: dt.date) -> str | None:
    return thai_holidays(day.year).get(day)


def _span(raw: object, where: str) -> Span:
    match = _SPAN.fullmatch(str(raw).strip())
    if match is None:
        raise OfficeHoursError(f"{where}: {raw!r} is not HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        start, end = dt.time(h1, m1), dt.time(h2, m2) if (h2, m2) != (24, 0) else dt.time.max
    except ValueError as exc:
        raise OfficeHoursError(f"{where}: {raw!r}: {exc}") from None
    if start >= end:
        raise OfficeHoursError(f"{where}: {raw!r} ends before it starts")
    return start, end


def _schedule(raw: Any, where: str, base: Schedule | None) -> Schedule:
    if not isinstance(raw, Mapping):
        raise OfficeHoursError(f"{where}: expected a mapping")
    unknown = set(raw) - {"weekly", "public_holidays"}
    if unknown:
        raise OfficeHoursError(f"{where}: unknown keys {sorted(unknown)}")
    if "weekly" in raw:
        weekly_raw = raw["weekly"]
        if not isinstance(weekly_raw, Mapping) or set(weekly_raw) - set(DAYS):
            raise OfficeHoursError(f"{where}.weekly: days are {', '.join(DAYS)}")
        weekly = tuple(
            tuple(sorted(_span(s, f"{where}.weekly.{day}") for s in (weekly_raw.get(day) or ())))
            for day in DAYS
        )
    elif base is not None:
        weekly = base.weekly
    else:
        raise OfficeHoursError(f"{where}: weekly is required")
    if not any(weekly):
        raise OfficeHoursError(f"{where}: no opening hours at all")
    holidays_closed = raw.get("public_holidays", base.public_holidays if base else True)
    if not isinstance(holidays_closed, bool):
        raise OfficeHoursError(f"{where}.public_holidays: true or false")
    return Schedule(weekly=weekly, public_holidays=holidays_closed)


@dataclass(frozen=True, slots=True)
class HoursConfig:
    default: Schedule
    agencies: Mapping[str, Schedule] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = OFFICE_HOURS_FILE) -> HoursConfig:
        return cls.parse(yaml.safe_load(path.read_text(encoding="utf-8")))

    @classmethod
    def parse(cls, data: Any) -> HoursConfig:
        if not isinstance(data, Mapping) or "default" not in data:
            raise OfficeHoursError("expected a mapping with `default` (and optionally `agencies`)")
        default = _schedule(data["default"], "default", None)
        agencies_raw = data.get("agencies") or {}
        if not isinstance(agencies_raw, Mapping):
            raise OfficeHoursError("agencies: expected a mapping of agency id -> hours")
        agencies = {str(aid): _schedule(raw, str(aid), default) for aid, raw in agencies_raw.items()}
        return cls(default=default, agencies=agencies)

    def schedule(self, agency_id: str) -> Schedule:
        return self.agencies.get(agency_id, self.default)


class OfficeHours:
    """is_open / next_opening for an agency at a moment (any aware datetime; answers in Bangkok time)."""

    def __init__(
        self,
        config: HoursConfig | None = None,
        *,
        always: bool = False,
        closures: ClosureSource | None = None,
    ) -> None:
        self.config = config if config is not None else HoursConfig.load()
        self.always = always
        self.closures: ClosureSource = closures if closures is not None else NoClosures()

    def is_open(self, agency_id: str, at: dt.datetime) -> bool:
        return self.next_opening(agency_id, at) == at.astimezone(BANGKOK)

    def next_opening(self, agency_id: str, at: dt.datetime) -> dt.datetime:
        """`at` itself (in Bangkok time) when staff are in, else the start of the next open span."""
        if at.tzinfo is None:
            raise ValueError("next_opening needs an aware datetime")
        local = at.astimezone(BANGKOK)
        if self.always:
            return local
        schedule = self.config.schedule(agency_id)
        first = local.date()
        last = first + dt.timedelta(days=HORIZON_DAYS)
        closed = self.closures.closed_days(agency_id, first, last)
        day = first
        while day <= last:
            if day not in closed and not (schedule.public_holidays and holiday_name(day)):
                for start, end in schedule.weekly[day.weekday()]:
                    opening = dt.datetime.combine(day, start, BANGKOK)
                    if day != first or local < opening:
                        return opening
                    if local < dt.datetime.combine(day, end, BANGKOK):
                        return local
            day += dt.timedelta(days=1)
        raise LookupError(f"{agency_id}: no opening within {HORIZON_DAYS} days")


def thai_when(opening: dt.datetime, now: dt.datetime) -> str:
    """When staff are back, as the citizen reads it: "วันนี้ เวลา 13:00 น.", "พรุ่งนี้ วันอังคารที่ 8 ธ.ค.
    เวลา 08:30 น.", "วันอังคารที่ 8 ธ.ค. เวลา 08:30 น." (the Buddhist-era year only when it differs)."""
    local = opening.astimezone(BANGKOK)
    today = now.astimezone(BANGKOK).date()
    clock = f"เวลา {local:%H:%M} น."
    if local.date() == today:
        return f"วันนี้ {clock}"
    date = f"วัน{THAI_DAYS[local.weekday()]}ที่ {local.day} {THAI_MONTHS[local.month - 1]}"
    if local.year != today.year:
        date += f" {local.year + BUDDHIST_ERA}"
    if local.date() == today + dt.timedelta(days=1):
        date = f"พรุ่งนี้ {date}"
    return f"{date} {clock}"
