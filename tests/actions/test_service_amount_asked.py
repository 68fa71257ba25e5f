"""How much, asked: the record's amount first (web, child grant: "เงินอุดหนุนเด็กแรกเกิดได้เดือนละเท่าไหร่"
had got "ได้ค่ะ" from the FAQ on twins and the registration's free fee beside the grant), a percentage
however percent is typed (sms, unemployment: "ได้กี่เปอเซ็น" had got the overview), and no ได้ / ต้อง from
an FAQ's own yes/no question on a question that asks how. Through the real resolver over the seed;
wordings and services differ from the live ones."""

from __future__ import annotations

import pytest

from actions.replies import reply_for
from actions.service_answer import Passage, compose_answer
from actions.service_resolver import ServiceResolver
from actions.service_verdicts import POLARITY

VERDICT_LEADS = tuple(reply_for(key, "web").text for _, key in POLARITY)


def answered(
    resolver: ServiceResolver, question: str, current: str | None = None, channel: str = "web"
) -> str:
    decision = resolver.decide(question, slot_id=current)
    assert decision.kind == "answer" and decision.record is not None, decision
    return compose_answer(decision.record, decision.aspect, channel, question, decision.passage)[0]


@pytest.mark.parametrize(
    ("question", "figures"),
    [
        ("เงินอุดหนุนเด็กแรกเกิดได้เดือนละเท่าไหร่", ("600 บาทต่อเดือน",)),
        ("เงินเด็กแรกเกิด ได้เดือนละกี่บาทคะ", ("600 บาทต่อเดือน",)),
        ("เบี้ยคนพิการได้เดือนละเท่าไร", ("800 บาท", "1,000 บาท")),
    ],
)
def test_money_received_leads_with_its_amount(
    resolver: ServiceResolver, question: str, figures: tuple[str, ...]
) -> None:
    text = answered(resolver, question)
    first = text.splitlines()[0]
    assert not first.startswith(VERDICT_LEADS), first
    assert figures[0] in "\n".join(text.splitlines()[:2]), first  # the amount leads
    assert all(f in text for f in figures)
    assert "ค่าธรรมเนียม" not in text  # the registration's fee is not what one gets


@pytest.mark.parametrize(
    "question", ["ได้กี่เปอเซ็น", "ได้กี่เปอเซ็นคับ", "ได้กี่เปอร์คะ", "ได้กี่เปอร์เซ็นต์คะ", "ได้กี่ %", "ได้เปอร์เซ็นต์เท่าไหร่"]
)
def test_a_percentage_however_typed_is_the_record_figure(resolver: ServiceResolver, question: str) -> None:
    text = answered(resolver, question, "social_security_unemployment", "sms")
    lines = text.splitlines()
    assert "ร้อยละ 30" in text and "ร้อยละ 50" in text, text
    assert "ลาออก" in text and "เลิกจ้าง" in text  # each figure with what it is for
    assert lines[0] == reply_for("answer_benefits", "sms").text.split("\n")[0], lines[0]  # the amounts first
    assert lines[1].startswith("• เงินทดแทน"), lines[1]


def test_a_percentage_of_another_service(resolver: ServiceResolver) -> None:
    text = answered(resolver, "ดอกเบี้ยกี่เปอเซ็นคะ", "student_loan")
    assert text.splitlines()[0].startswith("อัตราดอกเบี้ย") and "ร้อยละ 1" in text.splitlines()[0]


def test_a_fee_asked_is_still_the_fee(resolver: ServiceResolver) -> None:
    text = answered(resolver, "ลงทะเบียนเงินเด็กแรกเกิดเสียค่าธรรมเนียมเท่าไหร่")
    assert "ไม่มีค่าธรรมเนียม" in text.splitlines()[0]


def test_a_how_question_gets_no_verdict_from_the_faq_yes_no() -> None:
    from knowledge.seedfile import load_dir

    record = next(r for r in load_dir() if r.id == "child_support_grant")
    faq = Passage(kind="faq", answer="ได้ ย้อนหลังตามระเบียบ", question="ลงทะเบียนช้าจะได้เงินย้อนหลังไหม")
    how = compose_answer(record, None, "line", "ลงทะเบียนช้า เงินย้อนหลังคิดยังไงคะ", faq)[0]
    assert how.startswith("ย้อนหลังตามระเบียบ"), how
    yes_no = compose_answer(record, None, "line", "ลงทะเบียนช้าได้เงินย้อนหลังไหมคะ", faq)[0]
    assert yes_no.startswith(reply_for("answer_yes_can", "line").text), yes_no
