"""Office hours: weekly hours in Bangkok time, Thai public holidays from the `holidays` package (lunar
ones and substitution days included), agency closures from the database, and OFFICE_HOURS=always."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from db.engine import make_engine, make_sessionmaker
from handover.models import AgencyClosure
from handover.office_hours import (
    BANGKOK,
    DatabaseClosures,
    HoursConfig,
    OfficeHours,
    OfficeHoursError,
    holiday_name,
    thai_when,
)
from handover.settings import OfficeHoursSettings
from tests.databases import throwaway_database

UTC = dt.UTC


def bkk(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=BANGKOK)


HOURS = OfficeHours(HoursConfig.load())


def test_a_weekday_in_hours_is_open_and_next_opening_is_now() -> None:
    at = bkk(2026, 12, 8, 10, 15)  # Tuesday
    assert HOURS.is_open("dopa", at)
    assert HOURS.next_opening("dopa", at) == at


def test_the_moment_given_in_utc_is_read_in_bangkok_time() -> None:
    at = dt.datetime(2026, 12, 8, 2, 0, tzinfo=UTC)  # 09:00 in Bangkok
    assert HOURS.is_open("dopa", at)
    assert not HOURS.is_open("dopa", dt.datetime(2026, 12, 8, 10, 0, tzinfo=UTC))  # 17:00


def test_evening_opens_next_morning() -> None:
    at = bkk(2026, 12, 8, 18, 0)
    assert not HOURS.is_open("dopa", at)
    assert HOURS.next_opening("dopa", at) == bkk(2026, 12, 9, 8, 30)
    assert not HOURS.is_open("dopa", bkk(2026, 12, 8, 16, 30))  # the span's end is closed
    assert HOURS.next_opening("dopa", bkk(2026, 12, 8, 7, 0)) == bkk(2026, 12, 8, 8, 30)


def test_weekend_opens_monday_unless_monday_is_a_substitution_day() -> None:
    # Sat 5 Dec 2026 (Father's Day) falls on a Saturday: Monday 7 Dec is its substitution day.
    assert holiday_name(dt.date(2026, 12, 7)) is not None
    assert HOURS.next_opening("dopa", bkk(2026, 12, 5, 11, 0)) == bkk(2026, 12, 8, 8, 30)
    # An ordinary weekend: Sat 12 Dec -> Monday 14 Dec.
    assert HOURS.next_opening("dopa", bkk(2026, 12, 12, 11, 0)) == bkk(2026, 12, 14, 8, 30)


def test_makha_bucha_a_lunar_holiday_comes_from_the_library() -> None:
    # 2026: Tuesday 3 March; 2027: Sunday 21 February with Monday 22 in lieu (computed, not listed here).
    assert not HOURS.is_open("dopa", bkk(2026, 3, 3, 10, 0))
    assert HOURS.next_opening("dopa", bkk(2026, 3, 3, 10, 0)) == bkk(2026, 3, 4, 8, 30)
    assert not HOURS.is_open("dopa", bkk(2027, 2, 22, 10, 0))
    assert HOURS.is_open("dopa", bkk(2027, 2, 23, 10, 0))


def test_songkran_closes_three_days() -> None:
    at = bkk(2026, 4, 10, 17, 0)  # Friday evening before Songkran (Mon 13 - Wed 15)
    assert HOURS.next_opening("dopa", at) == bkk(2026, 4, 16, 8, 30)


def test_the_contact_centre_keeps_its_own_longer_hours() -> None:
    assert HOURS.is_open("gcc1111", bkk(2026, 12, 8, 19, 0))
    assert not HOURS.is_open("dopa", bkk(2026, 12, 8, 19, 0))
    assert HOURS.is_open("gcc1111", bkk(2026, 12, 12, 10, 0))  # Saturday
    assert HOURS.next_opening("gcc1111", bkk(2026, 12, 12, 18, 0)) == bkk(2026, 12, 14, 8, 0)


def test_an_agency_that_works_on_holidays() -> None:
    config = HoursConfig.parse(
        {
            "default": {"weekly": {"mon": ["08:30-16:30"]}},
            "agencies": {
                "hotline": {"weekly": {d: ["00:00-24:00"] for d in ("mon", "tue")}, "public_holidays": False}
            },
        }
    )
    hours = OfficeHours(config)
    assert hours.is_open("hotline", bkk(2026, 12, 7, 3, 0))  # a Monday holiday, at night
    assert not hours.is_open("other", bkk(2026, 12, 7, 10, 0))
    assert hours.next_opening("other", bkk(2026, 12, 7, 10, 0)) == bkk(2026, 12, 14, 8, 30)


@pytest.mark.parametrize(
    "raw",
    [
        {"agencies": {}},
        {"default": {"weekly": {"mon": ["8:30-16:30"]}}},
        {"default": {"weekly": {"mon": ["16:30-08:30"]}}},
        {"default": {"weekly": {"monday": ["08:30-16:30"]}}},
        {"default": {"weekly": {}}},
        {"default": {"weekly": {"mon": ["08:30-16:30"]}, "public_holidays": "yes"}},
    ],
)
def test_a_bad_file_is_refused(raw: object) -> None:
    with pytest.raises(OfficeHoursError):
        HoursConfig.parse(raw)


def test_office_hours_always_opens_every_queue() -> None:
    settings = OfficeHoursSettings.from_environ({"OFFICE_HOURS": "always"})
    always = OfficeHours(HoursConfig.load(), always=settings.always)
    for at in (bkk(2026, 12, 6, 3, 0), bkk(2026, 4, 14, 12, 0), bkk(2026, 3, 3, 23, 59)):
        assert always.is_open("dopa", at)
    assert OfficeHoursSettings.from_environ({}).always is False
    assert OfficeHoursSettings.from_environ({"OFFICE_HOURS": "calendar"}).always is False
    with pytest.raises(ValueError):
        OfficeHoursSettings.from_environ({"OFFICE_HOURS": "alway"})


def test_the_action_server_reads_office_hours_once_into_its_settings() -> None:
    from actions.settings import ActionSettings

    assert ActionSettings.from_environ({"OFFICE_HOURS": "always"}).office_hours.always is True
    assert ActionSettings.from_environ({}).office_hours.always is False


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_an_agency_closure_closes_its_days(kind: str, tmp_path: Path) -> None:
    with throwaway_database(kind, tmp_path) as url:
        engine = make_engine(url)
        try:
            from db.base import Base

            Base.metadata.create_all(engine)
            sessions = make_sessionmaker(engine)
            with sessions() as session, session.begin():
                session.add(
                    AgencyClosure(
                        agency_id="dopa",
                        starts_on=dt.date(2026, 12, 15),
                        ends_on=dt.date(2026, 12, 16),
                        reason="ย้ายสำนักงาน",
                    )
                )
            hours = OfficeHours(HoursConfig.load(), closures=DatabaseClosures(sessions))
            at = bkk(2026, 12, 15, 10, 0)  # Tuesday
            assert not hours.is_open("dopa", at)
            assert hours.next_opening("dopa", at) == bkk(2026, 12, 17, 8, 30)
            assert hours.is_open("dopa", bkk(2026, 12, 14, 10, 0))
            assert hours.is_open("sso", at)  # another agency's closure closes nothing here
        finally:
            engine.dispose()


def test_thai_phrase_for_when_staff_are_back() -> None:
    now = bkk(2026, 12, 6, 20, 0)  # Sunday evening
    assert thai_when(bkk(2026, 12, 8, 8, 30), now) == "วันอังคารที่ 8 ธ.ค. เวลา 08:30 น."
    assert thai_when(bkk(2026, 12, 7, 8, 30), now) == "พรุ่งนี้ วันจันทร์ที่ 7 ธ.ค. เวลา 08:30 น."
    assert thai_when(bkk(2026, 12, 6, 21, 0), now) == "วันนี้ เวลา 21:00 น."
    assert thai_when(bkk(2027, 1, 4, 8, 30), bkk(2026, 12, 31, 18, 0)) == "วันจันทร์ที่ 4 ม.ค. 2570 เวลา 08:30 น."
