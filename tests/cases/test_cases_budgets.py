"""Attempt budgets in the database (cases/budgets.py): fixed windows, Bangkok days, counting beyond the
limit, give-backs, and old windows cleared away — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cases.budgets import Budget, forget, peek, refund, spend
from cases.models import LookupBudget

DAY = Budget("test_day", limit=3, window=dt.timedelta(days=1), offset=dt.timedelta(hours=17))
QUARTER = Budget("test_q", limit=2, window=dt.timedelta(minutes=15))
T = dt.datetime(2026, 12, 5, 16, 59, 59, tzinfo=dt.UTC)  # 23:59:59 in Bangkok


def _spend(sessions: sessionmaker[Session], budget: Budget, subject: str, now: dt.datetime):
    with sessions() as session, session.begin():
        return spend(session, budget, subject, now)


def test_a_bangkok_day_ends_at_midnight_bangkok_time() -> None:
    number, ends = DAY.window_of(T)
    assert ends == dt.datetime(2026, 12, 5, 17, 0, tzinfo=dt.UTC)
    assert DAY.window_of(ends) == (number + 1, ends + dt.timedelta(days=1))


def test_spending_counts_past_the_limit_and_a_new_window_starts_afresh(sessions) -> None:
    counts = [_spend(sessions, DAY, "s", T) for _ in range(5)]
    assert [(c.spent, c.allowed, c.left) for c in counts] == [
        (1, True, 2),
        (2, True, 1),
        (3, True, 0),
        (4, False, 0),
        (5, False, 0),
    ]
    assert _spend(sessions, DAY, "other", T).spent == 1  # subjects apart
    assert _spend(sessions, QUARTER, "s", T).spent == 1  # budgets apart
    after_midnight = T + dt.timedelta(seconds=1)
    assert _spend(sessions, DAY, "s", after_midnight).spent == 1


def test_refund_and_forget(sessions) -> None:
    for _ in range(2):
        _spend(sessions, QUARTER, "s", T)
    with sessions() as session, session.begin():
        refund(session, QUARTER, "s", T)
        assert peek(session, QUARTER, "s", T).spent == 1
        refund(session, QUARTER, "s", T)
        refund(session, QUARTER, "s", T)  # never below zero
        assert peek(session, QUARTER, "s", T).spent == 0
    _spend(sessions, QUARTER, "s", T)
    with sessions() as session, session.begin():
        forget(session, QUARTER, "s")
        assert peek(session, QUARTER, "s", T).spent == 0


def test_windows_over_for_a_day_are_deleted_by_later_spends(sessions) -> None:
    _spend(sessions, QUARTER, "old", T)
    _spend(sessions, QUARTER, "new", T + dt.timedelta(days=2))
    with sessions() as session:
        subjects = session.scalars(select(LookupBudget.subject)).all()
        assert subjects == ["new"]
        assert session.scalar(select(func.count()).select_from(LookupBudget)) == 1
