"""Issue 10, dev2-dev5 round: several services named at once with "which first", a what-if told by a
life event's cue while on one of its steps, a retaken exam on a renewal, อะไร typed by ear, and two
answers the seed lacked (a temporary licence about to expire, the age of the draft). Wordings differ
from the sets'."""

from __future__ import annotations

import pytest

from actions.service_resolver import ServiceResolver
from knowledge.aspects import detect_aspect
from tests.actions.decisions import decided


def test_two_services_named_and_which_first_offers_both(resolver: ServiceResolver) -> None:
    decision = resolver.decide("บัตรประชาชนหาย พาสปอร์ตก็หายไปด้วย ทำอันไหนก่อนดีคะ")
    assert decided(decision) == "twins:id_card_lost,passport_new"
    assert decision.question.endswith("ค่ะ")
    # the one with near-twins is remembered, so "ทำบัตรก่อน" next is the lost card, not the twins' question
    assert decision.remember == "id_card_lost"
    follow = resolver.decide("เอาบัตรประชาชนก่อนค่ะ ยื่นที่ไหน", recent_id=decision.remember)
    assert decided(follow) == "service:id_card_lost"


def test_a_story_asking_which_first_gets_its_checklist_in_order(resolver: ServiceResolver) -> None:
    assert decided(resolver.decide("พ่อเสียแล้ว แจ้งตายกับโอนที่ดินทำอะไรก่อน")) == "life_event:death"


@pytest.mark.parametrize(
    ("question", "current", "expected"),
    [
        # a what-if told by the story's cue, on one of its steps: the same service in that case
        ("แล้วถ้าลาออกจากงานแล้วล่ะคะ", "universal_health_coverage", "service:universal_health_coverage"),
        # not on one of its steps: the story
        ("แล้วถ้าลาออกจากงานแล้วล่ะคะ", "passport_new", "life_event:job_loss"),
        # the twin is what is had already; the current service is asked by its name
        ("แม่รับเบี้ยคนชราอยู่แล้ว ขอเบี้ยคนพิการเพิ่มได้ไหม", "disability_allowance", "service:disability_allowance"),
        ("แล้วเบี้ยคนชราล่ะ", "disability_allowance", "service:elderly_allowance"),
        # the written exam again is the renewal's rule, not a first licence
        ("ต้องไปสอบข้อเขียนใหม่ด้วยไหมคะ", "driving_license_renew", "service:driving_license_renew"),
    ],
)
def test_follow_ups(resolver: ServiceResolver, question: str, current: str, expected: str) -> None:
    assert decided(resolver.decide(question, slot_id=current)) == expected


def test_the_written_exam_alone_is_still_a_first_licence(resolver: ServiceResolver) -> None:
    assert decided(resolver.decide("สอบข้อเขียนใบขับขี่ได้ที่ไหนบ้าง")) == "service:driving_license_new"


def test_what_typed_by_ear_asks_for_documents() -> None:
    assert detect_aspect("ต้องเตรียมอะรัยไปบ้าง") == "documents"
    assert detect_aspect("ใช้อารายบ้างคะ") == "documents"


def test_a_temporary_licence_near_its_end_is_changed_for_a_five_year_one(resolver: ServiceResolver) -> None:
    decision = resolver.decide("ใบขับขี่ชั่วคราวใกล้หมดอายุแล้ว ทำยังไงต่อคะ")
    assert decision.service_id == "driving_license_renew"
    assert decision.passage is not None and "5 ปี" in decision.passage.answer


def test_the_draft_age_is_in_the_conscription_rule(resolver: ServiceResolver) -> None:
    decision = resolver.decide("แล้วไปเกณฑ์ตอนอายุกี่ปีคะ", slot_id="military_conscription")
    assert decision.service_id == "military_conscription" and decision.aspect == "eligibility"
    assert decision.record is not None and "21" in (decision.record.eligibility or "")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # the story's cue only inside the service's own name, with a part of it asked: that service
        ("สมัครเบี้ยพิการ ต้องเตรียมเอกสารอะไรไปบ้าง", "service:disability_allowance"),
        # a story asking one part of a step: that step, though the search ranked another service first
        ("ปู่เสียแล้วครับ ต้องไปแจ้งที่อำเภอภายในกี่วัน", "service:death_registration"),
        # a story asking nothing of a service is still the checklist
        ("ลูกพิการแต่กำเนิดค่ะ", "life_event:disability"),
    ],
)
def test_stories_and_the_step_asked(resolver: ServiceResolver, question: str, expected: str) -> None:
    assert decided(resolver.decide(question)) == expected
