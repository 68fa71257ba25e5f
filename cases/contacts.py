"""Normalising what identifies a citizen on a channel, before it is hashed or encrypted."""

from __future__ import annotations

import re

from nlu.characters import CLEAN_TABLE

_PHONE_NOISE = re.compile(r"[\s\-().\u200b\u200c\u200d\ufeff]")
# Thai numbers: mobiles 0[689]X-XXX-XXXX (10 digits), landlines 0[2-7]X-XXX-XXX (9 digits).
_NATIONAL = re.compile(r"0(?:[689]\d{8}|[2-7]\d{7})")
SENDER_ID = re.compile(r"(line|sms|web):[A-Za-z0-9_\-]{1,64}")


class ContactError(ValueError):
    """A contact detail that cannot be used; the message is safe to return (it holds no digits)."""


def normalize_thai_phone(raw: str) -> str:
    """Return the number in +66 form; raise ContactError when it is not a Thai phone number."""
    digits = _PHONE_NOISE.sub("", raw.translate(CLEAN_TABLE))
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    elif digits.startswith("66") and len(digits) in (10, 11):
        digits = "0" + digits[2:]
    if not _NATIONAL.fullmatch(digits):
        raise ContactError("phone must be a Thai mobile or landline number")
    return "+66" + digits[1:]


def check_sender_id(channel: str, sender_id: str) -> str:
    """Sender ids are namespaced per channel ("line:U…"); the namespace must match the channel."""
    if not SENDER_ID.fullmatch(sender_id) or not sender_id.startswith(channel + ":"):
        raise ContactError(f"sender_id must look like '{channel}:<id>'")
    return sender_id
