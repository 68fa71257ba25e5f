"""Case look-ups and angry citizens (issue 11, dev6): a number that cannot be one of our references is
said back as read before the format is explained (Thai digits as digits, in English for a citizen
writing English); impatience or anger about an earlier report is owed an apology with or without a
reference; a first complaint message that names a reference goes to the look-up, never the menu."""

from __future__ import annotations

import pytest
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.case_status import (
    TOLD,
    ActionAskCaseId,
    ValidateCaseStatusForm,
    names_a_reference,
    owed_apology,
    reference_attempt,
    said_back,
    writes_english,
)
from actions.complaint import TRACK, ValidateComplaintForm
from actions.replies import EXAMPLE_REFERENCE, upset

APOLOGY_WORDS = ("ขออภัย", "sorry")


async def _validate(make_tracker, text: str, channel: str = "line", slot_value: str | None = None):
    """The case form's validation of a reference typed `text` (the slot holds the try at a number
    when the form started with it, else the whole message)."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text,
        intent="check_case_status",
        channel=channel,
        active_loop="case_status_form",
        requested_slot="case_id",
    )
    value = slot_value if slot_value is not None else text
    result = await ValidateCaseStatusForm().validate_case_id(value, dispatcher, tracker, {})
    return result, [m.get("text") or "" for m in dispatcher.messages]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("WA69-0412-3387", "WA69-0412-3387"),
        ("case status WA69-7781-0042 pls", "WA69-7781-0042"),
        ("เช็คเรื่อง RD6912345678", "RD69-1234-5678"),
        ("ติดตามเรื่อง GB๖๙-๓๓๐๑-๒๒๑๙", "GB69-3301-2219"),
        ("ตรวจสอบสถานะเรื่องร้องเรียน เลขที่ 69-1234-56789", "69-1234-56789"),
        ("ขอเช็คเรื่องที่แจ้ง cm6900012", "CM6900012"),
    ],
)
def test_a_try_at_a_reference_is_read_and_said_back(typed: str, read: str) -> None:
    assert said_back(reference_attempt(typed)) == read


@pytest.mark.parametrize(
    "typed",
    [
        "โทร 081-234-5678",  # a phone: never taken for a reference, never said back
        "เลขบัตร 1101700230708",  # a citizen id
        "PM2.5 สูงมาก ควันไฟเต็มซอย",
        "my case is 2 weeks old",
        "ไฟถนนดับ ซ.ลาดพร้าว101",
    ],
)
def test_phones_ids_and_ordinary_words_are_no_try_at_a_reference(typed: str) -> None:
    assert said_back(reference_attempt(typed)) == ""
    assert not names_a_reference(typed)


def test_what_might_be_personal_data_is_never_said_back() -> None:
    assert said_back("0812345678") == "" and said_back("1101700230708") == ""
    assert said_back("AB" + "1" * 30) == ""  # a sentence, not a number


async def test_another_prefix_is_said_back_with_the_format_and_a_valid_example(make_tracker) -> None:
    result, said = await _validate(make_tracker, "WA69-0412-3387")
    assert result == {"case_id": TOLD}
    assert said[0].startswith("เลข WA69-0412-3387 ยังไม่ใช่เลขที่เรื่องของระบบนี้ค่ะ")
    assert "CM หรือ AP" in said[0] and EXAMPLE_REFERENCE in said[0]
    assert "ข้อความยืนยัน" in said[1]  # where the right number is


async def test_sms_says_the_number_back_too(make_tracker) -> None:
    typed = "แจ้งไปตั้งนาน SV69-1102-3344 ไม่มีคนติดต่อกลับเลย ไม่ต้องมาขอโทษ เอาคำตอบ"
    result, said = await _validate(make_tracker, typed, channel="sms", slot_value=reference_attempt(typed))
    assert result == {"case_id": TOLD}
    assert said[0].startswith("ขออภัย")  # a short apology, the words never said back
    assert "SV69-1102-3344" in said[1] and EXAMPLE_REFERENCE in said[1]
    assert all("เอาคำตอบ" not in text and "ไม่ต้องมาขอโทษ" not in text for text in said)


async def test_thai_digits_are_said_back_as_digits(make_tracker) -> None:
    typed = "ติดตามเรื่อง GB๖๙-๓๓๐๑-๒๒๑๙"
    _, said = await _validate(make_tracker, typed, slot_value=reference_attempt(typed))
    assert "GB69-3301-2219" in said[0] and "๖๙" not in said[0]


async def test_digits_without_letters_and_too_many_are_said_back_with_the_count(make_tracker) -> None:
    typed = "ตรวจสอบสถานะเรื่องร้องเรียน เลขที่ 69-1234-56789"
    result, said = await _validate(make_tracker, typed, slot_value=reference_attempt(typed))
    assert result == {"case_id": TOLD}
    assert "69-1234-56789" in said[0] and "11 หลัก" in said[0] and EXAMPLE_REFERENCE in said[0]


async def test_a_citizen_writing_english_is_answered_in_english(make_tracker) -> None:
    typed = "case status WA69-7781-0042 pls"
    result, said = await _validate(make_tracker, typed, channel="web", slot_value=reference_attempt(typed))
    assert result == {"case_id": TOLD}
    assert said[0].startswith("WA69-7781-0042 is not a case reference") and EXAMPLE_REFERENCE in said[0]
    assert all(text.isascii() or "“" in text for text in said)


async def test_english_anger_about_an_earlier_report_gets_an_english_apology(make_tracker) -> None:
    typed = (
        "I reported a broken water pipe two weeks ago, reference WA69-3390-1175, and nobody has come. "
        "This is ridiculous."
    )
    assert owed_apology(typed) and names_a_reference(typed)
    _, said = await _validate(make_tracker, typed, channel="web", slot_value=reference_attempt(typed))
    assert "sorry" in said[0].lower() and "ridiculous" not in " ".join(said)
    assert "WA69-3390-1175" in said[1] and said[1].isascii()


def test_a_bare_reference_says_nothing_of_the_language(make_tracker) -> None:
    assert not writes_english(make_tracker(EXAMPLE_REFERENCE))
    assert writes_english(make_tracker("where is my case? " + EXAMPLE_REFERENCE))
    assert not writes_english(make_tracker("เรื่อง " + EXAMPLE_REFERENCE + " ถึงไหนแล้วคะ"))


@pytest.mark.parametrize(
    "said",
    [
        "แจ้งเรื่องขยะไปตั้งหลายรอบแล้ว ไม่เคยมีใครมาเก็บ ทำงานกันแบบนี้เหรอ",
        "ฉันแจ้งเรื่องหลุมบนถนนไปตั้งแต่2เดือนก่อน ตอนนี้ลูกขี่มอไซค์ตกหลุมแขนหักแล้ว ใครจะรับผิดชอบ",
        # the same impatience in other words
        "แจ้งน้ำประปาไม่ไหลไปเป็นอาทิตย์แล้ว ไม่เคยมีใครติดต่อกลับมาเลย",
        "ร้องเรียนเรื่องเสียงดังไว้ตั้งแต่เดือนที่แล้ว ทำงานกันอย่างนี้เหรอ",
        "โทรบอกเรื่องท่อแตกไปสองครั้งแล้ว ไม่มีคนมาดูสักคน",
        "We reported the flooding last month and still nothing has been done",
        "I complained two weeks ago, this is unacceptable",
        "จะให้รออีกนานแค่ไหน",  # after the look-up said its piece: still impatient
    ],
)
def test_anger_or_impatience_about_an_earlier_report_is_owed_an_apology(said: str) -> None:
    assert owed_apology(said)


@pytest.mark.parametrize(
    "said",
    [
        "ไฟถนนดับมาตั้งนานแล้ว",  # something long broken: a new complaint
        "ถนนหน้าบ้านเป็นหลุมใหญ่ มอไซค์ล้มไปแล้ว2คัน",
        "ขอแจ้งไฟถนนดับหน้าซอย 5 ค่ะ",
        "I want to report a broken street light on Soi 12",
        "ต่อภาษีรถทำงานกันกี่โมงคะ",
        # an earlier complaint only pointed at, calmly: no wait or nothing-done is told
        "รบกวนดูเรื่องที่แจ้งไว้เมื่อวานให้หน่อยค่ะ",
        "จำเลขเรื่องที่ร้องเรียนไปไม่ได้ค่ะ",
    ],
)
def test_a_plain_report_or_question_is_owed_no_apology(said: str) -> None:
    assert not owed_apology(said)


def test_the_anger_words_are_read_not_repeated() -> None:
    assert upset("เสียภาษีไปทำไม 😡") and upset("This is RIDICULOUS")
    assert not upset("ต้องเสียภาษีที่ไหนคะ")


async def test_the_question_for_the_number_opens_with_the_apology(make_tracker) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("แจ้งเรื่องขยะไปตั้งหลายรอบแล้ว ไม่เคยมีใครมาเก็บ ทำงานกันแบบนี้เหรอ", channel="sms")
    await ActionAskCaseId().run(dispatcher, tracker, {})
    said = [m["text"] for m in dispatcher.messages]
    assert said[0].startswith("ขออภัย") and EXAMPLE_REFERENCE in said[1]
    assert "ทำงานกันแบบนี้" not in " ".join(said)


async def test_the_question_for_the_number_in_english(make_tracker) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("I complained last month and nothing happened. Ridiculous.", channel="web")
    await ActionAskCaseId().run(dispatcher, tracker, {})
    said = [m["text"] for m in dispatcher.messages]
    assert "sorry" in said[0].lower() and said[1].startswith("Please send your case reference")


@pytest.mark.parametrize(
    "first",
    [
        "I reported a broken water pipe two weeks ago, reference WA69-3390-1175, and nobody has come. "
        "This is ridiculous.",
        "ไฟดับอีกแล้ว แจ้งไปแล้วเลข SL69-0087-1123",
        f"เรื่อง {EXAMPLE_REFERENCE} ยังไม่มีใครมาซ่อมเลย",
    ],
)
async def test_a_first_complaint_naming_a_reference_goes_to_the_look_up(make_tracker, first: str) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(first, intent="file_complaint", channel="web", active_loop="complaint_form")
    events = await ValidateComplaintForm().run(dispatcher, tracker, {})
    assert events == [SlotSet("complaint_confirm", TRACK), ActiveLoop(None)]
    assert dispatcher.messages == []  # no category menu: the look-up answers the same message
