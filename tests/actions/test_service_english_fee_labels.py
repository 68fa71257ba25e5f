"""English fees say what each amount is for (web: "How do I renew my driving licence?" then "how much does
it cost?" had got "Fee: • 5 baht • 500 baht • 250 baht"): the catalogue's English label where it has one,
else the record's Thai label; an amount told in Thai words is still left out. Through the real resolver
over the seed; other services too."""

from __future__ import annotations

import dataclasses

from actions.service_english import compose_english
from actions.service_resolver import ServiceResolver
from knowledge.record import Fee
from knowledge.seedfile import load_dir


def english_fee_answer(resolver: ServiceResolver, question: str, current: str) -> str:
    decision = resolver.decide(question, slot_id=current)
    assert decision.kind == "answer" and decision.record is not None and decision.english, decision
    assert decision.aspect == "fee"
    return compose_english(decision.record, decision.aspect, "web", None, question)[0]


def test_each_licence_fee_says_what_it_is_for(resolver: ServiceResolver) -> None:
    text = english_fee_answer(resolver, "how much does it cost?", "driving_license_renew")
    assert "• application form: 5 baht" in text
    assert "• 5-year private car licence: 500 baht" in text
    assert "• 5-year private motorcycle licence: 250 baht" in text


def test_passport_fees_are_labelled_too(resolver: ServiceResolver) -> None:
    text = english_fee_answer(resolver, "what's the fee?", "passport_new")
    assert "5-year passport: 1,000 baht" in text and "10-year passport" in text and "1,500 baht" in text


def test_a_label_without_english_is_shown_in_thai() -> None:
    record = next(r for r in load_dir() if r.id == "driving_license_renew")
    record = dataclasses.replace(record, fees=(Fee("ค่าบริการนอกเวลา", "300 บาท"), Fee("ค่าอบรม", "ตามอัตรา")))
    text = compose_english(record, "fee", "web", None, "how much is it?")[0]
    assert "• ค่าบริการนอกเวลา: 300 baht" in text
    assert "ตามอัตรา" not in text and "depend" in text  # the amount in Thai words: it varies
