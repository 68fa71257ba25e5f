"""action_delete_contact_data with the real case registry (a migrated SQLite file) and the real SMS
number vault: LINE, web and SMS askers, nothing to erase, no runtime, a failing database."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions.case_runtime import CaseRuntime, build_case_runtime
from actions.context import ActionContext
from actions.erasure import ActionDeleteContactData, build_actions
from appconfig import AppSettings
from cases.agency_keys import issue_key
from cases.database import make_cases_engine, make_cases_sessionmaker
from cases.models import CaseContact, Consent
from cases.registry import NewCase, NewConsent, NewContact, create_case
from cases.settings import CasesSettings
from privacy import PersonalData, PrivacySettings
from privacy.identity import GatewayIdentity
from tests.databases import throwaway_database

KEYS = PrivacySettings.generate()
LINE_USER = "line:U4af4980629a1b2c3d4e5f60718293a4b"
WEB_USER = "web:c3VwZXItc2Vzc2lvbg"
PHONE = "+66897654321"
NOW = dt.datetime(2026, 11, 25, 5, 0, tzinfo=dt.UTC)


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[tuple[CaseRuntime, sessionmaker[Session]]]:
    with throwaway_database("sqlite", tmp_path, "erasure") as url:
        runtime = build_case_runtime(
            CasesSettings.from_environ(
                {
                    "DATABASE_URL": url,
                    **KEYS.to_environ(),
                    "CASES_PHOTO_DIR": str(tmp_path / "photos"),
                }
            )
        )
        assert runtime is not None
        engine = make_cases_engine(url)
        sessions = make_cases_sessionmaker(engine)
        with sessions() as session, session.begin():
            issue_key(session, "dla", "กรมการปกครอง")
        yield runtime, sessions
        engine.dispose()


def _file(sessions: sessionmaker[Session], runtime: CaseRuntime, contact: NewContact) -> int:
    consent = NewConsent(wording="ยินยอมให้ติดต่อกลับเพื่อแจ้งผลทางช่องทางนี้", given_at=NOW)
    with sessions() as session, session.begin():
        new = NewCase(kind="application", service_id="id_card_renew", contacts=(contact,), consent=consent)
        return create_case(session, "dla", new, runtime.tools, now=NOW).id


def _tracker(sender_id: str, channel: str, metadata: dict[str, Any] | None = None) -> Tracker:
    latest = {
        "text": "/affirm",
        "intent": {"name": "affirm", "confidence": 1.0},
        "entities": [],
        "metadata": GatewayIdentity(KEYS).sign(
            {"channel": channel, "user_id": sender_id, **(metadata or {})}
        ),
    }
    return Tracker(
        sender_id=sender_id,
        slots={},
        latest_message=latest,
        events=[{"event": "user", "text": "/affirm", "parse_data": latest, "input_channel": channel}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def _run(action: ActionDeleteContactData, tracker: Tracker) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    assert await action.run(dispatcher, tracker, {}) == []
    [message] = dispatcher.messages
    return message


def _payloads(message: dict[str, Any]) -> list[str]:
    return [b["payload"] for b in message.get("buttons") or []]


def _contact(sessions: sessionmaker[Session], case_id: int) -> CaseContact:
    with sessions() as session:
        return session.scalars(select(CaseContact).where(CaseContact.case_id == case_id)).one()


@pytest.mark.parametrize(("sender_id", "channel"), [(LINE_USER, "line"), (WEB_USER, "web")])
async def test_chat_asker_erases_their_contacts_and_is_told_how_many(registry, sender_id, channel) -> None:
    runtime, sessions = registry
    mine = [_file(sessions, runtime, NewContact(channel, sender_id=sender_id, notify=True)) for _ in range(2)]
    other = _file(sessions, runtime, NewContact("line", sender_id="line:Uffff0000", notify=True))
    action = ActionDeleteContactData(runtime, sessions)

    message = await _run(action, _tracker(sender_id, channel))
    assert "ลบข้อมูลติดต่อของคุณแล้ว" in message["text"] and "(2 เรื่อง)" in message["text"]
    assert sender_id not in message["text"]
    for case_id in mine:
        contact = _contact(sessions, case_id)
        assert contact.sender_enc is None and contact.sender_hash is None and not contact.notify
    assert _contact(sessions, other).sender_enc is not None
    with sessions() as session:
        withdrawn = {c.case_id: c.withdrawn_at for c in session.scalars(select(Consent))}
    assert all(withdrawn[c] is not None for c in mine) and withdrawn[other] is None

    again = await _run(action, _tracker(sender_id, channel))
    assert "ไม่มีอะไรต้องลบ" in again["text"]
    assert "/request_human" in _payloads(again)


async def test_sms_asker_is_recognised_by_the_sealed_number_too(registry) -> None:
    runtime, sessions = registry
    numbers = PersonalData(KEYS)
    sender_id = numbers.sms_sender_id(PHONE)
    by_bot = _file(sessions, runtime, NewContact("sms", sender_id=sender_id, phone=PHONE, notify=True))
    # Entered by an agency with the same number but no chat account.
    by_agency = _file(sessions, runtime, NewContact("sms", phone="089-765-4321", notify=True))
    action = ActionDeleteContactData(runtime, sessions)

    message = await _run(action, _tracker(sender_id, "sms", {"extra": {"n": numbers.seal(PHONE)}}))
    assert message["text"] == "ลบเบอร์นี้ออกจาก 2 เรื่องแล้ว จะไม่มี SMS แจ้งเตือนอีกค่ะ"
    for case_id in (by_bot, by_agency):
        contact = _contact(sessions, case_id)
        assert (contact.phone_enc, contact.phone_last4, contact.phone_hash) == (None, None, None)


async def test_sms_without_the_sealed_number_erases_what_the_account_filed(registry) -> None:
    runtime, sessions = registry
    numbers = PersonalData(KEYS)
    sender_id = numbers.sms_sender_id(PHONE)
    by_bot = _file(sessions, runtime, NewContact("sms", sender_id=sender_id, phone=PHONE, notify=True))
    by_agency = _file(sessions, runtime, NewContact("sms", phone=PHONE, notify=True))
    action = ActionDeleteContactData(runtime, sessions)

    # A token sealed under another key cannot be opened: no number, only the sender id is used.
    forged = PersonalData(PrivacySettings.generate()).seal(PHONE)
    message = await _run(action, _tracker(sender_id, "sms", {"extra": {"n": forged}}))
    assert "1 เรื่อง" in message["text"]
    assert _contact(sessions, by_bot).phone_enc is None
    assert _contact(sessions, by_agency).phone_enc is not None


async def test_nothing_to_erase_is_said_honestly_per_channel(registry) -> None:
    runtime, sessions = registry
    action = ActionDeleteContactData(runtime, sessions)
    line = await _run(action, _tracker(LINE_USER, "line"))
    assert "บัญชี LINE นี้" in line["text"] and "ไม่มีอะไรต้องลบ" in line["text"]
    assert _payloads(line) == ["/request_human", "/greet"]
    web = await _run(action, _tracker(WEB_USER, "web"))
    assert "แชตนี้" in web["text"] and "ไม่มีอะไรต้องลบ" in web["text"]


async def test_without_the_cases_runtime_the_service_is_unavailable_with_a_person(tmp_path) -> None:
    config = AppSettings.from_environ({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    context = ActionContext.create(config)  # no PERSONAL_DATA_KEYS: context.cases is None
    try:
        assert context.cases is None
        [action] = build_actions(context)
    finally:
        context.close()
    assert isinstance(action, ActionDeleteContactData) and action.name() == "action_delete_contact_data"
    message = await _run(action, _tracker(LINE_USER, "line"))
    assert "ยังไม่เปิด" in message["text"]
    assert _payloads(message)[0] == "/request_human"


async def test_a_database_failure_is_answered_and_logs_no_identifier(
    registry, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    runtime, _ = registry
    empty = make_cases_engine(f"sqlite:///{tmp_path / 'not-migrated.db'}")  # no tables: every query fails
    action = ActionDeleteContactData(runtime, make_cases_sessionmaker(empty))
    caplog.set_level(logging.INFO)
    message = await _run(action, _tracker(LINE_USER, "line"))
    empty.dispose()
    assert "ระบบขัดข้อง" in message["text"] and "/request_human" in _payloads(message)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "erasure failed" in logged and LINE_USER not in logged and LINE_USER[5:] not in logged
