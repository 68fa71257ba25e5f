"""Phone numbers are personal data: normalised once, then only hashed (ids, keys) or encrypted (queue).

The sender id Rasa and the logs see is "sms:" + a keyed hash, so a conversation continues across
messages without the number ever being stored in clear; the worker needs the number to answer, so it
travels through the queue encrypted (Fernet, key derived from the server secret).
"""

from __future__ import annotations

import base64
import hashlib
import re

from cryptography.fernet import Fernet, InvalidToken

from channels.privacy import keyed_hash
from nlu.characters import CLEAN_TABLE


class NumberError(ValueError):
    """Not a phone number we can answer."""


def normalise(number: str) -> str:
    """E.164 for Thai numbers ('0812345678' -> '+66812345678'); other countries keep their '+'."""
    cleaned = re.sub(r"[\s\-().]", "", number.translate(CLEAN_TABLE))
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    if cleaned.startswith("0") and len(cleaned) in (9, 10):
        cleaned = "+66" + cleaned[1:]
    elif cleaned.startswith("66") and len(cleaned) in (10, 11):
        cleaned = "+" + cleaned
    if not re.fullmatch(r"\+[1-9]\d{6,14}", cleaned):
        raise NumberError("not a phone number")
    return cleaned


class NumberVault:
    """Hashes and encrypts numbers with keys derived from one server secret."""

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("NumberVault needs a server secret")
        self._hash_key = hashlib.sha256(b"sms-number-hash:" + secret.encode("utf-8")).hexdigest()
        fernet_key = base64.urlsafe_b64encode(
            hashlib.sha256(b"sms-number-enc:" + secret.encode("utf-8")).digest()
        )
        self._fernet = Fernet(fernet_key)

    def sender_id(self, number: str) -> str:
        return "sms:" + keyed_hash(number, self._hash_key)[:32]

    def seal(self, number: str) -> str:
        return self._fernet.encrypt(number.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError) as exc:
            raise NumberError("sealed number cannot be opened with this key") from exc
