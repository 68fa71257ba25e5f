"""Staff-configurable sensitive topics (handover/sensitive_topics.yml): a message naming one gets the
topic's hotline and the offer of a person, whatever intent the NLU gave it.

Why a phrase list and not an intent: the NLU may call "อยากฆ่าตัวตาย" a service question, small talk or
an unclear message, and retraining is not a step staff can take; a YAML list is. Phrases are compared
with spaces removed and case folded (knowledge.agencies.squash), the way the agency directory matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.agencies import Agency, AgencyDirectory, squash

SENSITIVE_TOPICS_FILE = Path(__file__).resolve().parent / "sensitive_topics.yml"
MIN_PHRASE_CHARS = 3


class SensitiveTopicsError(ValueError):
    """sensitive_topics.yml is not valid; the message names the topic and the field."""


@dataclass(frozen=True, slots=True)
class SensitiveTopic:
    id: str
    agency: Agency  # whose name and hotline the citizen is given
    phrases: tuple[str, ...]  # squashed


@dataclass(frozen=True, slots=True)
class SensitiveTopics:
    topics: tuple[SensitiveTopic, ...]

    @classmethod
    def load(cls, directory: AgencyDirectory, path: Path = SENSITIVE_TOPICS_FILE) -> SensitiveTopics:
        return cls.parse(yaml.safe_load(path.read_text(encoding="utf-8")), directory)

    @classmethod
    def parse(cls, data: Any, directory: AgencyDirectory) -> SensitiveTopics:
        items = data.get("topics") if isinstance(data, Mapping) else None
        if not isinstance(items, list):
            raise SensitiveTopicsError("expected a mapping with a list `topics`")
        topics = []
        for item in items:
            if not isinstance(item, Mapping) or not item.get("id"):
                raise SensitiveTopicsError("each topic is a mapping with an `id`")
            tid = str(item["id"])
            agency = directory.get(str(item.get("hotline_agency") or ""))
            if agency is None or not agency.hotline:
                raise SensitiveTopicsError(f"{tid}: hotline_agency must be an agency id with a hotline")
            phrases = tuple(squash(str(p)) for p in item.get("phrases") or ())
            if not phrases or any(len(p) < MIN_PHRASE_CHARS for p in phrases):
                raise SensitiveTopicsError(f"{tid}: phrases of at least {MIN_PHRASE_CHARS} characters")
            topics.append(SensitiveTopic(id=tid, agency=agency, phrases=phrases))
        return cls(tuple(topics))

    def match(self, text: str) -> SensitiveTopic | None:
        """The first topic one of whose phrases occurs in the text (button payloads never match)."""
        if not text or text.lstrip().startswith("/"):
            return None
        squashed = squash(text)
        for topic in self.topics:
            if any(phrase in squashed for phrase in topic.phrases):
                return topic
        return None
