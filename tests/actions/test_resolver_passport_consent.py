"""A parent who cannot come along for a child's passport (line, a 5-year-old): the absent parent's
written consent, certified at the district office (or a Thai embassy or consulate abroad), lets the other
apply - "ได้ค่ะ …", not "the record does not say". Wordings differ from the live one. The seed holds at
most five FAQs a service, so the FAQ on one parent going alone now says this too."""

from __future__ import annotations

import pytest

from actions.replies import reply_for
from actions.service_answer import compose_answer
from actions.service_resolver import ServiceResolver


@pytest.mark.parametrize(
    "question",
    [
        "พ่อไม่ได้มาด้วยได้ไหมคะ",
        "แม่มาไม่ได้ค่ะ ทำได้ไหม",
        "ลูก 5 ขวบทำพาสปอร์ต แม่ไม่ได้มาด้วยได้ไหมคะ",
        "พ่อติดงานมาไม่ได้ ทำพาสปอร์ตให้ลูกได้มั้ย",
        "พ่อหรือแม่พาลูกไปทำพาสปอร์ตคนเดียวได้ไหม",
    ],
)
def test_an_absent_parent_gives_written_consent(resolver: ServiceResolver, question: str) -> None:
    decision = resolver.decide(question, slot_id="passport_new")
    assert decision.service_id == "passport_new" and decision.record is not None
    assert decision.passage is not None and decision.passage.kind == "faq", decision.passage
    first = compose_answer(decision.record, decision.aspect, "line", question, decision.passage)[0]
    line = first.splitlines()[0]
    assert line.startswith(reply_for("answer_yes_can", "line").text), line
    assert "หนังสือให้ความยินยอม" in line and "อำเภอ" in line and "สถานกงสุล" in line
    assert "ไม่ได้ระบุ" not in first
