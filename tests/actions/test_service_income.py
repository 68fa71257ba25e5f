"""The citizen's income against a record's income limit: the verdict first, in the citizen's figures."""

from __future__ import annotations

import dataclasses
import re

import pytest

from actions.service_answer import compose_answer
from actions.service_income import income_said, income_verdict
from actions.service_verdicts import question_modal
from knowledge.record import ServiceRecord, WhereToApply


@pytest.mark.parametrize(
    ("question", "yearly"),
    [
        ("รายได้ปีละ 8 หมื่น สมัครได้ไหม", 80_000),
        ("รายได้เดือนละหมื่นห้า ได้ไหมคะ", 180_000),  # a month's, and หมื่นห้า is 15,000
        ("เงินเดือน 15k ต้องยื่นไหม", 180_000),  # a salary is a month's
        ("เงินเดือนหมื่นนึง ต้องยื่นภาษีไหม", 120_000),  # หมื่นนึง is ten thousand
        ("สองหมื่นห้าพันต่อเดือน รายได้แค่นี้", 300_000),  # the amount before the income word
        ("รายได้ 15,000 บาทต่อเดือน", 180_000),
        ("เงินเดือนเดือนละ 20,000 ทั้งปี ต้องยื่นไหม", 240_000),  # the nearest period is the month's
        ("รายได้ทั้งปี 5 หมื่น", 50_000),
        ("รายได้ปีละแสนสอง", 120_000),
        ("รายได้ ๑.๕ แสน", 150_000),  # Thai digits
    ],
)
def test_the_income_said_in_words_digits_and_periods(question: str, yearly: int) -> None:
    assert income_said(question) == yearly


@pytest.mark.parametrize("question", ["แม่อายุ 72 มีรายได้ไหม", "ลูก 2 คน ได้เงินไหม", "รายได้ต่ำ สมัครได้ไหม"])
def test_no_income_figure_no_income(question: str) -> None:
    assert income_said(question) is None


def record(eligibility: str) -> ServiceRecord:
    return ServiceRecord(
        id="welfare_card",
        title_th="ลงทะเบียนบัตรสวัสดิการแห่งรัฐ",
        short_th="บัตรสวัสดิการ",
        agency="กระทรวงการคลัง",
        description="บัตรสวัสดิการช่วยผู้มีรายได้น้อย",
        eligibility=eligibility,
        where_to_apply=WhereToApply(offices=("ธนาคารกรุงไทย",)),
    )


WELFARE = "คนไทยอายุ 18 ปีขึ้นไป มีรายได้ไม่เกิน 100,000 บาทต่อปี"
TAX = (
    "ผู้มีเงินเดือนอย่างเดียวเกิน 120,000 บาทต่อปี (โสด) หรือเกิน 220,000 บาท (มีคู่สมรส) "
    "และผู้มีเงินได้ประเภทอื่นเกิน 60,000 บาท (โสด) หรือ 120,000 บาท (มีคู่สมรส)"
)


@pytest.mark.parametrize(
    ("eligibility", "question", "first"),
    [
        (WELFARE, "รายได้ปีละ 8 หมื่น สมัครได้ไหม", "ได้ค่ะ รายได้ 80,000 บาทต่อปี ไม่เกินเกณฑ์ 100,000 บาทต่อปี"),
        (WELFARE, "รายได้เดือนละหมื่นห้า ได้ไหมคะ", "ไม่ได้ค่ะ รายได้ 180,000 บาทต่อปี เกินเกณฑ์ 100,000 บาทต่อปีค่ะ"),
        (TAX, "เงินเดือนเดือนละ 20,000 ต้องยื่นภาษีไหม", "ต้องค่ะ รายได้ 240,000 บาทต่อปี เกินเกณฑ์ 220,000 บาทต่อปีค่ะ"),
        (TAX, "เงินเดือน 8,000 ต้องยื่นไหม", "ไม่ต้องค่ะ รายได้ 96,000 บาทต่อปี ไม่เกินเกณฑ์ 120,000 บาทต่อปีค่ะ"),
    ],
)
def test_the_verdict_leads_with_the_citizens_figures(eligibility: str, question: str, first: str) -> None:
    text, _ = compose_answer(record(eligibility), None, "line", question)
    assert text.splitlines()[0].startswith(first), text
    assert eligibility.split()[0] in text  # the rule follows, with its other conditions


def test_no_verdict_where_the_limits_split_on_what_was_not_said() -> None:
    # 180,000 a year: over the single person's bound, under the married couple's - a duty if single,
    # said with both cases (without the cases named, no verdict)
    tax = record(TAX)
    question = "เงินเดือน 15k ต้องยื่นไหม"
    split = str(income_verdict(tax, question, "line", question_modal(question)))
    assert split.startswith("ต้องค่ะ ถ้าโสด") and "220,000" in split
    unnamed = dataclasses.replace(tax, eligibility=re.sub(r"\s*\([^)]*\)", "", TAX))
    assert income_verdict(unnamed, question, "line", question_modal(question)) is None
    # a household's income over a bound per head may be under it per head
    grant = dataclasses.replace(
        tax, eligibility="เด็กอายุไม่เกิน 6 ปี ในครัวเรือนที่มีรายได้เฉลี่ยไม่เกิน 100,000 บาทต่อคนต่อปี"
    )
    question = "รายได้ครอบครัวปีละ 3 แสน ได้ไหม"
    assert income_verdict(grant, question, "line", question_modal(question)) is None
    question = "รายได้ครอบครัวปีละ 8 หมื่น ได้ไหม"
    assert str(income_verdict(grant, question, "line", question_modal(question))).startswith("ได้ค่ะ")
    # the household's size said: per head
    question = "ครอบครัวมี 3 คน รายได้รวมปีละ 450,000 ได้ไหมคะ"
    assert income_verdict(grant, question, "line", question_modal(question)) == (
        "ไม่ได้ค่ะ รายได้ 450,000 บาทต่อปี 3 คน เฉลี่ยคนละ 150,000 บาท เกินเกณฑ์ 100,000 บาทต่อคนต่อปีค่ะ"
    )
    question = "บ้านเรา 4 คน รายได้ปีละ 3 แสน ได้ไหม"
    assert str(income_verdict(grant, question, "line", question_modal(question))).startswith("ได้ค่ะ")
