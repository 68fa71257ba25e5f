"""Proving access to a case by the last 4 digits of its phone: counting, the 15-minute lock per
(case, asker), what counts as an answer, and the look-up helpers the bot uses (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from cases.models import Case, CaseLookupAttempt
from cases.photos import PhotoStore
from cases.registry import (
    AskerKeys,
    CaseTools,
    NewCase,
    NewContact,
    asker_owns_case,
    cases_of_asker,
    create_case,
    find_case_by_reference,
)
from cases.settings import CasesSettings
from cases.verification import LOCK_DURATION, MAX_FAILURES, check_last4, last4_from_text, locked_until
from db.base import Base
from db.migrate import alembic_config
from nlu.case_ref import make_case_ref
from privacy import PersonalData
from tests.databases import throwaway_database

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
OWNER = "line:U4af4980629a1b2c3d4e5f60718293a4b"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5678", "5678"),
        ("๕๖๗๘", "5678"),
        ("56 78", "5678"),
        ("5\u200b67\u200d8", "5678"),
        ("เลข 5678 ค่ะ", "5678"),
        ("081-234-5678", "5678"),
        ("+66 81 234 5678", "5678"),
        ("๐๘๑๒๓๔๕๖๗๘", "5678"),
        ("12345", None),
        ("567", None),
        ("ไม่ทราบค่ะ", None),
        ("", None),
    ],
)
def test_what_counts_as_the_last_four_digits(text, expected):
    assert last4_from_text(text) == expected


@pytest.fixture
def tools(settings: CasesSettings, tmp_path: Path) -> CaseTools:
    return CaseTools(vault=PersonalData(settings.privacy), photos=PhotoStore(tmp_path / "photos"))


def _case(
    sessions: sessionmaker[Session], tools: CaseTools, agency: str, contacts: tuple[NewContact, ...]
) -> int:
    with sessions() as session, session.begin():
        return create_case(
            session, agency, NewCase(kind="application", service_id="id_card", contacts=contacts), tools
        ).id


@pytest.fixture
def two_cases(sessions, tools, agency_keys) -> tuple[int, int]:
    first = _case(sessions, tools, "dla", (NewContact("line", sender_id=OWNER, phone="081-234-5678"),))
    second = _case(sessions, tools, "bma", (NewContact("line", sender_id=OWNER, phone="089-765-4321"),))
    return first, second


def _try(sessions, case_id: int, asker: str, digits: str, now: dt.datetime, tools: CaseTools):
    with sessions() as session, session.begin():
        case = session.get_one(Case, case_id)
        return check_last4(session, case, tools.vault.keyed_hash("sender", asker), digits, now)


def test_right_digits_pass_and_wrong_ones_count_down(sessions, tools, two_cases):
    first, _ = two_cases
    results = [_try(sessions, first, "web:guess", "0000", NOW, tools) for _ in range(MAX_FAILURES - 1)]
    assert [(r.outcome, r.tries_left) for r in results] == [
        ("wrong", 4),
        ("wrong", 3),
        ("wrong", 2),
        ("wrong", 1),
    ]
    assert _try(sessions, first, "web:guess", "5678", NOW, tools).outcome == "ok"
    # Success forgets the failures: a full set of tries again.
    assert _try(sessions, first, "web:guess", "0000", NOW, tools).tries_left == MAX_FAILURES - 1


def test_fifth_wrong_try_locks_that_case_for_that_asker_for_15_minutes(sessions, tools, two_cases):
    first, second = two_cases
    for _ in range(MAX_FAILURES - 1):
        _try(sessions, first, "web:guess", "1111", NOW, tools)
    locked = _try(sessions, first, "web:guess", "1111", NOW, tools)
    assert locked.outcome == "locked" and locked.locked_until == NOW + LOCK_DURATION
    # Even the right digits are not compared while locked.
    later = NOW + dt.timedelta(minutes=14, seconds=59)
    assert _try(sessions, first, "web:guess", "5678", later, tools).outcome == "locked"
    # Another asker on the same case, and the same asker on another case, are not locked.
    assert _try(sessions, first, "web:someone-else", "5678", later, tools).outcome == "ok"
    assert _try(sessions, second, "web:guess", "4321", later, tools).outcome == "ok"
    with sessions() as session:
        guess = tools.vault.keyed_hash("sender", "web:guess")
        assert locked_until(session, first, guess, later) == NOW + LOCK_DURATION
        assert locked_until(session, first, guess, NOW + LOCK_DURATION) is None
    # After the lock: a fresh set of tries, and the right digits pass.
    after = NOW + LOCK_DURATION + dt.timedelta(seconds=1)
    assert _try(sessions, first, "web:guess", "1111", after, tools).tries_left == MAX_FAILURES - 1
    assert _try(sessions, first, "web:guess", "5678", after, tools).outcome == "ok"


def test_no_digits_and_no_sender_id_are_stored(sessions, tools, two_cases):
    first, _ = two_cases
    _try(sessions, first, "web:guess", "1234", NOW, tools)
    with sessions() as session:
        columns = {c["name"] for c in inspect(session.get_bind()).get_columns("case_lookup_attempts")}
        assert columns == {"id", "case_id", "asker_hash", "failures", "locked_until", "updated_at"}
        row = session.scalars(select(CaseLookupAttempt)).one()
        assert row.failures == 1 and "web:guess" not in row.asker_hash and len(row.asker_hash) == 64


def test_a_case_without_a_phone_never_verifies(sessions, tools, agency_keys):
    no_phone = _case(sessions, tools, "dla", (NewContact("web", sender_id="web:owner"),))
    assert _try(sessions, no_phone, "web:guess", "0000", NOW, tools).outcome == "wrong"


def test_lookup_is_across_agencies_and_ownership_by_sender_or_sms_phone(sessions, tools, agency_keys):
    first = _case(sessions, tools, "dla", (NewContact("line", sender_id=OWNER),))
    texted = _case(sessions, tools, "bma", (NewContact("sms", phone="+66 89 765 4321"),))
    vault = tools.vault
    with sessions() as session:
        a = session.get_one(Case, first)
        b = session.get_one(Case, texted)
        assert find_case_by_reference(session, a.reference.lower().replace("-", " ")) is a
        assert find_case_by_reference(session, b.reference) is b  # another agency's case
        assert find_case_by_reference(session, make_case_ref("CM", 2569, 7654321)) is None
        assert find_case_by_reference(session, "not a reference") is None
        line_owner = AskerKeys.of(vault, "line", OWNER, None)
        sms_owner = AskerKeys.of(vault, "sms", "sms:" + "a" * 32, "0897654321")
        stranger = AskerKeys.of(vault, "web", "web:stranger", None)
        assert asker_owns_case(a, line_owner) and not asker_owns_case(a, stranger)
        assert asker_owns_case(b, sms_owner) and not asker_owns_case(b, line_owner)
        assert [c.reference for c in cases_of_asker(session, line_owner)] == [a.reference]
        assert [c.reference for c in cases_of_asker(session, sms_owner)] == [b.reference]
        assert cases_of_asker(session, stranger) == []


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_migration_0005_matches_the_model_and_downgrades(backend: str, tmp_path: Path) -> None:
    with throwaway_database(backend, tmp_path, "lookupmig") as url:
        cfg = alembic_config(url)
        engine = create_engine(url)
        try:
            command.downgrade(cfg, "0005_case_lookup")  # whatever comes later is not this test's business
            with engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            mine = [d for d in diff if "case_lookup_attempts" in repr(d)]
            assert mine == []
            uniques = inspect(engine).get_unique_constraints("case_lookup_attempts")
            assert [u["column_names"] for u in uniques] == [["case_id", "asker_hash"]]
            command.downgrade(cfg, "0004_cases")
            assert "case_lookup_attempts" not in inspect(engine).get_table_names()
            command.upgrade(cfg, "head")
            assert "case_lookup_attempts" in inspect(engine).get_table_names()
        finally:
            engine.dispose()
