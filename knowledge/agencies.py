"""The agency directory: who to contact for what, with hotlines (`knowledge/agencies.yml`).

Two uses. `refer(text)` answers a question the knowledge base does not cover with the right agency
("ขอติดมิเตอร์น้ำประปา" → the waterworks authority, 1662 / 1125), so the bot says "not covered here, ask
them" instead of answering from a neighbouring service; the caller decides *when* a question is not
covered (search not confident), this module only says *who*. `by_name(record.agency)` finds the contact
for a service's agency text.

Matching is on phrases with spaces removed, so "มิเตอร์ น้ำ" and "มิเตอร์น้ำ" are the same; the longest
matching phrase wins (a specific phrase beats a general one), and when two agencies split the country
(MEA/PEA, MWA/PWA) a place name in the question picks the right one, else both are given. A phrase
with a gap ("ขนม*หมดอายุ") matches its parts in order with a few characters between them, for a thing
and what is wrong with it told with words in between ("ซื้อขนมในห้างมาหมดอายุ").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.spelling import fold_typing

AGENCIES_FILE = Path(__file__).resolve().parent / "agencies.yml"
AREAS = ("", "bangkok_metro", "provincial")
# Place names that put a question in the Bangkok metropolitan service area (MEA, MWA, BMTA, BMA).
BANGKOK_METRO_WORDS = ("กรุงเทพ", "กทม", "นนทบุรี", "นนท์", "สมุทรปราการ", "ปากน้ำ", "bangkok")
MIN_PHRASE_CHARS = 2
MIN_NAME_CHARS = 4  # a shorter alias ("พม") could be part of another word
# A topic phrase with a gap: "ขนม*หมดอายุ" is ขนม, then หมดอายุ at most MAX_GAP_CHARS later ("ขนมในห้างมา
# หมดอายุ", "ขนมที่ซื้อจากร้านหมดอายุ"): a thing and what is wrong with it, told with words between.
GAP = "*"
MAX_GAP_CHARS = 20  # about five Thai syllables


class DirectoryError(ValueError):
    """agencies.yml is not valid; the message names the agency and field."""


# What the complaint form does with a topic told as a complaint (actions/complaint_referral.py):
# "refer" - not a local-government complaint at all (abuse, threats, highways, the Prime Minister):
# referred, even when a complaint category's word is in the message; "also" - the form's own category
# takes it, but the first reply names this agency as the faster one (a water outage); "" - referred
# unless a complaint category's word is in the message.
COMPLAINT_USES = ("", "refer", "also")


@dataclass(frozen=True)
class Topic:
    why: str  # one Thai line: what this agency handles, shown to the citizen
    phrases: tuple[str, ...]
    complaint: str = ""  # one of COMPLAINT_USES


@dataclass(frozen=True)
class Agency:
    id: str
    name_th: str
    name_en: str
    hotline: str
    website: str
    aliases: tuple[str, ...] = ()
    area: str = ""
    topics: tuple[Topic, ...] = ()
    # the number for an emergency when `hotline` is the everyday one (police: 191 beside 1599), so
    # "ขอเบอร์ตำรวจ" is never answered with the call centre alone
    emergency: str = ""


@dataclass(frozen=True)
class Referral:
    """Where to send a question: the agency, why (the topic line), and an alternative for split areas."""

    agency: Agency
    why: str
    matched: str  # the phrase found in the question
    also: tuple[Agency, ...] = ()  # e.g. the provincial twin when the place is unknown
    complaint: str = ""  # the topic's use by the complaint form (COMPLAINT_USES)
    # every phrase of this agency's topics the question has, `matched` first ("โดนขโมยรถมอไซค์ แจ้ง
    # ความที่ไหน": ขโมยรถ, โดนขโมย, แจ้งความ): a service that speaks of one of them ("ไม่ต้องแจ้งความ")
    # does not cover the others
    found: tuple[str, ...] = ()
    # the directory's phrase that matched, squashed, a gap as "*" ("โฉนด*หาย" for "โฉนดที่ดินหาย"): how
    # specific the match is, whatever words came between its parts
    phrase: str = ""

    @property
    def name(self) -> str:
        return self.agency.name_th

    @property
    def hotline(self) -> str:
        return self.agency.hotline

    @property
    def website(self) -> str:
        return self.agency.website


def squash(text: str) -> str:
    """NFC, lower case, no whitespace, no dots: the form phrases and questions are compared in."""
    text = fold_typing(unicodedata.normalize("NFC", text or "")).lower()
    return re.sub(r"[\s.]+", "", text)


class AgencyDirectory:
    def __init__(self, agencies: Sequence[Agency]) -> None:
        self.agencies = tuple(agencies)
        self._by_id = {a.id: a for a in self.agencies}
        # (squashed phrase, agency, topic) longest first, so the first hit per agency is its best; a
        # gapped phrase ("ขนม*หมดอายุ") is as long as its parts
        entries = [
            (squash(phrase), agency, topic)
            for agency in self.agencies
            for topic in agency.topics
            for phrase in topic.phrases
        ]
        self._phrases = sorted(entries, key=lambda e: -_phrase_length(e[0]))
        names = [(squash(n), a) for a in self.agencies for n in (a.name_th, *a.aliases) if n]
        self._names = sorted(names, key=lambda e: -len(e[0]))

    @classmethod
    def load(cls, path: Path = AGENCIES_FILE) -> AgencyDirectory:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = data.get("agencies") if isinstance(data, Mapping) else None
        if not isinstance(items, list):
            raise DirectoryError(f"{path.name}: expected a mapping with a list `agencies`")
        agencies = [_agency(item) for item in items]
        seen: set[str] = set()
        for agency in agencies:
            if agency.id in seen:
                raise DirectoryError(f"{agency.id}: defined twice")
            seen.add(agency.id)
        return cls(agencies)

    def get(self, agency_id: str) -> Agency | None:
        return self._by_id.get(agency_id)

    def refer(self, text: str) -> Referral | None:
        """The agency for a question, or None when no topic phrase occurs in it."""
        squashed = squash(text)
        if not squashed:
            return None
        hits: list[tuple[str, Agency, Topic, str]] = []
        longest = 0
        said: dict[str, list[str]] = {}  # agency id -> its phrases found, longest first
        for phrase, agency, topic in self._phrases:
            found = _found(phrase, squashed)
            if not found:
                continue
            if found not in said.setdefault(agency.id, []):
                said[agency.id].append(found)
            if all(agency is not h[1] for h in hits) and not (hits and _phrase_length(phrase) < longest):
                longest = longest or _phrase_length(phrase)  # only the agencies on the longest phrase compete
                hits.append((found, agency, topic, phrase))
        if not hits:
            return None
        metro = any(squash(w) in squashed for w in BANGKOK_METRO_WORDS)
        if len(hits) > 1:
            wanted = "bangkok_metro" if metro else "provincial"
            hits.sort(key=lambda h: h[1].area != wanted)
        found_text, agency, topic, phrase = hits[0]
        # a `complaint: refer` topic of the same agency also said ("ร้องเรียนเจ้าหน้าที่รัฐทุจริต ส่งเรื่อง
        # ถึงนายก": the Prime Minister's, not the form's staff category) refers it whatever topic was longest
        complaint = topic.complaint or next(
            (
                t.complaint
                for p, a, t in self._phrases
                if a is agency and t.complaint == "refer" and _found(p, squashed)
            ),
            "",
        )
        placed = metro and agency.area == "bangkok_metro"  # the question says where: no alternative
        also = () if placed else tuple(h[1] for h in hits[1:])
        return Referral(
            agency=agency,
            why=topic.why,
            matched=found_text,
            also=also,
            complaint=complaint,
            found=tuple(said[agency.id]),
            phrase=phrase,
        )

    def named(self, text: str) -> Referral | None:
        """The agency a question names outright ("ขอเบอร์ประกันสังคม", "เบอร์กรมการขนส่งทางบก"), for
        a question the topics do not place; the longest name or alias found wins."""
        squashed = squash(text)
        for name, agency in self._names:
            if len(name) >= MIN_NAME_CHARS and _occurs(name, squashed):
                return Referral(agency=agency, why="", matched=name)
        return None

    def by_name(self, agency_text: str) -> Agency | None:
        """The agency a record's `agency` text names (longest name or alias found in it), else None."""
        squashed = squash(agency_text)
        for name, agency in self._names:
            if len(name) >= MIN_PHRASE_CHARS and name in squashed:
                return agency
        return None


# Thai vowels written before their consonant: a phrase right after one starts inside another syllable
# ("ปิดบริษัท" in "เปิดบริษัท", "ป4" in "ไป4ปี"). Marks written after a consonant: a phrase ending right
# before one ends inside a syllable.
LEADING_VOWELS = "เแโใไ"
FOLLOWING_MARKS = "ะัาำิีึืุู็่้๊๋์"
_LEADING_VOWELS = LEADING_VOWELS
_FOLLOWING_MARKS = FOLLOWING_MARKS


def _occurs(phrase: str, squashed: str) -> bool:
    """A phrase occurs as whole syllables (not inside a longer word) and not inside a longer number."""
    return _occurrence(phrase, squashed, 0) is not None


def _occurrence(phrase: str, squashed: str, start: int) -> int | None:
    """Where the first whole-syllable occurrence of `phrase` at or after `start` begins, else None."""
    start = squashed.find(phrase, start)
    while start >= 0:
        end = start + len(phrase)
        before = squashed[start - 1] if start else ""
        after = squashed[end] if end < len(squashed) else ""
        inside = (before and before in _LEADING_VOWELS) or (after and after in _FOLLOWING_MARKS)
        in_number = (phrase[0].isdigit() and before.isdigit()) or (phrase[-1].isdigit() and after.isdigit())
        if not inside and not in_number:
            return start
        start = squashed.find(phrase, start + 1)
    return None


def _phrase_length(phrase: str) -> int:
    """How specific a phrase is: its characters, a gapped phrase's parts only."""
    return len(phrase.replace(GAP, ""))


def _found(phrase: str, squashed: str) -> str:
    """The text a phrase matches in the question, "" when it does not occur. A gapped phrase
    ("ขนม*หมดอายุ") matches its parts in order with at most MAX_GAP_CHARS between each two ("ซื้อขนมใน
    ห้างมาหมดอายุ" -> "ขนมในห้างมาหมดอายุ"); the nearest pair of parts is taken."""
    if GAP not in phrase:
        return phrase if _occurs(phrase, squashed) else ""
    parts = [p for p in phrase.split(GAP) if p]
    at = _occurrence(parts[0], squashed, 0)
    while at is not None:
        begin, end = at, at + len(parts[0])
        for part in parts[1:]:
            # the first occurrence of the next part after this one, within the gap
            nxt = _occurrence(part, squashed, end)
            if nxt is None or nxt - end > MAX_GAP_CHARS:
                break
            end = nxt + len(part)
        else:
            return squashed[begin:end]
        at = _occurrence(parts[0], squashed, at + 1)
    return ""


def _agency(item: Any) -> Agency:
    if not isinstance(item, Mapping):
        raise DirectoryError("each agency is a mapping")
    aid = str(item.get("id") or "").strip()
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,63}", aid):
        raise DirectoryError(f"agency id {aid!r}: use lower-case letters, digits and _")
    name_th = str(item.get("name_th") or "").strip()
    if not name_th:
        raise DirectoryError(f"{aid}: name_th is required")
    hotline = str(item.get("hotline") or "").strip()
    if hotline and not hotline.isdigit():
        raise DirectoryError(f"{aid}: hotline must be digits only")
    emergency = str(item.get("emergency") or "").strip()
    if emergency and not emergency.isdigit():
        raise DirectoryError(f"{aid}: emergency must be digits only")
    area = str(item.get("area") or "").strip()
    if area not in AREAS:
        raise DirectoryError(f"{aid}: area must be one of {', '.join(a for a in AREAS if a)}")
    topics = []
    for raw in item.get("topics") or []:
        if not isinstance(raw, Mapping) or not raw.get("why") or not raw.get("phrases"):
            raise DirectoryError(f"{aid}: each topic needs `why` and `phrases`")
        phrases = tuple(str(p).strip() for p in raw["phrases"] if len(squash(str(p))) >= MIN_PHRASE_CHARS)
        for phrase in phrases:
            parts = squash(phrase).split(GAP)
            if len(parts) > 1 and any(len(part) < MIN_PHRASE_CHARS for part in parts):
                raise DirectoryError(f"{aid}: {phrase!r}: each part of a gapped phrase needs a word")
        complaint = str(raw.get("complaint") or "").strip()
        if complaint not in COMPLAINT_USES:
            raise DirectoryError(f"{aid}: a topic's complaint must be one of {', '.join(COMPLAINT_USES[1:])}")
        topics.append(Topic(why=str(raw["why"]).strip(), phrases=phrases, complaint=complaint))
    return Agency(
        id=aid,
        name_th=name_th,
        name_en=str(item.get("name_en") or "").strip(),
        hotline=hotline,
        website=str(item.get("website") or "").strip(),
        aliases=tuple(str(a).strip() for a in item.get("aliases") or [] if str(a).strip()),
        area=area,
        topics=tuple(topics),
        emergency=emergency,
    )
