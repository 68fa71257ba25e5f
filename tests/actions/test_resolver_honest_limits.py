"""Questions the knowledge base does not cover, asked in the middle of a service that names their thing
in passing (dev14): a visa running out after the work permit is immigration's (1178), the money in a
deceased parent's account after the death registration is the bank's (the court for an estate
administrator), a job search after the unemployment benefit is the employment office's, a bank account's
name after a change of name is the bank's. The service's own questions stay with it. Wordings differ
from the set's."""

from __future__ import annotations

import pytest

from actions.service_resolver import ServiceResolver
from tests.actions.decisions import decided


@pytest.mark.parametrize(
    ("current", "question", "expected"),
    [
        ("foreign_worker_permit", "ลูกจ้างพม่าวีซ่าใกล้หมดแล้ว ไปต่อตรงไหนคะ", "refer:immigration"),
        ("foreign_worker_permit", "ถ้าวีซ่าขาดไปแล้วจะทำยังไง", "refer:immigration"),
        ("death_registration", "พ่อเสียแล้ว จะถอนเงินฝากของผู้ตายได้ยังไง", "refer:bank"),
        ("death_registration", "เงินในบัญชีของสามีที่เสียไปต้องทำไง", "refer:bank"),
        ("social_security_unemployment", "อยากหางานทำใหม่ มีเว็บของรัฐให้หางานไหม", "refer:doe"),
        ("name_change", "แก้ชื่อเสร็จแล้ว ชื่อในบัญชีธนาคารต้องเปลี่ยนเองไหม", "refer:bank"),
        # the service's own questions stay with it
        ("foreign_worker_permit", "ใบอนุญาตทำงานหมดอายุ ต่อที่ไหน", "service:foreign_worker_permit"),
        ("death_registration", "แจ้งตายใช้เอกสารอะไรบ้าง", "service:death_registration"),
        ("social_security_unemployment", "ต้องรายงานตัวทุกเดือนไหม", "service:social_security_unemployment"),
        ("name_change", "เปลี่ยนชื่อเสียค่าธรรมเนียมเท่าไหร่", "service:name_change"),
        # a document for a job application is still that document's service
        (None, "จะเอาใบตรวจประวัติอาชญากรรมไปสมัครงาน ขอได้ที่ไหนคะ", "service:criminal_record_check"),
    ],
)
def test_uncovered_matter_in_a_service(
    resolver: ServiceResolver, current: str | None, question: str, expected: str
) -> None:
    assert decided(resolver.decide(question, slot_id=current)) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("ครีมผิวขาวโฆษณาเกินจริง อยากแจ้ง อย.", "refer:fda"),
        ("อาหารเสริมลดน้ำหนักโฆษณาว่ารักษามะเร็งได้ แจ้งที่ไหน", "refer:fda"),
        ("รถดับกลางมอเตอร์เวย์ตอนกลางคืน ต้องโทรหาใคร", "refer:highway_police"),
        ("ยางแตกบนทางด่วน ขอความช่วยเหลือเบอร์อะไร", "refer:highway_police"),
        ("บ้านข้าง ๆ สร้างรั้วรุกล้ำเข้ามาในที่ดินเรา ทำยังไงดี", "refer:damrongdham"),
    ],
)
def test_referrals_as_typed(resolver: ServiceResolver, question: str, expected: str) -> None:
    assert decided(resolver.decide(question)) == expected
