"""Evaluation sets: `questions.tsv` (single questions) and `conversations.yml` (multi-turn), one folder each.

questions.tsv: one `expect<TAB>question` per line, '#' starts a comment line; expect is
`service:<id>`, `life_event:<id>` or `out_of_scope:<hint>|<hint>` (hints may be empty).

conversations.yml: a list of {id, channel (line | web | sms), note, turns: [{say, expect: {...}}]};
complaints.yml: the same shape, complaint and case conversations, reported as their own row;
`say: "[button] LABEL"` presses the button with that label in the previous reply, `[location]`
(optionally `[location] 13.75,100.5`) and `[photo]` share a LINE location / photo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.conversations.judge import KNOWN_CHECKS, QuestionExpect, parse_expect

CHANNELS = ("line", "web", "sms", "rest")


@dataclass(frozen=True)
class Question:
    line: int
    expect_raw: str
    expect: QuestionExpect
    text: str


@dataclass(frozen=True)
class TurnSpec:
    say: str
    expect: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Conversation:
    id: str
    channel: str
    note: str
    turns: tuple[TurnSpec, ...]


@dataclass(frozen=True)
class EvalSet:
    name: str
    path: Path
    questions: tuple[Question, ...]
    conversations: tuple[Conversation, ...]
    complaints: tuple[Conversation, ...] = ()


def load_questions(path: Path) -> list[Question]:
    questions = []
    for number, raw in enumerate(path.read_text("utf-8").splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        expect_raw, sep, text = line.partition("\t")
        if not sep or not text.strip():
            raise ValueError(f"{path}:{number}: expected `expect<TAB>question`, got {line!r}")
        try:
            expect = parse_expect(expect_raw)
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: {exc}") from exc
        questions.append(Question(number, expect_raw.strip(), expect, text.strip()))
    return questions


def load_conversations(path: Path) -> list[Conversation]:
    data = yaml.safe_load(path.read_text("utf-8")) or []
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of conversations")
    seen: set[str] = set()
    conversations = []
    for index, item in enumerate(data):
        where = f"{path}: conversation #{index + 1}"
        if not isinstance(item, dict) or "id" not in item or not isinstance(item.get("turns"), list):
            raise ValueError(f"{where}: needs id and turns")
        conv_id = str(item["id"])
        if conv_id in seen:
            raise ValueError(f"{where}: duplicate id {conv_id}")
        seen.add(conv_id)
        channel = str(item.get("channel") or "line")
        if channel not in CHANNELS:
            raise ValueError(f"{where} ({conv_id}): channel {channel!r} not in {CHANNELS}")
        turns = []
        for number, turn in enumerate(item["turns"], start=1):
            if not isinstance(turn, dict) or not isinstance(turn.get("say"), str):
                raise ValueError(f"{where} ({conv_id}) turn {number}: needs `say`")
            expect = turn.get("expect") or {}
            if not isinstance(expect, dict):
                raise ValueError(f"{where} ({conv_id}) turn {number}: expect must be a mapping")
            unknown = set(expect) - KNOWN_CHECKS
            if unknown:
                raise ValueError(f"{where} ({conv_id}) turn {number}: unknown checks {sorted(unknown)}")
            turns.append(TurnSpec(turn["say"], dict(expect)))
        conversations.append(Conversation(conv_id, channel, str(item.get("note") or ""), tuple(turns)))
    return conversations


def load_set(directory: Path) -> EvalSet:
    questions_path = directory / "questions.tsv"
    conversations_path = directory / "conversations.yml"
    complaints_path = directory / "complaints.yml"
    if not any(p.exists() for p in (questions_path, conversations_path, complaints_path)):
        raise FileNotFoundError(f"{directory}: no questions.tsv, conversations.yml or complaints.yml")
    questions = load_questions(questions_path) if questions_path.exists() else []
    conversations = load_conversations(conversations_path) if conversations_path.exists() else []
    complaints = load_conversations(complaints_path) if complaints_path.exists() else []
    return EvalSet(directory.name, directory, tuple(questions), tuple(conversations), tuple(complaints))


def referenced_ids(evalset: EvalSet) -> tuple[set[str], set[str]]:
    """(service ids, life event ids) the set names, to check they exist."""
    services: set[str] = set()
    events: set[str] = set()
    for question in evalset.questions:
        if question.expect.kind == "service":
            services.add(question.expect.target)
        elif question.expect.kind == "life_event":
            events.add(question.expect.target)
    for conversation in (*evalset.conversations, *evalset.complaints):
        for turn in conversation.turns:
            if "service" in turn.expect:
                services.add(str(turn.expect["service"]))
            if "clarify" in turn.expect:
                clarify = turn.expect["clarify"]
                services.update([clarify] if isinstance(clarify, str) else map(str, clarify))
            if "life_event" in turn.expect:
                events.add(str(turn.expect["life_event"]))
    return services, events
