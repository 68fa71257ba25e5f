"""Sign-in throttling that parallel requests cannot race (issue 14, finding 2).

Every password check first *reserves* a slot on each of its keys, in a short transaction that holds
the keys' rows locked (SELECT … FOR UPDATE on PostgreSQL; BEGIN IMMEDIATE takes SQLite's write lock),
and the check itself runs after that transaction has committed. So 30 parallel wrong attempts get
exactly `limit.attempts` checks and the rest are refused without one, whatever the timing; reading,
incrementing and writing a counter without a lock let 24 of 30 through before.

Keys (HMACs under the console's secret, so no address or typed name is stored):
- `client:` the client's address — one address cannot spray guesses over many accounts;
- `account:` the typed name, whether or not such an account exists — an unknown name is throttled
  exactly like a real one, so the answers never tell which accounts exist;
- `device:` a browser that has signed in as this name before (staff.devices) — it is counted on its
  own key *instead of* the client and account keys, so someone who blocks an account (or the office's
  shared address) by guessing cannot keep its owner out of their usual browser.

A run of `limit.attempts` failures imposes a block; each further block doubles, from
`limit.first_block` to `limit.max_block`; a good sign-in (or a quiet day) starts the doubling again.
A failure that finishes after the run's last slot was taken does not extend anything, and attempts
refused during a block are not counted, so a block ends when its time is up however hard it is hit.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from staff.models import SignInThrottle

# A reservation whose check never finished (the process died) holds its slot this long at most.
STALE_RESERVATION = timedelta(seconds=30)
# Blocks stop doubling after a day without attempts on the key.
QUIET_RESET = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Limit:
    """How many password checks a key gets in a run, and how long the blocks after runs last."""

    attempts: int
    first_block: timedelta
    max_block: timedelta
    # What a good sign-in does to the key: start afresh (an account, a device) or give back only its
    # own slot (a client address: signing in to one's own account must not reset a spray's count).
    reset_on_success: bool = True

    def block_for(self, blocks_before: int) -> timedelta:
        return min(self.first_block * (2 ** min(blocks_before, 20)), self.max_block)


@dataclass(frozen=True, slots=True)
class Slot:
    key: str
    number: int  # 1 … limit.attempts within the run
    limit: Limit


@dataclass(frozen=True, slots=True)
class Gate:
    """The reservation's answer: slots to settle after the check, or a refusal until `retry_at`."""

    slots: tuple[Slot, ...] = ()
    refused_by: str | None = None  # the refusing key's kind: "client", "account" or "device"
    retry_at: datetime | None = None

    @property
    def allowed(self) -> bool:
        return self.refused_by is None


def _hashed(secret: str, kind: str, value: str) -> str:
    digest = hmac.new(secret.encode(), f"staff-signin:{kind}:{value}".encode(), hashlib.sha256)
    return f"{kind}:{digest.hexdigest()[:40]}"


def client_key(secret: str, address: str | None) -> str:
    return _hashed(secret, "client", address or "unknown")


def account_key(secret: str, username: str) -> str:
    """`username` already normalised (staff.accounts.normalise_username)."""
    return _hashed(secret, "account", username)


def device_key(secret: str, device_id: str) -> str:
    return _hashed(secret, "device", device_id)


def kind_of(key: str) -> str:
    return key.partition(":")[0]


def _locked_row(db: Session, key: str, now: datetime) -> SignInThrottle:
    """The key's row, created if missing, locked until the transaction ends."""
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.execute(
        insert(SignInThrottle)
        .values(key=key, attempts=0, blocks=0, blocked_until=None, updated_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    query = select(SignInThrottle).where(SignInThrottle.key == key).with_for_update()
    return db.scalars(query.execution_options(populate_existing=True)).one()


def _refusal(row: SignInThrottle, limit: Limit, now: datetime) -> datetime | None:
    """None when the key admits one more check (tidying the row on the way), else until when not."""
    if row.blocked_until is not None:
        if row.blocked_until > now:
            return row.blocked_until
        row.blocked_until = None  # the block ran out: a fresh run (the doubling is remembered)
        row.attempts = 0
    if row.updated_at <= now - QUIET_RESET:
        row.blocks = 0
        row.attempts = 0
    if row.attempts >= limit.attempts:
        if row.updated_at <= now - STALE_RESERVATION:
            row.attempts = 0  # slots of checks that never finished
        else:
            return row.updated_at + STALE_RESERVATION  # the run's last checks are still running
    return None


def reserve(db: Session, wanted: Sequence[tuple[str, Limit]], now: datetime) -> Gate:
    """One slot on every key, or none at all (then the refusal with the latest time to retry).

    Callers pass keys in one fixed order (client before account), so two transactions never wait
    for each other's rows the other way round. A key after a refusing one is not even created, so a
    blocked address spraying names adds no rows.
    """
    rows: list[SignInThrottle] = []
    for key, limit in wanted:
        row = _locked_row(db, key, now)
        until = _refusal(row, limit, now)
        if until is not None:
            return Gate(refused_by=kind_of(key), retry_at=until)
        rows.append(row)
    slots = []
    for (key, limit), row in zip(wanted, rows, strict=True):
        row.attempts += 1
        row.updated_at = now
        slots.append(Slot(key, row.attempts, limit))
    return Gate(slots=tuple(slots))


def settle_failure(db: Session, slots: Sequence[Slot], now: datetime) -> dict[str, datetime]:
    """A wrong password: the slot stays counted; the run's last slot imposes the next block.

    Returns the blocks imposed now, by key.
    """
    imposed: dict[str, datetime] = {}
    for slot in slots:
        if slot.number < slot.limit.attempts:
            continue
        row = _locked_row(db, slot.key, now)
        if row.blocked_until is not None and row.blocked_until > now:
            continue  # blocked already (another attempt of this run finished first)
        if row.attempts < slot.limit.attempts:
            continue  # the run was ended meanwhile (a good sign-in, an admin's unlock)
        row.blocked_until = now + slot.limit.block_for(row.blocks)
        row.blocks += 1
        row.attempts = 0
        row.updated_at = now
        imposed[slot.key] = row.blocked_until
    return imposed


def settle_success(db: Session, slots: Sequence[Slot], now: datetime) -> None:
    """The right password: accounts and devices start afresh; an address gets its one slot back."""
    for slot in slots:
        if slot.limit.reset_on_success:
            db.execute(delete(SignInThrottle).where(SignInThrottle.key == slot.key))
            continue
        row = _locked_row(db, slot.key, now)
        if row.blocked_until is None and row.attempts > 0:
            row.attempts -= 1


def blocked_until(db: Session, key: str, now: datetime) -> datetime | None:
    row = db.get(SignInThrottle, key)
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return None
    return row.blocked_until


def clear(db: Session, key: str) -> None:
    """An admin's unlock: the key's block, run and doubling are gone."""
    db.execute(delete(SignInThrottle).where(SignInThrottle.key == key))


def purge(db: Session, now: datetime) -> int:
    """Rows quiet for a day and not blocked: nothing in them matters any more."""
    result = db.execute(
        delete(SignInThrottle).where(
            SignInThrottle.updated_at <= now - QUIET_RESET,
            or_(SignInThrottle.blocked_until.is_(None), SignInThrottle.blocked_until <= now),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
