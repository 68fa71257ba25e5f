"""An FAQ about one duration band is not the answer for a duration outside it: "3 ปีกว่า" had met the
vehicle tax FAQ on "ไม่ถึง 3 ปี" (shared words) and got ได้ค่ะ, while the record says tax over 3 years late
means a suspended registration. Wordings differ from the sets'."""

from __future__ import annotations

import pytest

from actions.service_resolver import ServiceResolver
from actions.service_verdicts import outside_faq_band


@pytest.mark.parametrize(
    ("question", "faq_question", "outside"),
    [
        ("ค้างภาษีรถมาสามปีกว่าแล้ว ยังจ่ายได้ไหม", "ขาดต่อภาษีรถมาไม่ถึง 3 ปี ยังต่อได้ไหม", True),
        ("ค้างมา 8 เดือน ยังต่อได้ไหม", "ขาดต่อภาษีรถมาไม่ถึง 3 ปี ยังต่อได้ไหม", False),
        ("ค้างมา 8 เดือน ยังต่อได้ไหม", "ไม่ได้ต่อภาษีรถหลายปี ขาดต่อเกิน 3 ปีจะเป็นอย่างไร", True),
        ("ขาดไป 5 ปีแล้ว ทำไงดี", "ไม่ได้ต่อภาษีรถหลายปี ขาดต่อเกิน 3 ปีจะเป็นอย่างไร", False),
        ("ต่อภาษีที่ไหนได้บ้าง", "ขาดต่อภาษีรถมาไม่ถึง 3 ปี ยังต่อได้ไหม", False),  # no duration said
        # the citizen's own bound on the FAQ's figure is that band, not its edge
        ("ค้างเกิน 3 ปีแล้วเป็นยังไง", "ไม่ได้ต่อภาษีรถหลายปี ขาดต่อเกิน 3 ปีจะเป็นอย่างไร", False),
        ("ค้างเกินสามปีแล้วเป็นยังไง", "ไม่ได้ต่อภาษีรถหลายปี ขาดต่อเกิน 3 ปีจะเป็นอย่างไร", False),
        ("ค้างไม่ถึง 3 ปีต่อได้ไหม", "ไม่ได้ต่อภาษีรถหลายปี ขาดต่อเกิน 3 ปีจะเป็นอย่างไร", True),
        ("ค้างไม่ถึง 3 ปีต่อได้ไหม", "ขาดต่อภาษีรถมาไม่ถึง 3 ปี ยังต่อได้ไหม", False),
    ],
)
def test_a_duration_outside_the_faqs_band(question: str, faq_question: str, outside: bool) -> None:
    assert outside_faq_band(question, faq_question) is outside


def test_the_passage_is_the_faq_of_the_citizens_band(resolver: ServiceResolver) -> None:
    over = resolver.decide("ค้างภาษีรถมาสามปีกว่าแล้ว ยังจ่ายได้อยู่ไหม", slot_id="vehicle_tax")
    assert over.passage is not None and "ไม่ถึง" not in over.passage.question
    under = resolver.decide("ค้างภาษีรถมาปีนึงแล้ว ยังจ่ายได้อยู่ไหม", slot_id="vehicle_tax")
    assert under.passage is None or "เกิน 3 ปี" not in under.passage.question
