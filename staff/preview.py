"""What a citizen would see in chat for a record, composed by the bot's own answer function
(`actions.service.compose_answer`) so the preview cannot drift from the real answers.

One exchange per aspect (and the overview a question without an aspect gets), for the channel the
reviewer picks; answers too long for a phone screen and aspects with no content are flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

from actions.service import compose_answer
from knowledge.aspects import ASPECT_LABELS_TH, ASPECTS
from knowledge.record import ServiceRecord

PHONE_FRIENDLY_CHARS = 400  # roughly one phone screen of Thai text in a LINE bubble
CHANNELS: dict[str, str] = {"line": "LINE", "web": "เว็บแชต", "sms": "SMS"}
OVERVIEW_LABEL = "ถามชื่อบริการเฉย ๆ"


@dataclass(frozen=True, slots=True)
class Bubble:
    aspect: str  # "" for the overview
    label: str
    text: str
    buttons: tuple[str, ...]
    too_long: bool


def bubbles(record: ServiceRecord, channel: str = "line") -> list[Bubble]:
    out = []
    for aspect in (None, *ASPECTS):
        text, buttons = compose_answer(record, aspect, channel)
        label = ASPECT_LABELS_TH[aspect] if aspect else OVERVIEW_LABEL
        out.append(
            Bubble(
                aspect or "", label, text, tuple(b.title for b in buttons), len(text) > PHONE_FRIENDLY_CHARS
            )
        )
    return out


def missing_aspects(record: ServiceRecord) -> list[str]:
    """Aspects the bot would have to answer with "no information yet"."""
    where = record.where_to_apply
    empty = {
        "documents": not record.documents,
        "fee": not record.fees,
        "place": not where.offices,
        "time": not record.processing_time,
        "eligibility": not record.eligibility,
        "online": not where.online and not where.e_service_url,
    }
    return [ASPECT_LABELS_TH[a] for a in ASPECTS if empty.get(a)]
