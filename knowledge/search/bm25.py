"""Okapi BM25 as one sparse matrix, so scoring a query is a column slice and a dot product.

Same formula and defaults as rank_bm25.BM25Okapi (k1=1.5, b=0.75, negative idf floored at
epsilon x mean idf; tests compare the two), but rank_bm25 walks every document in Python for every
query word, which costs ~10 ms per query on a 2,000-record base; this costs well under 1 ms.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse


class SparseBM25:
    def __init__(
        self, corpus: Sequence[Sequence[str]], k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25
    ):
        self.n_docs = len(corpus)
        vocab: dict[str, int] = {}
        doc_freq: Counter[str] = Counter()
        rows, cols, tfs = [], [], []
        lengths = np.array([len(doc) for doc in corpus], dtype=np.float64)
        for row, doc in enumerate(corpus):
            counts = Counter(doc)
            doc_freq.update(counts.keys())
            for term, count in counts.items():
                rows.append(row)
                cols.append(vocab.setdefault(term, len(vocab)))
                tfs.append(count)
        self.vocab = vocab
        avgdl = float(lengths.mean()) if self.n_docs and lengths.sum() else 1.0
        idf = np.zeros(len(vocab))
        for term, col in vocab.items():
            n = doc_freq[term]
            idf[col] = math.log(self.n_docs - n + 0.5) - math.log(n + 0.5)
        if len(idf):
            floor = epsilon * float(idf.mean())
            idf[idf < 0] = floor
        tf = np.asarray(tfs, dtype=np.float64)
        row_idx = np.asarray(rows, dtype=np.int64)
        col_idx = np.asarray(cols, dtype=np.int64)
        norm = k1 * (1 - b + b * lengths[row_idx] / avgdl)
        weights = idf[col_idx] * tf * (k1 + 1) / (tf + norm)
        self._matrix = sparse.csc_matrix((weights, (row_idx, col_idx)), shape=(self.n_docs, len(vocab)))

    def get_scores(self, query: Sequence[str]) -> np.ndarray:
        counts = Counter(t for t in query if t in self.vocab)
        if not counts:
            return np.zeros(self.n_docs)
        cols = [self.vocab[t] for t in counts]
        weights = np.fromiter(counts.values(), dtype=np.float64, count=len(cols))
        return np.asarray(self._matrix[:, cols] @ weights).ravel()
