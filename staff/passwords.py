"""Password hashing with Argon2id (argon2-cffi); the only place that touches raw passwords."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256  # a 1 MB "password" would make every sign-in attempt expensive

_HASHER = PasswordHasher()
# Verified when the username does not exist, so a wrong username takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not-a-real-password-just-for-timing")


class WeakPasswordError(ValueError):
    pass


def check_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSWORD_LENGTH} ตัวอักษร")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPasswordError(f"รหัสผ่านต้องยาวไม่เกิน {MAX_PASSWORD_LENGTH} ตัวอักษร")
    if password.strip() != password or not password.strip():
        raise WeakPasswordError("รหัสผ่านต้องไม่ขึ้นต้นหรือลงท้ายด้วยช่องว่าง")


def hash_password(password: str) -> str:
    check_strength(password)
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)
