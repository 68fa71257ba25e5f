"""The complaint form never traps a citizen in a loop (issue 11, found holding conversations).

Driven through validate_complaint_form's run() as Rasa calls it, with the events Rasa records
(the form started, each step asked, the citizen's messages), so the re-ask counting and the reading
of everything said so far work on what the action server really receives:
- a guessed category is confirmed by answering on (a place typed, a map pin, more of the story),
  and what was sent is kept for its step; ยืนยัน / ยินยอม there mean yes; ไม่ใช่ shows the menu;
- at the menu, a place or a story is kept and the category chosen for the citizen (from all they
  said, else เรื่องอื่น ๆ) and said back; anything else gets one re-ask, then the same;
- a category the bot chose is changed by a story that names a clearer one;
- complaints about an officer's manner are read as บริการของเจ้าหน้าที่;
- later steps' answers are kept at earlier steps (a place while the story is asked), and no step
  asks the identical question a third time without a way on.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.complaint import FORM, NO_PHOTO, ValidateComplaintForm
from cases.complaint_routing import load_routes

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
LABELS = replies.COMPLAINT_CATEGORIES


def _user(
    text: str, intent: str, channel: str, entities: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": intent, "confidence": 0.9}],
        "entities": entities or [],
        "metadata": {},
    }
    return {"event": "user", "text": text, "parse_data": parse, "input_channel": channel, "metadata": {}}


def conversation(
    opening: str,
    step: str,
    text: str,
    *,
    earlier: tuple[str, ...] = (),
    intent: str = "inform",
    channel: str = "line",
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> Tracker:
    """The events Rasa holds when `text` arrives at `step`: the opening message, the form started,
    the step asked after each of the `earlier` answers to it, then the step's slot as Rasa's from_text
    mapping fills it with the text."""
    events: list[dict[str, Any]] = [
        _user(opening, "file_complaint", channel),
        {"event": "active_loop", "name": FORM},
    ]
    if step != "complaint_category":
        # The step before answered: the message comes first, then the form asks this step.
        events += [{"event": "slot", "name": "requested_slot", "value": "complaint_category"}]
        events += [_user("ตอบขั้นก่อนหน้า", "inform", channel)]
    for answer in earlier:
        events += [
            {"event": "slot", "name": "requested_slot", "value": step},
            {"event": "bot", "text": "..."},
            _user(answer, "inform", channel),
        ]
    latest = _user(text, intent, channel, entities)
    events += [
        {"event": "slot", "name": "requested_slot", "value": step},
        {"event": "bot", "text": "..."},
        latest,
        {"event": "slot", "name": step, "value": text},
    ]
    return Tracker(
        sender_id=LINE_USER,
        slots={"requested_slot": step, **(slots or {}), step: text},
        latest_message=latest["parse_data"],
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": FORM},
        latest_action_name="action_listen",
    )


def run(t: Tracker) -> tuple[dict[str, Any], list[str]]:
    """The whole validation as Rasa calls it. Without the cases runtime nobody can be sent updates,
    so the consent step is not among the steps (tests of it call its validation directly)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateComplaintForm().run(dispatcher, t, DOMAIN))
    assert not any(e.get("event") == "active_loop" and e.get("name") is None for e in events), events
    got = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return got, [m.get("text") or "" for m in dispatcher.messages]


STREETLIGHT_STORY = "ไฟถนนหน้าซอยดับมาอาทิตย์นึงแล้ว"
GUESSED = {"complaint_guess": "streetlight", "complaint_description": STREETLIGHT_STORY}


# --- a guessed category: answering on confirms it --------------------------------------------


@pytest.mark.parametrize("channel", ["line", "web", "sms"])
def test_a_place_typed_instead_of_yes_takes_the_guess_and_is_kept_as_the_place(channel: str) -> None:
    place = "ซอยลาดพร้าว 101 แยก 3 เขตบางกะปิ"
    got, said = run(
        conversation(STREETLIGHT_STORY, "complaint_category", place, channel=channel, slots=GUESSED)
    )
    assert got["complaint_category"] == "streetlight" and got["complaint_guess"] is None
    # The place is kept, the story untouched; the next step asked is a later one, never the category.
    assert got["complaint_location"] == place and "complaint_description" not in got
    assert got["requested_slot"] not in ("complaint_category", "complaint_location", "complaint_description")
    assert any(LABELS["streetlight"] in text for text in said)  # said back, to be changed if wrong


def test_a_map_pin_instead_of_yes_takes_the_guess_and_the_pin() -> None:
    pin = [{"entity": "latitude", "value": 13.75}, {"entity": "longitude", "value": 100.5}]
    t = conversation(
        STREETLIGHT_STORY,
        "complaint_category",
        '/share_location{"latitude": 13.75, "longitude": 100.5}',
        intent="share_location",
        slots=GUESSED,
        entities=pin,
    )
    got, said = run(t)
    assert got["complaint_category"] == "streetlight"
    assert (got["complaint_lat"], got["complaint_lon"]) == (13.75, 100.5)
    assert got["requested_slot"] == "complaint_photo"  # on LINE the photo is the next missing step
    assert "ได้รับตำแหน่งแล้ว" in said[0] and LABELS["streetlight"] in said[1]


@pytest.mark.parametrize("typed", ["ยืนยัน", "ยินยอม", "ใช่ค่ะ", "ตกลง"])
def test_yes_in_another_steps_words_takes_the_guess(typed: str) -> None:
    got, said = run(conversation(STREETLIGHT_STORY, "complaint_category", typed, slots=GUESSED))
    assert got["complaint_category"] == "streetlight" and got["requested_slot"] == "complaint_location"
    assert not any("เลือกหมวดจากปุ่ม" in text for text in said)


def test_more_of_the_story_takes_the_guess_and_is_added_to_the_story() -> None:
    more = "มืดทั้งซอยเลย เด็กกลับบ้านลำบากมาก"
    got, _ = run(
        conversation("แจ้งไฟถนนดับค่ะ", "complaint_category", more, slots={"complaint_guess": "streetlight"})
    )
    assert got["complaint_category"] == "streetlight" and got["complaint_description"] == more
    told = {**GUESSED}
    got, _ = run(conversation(STREETLIGHT_STORY, "complaint_category", more, slots=told))
    assert got["complaint_description"] == f"{STREETLIGHT_STORY} {more}"


@pytest.mark.parametrize("typed", ["ไม่ใช่ค่ะ", "ไม่ใช่ไฟถนน เป็นไฟบ้าน"])
def test_not_that_shows_the_whole_menu(typed: str) -> None:
    got, _ = run(conversation(STREETLIGHT_STORY, "complaint_category", typed, slots=GUESSED))
    assert got["complaint_category"] is None and got["complaint_guess"] is None
    assert got["requested_slot"] == "complaint_category"


def test_another_category_in_words_changes_course_and_is_said_back() -> None:
    got, said = run(conversation(STREETLIGHT_STORY, "complaint_category", "ไม่ใช่ค่ะ เป็นเรื่องขยะ", slots=GUESSED))
    assert got["complaint_category"] == "garbage"
    assert any(LABELS["garbage"] in text for text in said)


def test_an_unclear_answer_to_the_guess_is_asked_once_then_the_guess_is_taken() -> None:
    got, said = run(conversation(STREETLIGHT_STORY, "complaint_category", "อืม", slots=GUESSED))
    assert got["complaint_category"] is None and got["requested_slot"] == "complaint_category"
    assert said[0] == replies.reply_for("complaint_guess_unclear", "line").text
    got, said = run(
        conversation(STREETLIGHT_STORY, "complaint_category", "อืม", earlier=("หืม",), slots=GUESSED)
    )
    assert got["complaint_category"] == "streetlight" and got["requested_slot"] == "complaint_location"
    assert LABELS["streetlight"] in said[0]


# --- the menu: a place or a story is kept, the category chosen and said ------------------------


def test_a_place_at_the_menu_is_kept_and_the_category_chosen_as_other() -> None:
    place = "ที่ว่าการอำเภอเมืองนครปฐมค่ะ เมื่อวานบ่าย2"
    got, said = run(conversation("อยากร้องเรียนค่ะ", "complaint_category", place, channel="web"))
    assert got["complaint_category"] == "other" and got["complaint_category_assumed"] is True
    assert got["complaint_location"] == place and got["requested_slot"] == "complaint_description"
    assert LABELS["other"] in said[0] and "แก้ไข" in said[0]


def test_a_story_at_the_menu_is_kept_as_the_description() -> None:
    story = "รถเมล์สายนี้จอดไม่ตรงป้ายทุกวัน คนแก่ต้องเดินไกลมาก"
    got, _ = run(conversation("อยากร้องเรียนค่ะ", "complaint_category", story, channel="web"))
    assert got["complaint_description"] == story and got["complaint_category"] == "other"
    assert got["requested_slot"] == "complaint_location"


def test_the_category_is_chosen_from_everything_said_so_far() -> None:
    # A question aside at the menu named the rubbish (answered, the menu again); the place typed
    # next names nothing: the earlier message's cue decides.
    earlier = ("ขยะเต็มหน้าบ้าน ต้องรอกี่วันคะ",)
    got, said = run(conversation("อยากร้องเรียน", "complaint_category", "ซอยวัดใหม่ หมู่ 3", earlier=earlier))
    assert got["complaint_category"] == "garbage" and got["complaint_location"] == "ซอยวัดใหม่ หมู่ 3"
    assert LABELS["garbage"] in said[0]


def test_an_unclear_answer_at_the_menu_is_asked_once_then_other_is_chosen() -> None:
    got, said = run(conversation("อยากร้องเรียน", "complaint_category", "อืม"))
    assert got["complaint_category"] is None and got["requested_slot"] == "complaint_category"
    assert said == [replies.reply_for("complaint_category_unknown", "line").text]
    got, said = run(conversation("อยากร้องเรียน", "complaint_category", "ไม่รู้สิ", earlier=("อืม",)))
    assert got["complaint_category"] == "other" and got["requested_slot"] == "complaint_description"
    assert got.get("complaint_description") is None  # "ไม่รู้สิ" is no story to keep
    assert LABELS["other"] in said[0]


def test_a_chosen_category_is_changed_by_a_story_that_names_a_clearer_one() -> None:
    chosen = {
        "complaint_category": "other",
        "complaint_category_assumed": True,
        "complaint_location": "x แถวนี้",
    }
    story = "เจ้าหน้าที่พูดจาไม่ดี ตะคอกใส่"
    got, said = run(conversation("อยากร้องเรียน", "complaint_description", story, slots=chosen))
    assert got["complaint_category"] == "service" and got["complaint_description"] == story
    assert LABELS["service"] in said[0]
    # A category the citizen pressed is theirs: the story does not change it.
    pressed = {**chosen, "complaint_category_assumed": None}
    got, said = run(conversation("อยากร้องเรียน", "complaint_description", story, slots=pressed))
    assert "complaint_category" not in got or got["complaint_category"] == "other"
    assert said == []


@pytest.mark.parametrize(
    "opening",
    ["เจ้าหน้าที่ที่อำเภอพูดจาไม่ดี ตะคอกใส่", "จนท.พูดจาไม่สุภาพค่ะ", "รอคิวนาน เจ้าหน้าที่ไม่สนใจ"],
)
def test_complaints_about_an_officers_manner_are_read_as_officer_service(opening: str) -> None:
    t = conversation(opening, "complaint_category", opening)
    events = asyncio.run(
        ValidateComplaintForm().run(
            CollectingDispatcher(),
            Tracker(
                sender_id=t.sender_id,
                slots={"requested_slot": None},
                latest_message=t.latest_message,
                events=t.events[:2],
                paused=False,
                followup_action=None,
                active_loop={"name": FORM},
                latest_action_name="action_listen",
            ),
            DOMAIN,
        )
    )
    got = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert got["complaint_guess"] == "service", opening
    assert load_routes()["service"].label == LABELS["service"]


# --- later steps' answers kept; no third identical question -----------------------------------


def test_a_place_typed_while_the_story_is_asked_is_kept_for_the_place() -> None:
    slots = {"complaint_category": "garbage"}
    got, said = run(conversation("อยากร้องเรียน", "complaint_description", "หน้าซอยสุขุมวิท 50", slots=slots))
    assert got["complaint_location"] == "หน้าซอยสุขุมวิท 50" and got["complaint_description"] is None
    assert got["requested_slot"] == "complaint_description" and said == ["ได้รับสถานที่แล้วค่ะ"]
    # A story that starts with its place is the story.
    story = "หน้าบ้านไฟดับทั้งซอยมาสามวัน"
    got, _ = run(conversation("อยากร้องเรียน", "complaint_description", story, slots=slots))
    assert got["complaint_description"] == story and got["requested_slot"] == "complaint_location"


FILLED = {
    "complaint_category": "garbage",
    "complaint_description": "ขยะล้นถังมาสามวัน",
    "complaint_location": "ซอย 5",
}
# Without the cases runtime the consent step is not asked: the summary follows the photo.
AFTER_PHOTO = "complaint_confirm"


def test_consent_typed_while_the_photo_is_asked_goes_on_without_a_photo() -> None:
    got, said = run(conversation("อยากร้องเรียน", "complaint_photo", "ยินยอมค่ะ", slots=FILLED))
    assert got["complaint_photo"] == NO_PHOTO and got["requested_slot"] == AFTER_PHOTO
    # Consent itself is asked in its own words, never taken from an answer to another question.
    assert got.get("contact_consent") is None
    assert "แก้ไข" in said[0]


def test_a_second_answer_without_a_photo_goes_on_without_one() -> None:
    got, said = run(conversation("อยากร้องเรียน", "complaint_photo", "รูปอยู่ในเครื่อง", slots=FILLED))
    assert got["complaint_photo"] is None and got["requested_slot"] == "complaint_photo"
    assert said == [replies.reply_for("complaint_photo_missing", "line").text]
    again = conversation("อยากร้องเรียน", "complaint_photo", "เดี๋ยวนะ", earlier=("รูปอยู่ในเครื่อง",), slots=FILLED)
    got, _ = run(again)
    assert got["complaint_photo"] == NO_PHOTO and got["requested_slot"] == AFTER_PHOTO


def test_consent_is_never_asked_a_third_time_the_safe_answer_is_recorded_and_said() -> None:
    slots = {**FILLED, "complaint_photo": NO_PHOTO}
    form = ValidateComplaintForm()
    said, answers = [], []
    for earlier in ((), ("หืม",), ("หืม", "อะไรนะ")):
        t = conversation("อยากร้องเรียน", "contact_consent", "งง", earlier=earlier, slots=slots)
        dispatcher = CollectingDispatcher()
        answers.append(asyncio.run(form.validate_contact_consent("งง", dispatcher, t, {})))
        said.append(dispatcher.messages[0]["text"])
    assert answers[0] == answers[1] == {"contact_consent": None}
    assert said[0] == replies.reply_for("complaint_consent_unclear", "line").text
    assert "ไม่ยินยอม" in said[1] and said[1] != said[0]
    assert answers[2] == {"contact_consent": False, "complaint_anonymous": None}
    assert "แก้ไข" in said[2]


def test_the_edit_question_is_not_asked_a_third_time() -> None:
    slots = {**FILLED, "complaint_photo": NO_PHOTO, "complaint_confirm": "edit"}
    got, said = run(conversation("อยากร้องเรียน", "complaint_edit", "หืม", slots=slots))
    assert got["complaint_edit"] is None and got["requested_slot"] == "complaint_edit"
    assert said == [replies.reply_for("complaint_edit_unclear", "line").text]
    got, _ = run(conversation("อยากร้องเรียน", "complaint_edit", "อะไรนะ", earlier=("หืม",), slots=slots))
    assert got["complaint_edit"] is None and got["complaint_confirm"] is None
    assert got["requested_slot"] == "complaint_confirm"  # back to the summary, nothing emptied


def test_a_short_story_given_twice_is_taken() -> None:
    slots = {"complaint_category": "streetlight"}
    got, _ = run(conversation("อยากร้องเรียน", "complaint_description", "ไฟดับ", slots=slots))
    assert got["complaint_description"] is None
    got, _ = run(conversation("อยากร้องเรียน", "complaint_description", "ไฟดับ", earlier=("ดับ",), slots=slots))
    assert got["complaint_description"] == "ไฟดับ"


@pytest.mark.parametrize("typed", ["ยืนยันค่ะ", "ยินยอมครับ", "ใช่ค่ะ"])
@pytest.mark.parametrize("step", ["complaint_description", "complaint_location"])
def test_a_yes_word_is_never_kept_as_the_story_or_the_place(step: str, typed: str) -> None:
    slots = {"complaint_category": "garbage", "complaint_description": "ขยะล้นถังมาสามวัน"}
    slots = {k: v for k, v in slots.items() if k != step}
    for earlier in ((), ("หืม",)):  # not even when asked a second time
        got, said = run(conversation("อยากร้องเรียน", step, typed, earlier=earlier, slots=slots))
        assert got[step] is None and got["requested_slot"] == step, (step, typed)
        assert len(said) == 1


def test_no_photo_said_at_an_earlier_step_is_kept_for_the_photo_step() -> None:
    got, said = run(conversation(STREETLIGHT_STORY, "complaint_category", "ไม่มีรูปค่ะ", slots=GUESSED))
    assert got["complaint_photo"] == NO_PHOTO and got["requested_slot"] == "complaint_category"
    assert said == [replies.reply_for("complaint_aside_no_photo", "line").text]
    # Web chat is never asked for a photo: nothing to keep there.
    got, _ = run(
        conversation(STREETLIGHT_STORY, "complaint_category", "ไม่มีรูปค่ะ", channel="web", slots=GUESSED)
    )
    assert "complaint_photo" not in got


@pytest.mark.parametrize(
    ("step", "first", "then"),
    [
        ("complaint_description", "complaint_description_too_short", "complaint_description_stuck"),
        ("complaint_location", "complaint_location_too_short", "complaint_location_stuck"),
    ],
)
def test_a_second_unusable_answer_gets_the_ways_on_not_the_same_hint(
    step: str, first: str, then: str
) -> None:
    slots = {k: v for k, v in FILLED.items() if k != step}
    got, said = run(conversation("อยากร้องเรียน", step, "😡", slots=slots))
    assert got[step] is None and said == [replies.reply_for(first, "line").text]
    got, said = run(conversation("อยากร้องเรียน", step, "😡😡", earlier=("😡",), slots=slots))
    assert got[step] is None and said == [replies.reply_for(then, "line").text]
    assert replies.HANDOVER_NOW_LABEL in said[0] and "ยกเลิก" in said[0]
    # The way it names is one: typed, it leaves the form to a person.
    dispatcher = CollectingDispatcher()
    t = conversation("อยากร้องเรียน", step, replies.HANDOVER_NOW_LABEL, slots=slots)
    events = asyncio.run(ValidateComplaintForm().run(dispatcher, t, DOMAIN))
    assert {"event": "active_loop", "name": None} in [
        {"event": e.get("event"), "name": e.get("name")} for e in events if e.get("event") == "active_loop"
    ]
