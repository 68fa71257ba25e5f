"""A message in words the current service never uses is not its follow-up (dev8 round, issue 10): an
aspect word ("กี่โมง", "ที่ไหน") or an FAQ passage sharing a generic word used to keep the service, so a
new topic got the old service's answer; and the grant's everyday name ("เงินอุดหนุนเด็กแรกเกิด", now a
synonym) after birth registration was not a switch. Wordings differ from the sets'."""

from __future__ import annotations

import pytest

from actions.service_resolver import ServiceResolver, new_topic
from tests.actions.decisions import decided


def test_a_new_topic_after_a_service_is_not_answered_with_it(resolver: ServiceResolver) -> None:
    decision = resolver.decide("อู่ซ่อมรถใกล้บ้านอยู่ที่ไหน", slot_id="vehicle_tax")
    assert decided(decision) != "service:vehicle_tax"


def test_another_service_named_in_its_own_words_is_switched_to(resolver: ServiceResolver) -> None:
    decision = resolver.decide("ขอเงินอุดหนุนเด็กแรกเกิดด้วย พ่อสมัครแทนได้มั้ย", slot_id="birth_registration")
    assert decided(decision) == "service:child_support_grant"


@pytest.mark.parametrize(
    ("current", "question"),
    [
        ("elderly_allowance", "ยื่นที่เทศบาลได้ไหมคะ"),  # one word of its own: a place, still a follow-up
        ("marriage_registration", "ถ้าแฟนเป็นคนลาวต้องใช้อะไรเพิ่ม"),
        ("vehicle_tax", "ขาดไปสามปีต้องทำไง"),
        ("id_card_lost", "หายพร้อมกระเป๋าตังค์ ต้องแจ้งความก่อนไหม"),
        ("student_loan", "ดอกเบี้ยคิดกี่เปอร์เซ็นต์"),  # one word its own, the other cut in two
    ],
)
def test_follow_ups_in_the_services_words_stay(
    resolver: ServiceResolver, current: str, question: str
) -> None:
    assert decided(resolver.decide(question, slot_id=current)) == f"service:{current}"


def test_english_is_never_a_new_topic_by_thai_words(resolver: ServiceResolver) -> None:
    record = resolver._live.index().records["passport_new"]
    assert not new_topic(record, "how long does the express service take for a child")
