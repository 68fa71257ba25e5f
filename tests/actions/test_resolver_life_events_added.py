"""Life events (dev4, dev7 and live turns): leaving a job to open a shop is the shop's checklist, with the
unemployment benefit listed because a job was left; an employer laying off staff is labour protection,
not the citizen's job loss; turning sixty told in words is the turning-60 checklist. Wordings differ from
the sets'."""

from __future__ import annotations

import pytest

from actions.service_resolver import ServiceResolver
from tests.actions.decisions import decided


def test_leaving_a_job_to_open_a_shop_lists_the_benefit_last(resolver: ServiceResolver) -> None:
    decision = resolver.decide("ออกจากงานมาทำร้านขายของชำ ต้องทำเรื่องอะไรบ้างคะ")
    assert decided(decision) == "life_event:opening_shop"
    ids = [r.id for r in decision.choices]
    assert ids[0] == "business_registration" and ids[-1] == "social_security_unemployment"


def test_a_shop_with_no_job_left_has_no_benefit_step(resolver: ServiceResolver) -> None:
    decision = resolver.decide("อยากเปิดร้านขายของชำหน้าบ้าน ต้องทำเรื่องอะไรบ้างคะ")
    assert decided(decision) == "life_event:opening_shop"
    assert "social_security_unemployment" not in [r.id for r in decision.choices]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("ยอดขายตก ต้องเลิกจ้างลูกจ้างบางคน ทำยังไงให้ถูกกฎหมาย", "refer:dlpw"),
        ("เพิ่งโดนเลิกจ้างค่ะ ทำอะไรได้บ้าง", "life_event:job_loss"),
        ("ปีหน้าแม่จะหกสิบแล้ว ต้องเตรียมอะไรบ้างคะ", "life_event:turning_60"),
        ("อีกไม่กี่เดือนผมก็อายุหกสิบ มีสิทธิอะไรบ้าง", "life_event:turning_60"),
    ],
)
def test_stories(resolver: ServiceResolver, question: str, expected: str) -> None:
    assert decided(resolver.decide(question)) == expected
