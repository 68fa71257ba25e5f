"""PersonalData: the one object the rest of the project uses for citizens' identifiers."""

from __future__ import annotations

from privacy.hashing import Hasher
from privacy.phones import normalize_phone
from privacy.sealing import Keyring
from privacy.settings import PrivacySettings


class PersonalData:
    """Keyed hashes (lookup), sealing (values that must come back) and SMS sender ids."""

    def __init__(self, settings: PrivacySettings) -> None:
        self.settings = settings
        self.keyring = Keyring(settings.sealing_keys(), legacy_fernet_secret=settings.legacy_phone_key)
        self._hasher = Hasher(settings.hash_root, settings.legacy_phone_key)

    def keyed_hash(self, kind: str, value: str) -> str:
        """HMAC-SHA256, domain-separated by kind: "phone" (E.164), "sender" (namespaced sender id)."""
        return self._hasher.keyed_hash(kind, value)

    def phone_hash(self, e164: str) -> str:
        return self._hasher.keyed_hash("phone", e164)

    def sender_hash(self, sender_id: str) -> str:
        return self._hasher.keyed_hash("sender", sender_id)

    def sms_sender_id(self, number: str) -> str:
        """ "sms:<hash>" for any accepted SMS number (normalised first; PhoneError otherwise)."""
        return self._hasher.sms_sender_id(normalize_phone(number))

    def seal(self, plaintext: str) -> str:
        return self.keyring.seal(plaintext)

    def open(self, token: str) -> str:
        """The clear value; SealError when no key here opens it."""
        return self.keyring.open(token)
