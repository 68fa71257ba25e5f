"""Shared by the call-back tests: tickets stored by the real call-back code path under one test key,
and a plain office day far enough ahead to declare a closure on."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from db.engine import make_sessionmaker
from handover.callback_desk import bangkok_today
from handover.callbacks import NewTicket, create_ticket
from handover.office_hours import holiday_name
from privacy import PersonalData, PrivacySettings
from staff.models import utcnow

VAULT = PersonalData(PrivacySettings.generate())
CONSENT = "ยินยอมให้เจ้าหน้าที่โทรกลับที่เบอร์นี้ (ข้อความทดสอบ)"


def ticket(
    engine: Engine,
    agency: str,
    phone: str = "+66812345678",
    *,
    sender: str = "line:Ucitizen",
    channel: str = "line",
    at: dt.datetime | None = None,
) -> int:
    """A ticket as the call-back form stores it (handover/callbacks.py, the real code path)."""
    now = at or utcnow()
    new = NewTicket(
        agency_id=agency,
        channel=channel,
        recipient_hash=VAULT.sender_hash(sender),
        phone_e164=phone,
        consent_wording=CONSENT,
        consent_at=now,
        service_id="id_card_new",
    )
    with make_sessionmaker(engine).begin() as session:
        return create_ticket(session, new, VAULT, now).id


def quiet_weekday(after_days: int) -> dt.date:
    """A Wednesday at least `after_days` ahead that is no Thai holiday, nor is the day after."""
    day = bangkok_today(utcnow()) + dt.timedelta(days=after_days)
    while day.weekday() != 2 or holiday_name(day) or holiday_name(day + dt.timedelta(days=1)):
        day += dt.timedelta(days=1)
    return day
