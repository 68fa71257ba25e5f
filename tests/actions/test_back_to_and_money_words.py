"""Follow-ups typed as people talk (issue 10, dev14): money called "ตังค์" and a percentage typed
"เปอร์เซ็น" are the records' เงิน and ร้อยละ, so a fee question keeps the current service; a message that
goes back to a service talked about earlier ("กลับมาเรื่อง…") is read with the words the citizen used for
it then, so it switches to that service (the renewal, not another ID card); published rules the records
now hold answer yes/no questions. Wordings differ from the set's."""

from __future__ import annotations

from typing import Any

import pytest

from actions.service_follow_up import back_to_earlier, with_context
from actions.service_resolver import ServiceResolver
from knowledge.spelling import fold_dialect


def _said(*texts: str) -> list[dict[str, Any]]:
    return [{"event": "user", "text": t} for t in texts]


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("ต้องเสียตังค์ไหมคะ", "ต้องเสียเงินไหมคะ"),
        ("ทำใหม่เสียตังกี่บาท", "ทำใหม่เสียเงินกี่บาท"),
        ("ดอกเบี้ยกี่เปอร์เซ็น", "ดอกเบี้ยร้อยละเท่าไหร่"),
        ("ลดหย่อนได้ 50 เปอร์เซ็นต์", "ลดหย่อนได้ 50 ร้อยละ"),
        ("ตั้งชื่อลูกใหม่", "ตั้งชื่อลูกใหม่"),  # ตั้ง is no money
        ("เรือตังเก", "เรือตังเก"),
    ],
)
def test_money_words_fold_to_the_records_words(typed: str, folded: str) -> None:
    assert fold_dialect(typed) == folded


@pytest.mark.parametrize(
    ("service_id", "typed"),
    [
        ("passport_new", "ต้องเสียตังค์เท่าไรคะ"),
        ("driving_license_renew", "ทั้งหมดเสียตังเท่าไหร่"),
    ],
)
def test_a_fee_in_spoken_money_words_stays_on_the_service(
    resolver: ServiceResolver, service_id: str, typed: str
) -> None:
    decision = resolver.decide(typed, slot_id=service_id)
    assert (decision.kind, decision.service_id, decision.aspect) == ("answer", service_id, "fee")


def test_a_percentage_of_the_wage_stays_on_the_unemployment_benefit(resolver: ServiceResolver) -> None:
    decision = resolver.decide("เงินเดือน 20,000 จะได้กี่เปอร์เซ็น", slot_id="social_security_unemployment")
    assert (decision.kind, decision.service_id) == ("answer", "social_security_unemployment")


def test_back_to_an_earlier_service_names_it_as_said_then() -> None:
    said = _said("บัตรประชาชนหมดอายุแล้วค่ะ จะไปต่อ", "แล้วใบขับขี่ล่ะ", "ขอย้อนไปเรื่องบัตรประชาชนนะคะ ใช้อะไรบ้าง")
    assert back_to_earlier(said[-1]["text"], said) == "บัตรประชาชนหมดอายุแล้ว ใช้อะไรบ้าง"
    # no earlier message names it: the name alone, without the going-back words
    assert back_to_earlier("กลับไปเรื่องโฉนดหน่อย ค่าโอนเท่าไร", _said("ต่อภาษีรถ")) == "โฉนด ค่าโอนเท่าไร"
    # a message that goes back to nothing is left as it is
    assert back_to_earlier("กลับบ้านไปแล้วทำต่อได้ไหม", said) == "กลับบ้านไปแล้วทำต่อได้ไหม"


def test_back_to_an_earlier_twin_switches_to_it(resolver: ServiceResolver) -> None:
    said = _said(
        "อยากต่ออายุบัตรประชาชนค่ะ เอกสารมีอะไรบ้าง",
        "แล้วพาสปอร์ตหมดอายุ ต้องทำที่ไหน",
        "กลับไปเรื่องบัตรประชาชนตะกี้ ใช้เวลานานไหม",
    )
    decision = resolver.decide(with_context(said[-1]["text"], said), slot_id="passport_new")
    assert (decision.kind, decision.service_id) == ("answer", "id_card_renew")


@pytest.mark.parametrize(
    ("service_id", "typed", "faq_words"),
    [
        ("social_security_unemployment", "จ่ายประกันสังคมมาได้ 3 เดือนเอง ตกงานจะได้เงินไหม", "ไม่ถึง 6 เดือน"),
        ("marriage_registration", "แฟนอายุ 18 พ่อแม่ต้องเซ็นยินยอมไหม", "ยินยอม"),
        ("driving_license_renew", "ต้องจองคิวล่วงหน้าไหมคะ", "จองคิว"),
        ("death_registration", "ใบมรณบัตรทำหายไปแล้ว ขอใหม่ได้มั้ย", "มรณบัตรหาย"),
        ("divorce_registration", "สามีอยู่ต่างจังหวัด อยู่กันคนละจังหวัดแบบนี้จดหย่าได้มั้ย", "คนละจังหวัด"),
    ],
)
def test_a_published_rule_answers_the_yes_no(
    resolver: ServiceResolver, service_id: str, typed: str, faq_words: str
) -> None:
    decision = resolver.decide(typed, slot_id=service_id)
    assert decision.service_id == service_id
    assert decision.passage is not None and faq_words in decision.passage.question


def test_building_a_house_names_the_building_permit(resolver: ServiceResolver) -> None:
    decision = resolver.decide("ขออนุญาตปลูกบ้านใช้เวลากี่วัน", slot_id="land_title_transfer")
    assert (decision.kind, decision.service_id) == ("answer", "building_permit")


@pytest.mark.parametrize(
    ("service_id", "question", "verdict"),
    [
        ("welfare_card", "หลานอายุ 16 สมัครได้มั้ยคะ", "ไม่ได้ค่ะ"),
        ("farmer_registration", "อายุ 13 ขึ้นทะเบียนเกษตรกรได้ไหม", "ไม่ได้ค่ะ"),
        ("welfare_card", "อายุ 30 สมัครได้มั้ยคะ", None),  # old enough: the other conditions still apply
        ("id_card_new", "ลูกอายุ 4 ขวบทำได้ไหม", None),  # under 7 may apply, not compelled
        ("marriage_registration", "อายุ 16 จดได้ไหม", None),  # under 18 with consent: age_exception's
    ],
)
def test_an_age_under_the_one_youngest_age_is_no(service_id: str, question: str, verdict: str | None) -> None:
    from actions.service_verdicts import age_below
    from knowledge.seedfile import load_dir

    record = next(r for r in load_dir() if r.id == service_id)
    got = age_below(record, question, "line")
    assert (got.split()[0] if got else None) == verdict
