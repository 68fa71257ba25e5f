"""Answers the seed lacked (dev3-dev6): a married woman need not take her husband's surname; a
recipient's death ends the old-age allowance and is reported to the local council; the 10-year passport
is for adults only; upper-secondary pupils can borrow from the student loan fund; a police clearance is
applied for in person (fingerprints) but can be collected by someone with a power of attorney; a car on
hire purchase does not by itself rule out the welfare card. The resolver finds the FAQ that says so.
Wordings differ from the sets'."""

from __future__ import annotations

import pytest

from actions.service_resolver import ServiceResolver
from knowledge.seedfile import load_dir


@pytest.mark.parametrize(
    ("current", "question", "service", "answer_starts"),
    [
        ("name_change", "จดทะเบียนสมรสแล้ว จำเป็นต้องใช้นามสกุลสามีไหมคะ", "name_change", "ไม่ต้อง"),
        ("elderly_allowance", "พ่อรับเบี้ยคนแก่อยู่ แล้วพ่อเสียชีวิต ต้องยกเลิกเบี้ยไหม", "elderly_allowance", "ญาติต้องแจ้ง"),
        ("passport_new", "ลูกอายุ 15 ขอเล่ม 10 ปีได้ไหมคะ", "passport_new", "ไม่ได้"),
        ("student_loan", "เรียน ปวช. ปี 1 กู้ กยศ. ได้หรือยัง", "student_loan", "ได้"),
        ("criminal_record_check", "ให้พี่สาวไปรับใบรับรองแทนได้ไหม", "criminal_record_check", "ได้"),
        ("criminal_record_check", "ให้พี่สาวไปยื่นขอแทนได้ไหม", "criminal_record_check", "ผู้ขอที่อยู่ในประเทศไทยต้องไป"),
        ("welfare_card", "ผ่อนรถเก๋งอยู่ จะลงทะเบียนได้ไหม", "welfare_card", "ได้ ถ้าผ่านเกณฑ์"),
    ],
)
def test_the_faq_that_answers_it(
    resolver: ServiceResolver, current: str, question: str, service: str, answer_starts: str
) -> None:
    decision = resolver.decide(question, slot_id=current)
    assert decision.service_id == service
    assert decision.passage is not None and decision.passage.kind == "faq", decision.passage
    assert decision.passage.answer.startswith(answer_starts), decision.passage.answer


def test_neighbouring_questions_keep_their_answers(resolver: ServiceResolver) -> None:
    # '10 ขวบ' is an age, not the 10-year book: the parents' question gets the parents' FAQ
    decision = resolver.decide("ลูก 10 ขวบจะทำพาสปอร์ต พ่อกับแม่ต้องไปทั้งคู่ไหม", slot_id="passport_new")
    assert decision.passage is not None and "10 ปี" not in decision.passage.answer
    # twenty and no ID card yet is the first ID card, not the adults-only passport
    assert resolver.decide("อายุ 20 แล้วยังไม่เคยมีบัตรประชาชนเลย ทำได้ไหมคะ").service_id == "id_card_new"
    # going back to one's own surname asks how, not whether a wife must take her husband's
    decision = resolver.decide("หย่าแล้วอยากกลับไปใช้นามสกุลเดิม ทำยังไงคะ", slot_id="name_change")
    assert decision.passage is None or not decision.passage.answer.startswith("ไม่ต้อง")
    # a new ID card after a name change is the FAQ on what to do next, not the surname-after-marriage one
    decision = resolver.decide("เปลี่ยนนามสกุลแล้ว ต้องทำบัตรประชาชนใบใหม่ด้วยไหม", slot_id="name_change")
    assert decision.passage is not None and decision.passage.answer.startswith("แก้ทะเบียนบ้าน")
    # the welfare card's FAQ on a car on hire purchase does not draw a vehicle tax question
    assert resolver.decide("ต่อทะเบียนมอเตอร์ไซค์ต้องใช้อะไรบ้าง").service_id == "vehicle_tax"
    # the allowance's FAQ on a recipient's death does not draw a death registration question away
    decision = resolver.decide("ตาเสียแล้วค่ะ ต้องไปแจ้งที่อำเภอภายในกี่วัน")
    assert decision.service_id == "death_registration"


def test_the_police_clearance_in_english_says_who_may_collect_it() -> None:
    record = next(r for r in load_dir() if r.id == "criminal_record_check")
    assert record.english is not None
    assert "collect the certificate for you with a power of attorney" in record.english.description
