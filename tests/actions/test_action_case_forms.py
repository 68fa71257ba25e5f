"""Form skeletons: reference validation with distinct answers, complaint checks, honest endings."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.case_status import ActionSubmitCaseStatus, ValidateCaseStatusForm, find_case_ref
from actions.complaint import ActionSubmitComplaint, ValidateComplaintForm, category_key
from actions.form_reset import FORM_SLOTS
from nlu.case_ref import make_case_ref

VALID = make_case_ref("CM", 2569, 1234567)  # CM69-1234-5675


def _typo(ref: str) -> str:
    last = ref[-1]
    return ref[:-1] + ("0" if last != "0" else "1")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (VALID, ("valid", VALID)),
        (VALID.lower(), ("valid", VALID)),
        (VALID.replace("-", ""), ("valid", VALID)),
        (f"เรื่องเลขที่ {VALID} ถึงไหนแล้วคะ", ("valid", VALID)),
        (f"({VALID}).", ("valid", VALID)),
        (VALID.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")), ("valid", VALID)),
        (f"{VALID[:4]}\u200b{VALID[4:]}", ("valid", VALID)),
        (_typo(VALID), ("bad_check", None)),
        (f"เลข {_typo(VALID)} ค่ะ", ("bad_check", None)),
        ("1101700230708", ("not_a_reference", None)),
        ("ไม่รู้เลขค่ะ", ("not_a_reference", None)),
        ("", ("not_a_reference", None)),
        ("😀😀", ("not_a_reference", None)),
    ],
)
def test_find_case_ref(text, expected):
    assert find_case_ref(text) == expected


async def _validate_case_id(make_tracker, text):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text, intent="check_case_status", active_loop="case_status_form", requested_slot="case_id"
    )
    result = await ValidateCaseStatusForm().validate_case_id(text, dispatcher, tracker, {})
    return result, dispatcher.messages


async def test_valid_reference_fills_the_slot_in_canonical_form(make_tracker):
    result, messages = await _validate_case_id(make_tracker, VALID.lower().replace("-", " "))
    assert result == {"case_id": VALID}
    assert messages == []


async def test_wrong_check_digit_and_non_reference_get_different_answers(make_tracker):
    bad, bad_messages = await _validate_case_id(make_tracker, _typo(VALID))
    nothing, nothing_messages = await _validate_case_id(make_tracker, "สวัสดีครับ")
    assert bad == {"case_id": "told"}  # a try at a number: told what is wrong, the look-up ends
    assert nothing == {"case_id": None}  # no try at all: asked again
    # not found first, then why: a number that fails its check digit is no case
    assert bad_messages[0]["text"].startswith("ไม่พบเลขที่เรื่อง")
    assert "ตัวตรวจสอบไม่ตรง" in bad_messages[0]["text"]
    assert "ไม่ใช่เลขที่เรื่อง" in nothing_messages[0]["text"]
    assert bad_messages[0]["text"] != nothing_messages[0]["text"]


async def test_a_citizen_id_typed_instead_is_never_echoed(make_tracker):
    citizen_id = "1101700230708"
    result, messages = await _validate_case_id(make_tracker, f"เลขบัตร {citizen_id}")
    assert result == {"case_id": "told"} and "13 หลัก" in messages[0]["text"]
    assert all(citizen_id not in (m.get("text") or "") for m in messages)


async def test_case_status_submit_without_cases_is_honest_and_forgets_the_reference(make_tracker):
    # The look-up itself is tested in tests/actions/test_case_status_lookup.py.
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("", slots={"case_id": VALID})
    events = await ActionSubmitCaseStatus().run(dispatcher, tracker, {})
    assert events == [SlotSet("case_id", None), SlotSet("phone_last4", None)]
    [message] = dispatcher.messages
    assert "ยังไม่เปิดใช้" in message["text"] and "1111" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/request_human", "/greet"]


@pytest.mark.parametrize(
    ("text", "key"),
    [("ไฟถนนดับ", "streetlight"), (" ขยะ  ความสะอาด ", "garbage"), ("other", "other"), ("แมวหาย", None)],
)
def test_complaint_category(text, key):
    assert category_key(text) == key


async def test_complaint_validation(make_tracker):
    form = ValidateComplaintForm()
    tracker = make_tracker("x", active_loop="complaint_form")
    dispatcher = CollectingDispatcher()
    assert await form.validate_complaint_category("ไฟถนนดับ", dispatcher, tracker, {}) == {
        "complaint_category": "streetlight",
        "complaint_guess": None,
    }
    assert await form.validate_complaint_category("อะไรก็ได้", dispatcher, tracker, {}) == {
        "complaint_category": None
    }
    assert await form.validate_complaint_description("ดับ", dispatcher, tracker, {}) == {
        "complaint_description": None
    }
    long_text = "ไฟดับทั้งซอยมาสามวันแล้ว " * 100
    described = await form.validate_complaint_description(long_text, dispatcher, tracker, {})
    assert described == {"complaint_description": None}  # too long: asked to shorten, not cut
    assert await form.validate_complaint_location("ซอย 5", dispatcher, tracker, {}) == {
        "complaint_location": "ซอย 5",
        "complaint_lat": None,
        "complaint_lon": None,
    }
    assert await form.validate_complaint_location("x", dispatcher, tracker, {}) == {
        "complaint_location": None
    }
    assert await form.validate_complaint_photo("ไม่มีรูป", dispatcher, tracker, {}) == {
        "complaint_photo": "none"
    }
    # Photos arrive as /share_image (tests/actions/test_complaint_filing.py); text is not a photo.
    assert await form.validate_complaint_photo("media:line:123", dispatcher, tracker, {}) == {
        "complaint_photo": None
    }
    assert await form.validate_complaint_photo("รูปอยู่ในเครื่อง", dispatcher, tracker, {}) == {
        "complaint_photo": None
    }
    assert await form.validate_contact_consent(False, dispatcher, tracker, {}) == {
        "contact_consent": False,
        "complaint_anonymous": None,
    }
    # Every rejection told the citizen why.
    texts = [m["text"] for m in dispatcher.messages]
    assert len(texts) == 6 and all("ค่ะ" in t for t in texts)


async def test_complaint_submit_says_nothing_was_sent_and_clears_the_form(make_tracker):
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitComplaint().run(dispatcher, make_tracker(""), {})
    assert events == [SlotSet(slot, None) for slot in FORM_SLOTS]
    assert "ยังไม่ได้ส่งเรื่อง" in dispatcher.messages[0]["text"]
