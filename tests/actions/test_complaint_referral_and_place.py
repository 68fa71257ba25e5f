"""Issue 11, left by the last stop: other agencies' matters, the anonymity aside at the place step,
and what counts as a place.

- The form's first message is checked against the agency directory before any menu: a power cut
  (PEA 1129 / MEA 1130), an online-shopping scam (AOC 1441), a hospital (NHSO 1330), a taxi (DLT
  1584) are referred with the hotline, and a button files here all the same; the story is kept when
  the citizen insists. Category cues and the form's own agencies are never referred.
- "ขอไม่บอกชื่อได้ไหม" at the place step gets the anonymity answer alone (no place hint before it).
- The place step keeps a place, not any three letters: a question asked back is answered, "ไม่รู้"
  gets a hint, and the no-trap rule still takes a second answer that is neither.
Driven through validate_complaint_form's run() and action_submit_complaint as Rasa calls them.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.complaint import FORM, ActionSubmitComplaint, ValidateComplaintForm
from actions.complaint_place import names_a_place, place_answer_kind
from actions.complaint_referral import REFERRED, directory, insisted_story, referral_for
from cases.complaint_routing import load_routes

ROOT = Path(__file__).resolve().parents[2]
LINE_USER = "line:U4af4980629a0c0f6e4b1d6d5a1e0b7c2"
STEPS = [
    "complaint_category",
    "complaint_description",
    "complaint_location",
    "complaint_photo",
    "contact_consent",
    "complaint_edit",
    "complaint_confirm",
]
DOMAIN = {"forms": {FORM: {"required_slots": STEPS}}}
LABELS = set(replies.COMPLAINT_CATEGORIES.values())


def _user(text: str, intent: str = "file_complaint", channel: str = "line") -> dict[str, Any]:
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": intent, "confidence": 0.9}],
        "entities": [],
        "metadata": {},
    }
    return {"event": "user", "text": text, "parse_data": parse, "input_channel": channel, "metadata": {}}


def _tracker(events: list[dict[str, Any]], slots: dict[str, Any], channel: str = "line") -> Tracker:
    latest = next(e for e in reversed(events) if e["event"] == "user")
    return Tracker(
        sender_id=LINE_USER,
        slots=slots,
        latest_message=latest["parse_data"],
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": FORM},
        latest_action_name="action_listen",
    )


def referral_turn(text: str, channel: str = "line") -> list[dict[str, Any]]:
    """The events of a first message that was referred elsewhere, as Rasa records them."""
    return [
        _user(text, channel=channel),
        {"event": "active_loop", "name": FORM},
        {"event": "slot", "name": "complaint_confirm", "value": REFERRED},
        {"event": "active_loop", "name": None},
        {"event": "action", "name": "action_submit_complaint"},
        {"event": "bot", "text": "..."},
        {"event": "slot", "name": "complaint_confirm", "value": None},
        {"event": "action", "name": "action_listen"},
    ]


def opening(text: str, *, before: list[dict[str, Any]] | None = None, channel: str = "line") -> Tracker:
    events = [*(before or []), _user(text, channel=channel), {"event": "active_loop", "name": FORM}]
    return _tracker(events, {"requested_slot": None}, channel)


def activate(t: Tracker) -> dict[str, Any]:
    events = asyncio.run(ValidateComplaintForm().run(CollectingDispatcher(), t, DOMAIN))
    got = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    got["ended"] = any(e.get("event") == "active_loop" and e.get("name") is None for e in events)
    return got


def submit(text: str, channel: str = "line") -> dict[str, Any]:
    t = _tracker([_user(text, channel=channel)], {"complaint_confirm": REFERRED}, channel)
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionSubmitComplaint(None, None).run(dispatcher, t, {}))
    assert len(dispatcher.messages) == 1
    return dispatcher.messages[0]


# --- other agencies' matters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "agency", "hotlines"),
    [
        ("ไฟดับทั้งซอยต้องแจ้งใคร", "pea", ("1129", "1130")),
        ("ไฟดับทั้งซอยตั้งแต่เมื่อคืน บ้านอยู่ลาดพร้าว กรุงเทพ", "mea", ("1130",)),
        ("โดนหลอกซื้อของออนไลน์ อยากร้องเรียน", "aoc1441", ("1441",)),
        ("ร้องเรียนโรงพยาบาลเรียกเก็บเงินทั้งที่ใช้บัตรทอง", "nhso", ("1330",)),
        ("ร้องเรียนการบริการของโรงพยาบาลรัฐค่ะ", "nhso", ("1330",)),
        ("แท็กซี่ไม่รับผู้โดยสาร อยากร้องเรียน", "dlt", ("1584",)),
        ("ค่าไฟแพงผิดปกติ อยากร้องเรียน", "pea", ("1129",)),
    ],
)
def test_another_agencys_matter_is_referred_with_its_hotline_before_any_menu(
    text: str, agency: str, hotlines: tuple[str, ...]
) -> None:
    referral = referral_for(text, load_routes(), directory())
    assert referral is not None and referral.agency.id == agency
    got = activate(opening(text))
    assert got["ended"] and got["complaint_confirm"] == REFERRED
    assert "requested_slot" not in got  # no step asked: no category menu
    said = submit(text)
    for hotline in hotlines:
        assert hotline in said["text"]
    buttons = {b["title"]: b["payload"] for b in said["buttons"]}
    assert buttons["แจ้งเรื่องที่นี่"] == "/file_complaint"
    assert not LABELS & set(buttons)  # not the category menu


def test_the_sms_referral_is_short_and_still_offers_to_file_here() -> None:
    said = submit("ไฟดับทั้งซอยต้องแจ้งใคร", channel="sms")
    assert "1129" in said["text"] and len(said["text"]) < 200
    assert "/file_complaint" in [b["payload"] for b in said["buttons"]]


@pytest.mark.parametrize(
    "text",
    [
        "เพื่อนบ้านเปิดเพลงเสียงดังทุกคืน อยากร้องเรียน",  # the police list it too; a nuisance cue wins
        "ท่อประปาแตกน้ำพุ่งกลางถนน",  # the waterworks list it; the water category takes it
        "รถขยะไม่มาเก็บมาอาทิตย์นึงแล้ว",  # BMA / the council: the form's own agencies
        "ร้องเรียนเจ้าหน้าที่ลัดคิว",  # 1111's topic, filed here as an officer's service
        "มีคนบุกรุกที่สาธารณะ",  # ศูนย์ดำรงธรรม's topic
        "อยากร้องเรียนค่ะ",
        "/file_complaint",
    ],
)
def test_the_forms_own_matters_are_never_referred(text: str) -> None:
    assert referral_for(text, load_routes(), directory()) is None
    got = activate(opening(text))
    # The category menu, or (a cue in the words) the category taken and the next step asked.
    assert not got["ended"] and got["requested_slot"] in STEPS[:3]


def test_a_citizen_who_insists_files_here_with_the_first_story_kept() -> None:
    story = "โดนหลอกซื้อของออนไลน์ โอนเงินไปแล้วไม่ได้ของ"
    before = referral_turn(story)
    # The button: the story told first is the description, filed as เรื่องอื่น ๆ (one tap changes it).
    got = activate(opening("/file_complaint", before=before))
    assert not got["ended"] and got["requested_slot"] == "complaint_location"
    assert got["complaint_description"] == story and got["complaint_category"] == "other"
    # The same matter typed again right after the referral is filed, not referred twice.
    again = activate(opening("ไม่เป็นไร อยากแจ้งที่นี่ โดนหลอกซื้อของออนไลน์", before=before))
    assert not again["ended"] and again["requested_slot"] == "complaint_location"


def test_after_the_service_answers_referral_a_bare_request_files_that_story_here() -> None:
    """The NLU may read the matter as a question (out_of_scope): the service answer gives the agency;
    "แจ้งเรื่องที่นี่" typed next opens the form with that story, not an empty menu."""
    story = "โดนหลอกซื้อของออนไลน์ อยากร้องเรียนค่ะ"
    before = [
        _user(story, intent="out_of_scope"),
        {"event": "action", "name": "action_answer_service"},
        {"event": "bot", "text": "... โทร 1441 ได้ค่ะ"},
    ]
    got = activate(opening("แจ้งเรื่องที่นี่", before=before))
    assert not got["ended"] and got["complaint_description"] == story and got["complaint_guess"] == "other"
    # A new story of its own is its own complaint (and referred if it is another agency's too).
    assert activate(opening("แท็กซี่ไม่รับผู้โดยสาร อยากร้องเรียน", before=before))["ended"]
    garbage = activate(opening("อยากร้องเรียนเรื่องขยะไม่มีคนมาเก็บ", before=before))
    assert garbage["complaint_guess"] == "garbage" and "โดนหลอก" not in str(garbage["complaint_description"])


def test_a_later_complaint_about_another_agencys_matter_is_referred_again() -> None:
    before = [
        *referral_turn("ไฟดับทั้งซอยต้องแจ้งใคร"),
        _user("ขอบคุณค่ะ", intent="thank"),
        {"event": "bot", "text": "ยินดีค่ะ"},
    ]
    assert insisted_story([*before, _user("ไฟดับอีกแล้ว")], load_routes(), directory()) is None
    assert activate(opening("ไฟดับอีกแล้วค่ะ ทั้งซอยเลย", before=before))["ended"]


def test_file_complaint_examples_never_teach_a_referral_as_a_complaint() -> None:
    """Training data agrees with the form: no file_complaint example is a matter the form refers
    elsewhere (those live in out_of_scope.yml, answered with the agency's hotline)."""
    text = (ROOT / "bot/data/nlu/file_complaint.yml").read_text(encoding="utf-8")
    examples = [re.sub(r"\[([^\]]*)\]\([a-z_]+\)", r"\1", line.strip()[2:]) for line in text.splitlines()]
    examples = [e for e, line in zip(examples, text.splitlines(), strict=True) if line.startswith("      - ")]
    assert len(examples) >= 80
    referred = [e for e in examples if referral_for(e, load_routes(), directory()) is not None]
    assert referred == []


# --- the anonymity question at the place step --------------------------------------------------


def at_step(
    step: str, text: str, *, earlier: tuple[str, ...] = (), slots: dict[str, Any] | None = None
) -> Tracker:
    """`text` arriving at `step` (asked once per `earlier` answer before it), the form started by a
    bare request and the category chosen."""
    events = [
        _user("อยากร้องเรียน"),
        {"event": "active_loop", "name": FORM},
        {"event": "slot", "name": "requested_slot", "value": "complaint_category"},
        _user("ขยะ ความสะอาด", intent="inform"),
    ]
    for answer in earlier:
        events += [
            {"event": "slot", "name": "requested_slot", "value": step},
            {"event": "bot", "text": "..."},
            _user(answer, intent="inform"),
        ]
    events += [
        {"event": "slot", "name": "requested_slot", "value": step},
        {"event": "bot", "text": "..."},
        _user(text, intent="inform"),
        {"event": "slot", "name": step, "value": text},
    ]
    filled = {"complaint_category": "garbage", "complaint_description": "ขยะกองหน้าตลาดไม่มีใครมาเก็บ"}
    return _tracker(events, {"requested_slot": step, **filled, **(slots or {}), step: text})


def run_step(t: Tracker) -> tuple[dict[str, Any], list[str]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateComplaintForm().run(dispatcher, t, DOMAIN))
    assert not any(e.get("event") == "active_loop" and e.get("name") is None for e in events), events
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, [
        m.get("text") or "" for m in dispatcher.messages
    ]


@pytest.mark.parametrize("text", ["ขอไม่บอกชื่อได้ไหม", "ไม่อยากให้เขารู้ว่าใครแจ้ง", "ขอแจ้งแบบไม่ระบุตัวตนได้ไหมคะ"])
def test_an_anonymity_question_at_the_place_step_gets_only_its_answer(text: str) -> None:
    got, said = run_step(at_step("complaint_location", text))
    assert got["complaint_location"] is None and got["requested_slot"] == "complaint_location"
    assert got["complaint_anonymous"] is True
    assert len(said) == 1 and "ไม่ระบุตัวตน" in said[0]
    assert "จุดที่เกิดเรื่อง" not in said[0]  # no place hint before the answer


def test_an_anonymity_question_about_the_address_still_hears_that_the_place_is_not_their_home() -> None:
    got, said = run_step(at_step("complaint_location", "ขอไม่บอกที่อยู่ได้ไหมคะ กลัวเขารู้"))
    assert got["requested_slot"] == "complaint_location"
    # The anonymity answer first, then that the place asked is not their home.
    assert "ไม่ระบุตัวตน" in said[0] and "จุดที่เกิดเรื่อง" in said[1]


# --- what counts as a place --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ซอยลาดพร้าว 101 แยก 3",
        "45/12 หมู่ 3",
        "หน้าเซเว่นปากซอย",
        "ตรงข้ามวัดใหม่",
        "ข้าง ๆ ต้นมะม่วงใหญ่",
        "ตลาดสดเทศบาล ประตู2",
        "ต.ในเมือง อ.เมือง จ.ขอนแก่น",
        "สำนักงานเขตบางกะปิ",
        "อุดรธานี",
        "แยกบางนา ฝั่งไปบางพลี",
        "ไม่รู้เลขที่ แต่อยู่หน้าวัดหนองบัว",
    ],
)
def test_a_place_is_kept_at_the_first_answer(text: str) -> None:
    assert names_a_place(text) and place_answer_kind(text, 1) == "place"
    got, said = run_step(at_step("complaint_location", text))
    assert got["complaint_location"] == text and said == []


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("ไม่รู้", "complaint_location_unknown"),
        ("จำไม่ได้ค่ะ", "complaint_location_unknown"),
        ("อะไรนะ", "complaint_location_why"),
        ("ทำไมต้องบอกด้วย", "complaint_location_why"),
        ("ต้องบอกละเอียดแค่ไหนคะ", "complaint_location_why"),
        ("ไม่อยากบอกค่ะ", "complaint_aside_location_private"),
        ("ใช่ค่ะ", "complaint_location_too_short"),
    ],
)
def test_a_question_or_no_answer_is_not_kept_as_the_place(text: str, reply: str) -> None:
    got, said = run_step(at_step("complaint_location", text))
    assert got["complaint_location"] is None and got["requested_slot"] == "complaint_location"
    assert said == [replies.reply_for(reply, "line").text]


def test_no_trap_the_second_answer_is_taken_and_a_second_no_answer_gets_the_ways_on() -> None:
    # A place no list knows, given after one re-ask, is kept rather than asked a third time.
    got, said = run_step(at_step("complaint_location", "ที่ลานกว้างริมทุ่ง", earlier=("ไม่รู้",)))
    assert place_answer_kind("ที่ลานกว้างริมทุ่ง", 1) == "none"
    assert got["complaint_location"] == "ที่ลานกว้างริมทุ่ง" and said == []
    # Not knowing twice: the ways on (a landmark, a person, ยกเลิก), not the same hint again.
    got, said = run_step(at_step("complaint_location", "ไม่รู้จริง ๆ", earlier=("ไม่รู้",)))
    assert got["complaint_location"] is None
    assert said == [replies.reply_for("complaint_location_stuck", "line").text]
    # A question asked back the second time is still answered, not kept as the place.
    got, said = run_step(at_step("complaint_location", "ทำไมต้องบอก", earlier=("ไม่รู้",)))
    assert got["complaint_location"] is None and "จุดที่เกิดเรื่อง" in said[0]


def test_the_no_photo_button_words_typed_when_the_story_is_asked_are_not_the_story() -> None:
    """ "ไม่มีรูป" typed at the story step (seen holding a conversation: the summary showed
    "เรื่อง: ไม่มีรูป"): answered as the remark it is, the story asked again."""
    t = at_step("complaint_description", "ไม่มีรูป", slots={"complaint_description": None})
    got, said = run_step(t)
    assert got["complaint_description"] is None and got["requested_slot"] == "complaint_description"
    assert got["complaint_photo"] == "none"  # the photo step's answer, kept for it (LINE)
    assert said == [replies.reply_for("complaint_aside_no_photo", "line").text]
    # A story that opens with the same words is still the story; the no photo is kept for its step.
    story = "ไม่มีรูปค่ะ แต่ขยะกองหน้าตลาดมาสามวันแล้ว"
    got, said = run_step(at_step("complaint_description", story, slots={"complaint_description": None}))
    assert got["complaint_description"] == "ขยะกองหน้าตลาดมาสามวันแล้ว"
    assert got["complaint_photo"] == "none"
