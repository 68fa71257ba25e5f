"""Regular expressions for the digit-shaped things citizens type: phones, national ids, case refs.

Shared by ``nlu.entities`` (run on normalised text) and ``nlu.pii`` (run on raw text, where
zero-width characters may sit between digits), so both agree on what a phone number looks like.
``joiner`` is a pattern allowed between any two characters of a number; ``""`` for normalised text.
Standard library only.
"""

from __future__ import annotations

import re

from nlu.characters import INVISIBLE

ZERO_WIDTH_CLASS = f"[{INVISIBLE}]*"


def _digits_after_first(count: int, sep: str) -> str:
    return f"(?:{sep}[0-9]){{{count}}}"


def phone_pattern(joiner: str = "") -> re.Pattern[str]:
    """Thai mobile (06/08/09 + 8 digits) and landline (02-07 + 7 digits) numbers.

    The trunk ``0`` or the country code ``+66``/``66`` comes first; one dash, dot or space may
    separate any two digits. A number glued to further digits is not a phone (it may be an id).
    Groups: ``cc`` (country code, if any) and ``nsn`` (national number without the trunk 0).
    """
    sep = f"{joiner}(?:[-. ]{joiner})?"
    prefix = rf"(?:(?P<cc>\+?66){sep}(?:\(0\)|0)?{sep}|0{sep})"
    nsn = rf"(?P<nsn>[689]{_digits_after_first(8, sep)}|[2-7]{_digits_after_first(7, sep)})"
    return re.compile(rf"(?<![0-9+])(?<![0-9][-.]){prefix}{nsn}(?!{joiner}[-.]?{joiner}[0-9])")


def citizen_id_pattern(joiner: str = "", longer_runs: bool = False) -> re.Pattern[str]:
    """Thirteen digits, contiguous or grouped 1-4-5-2-1 with one consistent separator.

    ``longer_runs`` also takes runs of more than 13 contiguous digits (the PII masker hides them;
    the entity extractor must not call them ids).
    """
    j = joiner
    count = "{12,}" if longer_runs else "{12}"
    contiguous = f"[0-9](?:{j}[0-9]){count}"
    s = f"{j}(?P=sep){j}"
    grouped = (
        f"[0-9]{j}(?P<sep>[-. ]){j}[0-9]{_digits_after_first(3, j)}{s}[0-9]{_digits_after_first(4, j)}"
        f"{s}[0-9]{j}[0-9]{s}[0-9]"
    )
    return re.compile(rf"(?<![0-9])(?<![0-9][-.])(?:{contiguous}|{grouped})(?!{j}[-.]?{j}[0-9])")


def case_ref_pattern(joiner: str = "") -> re.Pattern[str]:
    """Shape of a case reference (kind + 10 digits); the check digit is judged by nlu.case_ref."""
    sep = f"{joiner}(?:[-. ]{joiner})?"
    digits = f"[0-9]{_digits_after_first(9, sep)}"
    return re.compile(
        rf"(?<![A-Za-z0-9])(?P<kind>AP|CM){sep}{digits}(?!{joiner}[-.]?{joiner}[0-9])", re.IGNORECASE
    )


def citizen_id_checksum_ok(digits: str) -> bool:
    """Thai national id rule: weights 13..2 over the first 12 digits; the first digit is never 0."""
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit() or digits[0] == "0":
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])
