"""A consent answer typed while the place is asked ("ติดต่อกลับได้ค่ะ", "ok to contact me") is kept for
the consent step and the place asked again: it never becomes the place ("ok to me" had been kept as
one, its contact word taken out as consent), also when consent was answered before or is no step of
the form (a caller who cannot be sent updates)."""

from __future__ import annotations

import pytest

from actions import complaint
from actions.case_runtime import Asker
from actions.complaint_fields import carried_fields
from tests.actions.complaint_form_driver import LINE_USER, at_step, run_form, user_turn

STORY = {"complaint_category": "road", "complaint_description": "ถนนหน้าบ้านเป็นหลุมใหญ่ มอไซค์ล้มไปแล้ว2คัน"}
EN_STORY = {"complaint_category": "road", "complaint_description": "Big pothole in front of my house"}


@pytest.fixture
def reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A citizen the gateway vouched for: the consent step is part of the form."""
    monkeypatch.setattr(complaint, "asker_of", lambda tracker, cases: Asker("line", LINE_USER, verified=True))


def english_at_place(text: str, slots: dict[str, object]) -> object:
    t = at_step("complaint_location", text, slots)
    t.events[0] = user_turn("I want to report a pothole on my street", "file_complaint")
    return t


@pytest.mark.parametrize("text", ["ติดต่อกลับได้ค่ะ", "ให้โทรกลับได้เลยค่ะ"])
def test_thai_consent_at_the_place_step_is_kept_and_the_place_asked_again(reachable: None, text: str) -> None:
    _, got, said = run_form(at_step("complaint_location", text, STORY))
    assert got["complaint_location"] is None and got["requested_slot"] == "complaint_location"
    assert got["contact_consent"] is True
    assert said == ["รับทราบเรื่องการติดต่อกลับแล้วค่ะ"]


@pytest.mark.parametrize("text", ["ok to contact me", "Yes, you can contact me", "please call me back"])
def test_english_consent_at_the_place_step_is_kept_and_the_place_asked_again(
    reachable: None, text: str
) -> None:
    _, got, said = run_form(english_at_place(text, EN_STORY))
    assert got["complaint_location"] is None and got["requested_slot"] == "complaint_location"
    assert got["contact_consent"] is True
    assert said == ["Noted about contacting you."]


def test_consent_said_again_at_the_place_step_is_not_the_place(reachable: None) -> None:
    """Consent given earlier ("ไม่ต้องติดต่อกลับ" in the first message), changed at the place step."""
    slots = {**STORY, "contact_consent": False}
    _, got, _ = run_form(at_step("complaint_location", "ติดต่อกลับได้ค่ะ", slots))
    assert got["complaint_location"] is None and got["requested_slot"] == "complaint_location"
    assert got["contact_consent"] is True
    _, got, _ = run_form(english_at_place("ok to contact me", {**EN_STORY, "contact_consent": True}))
    assert got["complaint_location"] is None and got["contact_consent"] is True


def test_consent_at_the_place_step_where_consent_is_no_step_is_still_not_the_place() -> None:
    # Rasa's REST channel: the form never asks consent; the word is not the place all the same.
    for t in (
        at_step("complaint_location", "ติดต่อกลับได้ค่ะ", STORY, channel="rest"),
        english_at_place("ok to contact me", EN_STORY),
    ):
        _, got, said = run_form(t)
        assert got["complaint_location"] is None and got["requested_slot"] == "complaint_location"
        assert "contact_consent" not in got and len(said) == 1  # the step's own hint


def test_a_place_with_an_english_consent_clause_keeps_the_place_and_the_consent(reachable: None) -> None:
    carried = carried_fields("Soi 5 near the market, ok to contact me")
    assert (carried.answer, carried.consent) == ("Soi 5 near the market", True)
    assert carried_fields("ok to contact me").answer == ""
    assert carried_fields("Phahonyothin Soi 24 and please don't call me").consent is False
    _, got, _ = run_form(english_at_place("Soi 5 near the market, ok to contact me", EN_STORY))
    assert got["complaint_location"] == "Soi 5 near the market" and got["contact_consent"] is True


def test_a_place_stays_a_place(reachable: None) -> None:
    _, got, _ = run_form(at_step("complaint_location", "หน้าร้านข้าวมันไก่ ซอยเพชรเกษม48 ภาษีเจริญ", STORY))
    assert got["complaint_location"] == "หน้าร้านข้าวมันไก่ ซอยเพชรเกษม48 ภาษีเจริญ"
    assert "contact_consent" not in got
