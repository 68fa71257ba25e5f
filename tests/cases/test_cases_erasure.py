"""A citizen erases their contact data from the chat (cases.erasure), on SQLite and PostgreSQL.

Checked: every contact of the asker loses address, phone, last 4 digits and hashes; pending notices
are cancelled and a later status change queues none; consents are withdrawn with the time; other
citizens are untouched; the one hash kept (the opt-out) stops an agency from re-adding the number;
nothing identifying reaches the log; bad input changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from cases.erasure import erase_contact_data
from cases.models import Case, CaseContact, Consent, NotificationOptOut, OutboxMessage, as_utc
from cases.outbox import claim_due
from cases.photos import PhotoStore
from cases.registry import (
    CaseTools,
    NewCase,
    NewConsent,
    NewContact,
    StatusChange,
    change_status,
    create_case,
)
from cases.settings import CasesSettings
from privacy import ContactError, PersonalData
from tests.cases.case_helpers import CONSENT, LINE_USER

NOW = dt.datetime(2026, 11, 25, 5, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=2)
OTHER_LINE_USER = "line:U0123456789abcdef0123456789abcdef"
SMS_SENDER = "sms:0f1e2d3c4b5a69788796a5b4c3d2e1f0"
SMS_PHONE = "+66897654321"
OTHER_PHONE = "+66812223344"
WEB_SENDER = "web:s-7f3a9c"


@pytest.fixture
def tools(settings: CasesSettings) -> CaseTools:
    return CaseTools(vault=PersonalData(settings.privacy), photos=PhotoStore(settings.photo_dir))


def _file(session: Session, tools: CaseTools, *contacts: NewContact, agency: str = "dla") -> Case:
    consent = (
        NewConsent(wording=CONSENT["wording"], given_at=NOW) if any(c.notify for c in contacts) else None
    )
    new = NewCase(kind="application", service_id="id_card_renew", contacts=contacts, consent=consent)
    return create_case(session, agency, new, tools, now=NOW)


def _status(session: Session, case_id: int, status: str = "in_progress") -> list[OutboxMessage]:
    case = session.get(Case, case_id)
    assert case is not None
    _, queued = change_status(session, case, StatusChange(status=status, actor="officer-17"), now=LATER)
    return queued


def _all_values(session: Session) -> str:
    """Every value of the tables that may hold contact data, as one string to search."""
    parts: list[str] = []
    for table in ("case_contacts", "outbox", "deliveries", "case_history", "cases", "case_consents"):
        for row in session.execute(text(f"SELECT * FROM {table}")):
            parts.extend(str(v) for v in row)
    return "\n".join(parts)


def test_line_asker_loses_every_trace_and_others_are_untouched(
    sessions: sessionmaker[Session], tools: CaseTools, agency_keys: dict[str, str]
) -> None:
    with sessions() as session, session.begin():
        mine = [
            _file(
                session, tools, NewContact("line", sender_id=LINE_USER, phone="081-234-5678", notify=True)
            ).id,
            _file(session, tools, NewContact("line", sender_id=LINE_USER, notify=False)).id,
        ]
        theirs = _file(session, tools, NewContact("line", sender_id=OTHER_LINE_USER, notify=True)).id
        for case_id in (*mine, theirs):
            _status(session, case_id)
        before = {
            c.id: (c.sender_enc, c.phone_enc, c.sender_hash, c.phone_hash)
            for c in session.scalars(select(CaseContact))
        }

    with sessions() as session, session.begin():
        assert erase_contact_data(session, tools.vault, "line", LINE_USER, now=LATER) == 2

    with sessions() as session:
        contacts = {c.case_id: c for c in session.scalars(select(CaseContact))}
        for case_id in mine:
            c = contacts[case_id]
            assert (c.sender_hash, c.sender_enc, c.phone_hash, c.phone_enc, c.phone_last4) == (None,) * 5
            assert c.notify is False and as_utc(c.opted_out_at) == LATER
            consents = session.scalars(select(Consent).where(Consent.case_id == case_id)).all()
            assert all(as_utc(x.withdrawn_at) == LATER for x in consents)
            assert all(x.wording == CONSENT["wording"] for x in consents)  # evidence stays
        other = contacts[theirs]
        assert other.sender_enc and tools.vault.open(other.sender_enc) == OTHER_LINE_USER
        assert other.notify is True and other.opted_out_at is None
        assert session.scalars(select(Consent.withdrawn_at).where(Consent.case_id == theirs)).all() == [None]

        outbox = {m.case_id: m for m in session.scalars(select(OutboxMessage))}
        assert (outbox[mine[0]].state, outbox[mine[0]].last_error) == ("skipped", "contact_erased")
        assert outbox[theirs].state == "pending"

        # No clear, encrypted or hashed form of the asker's contact is left in the case tables.
        dump = _all_values(session)
        assert LINE_USER not in dump and "0812345678" not in dump and "+66812345678" not in dump
        mine_contact_ids = {c.id for c in contacts.values() if c.case_id in mine}
        for contact_id, secrets in before.items():
            if contact_id in mine_contact_ids:
                assert not any(s and s in dump for s in secrets)
        # The one hash kept: the opt-out that stops this account being messaged again.
        assert [(o.channel, o.recipient_hash) for o in session.scalars(select(NotificationOptOut))] == [
            ("line", tools.vault.keyed_hash("sender", LINE_USER))
        ]

    with sessions() as session, session.begin():
        assert _status(session, mine[0], "resolved") == []
        assert len(_status(session, theirs, "resolved")) == 1


def test_sms_asker_is_matched_by_sender_and_by_the_number_the_gateway_vouched_for(
    sessions: sessionmaker[Session], tools: CaseTools, agency_keys: dict[str, str]
) -> None:
    with sessions() as session, session.begin():
        by_bot = _file(
            session, tools, NewContact("sms", sender_id=SMS_SENDER, phone=SMS_PHONE, notify=True)
        ).id
        # An agency typed the same number in as the phone of a LINE contact.
        by_agency = _file(
            session, tools, NewContact("line", sender_id=OTHER_LINE_USER, phone="089-765-4321")
        ).id
        someone_else = _file(session, tools, NewContact("sms", phone=OTHER_PHONE, notify=True)).id
        for case_id in (by_bot, by_agency, someone_else):
            _status(session, case_id)

    with sessions() as session, session.begin():
        assert (
            erase_contact_data(session, tools.vault, "sms", SMS_SENDER, phone="๐๘๙-๗๖๕-๔๓๒๑", now=LATER) == 2
        )

    vault = tools.vault
    with sessions() as session:
        contacts = {c.case_id: c for c in session.scalars(select(CaseContact))}
        for case_id in (by_bot, by_agency):
            c = contacts[case_id]
            assert (c.sender_hash, c.sender_enc, c.phone_hash, c.phone_enc, c.phone_last4) == (None,) * 5
        kept = contacts[someone_else]
        assert kept.phone_enc and vault.open(kept.phone_enc) == OTHER_PHONE and kept.phone_last4 == "3344"
        assert {(o.channel, o.recipient_hash) for o in session.scalars(select(NotificationOptOut))} == {
            ("sms", vault.keyed_hash("sender", SMS_SENDER)),
            ("sms", vault.keyed_hash("phone", SMS_PHONE)),
            ("line", vault.keyed_hash("phone", SMS_PHONE)),
        }

    # An agency re-entering the erased number later: the notice is queued but never delivered.
    with sessions() as session, session.begin():
        again = _file(session, tools, NewContact("sms", phone=SMS_PHONE, notify=True)).id
        assert len(_status(session, again)) == 1
    with sessions() as session, session.begin():
        claimed = claim_due(
            session,
            worker_id="w1",
            now=LATER + dt.timedelta(minutes=1),
            limit=10,
            lease_seconds=60,
            channels={"sms", "line", "web"},
            vault=vault,
        )
    by_case = {n.payload["reference"]: n for n in claimed}
    with sessions() as session:
        refs = {c.id: c.reference for c in session.scalars(select(Case))}
    assert by_case[refs[again]].skip_reason == "opted_out" and by_case[refs[again]].recipient is None
    assert by_case[refs[someone_else]].recipient == OTHER_PHONE
    assert refs[by_bot] not in by_case  # its notice was cancelled, not left to the worker


def test_nothing_to_erase_changes_nothing_and_a_second_request_finds_nothing(
    sessions: sessionmaker[Session], tools: CaseTools, agency_keys: dict[str, str]
) -> None:
    with sessions() as session, session.begin():
        _file(session, tools, NewContact("web", sender_id=WEB_SENDER, notify=True))
    with sessions() as session, session.begin():
        assert erase_contact_data(session, tools.vault, "web", "web:someone-else", now=LATER) == 0
        assert erase_contact_data(session, tools.vault, "line", LINE_USER, now=LATER) == 0
    with sessions() as session:
        assert session.scalars(select(NotificationOptOut)).all() == []  # no hash made for nobody
        assert session.scalars(select(Consent.withdrawn_at)).all() == [None]
    with sessions() as session, session.begin():
        assert erase_contact_data(session, tools.vault, "web", WEB_SENDER, now=LATER) == 1
    with sessions() as session, session.begin():
        assert erase_contact_data(session, tools.vault, "web", WEB_SENDER, now=LATER) == 0
    with sessions() as session:
        assert len(session.scalars(select(NotificationOptOut)).all()) == 1


def test_a_notice_claimed_before_the_erasure_cannot_be_recorded_as_sent(
    sessions: sessionmaker[Session], tools: CaseTools, agency_keys: dict[str, str], settings: CasesSettings
) -> None:
    from cases.outbox import Attempt, record_attempts

    with sessions() as session, session.begin():
        case_id = _file(session, tools, NewContact("line", sender_id=LINE_USER, notify=True)).id
        _status(session, case_id)
    with sessions() as session, session.begin():
        [notice] = claim_due(
            session,
            worker_id="w1",
            now=LATER,
            limit=5,
            lease_seconds=60,
            channels={"line"},
            vault=tools.vault,
        )
    with sessions() as session, session.begin():
        assert erase_contact_data(session, tools.vault, "line", LINE_USER, now=LATER) == 1
    with sessions() as session, session.begin():
        record_attempts(
            session,
            [Attempt(notice=notice, result="retry", started_at=LATER, detail="timeout")],
            worker_id="w1",
            now=LATER,
            settings=settings,
        )
    with sessions() as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert (row.state, row.last_error, row.claimed_by) == ("skipped", "contact_erased", None)


def test_bad_input_is_refused_and_changes_nothing(
    sessions: sessionmaker[Session], tools: CaseTools, agency_keys: dict[str, str]
) -> None:
    with sessions() as session, session.begin():
        _file(session, tools, NewContact("line", sender_id=LINE_USER, phone="0812345678", notify=True))
    with sessions() as session, session.begin():
        # A number typed into LINE proves nothing about who typed it.
        with pytest.raises(ValueError, match="only on SMS"):
            erase_contact_data(session, tools.vault, "line", "line:Uattacker", phone="0812345678")
        with pytest.raises(ContactError):
            erase_contact_data(session, tools.vault, "sms", SMS_SENDER, phone="12345")
    with sessions() as session:
        contact = session.scalars(select(CaseContact)).one()
        assert contact.sender_enc and contact.notify and contact.phone_last4 == "5678"


def test_the_log_says_what_happened_without_saying_who(
    sessions: sessionmaker[Session],
    tools: CaseTools,
    agency_keys: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with sessions() as session, session.begin():
        _file(session, tools, NewContact("sms", sender_id=SMS_SENDER, phone=SMS_PHONE, notify=True))
    caplog.set_level(logging.DEBUG)
    with sessions() as session, session.begin():
        assert erase_contact_data(session, tools.vault, "sms", SMS_SENDER, phone=SMS_PHONE) == 1
        assert erase_contact_data(session, tools.vault, "sms", SMS_SENDER, phone=SMS_PHONE) == 0
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "erased" in logged and "nothing to erase" in logged
    for secret in (
        SMS_SENDER,
        SMS_SENDER[4:],
        SMS_PHONE,
        "897654321",
        tools.vault.keyed_hash("phone", SMS_PHONE),
    ):
        assert secret not in logged
