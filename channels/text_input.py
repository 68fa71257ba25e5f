"""One sanitiser for text a citizen or a platform sends in, applied at every inbound boundary.

Before anything parses further or stores it: lone UTF-16 surrogates (JSON "\\ud800" escapes) are
replaced with U+FFFD so Rasa's tokenizer and UTF-8 encoders never see them; C0/C1 control characters
other than newline and tab are dropped; bidi overrides and isolates (U+202A-U+202E, U+2066-U+2069)
are dropped; zero-width characters are left to the NLU, which drops them before tokenising
(nlu/characters.py), except where asked; the text is NFC and cut at the channel's limit.
Also a cheap nesting-depth check to run before json.loads on untrusted bodies.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from nlu.characters import INVISIBLE_TABLE

MAX_JSON_DEPTH = 64

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def sanitize_text(text: str, max_chars: int | None = None, *, drop_invisible: bool = False) -> str:
    """Text safe to parse, hand to Rasa and store: see the module docstring. Not stripped.

    Zero-width characters are harmless to parsers and the NLU drops them before tokenising
    (nlu/characters.py), so they stay unless `drop_invisible` (web chat: an "empty" check)."""
    text = unicodedata.normalize("NFC", _SURROGATE.sub("\ufffd", text))
    if drop_invisible:
        text = text.translate(INVISIBLE_TABLE)
    text = _BIDI.sub("", _CONTROL.sub("", text))
    return text[:max_chars] if max_chars is not None else text


def replace_surrogates(text: str) -> str:
    """Only the lone surrogates replaced (U+FFFD): what must happen before any validator sees text."""
    return _SURROGATE.sub("\ufffd", text)


def sanitize_json(value: Any, clean: Callable[[str], str] = sanitize_text) -> Any:
    """A parsed JSON document with every string (keys too) passed through `clean`."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [sanitize_json(v, clean) for v in value]
    if isinstance(value, dict):
        return {clean(k): sanitize_json(v, clean) for k, v in value.items()}
    return value


def json_too_deep(raw: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when brackets nest deeper than `limit` (strings skipped), checked before json.loads."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    depth = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False
