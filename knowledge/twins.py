"""Near-twin services (`knowledge/twins.yml`): one short question with a distinct choice per member
instead of guessing between "ทำบัตรครั้งแรก / บัตรหาย / บัตรหมดอายุ".

    from knowledge import twins
    group = twins.group_of("id_card_lost")           # TwinGroup or None
    group.question_th                                 # "ทำบัตรประชาชนกรณีไหนคะ"
    group.labels()                                    # {"id_card_new": "ทำครั้งแรก", ...}
    twins.resolve("บัตรหายค่ะ", group)                 # "id_card_lost": the question tells them apart
    twins.ask(("id_card_new", "id_card_lost", ...))  # the group whose question to ask, for SearchResult.twins
    twins.default().vague("ขอถามเรื่องเบี้ยยังชีพ")      # the group a shared word names, no member picked

The search sets `SearchResult.twins` (member ids) when its top hits belong to one group and the
question has no member's cue; when exactly one member's cue is present, that member is ranked first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.record import SHORT_LABEL_MAX
from knowledge.spelling import fold_typing

TWINS_FILE = Path(__file__).resolve().parent / "twins.yml"


class TwinsError(ValueError):
    """twins.yml is not valid."""


@dataclass(frozen=True)
class TwinMember:
    service_id: str
    label: str  # the choice button, <= 20 characters, distinct within the group
    cues: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class TwinGroup:
    id: str
    question_th: str
    members: tuple[TwinMember, ...]
    # words that name what all members are about ("บัตรประชาชน"): a cue shared with another group
    # ("ยังไม่เคยมี") belongs to the group whose subject the message names
    subject: tuple[str, ...] = ()
    # words that mean several members and pick none ("เบี้ยยังชีพ": the old-age or the disability
    # allowance): with no member's cue, the group's question is asked
    vague: tuple[str, ...] = ()
    vague_members: tuple[str, ...] = ()  # the members a vague word can mean (all when empty)

    def named_in(self, text: str) -> bool:
        folded = squash(text)
        return any(squash(word) in folded for word in self.subject)

    def vaguely_named_in(self, text: str) -> bool:
        folded = squash(text)
        return any(squash(word) in folded for word in self.vague)

    @property
    def service_ids(self) -> tuple[str, ...]:
        return tuple(m.service_id for m in self.members)

    def labels(self) -> dict[str, str]:
        return {m.service_id: m.label for m in self.members}

    def label(self, service_id: str) -> str:
        return self.labels()[service_id]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", fold_typing(unicodedata.normalize("NFC", text or "")).lower())


# Squashed (no spaces), so "ไม่ใช่ ย้ายเข้า" reads "ไม่ใช่ย้ายเข้า"; "ไม่ใช่การ…", "ไม่ได้ทำ…" too.
_NEGATION = re.compile(r"(?:ไม่ใช่|มิใช่|ไม่ได้|ไม่เอา)(?:การ|เรื่อง|แบบ|ทำ|ขอ)?$")


_NEGATION_WORD = re.compile(r"ไม่ใช่|มิใช่|ไม่ได้|ไม่เอา")


def _affirmed(cue: re.Pattern[str], squashed: str) -> bool:
    """A match of the cue neither negated nor spanning a negation ("ย้าย…เข้า" over "ย้ายออกไม่ใช่ย้ายเข้า")."""
    match = cue.search(squashed)
    while match is not None:  # every start, overlapping too: a later plain match may follow a negated one
        if not _NEGATION.search(squashed[: match.start()]) and not _NEGATION_WORD.search(match.group()):
            return True
        match = cue.search(squashed, match.start() + 1)
    return False


@dataclass(frozen=True)
class Twins:
    groups: tuple[TwinGroup, ...]

    @classmethod
    def load(cls, path: Path = TWINS_FILE) -> Twins:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = data.get("groups") if isinstance(data, Mapping) else None
        if not isinstance(items, list):
            raise TwinsError(f"{path.name}: expected a mapping with a list `groups`")
        groups = tuple(_group(item) for item in items)
        owners: dict[str, str] = {}
        for group in groups:
            for sid in group.service_ids:
                if sid in owners:
                    raise TwinsError(f"{sid}: in both {owners[sid]} and {group.id}")
                owners[sid] = group.id
        return cls(groups)

    def group_of(self, service_id: str) -> TwinGroup | None:
        for group in self.groups:
            if service_id in group.service_ids:
                return group
        return None

    def matching(self, text: str, group: TwinGroup) -> tuple[str, ...]:
        """The members whose cues the question has, in the group's order. A cue right after a negation
        does not count: "อยากย้ายออก ไม่ใช่ย้ายเข้า" names moving out only."""
        squashed = squash(text)
        return tuple(m.service_id for m in group.members if any(_affirmed(c, squashed) for c in m.cues))

    def resolve(self, text: str, group: TwinGroup) -> str | None:
        """The one member whose cue the question has, else None (no cue, or cues of several)."""
        picked = self.matching(text, group)
        return picked[0] if len(picked) == 1 else None

    def vague(self, text: str) -> TwinGroup | None:
        """The group a message names only by a word its members share ("ขอสอบถามเรื่องเบี้ยยังชีพ"),
        with no member's cue; None otherwise."""
        for group in self.groups:
            if group.vaguely_named_in(text) and not self.matching(text, group):
                return group
        return None

    def ask(self, ids: Iterable[str]) -> TwinGroup | None:
        """The group of the first id, if another of `ids` is in the same group."""
        ids = list(ids)
        if len(ids) < 2:
            return None
        group = self.group_of(ids[0])
        if group is None or not any(i in group.service_ids for i in ids[1:]):
            return None
        return group


def _group(item: Any) -> TwinGroup:
    if not isinstance(item, Mapping):
        raise TwinsError("each twin group is a mapping")
    gid = str(item.get("id") or "").strip()
    question = str(item.get("question_th") or "").strip()
    if not gid or not question:
        raise TwinsError(f"twin group {gid!r}: needs id and question_th")
    members = []
    for raw in item.get("members") or []:
        if not isinstance(raw, Mapping) or not raw.get("service") or not raw.get("label"):
            raise TwinsError(f"{gid}: each member needs service and label")
        label = str(raw["label"]).strip()
        if len(label) > SHORT_LABEL_MAX:
            raise TwinsError(f"{gid}: label {label!r} is longer than {SHORT_LABEL_MAX} characters")
        try:
            cues = tuple(re.compile(squash(str(c))) for c in raw.get("cues") or [])
        except re.error as exc:
            raise TwinsError(f"{gid}: bad cue ({exc})") from exc
        members.append(TwinMember(str(raw["service"]).strip(), label, cues))
    if len(members) < 2:
        raise TwinsError(f"{gid}: a twin group needs at least two members")
    labels = [m.label for m in members]
    if len(set(labels)) != len(labels):
        raise TwinsError(f"{gid}: two members share a label")
    subject = tuple(str(w).strip() for w in item.get("subject") or [] if str(w).strip())
    raw_vague = item.get("vague") or {}
    if not isinstance(raw_vague, Mapping):
        raise TwinsError(f"{gid}: vague is a mapping with words and members")
    vague = tuple(str(w).strip() for w in raw_vague.get("words") or [] if str(w).strip())
    vague_members = tuple(str(m).strip() for m in raw_vague.get("members") or [] if str(m).strip())
    unknown = [m for m in vague_members if m not in [x.service_id for x in members]]
    if unknown:
        raise TwinsError(f"{gid}: vague members {', '.join(unknown)} are not members of the group")
    return TwinGroup(gid, question, tuple(members), subject, vague, vague_members)


@lru_cache(maxsize=1)
def default() -> Twins:
    return Twins.load()


def group_of(service_id: str) -> TwinGroup | None:
    return default().group_of(service_id)


def resolve(text: str, group: TwinGroup) -> str | None:
    return default().resolve(text, group)


def ask(ids: Iterable[str]) -> TwinGroup | None:
    return default().ask(ids)
