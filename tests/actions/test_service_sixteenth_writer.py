"""Issue 10, the sixteenth blind writer's set (bench/conversations/dev15: situations told rather than
services named, follow-ups that never repeat the service, other agencies' matters asked in the middle):
a referral aside ends nothing, so the next question naming no other service is the earlier service's;
going back by a word of an earlier service returns to the one answered then; a service outside a life
event named by a word none of its steps uses leaves the event; a tenant's name taken out is moving
out; an allowance said to be received already is not the one asked about; someone in the citizen's
matter who cannot be reached is a detail of it, not a wish for a person. Wordings differ from the set's."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.handover import ActionHandoverConfirm, tells_unreachable
from actions.service_follow_up import back_to_earlier, back_to_service
from actions.service_resolver import ServiceResolver
from tests.actions.conftest import make_tracker
from tests.actions.decisions import decided
from tests.actions.dialogue_events import answered, user


@pytest.mark.parametrize(
    ("question", "recent", "expected"),
    [
        # asked right after another agency's matter was referred, nothing else named
        ("ต้องไปวัดสายตาอีกรอบไหมคะ", "driving_license_renew", "service:driving_license_renew"),
        ("ต้องไปสำนักงานเกษตรอำเภอด้วยตัวเองไหม", "farmer_registration", "service:farmer_registration"),
    ],
)
def test_a_referral_aside_ends_nothing(
    resolver: ServiceResolver, question: str, recent: str, expected: str
) -> None:
    assert decided(resolver.decide(question, recent_id=recent)) == expected


def test_back_to_the_earlier_one_is_the_service_before_the_aside(resolver: ServiceResolver) -> None:
    said = [
        user("ตรวจประวัติอาชญากรรมใช้เวลากี่วัน", "ask_service"),
        user("กลับมาเรื่องเดิมค่ะ ต้องเตรียมเอกสารอะไร", "ask_service"),
    ]
    text = back_to_earlier(said[-1]["text"], said)
    assert text == "ต้องเตรียมเอกสารอะไร"
    assert (
        decided(resolver.decide(text, recent_id="criminal_record_check")) == "service:criminal_record_check"
    )


def test_a_new_story_after_an_aside_is_still_the_story(resolver: ServiceResolver) -> None:
    assert decided(resolver.decide("ลูกเพิ่งคลอดเมื่อวานค่ะ", recent_id="driving_license_renew")).startswith(
        "life_event:"
    )


def test_back_by_a_word_returns_to_the_service_answered_then() -> None:
    events = [
        user("ยายรับเบี้ยคนชราอยู่ จะย้ายไปอยู่กับหลาน", "ask_service"),
        *answered("elderly_allowance"),
        user("ย้ายเข้าบ้านหลานต้องทำไง", "ask_service"),
        *answered("house_registration_move_in"),
        user("ย้อนไปเรื่องเบี้ยหน่อย จะได้เงินต่อเนื่องไหม", "ask_service"),
    ]
    assert back_to_service("ย้อนไปเรื่องเบี้ยหน่อย จะได้เงินต่อเนื่องไหม", events) == "elderly_allowance"
    assert back_to_service("เงินจะได้ต่อเนื่องไหม", events) is None


def test_a_service_outside_the_event_named_by_its_own_word(resolver: ServiceResolver) -> None:
    asked = resolver.decide("จ้างพนักงานต่างด้าวต้องทำเรื่องอะไร", slot_event="opening_shop")
    assert decided(asked) == "service:foreign_worker_permit"
    follow = resolver.decide("ต้องใช้เอกสารอะไรบ้าง", slot_id="foreign_worker_permit", slot_event="opening_shop")
    assert decided(follow) == "service:foreign_worker_permit"


def test_a_departed_tenants_name_taken_out_is_moving_out(resolver: ServiceResolver) -> None:
    told = "ผู้เช่าย้ายไปหลายปีแล้ว แต่ชื่อยังค้างในทะเบียนบ้าน จะลบออกต้องทำยังไง"
    assert decided(resolver.decide(told)) == "service:house_registration_move_out"


def test_an_allowance_received_already_is_not_the_one_asked(resolver: ServiceResolver) -> None:
    asked = "แม่ได้เบี้ยผู้สูงอายุอยู่แล้ว จะรับทั้งสองอย่างได้ไหม"
    decision = resolver.decide(asked, slot_id="disability_allowance", slot_event="disability")
    assert decided(decision) == "service:disability_allowance"


def test_an_allowance_received_after_a_death_is_still_asked(resolver: ServiceResolver) -> None:
    # not the current service's near-twin: what is received is what is asked about (dev14 w14c06)
    asked = "แม่รับเบี้ยผู้สูงอายุอยู่ ต้องแจ้งให้หยุดจ่ายหรือเปล่า"
    decision = resolver.decide(asked, slot_id="death_registration", slot_event="death")
    assert decided(decision) == "service:elderly_allowance"


def test_someone_unreachable_is_a_detail_of_the_service() -> None:
    assert tells_unreachable("ติดต่อเขาไม่ได้แล้วค่ะ")
    assert not tells_unreachable("ติดต่อเจ้าหน้าที่ไม่ได้เลย")
    tracker = make_tracker(
        "ติดต่อเขาไม่ได้แล้วค่ะ", intent="request_human", slots={"service_id": "house_registration_move_out"}
    )
    events = asyncio.run(ActionHandoverConfirm().run(CollectingDispatcher(), tracker, {}))
    assert [e.get("name") for e in events] == ["action_answer_service"]
    # with no service talked about, it is still confirmed as a wish for a person
    alone = make_tracker("ติดต่อเขาไม่ได้แล้วค่ะ", intent="request_human")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionHandoverConfirm().run(dispatcher, alone, {}))
    assert dispatcher.messages


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # dev7 d7c029: "เสียเงิน" is paying; the card is not "เสีย" (broken)
        ("แล้วต่อบัตรเสียเงินไหมคะ", "service:id_card_renew"),
        ("บัตรเสียต้องทำยังไง", "service:id_card_lost"),
    ],
)
def test_paying_for_a_card_is_no_broken_card(resolver: ServiceResolver, question: str, expected: str) -> None:
    assert decided(resolver.decide(question, slot_id="id_card_renew")) == expected
