"""Common government matters outside the 31 services, as citizens type them (issue 10, honest limits):
the directory names the agency for selling a car, a lost title deed, social security sections 39/40, a
theft, a runaway child, a visa for a trip abroad, a lost phone's SIM, a bank account, a doctor's
certificate, a civil-service scholarship, legitimation of a child, a certificate of single status, a
school's papers, agricultural reform land, bullying at school.
Wordings differ from the development sets' (dev11, dev12)."""

from __future__ import annotations

import pytest

from knowledge.agencies import AgencyDirectory

DIRECTORY = AgencyDirectory.load()


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("ขายมอเตอร์ไซค์ให้ญาติ ต้องไปโอนชื่อที่ไหน", "dlt"),
        ("จะเปลี่ยนชื่อเจ้าของรถในเล่มเขียว", "dlt"),
        ("โฉนดบ้านหายไปตอนน้ำท่วม ขอใหม่ยังไง", "dol"),
        ("อยากแบ่งแยกที่ดินเป็นสองแปลง", "dol"),
        ("ขายของตลาดนัด สมัคร ม.40 ได้ไหม", "sso"),
        ("ลาออกแล้วอยากส่งประกันสังคมต่อเอง", "sso"),
        ("ประกันสังคมเราอยู่โรงพยาบาลอะไร เช็คยังไง", "sso"),
        ("รถมอไซค์หายหน้าร้านเมื่อคืน", "police"),
        ("Someone stole my bag at the night market", "tourist_police"),
        ("หลานชายหนีออกจากบ้านไปตั้งแต่เมื่อวาน", "osc1300"),
        ("แม่แก่แล้ว ลูก ๆ ทิ้งไว้คนเดียวที่บ้าน", "osc1300"),
        ("ผัวตีทุกวันเลยค่ะ", "osc1300"),
        ("ไปเที่ยวญี่ปุ่นเดือนหน้า ต้องมีวีซ่าไหม", "foreign_embassy"),
        ("มือถือหาย อยากปิดเบอร์ก่อน", "nbtc"),
        ("อยากเปิดบัญชีเงินฝากให้หลาน", "bank"),
        ("ใบรับรองแพทย์สมัครงานขอที่ไหน", "clinic"),
        ("สมัครทุนรัฐบาลไปเรียนต่อเมืองนอก", "ocsc"),
        ("พ่อกับแม่ไม่ได้แต่งงานกัน จะจดทะเบียนรับรองบุตร", "dopa"),
        ("ขอใบรับรองความเป็นโสดที่ไหน", "dopa"),
        ("โอนเงินทำบุญวัดเลขบัญชีอะไร", "temple"),
        ("ของที่สั่งจากต่างประเทศติดศุลกากร", "customs"),
        ("ขอใบอนุญาตขายสุรา", "excise"),
        ("ยายความจำไม่ดี ออกจากบ้านไปตั้งแต่เช้ายังไม่กลับ", "osc1300"),
        ("ลูกถูกเพื่อนบูลลี่ที่โรงเรียน", "osc1300"),
        ("บ้านถูกงัดตอนกลางวัน", "police"),
        ("อยากได้ใบ รบ. ของลูก ไปขอที่ไหน", "school"),
        ("ที่ดิน ส.ป.ก. ของพ่อ โอนให้ลูกได้ไหม", "alro"),
        ("จะไปเรียนต่อที่แคนาดา ต้องขอวีซ่ายังไง", "foreign_embassy"),
        ("จะกู้เงินซื้อคอนโด ดอกเบี้ยที่ไหนถูก", "ghb"),
        ("Where do I pay the electricity bill in Chiang Mai?", "pea"),
        ("ญาติเสีย จะเบิกเงินฌาปนกิจของหมู่บ้าน", "osc1300"),
        ("กินอาหารเสริมแล้วใจสั่นมาก", "fda"),
    ],
)
def test_common_matters_have_an_agency(text: str, agency: str) -> None:
    referral = DIRECTORY.refer(text)
    assert referral is not None and referral.agency.id == agency, referral
    assert referral.why


@pytest.mark.parametrize(
    "text",
    [
        "สามีเป็นคนอังกฤษ วีซ่าจะหมด ต่อที่ไหน",  # a foreigner staying in Thailand: immigration
        "ลูกหายใจไม่ออก",  # not a missing child
        "ลูกหนี้ไม่ยอมจ่ายเงิน",  # a debtor is no runaway child
    ],
)
def test_look_alike_wordings_are_not_those_matters(text: str) -> None:
    referral = DIRECTORY.refer(text)
    assert referral is None or referral.agency.id not in {"foreign_embassy", "osc1300"}, referral


def test_a_referral_lists_every_phrase_of_its_agency_found() -> None:
    referral = DIRECTORY.refer("โดนขโมยรถมอไซค์ แจ้งความที่ไหน")
    assert referral is not None and referral.agency.id == "police"
    assert referral.found[0] == referral.matched
    assert {"แจ้งความ", "โดนขโมย", "ขโมยรถ"} <= set(referral.found)


def test_a_referral_keeps_the_phrase_that_matched_with_its_gap() -> None:
    referral = DIRECTORY.refer("โฉนดที่ดินแปลงริมคลองหายไปนานแล้ว")
    assert referral is not None and referral.agency.id == "dol"
    assert referral.phrase == "โฉนดที่ดิน*หาย"
    assert referral.matched == "โฉนดที่ดินแปลงริมคลองหาย"
