"""Staff accounts: creation, role and status changes, unlocking (sign-in itself: staff.signin).

Functions take an open SQLAlchemy session and leave committing to the caller, so an account change and
its audit entry land in one transaction.
"""

from __future__ import annotations

import re

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from staff import signin_throttle
from staff.models import StaffSession, StaffUser
from staff.passwords import hash_password
from staff.roles import Role

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


class AccountError(ValueError):
    """The request cannot be carried out; the message is Thai and safe to show the staff member."""


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


def set_password(db: Session, user: StaffUser, password: str, *, secret: str) -> None:
    """An admin's reset; it also unlocks the account (`secret`: the console's, keying its throttle)."""
    try:
        user.password_hash = hash_password(password)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    unlock(db, user, secret)
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


def unlock(db: Session, user: StaffUser, secret: str) -> None:
    """An admin's unlock: the account's sign-in block, its run of failures and its doubling are gone
    (blocks on client addresses stay: they are not this account's)."""
    signin_throttle.clear(db, signin_throttle.account_key(secret, user.username))
    user.locked_until = None
    user.failed_attempts = 0


def end_all_sessions(db: Session, user_id: int) -> None:
    db.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
