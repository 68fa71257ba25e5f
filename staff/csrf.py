"""CSRF tokens: a synchronizer token per session for signed-in forms, and for the sign-in form (before
any session exists) an HMAC of a random nonce held in a short-lived cookie.

Both comparisons use hmac.compare_digest. A POST without a valid token is refused with 403 before the
handler runs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

FIELD = "csrf_token"
LOGIN_NONCE_COOKIE = "staff_login_nonce"


def new_login_nonce() -> str:
    return secrets.token_urlsafe(24)


def login_token(secret: str, nonce: str) -> str:
    return hmac.new(secret.encode(), b"staff-login:" + nonce.encode(), hashlib.sha256).hexdigest()


def login_token_valid(secret: str, nonce: str | None, submitted: str) -> bool:
    if not nonce or not submitted:
        return False
    return hmac.compare_digest(login_token(secret, nonce).encode(), submitted.encode())


def session_token_valid(expected: str, submitted: str) -> bool:
    if not expected or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())
