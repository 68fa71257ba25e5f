"""Trusted browsers: a cookie, set at a good sign-in, that lets its owner past a block others caused.

An account blocked by someone guessing its password stays blocked for new browsers, but a browser
that has signed in as that name before is counted on its own key (staff.signin_throttle), so the
attacker cannot keep the account's owner out of their usual browser. The cookie is not a credential:
the password is still checked, and the browser's own key gets the same few tries and blocks.

Value: `<random id>.<HMAC(secret, name, id)>`; the name is not in the cookie, so the cookie says
nothing about who uses the browser, and it only counts for the name it was issued to.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

COOKIE = "staff_device"
MAX_AGE_S = 180 * 24 * 3600  # a working browser keeps its standing for half a year


def _mac(secret: str, username: str, device_id: str) -> str:
    message = f"staff-device:{username}:{device_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:40]


def issue(secret: str, username: str) -> str:
    """A new cookie value for this (normalised) name."""
    device_id = secrets.token_urlsafe(18)
    return f"{device_id}.{_mac(secret, username, device_id)}"


def device_for(secret: str, username: str, cookie: str | None) -> str | None:
    """The browser's id when its cookie was issued for this name, else None."""
    if not cookie or len(cookie) > 200:
        return None
    device_id, _, mac = cookie.partition(".")
    if not device_id or not mac:
        return None
    if not hmac.compare_digest(_mac(secret, username, device_id).encode(), mac.encode()):
        return None
    return device_id
