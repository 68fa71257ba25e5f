"""First lines found wanting on the dev8 set, with other wordings: a record's silence never confirmed or
denied, a figure in the service's own name confirmed."""

from __future__ import annotations

import dataclasses

from actions.replies import reply_for
from actions.service_answer import Passage, compose_answer
from actions.service_verdicts import asked_and_said, confirmed, question_modal
from knowledge.agencies import Agency
from knowledge.record import ServiceRecord, WhereToApply


def tax_record(**changes: object) -> ServiceRecord:
    base = ServiceRecord(
        id="personal_income_tax",
        title_th="ยื่นแบบภาษีเงินได้บุคคลธรรมดา (ภ.ง.ด.90/91)",
        short_th="ยื่นภาษีเงินได้",
        agency="กรมสรรพากร",
        description="ผู้มีเงินได้เกินเกณฑ์ต้องยื่นแบบภายในวันที่ 31 มีนาคมของปีถัดไป",
        eligibility="ผู้มีเงินเดือนอย่างเดียวเกิน 120,000 บาทต่อปี (โสด) หรือเกิน 220,000 บาท (มีคู่สมรส)",
        where_to_apply=WhereToApply(offices=("สำนักงานสรรพากรพื้นที่สาขาทุกแห่ง",)),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def first_line(record: ServiceRecord, question: str, contact: object = None) -> str:
    return compose_answer(record, None, "line", question, contact=contact)[0].splitlines()[0]


def test_not_stated_line_with_a_hotline_is_never_confirmed_or_denied() -> None:
    silent = reply_for("answer_not_stated_call", "line").text.format(agency="กรมสรรพากร", hotline="1161")
    assert confirmed("ค่าปรับ 200 บาทใช่มั้ย", silent, "line") == silent


def test_a_figure_in_the_service_name_is_confirmed() -> None:
    line = first_line(tax_record(), "ต้องกรอกแบบ ภงด 90 ใช่มั้ยคะ")
    assert line.startswith(reply_for("answer_yes", "line").text)
    assert "90/91" in line


def test_a_figure_not_in_the_name_is_not_confirmed_by_it() -> None:
    contact = Agency(id="rd", name_th="กรมสรรพากร", name_en="RD", hotline="1161", website="")
    line = first_line(tax_record(), "ใช้แบบ ภงด 94 ใช่ไหม", contact=contact)
    assert not line.startswith((reply_for("answer_yes", "line").text, reply_for("answer_no", "line").text))


def test_income_between_the_single_and_married_bounds_is_a_duty_if_single() -> None:
    # filing (ยื่น); paying is put against the tax-free salary a record states (test_service_eleventh_writer)
    line = first_line(tax_record(), "ได้เงินเดือนเดือนละหมื่นหก ต้องยื่นภาษีไหมครับ")
    assert line.startswith(reply_for("answer_yes_must", "line").text)
    assert "โสด" in line and "192,000" in line and "220,000" in line


def test_income_between_bounds_without_named_cases_gets_no_verdict() -> None:
    unnamed = tax_record(eligibility="ผู้มีเงินเดือนอย่างเดียวเกิน 120,000 บาทต่อปี หรือเกิน 220,000 บาท")
    line = first_line(unnamed, "ได้เงินเดือนเดือนละหมื่นหก ต้องยื่นภาษีไหมครับ")
    assert not line.startswith(reply_for("answer_yes_must", "line").text)


def allowance_record() -> ServiceRecord:
    return tax_record(
        id="disability_allowance",
        title_th="ลงทะเบียนรับเบี้ยความพิการ",
        short_th="เบี้ยคนพิการ",
        agency="องค์กรปกครองส่วนท้องถิ่น",
        eligibility="",
        description="คนพิการที่มีบัตรประจำตัวคนพิการลงทะเบียนกับท้องถิ่นที่มีชื่อในทะเบียนบ้าน",
        where_to_apply=WhereToApply(
            offices=("เทศบาลหรือองค์การบริหารส่วนตำบลที่มีชื่อในทะเบียนบ้าน", "สำนักงานเขต (กรุงเทพมหานคร)")
        ),
    )


def test_an_office_asked_by_its_short_name_is_listed() -> None:
    line = first_line(allowance_record(), "ยื่นที่ อบต. ใกล้บ้านได้มั้ยคะ")
    assert line.startswith(reply_for("answer_yes_can", "line").text)
    assert "องค์การบริหารส่วนตำบล" in line


def test_a_listed_office_to_confirm_in_a_must_question_is_confirmed() -> None:
    land = tax_record(
        id="land_mortgage",
        title_th="จดทะเบียนจำนองที่ดิน",
        description="การจำนองที่ดินต้องจดทะเบียนต่อพนักงานเจ้าหน้าที่",
        eligibility="",
        where_to_apply=WhereToApply(offices=("สำนักงานที่ดินจังหวัด สาขา หรือส่วนแยก ที่ที่ดินตั้งอยู่",)),
    )
    line = first_line(land, "จะจำนองบ้าน ต้องไปยื่นเรื่องที่สำนักงานที่ดินใช่มั้ย")
    assert line.startswith(reply_for("answer_yes", "line").text) and "สำนักงานที่ดิน" in line
    # a confirmation of something else that shares the land word is not confirmed by the office
    other = first_line(land, "จำนองที่ดินต้องเสียภาษีใช่ไหม")
    assert not other.startswith(reply_for("answer_yes", "line").text + " ยื่นได้ที่")


def faq_first_line_of(question: str, faq_question: str, faq_answer: str) -> str:
    passage = Passage(kind="faq", answer=faq_answer, question=faq_question)
    return compose_answer(tax_record(), None, "line", question, passage)[0].splitlines()[0]


def test_a_can_question_answered_with_another_way_that_must_be_taken_is_no() -> None:
    line = faq_first_line_of(
        "ถ้าผู้จัดการมรดกคนอื่นไม่ยอมเซ็น โอนเองได้มั้ยคะ",
        "ทายาทไม่ยินยอมทำอย่างไร",
        "ต้องยื่นคำร้องต่อศาลให้มีคำสั่งก่อน แล้วนำคำสั่งศาลไปยื่นที่สำนักงานที่ดิน",
    )
    assert line.startswith(reply_for("answer_not_usual_way", "line").text)
    assert "ศาล" in line


def test_a_can_question_whose_faq_does_what_was_asked_is_not_no() -> None:
    line = faq_first_line_of(
        "บัตรหายแต่ไม่ได้แจ้งความ ทำบัตรใหม่ได้ไหม",
        "บัตรหายต้องแจ้งความไหม",
        "ไม่ต้องแจ้งความ ทำบัตรใหม่ที่อำเภอได้เลย",
    )
    assert not line.startswith(reply_for("answer_not_usual_way", "line").text)


def test_a_statement_after_the_question_is_not_what_is_asked() -> None:
    question = "อยู่ญี่ปุ่น ยื่นจากต่างประเทศได้ใช่ไหมคะ ไม่ต้องบินกลับมา"
    assert question_modal(question) == "can"
    assert asked_and_said(question) == ("อยู่ญี่ปุ่น ยื่นจากต่างประเทศได้ใช่ไหมคะ", "ไม่ต้องบินกลับมา")
    line = faq_first_line_of(
        question, "อยู่ต่างประเทศยื่นอย่างไร", "ยื่นผ่านระบบ e-Filing จากต่างประเทศ ไม่ต้องบินกลับมาประเทศไทย"
    )
    assert line.startswith(reply_for("answer_yes_can", "line").text)


def test_a_statement_the_answer_contradicts_gives_no_yes() -> None:
    line = faq_first_line_of(
        "อยู่ญี่ปุ่น ยื่นจากต่างประเทศได้ใช่ไหมคะ ไม่ต้องบินกลับมา",
        "อยู่ต่างประเทศยื่นอย่างไร",
        "ต้องบินกลับมาแสดงตนที่สำนักงาน",
    )
    assert not line.startswith(reply_for("answer_yes_can", "line").text)


def licence_record() -> ServiceRecord:
    return tax_record(
        id="boat_licence",
        title_th="ใบอนุญาตขับรถ",
        eligibility=(
            "รถยนต์ส่วนบุคคล อายุ 18 ปีบริบูรณ์ขึ้นไป รถจักรยานยนต์ส่วนบุคคล อายุ 18 ปี "
            "(รถจักรยานยนต์ไม่เกิน 110 ซีซี อายุ 15 ปีขึ้นไป)"
        ),
        description="ผู้ขอใบขับขี่ต้องอบรมและสอบ",
        where_to_apply=WhereToApply(offices=("สำนักงานขนส่งทุกแห่ง",)),
    )


def test_an_age_meeting_only_the_small_motorcycle_case_is_yes_on_that_case() -> None:
    line = first_line(licence_record(), "หลานอายุ 15 ขับมอเตอร์ไซค์ สอบใบขับขี่ได้ไหมคะ")
    assert line.startswith(reply_for("answer_yes_can", "line").text)
    assert "110" in line and "18" in line


def test_an_age_under_every_case_names_the_youngest() -> None:
    line = first_line(licence_record(), "หลานอายุ 13 ขับมอเตอร์ไซค์ สอบใบขับขี่ได้ไหมคะ")
    assert line.startswith(reply_for("answer_no_cannot", "line").text)
    assert "15" in line


def food_stall_record() -> ServiceRecord:
    return tax_record(
        id="food_stall",
        title_th="ขออนุญาตจำหน่ายอาหาร",
        short_th="ใบอนุญาตแผงอาหาร",
        agency="เทศบาล",
        eligibility="",
        description=(
            "ผู้ประกอบการที่ยังไม่มีใบอนุญาต ซึ่งจำหน่ายอาหารในที่สาธารณะ เช่น แผงลอย "
            "รถเข็นขายอาหาร ต้องขออนุญาตจำหน่ายอาหารภายใน 30 วันนับแต่วันเริ่มขาย"
        ),
        where_to_apply=WhereToApply(offices=("เทศบาลหรือองค์การบริหารส่วนตำบลที่ตั้งแผง",)),
    )


def test_a_duty_the_overview_states_for_the_situation_told_is_yes() -> None:
    line = first_line(food_stall_record(), "ขายส้มตำหน้าตลาดทุกเย็น ต้องขออนุญาตจำหน่ายอาหารหรือไม่")
    assert line.startswith(reply_for("answer_yes_must", "line").text + " ผู้ประกอบการ")
    assert "30 วัน" in line


def test_a_situation_the_overview_does_not_cover_gets_no_duty() -> None:
    line = first_line(food_stall_record(), "รับจ้างตัดผมที่บ้าน ต้องขออนุญาตจำหน่ายอาหารหรือไม่")
    assert not line.startswith(reply_for("answer_yes_must", "line").text)


def test_another_way_is_only_for_the_case_the_faq_bounds() -> None:
    faq_q, answer = "ไม่ได้ต่อทะเบียนเกิน 2 ปีจะเป็นอย่างไร", "ทะเบียนถูกเพิกถอน ต้องยื่นขอจดทะเบียนใหม่ทั้งหมด"
    over = faq_first_line_of("ลืมต่อทะเบียนมา 2 ปีกว่า ยังต่อได้อยู่ไหม", faq_q, answer)
    assert over.startswith(reply_for("answer_not_usual_way", "line").text)
    under = faq_first_line_of("ลืมต่อทะเบียนมา 6 เดือน ยังต่อได้อยู่ไหม", faq_q, answer)
    assert not under.startswith(reply_for("answer_not_usual_way", "line").text)
