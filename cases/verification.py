"""Proving a citizen may see a case they did not file from this account: the last 4 digits of the
phone number on the case, with a limit on guesses.

Four digits are only 10,000 possibilities, so wrong tries are counted per (case, asker) and the
fifth wrong try locks that case for that asker for 15 minutes. The lock is per asker so a guesser
cannot lock out the citizen who filed the case, and per case so one lock does not block the asker's
other cases. Nothing typed is stored: only the count of failures and the lock's end. The clock is
passed in, so tests can move time.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import Case, CaseLookupAttempt, as_utc
from nlu.characters import CLEAN_TABLE
from privacy import ContactError, normalize_thai_phone

MAX_FAILURES = 5
LOCK_DURATION = dt.timedelta(minutes=15)

_DIGIT_RUNS = re.compile(r"[0-9]+")

Outcome = Literal["ok", "wrong", "locked"]


@dataclass(frozen=True, slots=True)
class VerificationResult:
    outcome: Outcome
    tries_left: int
    locked_until: dt.datetime | None = None


def last4_from_text(text: str) -> str | None:
    """The four digits the citizen meant, or None: "5678", "๕๖๗๘", "56 78", "เลข 5678 ค่ะ", or the
    whole number "081-234-5678" (then its last four). Anything else is not an answer."""
    cleaned = str(text or "").translate(CLEAN_TABLE)
    digits = "".join(_DIGIT_RUNS.findall(cleaned))
    if len(digits) == 4:
        return digits
    if len(digits) in (9, 10, 11):
        try:
            return normalize_thai_phone(digits)[-4:]
        except ContactError:
            return None
    return None


def expected_last4(case: Case) -> set[str]:
    """Last 4 digits of every phone given on the case (empty when the case has no phone)."""
    return {c.phone_last4 for c in case.contacts if c.phone_last4}


def _attempt(session: Session, case_id: int, asker_hash: str) -> CaseLookupAttempt | None:
    query = select(CaseLookupAttempt).where(
        CaseLookupAttempt.case_id == case_id, CaseLookupAttempt.asker_hash == asker_hash
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalars(query).first()


def locked_until(session: Session, case_id: int, asker_hash: str, now: dt.datetime) -> dt.datetime | None:
    """When this asker's lock on this case ends, or None when they may try."""
    row = _attempt(session, case_id, asker_hash)
    until = as_utc(row.locked_until) if row is not None else None
    return until if until is not None and until > now else None


def check_last4(
    session: Session, case: Case, asker_hash: str, typed_last4: str, now: dt.datetime
) -> VerificationResult:
    """Compare the typed digits with the case's phone(s), counting failures; the caller commits.

    A locked asker gets "locked" without the digits being compared at all.
    """
    row = _attempt(session, case.id, asker_hash)
    until = as_utc(row.locked_until) if row is not None else None
    if until is not None and until > now:
        return VerificationResult("locked", 0, until)
    if any(hmac.compare_digest(typed_last4, expected) for expected in expected_last4(case)):
        if row is not None:
            session.delete(row)
            session.flush()
        return VerificationResult("ok", MAX_FAILURES)
    if row is None:
        row = CaseLookupAttempt(case_id=case.id, asker_hash=asker_hash, failures=0, updated_at=now)
        session.add(row)
    elif until is not None:
        # The previous lock has run out: a fresh set of tries.
        row.failures = 0
        row.locked_until = None
    row.failures += 1
    row.updated_at = now
    if row.failures >= MAX_FAILURES:
        row.locked_until = now + LOCK_DURATION
        session.flush()
        return VerificationResult("locked", 0, row.locked_until)
    session.flush()
    return VerificationResult("wrong", MAX_FAILURES - row.failures)
