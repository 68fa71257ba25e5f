"""Rule-based extraction of the ids citizens type: case references, phone numbers, national ids.

These have exact, checkable shapes, so rules beat a statistical tagger: they need no training
data, never invent a digit, and reject a national id whose checksum fails. Matching runs on the
normalised text (Thai digits, zero-width characters), offsets are reported in the original text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nlu import case_ref
from nlu.normalize import normalize
from nlu.patterns import case_ref_pattern, citizen_id_checksum_ok, citizen_id_pattern, phone_pattern

CASE_ID = "case_id"
PHONE = "phone"
CITIZEN_ID = "citizen_id"
ENTITY_TYPES = (CASE_ID, PHONE, CITIZEN_ID)

_NON_DIGITS = re.compile(r"[^0-9]")


@dataclass(frozen=True)
class Entity:
    """One extracted entity; ``start``/``end`` index the text the citizen typed."""

    entity: str
    value: str
    start: int
    end: int
    text: str
    attributes: Mapping[str, Any] = field(default_factory=dict)

    def to_rasa(self) -> dict[str, Any]:
        """The dict shape Rasa keeps in ``message.data['entities']``; attributes ride along."""
        return {
            "entity": self.entity,
            "value": self.value,
            "start": self.start,
            "end": self.end,
            **dict(self.attributes),
        }


# A value of None from a canonicaliser means "right shape, but not an entity".
_Canonical = tuple[str, dict[str, Any]] | None


def _case_id(match: re.Match[str]) -> _Canonical:
    status = case_ref.check_case_ref(match.group(0))
    compact = match.group("kind").upper() + _NON_DIGITS.sub("", match.group(0))
    canonical = f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"
    return canonical, {"check": status}


def _citizen_id(match: re.Match[str]) -> _Canonical:
    digits = _NON_DIGITS.sub("", match.group(0))
    return (digits, {}) if citizen_id_checksum_ok(digits) else None


def _phone(match: re.Match[str]) -> _Canonical:
    return "+66" + _NON_DIGITS.sub("", match.group("nsn")), {}


# Order is priority: a case reference or an id claims its digits before a phone may.
_EXTRACTORS: dict[str, tuple[re.Pattern[str], Callable[[re.Match[str]], _Canonical]]] = {
    CASE_ID: (case_ref_pattern(), _case_id),
    CITIZEN_ID: (citizen_id_pattern(), _citizen_id),
    PHONE: (phone_pattern(), _phone),
}


def find_entities(text: str) -> list[Entity]:
    """All case ids, national ids and phones in ``text``, sorted by position, never overlapping."""
    if not text:
        return []
    norm = normalize(text)
    taken: list[tuple[int, int]] = []
    found: list[Entity] = []
    for entity_type, (pattern, canonicalise) in _EXTRACTORS.items():
        for match in pattern.finditer(norm.text):
            ns, ne = match.span()
            if any(ns < te and ts < ne for ts, te in taken):
                continue
            result = canonicalise(match)
            # Shape-matching digits are claimed even when rejected (a bad-checksum id must not
            # turn into a phone number further down the list).
            taken.append((ns, ne))
            if result is None:
                continue
            value, attributes = result
            start, end = norm.original_span(ns, ne)
            found.append(Entity(entity_type, value, start, end, text[start:end], attributes))
    return sorted(found, key=lambda e: e.start)
