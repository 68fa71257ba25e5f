"""A parcel that has not arrived is Thailand Post's (1545), not a case of ours nor a service: the
directory's phrases now include พัสดุ…ยังไม่ถึง and EMS (dev8 q269 had opened the case look-up).
Wordings differ from the set's."""

from __future__ import annotations

import pytest

from actions.service_resolver import ServiceResolver
from tests.actions.decisions import decided


@pytest.mark.parametrize(
    "question",
    ["ส่งพัสดุไปต่างจังหวัดอาทิตย์นึงแล้วยังไม่ถึงเลย", "ems ของหายทำไงดี", "ตามพัสดุได้ที่ไหนคะ"],
)
def test_a_parcel_not_arrived_is_referred_to_thailand_post(resolver: ServiceResolver, question: str) -> None:
    assert decided(resolver.decide(question)) == "refer:thailand_post"


def test_a_passport_sent_by_post_is_still_the_passport(resolver: ServiceResolver) -> None:
    assert decided(resolver.decide("เล่มส่งทางไปรษณีย์กี่วันถึง", slot_id="passport_new")) == "service:passport_new"
