"""Keyed hashes: lookup keys for personal identifiers that are never stored in clear.

A hash cannot be reversed by trying every Thai phone number without the key, and every hash is
domain-separated by a kind ("phone:…", "sender:…", "sms-sender:…"), so a phone hash never equals a
sender-id hash of the same text.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Fixed, public key for log ids only: stable across restarts and processes (the gateway, the action
# server and the worker log the same pseudonym for one citizen), not reversible by reading the log.
_LOG_KEY = b"govbot-log-id-v1"

HASH_KINDS = frozenset({"phone", "sender", "sms-sender"})


def derive(secret: bytes, info: bytes) -> bytes:
    """A 32-byte key for one purpose from key material (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def log_id(value: str | None) -> str:
    """Short, stable pseudonym of a sender id for log lines ("-" when there is none)."""
    if not value:
        return "-"
    return hashlib.blake2s(value.encode("utf-8"), key=_LOG_KEY, digest_size=6).hexdigest()


def hmac_hex(secret: str | bytes, value: str) -> str:
    """HMAC-SHA256 of `value` under a secret, hex (for keys a channel derives from its own secret)."""
    if not secret:
        raise ValueError("hmac_hex needs a non-empty secret")
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


class Hasher:
    """Keyed hashes under the hash root (see privacy/README.md: the hash key is never rotated)."""

    def __init__(self, root: bytes, legacy_sms_secret: str = "") -> None:
        # "govbot-cases/hash" is the derivation the case registry used since its first release, so
        # a root equal to the old CASES_SECRET_KEY yields the very same hashes.
        self._key = derive(root, b"govbot-cases/hash")
        self._legacy_sms_key = (
            hashlib.sha256(b"sms-number-hash:" + legacy_sms_secret.encode("utf-8")).hexdigest()
            if legacy_sms_secret
            else ""
        )

    def keyed_hash(self, kind: str, value: str) -> str:
        if kind not in HASH_KINDS:
            raise ValueError(f"unknown hash kind {kind!r}")
        return hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def sms_sender_id(self, e164: str) -> str:
        """The sender id of an SMS number ("sms:" + 32 hex digits): what Rasa, the logs and the
        opt-out records see instead of the number. Under PHONE_HASH_KEY the gateway's historic
        derivation is kept, so existing conversations and STOP records carry on."""
        if self._legacy_sms_key:
            return "sms:" + hmac_hex(self._legacy_sms_key, e164)[:32]
        return "sms:" + self.keyed_hash("sms-sender", e164)[:32]
