"""Cases for the console tests, written with the real cases.registry on the test database (the same
code path the agency API uses), so the console is tested against rows shaped exactly like production's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, func, select, text

from cases.database import make_cases_sessionmaker
from cases.models import Agency, Case, CaseHistory, OutboxMessage
from cases.photos import PhotoStore
from cases.registry import (
    CaseTools,
    NewCase,
    NewComplaint,
    NewConsent,
    NewContact,
    NewPhoto,
    create_case,
    opt_out,
)
from privacy import PersonalData, PrivacySettings
from tests.cases.case_helpers import LINE_USER, tiny_png

# Children first, so deleting never trips a foreign key.
CASE_TABLES = (
    "lookup_budgets",
    "deliveries",
    "outbox",
    "notification_optouts",
    "idempotency_records",
    "case_history",
    "case_consents",
    "case_photos",
    "case_contacts",
    "cases",
    "case_counters",
    "agency_api_keys",
    "agencies",
)
CONSENT = NewConsent("ยินยอมให้หน่วยงานส่งความคืบหน้าเรื่องนี้ทาง LINE/SMS", dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
SMS_PHONE = "+66 89 765 4321"
OPTED_OUT_PHONE = "081-555-0199"
WEB_USER = "web:" + "a" * 32


def clear_cases(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in CASE_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))


def make_tools(photo_dir: Path) -> CaseTools:
    vault = PersonalData(PrivacySettings.generate())
    return CaseTools(vault=vault, photos=PhotoStore(photo_dir), max_photo_bytes=200_000)


def add_agency(engine: Engine, agency_id: str, name: str) -> None:
    with make_cases_sessionmaker(engine)() as session, session.begin():
        session.add(Agency(id=agency_id, name=name))


def add_case(
    engine: Engine,
    tools: CaseTools,
    agency_id: str,
    *,
    kind: str = "complaint",
    category: str = "ไฟฟ้าส่องสว่าง",
    service_id: str = "street_light",
    at: dt.datetime | None = None,
    contacts: tuple[NewContact, ...] = (),
    photos: int = 0,
) -> str:
    """Create a case (at time `at`) and return its reference."""
    complaint = None
    if kind == "complaint":
        complaint = NewComplaint(
            category=category,
            description="ไฟถนนดับทั้งซอยมา 3 คืนแล้ว",
            lat=13.7525,
            lon=100.5016,
            address="ถนนดินสอ แขวงเสาชิงช้า เขตพระนคร",
            photos=tuple(NewPhoto("image/png", tiny_png()) for _ in range(photos)),
        )
    new = NewCase(
        kind=kind,
        service_id=service_id,
        contacts=contacts,
        consent=CONSENT if any(c.notify for c in contacts) else None,
        complaint=complaint,
    )
    with make_cases_sessionmaker(engine)() as session, session.begin():
        return create_case(session, agency_id, new, tools, now=at).reference


def subscribed_contacts() -> tuple[NewContact, ...]:
    """Four contacts, two of whom will get a notice: LINE and SMS subscribed, web chat not, one SMS
    contact that opts out (see `opt_out_phone`)."""
    return (
        NewContact("line", sender_id=LINE_USER, phone="081-234-5678", notify=True),
        NewContact("sms", sender_id=None, phone=SMS_PHONE, notify=True),
        NewContact("web", sender_id=WEB_USER, notify=False),
        NewContact("sms", phone=OPTED_OUT_PHONE, notify=True),
    )


def opt_out_phone(engine: Engine, tools: CaseTools, phone: str = OPTED_OUT_PHONE) -> None:
    with make_cases_sessionmaker(engine)() as session, session.begin():
        opt_out(session, tools.vault, "sms", phone)


def counts(engine: Engine, reference: str) -> tuple[str, int, int]:
    """(status, history rows, outbox rows) of a case."""
    with make_cases_sessionmaker(engine)() as session:
        case = session.scalars(select(Case).where(Case.reference == reference)).one()
        history = session.scalar(select(func.count()).where(CaseHistory.case_id == case.id)) or 0
        outbox = session.scalar(select(func.count()).where(OutboxMessage.case_id == case.id)) or 0
        return case.status, history, outbox
