"""The characters every package cleans out of what a citizen typed, in one place (no heavy imports).

Thai digits map one-to-one onto ASCII digits, so offsets into the typed text stay valid; invisible
characters (zero-width space and joiners, word joiner, BOM, soft hyphen) are dropped outright. Used for
references, phone numbers, the last 4 digits, and by the normaliser before tokenising.
"""

from __future__ import annotations

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
THAI_DIGIT_TABLE: dict[int, str | None] = {ord(t): str(i) for i, t in enumerate(THAI_DIGITS)}
INVISIBLE_TABLE: dict[int, str | None] = {ord(c): None for c in INVISIBLE}
CLEAN_TABLE: dict[int, str | None] = {**THAI_DIGIT_TABLE, **INVISIBLE_TABLE}
