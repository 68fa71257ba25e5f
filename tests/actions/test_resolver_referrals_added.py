"""Referrals the directory lacked (dev3-dev5): wanting to stop using drugs is treatment (1165), not the
police; an expired snack bought in a shop is a consumer complaint (1166, food also 1556), not the ID
card's renewal; a teacher's licence is the Teachers' Council's; an employer laying off staff is labour
protection (1546), not the citizen's job loss. Wordings differ from the sets'."""

from __future__ import annotations

import pytest

from actions.service_resolver import ServiceResolver
from tests.actions.decisions import decided


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("ติดยาเสพติดมาสองปี อยากเลิกยาเสพติดแล้วครับ ไปที่ไหนได้", "refer:thanyarak"),
        ("ซื้อเครื่องดื่มในร้านสะดวกซื้อมาหมดอายุ จะร้องเรียนค่ะ", "refer:ocpb"),
        ("ขนมปังที่ซื้อในห้างขึ้นรา แจ้งใครได้บ้าง", "refer:ocpb"),
        ("ใบประกอบวิชาชีพครูใกล้หมดอายุ ต่อที่ไหนคะ", "refer:ksp"),
        ("กิจการไม่ไหวแล้ว จะเลิกจ้างลูกน้อง ต้องทำยังไงบ้าง", "refer:dlpw"),
        # the citizen's own job loss is still the checklist
        ("โดนบริษัทเลิกจ้างเมื่อวาน ต้องทำยังไงบ้าง", "life_event:job_loss"),
        # an expired card or licence is still its renewal
        ("บัตรประชาชนหมดอายุไปสองเดือน ต่อที่ไหน", "service:id_card_renew"),
    ],
)
def test_referrals(resolver: ServiceResolver, question: str, expected: str) -> None:
    assert decided(resolver.decide(question)) == expected


def test_a_referral_in_the_middle_of_another_service(resolver: ServiceResolver) -> None:
    decision = resolver.decide("อีกเรื่องค่ะ ขนมที่ซื้อมาจากห้างหมดอายุ ร้องเรียนที่ไหน", slot_id="id_card_renew")
    assert decided(decision) == "refer:ocpb"
