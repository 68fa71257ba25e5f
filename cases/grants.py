"""Access a citizen proved to a case they did not file: recorded in the database, for a bounded time.

A correct last 4 phone digits (cases/verification.py) lets that asker see the case. Where that is
remembered decides what an attacker must forge: a slot in the Rasa conversation can be written by
anyone who reaches Rasa's tracker API or replays a tracker, so the proof lives here instead, keyed
by the case and the keyed hash of the asker the gateway vouched for (issue 14, finding 3). The look-up
and the subscription trust only an unexpired row; the conversation keeps nothing that unlocks.

Why 15 minutes: the same window the tries are counted in (PER_ASKER_CASE) — long enough to read the
status and ask for its updates, short enough that a shared phone or an open web page does not keep
someone else's case open. Afterwards the digits are asked again (a right answer costs no budget).
Expired rows are deleted by the next grant; erasing the asker's data deletes theirs at once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cases.budgets import dialect_insert
from cases.models import CaseAccessGrant, as_utc

GRANT_DURATION = dt.timedelta(minutes=15)


def grant_access(session: Session, case_id: int, asker_hash: str, now: dt.datetime) -> dt.datetime:
    """Record (or renew) that this asker proved access to this case; returns when it ends.

    One INSERT … ON CONFLICT DO UPDATE on SQLite and PostgreSQL, so two parallel right answers
    leave one row. Runs in the caller's transaction.
    """
    expires_at = now + GRANT_DURATION
    insert = dialect_insert(session)
    session.execute(
        insert(CaseAccessGrant)
        .values(case_id=case_id, asker_hash=asker_hash, granted_at=now, expires_at=expires_at)
        .on_conflict_do_update(
            index_elements=[CaseAccessGrant.case_id, CaseAccessGrant.asker_hash],
            set_={"granted_at": now, "expires_at": expires_at},
        )
    )
    session.execute(delete(CaseAccessGrant).where(CaseAccessGrant.expires_at < now))
    return expires_at


def has_access(session: Session, case_id: int, asker_hash: str, now: dt.datetime) -> bool:
    """Did this asker prove access to this case within the last GRANT_DURATION?"""
    expires_at = session.scalar(
        select(CaseAccessGrant.expires_at).where(
            CaseAccessGrant.case_id == case_id, CaseAccessGrant.asker_hash == asker_hash
        )
    )
    ends = as_utc(expires_at)
    return ends is not None and ends > now


def revoke_access(session: Session, asker_hashes: set[str]) -> int:
    """Forget every grant of these askers (their data is being erased); returns how many."""
    if not asker_hashes:
        return 0
    result = session.execute(
        delete(CaseAccessGrant)
        .where(CaseAccessGrant.asker_hash.in_(asker_hashes))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
