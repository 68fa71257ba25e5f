"""Masks national ids and phone numbers before text is logged or stored.

Used on every message by the action server, the gateway's logs and the tracker store, so it is a
single precompiled regex pass with no dependencies beyond the standard library. It errs on the
side of hiding: any run of 13 or more digits is masked even if the id checksum fails, because a
typo'd id is still somebody's id.
"""

from __future__ import annotations

import re

from nlu.characters import THAI_DIGIT_TABLE
from nlu.patterns import ZERO_WIDTH_CLASS, citizen_id_pattern, phone_pattern

CITIZEN_ID_MASK = "x-xxxx-xxxxx-xx-x"
_KEEP_PHONE_DIGITS = 4

_ID = citizen_id_pattern(ZERO_WIDTH_CLASS, longer_runs=True).pattern
_PHONE = phone_pattern(ZERO_WIDTH_CLASS).pattern.replace("(?P<cc>", "(?:").replace("(?P<nsn>", "(?:")
_PII = re.compile(f"(?P<id>{_ID})|(?P<phone>{_PHONE})")


def _mask_phone(original: str) -> str:
    digit_positions = [i for i, ch in enumerate(original.translate(THAI_DIGIT_TABLE)) if ch.isdigit()]
    hide = set(digit_positions[:-_KEEP_PHONE_DIGITS])
    return "".join("x" if i in hide else ch for i, ch in enumerate(original))


def mask(text: str) -> str:
    """Return ``text`` with ids replaced wholesale and phones reduced to their last four digits."""
    if not text:
        return text
    # Thai digits map one-to-one onto ASCII ones, so offsets in ``ascii_digits`` are offsets in ``text``.
    ascii_digits = text.translate(THAI_DIGIT_TABLE)
    out: list[str] = []
    pos = 0
    for match in _PII.finditer(ascii_digits):
        start, end = match.span()
        out.append(text[pos:start])
        out.append(CITIZEN_ID_MASK if match.group("id") is not None else _mask_phone(text[start:end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)
