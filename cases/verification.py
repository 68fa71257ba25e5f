"""Proving a citizen may see a case they did not file from this account: the last 4 digits of the
phone number on the case, with limits on guessing that hold however many sessions a guesser opens.

Four digits are 10,000 possibilities. A limit per (case, asker) alone is escaped by opening new chat
sessions (issue 14, finding 1: 2,000 web sessions covered every code), so three budgets apply, all
counted in the database (cases/budgets.py) before the digits are compared:

- per asker and case: 5 tries, then that case is locked for that asker for the rest of a 15-minute
  window — a citizen who mistypes is slowed, not shut out;
- per case, across all askers: 10 tries per day (Bangkok), then the case is closed to look-ups by
  digits until midnight and the citizen is told to contact the agency. This is the bound that
  matters: finding a code takes on average 500 days of the budget. The account that filed the case
  never needs the digits, so a guesser cannot keep its owner out;
- per asker, across all cases: 20 tries per day, so one session cannot spray guesses over many cases.

A try is counted first and compared afterwards, so parallel tries each get their own count and no
more than the budget is ever compared; a right answer gives its count back and records a grant for
that asker and case (cases/grants.py), the only proof the look-up trusts afterwards. A reference that names
no case goes through exactly the same steps (its digits never match), so the replies never tell
whether a case exists. Nothing typed is stored: only counts per reference or keyed hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from cases.budgets import Budget, Spent, forget, peek, refund, spend
from cases.grants import grant_access
from cases.models import Case
from nlu.characters import CLEAN_TABLE
from privacy import ContactError, normalize_thai_phone

BANGKOK_MIDNIGHT = dt.timedelta(hours=17)  # 00:00 in Bangkok is 17:00 UTC
PER_ASKER_CASE = Budget("asker_case", limit=5, window=dt.timedelta(minutes=15))
PER_CASE = Budget("case", limit=10, window=dt.timedelta(days=1), offset=BANGKOK_MIDNIGHT)
PER_ASKER = Budget("asker", limit=20, window=dt.timedelta(days=1), offset=BANGKOK_MIDNIGHT)
MAX_FAILURES = PER_ASKER_CASE.limit
LOCK_DURATION = PER_ASKER_CASE.window

_DIGIT_RUNS = re.compile(r"[0-9]+")

Outcome = Literal["ok", "wrong", "locked"]
# Which budget ran out: this asker on this case (try again later), this asker on any case today, or
# this case for everyone today (contact the agency).
LockReason = Literal["asker_case", "asker", "case"]


@dataclass(frozen=True, slots=True)
class Lock:
    reason: LockReason
    until: dt.datetime


@dataclass(frozen=True, slots=True)
class VerificationResult:
    outcome: Outcome
    tries_left: int
    lock: Lock | None = None

    @property
    def locked_until(self) -> dt.datetime | None:
        return self.lock.until if self.lock is not None else None


# One budget a try has spent: the budget, its subject, the lock it would give, the count it got.
_Spend = tuple[Budget, str, LockReason, Spent]


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


def expected_last4(case: Case | None) -> set[str]:
    """Last 4 digits of every phone given on the case (empty when there is no case or no phone)."""
    return {c.phone_last4 for c in case.contacts if c.phone_last4} if case is not None else set()


def _budgets(reference: str, asker_hash: str) -> tuple[tuple[Budget, str, LockReason], ...]:
    """The budgets a try on `reference` by `asker_hash` spends, in the order they are checked."""
    pair = hashlib.sha256(f"{reference}|{asker_hash}".encode()).hexdigest()
    return (
        (PER_ASKER_CASE, pair, "asker_case"),
        (PER_ASKER, asker_hash, "asker"),
        (PER_CASE, reference, "case"),
    )


# When several budgets are spent, the citizen is told about the widest: a case closed for the day
# (contact the agency) says more than "try again in a few minutes".
_REPORTED_FIRST: tuple[LockReason, ...] = ("case", "asker", "asker_case")


def _widest(locks: list[Lock]) -> Lock | None:
    return min(locks, key=lambda lock: _REPORTED_FIRST.index(lock.reason), default=None)


def lock_of(session: Session, reference: str, asker_hash: str, now: dt.datetime) -> Lock | None:
    """Why this asker may not try digits on this reference now (and until when), or None."""
    locks = []
    for budget, subject, reason in _budgets(reference, asker_hash):
        standing = peek(session, budget, subject, now)
        if standing.left == 0:
            locks.append(Lock(reason, standing.ends_at))
    return _widest(locks)


def check_last4(
    session: Session,
    reference: str,
    case: Case | None,
    asker_hash: str,
    typed_last4: str,
    now: dt.datetime,
) -> VerificationResult:
    """Count the try in every budget, then compare the digits with the case's phone(s); a match is
    recorded as a grant (cases/grants.py). The caller commits. `case` is None when the reference
    names no case: the try is counted all the same.

    A try over any budget is refused without the digits being compared (and its counts in the
    budgets before it are given back, so a locked asker does not use up a case's day).
    """
    spent: list[_Spend] = []
    for budget, subject, reason in _budgets(reference, asker_hash):
        standing = spend(session, budget, subject, now)
        if not standing.allowed:
            _refund_all(session, spent, now)
            return VerificationResult("locked", 0, Lock(reason, standing.ends_at))
        spent.append((budget, subject, reason, standing))
    matched = any(hmac.compare_digest(typed_last4, expected) for expected in expected_last4(case))
    if matched and case is not None:
        grant_access(session, case.id, asker_hash, now)
        forget(session, PER_ASKER_CASE, spent[0][1])
        _refund_all(session, spent[1:], now)
        session.flush()
        return VerificationResult("ok", MAX_FAILURES)
    session.flush()
    lock = _widest([Lock(reason, standing.ends_at) for _, _, reason, standing in spent if standing.left == 0])
    if lock is not None:
        return VerificationResult("locked", 0, lock)
    return VerificationResult("wrong", min(standing.left for *_, standing in spent))


def _refund_all(
    session: Session, spent: list[tuple[Budget, str, LockReason, Spent]], now: dt.datetime
) -> None:
    for budget, subject, _, _ in spent:
        refund(session, budget, subject, now)
