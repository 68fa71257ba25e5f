"""Server-side sessions: the browser holds a random token; the database holds its hash and the CSRF token.

A session ends at the earliest of its absolute lifetime and a period of inactivity. Storing only the
token's SHA-256 means a copy of the database does not let anyone sign in as staff.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from staff.models import StaffSession, StaffUser

TOUCH_EVERY = timedelta(seconds=60)  # write last_seen_at at most once a minute per session


@dataclass(frozen=True, slots=True)
class Identity:
    """The signed-in staff member for one request."""

    user_id: int
    username: str
    display_name: str
    role: str
    csrf_token: str
    token_hash: str
    agency_id: str | None = None  # read from the account on every request, so a change applies at once


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(db: Session, user: StaffUser, *, now: datetime, lifetime: timedelta) -> str:
    """Create a session and return the raw token for the cookie (shown nowhere else)."""
    token = secrets.token_urlsafe(32)
    db.add(
        StaffSession(
            token_hash=token_hash(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


def resume(db: Session, token: str, *, now: datetime, idle: timedelta) -> Identity | None:
    """The identity behind a cookie, or None when it is unknown, expired, idle too long or disabled."""
    if not token or len(token) > 128:
        return None
    row = db.get(StaffSession, token_hash(token))
    if row is None:
        return None
    user = db.get(StaffUser, row.user_id)
    if row.expires_at <= now or row.last_seen_at + idle <= now or user is None or not user.active:
        db.delete(row)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return Identity(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        csrf_token=row.csrf_token,
        token_hash=row.token_hash,
        agency_id=user.agency_id,
    )


def end(db: Session, token_hash_value: str) -> None:
    db.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash_value))


def purge_expired(db: Session, *, now: datetime, idle: timedelta) -> int:
    result = db.execute(
        delete(StaffSession).where(
            (StaffSession.expires_at <= now) | (StaffSession.last_seen_at <= now - idle)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def sessions_of(db: Session, user_id: int) -> list[StaffSession]:
    return list(db.scalars(select(StaffSession).where(StaffSession.user_id == user_id)).all())
