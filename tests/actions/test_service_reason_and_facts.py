"""A question about the current service with a situation given as its reason stays on that service
(dev17 w17c058: "ขอผ่อนน้อยลงได้ไหม ตกงานอยู่" on the student loan had become the job-loss story), and
yes/no questions whose fact the record holds get their verdict on the first line (an option the record
charges for named by its verb, a parent's debts and the student loan).
Wordings differ from the set's."""

from __future__ import annotations

import pytest

from actions.service_resolver import ServiceResolver, reason_apart
from actions.service_verdicts import optional_fee_verdict
from knowledge.seedfile import load_dir
from tests.actions.decisions import decided


@pytest.mark.parametrize(
    ("current", "question"),
    [
        ("student_loan", "ขอลดยอดผ่อนต่อเดือนได้ไหม ตอนนี้ตกงาน"),
        ("student_loan", "ตกงานอยู่ค่ะ ขอพักชำระหนี้ได้ไหม"),
        ("student_loan", "ขอเลื่อนจ่ายงวดนี้ได้ไหมเพราะตกงาน"),
        ("vehicle_tax", "จ่ายภาษีรถช้าได้ไหม เพราะลูกป่วย"),
        ("universal_health_coverage", "ถูกเลิกจ้างแล้ว ยังใช้สิทธิได้ไหม"),
        ("elderly_allowance", "แม่เพิ่งเสีย ต้องแจ้งหยุดรับเบี้ยไหม"),
    ],
)
def test_a_reason_told_keeps_the_current_service(
    resolver: ServiceResolver, current: str, question: str
) -> None:
    assert decided(resolver.decide(question, slot_id=current)) == f"service:{current}"


@pytest.mark.parametrize(
    ("current", "question", "expected"),
    [
        # the story asking what to do is the story's checklist
        ("student_loan", "ตกงานอยู่ ต้องทำอะไรบ้าง", "life_event:job_loss"),
        # another service asked by its name is that service
        ("passport_new", "แม่เพิ่งเสีย ต้องแจ้งตายที่ไหน", "service:death_registration"),
    ],
)
def test_a_story_that_asks_of_itself_still_leaves(
    resolver: ServiceResolver, current: str, question: str, expected: str
) -> None:
    assert decided(resolver.decide(question, slot_id=current)) == expected


def test_the_reason_is_split_from_the_question() -> None:
    assert ("ขอผ่อนได้ไหม", "เพราะตกงาน") in reason_apart("ขอผ่อนได้ไหมเพราะตกงาน")
    assert ("ขอผ่อนได้ไหม", "ตกงานอยู่") in reason_apart("ขอผ่อนได้ไหม ตกงานอยู่")
    assert reason_apart("ขอผ่อนได้ไหม") == []
    # a bare how-to asks about the clause before it, which is no reason
    assert reason_apart("หย่าแล้วกลับไปใช้นามสกุลเดิม ทำไงคะ") == []


RECORDS = {r.id: r for r in load_dir()}


@pytest.mark.parametrize("question", ["ส่งไปรษณีย์มาที่บ้านได้ไหม", "ได้เล่มแล้วส่งไปรษณีย์ให้ได้ไหมคะ"])
def test_an_option_named_by_its_verb_is_answered_yes(question: str) -> None:
    line = optional_fee_verdict(RECORDS["passport_new"], question, "web")
    assert line is not None and line.startswith("ได้ค่ะ")


def test_an_office_is_not_the_option() -> None:
    assert optional_fee_verdict(RECORDS["passport_new"], "ยื่นคำร้องที่ไปรษณีย์ได้ไหม", "web") is None


def test_another_agencys_matter_told_first_is_no_reason(resolver: ServiceResolver) -> None:
    """dev11 (measured at the end of the stop): wages owed on being laid off, asked where to complain
    during the unemployment benefit, had got the benefit's offices instead of labour protection."""
    decision = resolver.decide(
        "นายจ้างไม่ยอมจ่ายค่าชดเชยเลิกจ้างด้วย ไปร้องที่ไหนได้", slot_id="social_security_unemployment"
    )
    assert decision.service_id != "social_security_unemployment"
