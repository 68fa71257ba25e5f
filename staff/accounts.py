"""Staff accounts: creation, sign-in with lockout after repeated wrong passwords, role and status changes.

Functions take an open SQLAlchemy session and leave committing to the caller, so an account change and
its audit entry land in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from staff.models import StaffSession, StaffUser
from staff.passwords import hash_password, needs_rehash, verify_password
from staff.roles import Role

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


class AccountError(ValueError):
    """The request cannot be carried out; the message is Thai and safe to show the staff member."""


class SignInOutcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown user or wrong password: the page says the same for both
    LOCKED = "locked"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class SignInResult:
    outcome: SignInOutcome
    user: StaffUser | None = None
    locked_until: datetime | None = None
    just_locked: bool = False  # this attempt imposed the lock (audited once, not on every refusal)


def normalise_username(raw: str) -> str:
    return raw.strip().lower()


def validate_username(username: str) -> str:
    name = normalise_username(username)
    if not USERNAME_PATTERN.match(name):
        raise AccountError("ชื่อผู้ใช้ต้องยาว 3-64 ตัว ใช้ a-z 0-9 . _ - และขึ้นต้นด้วยตัวอักษรหรือตัวเลข")
    return name


def get_by_username(db: Session, username: str) -> StaffUser | None:
    return db.scalar(select(StaffUser).where(StaffUser.username == normalise_username(username)))


def list_users(db: Session) -> list[StaffUser]:
    return list(db.scalars(select(StaffUser).order_by(StaffUser.username)).all())


def count_admins(db: Session) -> int:
    query = select(func.count()).where(StaffUser.role == Role.ADMIN.value, StaffUser.active.is_(True))
    return db.scalar(query) or 0


def create_user(
    db: Session,
    *,
    username: str,
    password: str,
    role: Role,
    display_name: str = "",
    agency_id: str | None = None,
) -> StaffUser:
    """A new active account. `agency_id` must already be checked (staff.agencies.checked_agency)."""
    name = validate_username(username)
    if get_by_username(db, name) is not None:
        raise AccountError("มีชื่อผู้ใช้นี้อยู่แล้ว")
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    user = StaffUser(
        username=name,
        display_name=display_name.strip()[:200] or name,
        password_hash=password_hash,
        role=role.value,
        active=True,
        failed_attempts=0,
        agency_id=agency_id,
    )
    db.add(user)
    db.flush()
    return user


def sign_in(
    db: Session, username: str, password: str, *, now: datetime, threshold: int, lock_for: timedelta
) -> SignInResult:
    """Check a password; count consecutive failures and lock the account at `threshold`.

    A locked account refuses even the right password until the lock runs out, and a refused attempt
    during a lock does not extend it (so an attacker cannot keep a colleague locked out forever by
    more than one lock period after they stop).
    """
    user = get_by_username(db, username)
    if user is None:
        verify_password(None, password)  # same cost as a real check
        return SignInResult(SignInOutcome.WRONG)
    if user.locked_until is not None and user.locked_until > now:
        return SignInResult(SignInOutcome.LOCKED, user, user.locked_until)
    if user.locked_until is not None:  # the lock ran out: start counting afresh
        user.locked_until = None
        user.failed_attempts = 0
    if not verify_password(user.password_hash, password):
        user.failed_attempts += 1
        if user.failed_attempts >= threshold:
            user.locked_until = now + lock_for
            user.failed_attempts = 0
            return SignInResult(SignInOutcome.LOCKED, user, user.locked_until, just_locked=True)
        return SignInResult(SignInOutcome.WRONG, user)
    if not user.active:
        return SignInResult(SignInOutcome.DISABLED, user)
    user.failed_attempts = 0
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return SignInResult(SignInOutcome.OK, user)


def set_password(db: Session, user: StaffUser, password: str) -> None:
    try:
        user.password_hash = hash_password(password)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    user.failed_attempts = 0
    user.locked_until = None
    end_all_sessions(db, user.id)


def change_role(db: Session, user: StaffUser, role: Role) -> None:
    if user.role == Role.ADMIN.value and role != Role.ADMIN and count_admins(db) <= 1:
        raise AccountError("ต้องมีผู้ดูแลระบบที่ใช้งานได้อย่างน้อยหนึ่งคน")
    user.role = role.value
    end_all_sessions(db, user.id)  # the new role applies from the next sign-in


def set_active(db: Session, user: StaffUser, active: bool) -> None:
    if not active and user.role == Role.ADMIN.value and user.active and count_admins(db) <= 1:
        raise AccountError("ต้องมีผู้ดูแลระบบที่ใช้งานได้อย่างน้อยหนึ่งคน")
    user.active = active
    if not active:
        end_all_sessions(db, user.id)


def unlock(user: StaffUser) -> None:
    user.locked_until = None
    user.failed_attempts = 0


def end_all_sessions(db: Session, user_id: int) -> None:
    db.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
