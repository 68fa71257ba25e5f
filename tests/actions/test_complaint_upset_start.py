"""A new complaint told upset ("ไฟถนนดับอีกแล้ว!!!") opens with an apology; the words are never said back.
A case asked after with "ทำไมปิดเรื่องทั้งที่ยังไม่ได้ซ่อม" is owed one too."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.case_status import owed_apology
from actions.complaint import FORM, AskStepAction
from tests.actions.complaint_form_driver import form_tracker, user_turn


def _first_question(text: str) -> list[str]:
    events = [user_turn(text, "file_complaint"), {"event": "active_loop", "name": FORM}]
    slots = {
        "complaint_category": "streetlight",
        "complaint_guess": "streetlight",
        "requested_slot": "complaint_location",
    }
    dispatcher = CollectingDispatcher()
    asyncio.run(AskStepAction("complaint_location").run(dispatcher, form_tracker(events, slots), {}))
    return [str(m.get("text") or "") for m in dispatcher.messages]


def test_an_upset_new_complaint_opens_with_an_apology() -> None:
    said = _first_question("ไฟถนนดับอีกแล้ว!!! แจ้งไปรอบนึงแล้วซ่อมได้สองวันดับอีก")
    assert said[0].startswith("ขออภัย") and "!!!" not in said[0]
    assert "ไฟถนนดับ" in said[1]  # then the category it was filed under and the first question


def test_a_calm_new_complaint_has_no_apology() -> None:
    said = _first_question("ไฟถนนหน้าบ้านดับค่ะ")
    assert len(said) == 1 and not said[0].startswith("ขออภัย")


def test_a_case_closed_unfixed_is_owed_an_apology() -> None:
    assert owed_apology("เรื่อง CM69-0021-7788 ที่แจ้งไว้ ทำไมปิดเรื่องทั้งที่ยังไม่ได้ซ่อม")
    assert not owed_apology("เรื่อง CM69-0021-7788 ถึงไหนแล้วคะ")


def test_a_typed_category_label_matches_without_its_spaces() -> None:
    from actions.complaint import category_key

    assert category_key("เรื่องอื่นๆ") == category_key("เรื่องอื่น ๆ") == "other"
    assert category_key("ถนนทางเท้าชำรุด") == category_key("ถนน ทางเท้าชำรุด") is not None
