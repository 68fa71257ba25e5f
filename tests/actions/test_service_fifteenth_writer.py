"""Issue 10, the fifteenth blind writer's set (bench/conversations/dev14: one errand with the questions
asked at the counter) and what dev8 shared with it: a service's name said as a paper to bring is that
document, not the service issuing it; a name found inside a word of the current service's own names
names nothing; English needs asked alone stay on the service; an English story's step is told by its
title's words; a subject swapped in a what-about repeats the earlier question. Wordings differ from the
sets'."""

from __future__ import annotations

import pytest

from actions.service_answer import compose_answer
from actions.service_english import compose_english
from actions.service_follow_up import with_new_subject
from actions.service_resolver import ServiceResolver
from knowledge.seedfile import load_dir
from tests.actions.decisions import decided

RECORDS = {record.id: record for record in load_dir()}


@pytest.mark.parametrize(
    ("question", "current", "expected"),
    [
        # the papers a service asks for are named as papers, not as the services that issue them
        ("ต้องเอาสูติบัตรกับทะเบียนบ้านไปด้วยใช่ไหม", "military_conscription", "service:military_conscription"),
        # going back to a service by its name, with another service's paper asked about
        ("จะทำบัตรทอง ต้องใช้สูติบัตรด้วยไหม", "birth_registration", "service:universal_health_coverage"),
        ("จะทำบัตรทอง ต้องใช้สูติบัตรด้วยไหม", "child_support_grant", "service:universal_health_coverage"),
        # "บัตรหาย" inside "มรณบัตรหาย" is no lost ID card
        ("มรณบัตรหายค่ะ ขอใหม่ได้ไหม", "death_registration", "service:death_registration"),
        # an English need asked alone is a step of the service, not another agency's matter
        ("do we need a letter from the embassy?", "marriage_registration", "service:marriage_registration"),
        ("need a police report?", "passport_new", "service:passport_new"),
        # who it is for ("เด็กแรกเกิด") names no service meant for them
        ("เด็กแรกเกิดมีสิทธิ์เลยไหม", "universal_health_coverage", "service:universal_health_coverage"),
    ],
)
def test_follow_ups_keep_the_service(
    resolver: ServiceResolver, question: str, current: str, expected: str
) -> None:
    assert decided(resolver.decide(question, slot_id=current)) == expected


def test_a_paper_asked_alone_still_finds_its_service(resolver: ServiceResolver) -> None:
    assert decided(resolver.decide("ขอสูติบัตรใหม่ได้ที่ไหน")) == "service:birth_registration"


def test_an_english_story_step_by_its_title(resolver: ServiceResolver) -> None:
    # "newborn" is the story's cue; "register" is birth registration's title, not the grant's
    assert decided(resolver.decide("how can I register our newborn?")) == "service:birth_registration"


def test_an_english_deadline_asked_within_how_many_days() -> None:
    body, _ = compose_english(RECORDS["birth_registration"], "time", "line", None, "Within how many days?")
    assert "15 days" in body.splitlines()[0]


def test_english_papers_answer_the_need_yes() -> None:
    body, _ = compose_english(RECORDS["passport_new"], None, "line", None, "need a police report?")
    assert body.startswith("Yes")


def test_a_subject_swapped_with_the_earlier_words_repeats_the_question() -> None:
    events = [
        {"event": "user", "text": "ทำใบขับขี่รถยนต์ครั้งแรก อายุ 16 ได้ไหม"},
        {"event": "user", "text": "แล้วใบขับขี่มอไซค์ล่ะ"},
    ]
    assert with_new_subject("แล้วใบขับขี่มอไซค์ล่ะ", events) == "ทำใบขับขี่มอไซค์ครั้งแรก อายุ 16 ได้ไหม"
    # a word of its own is a question of its own
    events[-1]["text"] = "แล้วภาษีมอไซค์ล่ะ"
    assert with_new_subject("แล้วภาษีมอไซค์ล่ะ", events) == "แล้วภาษีมอไซค์ล่ะ"


def test_where_to_start_is_the_whole_checklist(resolver: ServiceResolver) -> None:
    assert decided(resolver.decide("แม่เพิ่งเสียเมื่อเช้า ไม่รู้จะเริ่มจากตรงไหนดี")) == "life_event:death"


def test_a_name_read_first_wins_over_one_inside_it(resolver: ServiceResolver) -> None:
    # "มรณบัตร|หาย": the death certificate lost, not "บัตรหาย" (a lost ID card)
    assert decided(resolver.decide("มรณบัตรหายค่ะ ขอใหม่ได้ไหม")) == "service:death_registration"
    assert decided(resolver.decide("บัตรหายค่ะ ทำยังไง")) == "service:id_card_lost"


@pytest.mark.parametrize(
    ("question", "current", "expected"),
    [
        # two words of another service's English title name it
        ("and the child support grant, can we get it?", "birth_registration", "service:child_support_grant"),
        # a near-twin's cue with its group's subject in English
        ("I also lost my ID card, what now?", "criminal_record_check", "service:id_card_lost"),
        # one shared word ("registration") a document of the current service names nothing
        ("Do I need my house registration?", "id_card_lost", "service:id_card_lost"),
    ],
)
def test_english_follow_ups_switch_only_by_name(
    resolver: ServiceResolver, question: str, current: str, expected: str
) -> None:
    assert decided(resolver.decide(question, slot_id=current)) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # a service just done and what next asked: the checklist of the event it begins
        ("จดทะเบียนหย่าเสร็จแล้วค่ะ ต้องดำเนินการอะไรต่อ", "life_event:divorce"),
        ("เพิ่งแจ้งตายเรียบร้อย ต้องทำอะไรต่อบ้าง", "life_event:death"),
        # not done: the service itself
        ("จดทะเบียนหย่าต้องทำอะไรบ้าง", "service:divorce_registration"),
    ],
)
def test_after_a_service_done_its_life_event(resolver: ServiceResolver, question: str, expected: str) -> None:
    assert decided(resolver.decide(question)) == expected


def test_an_english_story_asking_without_a_question_mark(resolver: ServiceResolver) -> None:
    assert decided(resolver.decide("my grandmother died in hospital, how to report the death")) == (
        "service:death_registration"
    )


def test_an_answer_opening_with_its_verdict_gives_it_once(resolver: ServiceResolver) -> None:
    # the FAQ opens "ไม่ต้อง …" and adds "แต่ยังต้องไปลงบัญชี…": its own verdict, said once
    question = "หลานเรียน รด.ปี3 จบแล้ว ยังต้องไปเกณฑ์อีกมั้ย"
    decision = resolver.decide(question, slot_id="military_conscription")
    body, _ = compose_answer(
        RECORDS["military_conscription"], decision.aspect, "line", question, decision.passage
    )
    assert body.splitlines()[0].startswith("ไม่ต้องค่ะ ผู้สำเร็จ")


def test_an_option_charged_for_can_be_had() -> None:
    # "ค่าจัดส่งทางไปรษณีย์ (ถ้าเลือก)": delivery by post is there, with its charge - not "not an office"
    body, _ = compose_answer(RECORDS["passport_new"], None, "line", "ให้ส่งพาสปอร์ตทางไปรษณีย์ได้มั้ยคะ")
    assert body.startswith("ได้ค่ะ ค่าจัดส่งทางไปรษณีย์")
    # applying at an office the record does not list is still no
    body, _ = compose_answer(RECORDS["passport_new"], "place", "line", "ยื่นทำพาสปอร์ตที่ไปรษณีย์ได้ไหม")
    assert body.startswith("ไม่ได้ค่ะ")


def test_which_month_asks_when(resolver: ServiceResolver) -> None:
    decision = resolver.decide("ไปตรวจเลือกทหารเดือนอะไรคะ", slot_id="military_conscription")
    assert decision.aspect == "time"


def test_another_province_in_english_asks_any_office() -> None:
    # the ID cards' offices in English, as the Thai list says them (any district office in the country)
    body, _ = compose_english(
        RECORDS["id_card_renew"], None, "line", None, "could I renew it in another province?"
    )
    assert body.startswith("Yes. Any district registration office")
    body, _ = compose_english(RECORDS["id_card_new"], "place", "line", None, "where do we apply?")
    assert "Any district office in Bangkok" in body
