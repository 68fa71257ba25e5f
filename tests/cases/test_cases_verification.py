"""Proving access to a case by the last 4 digits of its phone: the budgets per (case, asker), per case
and per asker, the same answers for a reference that names no case, what counts as an answer, and the
look-up helpers the bot uses (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from cases.budgets import peek
from cases.models import Case, LookupBudget
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
from cases.verification import (
    LOCK_DURATION,
    MAX_FAILURES,
    PER_ASKER,
    PER_CASE,
    Lock,
    check_last4,
    last4_from_text,
    lock_of,
)
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


def _ref(sessions, case_id: int) -> str:
    with sessions() as session:
        return session.get_one(Case, case_id).reference


def _try(sessions, case_id: int | str, asker: str, digits: str, now: dt.datetime, tools: CaseTools):
    """One try on a case (by id) or on a bare reference (str: possibly one that names no case)."""
    with sessions() as session, session.begin():
        reference = case_id if isinstance(case_id, str) else session.get_one(Case, case_id).reference
        case = find_case_by_reference(session, reference)
        return check_last4(session, reference, case, tools.vault.keyed_hash("sender", asker), digits, now)


def _lock(sessions, case_id: int, asker: str, now: dt.datetime, tools: CaseTools):
    with sessions() as session:
        reference = session.get_one(Case, case_id).reference
        return lock_of(session, reference, tools.vault.keyed_hash("sender", asker), now)


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


def test_fifth_wrong_try_locks_that_case_for_that_asker_until_the_window_ends(sessions, tools, two_cases):
    first, second = two_cases
    for _ in range(MAX_FAILURES - 1):
        _try(sessions, first, "web:guess", "1111", NOW, tools)
    locked = _try(sessions, first, "web:guess", "1111", NOW, tools)
    window_end = NOW + LOCK_DURATION  # NOW is on a quarter hour: the window is [NOW, NOW + 15 min)
    assert locked.outcome == "locked" and locked.lock == Lock("asker_case", window_end)
    # Even the right digits are not compared while locked.
    later = NOW + dt.timedelta(minutes=14, seconds=59)
    assert _try(sessions, first, "web:guess", "5678", later, tools).outcome == "locked"
    # Another asker on the same case, and the same asker on another case, are not locked.
    assert _try(sessions, first, "web:someone-else", "5678", later, tools).outcome == "ok"
    assert _try(sessions, second, "web:guess", "4321", later, tools).outcome == "ok"
    assert _lock(sessions, first, "web:guess", later, tools) == Lock("asker_case", window_end)
    assert _lock(sessions, first, "web:guess", window_end, tools) is None
    # After the lock: a fresh set of tries, and the right digits pass.
    after = window_end + dt.timedelta(seconds=1)
    assert _try(sessions, first, "web:guess", "1111", after, tools).tries_left == MAX_FAILURES - 1
    assert _try(sessions, first, "web:guess", "5678", after, tools).outcome == "ok"


def test_ten_wrong_tries_a_day_close_the_case_for_every_asker_but_not_its_owner(sessions, tools, two_cases):
    first, second = two_cases
    outcomes = [
        _try(sessions, first, f"web:fresh-session-{i}", "1111", NOW, tools) for i in range(PER_CASE.limit)
    ]
    assert [o.outcome for o in outcomes[:-1]] == ["wrong"] * (PER_CASE.limit - 1)
    midnight = dt.datetime(2026, 11, 25, 17, 0, tzinfo=dt.UTC)  # 00:00 on the 26th in Bangkok
    assert outcomes[-1].outcome == "locked" and outcomes[-1].lock == Lock("case", midnight)
    # A new asker with the right digits is refused without comparing, and told so.
    refused = _try(sessions, first, "web:the-citizen-on-a-new-phone", "5678", NOW, tools)
    assert refused.outcome == "locked" and refused.lock == Lock("case", midnight)
    # Other cases are untouched; the day after, the case can be verified again.
    assert _try(sessions, second, "web:fresh-session-0", "4321", NOW, tools).outcome == "ok"
    assert _try(sessions, first, "web:the-citizen-on-a-new-phone", "5678", midnight, tools).outcome == "ok"
    # The refused tries did not use up that asker's day on other cases.
    with sessions() as session:
        asker = tools.vault.keyed_hash("sender", "web:the-citizen-on-a-new-phone")
        assert peek(session, PER_ASKER, asker, NOW).spent == 0


def test_one_asker_cannot_spray_guesses_over_many_cases(sessions, tools, agency_keys):
    refs = [make_case_ref("CM", 2569, 1000 + i) for i in range(PER_ASKER.limit + 3)]
    outcomes = [_try(sessions, ref, "web:sprayer", "1111", NOW, tools) for ref in refs]
    assert all(o.outcome == "wrong" for o in outcomes[: PER_ASKER.limit - 1])
    assert outcomes[PER_ASKER.limit - 1].lock is not None
    assert outcomes[PER_ASKER.limit - 1].lock.reason == "asker"
    assert all(
        o.outcome == "locked" and o.lock and o.lock.reason == "asker" for o in outcomes[PER_ASKER.limit :]
    )


def test_a_reference_with_no_case_answers_exactly_like_a_case_of_someone_else(sessions, tools, two_cases):
    first, _ = two_cases
    nobody = make_case_ref("AP", 2569, 4_242_424)
    seen = {}
    for label, target in (("real", first), ("none", nobody)):
        seen[label] = [
            (r.outcome, r.tries_left, r.lock.reason if r.lock else None)
            for r in (_try(sessions, target, f"web:probe-{label}", "1111", NOW, tools) for _ in range(6))
        ]
    assert seen["real"] == seen["none"]
    assert seen["real"][-1] == ("locked", 0, "asker_case")


def test_no_digits_and_no_sender_id_are_stored(sessions, tools, two_cases):
    first, _ = two_cases
    _try(sessions, first, "web:guess", "1234", NOW, tools)
    with sessions() as session:
        columns = {c["name"] for c in inspect(session.get_bind()).get_columns("lookup_budgets")}
        assert columns == {"scope", "subject", "window_no", "spent", "ends_at"}
        rows = session.scalars(select(LookupBudget)).all()
        reference = session.get_one(Case, first).reference
    # Each subject is exactly the case reference, the keyed hash of the sender, or a hash of the two:
    # the digits typed are in none of them. (A substring test on a hash failed by chance when the hex
    # digest happened to hold "1234".)
    asker = tools.vault.keyed_hash("sender", "web:guess")
    pair = hashlib.sha256(f"{reference}|{asker}".encode()).hexdigest()
    assert {r.scope: r.subject for r in rows} == {"asker_case": pair, "asker": asker, "case": reference}
    assert all(r.spent == 1 and "web:guess" not in r.subject for r in rows)


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
def test_migration_0008_matches_the_model_and_downgrades(backend: str, tmp_path: Path) -> None:
    with throwaway_database(backend, tmp_path, "lookupmig") as url:
        cfg = alembic_config(url)
        engine = create_engine(url)
        try:
            command.downgrade(cfg, "0008_lookup_budgets")  # whatever comes later is not this test's business
            with engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            mine = [d for d in diff if "lookup_budgets" in repr(d) or "case_lookup_attempts" in repr(d)]
            assert mine == []
            assert [
                c for c in inspect(engine).get_pk_constraint("lookup_budgets")["constrained_columns"]
            ] == [
                "scope",
                "subject",
                "window_no",
            ]
            command.downgrade(cfg, "0007_sealed_key_ids")
            names = inspect(engine).get_table_names()
            assert "lookup_budgets" not in names and "case_lookup_attempts" in names
            command.upgrade(cfg, "head")
            names = inspect(engine).get_table_names()
            assert "lookup_budgets" in names and "case_lookup_attempts" not in names
        finally:
            engine.dispose()
