"""Telegraphic English yes/no questions (SMS: no auxiliary) get Yes/No first from the English overview."""

from __future__ import annotations

import dataclasses

import pytest

from actions.service_english import compose_english
from actions.service_verdicts import is_yes_no
from knowledge.record import EnglishText, ServiceRecord, WhereToApply


@pytest.mark.parametrize("text", ["need a medical certificate?", "photo required?", "ok to send by post?"])
def test_telegraphic_english_is_yes_no(text: str) -> None:
    assert is_yes_no(text)


@pytest.mark.parametrize("text", ["how to renew my licence", "need help with the form", "documents?"])
def test_not_telegraphic_yes_no(text: str) -> None:
    assert not is_yes_no(text)


def licence() -> ServiceRecord:
    base = ServiceRecord(
        id="driving_license_renew",
        title_th="ต่ออายุใบอนุญาตขับรถ",
        short_th="ต่อใบขับขี่",
        agency="กรมการขนส่งทางบก",
        description="ต่ออายุใบขับขี่ได้ล่วงหน้า ต้องมีใบรับรองแพทย์",
        where_to_apply=WhereToApply(offices=("สำนักงานขนส่งทุกแห่ง",)),
    )
    english = EnglishText(
        title="Driving licence renewal",
        description="Licences can be renewed in advance. A medical certificate is required, and drivers "
        "must attend a short training.",
    )
    return dataclasses.replace(base, english=english)


def test_a_telegraphic_must_question_gets_yes_from_one_long_shared_word() -> None:
    text, _ = compose_english(licence(), None, "sms", None, "need certificate first?")
    assert text.startswith("Yes."), text
    assert "medical certificate" in text.splitlines()[0]
