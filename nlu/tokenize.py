"""Word tokenisation of Thai citizen messages with offsets into the original text.

Thai runs are segmented by PyThaiNLP's dictionary-based ``newmm`` with the project's domain words
added, so "ทะเบียนบ้าน" or "กรมการปกครอง" stay whole. Everything else is split by script first
(Latin words, digit runs, single punctuation marks or emoji), which keeps the boundaries of phone
numbers, ids and case references on token boundaries; entity spans then align with tokens.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie

from nlu.normalize import NormalizedText, normalize

DOMAIN_WORDS_FILE = Path(__file__).parent / "dictionary" / "domain_words.txt"

# Thai letters and marks (digits were made ASCII by normalize), Latin-script words, digit runs,
# whitespace (dropped), then any other single character with its combining marks, variation
# selectors and skin-tone modifiers (so an emoji with modifiers stays one token).
_CHUNKS = re.compile(
    r"(?P<thai>[\u0e01-\u0e4f\u0e5a\u0e5b]+)"
    r"|(?P<word>(?:(?![\u0e00-\u0e7f])[^\W\d_])+(?:['’](?:(?![\u0e00-\u0e7f])[^\W\d_])+)*)"
    r"|(?P<digits>[0-9]+)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.[\u0300-\u036f\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]*)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """``text`` is the normalised form (what features see); ``start``/``end`` index the original."""

    text: str
    start: int
    end: int


def load_domain_words(path: Path = DOMAIN_WORDS_FILE) -> frozenset[str]:
    """Domain words from the dictionary file; ``#`` starts a comment line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.lstrip().startswith("#"))


@functools.lru_cache(maxsize=1)
def dictionary_trie() -> Trie:
    """Built once per process: PyThaiNLP's word list plus the domain words (takes ~0.5 s)."""
    return Trie(set(thai_words()) | load_domain_words())


def _thai_words(chunk: str) -> list[str]:
    return word_tokenize(chunk, custom_dict=dictionary_trie(), engine="newmm", keep_whitespace=False)


def tokenize_normalized(norm: NormalizedText) -> list[Token]:
    """Tokenise an already normalised text (callers that also extract entities normalise once)."""
    tokens: list[Token] = []
    text = norm.text
    for match in _CHUNKS.finditer(text):
        kind = match.lastgroup
        if kind == "space":
            continue
        start = match.start()
        pieces = _thai_words(match.group()) if kind == "thai" else [match.group()]
        for piece in pieces:
            end = start + len(piece)
            if piece.strip():
                ostart, oend = norm.original_span(start, end)
                tokens.append(Token(piece, ostart, oend))
            start = end
    return tokens


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` with offsets into ``text`` itself, never a whitespace token."""
    if not text:
        return []
    return tokenize_normalized(normalize(text))
