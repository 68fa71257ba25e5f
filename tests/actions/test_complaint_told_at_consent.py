"""More of the report typed where consent is asked (SMS and web chat ask it right after the place, or
after the first message when that message told the place): dev6 d6k009 ("น้ำประปาไม่ไหล2วันแล้ว
ซ.รามคำแหง65", then "ไม่ไหลทั้งซอย ประมาณ30หลัง ไม่มีประกาศอะไรเลย" and "ซอยรามคำแหง65 แยก2 เขตวังทองหลาง")
had got "กรุณากด ยินยอม หรือ ไม่ยินยอม" twice and lost both. More of the story is added to it, a place
typed replaces the one read from the story (never a shared pin), and consent is asked again."""

from __future__ import annotations

import pytest

from actions import complaint
from actions.case_runtime import Asker
from actions.replies import reply_for
from tests.actions.complaint_form_driver import LINE_USER, at_step, run_form

TOLD = {
    "complaint_category": "water",
    "complaint_description": "น้ำประปาไม่ไหล2วันแล้ว ซ.รามคำแหง65",
    "complaint_location": "ซ.รามคำแหง65",
    "complaint_photo": "none",
}


@pytest.fixture(autouse=True)
def reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(complaint, "asker_of", lambda tracker, cases: Asker("line", LINE_USER, verified=True))


def test_more_of_the_story_at_the_consent_step_is_added_and_consent_asked_again() -> None:
    _, got, said = run_form(
        at_step("contact_consent", "ไม่ไหลทั้งซอย ประมาณ30หลัง ไม่มีประกาศอะไรเลย", TOLD, "sms")
    )
    assert got["complaint_description"] == (
        "น้ำประปาไม่ไหล2วันแล้ว ซ.รามคำแหง65 ไม่ไหลทั้งซอย ประมาณ30หลัง ไม่มีประกาศอะไรเลย"
    )
    assert got["contact_consent"] is None and got["requested_slot"] == "contact_consent"
    assert said == [reply_for("complaint_kept_detail", "line").text]


def test_a_place_at_the_consent_step_replaces_the_one_read_from_the_story() -> None:
    _, got, said = run_form(at_step("contact_consent", "ซอยรามคำแหง65 แยก2 เขตวังทองหลาง", TOLD))
    assert got["complaint_location"] == "ซอยรามคำแหง65 แยก2 เขตวังทองหลาง"
    assert got["contact_consent"] is None and got["requested_slot"] == "contact_consent"
    assert said == [reply_for("complaint_kept_place", "line").text]


def test_a_shared_pin_is_never_replaced() -> None:
    pinned = {**TOLD, "complaint_location": "พิกัด", "complaint_lat": 13.7, "complaint_lon": 100.6}
    _, got, _ = run_form(at_step("contact_consent", "ซอยรามคำแหง65 แยก2 เขตวังทองหลาง", pinned))
    assert "complaint_location" not in got or got["complaint_location"] == "พิกัด"


@pytest.mark.parametrize(("text", "consent"), [("ยินยอม", True), ("ไม่ยินยอมค่ะ", False), ("ok", True)])
def test_a_consent_answer_is_still_the_answer(text: str, consent: bool) -> None:
    _, got, _ = run_form(at_step("contact_consent", text, TOLD))
    assert got["contact_consent"] is consent and "complaint_description" not in got


def test_not_knowing_still_gets_the_consent_hint() -> None:
    _, got, said = run_form(at_step("contact_consent", "ไม่แน่ใจ", TOLD))
    assert got["contact_consent"] is None and "complaint_description" not in got and said
