"""Answers the eleventh blind writer's set (bench/conversations/dev10) found wrong."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions.case_status import owed_apology
from actions.complaint_referral import REFERRED
from actions.service import ActionAnswerService
from actions.service_answer import compose_answer
from actions.service_income import income_said
from actions.service_resolver import Decision
from knowledge.seedfile import load_dir
from tests.actions.conftest import make_tracker

RECORDS = {record.id: record for record in load_dir()}


def test_a_salary_the_whole_year_is_a_months_amount() -> None:
    # "เงินเดือน 15,000 ทั้งปี" had been read as 15,000 a year: "ไม่ต้องค่ะ รายได้ 15,000 บาทต่อปี" (b005)
    assert income_said("หนูทำงานปีแรกเงินเดือน 15,000 ทั้งปี ต้องยื่นไหมคะ") == 180_000
    assert income_said("รายได้ 80,000 ทั้งปี ได้ไหม") == 80_000  # an income for the whole year is a year's
    question = "หนูทำงานปีแรกเงินเดือน 15,000 ทั้งปี ต้องยื่นไหมคะ"
    line = compose_answer(RECORDS["personal_income_tax"], None, "line", question)[0].splitlines()[0]
    assert line.startswith("ต้องค่ะ") and "180,000" in line, line


@pytest.mark.parametrize(
    ("text", "slots", "files"),
    [
        # a nuisance the NLU did not hear as a complaint, and the search found no service for
        ("แมวจรเยอะ ขี้เต็มหน้าบ้าน แจ้งได้ไหม", {}, True),
        ("ขอแจ้งแบบไม่ระบุตัวตนได้ไหมคะ เรื่องร้านเหล้าเปิดเพลงดังตอนดึก", {}, True),
        # a service being talked about: its follow-up, never a complaint
        ("แมวจรเยอะ ขี้เต็มหน้าบ้าน แจ้งได้ไหม", {"service_id": "house_registration_move_in"}, False),
        # how long it takes is the form's own question (live: "ไฟถนนหน้าบ้านดับ ต้องรอกี่วันคะ" on web
        # chat had got a list of unrelated services)
        ("ไฟถนนหน้าบ้านดับ ต้องรอกี่วันคะ", {}, True),
        # a part of a service asked: not a complaint however its words sound
        ("ขอถังขยะต้องใช้เอกสารอะไรบ้าง", {}, False),
        # no complaint's category in the words
        ("อยากได้เงินช่วยเหลือค่าเทอมลูก", {}, False),
    ],
)
def test_a_complaint_no_service_answers_goes_to_the_complaint_form(
    text: str, slots: dict[str, str], files: bool
) -> None:
    unsure = Decision("unsure", why="no clear match")
    assert (
        ActionAnswerService._a_complaint(unsure, make_tracker(text, intent="ask_service", slots=slots), text)
        is files
    )


def test_a_complaint_nothing_at_all_answers_goes_to_the_complaint_form() -> None:
    """dev12 w12w24: "ไฟกิ่งหน้าวัดดับค่ะ" found no service at all and was told it is out of scope; an
    agency to refer to still wins (that is its reply)."""
    text = "ไฟกิ่งหน้าวัดดับค่ะ"
    t = make_tracker(text, intent="out_of_scope")
    assert ActionAnswerService._a_complaint(Decision("not_covered", why="no hits"), t, text) is True
    referred = Decision("not_covered", referral=object(), why="referral")
    assert ActionAnswerService._a_complaint(referred, t, text) is False


def test_a_service_answered_is_never_a_complaint() -> None:
    text = "ขยะไม่มีคนเก็บ"
    answered = Decision("answer", RECORDS["welfare_card"], why="test")
    assert ActionAnswerService._a_complaint(answered, make_tracker(text, intent="ask_service"), text) is False


@pytest.mark.parametrize(
    ("service_id", "question", "lead"),
    [
        # the service itself asked for: yes, for whoever its rule admits (had been "not stated", s009)
        ("student_loan", "กู้กยศได้ไหม", "ได้ค่ะ ถ้ามีคุณสมบัติตามนี้"),
        ("universal_health_coverage", "ลงทะเบียนบัตรทองให้ลูกได้ไหม", "ได้ค่ะ ถ้ามีคุณสมบัติตามนี้"),
        # anything more is not the service itself: a proxy, an age (its own rule), an office
        ("welfare_card", "ลงแทนแม่ได้ไหม", "ข้อมูลของบริการนี้ไม่ได้ระบุ"),
        ("driving_license_new", "อายุ 17 ทำใบขับขี่ได้ไหม", "เกณฑ์อายุ"),
        ("passport_new", "ทำพาสปอร์ตที่อำเภอได้ไหม", "ไม่ได้ค่ะ"),
    ],
)
def test_a_can_question_naming_only_the_service(service_id: str, question: str, lead: str) -> None:
    line = compose_answer(RECORDS[service_id], None, "line", question)[0].splitlines()[0]
    assert line.startswith(lead), line


def test_a_place_typed_right_after_a_referral_files_it_here() -> None:
    # dev10 c040: "บ้านเลขที่ 9/9 ถ.สุขาภิบาล 2" after the electricity referral had got a list of services
    referred = [
        {"event": "user", "text": "กิ่งไม้ใหญ่หักพาดสายไฟหน้าบ้าน กลัวไฟช็อต"},
        {"event": "slot", "name": "complaint_confirm", "value": REFERRED},
        {"event": "user", "text": "บ้านเลขที่ 9/9 ถ.สุขาภิบาล 2"},
    ]
    place = make_tracker("บ้านเลขที่ 9/9 ถ.สุขาภิบาล 2", intent="inform")
    after = Tracker.from_dict({**place.current_state(), "events": referred})
    unsure = Decision("unsure", why="no clear match")
    assert ActionAnswerService._a_complaint(unsure, after, "บ้านเลขที่ 9/9 ถ.สุขาภิบาล 2") is True
    assert ActionAnswerService._a_complaint(unsure, place, "บ้านเลขที่ 9/9 ถ.สุขาภิบาล 2") is False


def test_a_wait_told_with_a_reference_is_owed_an_apology() -> None:
    # dev10 c064: "…สองอาทิตย์แล้วยังไม่มา ไม่ไหวจะเคลียร์" got the not-found reply with no apology
    assert owed_apology("CM69-0321-6674 สองอาทิตย์แล้วยังไม่มา ไม่ไหวจะเคลียร์")
    assert not owed_apology("CM69-0321-6674 ถึงไหนแล้วคะ")


def test_a_case_the_citizen_did_not_tell_gives_no_verdict() -> None:
    # "ได้เงินว่างงานไหมคะ" had got "ไม่ใช่ค่ะ" from "ถ้าไม่รายงานจะไม่ได้เงินงวดนั้น" (a helper's note)
    line = compose_answer(RECORDS["social_security_unemployment"], None, "line", "ได้เงินว่างงานไหมคะ")[0]
    assert not line.startswith(("ไม่ใช่", "ไม่ได้")), line


def test_a_case_the_citizen_tells_is_answered_by_the_clause_on_it() -> None:
    # "ถ้าไม่รายงานตัวจะได้เงินไหม" had got "ใช่ค่ะ" from the clause on reporting before the one on that case
    question = "ถ้าไม่รายงานตัวจะได้เงินไหม"
    line = compose_answer(RECORDS["social_security_unemployment"], None, "line", question)[0]
    assert line.startswith("ไม่ใช่ค่ะ"), line
