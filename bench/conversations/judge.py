"""Judging one turn of a conversation: pure functions over what the bot said and the tracker.

A `Turn` holds what the runner observed for one message: the replies (text + buttons) the input
channel returned, the slots before and after, the tracker events of this turn and the active loop.
`check_turn` applies a turn's `expect` checks (all must hold) and returns the failed ones with why.
Nothing here talks to a server, so every check is unit-tested (tests/bench/test_conversations_judge.py).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# -- what the bot says when it does *not* answer a service -------------------------------------------
# Prefixes of the clarification / fallback / out-of-scope texts (actions/replies.py, bot/domain/
# responses.yml). Only used as a second guard: the primary signal of a service answer is the action
# setting the `service_id` slot in this turn.
NOT_AN_ANSWER_PREFIXES: tuple[str, ...] = (
    "ขออภัยค่ะ ยังไม่แน่ใจ",
    "ยังไม่แน่ใจว่าหมายถึงบริการใด",
    "ต้องการสอบถามบริการใดคะ",
    "สอบถามบริการใดคะ",
    "เรื่องนี้ยังไม่อยู่ในบริการที่ตอบได้",
    "เรื่องนี้ยังตอบไม่ได้",
    "ขออภัยค่ะ ยังไม่เข้าใจ",
    "ขออภัยค่ะ เรื่องนี้อยู่นอกขอบเขต",
    "ขออภัยค่ะ ช่วยได้เฉพาะเรื่องบริการของรัฐ",
    "หมายถึงเรื่องไหนคะ",
    "Which public service",
    "Sorry, this is not one of the services",
)
FALLBACK_PREFIXES: tuple[str, ...] = ("ขออภัยค่ะ ยังไม่เข้าใจ", "ขออภัยค่ะ ยังไม่แน่ใจ")
SERVICE_ACTION = "action_answer_service"
SMALL_TALK_MAX_CHARS = 200
# `asks:` names a form step. The authors' and dev sets use the forms' slot names; the citizen set's
# author was never shown them and named the steps plainly, so those names are read as these slots.
FORM_STEPS = {
    "category": "complaint_category",
    "description": "complaint_description",
    "location": "complaint_location",
    "photo": "complaint_photo",
    "consent": "contact_consent",
    "confirm": "complaint_confirm",
}
CASE_REF = re.compile(r"\b[A-Z]{2}\d{2}-\d{4}-\d{4}\b")
_PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z_]+)(?P<entities>\{.*\})?$", re.S)


@dataclass(frozen=True)
class ReplyButton:
    title: str
    payload: str


@dataclass
class Turn:
    """What the runner saw for one message."""

    said: str
    replies: list[dict[str, Any]]
    slots_before: dict[str, Any] = field(default_factory=dict)
    slots_after: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)  # tracker events of this turn only
    active_loop: str | None = None
    requested_slot: str | None = None

    @property
    def texts(self) -> list[str]:
        return [str(r["text"]) for r in self.replies if r.get("text")]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def buttons(self) -> list[ReplyButton]:
        return [
            ReplyButton(str(b.get("title", "")), str(b.get("payload", "")))
            for r in self.replies
            for b in r.get("buttons") or ()
            if isinstance(b, dict)
        ]


# -- payloads and buttons ----------------------------------------------------------------------------
def parse_payload(payload: str) -> tuple[str, dict[str, Any]] | None:
    """'/ask_service{"service_id":"x"}' -> ("ask_service", {"service_id": "x"}); None if not an intent."""
    match = _PAYLOAD.match(payload.strip())
    if match is None:
        return None
    entities: dict[str, Any] = {}
    if match.group("entities"):
        try:
            loaded = json.loads(match.group("entities"))
        except ValueError:
            return None
        if isinstance(loaded, dict):
            entities = loaded
    return match.group("intent"), entities


def button_services(buttons: Iterable[ReplyButton]) -> list[str]:
    """Service ids the buttons lead to, in order, without repeats."""
    found: list[str] = []
    for button in buttons:
        parsed = parse_payload(button.payload)
        if parsed is None:
            continue
        service = parsed[1].get("service_id")
        if isinstance(service, str) and service and service not in found:
            found.append(service)
    return found


def find_button(buttons: Sequence[ReplyButton], label: str) -> ReplyButton | None:
    """The button with this label: exact, else the only one whose label starts with / contains it."""
    wanted = label.strip()
    for button in buttons:
        if button.title.strip() == wanted:
            return button
    for test in (lambda t: t.startswith(wanted), lambda t: wanted in t):
        matches = [b for b in buttons if test(b.title.strip())]
        if len(matches) == 1:
            return matches[0]
    return None


# -- what happened in a turn -------------------------------------------------------------------------
def slot_sets_by_action(events: Sequence[Mapping[str, Any]], slot: str) -> list[tuple[str, Any]]:
    """(action name, value) for every SlotSet of `slot` in the events, attributed to the last action."""
    action = ""
    found = []
    for event in events:
        kind = event.get("event")
        if kind == "action":
            action = str(event.get("name") or "")
        elif kind == "slot" and event.get("name") == slot:
            found.append((action, event.get("value")))
    return found


def actions_run(events: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(e.get("name")) for e in events if e.get("event") == "action"]


def answered_service(turn: Turn) -> str | None:
    """The service the bot answered in this turn, or None (clarification, fallback, other intent).

    An answer is the service action setting `service_id` to a value in this turn, with a reply that is
    not one of the clarification / fallback / out-of-scope texts.
    """
    sets = [
        value for action, value in slot_sets_by_action(turn.events, "service_id") if action == SERVICE_ACTION
    ]
    if not sets or not sets[-1]:
        return None
    first = turn.texts[0] if turn.texts else ""
    if not first or first.startswith(NOT_AN_ANSWER_PREFIXES):
        return None
    return str(sets[-1])


def answered_life_event(turn: Turn, slot: str = "life_event") -> str | None:
    """The life event set in this turn (by any action), or None."""
    sets = [value for _, value in slot_sets_by_action(turn.events, slot)]
    if sets and sets[-1]:
        return str(sets[-1])
    return None


def is_fallback(turn: Turn) -> bool:
    return any(
        t.startswith(FALLBACK_PREFIXES) for t in turn.texts
    ) or "action_default_fallback" in actions_run(turn.events)


# -- yes / no ----------------------------------------------------------------------------------------
_PARTICLES = ("นะคะ", "นะครับ", "ค่ะ", "คะ", "ครับ", "คับ", "จ้ะ", "จ้า", "นะ", "จ้")
_TH_NO = ("ไม่จำเป็น", "ไม่ได้", "ไม่ต้อง", "ไม่ใช่", "ไม่มี", "ไม่เสีย", "ไม่สามารถ", "ไม่")
_TH_YES = ("จำเป็น", "สามารถ", "ได้", "ต้อง", "ใช่", "มี", "เสีย")
_EN_NO = (
    "no",
    "not",
    "cannot",
    "can't",
    "don't",
    "doesn't",
    "isn't",
    "you don't",
    "you can't",
    "there is no",
)
_EN_YES = ("yes", "you can", "you must", "you need", "it is", "there is")
_CLAUSE_END = re.compile(r"[\s,.!?;:()\"“”—–-]")


def _strip_particles(word: str) -> str:
    changed = True
    while changed:
        changed = False
        for particle in _PARTICLES:
            if word.endswith(particle) and len(word) > len(particle):
                word = word[: -len(particle)]
                changed = True
    return word


def yes_no_of(text: str) -> str | None:
    """'yes' / 'no' if the first line of a reply starts with, or its first clause ends in, a yes/no.

    Thai: ได้ / ไม่ได้, ต้อง / ไม่ต้อง, ใช่ / ไม่ใช่, มี / ไม่มี, เสีย / ไม่เสีย, จำเป็น / ไม่จำเป็น
    ("ได้ค่ะ …", "ไม่ต้องค่ะ", "ทำออนไลน์ได้ค่ะ", "ทำแทนไม่ได้ค่ะ"); English: yes / no / you can't ….
    "ยื่นได้ที่ …" is not a yes: the clause must start or end with the word (particles aside).
    """
    line = text.strip().splitlines()[0].strip() if text.strip() else ""
    if not line:
        return None
    lowered = line.lower()
    for phrase in _EN_NO:
        if re.match(rf"{re.escape(phrase)}\b", lowered):
            return "no"
    for phrase in _EN_YES:
        if re.match(rf"{re.escape(phrase)}\b", lowered):
            return "yes"
    clause = _CLAUSE_END.split(line, maxsplit=1)[0]
    bare = _strip_particles(clause)
    if bare.startswith(_TH_NO):
        return "no"
    if bare.startswith(_TH_YES):
        return "yes"
    if bare.endswith(_TH_NO[:-1]):  # "ทำแทนไม่ได้" (a bare trailing ไม่ is a question word, not a no)
        return "no"
    if bare.endswith(_TH_YES):  # "ทำออนไลน์ได้"
        return "yes"
    return None


def later_yes_no(text: str, max_lines: int = 3) -> tuple[int, str] | None:
    """(line number, yes/no) of the first of lines 2..max_lines that starts with a yes/no (diagnostics)."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    for number, line in enumerate(lines[1:max_lines], start=2):
        found = yes_no_of(line)
        if found is not None:
            return number, found
    return None


# -- language ----------------------------------------------------------------------------------------
def latin_share(text: str) -> float:
    """Share of Latin letters among the letters of `text` (Thai marks count as letters)."""
    latin = other = 0
    for char in text:
        if not unicodedata.category(char).startswith(("L", "M")):
            continue
        if "a" <= char.lower() <= "z":
            latin += 1
        else:
            other += 1
    total = latin + other
    return latin / total if total else 0.0


def is_english(text: str) -> bool:
    return latin_share(text) >= 0.6


# -- the checks --------------------------------------------------------------------------------------
def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _contains_any(text: str, needles: Iterable[str]) -> bool:
    lowered = text.lower()
    return any(n.lower() in lowered for n in needles if n)


@dataclass(frozen=True)
class Failure:
    check: str
    expected: Any
    why: str


KNOWN_CHECKS = frozenset(
    {
        "service",
        "aspect",
        "life_event",
        "clarify",
        "out_of_scope",
        "refer_any",
        "contains_any",
        "not_contains",
        "yes_no",
        "lang",
        "small_talk",
        "form_continues",
        "filed",
        "asks",
        "apology",
        "no_new_complaint_menu",
    }
)


def check_turn(
    turn: Turn,
    expect: Mapping[str, Any],
    life_event_slot: str = "life_event",
    complaint_labels: Iterable[str] = (),
) -> list[Failure]:
    """The failed checks of one turn (empty: the turn is right). Unknown check names fail."""
    failures: list[Failure] = []

    def fail(check: str, why: str) -> None:
        failures.append(Failure(check, expect.get(check), why))

    answer = answered_service(turn)
    text = turn.text
    for check, wanted in expect.items():
        if check == "service":
            got = turn.slots_after.get("service_id")
            if got != wanted:
                fail(check, f"service_id slot is {got!r}")
            elif answer != wanted:
                fail(
                    check,
                    "slot set but the reply is not a service answer"
                    if answer is None
                    else f"answered {answer}",
                )
        elif check == "aspect":
            got = turn.slots_after.get("service_aspect")
            if got != wanted:
                fail(check, f"service_aspect slot is {got!r}")
        elif check == "life_event":
            got = turn.slots_after.get(life_event_slot)
            if got != wanted:
                fail(check, f"{life_event_slot} slot is {got!r}")
        elif check == "clarify":
            offered = button_services(turn.buttons)
            missing = [s for s in _as_list(wanted) if s not in offered]
            if missing:
                fail(check, f"buttons lead to {offered}, missing {missing}")
        elif check == "out_of_scope":
            if bool(wanted):
                before = turn.slots_before.get("service_id")
                after = turn.slots_after.get("service_id")
                event = answered_life_event(turn, life_event_slot)
                if answer is not None:
                    fail(check, f"answered service {answer}")
                elif after and after != before:
                    fail(check, f"service_id slot set to {after}")
                elif event is not None:
                    fail(check, f"answered life event {event}")
            elif answer is None:
                fail(check, "no service answered")
        elif check == "refer_any" or check == "contains_any":
            if not _contains_any(text, _as_list(wanted)):
                fail(check, "none of these in the reply")
        elif check == "not_contains":
            present = [n for n in _as_list(wanted) if n and n.lower() in text.lower()]
            if present:
                fail(check, f"reply contains {present}")
        elif check == "yes_no":
            want_yn = {True: "yes", False: "no"}.get(wanted, wanted) if isinstance(wanted, bool) else wanted
            got_yn = yes_no_of(turn.texts[0] if turn.texts else "")
            if got_yn is None or (want_yn != "any" and got_yn != want_yn):
                later = later_yes_no(turn.texts[0] if turn.texts else "")
                fail(
                    check,
                    f"first line reads as {got_yn!r}"
                    + (f"; {later[1]!r} on line {later[0]}" if later else ""),
                )
        elif check == "lang":
            share = latin_share(text)
            if (wanted == "en" and share < 0.6) or (wanted == "th" and share >= 0.6):
                fail(check, f"Latin letters {share:.0%}")
        elif check == "small_talk":
            if bool(wanted):
                if answer is not None:
                    fail(check, f"answered service {answer}")
                elif is_fallback(turn):
                    fail(check, "fallback text")
                elif not text:
                    fail(check, "no reply")
                elif len(text) > SMALL_TALK_MAX_CHARS:
                    fail(check, f"reply is {len(text)} characters long")
        elif check == "form_continues":
            if bool(wanted) != bool(turn.active_loop):
                fail(check, f"active loop is {turn.active_loop!r}")
        elif check == "filed":
            found = CASE_REF.search(text) is not None
            if bool(wanted) != found:
                fail(check, "a case reference in the reply" if found else "no case reference in the reply")
        elif check == "asks":
            if turn.requested_slot != FORM_STEPS.get(wanted, wanted):
                fail(check, f"requested slot is {turn.requested_slot!r}")
        elif check == "apology":
            found = _contains_any(text, ("ขออภัย", "ขอโทษ", "sorry"))
            if bool(wanted) != found:
                fail(check, "apology present" if found else "no apology")
        elif check == "no_new_complaint_menu":
            # The menu is the category buttons to choose from: one button with a category's name is
            # the one-tap confirm of a category read from the citizen's own words, not a new menu.
            labels = set(complaint_labels)
            shown = [b.title for b in turn.buttons if b.title in labels]
            if bool(wanted) and len(shown) >= 2:
                fail(check, f"category menu shown again: {shown}")
        else:
            fail(check, "unknown check")
    return failures


# -- single questions --------------------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionExpect:
    kind: str  # service | life_event | out_of_scope
    target: str  # service id / life event id; "" for out_of_scope
    hints: tuple[str, ...] = ()


def parse_expect(raw: str) -> QuestionExpect:
    """`service:<id>` | `life_event:<id>` | `out_of_scope:<hint>|<hint>` (hints may be empty)."""
    kind, sep, rest = raw.strip().partition(":")
    kind = kind.strip()
    if kind == "out_of_scope":
        hints = tuple(h.strip() for h in rest.split("|") if h.strip())
        return QuestionExpect("out_of_scope", "", hints)
    if kind in ("service", "life_event") and sep and rest.strip():
        return QuestionExpect(kind, rest.strip())
    raise ValueError(f"bad expect {raw!r}: service:<id> | life_event:<id> | out_of_scope:<hints>")


@dataclass(frozen=True)
class QuestionScore:
    at1: bool
    at3: bool
    got: str  # what the bot did, for the report


def score_question(turn: Turn, expect: QuestionExpect, life_event_slot: str = "life_event") -> QuestionScore:
    answer = answered_service(turn)
    event = answered_life_event(turn, life_event_slot) or (turn.slots_after.get(life_event_slot) or None)
    offered = button_services(turn.buttons)[:3]
    if answer:
        got = f"service:{answer}"
    elif event:
        got = f"life_event:{event}"
    elif offered:
        got = "buttons:" + ",".join(offered)
    else:
        got = "no answer"
    if expect.kind == "service":
        at1 = answer == expect.target
        return QuestionScore(at1, at1 or expect.target in offered, got)
    if expect.kind == "life_event":
        at1 = event == expect.target
        return QuestionScore(at1, at1, got)
    at1 = answer is None and answered_life_event(turn, life_event_slot) is None
    if expect.hints:
        at1 = at1 and _contains_any(turn.text, expect.hints)
    return QuestionScore(at1, at1, got)
