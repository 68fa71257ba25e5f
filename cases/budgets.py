"""Attempt budgets in the database: "at most N attempts per subject per time window", counted atomically.

Why in the database rather than in memory or in a conversation: a guesser opens new chat sessions,
talks to another process, or waits for a restart; a count held anywhere but the shared database
forgets them (issue 14, finding 1). Why fixed windows: one row per (scope, subject, window), so a
spend is a single INSERT … ON CONFLICT DO UPDATE … RETURNING on SQLite and PostgreSQL alike, and
parallel attempts each get their own number; an attempt whose number is over the limit is refused,
so no interleaving lets more than `limit` through in a window.

Subjects are references or keyed hashes (callers hash askers and client addresses before they get
here); nothing typed is stored. Rows of windows long over are deleted as new attempts come in.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cases.models import LookupBudget

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# Rows are kept a day past their window's end, then dropped by the next spend.
_KEEP_AFTER_END = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Budget:
    """`limit` attempts per subject in each window of length `window`; windows start at the epoch
    shifted by `offset` (17 h puts a one-day window's start at midnight in Bangkok)."""

    scope: str
    limit: int
    window: dt.timedelta
    offset: dt.timedelta = dt.timedelta(0)

    def window_of(self, now: dt.datetime) -> tuple[int, dt.datetime]:
        """The number of the window `now` falls in, and when that window ends."""
        length = self.window.total_seconds()
        number = math.floor((now - _EPOCH - self.offset).total_seconds() / length)
        return number, _EPOCH + self.offset + dt.timedelta(seconds=(number + 1) * length)


@dataclass(frozen=True, slots=True)
class Spent:
    """Where a subject stands in the current window after (or, for peek, without) an attempt."""

    spent: int
    limit: int
    ends_at: dt.datetime

    @property
    def allowed(self) -> bool:
        """The attempt that produced this count is within the budget."""
        return self.spent <= self.limit

    @property
    def left(self) -> int:
        return max(0, self.limit - self.spent)


def dialect_insert(session: Session) -> Any:
    """The dialect's INSERT with ON CONFLICT DO UPDATE (both dialects spell it the same)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise RuntimeError(f"no atomic upsert for {dialect}")  # the project runs on these two


def spend(session: Session, budget: Budget, subject: str, now: dt.datetime) -> Spent:
    """Count one attempt and return the count it got; refused when `spent` is over the limit.

    The caller's transaction holds the row until it commits; on PostgreSQL a parallel spend on the
    same subject waits for it, on SQLite the write lock serialises them (BEGIN IMMEDIATE).
    """
    number, ends_at = budget.window_of(now)
    insert = dialect_insert(session)
    statement = (
        insert(LookupBudget)
        .values(scope=budget.scope, subject=subject, window_no=number, spent=1, ends_at=ends_at)
        .on_conflict_do_update(
            index_elements=[LookupBudget.scope, LookupBudget.subject, LookupBudget.window_no],
            set_={"spent": LookupBudget.spent + 1},
        )
        .returning(LookupBudget.spent)
    )
    spent = int(session.execute(statement).scalar_one())
    if spent == 1:
        session.execute(delete(LookupBudget).where(LookupBudget.ends_at < now - _KEEP_AFTER_END))
    return Spent(spent, budget.limit, ends_at)


def peek(session: Session, budget: Budget, subject: str, now: dt.datetime) -> Spent:
    """The subject's count in the current window, without counting anything."""
    number, ends_at = budget.window_of(now)
    spent = session.scalar(
        select(LookupBudget.spent).where(
            LookupBudget.scope == budget.scope,
            LookupBudget.subject == subject,
            LookupBudget.window_no == number,
        )
    )
    return Spent(int(spent or 0), budget.limit, ends_at)


def refund(session: Session, budget: Budget, subject: str, now: dt.datetime) -> None:
    """Give back one attempt of the current window (it was not a guess after all)."""
    number, _ = budget.window_of(now)
    session.execute(
        update(LookupBudget)
        .where(
            LookupBudget.scope == budget.scope,
            LookupBudget.subject == subject,
            LookupBudget.window_no == number,
            LookupBudget.spent > 0,
        )
        .values(spent=LookupBudget.spent - 1)
    )


def forget(session: Session, budget: Budget, subject: str) -> None:
    """Drop every count of this subject in this budget (a success starts the tries afresh)."""
    session.execute(
        delete(LookupBudget).where(LookupBudget.scope == budget.scope, LookupBudget.subject == subject)
    )
