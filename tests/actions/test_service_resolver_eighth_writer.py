"""Issue 10, dev7 round: stories told by who was born or what was agreed, services named by a form's
number or a word of their own, topics of other agencies (a stolen phone, bird flu, a tourist's taxi),
and follow-ups in the service's own words. Wordings differ from the sets'."""

from __future__ import annotations

import pytest

from actions.service_answer import faq_aspect
from actions.service_resolver import ServiceResolver, asks_what_to_do, speaks_of
from actions.service_small_talk import accepts
from tests.actions.decisions import decided


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # stories: which child was born, a parent for the first time, a separation agreed, a move in,
        # a shop after leaving a job, a plot bought to build on
        ("หลานสาวเกิดแล้วค่ะ ต้องไปทำเอกสารอะไรบ้าง", "life_event:birth"),
        ("ลูกชายคนที่สองเพิ่งคลอด ต้องทำอะไรบ้าง", "life_event:birth"),
        ("เพิ่งได้เป็นพ่อครับ ต้องไปทำอะไรที่เขตบ้าง", "life_event:birth"),
        ("ตกลงกับภรรยาแล้วว่าจะเลิกกันครับ", "life_event:divorce"),
        ("ย้ายเข้ามาอยู่ทาวน์เฮาส์ได้อาทิตย์นึง มีอะไรต้องทำบ้าง", "life_event:moving_house"),
        ("ลาออกมาทำร้านส้มตำกับพี่สาว ต้องจดอะไรบ้าง", "life_event:opening_shop"),
        ("ซื้อที่แปลงเล็กๆติดถนนไว้ปลูกบ้าน ต้องทำอะไรบ้าง", "life_event:buying_land"),
        # services: a child's birth year is an age, not a story; a form's number; the building named by
        # what is built; a word only one service uses; the benefit named by its two words
        ("ลูกชายเกิดปี 2548 ต้องไปเกณฑ์ทหารไหม", "service:military_conscription"),
        ("จะขอ อ.1 สร้างโรงรถ ต้องยื่นอะไรบ้าง", "service:building_permit"),
        ("ขอใบอนุญาตสร้างโรงงานเล็กๆ ต้องไปที่ไหน", "service:building_permit"),
        ("ย้ายภูมิลำเนาทหารต้องไปที่ไหนครับ", "service:military_conscription"),
        ("ลดหย่อนบุตรคนที่สองได้เท่าไหร่", "service:personal_income_tax"),
        ("ว่างงาน ปกส ต้องทำยังไง", "service:social_security_unemployment"),
        # another agency's topic; an ID card lost with the phone is still the ID card
        ("มือถือถูกขโมยบนรถเมล์ ต้องแจ้งที่ไหน", "refer:police"),
        ("บัตรประชาชนเสียบอยู่ในเคสมือถือ มือถือหายไปแล้ว", "service:id_card_lost"),
        ("เป็ดที่เลี้ยงไว้ตายหลายตัว กลัวไข้หวัดนก", "refer:ddc"),
        ("The taxi driver from the airport overcharged us, who do we complain to?", "refer:tourist_police"),
        ("how to file personal income tax in thailand", "service:personal_income_tax"),  # no taxi in "tax in"
    ],
)
def test_first_messages(resolver: ServiceResolver, question: str, expected: str) -> None:
    assert decided(resolver.decide(question)) == expected


@pytest.mark.parametrize(
    ("question", "current", "expected"),
    [
        ("มีลูกแฝดสามคน ได้ครบทุกคนไหม", "child_support_grant", "service:child_support_grant"),
        ("ขอเพิ่มแปลงนาอีกแปลง ต้องทำยังไง", "farmer_registration", "service:farmer_registration"),
    ],
)
def test_follow_ups_in_the_services_own_words(
    resolver: ServiceResolver, question: str, current: str, expected: str
) -> None:
    assert decided(resolver.decide(question, slot_id=current)) == expected


def test_what_to_do_covers_papers_and_things_to_report() -> None:
    assert asks_what_to_do("ต้องทำเอกสารอะไรให้ลูกบ้าง")
    assert asks_what_to_do("มีอะไรต้องแจ้งบ้างคะ")
    assert asks_what_to_do("ต้องทำเรื่องที่เขตยังไงบ้าง")
    assert not asks_what_to_do("แจ้งเกิดใช้เอกสารอะไรบ้าง")


def test_a_question_out_of_scope_in_other_words_is_not_answered_from_the_current_service(
    resolver: ServiceResolver,
) -> None:
    marriage = resolver._live.index().records["marriage_registration"]
    assert not speaks_of(marriage, "ว่าแต่ ราคาสร้อยทองวันนี้เท่าไหร่ จะซื้อให้แฟน")
    assert speaks_of(marriage, "ถ้าไม่มีพยานล่ะ") and speaks_of(marriage, "เท่าไหร่คะ")
    assert speaks_of(marriage, "มีเบอร์โทรถามไหม")  # the agency of the service
    current = "marriage_registration"
    assert not accepts("answer", "out_of_scope", "ราคาทองเท่าไหร่", current, current, True, False)
    assert accepts("answer", "out_of_scope", "ถ้าไม่มีพยานล่ะ", current, current, True, True)
    assert accepts("answer", "chitchat", "ราคาทองเท่าไหร่", current, current, True, False)  # the NLU's call


def test_an_faq_on_updating_or_vouching_is_not_about_a_fine() -> None:
    assert faq_aspect("เพิ่มแปลงใหม่ต้องทำอย่างไร", "แจ้งปรับปรุงข้อมูลที่สำนักงานเกษตรอำเภอ") != "fee"
    assert faq_aspect("ไม่มีบัตรเดิมทำได้ไหม", "ได้ ให้บุคคลที่น่าเชื่อถือไปรับรองตัว") != "fee"
    assert faq_aspect("ไม่ไปแจ้งจะเป็นอะไรไหม", "อาจถูกปรับไม่เกิน 1,000 บาท") == "fee"
