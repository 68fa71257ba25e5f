"""How alike two citizen questions are, for grouping the review queue and matching taught referrals.

TF-IDF over two views of a question, cosine-compared: the knowledge search's own word tokens
(`knowledge.search.text.bm25_tokens`: PyThaiNLP newmm with the project's domain words, misspellings
rewritten, question words and particles dropped) and character trigrams of the squashed text (no
spaces, typing slips folded), which still match when the word cutter splits a misspelt word
differently. No model download and no new dependency: numpy only, fitted on the questions at hand.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from knowledge.agencies import squash
from knowledge.search.text import bm25_tokens, clean_query

CHAR_GRAM = 3
CHAR_WEIGHT = 0.5  # character trigrams back the words up; words decide
# Cosine to a group's centroid at or above which a question joins the group (chosen on the teaching
# benchmark's pool: bench/teaching/learning_curve.py prints the groups' purity).
GROUP_THRESHOLD = 0.35


def features(text: str) -> Counter[str]:
    """Word tokens ("w:") and character trigrams ("c:") of one question."""
    tokens = bm25_tokens(clean_query(text))
    out: Counter[str] = Counter(f"w:{token}" for token in tokens)
    squashed = squash("".join(tokens))  # content words only: shared question tails would join groups
    for i in range(max(0, len(squashed) - CHAR_GRAM + 1)):
        out[f"c:{squashed[i : i + CHAR_GRAM]}"] += 1
    return out


@dataclass(frozen=True)
class Vectors:
    """L2-normalised TF-IDF rows of the fitted texts, and the vocabulary to place new texts in."""

    matrix: np.ndarray  # (n_texts, n_features) float32
    vocabulary: dict[str, int]
    idf: np.ndarray

    @classmethod
    def fit(cls, texts: Sequence[str]) -> Vectors:
        counted = [features(t) for t in texts]
        document_frequency: Counter[str] = Counter()
        for c in counted:
            document_frequency.update(c.keys())
        vocabulary = {name: i for i, name in enumerate(sorted(document_frequency))}
        n = max(1, len(texts))
        idf = np.zeros(len(vocabulary), dtype=np.float32)
        for name, i in vocabulary.items():
            idf[i] = math.log((1 + n) / (1 + document_frequency[name])) + 1.0
        vectors = cls(np.zeros((0, len(vocabulary)), np.float32), vocabulary, idf)
        return cls(vectors._rows(counted), vocabulary, idf)

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        return self._rows([features(t) for t in texts])

    def _rows(self, counted: Sequence[Counter[str]]) -> np.ndarray:
        matrix = np.zeros((len(counted), len(self.vocabulary)), dtype=np.float32)
        for row, c in enumerate(counted):
            for name, count in c.items():
                column = self.vocabulary.get(name)
                if column is None:
                    continue
                weight = CHAR_WEIGHT if name.startswith("c:") else 1.0
                matrix[row, column] = weight * (1.0 + math.log(count)) * self.idf[column]
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.maximum(norms, 1e-12)


def group(texts: Sequence[str], threshold: float = GROUP_THRESHOLD) -> list[list[int]]:
    """Indices of `texts` in groups of alike questions, in the order each group was started.

    Leader clustering on centroids: each question (in the given order) joins the group whose centroid
    it is closest to when that cosine reaches `threshold`, else starts a group. Deterministic, one
    pass, and a group's centroid follows its members, so a group does not drift by chaining.
    """
    if not texts:
        return []
    rows = Vectors.fit(texts).matrix
    groups: list[list[int]] = []
    sums = np.zeros((0, rows.shape[1]), dtype=np.float32)
    for i, row in enumerate(rows):
        if len(groups):
            norms = np.linalg.norm(sums, axis=1)
            cosines = (sums @ row) / np.maximum(norms, 1e-12)
            best = int(np.argmax(cosines))
            if cosines[best] >= threshold:
                groups[best].append(i)
                sums[best] += row
                continue
        groups.append([i])
        sums = np.vstack([sums, row[None, :]])
    return groups
