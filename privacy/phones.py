"""Phone numbers: parsed, validated and normalised by `phonenumbers` (Google's libphonenumber data),
one canonical form everywhere: E.164 ("+66812345678").

Input comes from citizens and agencies: Thai digits (๐๘๑…), zero-width characters pasted from chat
apps, spaces, dashes, brackets, "66…" without the plus and "00" international prefixes are accepted.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, PhoneNumberType

from nlu.characters import CLEAN_TABLE

THAILAND = "TH"
_NOISE = re.compile(r"[\s\-().\u200b\u200c\u200d\u2060\ufeff]")
_SHAPE = re.compile(r"\+?\d{5,17}")
_THAI_TYPES = frozenset(
    {
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
)


class ContactError(ValueError):
    """A contact detail that cannot be used; the message is safe to log or return (it holds no digits)."""


class PhoneError(ContactError):
    """Not a phone number we can use."""


SENDER_ID = re.compile(r"(line|sms|web):[A-Za-z0-9_\-]{1,64}")


def check_sender_id(channel: str, sender_id: str) -> str:
    """Sender ids are namespaced per channel ("line:U…"); the namespace must match the channel."""
    if not SENDER_ID.fullmatch(sender_id) or not sender_id.startswith(channel + ":"):
        raise ContactError(f"sender_id must look like '{channel}:<id>'")
    return sender_id


def _parse(raw: str) -> PhoneNumber:
    cleaned = _NOISE.sub("", raw.translate(CLEAN_TABLE))
    if cleaned.startswith("00"):  # international prefix typed the European way: 0044… -> +44…
        cleaned = "+" + cleaned[2:]
    if not _SHAPE.fullmatch(cleaned):
        raise PhoneError("not a phone number")
    try:
        return phonenumbers.parse(cleaned, THAILAND)
    except NumberParseException:
        raise PhoneError("not a phone number") from None


def _e164(number: PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _is_thai_line(number: PhoneNumber) -> bool:
    return (
        phonenumbers.region_code_for_number(number) == THAILAND
        and phonenumbers.is_valid_number(number)
        and phonenumbers.number_type(number) in _THAI_TYPES
    )


def normalize_thai_phone(raw: str) -> str:
    """A Thai mobile or landline number in E.164; PhoneError for anything else (foreign, too short,
    a range Thailand does not use)."""
    number = _parse(raw)
    if not _is_thai_line(number):
        raise PhoneError("phone must be a Thai mobile or landline number")
    return _e164(number)


def normalize_phone(raw: str) -> str:
    """Any number an SMS can come from, in E.164: Thai numbers must be in a Thai range; numbers of
    other countries must have a possible length for their country (senders reach us through the
    operator's network, so their numbering plan is not ours to judge further)."""
    number = _parse(raw)
    if number.country_code == phonenumbers.country_code_for_region(THAILAND):
        if not _is_thai_line(number):
            raise PhoneError("not a Thai mobile or landline number")
    elif not phonenumbers.is_possible_number(number):
        raise PhoneError("not a phone number")
    return _e164(number)


def is_thai(e164: str) -> bool:
    """Whether a normalised number is Thai (only Thai numbers can be case contacts)."""
    try:
        return _is_thai_line(phonenumbers.parse(e164, None))
    except NumberParseException:
        return False
