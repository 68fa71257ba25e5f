"""The case reference format shared by the NLU and the cases code: ``CM69-1234-5678``.

Two letters say what kind of case it is (``AP`` application, ``CM`` complaint), then ten digits:
the two-digit Buddhist-era year, a seven-digit serial and one Damm check digit over the nine
digits before it. Damm catches every single-digit typo and every swap of adjacent digits, so the
bot can tell "you mistyped it" (``bad_check``) apart from "no such case". Grouped 4-4-4 so a
citizen can read it out over the phone. Standard library only: the cases code imports it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from nlu.characters import CLEAN_TABLE

KINDS: dict[str, str] = {"AP": "application", "CM": "complaint"}

CheckStatus = Literal["valid", "bad_check", "not_a_reference"]

_DAMM_TABLE: tuple[tuple[int, ...], ...] = tuple(
    tuple(int(c) for c in row)
    for row in (
        "0317598642",
        "7092154863",
        "4206871359",
        "1750983426",
        "6123045978",
        "3674209581",
        "5869720134",
        "8945362017",
        "9438617205",
        "2581436790",
    )
)

_SERIAL_MAX = 9_999_999
# Thai digits and invisible characters are cleaned here too so this module needs no pythainlp.
_SEPARATORS = re.compile(r"[\s\-.]+")
_SHAPE = re.compile(r"([A-Za-z]{2})(\d{10})")


@dataclass(frozen=True)
class CaseRef:
    """A parsed, check-digit-valid reference. ``year`` is the full Buddhist-era year (2569)."""

    kind: str
    year: int
    serial: int
    canonical: str


def damm_check_digit(digits: str) -> int:
    """The Damm check digit of a string of ASCII digits."""
    interim = 0
    for ch in digits:
        interim = _DAMM_TABLE[interim][int(ch)]
    return interim


def _format(kind: str, ten_digits: str) -> str:
    return f"{kind}{ten_digits[:2]}-{ten_digits[2:6]}-{ten_digits[6:]}"


def make_case_ref(kind: str, be_year: int, serial: int) -> str:
    """Build the canonical reference for case ``serial`` opened in Buddhist-era year ``be_year``."""
    kind = kind.upper()
    if kind not in KINDS:
        raise ValueError(f"unknown case kind {kind!r}; expected one of {sorted(KINDS)}")
    if be_year < 2500:
        raise ValueError(f"be_year must be a Buddhist-era year such as 2569, got {be_year}")
    if not 0 <= serial <= _SERIAL_MAX:
        raise ValueError(f"serial must be within 0..{_SERIAL_MAX}, got {serial}")
    body = f"{be_year % 100:02d}{serial:07d}"
    return _format(kind, f"{body}{damm_check_digit(body)}")


def _compact(text: str) -> str:
    return _SEPARATORS.sub("", text.translate(CLEAN_TABLE)).upper()


def check_case_ref(text: str) -> CheckStatus:
    """Classify what the citizen typed: a valid reference, one with a typo, or not one at all."""
    match = _SHAPE.fullmatch(_compact(text))
    if match is None or match.group(1) not in KINDS:
        return "not_a_reference"
    return "valid" if damm_check_digit(match.group(2)) == 0 else "bad_check"


def shaped_case_ref(text: str) -> str | None:
    """What the citizen typed in the reference's written form (``cm69 0012 3456`` -> ``CM69-0012-3456``)
    whether or not its check digit is right, so a reply can say which number it read; None when the
    text has not the reference's shape."""
    match = _SHAPE.fullmatch(_compact(text))
    if match is None or match.group(1) not in KINDS:
        return None
    return _format(match.group(1), match.group(2))


def parse_case_ref(text: str) -> CaseRef | None:
    """Parse a reference typed in any case, with or without separators; None unless valid."""
    compact = _compact(text)
    match = _SHAPE.fullmatch(compact)
    if match is None or match.group(1) not in KINDS or damm_check_digit(match.group(2)) != 0:
        return None
    kind, digits = match.groups()
    return CaseRef(
        kind=kind,
        year=2500 + int(digits[:2]),
        serial=int(digits[2:9]),
        canonical=_format(kind, digits),
    )
