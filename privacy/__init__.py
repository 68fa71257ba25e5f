"""Citizens' personal data in one place: phone numbers, keyed hashes, sealing, key rotation.

See privacy/README.md for what is hashed and what is sealed, the setting and rotation.
"""

from privacy.hashing import hmac_hex, log_id
from privacy.personal_data import PersonalData
from privacy.phones import (
    ContactError,
    PhoneError,
    check_sender_id,
    is_thai,
    normalize_phone,
    normalize_thai_phone,
)
from privacy.sealing import Keyring, SealError
from privacy.settings import PrivacyConfigError, PrivacySettings

__all__ = [
    "ContactError",
    "Keyring",
    "PersonalData",
    "PhoneError",
    "PrivacyConfigError",
    "PrivacySettings",
    "SealError",
    "check_sender_id",
    "hmac_hex",
    "is_thai",
    "log_id",
    "normalize_phone",
    "normalize_thai_phone",
]
