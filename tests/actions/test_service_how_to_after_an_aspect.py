"""Live (2026-12-08): after "ต้องแจ้งภายในกี่ชั่วโมง" on the death registration, "แล้วที่ดินของพ่อ จะโอน
ให้แม่ต้องทำยังไง" got the land transfer's processing time - the time aspect carried over a "แล้ว…"
follow-up. A how-to question asks the whole of the service; "แล้วพาสปอร์ตล่ะ" after a fee question
still asks the fee."""

from __future__ import annotations

from actions.service_resolver import ServiceResolver


def test_a_how_to_follow_up_does_not_inherit_the_aspect(resolver: ServiceResolver) -> None:
    decision = resolver.decide("แล้วที่ดินของพ่อ จะโอนให้แม่ต้องทำยังไง", None, None, "death_registration", "time")
    assert decision.record is not None and decision.record.id == "land_title_transfer"
    assert decision.aspect is None


def test_a_what_about_follow_up_still_inherits_it(resolver: ServiceResolver) -> None:
    decision = resolver.decide("แล้วพาสปอร์ตล่ะ", None, None, "id_card_renew", "fee")
    assert decision.record is not None and decision.record.id == "passport_new"
    assert decision.aspect == "fee"
