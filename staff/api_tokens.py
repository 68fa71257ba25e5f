"""Bearer tokens for the staff API (`python -m staff issue-token --username NAME`), for an agency's own
contact-centre tool: the token is printed once and only its SHA-256 is stored, like a session cookie's.

A token acts as its user with that user's role and agency *as they are now* (read on every request),
so moving an agent to another agency or deactivating the account applies to their tokens at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from staff.models import StaffApiToken, StaffUser

PREFIX = "stf_"  # recognisable in a leaked-secret scan
MAX_TOKEN_CHARS = 128
TOUCH_EVERY = timedelta(seconds=60)  # write last_used_at at most once a minute per token


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(db: Session, user: StaffUser, label: str = "") -> str:
    """A new token for `user`; returns the raw value (shown once, never stored)."""
    token = PREFIX + secrets.token_urlsafe(32)
    db.add(StaffApiToken(user_id=user.id, token_hash=token_hash(token), label=label.strip()[:200]))
    db.flush()
    return token


def user_for(db: Session, token: str, *, now: datetime) -> StaffUser | None:
    """The active account behind a token that is known and not revoked, else None."""
    if not token or len(token) > MAX_TOKEN_CHARS or not token.isascii():
        return None
    row = db.scalar(select(StaffApiToken).where(StaffApiToken.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    user = db.get(StaffUser, row.user_id)
    if user is None or not user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        row.last_used_at = now
    return user


def revoke_all(db: Session, user_id: int, *, now: datetime) -> int:
    rows = db.scalars(
        select(StaffApiToken).where(StaffApiToken.user_id == user_id, StaffApiToken.revoked_at.is_(None))
    ).all()
    for row in rows:
        row.revoked_at = now
    return len(rows)
