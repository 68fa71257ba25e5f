"""Matters another agency handles, said before the complaint menu opens (issue 11).

Why: "ไฟดับทั้งซอยต้องแจ้งใคร", "โดนหลอกซื้อของออนไลน์" or "แท็กซี่ไม่รับผู้โดยสาร" are not
complaints the categories in cases/complaint_categories.yml route anywhere useful: the electricity
authority, the online-scam centre or the land transport department acts on them, and a complaint
filed here would only reach ศูนย์ดำรงธรรม as "เรื่องอื่น ๆ". So the form's first message is checked
against the agency directory (knowledge/agencies.yml, the same one that answers out-of-scope
questions) and, when it names such a matter, the citizen is told which agency and hotline handle it
— with a button to file here all the same. A message with any category cue ("เปิดเพลงเสียงดัง",
"ท่อประปาแตก") is the form's own business, however the directory would refer it; so is a referral
to the agencies the form itself stands for (the local council, BMA, ศูนย์ดำรงธรรม, 1111).

The citizen who insists (the button, or the same matter typed again right after the referral) is not
referred a second time, and the story told the first time is kept.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from typing import Any

from actions import replies
from actions.complaint_steps import MIN_DESCRIPTION_LETTERS
from actions.complaint_talk import compact, first_description, has_category_cue, is_payload
from cases.complaint_routing import ComplaintRoute, load_routes
from knowledge.agencies import AgencyDirectory, Referral

log = logging.getLogger(__name__)

# complaint_confirm when the form ended at its first message with a referral.
REFERRED = "referral"
# Directory agencies whose matters this form files itself (the categories route to them).
HANDLED_HERE = frozenset({"local_government", "bma", "damrongdham", "gcc1111"})


@functools.cache
def directory() -> AgencyDirectory | None:
    """The agency directory, read once; None (no referral, the form as before) if it cannot be read."""
    try:
        return AgencyDirectory.load()
    except Exception:  # the directory is optional here, as for the service answers
        log.warning("agency directory not available to the complaint form", exc_info=True)
        return None


def referral_for(
    text: str, routes: dict[str, ComplaintRoute], agencies: AgencyDirectory | None
) -> Referral | None:
    """The agency that handles the matter a typed message tells of, when no complaint category does;
    None for a button, a category cue, a bare request, or a matter the form files itself. A matter
    that is no local-government complaint at all (the directory's `complaint: refer`: a child beaten,
    threats over a debt, a highway, the Prime Minister) is referred whatever words it has."""
    if agencies is None or not text.strip() or is_payload(text):
        return None
    referral = agencies.refer(text)
    if referral is None:
        return None
    if referral.complaint == "also":
        # filed here all the same (faster_agency), unless asked who deals with it
        return referral if asks_whom(text) else None
    if referral.complaint == "refer":
        return referral
    if referral.agency.id in HANDLED_HERE or has_category_cue(text, routes):
        return None
    return referral


def asks_whom(text: str) -> bool:
    """ "น้ำประปาไม่ไหลมา2วัน โทรหาใคร", "who do I call": who deals with it, not "file it"."""
    return re.search(replies.ASKS_WHOM_PATTERN, compact(text).casefold()) is not None


def faster_agency(text: str, agencies: AgencyDirectory | None) -> Referral | None:
    """The agency that acts faster on a matter the form still files ("น้ำประปาไม่ไหลมา 2 วัน": the
    waterworks authority), named in the form's first reply; None for anything else."""
    if agencies is None or not text.strip() or is_payload(text):
        return None
    referral = agencies.refer(text)
    return referral if referral is not None and referral.complaint == "also" else None


def faster_agency_text(referral: Referral, channel: str | None, english: bool = False) -> str:
    """Who fixes it faster, and that the complaint goes on here all the same."""
    if english:
        where = _where_en(referral)
        return replies.reply_for("en_complaint_faster_agency", channel).text.format(where=where)
    return (
        replies.reply_for("complaint_faster_agency", channel)
        .text.format(where=_where(referral, channel))
        .replace("  ", " ")
    )


def _where_en(referral: Referral) -> str:
    """The agencies by their English names, each with its hotline (both halves of a split area)."""
    named = [a for a in (referral.agency, *referral.also[:1]) if a.name_en and a.hotline]
    return " or ".join(
        replies.reply_for("en_agency_with_hotline", None).text.format(agency=a.name_en, hotline=a.hotline)
        for a in named
    )


# The agency a complaint filed in this chat reaches when no category routes it (“เรื่องอื่น ๆ”): a
# referral to it offers no way to file here, which would only reach the same office.
FILED_HERE_AGENCY = "damrongdham"


def referral_key(referral: Referral, english: bool = False) -> str:
    """The referral reply: with the offer to file here all the same, or without it when the agency
    named is the one this chat files to."""
    named = {agency.id for agency in (referral.agency, *referral.also[:1])}
    key = "complaint_referral_direct" if FILED_HERE_AGENCY in named else "complaint_referral"
    return f"en_{key}" if english else key


def referral_text(referral: Referral, channel: str | None, english: bool = False) -> str:
    """Which agency and hotline (both halves of a split service area), then the way to file here
    (none where that agency is the one this chat files to); in English for an English message."""
    key = referral_key(referral, english)
    if english:
        return replies.reply_for(key, channel).text.format(where=_where_en(referral))
    where = _where(referral, channel)
    why = referral.why if channel != "sms" else ""
    return replies.reply_for(key, channel).text.format(why=why, where=where).replace("  ", " ")


def _where(referral: Referral, channel: str | None) -> str:
    """Which agency and hotline (both halves of a split service area)."""
    first = referral.agency
    say = replies.reply_for
    where = say("service_not_covered_where" + ("" if first.hotline else "_visit"), channel).text.format(
        agency=first.name_th, hotline=first.hotline
    )
    for other in referral.also[:1]:
        key = f"service_not_covered_also_{other.area}" + ("" if other.hotline else "_visit")
        if key in replies.REPLIES:
            where += " " + say(key, channel).text.format(agency=other.name_th, hotline=other.hotline)
    return where


def aside_referral_text(referral: Referral, channel: str | None) -> str:
    """The same referral asked aside in the middle of the form: who handles it, then back to the step."""
    where = _where(referral, channel)
    why = referral.why if channel != "sms" else ""
    return (
        replies.reply_for("complaint_aside_referral", channel)
        .text.format(why=why, where=where)
        .replace("  ", " ")
    )


def _user_texts_since_referral(events: Iterable[dict[str, Any]]) -> tuple[int, str] | None:
    """(messages since, the referred message) for the latest referral, None when there was none."""
    since = 0
    referred_seen = False
    for event in reversed(list(events)):
        if event.get("event") == "user":
            if referred_seen:
                return since, str(event.get("text") or "")
            since += 1
        elif event.get("event") == "slot" and event.get("name") == "complaint_confirm":
            referred_seen = referred_seen or event.get("value") == REFERRED
    return None


def right_after_referral(events: Iterable[dict[str, Any]]) -> bool:
    """This message is the first after the complaint form referred a matter elsewhere."""
    found = _user_texts_since_referral(events)
    return found is not None and found[0] == 1


def insisted_story(
    events: Iterable[dict[str, Any]], routes: dict[str, ComplaintRoute], agencies: AgencyDirectory | None
) -> str | None:
    """The message referred elsewhere, when the current message comes right after that referral and
    the citizen wants to file here all the same: after this form's referral any message (the button
    "แจ้งเรื่องที่นี่", or the matter typed again); after the service answer's referral (the NLU read
    "ไฟดับทั้งซอยต้องแจ้งใคร" as a question) a bare request ("แจ้งเรื่องที่นี่", the menu button)
    that tells no story of its own. The form then files it here, not referred twice. None otherwise."""
    events = list(events)
    found = _user_texts_since_referral(events)
    if found is not None and found[0] == 1:
        return found[1]
    users = [str(e.get("text") or "") for e in events if e.get("event") == "user"]
    if len(users) < 2:
        return None
    own_story = first_description(users[-1], MIN_DESCRIPTION_LETTERS + 2, routes) is not None
    if own_story and not asks_to_file_here(users[-1]):
        return None
    return users[-2] if referral_for(users[-2], routes, agencies) is not None else None


def asks_to_file_here(text: object) -> bool:
    """ "ไม่อยากโทรอะ ขอแจ้งที่นี่เลยได้ไหม", "ทราบค่ะ แต่ขอแจ้งไว้กับเทศบาลด้วยได้ไหมคะ": to file it
    here all the same."""
    word = compact(text)
    return any(cue in word for cue in replies.FILE_HERE_WORDS)


def wants_it_filed_here(events: Iterable[dict[str, Any]], text: str) -> bool:
    """Told right after a referral (the form's or a service answer's), a request to file the matter
    here: the complaint form takes it, with the matter told before (insisted_story)."""
    return asks_to_file_here(text) and insisted_story(events, load_routes(), directory()) is not None
