"""One canonical phone form (E.164) on Google's numbering data, for citizens' and agencies' input."""

from __future__ import annotations

import pytest

from privacy import ContactError, PhoneError, check_sender_id, is_thai, normalize_phone, normalize_thai_phone


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0812345678", "+66812345678"),
        ("081-234-5678", "+66812345678"),
        ("(081) 234 5678", "+66812345678"),
        ("+66 81 234 5678", "+66812345678"),
        ("66812345678", "+66812345678"),
        ("0066812345678", "+66812345678"),
        ("๐๘๑๒๓๔๕๖๗๘", "+66812345678"),  # Thai digits
        ("08\u200b1234\u200c5678\ufeff", "+66812345678"),  # zero-width characters pasted from chat apps
        ("0612345678", "+66612345678"),
        ("0912345678", "+66912345678"),
        ("02 123 4567", "+6621234567"),  # Bangkok landline
        ("053-123-456", "+6653123456"),  # Chiang Mai landline
    ],
)
def test_thai_numbers_in_every_usual_spelling_become_e164(typed: str, e164: str) -> None:
    assert normalize_thai_phone(typed) == e164
    assert normalize_phone(typed) == e164
    assert is_thai(e164)


@pytest.mark.parametrize(
    "typed",
    ["", "0812345", "081234567890", "+6681234567", "0012345678", "hello", "1234567890123", "+66 1 234 5678"],
)
def test_what_is_no_thai_line_is_refused_with_no_digits_in_the_message(typed: str) -> None:
    with pytest.raises(PhoneError) as caught:
        normalize_thai_phone(typed)
    assert not any(ch.isdigit() for ch in str(caught.value))


def test_foreign_sms_senders_are_kept_as_the_sms_channel_did_but_are_no_case_contact() -> None:
    assert normalize_phone("+447700900123") == "+447700900123"
    assert normalize_phone("+1 415 555 0123") == "+14155550123"
    assert normalize_phone("0044 7700 900123") == "+447700900123"
    assert not is_thai("+447700900123")
    with pytest.raises(PhoneError):
        normalize_thai_phone("+447700900123")
    with pytest.raises(PhoneError):
        normalize_phone("+44 12")  # too short for any UK number


def test_phone_error_is_a_contact_error_and_sender_ids_are_checked_per_channel() -> None:
    assert issubclass(PhoneError, ContactError) and issubclass(ContactError, ValueError)
    assert check_sender_id("line", "line:U123") == "line:U123"
    with pytest.raises(ContactError):
        check_sender_id("web", "line:U123")
