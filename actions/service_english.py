"""English answers: from the record's English fields where it has them, else a short English note
with the agency's contact. Texts from actions/replies.py (keys starting with `en_`)."""

from __future__ import annotations

from typing import Any

from actions.replies import Button
from actions.service_answer import LIST_LIMIT, aspect_buttons, benefits_of, say
from knowledge.record import ServiceRecord


def _bullets(items: list[str], limit: int) -> str:
    shown = [f"• {item}" for item in items[:limit]]
    if len(items) > limit:
        shown.append("• …")
    return "\n".join(shown)


def _baht(text: str) -> str:
    return text.replace("บาท", "baht")


def english_body(record: ServiceRecord, aspect: str | None, channel: str) -> str | None:
    """The English text for one aspect, or None when the record has no English for it."""
    en = getattr(record, "english", None)
    limit = LIST_LIMIT.get(channel, LIST_LIMIT["default"])
    if aspect == "fee":
        # amounts are figures; only the unit needs translating
        benefits = benefits_of(record)
        if benefits:
            return say("en_benefits", channel, items=_bullets([_baht(b) for b in benefits], limit))
        if record.fees:
            amounts = [_baht(f.amount) for f in record.fees]
            return say("en_fees", channel, items=_bullets(amounts, limit))
        return None
    if en is None:
        return None
    if aspect == "documents":
        return (
            say("en_documents", channel, items=_bullets(list(en.documents), limit)) if en.documents else None
        )
    if aspect == "place":
        return say("en_place", channel, items=_bullets(list(en.where), limit)) if en.where else None
    if aspect == "time":
        return say("en_time", channel, time=en.processing_time) if en.processing_time else None
    if aspect == "eligibility":
        return say("en_eligibility", channel, text=en.eligibility) if en.eligibility else None
    if aspect == "online":
        where = record.where_to_apply
        if not where.online and not where.e_service_url:
            return say("en_no_online", channel)
        text = en.online or where.e_service_url
        return say("en_online", channel, text=text) if text else None
    return en.description or None


def compose_english(
    record: ServiceRecord, aspect: str | None, channel: str, contact: Any = None
) -> tuple[str, list[Button]]:
    en = getattr(record, "english", None)
    title = (getattr(en, "title", "") if en else "") or record.title_en or record.title_th
    body = english_body(record, aspect, channel)
    if body is None:
        hotline = str(getattr(contact, "hotline", "") or "")
        agency = str(getattr(contact, "name_en", "") or getattr(contact, "agency_en", "") or record.agency)
        body = say(
            "en_only_thai",
            channel,
            title=title,
            agency=agency,
            hotline=f" (hotline {hotline})" if hotline else "",
        )
    verified = bool(getattr(record, "verified", False))
    footer = say(
        "en_footer_verified" if verified else "en_footer_draft",
        channel,
        agency=str(getattr(contact, "name_en", "") or record.agency),
        date=record.last_reviewed.strftime("%-d %b %Y") if record.last_reviewed else "not stated",
    )
    if aspect is None:
        return f"{title}\n{body}\n\n{footer}", aspect_buttons(record, aspect)
    about = say("en_answer_about", channel, title=title)
    return f"{body}\n{about}\n\n{footer}", aspect_buttons(record, aspect)
