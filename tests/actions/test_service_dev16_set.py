"""Issue 10, dev16 (a blind writer's situations and asides): a story that asks for one of its own steps
(a request "ขอ …", one office or the other, a yes/no on the office) gets that step, not the checklist; a
story that is only the setting of another service's question gets that service; an age glued to its
word is read as a number; a tone mark typed late is folded; the card "in the bag too" after a theft is
the lost card; a paper of another agency's to bring along, and a long phrase of the directory, are read
as such during a service; the follow-ups' yes/no comes first (someone going to an office instead, a
circumstance of the rule told without a figure, a warm ending). Wordings differ from the set's."""

from __future__ import annotations

import pytest

from actions.service_answer import compose_answer
from actions.service_resolver import ServiceResolver, is_question
from knowledge.seedfile import load_dir
from knowledge.spelling import fold_dialect
from tests.actions.decisions import decided

RECORDS = {record.id: record for record in load_dir()}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # a request for a step of the story
        ("ขอรับเงินว่างงานจากประกันสังคม หลังตกงานค่ะ", "service:social_security_unemployment"),
        # one office or the other, told without a space
        ("จะเปิดร้านกาแฟ ต้องไปจดที่เทศบาลหรือที่อำเภอ", "service:business_registration"),
        # a yes/no on the office of the story's first step
        ("พ่อเสียที่บ้านเมื่อคืน ต้องไปแจ้งที่อำเภอใช่ไหม", "service:death_registration"),
        # the story is the setting; the paper names another service
        ("ย้ายบ้านมาแล้ว แต่ได้หมายเรียกทหาร สด.35 ต้องทำยังไง", "service:military_conscription"),
        # an age glued to the word before it
        ("ลูกจะ18แล้ว เรื่องทหารต้องทำไง", "service:military_conscription"),
        # the card was in the bag that went
        ("บัตรประชาชนก็อยู่ในกระเป๋าด้วยค่ะ ทำใหม่ได้ไหม", "service:id_card_lost"),
    ],
)
def test_the_step_or_service_asked(resolver: ServiceResolver, question: str, expected: str) -> None:
    assert decided(resolver.decide(question)) == expected


def test_a_story_asking_what_to_do_still_gets_its_checklist(resolver: ServiceResolver) -> None:
    assert decided(resolver.decide("ตกงานมาเดือนนึงแล้ว ต้องทำอะไรบ้าง")) == "life_event:job_loss"


def test_thanks_and_sorry_are_no_requests() -> None:
    assert not is_question("ขอบคุณมากค่ะ")
    assert not is_question("ขอโทษค่ะ")
    assert is_question("ขอเบี้ยผู้สูงอายุให้แม่")


@pytest.mark.parametrize(
    ("question", "current", "expected"),
    [
        # a paper of the police's brought along is a step of the lost card
        ("ต้องพกใบแจ้งความไปด้วยไหมคะ", "id_card_lost", "service:id_card_lost"),
        (
            "which documents do we need from the embassy?",
            "marriage_registration",
            "service:marriage_registration",
        ),
        # after the change of name is done, the passport asked is what the change leads to
        ("เปลี่ยนเสร็จแล้วต้องทำพาสปอร์ตเล่มใหม่ไหม", "name_change", "service:name_change"),
        # a long phrase of the directory, though the search found the current service by the agency's name
        ("อยากส่งประกันสังคมต่อเองหลังลาออก", "social_security_unemployment", "refer:sso"),
        # wages owed: the benefit is measured in wages, it does not speak of them
        ("บริษัทค้างค่าจ้างสองเดือน ร้องที่ไหนได้", "social_security_unemployment", "refer:dlpw"),
    ],
)
def test_follow_ups(resolver: ServiceResolver, question: str, current: str, expected: str) -> None:
    assert decided(resolver.decide(question, slot_id=current)) == expected


def test_a_tone_mark_typed_late_is_folded() -> None:
    assert fold_dialect("ตอ้งไปเองไหม") == "ต้องไปเองไหม"
    assert fold_dialect("คอ่ยไปทีหลัง") == "ค่อยไปทีหลัง"
    # the อ of a word of its own keeps its mark
    assert fold_dialect("คนอ้วน กล่าวอ้าง ไร่อ้อย") == "คนอ้วน กล่าวอ้าง ไร่อ้อย"


@pytest.mark.parametrize(
    ("record", "question", "first_word"),
    [
        ("vehicle_tax", "ให้หลานไปจ่ายแทนที่ขนส่งได้ไหมจ้ะ", "ได้"),
        ("student_loan", "ครอบครัวรายได้น้อย กู้ กยศ. ได้ไหม", "ได้"),
        ("criminal_record_check", "ใบรับรองต้องไปแปลภาษาอังกฤษเองไหม", "ไม่ต้อง"),
    ],
)
def test_the_yes_or_no_comes_first(record: str, question: str, first_word: str) -> None:
    body, _ = compose_answer(RECORDS[record], None, "line", question)
    assert body.startswith(first_word), body


@pytest.mark.parametrize(
    ("record", "question", "first_word"),
    [
        ("foreign_worker_permit", "จ้างคนต่างด้าวโดยไม่ขอใบอนุญาตทำงาน ผิดกฎหมายไหม", "ใช่"),
        ("id_card_lost", "ต้องใช้ใบแจ้งความไหม", "ไม่ต้อง"),
    ],
)
def test_the_faq_found_gives_the_yes_or_no(
    resolver: ServiceResolver, record: str, question: str, first_word: str
) -> None:
    decision = resolver.decide(question, slot_id=record)
    assert decision.record is not None
    body, _ = compose_answer(decision.record, decision.aspect, "line", question, decision.passage)
    assert body.startswith(first_word), body


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # the address changed, and every office to tell asked: the moving checklist
        ("ได้ที่อยู่ใหม่แล้ว เปลี่ยนที่อยู่ต้องแจ้งที่ไหนบ้าง", "life_event:moving_house"),
        # a home of one's own, land said as ที่
        ("อยากมีบ้านเป็นของตัวเองค่ะ ต้องเริ่มยังไง", "life_event:buying_land"),
        ("จะซื้อที่แล้วสร้างบ้าน ต้องทำอะไรบ้าง", "life_event:buying_land"),
        # a twin named by a word of its own while the group's cues pick the other one alone
        ("ใบขับขี่ชั่วคราว 2 ปีใกล้หมด ต้องเปลี่ยนเป็นแบบ 5 ปี", "service:driving_license_renew"),
    ],
)
def test_checklists_and_twins(resolver: ServiceResolver, question: str, expected: str) -> None:
    assert decided(resolver.decide(question)) == expected


def test_where_to_buy_is_no_land(resolver: ServiceResolver) -> None:
    assert not decided(resolver.decide("ซื้อที่ไหนถูกสุด")).startswith("life_event:buying_land")
