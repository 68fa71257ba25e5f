"""Issue 10, dev14 / dev15 (blind writers' errands at the counter): a circumstance of the current errand
told with a word of its own ("เจ้าบ้าน") keeps the errand, though a story's cue (bedridden) is in it;
"who may go and report it" during a service is a question on the service, not on who learns who
reported a complaint; a foreign tourist cheated is the Tourist Police's; published rules added to the
records answer yes/no follow-ups first (nationality by birth, a temporary meter, repaying the student
loan, foreign shareholders, renewing a work permit early). Wordings differ
from the sets'."""

from __future__ import annotations

import pytest

from actions.service import asks_who_may_do
from actions.service_answer import compose_answer
from actions.service_resolver import ServiceResolver
from knowledge.agencies import AgencyDirectory
from tests.actions.decisions import decided


def test_a_circumstance_of_the_errand_keeps_it(resolver: ServiceResolver) -> None:
    told = "แม่เป็นเจ้าบ้าน แต่ป่วยนอนติดเตียงอยู่ ไปด้วยไม่ไหว"
    assert decided(resolver.decide(told, slot_id="house_registration_move_out")) == (
        "service:house_registration_move_out"
    )


def test_the_story_alone_still_gets_its_checklist(resolver: ServiceResolver) -> None:
    assert decided(resolver.decide("พ่อนอนติดเตียงมาสองเดือนแล้ว")).startswith("life_event:")


@pytest.mark.parametrize(
    ("text", "service_id", "expected"),
    [
        ("ใครไปแจ้งได้บ้างคะ", "death_registration", True),
        ("ใครเป็นคนยื่นได้บ้าง", "birth_registration", True),
        # the privacy question of a complaint
        ("เขาจะรู้ไหมว่าใครเป็นคนแจ้ง", "death_registration", False),
        ("ใครเห็นข้อมูลที่แจ้งได้บ้าง", "death_registration", False),
        # no service talked about
        ("ใครไปแจ้งได้บ้างคะ", None, False),
    ],
)
def test_who_may_do_the_errand(text: str, service_id: str | None, expected: bool) -> None:
    assert asks_who_may_do(text, service_id) is expected


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("ญาติที่เป็นฝรั่งมาเที่ยว โดนโกงค่าเช่าเจ็ตสกี", "tourist_police"),
        ("เพื่อนชาวต่างชาติถูกโกงค่ารถ แจ้งที่ไหน", "tourist_police"),
        ("ซื้อของออนไลน์โดนโกง", "aoc1441"),
    ],
)
def test_a_tourist_cheated(text: str, agency: str) -> None:
    found = AgencyDirectory.load().refer(text)
    assert found is not None and found.agency.id == agency


@pytest.mark.parametrize(
    ("record", "question", "expected"),
    [
        ("birth_registration", "พ่อเป็นคนต่างชาติ แม่เป็นคนไทย ลูกจะได้สัญชาติไทยมั้ย", "ได้"),
        ("electricity_meter", "ระหว่างสร้างบ้านขอไฟชั่วคราวได้ไหม", "ได้"),
        ("company_registration", "ชาวต่างชาติถือหุ้นบริษัทได้ไหม", "ได้"),
        ("foreign_worker_permit", "ใบอนุญาตทำงานยื่นต่อก่อนหมดอายุได้ไหม", "ได้"),
    ],
)
def test_the_published_rule_answers_first(
    resolver: ServiceResolver, record: str, question: str, expected: str
) -> None:
    decision = resolver.decide(question, slot_id=record)
    assert decision.record is not None and decision.record.id == record
    body, _ = compose_answer(decision.record, decision.aspect, "line", question, decision.passage)
    assert body.startswith(expected), body


def test_when_the_student_loan_is_repaid(resolver: ServiceResolver) -> None:
    question = "จบแล้วต้องเริ่มใช้หนี้ตอนไหน"
    decision = resolver.decide(question, slot_id="student_loan")
    assert decision.record is not None
    body, _ = compose_answer(decision.record, decision.aspect, "line", question, decision.passage)
    assert "2 ปี" in body.splitlines()[0], body
