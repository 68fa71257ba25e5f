"""Identifiers that are safe to log or store: citizens' ids and numbers never appear in clear.

Log lines carry `log_id(sender_id)` (a short keyed hash); phone numbers at rest are HMAC'd with a
server secret, so a leaked Redis dump or log file does not list citizens' numbers.
"""

from __future__ import annotations

import hashlib
import hmac

# Fixed, public salt for log ids only: stable across restarts so an operator can follow one citizen's
# events through the log, yet not reversible to the id by reading the log alone.
_LOG_SALT = b"govbot-log-id-v1"


def log_id(value: str | None) -> str:
    """Short, stable pseudonym of a user id for log lines."""
    if not value:
        return "-"
    return hashlib.blake2s(value.encode("utf-8"), key=_LOG_SALT, digest_size=6).hexdigest()


def keyed_hash(value: str, key: str) -> str:
    """HMAC-SHA256 of a personal identifier (phone number) with a server secret, hex."""
    if not key:
        raise ValueError("keyed_hash needs a non-empty server secret")
    return hmac.new(key.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()


def mask_phone(number: str) -> str:
    """'+66812345678' -> '+668******78' for the rare log line that must hint at a number."""
    digits = number.strip()
    if len(digits) <= 5:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 6) + digits[-2:]
