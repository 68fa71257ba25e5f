"""Rewrites of common misspellings and abbreviations before search (`normalise.yml`, data not code).

Dotted Thai abbreviations are collapsed first ("ท.ร.14" → "ทร14", "ภ.ง.ด.90" → "ภงด90"), so every
spelling of one abbreviation tokenises alike; then the file's rewrites run in order. `bm25_tokens`
applies this to both questions and records, the dense encoder sees the rewritten question.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.spelling import fold_typing

REWRITES_FILE = Path(__file__).resolve().parent / "normalise.yml"
# A lone Thai consonant followed by a dot, not inside a word: one letter of a dotted abbreviation.
_ABBREVIATION_DOT = re.compile(r"(?<![ก-๙])([ก-ฮ])\.(?=\s?[ก-ฮ0-9])|(?<=[ก-ฮ][ก-ฮ])\.(?=\s?[0-9])")
_TRAILING_ABBREVIATION_DOT = re.compile(r"(?<![ก-๙])((?:[ก-ฮ]){1,3})\.(?![ก-๙0-9])")


@lru_cache(maxsize=4)
def rewrites(path: Path = REWRITES_FILE) -> tuple[tuple[re.Pattern[str], str], ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for item in data.get("rewrites") or []:
        try:
            out.append((re.compile(item["pattern"], re.IGNORECASE), str(item["replace"])))
        except (KeyError, TypeError, re.error) as exc:
            raise ValueError(f"{path.name}: bad rewrite {item!r} ({exc})") from exc
    return tuple(out)


def collapse_abbreviations(text: str) -> str:
    previous = None
    while previous != text:  # "ภ.ง.ด." needs one pass per letter when letters are single
        previous = text
        text = _ABBREVIATION_DOT.sub(lambda m: m.group(1) or "", text)
    return _TRAILING_ABBREVIATION_DOT.sub(r"\1", text)


def normalise(text: str) -> str:
    text = collapse_abbreviations(fold_typing(text))
    for pattern, replacement in rewrites():
        text = pattern.sub(replacement, text)
    return text
