"""One authenticated-encryption scheme for personal data at rest and in transit: AES-256-GCM.

A sealed value names the key that sealed it: `v1.<kid>.<base64(nonce ‖ ciphertext ‖ tag)>`. The
keyring seals with its current key and opens with any key it holds, so keys can be rotated
(`python -m privacy rotate-keys`) while values sealed under older keys stay readable.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1"
LEGACY_KID = "legacy"
_NONCE = 12


class SealError(ValueError):
    """A sealed value that cannot be opened (unknown key, tampered, not a sealed value)."""


@dataclass(frozen=True, slots=True)
class SealingKey:
    kid: str
    key: bytes = field(repr=False)  # 32 bytes, AES-256


class Keyring:
    def __init__(self, keys: Iterable[SealingKey], *, legacy_fernet_secret: str = "") -> None:
        ordered = list(keys)
        if not ordered:
            raise ValueError("a keyring needs at least one key")
        self.current_kid = ordered[0].kid
        self._aead = {k.kid: AESGCM(k.key) for k in ordered}
        self._fernet = (
            Fernet(
                base64.urlsafe_b64encode(
                    hashlib.sha256(b"sms-number-enc:" + legacy_fernet_secret.encode("utf-8")).digest()
                )
            )
            if legacy_fernet_secret
            else None
        )

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(self._aead)

    def seal(self, plaintext: str) -> str:
        nonce = os.urandom(_NONCE)
        sealed = self._aead[self.current_kid].encrypt(nonce, plaintext.encode("utf-8"), None)
        return f"{VERSION}.{self.current_kid}.{base64.b64encode(nonce + sealed).decode('ascii')}"

    @staticmethod
    def kid_of(token: str) -> str | None:
        """The key id a value was sealed under; LEGACY_KID for values sealed before key ids existed
        (bare base64 from the case registry's first vault); None for the gateway's old Fernet tokens."""
        version, _, rest = token.partition(".")
        if version == VERSION and "." in rest:
            return rest.partition(".")[0]
        if token.startswith("gAAAAA"):
            return None
        return LEGACY_KID

    def is_current(self, token: str) -> bool:
        return self.kid_of(token) == self.current_kid

    def open(self, token: str) -> str:
        version, _, rest = token.partition(".")
        if version == VERSION and "." in rest:
            kid, _, body = rest.partition(".")
        elif token.startswith("gAAAAA"):
            return self._open_fernet(token)
        else:
            kid, body = LEGACY_KID, token  # stored before migration 0007 gave values their key id
        aead = self._aead.get(kid)
        if aead is None:
            raise SealError(f"sealed under key {kid!r}, which is not in PERSONAL_DATA_KEYS")
        try:
            raw = base64.b64decode(body, validate=True)
            return aead.decrypt(raw[:_NONCE], raw[_NONCE:], None).decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise SealError(f"value sealed under key {kid!r} cannot be opened") from exc

    def _open_fernet(self, token: str) -> str:
        if self._fernet is None:
            raise SealError("an old gateway token, and PHONE_HASH_KEY is not set to open it")
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError) as exc:
            raise SealError("an old gateway token that this PHONE_HASH_KEY cannot open") from exc

    def reseal(self, token: str) -> str | None:
        """The value sealed under the current key, or None when it already is."""
        if self.is_current(token):
            return None
        return self.seal(self.open(token))
