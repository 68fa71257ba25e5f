"""Offset-preserving normalisation of what citizens type.

Entities are found in the normalised text, but the bot must quote, mask and store the exact span
the citizen typed; so every normalised character remembers the span of original characters it
came from, and :meth:`NormalizedText.original_span` maps any normalised range back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pythainlp import (
    thai_above_vowels,
    thai_below_vowels,
    thai_consonants,
    thai_follow_vowels,
    thai_lead_vowels,
    thai_tonemarks,
    thai_vowels,
)

from nlu.characters import CLEAN_TABLE

Span = tuple[int, int]

# Thai digits to ASCII, invisible characters dropped (nlu/characters.py).
_CHAR_TABLE = CLEAN_TABLE

_DANGLING = f"{thai_above_vowels}{thai_below_vowels}{thai_tonemarks}\u0e3a\u0e4c\u0e4d\u0e4e"
_NO_REPEAT = (
    f"{thai_follow_vowels}{thai_lead_vowels}{thai_above_vowels}{thai_below_vowels}\u0e3a\u0e4c\u0e4d\u0e4e"
)

# The same rules as pythainlp.util.normalize (5.4), applied in the same order, but through
# _tracked_sub so that offsets survive. tests/nlu checks that the strings agree with pythainlp.
_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"[ \t]{2,}"), " "),
    (re.compile(r"[ \n]*\n[ \n]*"), "\n"),
    (re.compile(r"^\s+|\s+$"), ""),
    (
        re.compile(f"([{thai_consonants}])(?<![{thai_vowels}][{thai_consonants}]) ([{_DANGLING}])"),
        r"\1\2",
    ),
    (re.compile("\u0e40\u0e40"), "\u0e41"),
    (re.compile(f"([{thai_tonemarks}\u0e4c]+)([{thai_above_vowels}{thai_below_vowels}]+)"), r"\2\1"),
    (re.compile(f"\u0e4d([{thai_tonemarks}]*)\u0e32"), "\\1\u0e33"),
    (re.compile(f"([{thai_follow_vowels}]+)([{thai_tonemarks}]+)"), r"\2\1"),
    (re.compile("([^\u0e24\u0e26])\u0e45"), "\\1\u0e32"),
    *[(re.compile(f"({ch}[ ]*)+{ch}"), ch) for ch in _NO_REPEAT],
    (re.compile(f"[{thai_tonemarks}]{{2,}}"), lambda m: m.group(0)[-1]),
    # A letter typed three or more times is emphasis ("มากกกกก", "sooooo"). Digits are never
    # collapsed: "555" is laughter but 0800-555-555 is a phone number.
    # อ is a vowel and a letter: three before a consonant are two words ("ขอ|ออนไลน์", "รอ|ออกบัตร"),
    # kept as three however many were typed.
    (re.compile("\u0e2d{3,}(?=[\u0e01-\u0e2c\u0e2e])"), "\u0e2d\u0e2d\u0e2d"),
    (re.compile(r"(?!\u0e2d{3}[\u0e01-\u0e2c\u0e2e])([\u0e01-\u0e4f]|[^\W\d_])\1{2,}"), r"\1"),
    (re.compile(f"^[{_DANGLING}]+"), ""),
    (re.compile(f"(?<= )[{_DANGLING}]+"), ""),
]


@dataclass(frozen=True)
class NormalizedText:
    """A normalised string plus, for each of its characters, the original span it came from."""

    original: str
    text: str
    spans: tuple[Span, ...]

    def original_span(self, start: int, end: int) -> Span:
        """Map ``[start, end)`` in the normalised text to the span the citizen typed."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"range [{start}, {end}) outside normalised text of length {len(self.text)}")
        if start == end:
            pos = self.spans[start][0] if start < len(self.spans) else len(self.original)
            return pos, pos
        return self.spans[start][0], self.spans[end - 1][1]


def _tracked_sub(
    pattern: re.Pattern[str],
    repl: str | Callable[[re.Match[str]], str],
    text: str,
    spans: list[Span],
) -> tuple[str, list[Span]]:
    """re.sub that keeps ``spans`` aligned: replacement characters inherit the whole match's span."""
    out: list[str] = []
    out_spans: list[Span] = []
    pos = 0
    for match in pattern.finditer(text):
        ms, me = match.span()
        if ms == me:
            continue
        out.append(text[pos:ms])
        out_spans.extend(spans[pos:ms])
        replacement = repl(match) if callable(repl) else match.expand(repl)
        union = (spans[ms][0], spans[me - 1][1])
        out.append(replacement)
        out_spans.extend([union] * len(replacement))
        pos = me
    if pos == 0:
        return text, spans
    out.append(text[pos:])
    out_spans.extend(spans[pos:])
    return "".join(out), out_spans


def normalize(text: str) -> NormalizedText:
    """Normalise Thai text for matching while remembering where each character came from."""
    chars: list[str] = []
    spans: list[Span] = []
    for i, ch in enumerate(text):
        mapped = _CHAR_TABLE.get(ord(ch), ch)
        if mapped is not None:
            chars.append(mapped)
            spans.append((i, i + 1))
    current = "".join(chars)
    for pattern, repl in _RULES:
        current, spans = _tracked_sub(pattern, repl, current, spans)
    return NormalizedText(original=text, text=current, spans=tuple(spans))


def normalize_text(text: str) -> str:
    """The normalised string alone, for callers that need no offsets (featurizers, look-ups)."""
    return normalize(text).text
