"""A domain word the records never say whole ("เงินอุดหนุนเด็กแรกเกิด", "โฉนดที่ดิน") still matches the
word index through the index's words that spell it; domain words the index knows, and the NLU's tokens,
stay as they were."""

from __future__ import annotations

import pytest

from knowledge.search.cache import EmbeddingCache
from knowledge.search.embedders import Embedder
from knowledge.search.index import SearchIndex
from knowledge.search.text import bm25_tokens, index_tokens, spelt_by
from knowledge.seedfile import load_dir
from nlu.tokenize import tokenize


@pytest.fixture(scope="module")
def bm25_index() -> SearchIndex:
    return SearchIndex.build(load_dir(), None)


@pytest.fixture(scope="module")
def index(default_embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    cache = EmbeddingCache(tmp_path_factory.mktemp("emb"))
    return SearchIndex.build(load_dir(), default_embedder, cache=cache)


def test_a_compound_is_spelt_by_known_words_only() -> None:
    known = {"เงินอุดหนุน", "เด็กแรกเกิด", "เงิน", "อุดหนุน"}
    assert spelt_by("เงินอุดหนุนเด็กแรกเกิด", known) == ("เงินอุดหนุน", "เด็กแรกเกิด")  # fewest parts
    # a part the index never says leaves no stray syllable behind
    assert spelt_by("ร้องเรียน", {"เรียน"}) == ()
    assert spelt_by("เงินอุดหนุน", {"เงินอุดหนุน"}) == ()  # never the word itself


def test_only_unknown_domain_words_get_their_parts() -> None:
    known = {"เงินอุดหนุน", "เด็กแรกเกิด", "ทะเบียนบ้าน", "ทะเบียน", "บ้าน", "ลูก"}
    assert index_tokens("ลูกได้เงินอุดหนุนเด็กแรกเกิดไหม", known) == [
        "ลูก",
        "เงินอุดหนุนเด็กแรกเกิด",
        "เงินอุดหนุน",
        "เด็กแรกเกิด",
    ]
    # known whole: scored as before, not also as ทะเบียน + บ้าน
    assert index_tokens("ทะเบียนบ้าน", known) == ["ทะเบียนบ้าน"]


def test_nlu_and_answer_tokens_keep_the_domain_word_whole() -> None:
    assert "เงินอุดหนุนเด็กแรกเกิด" in [t.text for t in tokenize("ขอเงินอุดหนุนเด็กแรกเกิด")]
    assert bm25_tokens("ขอเงินอุดหนุนเด็กแรกเกิด") == ["เงินอุดหนุนเด็กแรกเกิด"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("เงินอุดหนุนเด็กแรกเกิด", "child_support_grant"),  # title: เงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิด
        ("โฉนดที่ดิน", "land_title_transfer"),
        ("สิทธิบัตรทอง", "universal_health_coverage"),
    ],
)
def test_word_index_matches_a_compound_the_records_word_otherwise(
    bm25_index: SearchIndex, question: str, expected: str
) -> None:
    scores = bm25_index.bm25_scores(question)
    assert scores is not None and scores.max() > 0
    assert bm25_index.ids[int(scores.argmax())] == expected


def test_a_question_naming_the_grant_by_its_compound_finds_it(index: SearchIndex) -> None:
    # Before: only "ขวบ" matched the word index (the first ID card's age), and the search was not sure.
    result = index.search("ลูกห้าขวบแล้ว ยังรับเงินอุดหนุนเด็กแรกเกิดได้อีกไหมคะ", top=3)
    assert result.best is not None and result.best.id == "child_support_grant"
