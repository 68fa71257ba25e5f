"""Answers the eleventh blind writer's set (bench/conversations/dev10) found wrong."""

from __future__ import annotations

from actions.service_answer import compose_answer
from actions.service_income import income_said
from knowledge.seedfile import load_dir

RECORDS = {record.id: record for record in load_dir()}


def test_a_salary_the_whole_year_is_a_months_amount() -> None:
    # "เงินเดือน 15,000 ทั้งปี" had been read as 15,000 a year: "ไม่ต้องค่ะ รายได้ 15,000 บาทต่อปี" (b005)
    assert income_said("หนูทำงานปีแรกเงินเดือน 15,000 ทั้งปี ต้องยื่นไหมคะ") == 180_000
    assert income_said("รายได้ 80,000 ทั้งปี ได้ไหม") == 80_000  # an income for the whole year is a year's
    question = "หนูทำงานปีแรกเงินเดือน 15,000 ทั้งปี ต้องยื่นไหมคะ"
    line = compose_answer(RECORDS["personal_income_tax"], None, "line", question)[0].splitlines()[0]
    assert line.startswith("ต้องค่ะ") and "180,000" in line, line
