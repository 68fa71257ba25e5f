"""Issue 11, left by the eighth writer's round: a complaint opened in English stays English in the
referral, the summary's edit menu and the "earlier complaint" reply; "cancle" / "cansel" cancel as a
Thai ยกเลิก typed with one slip does; a referral to ศูนย์ดำรงธรรม itself offers no "file here" (it
would only reach the same office).
Driven through validate_complaint_form's run() and action_submit_complaint as Rasa calls them.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import complaint, replies
from actions.complaint import EARLIER, ActionSubmitComplaint, ComplaintAsk, english_key
from actions.complaint_referral import REFERRED, directory, referral_for, referral_key, referral_text
from actions.complaint_talk import mistyped_cancel, wants_cancel
from cases.complaint_routing import load_routes
from tests.actions.complaint_form_driver import at_step, form_tracker, user_turn
from tests.actions.test_complaint_referral_and_place import _tracker, _user


def _submit(text: str, confirm: str, channel: str = "line") -> dict[str, Any]:
    t = _tracker([_user(text, channel=channel)], {"complaint_confirm": confirm}, channel)
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionSubmitComplaint(None, None).run(dispatcher, t, {}))
    assert len(dispatcher.messages) == 1
    return dispatcher.messages[0]


def _latin_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isascii() for c in letters) / max(len(letters), 1)


# --- the referral -----------------------------------------------------------------------------------


def test_a_referral_to_the_office_this_chat_files_to_offers_no_filing_here() -> None:
    text = "โดนเจ้าหนี้นอกระบบทวงหนี้ อยากร้องเรียน"
    referral = referral_for(text, load_routes(), directory())
    assert referral is not None and referral.agency.id == "damrongdham"
    said = _submit(text, REFERRED)
    assert "1567" in said["text"] and "แจ้งเรื่องที่นี่" not in said["text"]
    assert "ศูนย์ดำรงธรรม)" not in said["text"].split("\n")[-1]  # no "(ส่งถึงศูนย์ดำรงธรรม)" offer
    assert "/file_complaint" not in [b["payload"] for b in said["buttons"]]
    sms = _submit(text, REFERRED, channel="sms")
    assert "/file_complaint" not in [b["payload"] for b in sms["buttons"]]


def test_another_agencys_referral_still_offers_to_file_here() -> None:
    said = _submit("แท็กซี่ไม่รับผู้โดยสาร อยากร้องเรียน", REFERRED)
    assert "/file_complaint" in [b["payload"] for b in said["buttons"]]


def test_a_referral_of_an_english_message_is_in_english() -> None:
    text = "A taxi driver overcharged me, I want to complain"
    referral = referral_for(text, load_routes(), directory())
    assert referral is not None
    said = _submit(text, REFERRED)
    assert _latin_share(said["text"]) > 0.9 and said["text"].startswith("Another agency")
    assert referral.agency.name_en in said["text"] and referral.agency.hotline in said["text"]
    assert "/file_complaint" in [b["payload"] for b in said["buttons"]]
    debt = referral_for("โดนเจ้าหนี้นอกระบบทวงหนี้", load_routes(), directory())
    assert debt is not None and referral_key(debt, english=True) == "en_complaint_referral_direct"
    assert "Damrongdham" in referral_text(debt, "line", english=True)


# --- the earlier complaint and the edit menu in English ------------------------------------------------


def test_an_earlier_complaint_told_in_english_is_answered_in_english() -> None:
    said = _submit("I already reported the broken street light two weeks ago and nothing happened", EARLIER)
    assert said["text"].startswith("We are sorry") and _latin_share(said["text"]) > 0.6  # the lang check
    assert "/check_case_status" in [b["payload"] for b in said["buttons"]]


@pytest.mark.parametrize("channel", ["line", "web", "sms"])
def test_the_edit_menu_of_an_english_complaint_is_in_english(channel: str) -> None:
    events = [user_turn("Streetlight broken in my soi", "file_complaint", channel)]
    t = form_tracker(events, {"complaint_confirm": "edit"})
    assert english_key("ask_complaint_edit", t) == "en_ask_complaint_edit"
    dispatcher = CollectingDispatcher()
    asyncio.run(ComplaintAsk("complaint_edit").run(dispatcher, t, {}))
    [message] = dispatcher.messages
    assert message["text"].startswith("Which item")
    thai = replies.reply_for("ask_complaint_edit", channel)
    # the same buttons (the Thai field names the form reads), glossed in the text
    assert [b["payload"] for b in message["buttons"]] == [b.payload for b in thai.buttons]


# --- English cancel words typed with one slip ---------------------------------------------------------


@pytest.mark.parametrize("typed", ["cancle", "cancell", "Cancle!", "cansel", "cancl", "CANCLE"])
def test_an_english_cancel_typed_with_one_slip_cancels(typed: str) -> None:
    assert wants_cancel(typed)
    dispatcher = CollectingDispatcher()
    t = at_step("complaint_description", typed, {"complaint_category": "road"}, "web")
    events = asyncio.run(complaint.ValidateComplaintForm().run(dispatcher, t, {}))
    got = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert got["complaint_confirm"] == complaint.CANCELLED


@pytest.mark.parametrize("real", ["cancer", "candle", "canal", "chancel", "camel", "dance"])
def test_english_words_near_cancel_do_not_cancel(real: str) -> None:
    assert not mistyped_cancel(real) and not wants_cancel(real)


@pytest.mark.parametrize(
    ("opened", "agency"),
    [
        ("Streetlight broken in my soi", "the local government (municipality or SAO)"),
        ("ไฟถนนในซอยดับค่ะ", "องค์กรปกครองส่วนท้องถิ่น (เทศบาล / อบต.)"),
    ],
)
def test_the_summary_names_the_agency_in_the_replys_language(opened: str, agency: str) -> None:
    """Live (web, English): "Sent to: องค์กรปกครองส่วนท้องถิ่น (เทศบาล / อบต.)" in an English summary."""
    slots = {
        "complaint_category": "streetlight",
        "complaint_description": opened,
        "complaint_location": "Sukhumvit soi 39",
        "contact_consent": True,
        "requested_slot": "complaint_confirm",
    }
    t = form_tracker([user_turn(opened, "file_complaint", "web")], slots)
    assert complaint.summary_values(t)["agency"] == agency
