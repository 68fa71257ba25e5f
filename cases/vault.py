"""Keyed hashes and encryption for citizens' contact data (see cases.models for what is stored how).

Both keys are derived from CASES_SECRET_KEY with HKDF, so the database alone reveals no phone number
or LINE user id, and a hash cannot be reversed by trying every Thai phone number without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"govbot-cases/" + purpose).derive(
        secret
    )


class PersonalDataVault:
    def __init__(self, secret: bytes) -> None:
        self._hash_key = _derive(secret, b"hash")
        self._aead = AESGCM(_derive(secret, b"encrypt"))

    def keyed_hash(self, kind: str, value: str) -> str:
        """HMAC-SHA256 with a domain tag, so a phone hash never equals a sender-id hash."""
        return hmac.new(self._hash_key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        return base64.b64encode(nonce + self._aead.encrypt(nonce, plaintext.encode(), None)).decode("ascii")

    def decrypt(self, token: str) -> str:
        raw = base64.b64decode(token)
        return self._aead.decrypt(raw[:12], raw[12:], None).decode()
