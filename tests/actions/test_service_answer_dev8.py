"""First lines found wanting on the dev8 set, with other wordings: a record's silence never confirmed or
denied, a figure in the service's own name confirmed."""

from __future__ import annotations

import dataclasses

from actions.replies import reply_for
from actions.service_answer import compose_answer
from actions.service_verdicts import confirmed
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
    line = first_line(tax_record(), "ได้เงินเดือนเดือนละหมื่นหก ต้องเสียภาษีไหมครับ")
    assert line.startswith(reply_for("answer_yes_must", "line").text)
    assert "โสด" in line and "192,000" in line and "220,000" in line


def test_income_between_bounds_without_named_cases_gets_no_verdict() -> None:
    unnamed = tax_record(eligibility="ผู้มีเงินเดือนอย่างเดียวเกิน 120,000 บาทต่อปี หรือเกิน 220,000 บาท")
    line = first_line(unnamed, "ได้เงินเดือนเดือนละหมื่นหก ต้องเสียภาษีไหมครับ")
    assert not line.startswith(reply_for("answer_yes_must", "line").text)
