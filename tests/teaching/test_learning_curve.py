"""The learning-curve benchmark at CI size (BM25 only): its question sets are disjoint and cover the
same services, and labelling the pool through the console's decision code raises held-out figures."""

from __future__ import annotations

from bench.teaching.learning_curve import pairs, run, section
from knowledge.seedfile import load_dir


def test_pool_and_evaluation_are_apart_and_cover_the_same_services() -> None:
    pool, held = pairs("questions_pool.tsv"), pairs("questions_eval.tsv")
    assert not {q for _, q in pool} & {q for _, q in held}
    assert len({q for _, q in pool}) == len(pool)
    services = {r.id for r in load_dir()}
    assert {s for s, _ in pool} == {s for s, _ in held} == services


def test_labelling_the_pool_raises_held_out_recall() -> None:
    points = run("none", [0, 279], seed=13)
    before, after = points
    assert before.labelled == 0 and after.labelled == 279
    assert after.decisions >= after.groups > 0 and 0.9 <= after.purity <= 1.0
    assert after.recall1 > before.recall1 and after.answered > before.answered
    assert after.missed_recall1 > 0.2  # questions the untaught search got wrong, now right
    text = section(points, "none", 155, 279, "cmd")
    assert "| 279 |" in text and "questions_eval.tsv" in text
