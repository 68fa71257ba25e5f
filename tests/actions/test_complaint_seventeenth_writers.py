"""The complaint form against the seventeenth and eighteenth outside writers' sets
(bench/conversations/dev16, dev17).

A. A question whose particle sits before the clause it asks about ("เพื่อนบ้านจะรู้ไหมว่าใครแจ้ง") is a
   question: at the consent step it is answered and the step asked again, never taken as the choice.
B. "ทำยังไงต่อ ไม่เป็น" is about the step, never a service's question.
C. "แก้ไข" typed before the summary asks which answered field to change; the form then comes back.
D. Stagnant water is water, mosquitoes its symptom.
E. An insult about a case is owed an apology; "all the cases I reported" lists the citizen's own.
F. A service asked for that the NLU read as a complaint or as a no goes to the service action.
"""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import complaint
from actions.acknowledge import ActionAcknowledgeNo
from actions.case_runtime import Asker
from actions.case_status import MINE, ValidateCaseStatusForm, owed_apology
from actions.complaint import (
    EDIT,
    SERVICE_ACTION,
    SERVICE_ASKED,
    ActionSubmitComplaint,
    ValidateComplaintForm,
)
from actions.complaint_steps import later_answer, restates
from actions.complaint_talk import aside_kind, asks_to_edit, category_from_words, is_question
from actions.replies import asks_own_cases, reply_for
from cases.complaint_routing import load_routes
from tests.actions.complaint_form_driver import LINE_USER, at_step, form_tracker, opening, run_form, user_turn

PLACED = {"complaint_category": "nuisance", "complaint_description": "ร้านคาราโอเกะเปิดเพลงดังถึงตีสาม"}
PLACED_AT = {**PLACED, "complaint_location": "ซอยร่วมใจ 2 ม.7"}


@pytest.mark.parametrize("text", ["เพื่อนบ้านจะรู้ไหมว่าใครแจ้ง", "แจ้งแล้วเรื่องจะไปถึงใคร ร้านจะรู้ไหมว่าใครแจ้ง"])
def test_whether_they_learn_who_reported_is_answered_at_the_consent_step(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dev17 w17k004 (SMS), w17k013: asked, not told; the choice stays with the consent step."""
    monkeypatch.setattr(complaint, "asker_of", lambda tracker, cases: Asker("line", LINE_USER, verified=True))
    assert is_question(text)
    _, got, said = run_form(at_step("contact_consent", text, PLACED_AT))
    assert got["requested_slot"] == "contact_consent"
    assert got.get("complaint_anonymous") is None and got.get("contact_consent") is None
    assert said and "ไม่ระบุตัวตน" in said[0]


def test_anonymity_told_is_still_the_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(complaint, "asker_of", lambda tracker, cases: Asker("line", LINE_USER, verified=True))
    _, got, _ = run_form(at_step("contact_consent", "ไม่ประสงค์ออกนามค่ะ", PLACED_AT))
    assert got["complaint_anonymous"] is True and got["contact_consent"] is False


def test_not_knowing_how_to_go_on_is_about_the_step() -> None:
    """dev16 w16k030: at the photo step it had got the driving-licence renewal."""
    assert aside_kind("ทำยังไงต่อ ไม่เป็น", "inform", "complaint_photo") == "confused"
    assert aside_kind("ไม่เป็นไรค่ะ", "inform", "complaint_photo") is None
    _, got, said = run_form(at_step("complaint_photo", "ทำยังไงต่อ ไม่เป็น", PLACED_AT))
    assert got["requested_slot"] == "complaint_photo" and "complaint_photo" not in {
        k for k, v in got.items() if v
    }
    assert said and "ใบขับขี่" not in " ".join(said)


def test_edit_typed_before_the_summary_asks_which_field_then_comes_back() -> None:
    """dev16 w16k010: "แก้ไข" at the consent step, then "สถานที่": the place is asked again."""
    _, got, _ = run_form(at_step("contact_consent", "แก้ไข", PLACED_AT))
    assert got["requested_slot"] == "complaint_edit" and got["complaint_confirm"] == EDIT
    editing = {**PLACED_AT, "complaint_confirm": EDIT}
    _, chosen, _ = run_form(at_step("complaint_edit", "สถานที่", editing))
    assert chosen["complaint_location"] is None and chosen["complaint_confirm"] is None
    assert chosen.get("requested_slot") in (None, "complaint_location")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ช่วยด้วย หน้าบ้านน้ำเน่าขังไม่ระบายเลย ยุงเยอะมาก", "water"),
        ("ท่อหน้าบ้านน้ำไม่ระบาย", "water"),
        ("ยุงเยอะมากแถวบ้าน ช่วยมาพ่นยาหน่อย", "nuisance"),
    ],
)
def test_mosquitoes_belong_to_standing_water_when_it_is_named(text: str, category: str) -> None:
    assert category_from_words(text, load_routes()) == category


def test_an_insult_about_a_case_is_owed_an_apology() -> None:
    """dev17 w17k015: a mistyped number with "พวกขี้เกียจ"."""
    assert owed_apology("CM69-0033-5127 เรื่องนี้จะทำไหม หรือจะปล่อยให้หมาคุ้ยขยะไปจนตาย พวกขี้เกียจ")


@pytest.mark.parametrize(
    "text", ["อยากรู้ว่าเรื่องที่เคยแจ้งมาทั้งหมดมีอะไรบ้าง", "เรื่องที่ร้องเรียนไว้มีกี่เรื่องคะ", "list my complaints"]
)
def test_the_citizens_own_cases_asked_as_a_list(text: str, make_tracker) -> None:  # type: ignore[no-untyped-def]
    """dev17 w17k027: listed (or where a number is told), never a reference asked for."""
    assert asks_own_cases(text)
    assert not asks_own_cases("เรื่องที่แจ้งไปถึงไหนแล้ว")

    class Ready:
        """A configured look-up: nothing in it is read before the words decide."""

        ready = True

    form = ValidateCaseStatusForm(Ready())  # type: ignore[arg-type]
    tracker = make_tracker(
        text, intent="check_case_status", active_loop="case_status_form", requested_slot=None
    )
    got = asyncio.run(form.extract_case_id(CollectingDispatcher(), tracker, {}))
    assert got == {"case_id": MINE}


class NamesEveryService:
    """A service search that names a service in any message: only the form's own checks decide."""

    async def sure_aside(self, tracker: object, text: str) -> bool:
        return True

    async def names_service(self, tracker: object, text: str) -> bool:
        return True

    async def answer_aside(self, dispatcher: object, tracker: object, text: str) -> None:
        return None


def _opened(text: str) -> dict[str, object]:
    form = ValidateComplaintForm(services=NamesEveryService())  # type: ignore[arg-type]
    events = asyncio.run(form.run(CollectingDispatcher(), opening(text), {}))
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.parametrize("text", ["สร้างบ้านเสร็จแล้ว อยากขอไฟเข้าบ้านครับ", "ต่อใบขับขี่ผ่านแอพได้มั้ย ไม่อยากไปนั่งรอที่ขนส่ง"])
def test_a_service_asked_for_that_the_nlu_read_as_a_complaint_goes_to_the_service_action(text: str) -> None:
    """dev16 w16c029 and question 58 had got the category menu."""
    assert _opened(text).get("complaint_confirm") == SERVICE_ASKED


@pytest.mark.parametrize(
    "text",
    [
        "ไฟถนนหน้าบ้านดับ ต่อใบขับขี่ก็ไม่ได้",  # a category named
        "อยากร้องเรียนเจ้าหน้าที่ขนส่ง ต่อใบขับขี่รอนานมาก",  # a complaint said
        "ต่อใบขับขี่ รอมานานมาก ทำงานกันยังไง",  # upset
    ],
)
def test_a_complaint_that_names_a_service_is_still_filed(text: str) -> None:
    assert _opened(text).get("complaint_confirm") != SERVICE_ASKED


def test_the_submit_action_hands_such_a_message_to_the_service_action(make_tracker) -> None:  # type: ignore[no-untyped-def]
    tracker = make_tracker("อยากขอไฟเข้าบ้านครับ", intent="file_complaint")
    tracker.slots["complaint_confirm"] = SERVICE_ASKED
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionSubmitComplaint().run(dispatcher, tracker, {}))
    followups = [e.get("name") for e in events if e.get("event") == "followup"]
    assert followups == [SERVICE_ACTION] and not dispatcher.messages


def test_a_time_asked_inside_the_story_is_answered_and_the_story_kept() -> None:
    """Left last stop (live, SMS): the story had been kept and its question left unanswered."""
    text = "ขยะไม่มีใครมาเก็บเป็นอาทิตย์ ใช้เวลากี่วันถึงจะมาเก็บ"
    _, got, said = run_form(at_step("complaint_description", text, {"complaint_category": "garbage"}))
    assert got["complaint_description"] == text
    assert any("ภายใน 3 วัน" in s for s in said)
    # the days it has gone on are no question
    _, kept, quiet = run_form(
        at_step("complaint_description", "ไฟดับมากี่วันแล้วก็ไม่รู้ มืดมาก", {"complaint_category": "streetlight"})
    )
    assert kept["complaint_description"] and not quiet


@pytest.mark.parametrize("typed", ["แก้ไข", "ขอแก้ไขหน่อยค่ะ", "อยากแก้ข้อมูลค่ะ", "I want to edit"])
def test_a_change_asked_with_no_field_named(typed: str) -> None:
    """Live (web): "ขอแก้ไขหน่อยค่ะ" at the consent step had been an unclear consent."""
    assert asks_to_edit(typed)
    _, got, _ = run_form(at_step("contact_consent", typed, PLACED_AT))
    assert got["requested_slot"] == "complaint_edit"


@pytest.mark.parametrize("typed", ["แก้ที่อยู่", "แก้ไขถนนไปแล้วแต่ยังพัง"])
def test_a_field_or_a_story_is_no_bare_change(typed: str) -> None:
    assert not asks_to_edit(typed)


def test_the_story_told_again_with_more_replaces_the_one_kept() -> None:
    """Live (web): the revised story had been added after the first, so the summary said it twice."""
    kept = "ถนนหน้าโรงเรียนเป็นหลุมใหญ่ รถมอไซค์ล้มไปสองคันแล้ว"
    again = "ถนนหน้าโรงเรียนเป็นหลุมใหญ่ลึกประมาณ 30 ซม. รถมอไซค์ล้มไปสองคันแล้ว"
    assert restates(kept, again)
    assert (
        later_answer(again, {"complaint_description": kept}, load_routes())["complaint_description"] == again
    )
    more = later_answer("ไม่ไหลทั้งซอย ประมาณ30หลัง", {"complaint_description": "น้ำประปาไม่ไหล"}, load_routes())
    assert more["complaint_description"] == "น้ำประปาไม่ไหล ไม่ไหลทั้งซอย ประมาณ30หลัง"


@pytest.mark.parametrize(
    "text", ["ข้างบ้านจะรู้มั้ยว่าเราเป็นคนแจ้ง", "Will they know who reported it?", "ทำยังไงต่อคะ ไม่เป็น"]
)
def test_live_asides_at_the_consent_step(text: str) -> None:
    """Live (LINE, English, LINE): anonymity asked two more ways; not knowing how to go on."""
    assert aside_kind(text, "inform", "contact_consent") in ("anonymous", "data", "confused")


def test_barking_alone_is_a_nuisance() -> None:
    """Live (SMS): "หมาบ้านตรงข้ามเห่าทั้งคืน" had got the category menu."""
    assert category_from_words("หมาบ้านตรงข้ามเห่าทั้งคืน นอนไม่ได้", load_routes()) == "nuisance"


def test_will_they_know_who_reported_is_answered_no_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Live (SMS, English): it had been answered "ได้ค่ะ" / "Yes." — as if they would know."""
    monkeypatch.setattr(complaint, "asker_of", lambda tracker, cases: Asker("line", LINE_USER, verified=True))
    _, got, said = run_form(at_step("contact_consent", "เพื่อนบ้านจะรู้ไหมว่าใครแจ้ง", PLACED_AT))
    assert said[0].startswith("ไม่รู้ค่ะ") and got["requested_slot"] == "contact_consent"
    assert reply_for("en_complaint_aside_not_told_who", "line").text.startswith("No.")


def test_anonymity_asked_in_its_first_clause_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """dev15 w15k005: "ไม่อยากบอกชื่อได้มั้ย กลัวเค้ารู้" at the consent step had been taken as the choice."""
    monkeypatch.setattr(complaint, "asker_of", lambda tracker, cases: Asker("line", LINE_USER, verified=True))
    _, got, _ = run_form(at_step("contact_consent", "ไม่อยากบอกชื่อได้มั้ย กลัวเค้ารู้", PLACED_AT))
    assert got["requested_slot"] == "contact_consent" and got.get("complaint_anonymous") is None


def test_a_car_parked_across_the_gate_is_a_nuisance() -> None:
    """dev10 c015: "มีรถมาจอดขวางหน้าบ้านทุกวันค่ะ" had got the new-vehicle life event."""
    assert category_from_words("มีรถมาจอดขวางหน้าบ้านทุกวันค่ะ ออกรถไม่ได้", load_routes()) == "nuisance"


class NamesOnlyTheLoan:
    async def names_service(self, tracker: object, text: str) -> bool:
        return "กยศ" in text


@pytest.mark.parametrize(("text", "to_service"), [("กยศ ผ่อนไม่ไหวแล้วค่ะ", True), ("ไม่ค่ะ", False)])
def test_a_no_that_names_a_service_is_answered_by_the_service_action(text: str, to_service: bool) -> None:
    """Live: "กยศ ผ่อนไม่ไหวแล้วค่ะ" (read by the NLU as a no) had got "ได้ค่ะ หากต้องการความช่วยเหลือ…"."""
    said = CollectingDispatcher()
    action = ActionAcknowledgeNo(NamesOnlyTheLoan())
    events = asyncio.run(action.run(said, form_tracker([user_turn(text, "deny", "line")], {}), {}))
    followups = [e.get("name") for e in events if e.get("event") == "followup"]
    assert followups == ([SERVICE_ACTION] if to_service else [])
    assert bool(said.messages) is not to_service
