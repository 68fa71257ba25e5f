"""The answer composer on its own (no search): answer first, yes/no, money words, footer, buttons."""

from __future__ import annotations

import dataclasses

import pytest

from actions.replies import reply_for
from actions.service_answer import Passage, aspect_buttons, compose_answer, faq_first_line, is_english
from actions.service_verdicts import is_yes_no, stated_duty
from knowledge.agencies import Agency
from knowledge.record import FAQ, Fee, ServiceRecord, WhereToApply


def record(**changes: object) -> ServiceRecord:
    base = ServiceRecord(
        id="id_card_lost",
        title_th="ทำบัตรประจำตัวประชาชนใหม่ กรณีบัตรหาย",
        short_th="บัตรหาย",
        agency="กรมการปกครอง",
        description="บัตรหายต้องทำใหม่ภายใน 60 วัน",
        documents=("ทะเบียนบ้านที่มีชื่อผู้ขอ", "เอกสารราชการที่มีรูปถ่าย"),
        fees=(Fee("ค่าธรรมเนียม", "100 บาท"),),
        processing_time="ประมาณ 1 ชั่วโมง",
        where_to_apply=WhereToApply(offices=("ที่ว่าการอำเภอ",), online="ไม่มีช่องทางออนไลน์ ต้องไปด้วยตนเอง"),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    ["ทำออนไลน์ได้ไหมครับ", "ต้องใช้ทะเบียนบ้านไหมคะ", "ฟรีมั้ย", "ให้คนอื่นไปแทนได้ป่าว", "can I do it online?"],
)
def test_yes_no_questions(text: str) -> None:
    assert is_yes_no(text)


@pytest.mark.parametrize("text", ["ต้องใช้เอกสารอะไรบ้างคะ", "ไปทำที่ไหนได้บ้าง", "how much is it?"])
def test_not_yes_no(text: str) -> None:
    assert not is_yes_no(text)


def test_english_detection() -> None:
    assert is_english("how much is it?") and not is_english("ทำ passport ที่ไหน")


def test_online_yes_no_says_no_first_when_the_record_says_in_person() -> None:
    text, _ = compose_answer(record(), "online", "line", "ทำออนไลน์ได้ไหมครับ")
    assert text.splitlines()[0] == "ไม่ได้ค่ะ"
    assert "ต้องไปด้วยตนเอง" in text


def test_online_yes_when_there_is_a_channel() -> None:
    online = record(where_to_apply=WhereToApply(online="ยื่นผ่านแอป ThaID", e_service_url="https://x.go.th"))
    text, _ = compose_answer(online, "online", "line", "ทำออนไลน์ได้ไหม")
    assert text.splitlines()[0] == "ได้ค่ะ" and "https://x.go.th" in text


def test_document_yes_no_from_the_list_else_says_the_record_does_not_say() -> None:
    yes, _ = compose_answer(record(), None, "line", "ต้องใช้ทะเบียนบ้านไหม")
    assert yes.splitlines()[0].startswith("ต้องค่ะ") and "ทะเบียนบ้าน" in yes.splitlines()[0]
    unknown, _ = compose_answer(record(), None, "line", "ต้องใช้ใบเสร็จค่าน้ำไหม")
    assert unknown.splitlines()[0].startswith("ข้อมูลของบริการนี้ไม่ได้ระบุเรื่องนี้ไว้ค่ะ")


def test_faq_answer_comes_first_with_its_yes_no_word() -> None:
    passage = Passage(kind="faq", answer="ไม่ต้อง แจ้งการหายกับนายทะเบียนได้เลย")
    text, _ = compose_answer(record(), None, "line", "ต้องแจ้งความก่อนไหม", passage)
    assert text.splitlines()[0] == "ไม่ต้องค่ะ แจ้งการหายกับนายทะเบียนได้เลยค่ะ"
    assert faq_first_line("ได้รับเงินทุกเดือน", "line") == "ได้รับเงินทุกเดือนค่ะ"  # "ได้รับ" is no yes
    assert faq_first_line("ภายใน 24 ชั่วโมงนับแต่เวลาตาย", "line") == "ภายใน 24 ชั่วโมงนับแต่เวลาตายค่ะ"


def test_fee_question_first_line_is_the_figure() -> None:
    text, _ = compose_answer(record(), "fee", "line", "ค่าธรรมเนียมเท่าไหร่")
    assert text.splitlines()[0:2] == ["ค่าธรรมเนียมค่ะ", "• ค่าธรรมเนียม: 100 บาท"]


def test_money_received_is_not_called_a_fee() -> None:
    allowance = record(fees=(), benefits=(Fee("อายุ 60-69 ปี", "600 บาทต่อเดือน"),))
    text, _ = compose_answer(allowance, "fee", "line", "ได้เดือนละเท่าไหร่")
    assert "เงินที่ได้รับค่ะ" in text and "ค่าธรรมเนียม" not in text
    labels = [b.title for b in aspect_buttons(allowance, None)]
    assert any(label.startswith("เงินที่ได้รับ") for label in labels)


def test_footer_says_whether_the_agency_verified_the_record() -> None:
    draft, _ = compose_answer(record(), None, "line")
    assert "ฉบับร่าง" in draft.splitlines()[-1] and "รอ กรมการปกครอง ตรวจรับรอง" in draft
    verified, _ = compose_answer(record(verified=True), None, "line")
    assert "ตรวจรับรองโดยหน่วยงานแล้ว" in verified.splitlines()[-1] and "ร่าง" not in verified


def test_aspect_buttons_carry_the_short_name_fit_line_and_are_unique() -> None:
    buttons = aspect_buttons(record(), "documents")
    titles = [b.title for b in buttons]
    assert "ค่าธรรมเนียม บัตรหาย" in titles and "ที่ยื่น บัตรหาย" in titles
    assert len(set(titles)) == len(titles) and all(len(t) <= 20 for t in titles)


def test_sms_footer_is_short() -> None:
    text, _ = compose_answer(record(), "fee", "sms")
    assert len(text.splitlines()[-1]) < 40


def test_place_yes_no_from_the_office_list_but_not_from_generic_office_words() -> None:
    mall = record(where_to_apply=WhereToApply(offices=("สำนักงานขนส่งทุกแห่ง", "จุดบริการในห้างสรรพสินค้า")))
    yes, _ = compose_answer(mall, None, "line", "ที่ห้างได้ไหม")
    assert yes.splitlines()[0] == "ได้ค่ะ ยื่นได้ที่ “จุดบริการในห้างสรรพสินค้า” ค่ะ"
    own = record(where_to_apply=WhereToApply(offices=("สำนักทะเบียนอำเภอที่ผู้ขอมีชื่อในทะเบียนบ้าน",)))
    unsure, _ = compose_answer(own, "place", "line", "อำเภอไหนก็ได้ไหม")
    assert not unsure.startswith("ได้ค่ะ")


# -- session 4 (B2): first lines for questions the record answers only in part ----------------------------
@pytest.mark.parametrize("text", ["เสียเงินไหม ถ้าไปที่อำเภอ", "ต้องบินกลับไปทำที่ไทยไหม หรือทำที่นี่ได้"])
def test_a_yes_no_particle_inside_the_message_still_makes_a_yes_no_question(text: str) -> None:
    assert is_yes_no(text)


def test_partly_online_is_not_a_plain_yes() -> None:
    partly = record(
        where_to_apply=WhereToApply(
            offices=("สำนักงานหนังสือเดินทาง",),
            online="จองคิวล่วงหน้าทางเว็บไซต์ แต่ต้องไปยื่นและถ่ายรูปด้วยตนเอง",
            e_service_url="https://www.passport.in.th",
        )
    )
    text, _ = compose_answer(partly, "online", "line", "ทำออนไลน์ทั้งหมดได้ไหม")
    assert text.splitlines()[0] == reply_for("answer_online_partly", "line").text
    assert "ด้วยตนเอง" in text


def test_advised_is_answered_as_not_required() -> None:
    line = faq_first_line("ควรจองคิวออนไลน์ล่วงหน้า บางสำนักงานรับ walk-in จำนวนจำกัด", "line", "ต้องจองคิวก่อนไหม")
    assert line.startswith(reply_for("answer_advised", "line").text + " ควรจองคิว")


def test_free_in_one_case_says_so_first() -> None:
    mixed = record(fees=(Fee("จดทะเบียนในสำนักทะเบียน", "ไม่มีค่าธรรมเนียม"), Fee("จดนอกสำนักทะเบียน", "200 บาท")))
    text, _ = compose_answer(mixed, "fee", "line", "เสียเงินไหม ถ้าไปที่อำเภอ")
    assert text.splitlines()[0] == "ไม่เสียค่าธรรมเนียมค่ะ กรณีจดทะเบียนในสำนักทะเบียน"
    assert "200 บาท" in text


@pytest.mark.parametrize(
    ("question", "first"),
    [("ต้องทำบัตรใหม่ภายใน 60 วันใช่มั้ย", "ใช่ค่ะ"), ("ต้องทำบัตรใหม่ภายใน 30 วันใช่ไหม", "ไม่ใช่ค่ะ")],
)
def test_a_figure_to_confirm_gets_yes_or_no_first(question: str, first: str) -> None:
    text, _ = compose_answer(record(), None, "line", question)
    assert text.splitlines()[0].startswith(first) and "60 วัน" in text.splitlines()[0]


def test_a_silent_record_says_so_with_the_agencys_hotline() -> None:
    contact = Agency(id="dopa", name_th="กรมการปกครอง", name_en="DOPA", hotline="1548", website="")
    text, _ = compose_answer(record(), None, "line", "ต้องพาพ่อแม่ไปด้วยไหม", contact=contact)
    assert text.splitlines()[0].startswith("ข้อมูลของบริการนี้ไม่ได้ระบุเรื่องนี้ไว้ค่ะ") and "โทร 1548" in text


def test_can_i_get_it_is_not_answered_with_a_listed_document() -> None:
    grant = record(documents=("สมุดบัญชีเงินฝากของผู้ยื่น",), fees=())
    text, _ = compose_answer(grant, None, "line", "เงินเด็กแรกเกิดได้ไหม")
    assert "รายการเอกสารระบุ" not in text


def test_a_listed_power_of_attorney_answers_can_someone_go_instead() -> None:
    allowance = record(documents=("บัตรประจำตัวประชาชน", "หนังสือมอบอำนาจ กรณีให้ผู้อื่นยื่นแทน"))
    text, _ = compose_answer(allowance, None, "line", "แม่เดินไม่ไหว ให้ลูกไปลงแทนได้ไหม")
    assert text.splitlines()[0].startswith("ได้ค่ะ") and "มอบอำนาจ" in text.splitlines()[0]


def test_a_figure_stays_with_its_unit_in_a_supporting_clause() -> None:
    moving = record(description="เมื่อผู้อยู่อาศัยย้ายออกจากบ้าน เจ้าบ้านต้องแจ้งย้ายออกภายใน 15 วันนับแต่วันที่ผู้นั้นย้ายออก")
    text, _ = compose_answer(moving, None, "line", "เจ้าบ้านไปแจ้งแทนได้ไหม")
    assert "ภายใน 15 วันนับแต่วันที่ผู้นั้นย้ายออก" in text.splitlines()[0]


def test_the_services_own_name_is_not_a_listed_document() -> None:
    shop = record(title_th="จดทะเบียนพาณิชย์ (ร้านค้า)", documents=("แบบคำขอจดทะเบียน (แบบ ทพ.)",))
    text, _ = compose_answer(shop, None, "line", "เปิดร้านกาแฟหน้าบ้าน ต้องจดทะเบียนอะไรไหม")
    assert "รายการเอกสารระบุ" not in text


def test_a_listed_document_answers_only_the_someone_else_question() -> None:
    car = record(documents=("สมุดคู่มือจดทะเบียนรถ (เล่มทะเบียน) หรือสำเนา",), faqs=())
    text, _ = compose_answer(car, None, "line", "ทะเบียนโดนระงับแล้วใช่ไหม")
    assert "สมุดคู่มือ" not in text.splitlines()[0]


def test_an_age_over_the_limit_is_no_and_other_ages_settle_nothing() -> None:
    from actions.service_verdicts import age_asked, age_limit, aged_out

    grant = record(id="child_support_grant", eligibility="เด็กสัญชาติไทย อายุไม่เกิน 6 ปี อยู่ในครัวเรือนรายได้น้อย")
    assert age_limit(grant) == 6 and age_asked("ลูกอายุ๘ขวบ") == 8
    assert aged_out(grant, "ลูกอายุ 8 ขวบ ขอได้ไหม", "line") == reply_for("answer_age_over", "line").text.format(
        age="8", limit="6"
    )
    assert aged_out(grant, "ลูก 5 ขวบ ขอได้ไหม", "line") is None
    assert aged_out(grant, "ลูก 8 ขวบต้องทำอะไร", "line") is None  # no yes/no question
    assert age_asked("บัตรหมดอายุ 2 ปีแล้ว ต่อได้ไหม") is None and age_asked("รถอายุ 10 ปี") is None
    # "อายุต่ำกว่า 7 ปีขอมีบัตรได้แต่ไม่บังคับ" is no upper limit
    assert age_limit(record(eligibility="อายุ 7 ปีขึ้นไป ผู้อายุต่ำกว่า 7 ปีขอมีบัตรได้แต่ไม่บังคับ")) is None


@pytest.mark.parametrize(
    ("question", "answer", "first"),
    [
        ("ป้ายถูกยึดแล้วใช่ไหม", "ป้ายทะเบียนจะถูกยึดคืน และต้องจดทะเบียนใหม่", "answer_yes"),
        ("ต้องมีคนค้ำไหม", "ตามกฎหมายใหม่ไม่ต้องมีผู้ค้ำประกัน", "answer_no_need"),
    ],
)
def test_an_faq_answer_in_other_words_still_gets_its_verdict(question: str, answer: str, first: str) -> None:
    assert faq_first_line(answer, "line", question).startswith(reply_for(first, "line").text)


def test_a_confirmation_the_answer_does_not_state_gets_no_verdict() -> None:
    line = faq_first_line("ชำระล่วงหน้าได้ไม่เกิน 90 วัน", "line", "ต้องตรวจสภาพรถใช่ไหม")
    assert line == "ชำระล่วงหน้าได้ไม่เกิน 90 วันค่ะ"


def test_going_instead_is_answered_by_a_listed_power_of_attorney_not_by_a_savings_book() -> None:
    elderly = record(
        id="elderly_allowance",
        title_th="เบี้ยยังชีพผู้สูงอายุ",
        description="ผู้สูงอายุลงทะเบียนกับท้องถิ่น",
        documents=("สมุดบัญชีเงินฝากธนาคาร", "หนังสือมอบอำนาจ กรณีให้ผู้อื่นยื่นแทน"),
    )
    first = compose_answer(elderly, None, "line", "ลูกไปทำแทนพ่อได้ไหมคะ")[0].splitlines()[0]
    assert first.startswith("ได้ค่ะ") and "มอบอำนาจ" in first


def test_the_clauses_last_modal_word_gives_the_verdict() -> None:
    # the ไม่ได้ of "ผู้ที่ไม่ได้อยู่" describes who is moved out, the clause ends in ได้
    answer = "เจ้าของบ้านแจ้งย้ายคนที่ไม่ได้อาศัยอยู่แล้วออกได้"
    assert faq_first_line(answer, "line", "เจ้าของบ้านแจ้งย้ายออกให้ได้ไหม").startswith("ได้ค่ะ")
    assert faq_first_line("แจ้งแทนได้ แต่ย้ายออกเองไม่ได้", "line", "ย้ายออกเองได้ไหม").startswith("ไม่ได้ค่ะ")


@pytest.mark.parametrize(
    ("question", "answer", "first"),
    [
        ("สิทธิ์ถูกตัดไปแล้วหรือเปล่า", "ถ้าย้ายบ้านไม่แจ้ง สิทธิ์จะถูกตัดเมื่อสิ้นปี", "answer_yes"),
        ("สิทธิ์ถูกตัดไปแล้วหรือเปล่า", "ย้ายบ้านแล้วสิทธิ์ไม่ถูกตัด แจ้งท้องถิ่นใหม่", "answer_no"),
        # a negation elsewhere in the clause ("ไม่เกิน") does not deny what was asked
        ("แจ้งช้ามีค่าปรับแน่ใช่ไหม", "แจ้งช้ามีค่าปรับไม่เกิน 1,000 บาท", "answer_yes"),
    ],
)
def test_a_confirmation_is_answered_yes_or_no_by_the_clause_that_states_it(
    question: str, answer: str, first: str
) -> None:
    assert faq_first_line(answer, "line", question).startswith(reply_for(first, "line").text + " ")


def test_a_must_question_answered_by_an_faq_on_doing_without_is_turned_round() -> None:
    answer = "ได้ ให้เจ้าบ้านทำหนังสือยินยอมให้ผู้ย้ายนำไปแสดง"
    faq = "เจ้าบ้านไม่ว่างไปด้วยได้ไหม"
    assert faq_first_line(answer, "line", "เจ้าบ้านต้องไปเองด้วยหรือเปล่า", faq).startswith("ไม่ต้องค่ะ")
    assert faq_first_line(answer, "line", "เจ้าบ้านไม่ไปได้ไหม", faq).startswith("ได้ค่ะ")  # asked as can
    # an FAQ that asks can without a negation keeps its ได้
    assert faq_first_line("ได้ ยื่นที่ไหนก็ได้", "line", "ต้องยื่นที่อำเภอไหนไหม", "ยื่นต่างอำเภอได้ไหม").startswith("ได้ค่ะ")
    # "…ได้มั้ย ไม่ต้องพาลูกไป" asks whether one can; its ไม่ต้อง is part of the plan, not the question
    no = faq_first_line("ไม่ได้ เด็กต้องไปด้วยตนเอง", "line", "ไปแทนลูกได้มั้ย ไม่ต้องพาไป", "ไปแทนโดยไม่พาเด็กไปได้ไหม")
    assert no.startswith("ไม่ได้ค่ะ")


# -- issue 10, dev2 round: a verdict first wherever the record holds it ----------------------------------
def first_id_card() -> ServiceRecord:
    from knowledge.record import FAQ

    return record(
        id="id_card_new",
        title_th="ทำบัตรประจำตัวประชาชนครั้งแรก",
        short_th="บัตร ปชช. ครั้งแรก",
        synonyms=("บัตรประชาชนใบแรก", "ลูกอายุเจ็ดขวบทำบัตร"),
        description="คนสัญชาติไทยที่อายุครบ 7 ปีบริบูรณ์ และมีชื่อในทะเบียนบ้าน ต้องไปขอมีบัตร ภายใน 60 วัน",
        faqs=(FAQ("เด็กอายุ 7 ขวบต้องทำบัตรประชาชนเมื่อไร", "ภายใน 60 วันนับแต่วันที่อายุครบ 7 ปีบริบูรณ์"),),
        processing_time="รับบัตรได้ภายในวันเดียว",
    )


@pytest.mark.parametrize("question", ["ลูกอายุ7ขวบแล้ว ต้องไปทำบัตรประชาชนไหมคะ", "ต้องไปทำบัตรเองก่อนไหม"])
def test_a_duty_with_a_time_limit_answers_must_i_do_the_service(question: str) -> None:
    text, _ = compose_answer(first_id_card(), "time", "line", question)
    assert text.splitlines()[0] == "ต้องค่ะ ภายใน 60 วันนับแต่วันที่อายุครบ 7 ปีบริบูรณ์ค่ะ"


@pytest.mark.parametrize(
    "question",
    [
        "ลูกอายุ 5 ขวบ ต้องไปทำบัตรประชาชนไหม",  # before the age the duty starts at
        "ต้องไปด้วยไหม",  # someone coming along, not doing the service
        "ชาวต่างชาติต้องทำบัตรไหม",  # someone the record does not speak of
        "ถ้าอยู่ต่างประเทศต้องทำบัตรไหม",  # a condition of its own
        "ต้องใช้อะไรบ้าง",  # no yes/no question
    ],
)
def test_a_time_limit_is_no_duty_for_other_questions(question: str) -> None:
    text, _ = compose_answer(first_id_card(), None, "line", question)
    assert not text.startswith("ต้องค่ะ")


def test_a_time_limit_on_what_was_asked_makes_it_a_duty_but_a_payday_does_not() -> None:
    line = faq_first_line(
        "แก้ทะเบียนบ้าน ทำบัตรประชาชนใหม่ภายใน 60 วัน และแจ้งธนาคาร", "line", "เปลี่ยนชื่อแล้วต้องทำบัตรประชาชนใหม่ไหม"
    )
    assert line.startswith("ต้องค่ะ แก้ทะเบียนบ้าน")
    paid = record(title_th="เบี้ยยังชีพผู้สูงอายุ", description="จ่ายเข้าบัญชีภายในวันที่ 10 ของทุกเดือน", faqs=())
    text, _ = compose_answer(paid, None, "line", "ต้องไปเปิดบัญชีไหม")
    assert not text.startswith("ต้องค่ะ")


def elderly() -> ServiceRecord:
    return record(
        id="elderly_allowance",
        title_th="ลงทะเบียนรับเบี้ยยังชีพผู้สูงอายุ",
        short_th="เบี้ยผู้สูงอายุ",
        description="ผู้สูงอายุที่มีสัญชาติไทย อายุ 60 ปีขึ้นไป ลงทะเบียนล่วงหน้ากับท้องถิ่นที่มีชื่อในทะเบียนบ้าน เพื่อรับเบี้ยยังชีพรายเดือน",
        documents=("บัตรประจำตัวประชาชน",),
        faqs=(),
    )


def test_the_services_name_before_must_does_not_stop_the_clause_answer() -> None:
    text, _ = compose_answer(elderly(), None, "line", "เบี้ยยังชีพต้องไปลงทะเบียนเองไหม หรือได้เลย")
    assert text.splitlines()[0] == "ต้องค่ะ ลงทะเบียนล่วงหน้ากับท้องถิ่นที่มีชื่อในทะเบียนบ้านค่ะ"
    draft = record(
        title_th="ลงบัญชีทหารกองเกิน",
        description="ชายไทยต้องไปลงบัญชีทหารกองเกินในปีที่อายุครบ 18 ปี (พ.ศ. ที่อายุย่างเข้า 18)",
    )
    text, _ = compose_answer(draft, None, "line", "ลูกชายอายุ๑๗ ต้องไปลงบัญชีทหารไหมคะ")
    assert text.splitlines()[0] == "ต้องค่ะ ชายไทยต้องไปลงบัญชีทหารกองเกินในปีที่อายุครบ 18 ปี (พ.ศ. ที่อายุย่างเข้า 18)"


def test_an_abbreviation_typed_without_its_dots_finds_the_clause() -> None:
    car = record(
        title_th="ต่อภาษีรถประจำปี",
        synonyms=("ต่อภาษีรถ",),
        description="เจ้าของรถต้องชำระภาษีรถประจำปีทุกปี ต้องมีประกันภัยภาคบังคับ (พ.ร.บ.) ที่ยังไม่หมดอายุ",
        documents=(),
        faqs=(),
    )
    text, _ = compose_answer(car, None, "line", "เออ แล้วต่อภาษีรถต้องมี พรบ ไหม")
    assert text.splitlines()[0] == "ต้องค่ะ ต้องมีประกันภัยภาคบังคับ (พ.ร.บ.)"


@pytest.mark.parametrize("question", ["ชาวต่างชาติต้องไปลงทะเบียนไหม", "ถ้าได้บำนาญอยู่แล้วต้องลงทะเบียนไหม"])
def test_someone_or_a_condition_the_record_does_not_speak_of_gets_no_must(question: str) -> None:
    text, _ = compose_answer(elderly(), None, "line", question)
    assert not text.startswith("ต้องค่ะ")


def test_a_listed_document_is_confirmed_with_must_even_asked_as_right() -> None:
    allowance = record(documents=("บัตรประจำตัวคนพิการ", "ทะเบียนบ้าน"))
    how = Passage(kind="faq", answer="ให้แพทย์ออกเอกสารรับรองความพิการ แล้วยื่นขอบัตรที่ พมจ.", aspect="documents")
    text, _ = compose_answer(allowance, "documents", "line", "ต้องใช้บัตรคนพิการด้วยใช่มั้ย", how)
    assert text.splitlines()[0] == "ต้องค่ะ รายการเอกสารระบุ “บัตรประจำตัวคนพิการ” ไว้ค่ะ"
    assert "ให้แพทย์ออกเอกสาร" in text  # the FAQ answer still follows


def test_a_conditional_must_is_answered_by_the_records_sentence_on_that_condition() -> None:
    from knowledge.record import FAQ

    tax = record(
        title_th="ยื่นแบบภาษีเงินได้บุคคลธรรมดา",
        eligibility="ผู้มีเงินเดือนอย่างเดียวเกิน 120,000 บาทต่อปี (โสด)",
        faqs=(FAQ("รายได้ไม่ถึงเกณฑ์ต้องยื่นไหม", "ถ้าไม่ถึงเกณฑ์ไม่ต้องยื่น แต่ถ้าถูกหักภาษี ณ ที่จ่ายไว้ ควรยื่นเพื่อขอคืนภาษี"),),
    )
    text, _ = compose_answer(tax, "eligibility", "line", "ถ้าเงินได้ไม่ถึงเกณฑ์ต้องยื่นมั้ย")
    assert text.splitlines()[0].startswith("ไม่ต้องค่ะ ถ้าไม่ถึงเกณฑ์ไม่ต้องยื่น")
    assert "120,000" in text  # the eligibility itself follows


def test_income_is_not_a_can() -> None:
    card = record(eligibility="คนไทยอายุ 18 ปีขึ้นไป ไม่มีงานทำหรือมีรายได้ไม่เกิน 100,000 บาทต่อปี", faqs=())
    text, _ = compose_answer(card, "eligibility", "line", "รายได้เดือนละหมื่นห้า ได้ไหมคะ")
    assert not text.startswith("ได้ค่ะ")


def test_an_online_note_that_says_there_is_none_is_a_no() -> None:
    none = record(
        where_to_apply=WhereToApply(
            online="ต้องไปแสดงตนพร้อมกัน ไม่มีการจดทะเบียนสมรสออนไลน์", e_service_url="https://x"
        )
    )
    text, _ = compose_answer(none, "online", "line", "ทำออนไลน์ได้ไหม")
    assert text.splitlines()[0] == "ไม่ได้ค่ะ"


def test_english_yes_no_first_and_english_amounts() -> None:
    from actions.service_english import compose_english
    from bench.conversations.judge import latin_share, yes_no_of

    mixed = record(
        fees=(
            Fee("จดทะเบียนในสำนักทะเบียน", "ไม่มีค่าธรรมเนียม"),
            Fee("จดนอกสำนักทะเบียน", "200 บาท", to_confirm=True),
        )
    )
    free, _ = compose_english(mixed, "fee", "line", question="is it free?")
    assert free.startswith("Yes") and "ไม่มีค่าธรรมเนียม" not in free and "200 baht (to be confirmed)" in free
    # free at the office, as the Thai answer leads ("ไม่เสียค่าธรรมเนียมค่ะ กรณี…"): no fee in the usual case
    assert yes_no_of(compose_english(mixed, "fee", "line", question="Is there a fee?")[0]) == "no"
    paid, _ = compose_english(record(), "fee", "line", question="Do I have to pay?")
    assert (
        yes_no_of(paid) == "yes"
        and yes_no_of(compose_english(record(), "fee", "line", question="is it free?")[0]) == "no"
    )
    online = record(where_to_apply=WhereToApply(online="ยื่นผ่านแอป", e_service_url="https://x.go.th"))
    assert compose_english(online, "online", "line", question="Can I do it online?")[0].startswith("Yes")
    assert yes_no_of(compose_english(record(), "online", "line", question="Can I do it online?")[0]) == "no"
    how_much, _ = compose_english(mixed, "fee", "line", question="how much is it?")  # no yes/no question
    assert how_much.startswith("Fee:")
    allowance = record(fees=(), benefits=(Fee("อายุ 60-69 ปี", "600 บาทต่อเดือน", to_confirm=True),))
    monthly, _ = compose_english(allowance, "fee", "line", question="how much per month?")
    assert "age 60-69: 600 baht a month (to be confirmed)" in monthly and latin_share(monthly) >= 0.6


def test_among_equally_close_clauses_the_one_with_a_verdict_answers() -> None:
    divorce = record(
        title_th="จดทะเบียนหย่า",
        description="คู่สมรสที่ตกลงหย่ากันโดยความยินยอม ไปจดทะเบียนหย่าพร้อมกันที่สำนักทะเบียนใดก็ได้",
        where_to_apply=WhereToApply(online="ไม่มีช่องทางออนไลน์ ทั้งสองฝ่ายต้องไปพร้อมกัน หรือใช้คำพิพากษาของศาล"),
        documents=(),
        faqs=(),
    )
    text, _ = compose_answer(divorce, None, "line", "จดทะเบียนหย่าต้องไปทั้งสองคนมั้ยคะ")
    assert text.splitlines()[0].startswith("ต้องค่ะ ทั้งสองฝ่ายต้องไปพร้อมกัน")


# -- going in person or by proxy ("ต้องไปเองไหม", "ให้แม่ไปแทนได้ไหม") ---------------------------------
def passport() -> ServiceRecord:
    return record(
        id="passport_new",
        title_th="ทำหนังสือเดินทาง (พาสปอร์ต)",
        short_th="ทำพาสปอร์ต",
        description="คนไทยขอหนังสือเดินทางได้ที่กรมการกงสุล ต้องไปด้วยตนเองเพื่อถ่ายรูปและเก็บลายนิ้วมือ",
        documents=("บัตรประจำตัวประชาชนฉบับจริง",),
        where_to_apply=WhereToApply(offices=("กรมการกงสุล",), online="จองคิวออนไลน์ได้ แต่ต้องไปยื่นด้วยตนเอง"),
        faqs=(),
    )


@pytest.mark.parametrize("question", ["ทำพาสปอร์ตครั้งแรกต้องไปเองไหม", "ต้องไปยื่นด้วยตัวเองรึป่าวคะ"])
def test_going_in_person_is_a_must_when_the_record_says_so(question: str) -> None:
    text, _ = compose_answer(passport(), None, "line", question)
    assert text.splitlines()[0] == "ต้องค่ะ ต้องไปด้วยตนเองเพื่อถ่ายรูปและเก็บลายนิ้วมือค่ะ"


def test_someone_going_instead_is_refused_when_the_record_says_in_person_and_names_no_proxy() -> None:
    text, _ = compose_answer(passport(), None, "line", "ให้แม่ไปแทนได้ป่าว")
    assert text.splitlines()[0] == "ไม่ได้ค่ะ ต้องไปด้วยตนเองเพื่อถ่ายรูปและเก็บลายนิ้วมือค่ะ"


def test_a_listed_power_of_attorney_means_one_need_not_go_in_person() -> None:
    allowance = record(
        documents=("บัตรประจำตัวประชาชน", "หนังสือมอบอำนาจ กรณีให้ผู้อื่นยื่นแทน"),
        where_to_apply=WhereToApply(offices=("เทศบาล",), online=""),
        description="ผู้สูงอายุลงทะเบียนล่วงหน้ากับท้องถิ่น",
    )
    text, _ = compose_answer(allowance, None, "line", "ต้องไปเองไหมคะ แม่เดินไม่ค่อยไหว")
    assert text.splitlines()[0].startswith("ไม่ต้องค่ะ") and "มอบอำนาจ" in text.splitlines()[0]


@pytest.mark.parametrize(
    "question",
    [
        "ทำด้วยตัวเองผ่านแอปได้ไหม",  # by oneself, online
        "เงินทดแทนได้ไหม",  # compensation, not someone going instead
    ],
)
def test_by_oneself_online_and_compensation_are_not_about_going_in_person(question: str) -> None:
    from actions.service_verdicts import in_person_verdict, proxy_refused

    assert in_person_verdict(passport(), question, "line") is None
    assert proxy_refused(passport(), question, "line") is None


# -- a duration the citizen gives against a graded rule ("หมดอายุ 3 เดือน ต้องสอบไหม") -------------------
def renewal() -> ServiceRecord:
    from knowledge.record import FAQ

    return record(
        id="driving_license_renew",
        title_th="ต่ออายุใบอนุญาตขับรถ",
        short_th="ต่อใบขับขี่",
        description="ใบขับขี่ 5 ปีต่ออายุได้ล่วงหน้าก่อนหมดอายุ ต้องอบรมออนไลน์หรือที่สำนักงาน",
        documents=("ใบรับรองแพทย์ที่ออกไม่เกิน 1 เดือน",),
        faqs=(
            FAQ(
                "ใบขับขี่หมดอายุนานแล้วทำอย่างไร",
                "หมดอายุไม่เกิน 1 ปี อบรมแล้วต่อได้ เกิน 1 ปีต้องสอบข้อเขียน เกิน 3 ปีต้องสอบข้อเขียนและสอบขับใหม่",
            ),
        ),
    )


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("ต่อใบขับขี่ หมดอายุ3เดือน ต้องสอบไม๊", "ไม่ต้องค่ะ กรณีหมดอายุไม่เกิน 1 ปี อบรมแล้วต่อได้ค่ะ"),
        ("หมดอายุมาครึ่งปี ต้องสอบใหม่ไหม", "ไม่ต้องค่ะ กรณีหมดอายุไม่เกิน 1 ปี อบรมแล้วต่อได้ค่ะ"),
        ("ใบขับขี่หมดอายุ2ปีแล้ว ต้องสอบใหม่ไหม", "ต้องค่ะ กรณีหมดอายุเกิน 1 ปี ต้องสอบข้อเขียนค่ะ"),
        ("หมดอายุ 4 ปี ต้องสอบขับไหม", "ต้องค่ะ กรณีหมดอายุเกิน 3 ปี ต้องสอบข้อเขียนและสอบขับใหม่ค่ะ"),
    ],
)
def test_the_citizens_duration_picks_the_step_of_a_graded_rule(question: str, first: str) -> None:
    from actions.service_verdicts import duration_verdict

    assert duration_verdict(renewal(), question, "line") == first
    faq = Passage(kind="faq", answer=renewal().faqs[0].answer, question=renewal().faqs[0].question)
    text, _ = compose_answer(renewal(), None, "line", question, faq)
    assert text.splitlines()[0] == first  # before the FAQ's own answer


def test_a_graded_rule_on_another_subject_or_none_asked_gives_no_step() -> None:
    from actions.service_verdicts import duration_verdict
    from knowledge.record import FAQ

    car = record(
        faqs=(FAQ("ต้องตรวจสภาพไหม", "รถยนต์อายุเกิน 7 ปีและรถจักรยานยนต์อายุเกิน 5 ปี ต้องตรวจสภาพที่ ตรอ. ก่อน"),)
    )
    assert duration_verdict(car, "รถยนต์อายุ 9 ปี ต้องตรวจสภาพไหม", "line") == (
        "ต้องค่ะ กรณีรถยนต์อายุเกิน 7 ปี ต้องตรวจสภาพที่ ตรอ. ก่อนค่ะ"
    )
    assert duration_verdict(
        car,
        "รถยนต์ 6 ปี ต้องตรวจสภาพไหม",
        "line",
    ).startswith("ไม่ต้องค่ะ")
    # รถ alone: which step applies is not said, so the rule without a verdict
    assert duration_verdict(car, "รถอายุ 6 ปี ต้องตรวจสภาพไหม", "line") == (
        "รถยนต์อายุเกิน 7 ปีและรถจักรยานยนต์อายุเกิน 5 ปี ต้องตรวจสภาพที่ ตรอ. ก่อนค่ะ"
    )
    # everyday words for the record's subjects: มอไซค์ is a รถจักรยานยนต์, รถเก๋ง a รถยนต์
    assert duration_verdict(car, "มอไซค์อายุ 6 ปี ต้องตรวจสภาพไหม", "line").startswith("ต้องค่ะ")
    assert duration_verdict(car, "รถเก๋งอายุ 9 ปี ต่อภาษีต้องตรวจสภาพก่อนไหม", "line") == (
        "ต้องค่ะ กรณีรถยนต์อายุเกิน 7 ปี ต้องตรวจสภาพที่ ตรอ. ก่อนค่ะ"
    )
    assert duration_verdict(renewal(), "ต้องแจ้งภายใน 15 วันใช่ไหม", "line") is None  # the rule asked
    assert duration_verdict(renewal(), "หมดอายุ 3 เดือน ต่อได้ไหม", "line") is None  # not a must-question


def test_english_going_in_person_by_proxy_and_together() -> None:
    from actions.service_english import compose_english

    first_line = lambda r, q: compose_english(r, None, "line", question=q)[0].splitlines()[0]  # noqa: E731
    assert first_line(passport(), "Can my sister go and apply for me?") == "No, you have to go in person."
    assert first_line(passport(), "Do I have to go in person?") == "Yes, you have to go in person."
    allowance = record(documents=("หนังสือมอบอำนาจ กรณีให้ผู้อื่นยื่นแทน",), where_to_apply=WhereToApply(online=""))
    assert first_line(allowance, "Can someone else apply on my behalf?").startswith("Yes, someone else")
    marriage = record(description="คู่สมรสไปจดทะเบียนสมรสพร้อมกันที่สำนักทะเบียน", where_to_apply=WhereToApply())
    assert first_line(marriage, "Do we both have to be there in person?") == "Yes, you both go together."
    silent = record(description="ขอหนังสือรับรองความประพฤติ", where_to_apply=WhereToApply())
    assert first_line(silent, "Can someone else pick it up for me?").startswith(
        "The service information does not say"
    )


def test_an_age_that_reaches_the_youngest_age_is_a_yes_with_the_other_conditions() -> None:
    allowance = record(eligibility="สัญชาติไทย อายุ 60 ปีขึ้นไป มีชื่อในทะเบียนบ้านในเขตท้องถิ่นนั้น", faqs=())
    text, _ = compose_answer(allowance, None, "line", "ถ้าอายุ60แล้วได้เบี้ยผู้สูงอายุด้วยได้ไหม")
    assert text.splitlines()[0].startswith("ได้ค่ะ อายุ 60 ปีถึงเกณฑ์แล้ว") and "สัญชาติไทย" in text
    text, _ = compose_answer(allowance, None, "line", "อายุ 58 ได้ไหม")  # below: the record's own words
    assert not text.startswith("ได้ค่ะ")


@pytest.mark.parametrize(
    ("question", "answer", "first"),
    [
        ("พาสปอร์ตหายต้องแจ้งความไหม", "แจ้งความที่สถานีตำรวจ แล้วนำใบแจ้งความไปขอเล่มใหม่", "ต้องค่ะ"),
        ("ทำหนังสือมอบอำนาจได้ไหมคะ", "ควรไปพร้อมกัน หากไปไม่ได้ ให้ทำหนังสือมอบอำนาจ", "ได้ค่ะ"),
        ("ต้องแจ้งความไหม", "ไม่ต้องแจ้งความ แจ้งกับนายทะเบียนได้เลย", None),
    ],
)
def test_an_faq_that_tells_the_citizen_to_do_what_was_asked_is_the_verdict(
    question: str, answer: str, first: str | None
) -> None:
    from actions.service_verdicts import faq_instruction

    assert faq_instruction(question, answer, "line") == first


def test_a_must_question_finds_the_clause_that_says_must_and_a_penalty_is_found_inside_words() -> None:
    renew = record(description="ใบขับขี่ 5 ปีต่ออายุได้ล่วงหน้าก่อนหมดอายุ ต้องอบรมออนไลน์หรือที่สำนักงาน", faqs=())
    text, _ = compose_answer(renew, "time", "line", "ต้องอบรมก่อนไหม")
    assert text.splitlines()[0] == "ต้องค่ะ ต้องอบรมออนไลน์หรือที่สำนักงานค่ะ"
    from knowledge.record import FAQ

    draft = record(faqs=(FAQ("ไม่ไปลงบัญชีจะเป็นอย่างไร", "มีโทษทางอาญา และยังต้องไปแสดงตนลงบัญชีภายหลัง"),))
    text, _ = compose_answer(draft, None, "line", "ถ้าไม่ไปมีโทษไหม")
    assert text.splitlines()[0].startswith("มีโทษทางอาญา")


def test_an_english_amount_told_in_thai_words_is_not_shown_half_translated() -> None:
    from actions.service_english import compose_english
    from bench.conversations.judge import latin_share

    land = record(
        fees=(
            Fee("ค่าธรรมเนียมการโอนให้ลูก", "ร้อยละ 0.5"),
            Fee("ภาษีธุรกิจเฉพาะ", "ร้อยละ 3.3 ของราคาที่สูงกว่าระหว่างราคาประเมินกับราคาซื้อขาย"),
        )
    )
    text, _ = compose_english(land, "fee", "line", question="how much is it?")
    # the amount in English, beside its label (Thai when the catalogue has no English for it)
    assert "• ค่าธรรมเนียมการโอนให้ลูก: 0.5%" in text and "ของราคา" not in text and "depend on the case" in text
    fee_lines = text.split("\n(")[0].replace("ค่าธรรมเนียมการโอนให้ลูก", "")  # the fixture's Thai title after
    assert latin_share(fee_lines) == 1.0


def test_a_graded_rule_whose_case_is_not_said_is_given_without_a_verdict() -> None:
    from actions.service_verdicts import duration_verdict
    from knowledge.record import FAQ

    rule = "รถยนต์อายุเกิน 7 ปีและรถจักรยานยนต์อายุเกิน 5 ปี ต้องตรวจสภาพที่ ตรอ. ก่อน"
    car = record(faqs=(FAQ("ต้องตรวจสภาพไหม", rule),))
    assert duration_verdict(car, "รถอายุ 6 ปี ต้องตรวจสภาพไหม", "line") == rule + "ค่ะ"  # car or motorcycle?


def test_not_able_to_go_with_own_is_a_question_of_going_in_person() -> None:
    allowance = record(
        documents=("หนังสือมอบอำนาจ กรณีให้ผู้อื่นยื่นแทน",),
        where_to_apply=WhereToApply(offices=("เทศบาล",), online=""),
        description="ผู้สูงอายุลงทะเบียนล่วงหน้ากับท้องถิ่น",
    )
    text, _ = compose_answer(allowance, None, "line", "ต้องไปลงทะเบียนเองไหม แม่เดินไม่ไหว")
    assert text.splitlines()[0].startswith("ไม่ต้องค่ะ ให้ผู้อื่นไปแทนได้")


def test_english_who_goes_is_not_read_as_a_fee_question() -> None:
    from actions.service_english import compose_english

    text, _ = compose_english(record(), "fee", "line", question="can my son go and pay for me?")
    assert not text.startswith("Yes, there is a fee")


# -- fifth writer's round (dev4): a sentence sharing a word, not having a document, a kind of card ---
def test_going_instead_is_refused_before_a_sentence_that_only_shares_a_word() -> None:
    from knowledge.record import FAQ

    with_parent_faq = dataclasses.replace(
        passport(),
        faqs=(FAQ("พ่อหรือแม่พาลูกไปทำพาสปอร์ตคนเดียวได้ไหม", "ได้ ถ้าอีกฝ่ายทำหนังสือยินยอม แล้วนำไปยื่นพร้อมบัตร"),),
    )
    text, _ = compose_answer(with_parent_faq, None, "line", "ให้แฟนไปยื่นแทนได้ป่ะ")
    assert text.splitlines()[0] == "ไม่ได้ค่ะ ต้องไปด้วยตนเองเพื่อถ่ายรูปและเก็บลายนิ้วมือค่ะ"


def test_a_listed_document_the_citizen_does_not_have_yet_is_a_no() -> None:
    allowance = record(
        id="disability_allowance",
        title_th="ลงทะเบียนรับเบี้ยความพิการ",
        short_th="เบี้ยความพิการ",
        description="คนพิการที่มีบัตรประจำตัวคนพิการ ลงทะเบียนรับเบี้ยความพิการที่ท้องถิ่น",
        documents=("บัตรประจำตัวคนพิการ", "สมุดบัญชีเงินฝากธนาคาร"),
        fees=(),
    )
    text, _ = compose_answer(allowance, None, "line", "พ่อยังไม่มีบัตรคนพิการ ขอเบี้ยได้เลยมั้ยคะ")
    assert text.splitlines()[0] == "ไม่ได้ค่ะ ต้องมี “บัตรประจำตัวคนพิการ” ก่อน ตามรายการเอกสารค่ะ"
    text, _ = compose_answer(allowance, None, "line", "มีบัตรคนพิการแล้ว ขอเบี้ยได้เลยมั้ยคะ")
    assert not text.startswith("ไม่ได้ค่ะ")


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # "5 ปี" is the kind of licence, "เมื่อวาน" how long ago it expired
        ("ใบขับขี่ 5 ปีหมดอายุเมื่อวาน ต้องสอบใหม่ไหมคะ", "ไม่ต้องค่ะ กรณีหมดอายุไม่เกิน 1 ปี อบรมแล้วต่อได้ค่ะ"),
        ("บัตร 5 ปีหมดอายุมา 2 ปีแล้ว ต้องสอบใหม่ไหม", "ต้องค่ะ กรณีหมดอายุเกิน 1 ปี ต้องสอบข้อเขียนค่ะ"),
    ],
)
def test_a_kind_of_card_is_no_duration_and_yesterday_is_a_day(question: str, first: str) -> None:
    from actions.service_verdicts import duration_verdict

    assert duration_verdict(renewal(), question, "line") == first


def test_can_asked_with_a_word_between() -> None:
    from actions.service_verdicts import question_modal

    for question in ("ขอเบี้ยได้เลยมั้ยคะ", "ไปทำได้ก่อนไหม", "ทำได้บ้างไหม", "ต่อได้ไม๊"):
        assert question_modal(question) == "can", question


@pytest.mark.parametrize(
    ("offices", "first"),
    [
        (
            ("สำนักทะเบียนอำเภอ (ที่ว่าการอำเภอ) แห่งใดก็ได้",),
            "ได้ค่ะ ยื่นได้ที่ “สำนักทะเบียนอำเภอ (ที่ว่าการอำเภอ) แห่งใดก็ได้” ค่ะ",
        ),
        (("สำนักทะเบียนอำเภอที่ผู้ขอมีชื่อในทะเบียนบ้าน",), "ไม่ได้ค่ะ ต้องยื่นที่ “สำนักทะเบียนอำเภอที่ผู้ขอมีชื่อในทะเบียนบ้าน” ค่ะ"),
        (
            ("สำนักงานที่ดินจังหวัด สาขา หรือส่วนแยก ที่ที่ดินตั้งอยู่",),
            "ไม่ได้ค่ะ ต้องยื่นที่ “สำนักงานที่ดินจังหวัด สาขา หรือส่วนแยก ที่ที่ดินตั้งอยู่” ค่ะ",
        ),
    ],
)
def test_any_office_is_answered_by_the_office_line_that_says_any_or_which(
    offices: tuple[str, ...], first: str
) -> None:
    from actions.service_verdicts import any_office_verdict

    named = record(where_to_apply=WhereToApply(offices=offices))
    assert any_office_verdict(named, "ทำที่อำเภอไหนก็ได้ไหม", "line") == first
    assert any_office_verdict(named, "ทำที่ไหนได้บ้าง", "line") is None  # not asked whether any
    plain = record(where_to_apply=WhereToApply(offices=("สำนักงานเขต (กรุงเทพมหานคร)",)))
    assert any_office_verdict(plain, "ทำที่เขตไหนก็ได้มั้ย", "line") is None  # the list says neither


def elderly_by_age() -> ServiceRecord:
    """The allowance with its table by age."""
    return dataclasses.replace(
        elderly(),
        eligibility="สัญชาติไทย อายุ 60 ปีขึ้นไป",
        fees=(Fee("ลงทะเบียน", "ไม่มีค่าธรรมเนียม"),),
        benefits=(
            Fee("อายุ 60-69 ปี", "600 บาทต่อเดือน"),
            Fee("อายุ 70-79 ปี", "700 บาทต่อเดือน", to_confirm=True),
            Fee("อายุ 90 ปีขึ้นไป", "1,000 บาทต่อเดือน"),
        ),
    )


def test_the_benefit_step_of_the_age_given_comes_first() -> None:
    text, _ = compose_answer(elderly_by_age(), "fee", "line", "แม่อายุ 72 ได้เบี้ยเดือนละเท่าไหร่คะ")
    assert text.splitlines()[0] == "อายุ 72 ปี ได้ 700 บาทต่อเดือนค่ะ (ช่วงอายุ 70-79 ปี) (รอหน่วยงานยืนยัน)"
    assert "600 บาทต่อเดือน" in text  # the whole table follows
    text, _ = compose_answer(elderly_by_age(), "fee", "line", "พ่ออายุ 95 ได้เท่าไหร่")
    assert text.splitlines()[0] == "อายุ 95 ปี ได้ 1,000 บาทต่อเดือนค่ะ (ช่วงอายุ 90 ปีขึ้นไป)"
    text, _ = compose_answer(elderly_by_age(), "fee", "line", "ได้เดือนละเท่าไหร่")  # no age: the table
    assert not text.startswith("อายุ")


def test_an_age_picks_the_near_twin_whose_age_condition_is_narrowest() -> None:
    from actions.service_verdicts import fits_age_best

    welfare = record(id="welfare_card", eligibility="คนไทยอายุ 18 ปีขึ้นไป มีรายได้ไม่เกิน 100,000 บาทต่อปี")
    grant = record(id="child_support_grant", eligibility="เด็กสัญชาติไทย อายุไม่เกิน 6 ปี")
    disability = record(id="disability_allowance", eligibility="คนพิการที่มีบัตรประจำตัวคนพิการ")
    twins = [welfare, grant, elderly_by_age(), disability]
    assert fits_age_best(twins, "แม่อายุ 72 ได้เบี้ยยังชีพเท่าไหร่") is twins[2]
    assert fits_age_best(twins, "ลูก 3 ขวบ ได้เงินเท่าไหร่") is grant
    assert fits_age_best(twins, "อายุ 30 ตกงาน ได้เงินอะไรบ้าง") is welfare
    assert fits_age_best(twins, "ได้เงินเท่าไหร่") is None


def test_a_citizen_the_eligibility_leaves_out_is_a_no() -> None:
    allowance = elderly_by_age()
    allowance = dataclasses.replace(
        allowance, eligibility="สัญชาติไทย อายุ 60 ปีขึ้นไป ไม่เป็นผู้รับบำนาญหรือสวัสดิการอื่นที่รัฐจัดให้เป็นประจำ"
    )
    text, _ = compose_answer(allowance, None, "line", "พ่อเป็นข้าราชการบำนาญ ได้เบี้ยด้วยไหม")
    assert text.splitlines()[0] == ("ไม่ได้ค่ะ ผู้มีสิทธิต้องไม่เป็นผู้รับบำนาญหรือสวัสดิการอื่นที่รัฐจัดให้เป็นประจำค่ะ")
    text, _ = compose_answer(allowance, None, "line", "พ่อไม่ได้รับบำนาญ ได้ไหม")  # says they are not
    assert not text.startswith("ไม่ได้ค่ะ")
    welfare = record(eligibility="คนไทยอายุ 18 ปีขึ้นไป ไม่มีงานทำหรือมีรายได้ไม่เกิน 100,000 บาทต่อปี")
    text, _ = compose_answer(welfare, None, "line", "ผมมีงานทำแล้ว สมัครได้ไหม")  # another way in
    assert not text.startswith("ไม่ได้ค่ะ")


def test_an_age_with_no_verdict_gets_the_ages_the_rule_gives_not_a_does_not_say() -> None:
    licence = record(
        id="driving_license_new",
        eligibility=(
            "รถยนต์ส่วนบุคคล อายุ 18 ปีบริบูรณ์ขึ้นไป รถจักรยานยนต์ส่วนบุคคล อายุ 18 ปี"
            " (รถจักรยานยนต์ไม่เกิน 110 ซีซี อายุ 15 ปีขึ้นไป)"
        ),
    )
    # no kind of vehicle said: the ages, to read
    text, _ = compose_answer(licence, None, "line", "ลูกอายุ 16 ทำใบขับขี่ได้ยังคะ")
    assert text.splitlines()[0].startswith("เกณฑ์อายุตามข้อมูลของบริการนี้ค่ะ: รถยนต์ส่วนบุคคล อายุ 18 ปี")
    # a car said (รถเก๋ง): its youngest age decides
    text, _ = compose_answer(licence, None, "line", "ลูกอายุ 16 ทำใบขับขี่รถเก๋งได้ยังคะ")
    assert text.splitlines()[0] == "ไม่ได้ค่ะ รถยนต์ส่วนบุคคล อายุ 18 ปีบริบูรณ์ขึ้นไปค่ะ"
    text, _ = compose_answer(licence, None, "line", "อายุ 19 ทำใบขับขี่รถยนต์ได้ไหม")
    assert text.startswith("ได้ค่ะ")
    # a motorcycle at 16: 15 for a small one, 18 for others: yes on the small one's case, with the usual age
    text, _ = compose_answer(licence, None, "line", "ลูกอายุ 16 ทำใบขับขี่มอไซค์ได้ยัง")
    assert text.startswith("ได้ค่ะ ถ้ารถจักรยานยนต์ไม่เกิน 110 ซีซี")
    text, _ = compose_answer(licence, None, "line", "ทำใบขับขี่ได้ยังคะ")  # no age given: not the rule
    assert not text.startswith("เกณฑ์อายุ")


def test_asking_about_another_topic_instead_is_no_proxy_question() -> None:
    from actions.service_verdicts import proxy_refused

    # "แทน" here is "instead of the last topic", not someone going instead
    assert proxy_refused(passport(), "เปลี่ยนใจละ ขอถามเรื่องพาสปอร์ตแทน ต้องไปเองไหม", "line") is None
    assert proxy_refused(passport(), "ให้แม่ไปยื่นเรื่องแทนได้ไหม", "line") is not None


def test_going_alone_against_a_rule_to_go_together() -> None:
    from actions.service_verdicts import alone_verdict

    divorce = record(description="คู่สมรสที่ตกลงหย่ากันโดยความยินยอม ไปจดทะเบียนหย่าพร้อมกันที่สำนักทะเบียนใดก็ได้")
    assert alone_verdict(divorce, "ถ้าเขาอยู่ต่างจังหวัด ไปคนเดียวได้ไหม", "line") == (
        "ไม่ได้ค่ะ ไปจดทะเบียนหย่าพร้อมกันที่สำนักทะเบียนใดก็ได้ค่ะ"
    )
    land = record(description="ต้องจดทะเบียนโอนที่สำนักงานที่ดิน ผู้ซื้อและผู้ขายไปพร้อมกันหรือมอบอำนาจ")
    said = alone_verdict(land, "ผมไปคนเดียวได้ป่าว ลูกอยู่ต่างประเทศ", "line")
    assert said is not None and said.startswith("ได้ค่ะ ถ้าอีกฝ่ายทำหนังสือมอบอำนาจให้") and "มอบอำนาจ" in said
    assert alone_verdict(divorce, "ต้องใช้เอกสารอะไร", "line") is None


def test_a_must_question_is_not_answered_by_an_office_sharing_a_word() -> None:
    move_in = record(
        description="ผู้ที่ย้ายมาอยู่บ้านใหม่ต้องแจ้งย้ายเข้าภายใน 15 วันนับแต่วันที่ย้ายเข้า",
        where_to_apply=WhereToApply(offices=("สำนักทะเบียนอำเภอที่บ้านหลังใหม่ตั้งอยู่",)),
    )
    text, _ = compose_answer(move_in, None, "line", "ย้ายเข้าหอใหม่ค่ะ ต้องแจ้งย้ายไหม")
    assert not text.startswith("ได้ค่ะ ยื่นได้ที่")


# -- sixth writer's round (dev6): verdicts that answered another question --------------------------------
def test_a_graded_rule_every_kind_agrees_on_gets_its_verdict() -> None:
    from actions.service_verdicts import duration_verdict
    from knowledge.record import FAQ

    rule = "รถยนต์อายุเกิน 7 ปีและรถจักรยานยนต์อายุเกิน 5 ปี ต้องตรวจสภาพที่ ตรอ. ก่อน"
    car = record(faqs=(FAQ("ต้องตรวจสภาพไหม", rule),))
    # over both bounds: whichever kind it is, it must be inspected; under both: it need not
    assert duration_verdict(car, "รถผมอายุ 12 ปีแล้ว ต้องเข้าตรอ.ก่อนไหม", "line") == "ต้องค่ะ " + rule + "ค่ะ"
    assert duration_verdict(car, "รถอายุ 2 ปี ต้องตรวจสภาพไหม", "line") == "ไม่ต้องค่ะ " + rule + "ค่ะ"


def test_a_listed_document_answers_only_a_question_about_bringing_a_paper() -> None:
    surname = record(
        id="name_change",
        title_th="เปลี่ยนชื่อ-สกุล",
        documents=("ใบสำคัญการสมรส กรณีเปลี่ยนชื่อสกุลเพราะสมรส",),
        description="ยื่นคำขอเปลี่ยนชื่อสกุลที่สำนักทะเบียน",
        faqs=(),
    )
    # a step asked about ("สามี" holds the letters of มี, not the verb): not the listed marriage paper
    text, _ = compose_answer(surname, None, "line", "จดทะเบียนแล้ว ต้องเปลี่ยนชื่อสกุลตามสามีด้วยเหรอคะ")
    assert not text.startswith("ต้องค่ะ รายการเอกสาร")
    # the paper after its verb, or before it
    text, _ = compose_answer(surname, None, "line", "ต้องเอาใบสำคัญการสมรสไปด้วยไหม")
    assert text.startswith("ต้องค่ะ รายการเอกสารระบุ “ใบสำคัญการสมรส")
    text, _ = compose_answer(surname, None, "line", "ใบสำคัญการสมรสต้องใช้ไหมคะ")
    assert text.startswith("ต้องค่ะ รายการเอกสารระบุ “ใบสำคัญการสมรส")
    # an abbreviation listed with its dots and typed without
    car = record(documents=("หลักฐานประกันภัยภาคบังคับ (พ.ร.บ.) ที่ยังไม่หมดอายุ",), faqs=())
    text, _ = compose_answer(car, None, "line", "ต้องมีพรบด้วยรึเปล่า")
    assert text.startswith("ต้องค่ะ รายการเอกสารระบุ “หลักฐานประกันภัยภาคบังคับ (พ.ร.บ.)")


def test_a_clause_for_ages_the_citizens_is_not_does_not_answer() -> None:
    passport = record(
        description="ผู้เยาว์อายุต่ำกว่า 20 ปีต้องได้รับความยินยอมจากบิดามารดา",
        documents=("บัตรประจำตัวประชาชนฉบับจริง",),
        faqs=(),
    )
    text, _ = compose_answer(passport, None, "line", "ลูกอายุ 25 แล้ว ต้องมีความยินยอมจากบิดามารดาไหม")
    assert "ผู้เยาว์" not in text.splitlines()[0]
    text, _ = compose_answer(passport, None, "line", "ลูกอายุ 15 ต้องมีความยินยอมจากบิดามารดาไหม")
    assert text.splitlines()[0] == "ต้องค่ะ ผู้เยาว์อายุต่ำกว่า 20 ปีต้องได้รับความยินยอมจากบิดามารดาค่ะ"


def test_an_office_kind_the_list_does_not_name_is_no_with_where_to_go() -> None:
    passport = record(
        where_to_apply=WhereToApply(offices=("กรมการกงสุล", "สำนักงานหนังสือเดินทางจังหวัด"), online="จองคิวออนไลน์"),
        faqs=(),
    )
    text, _ = compose_answer(passport, None, "line", "ยื่นที่ไปรษณีย์แถวบ้านได้มั้ยคะ")
    assert text.splitlines()[0] == (
        "ไม่ได้ค่ะ ไปรษณีย์ไม่ใช่ที่ยื่นของบริการนี้ ยื่นได้ที่ “กรมการกงสุล” หรือ “สำนักงานหนังสือเดินทางจังหวัด” ค่ะ"
    )
    # an office the list names is not refused, by its short name either
    text, _ = compose_answer(record(), None, "line", "ไปทำที่อำเภอได้ไหม")
    assert not text.startswith("ไม่ได้ค่ะ")
    local = record(where_to_apply=WhereToApply(offices=("เทศบาลหรือองค์การบริหารส่วนตำบลที่มีชื่อในทะเบียนบ้าน",)))
    text, _ = compose_answer(local, None, "line", "ไปยื่นที่ อบต. ใกล้บ้านได้ไหม")
    assert not text.startswith("ไม่ได้ค่ะ")


def test_any_office_asked_is_answered_by_the_office_line_before_an_faq_of_another_question() -> None:
    marriage = record(where_to_apply=WhereToApply(offices=("สำนักทะเบียนอำเภอแห่งใดก็ได้",), online=""))
    faq = Passage(kind="faq", question="ต้องจดที่อำเภอตามทะเบียนบ้านไหม", answer="ไม่ต้อง จดได้ทุกแห่ง")
    text, _ = compose_answer(marriage, None, "line", "ไปจดอำเภอไหนก็ได้ใช่ป่ะ", faq)
    assert text.splitlines()[0] == "ได้ค่ะ ยื่นได้ที่ “สำนักทะเบียนอำเภอแห่งใดก็ได้” ค่ะ"


def test_english_asks_whom_to_call_gets_the_hotline_first() -> None:
    from actions.service_english import compose_english
    from knowledge.agencies import Agency

    office = Agency("sso", "สำนักงานประกันสังคม", "Social Security Office", "1506", "https://www.sso.go.th")
    text, _ = compose_english(record(), None, "line", office, "what's the hotline?")
    assert text.splitlines()[0] == "Contact Social Security Office: hotline 1506."


def test_an_faqs_turned_round_verdict_is_not_given_for_what_only_its_answer_speaks_of() -> None:
    faq_q, answer = "เจ้าบ้านไม่ว่างไปด้วยได้ไหม", "ได้ ให้เจ้าบ้านทำหนังสือยินยอมและมอบสำเนาบัตรให้ผู้ย้าย"
    # asked whether the house master must come: the FAQ's ได้ turned round is the verdict
    assert faq_first_line(answer, "line", "เจ้าบ้านต้องไปด้วยไหม", faq_q).startswith("ไม่ต้องค่ะ ")
    # asked whether consent is needed: the answer speaks of it, the FAQ's verdict does not; the answer
    # tells to do it, so it is needed
    said = faq_first_line(answer, "line", "ต้องมีหนังสือยินยอมจากเจ้าบ้านด้วยหรือเปล่า", faq_q)
    assert said.startswith("ต้องค่ะ ให้เจ้าบ้านทำหนังสือยินยอม")
    said = faq_first_line(answer, "line", "แจ้งย้ายเข้าบ้านเช่า ต้องให้เจ้าบ้านยินยอมไหม", faq_q)
    assert said.startswith("ต้องค่ะ ให้เจ้าบ้านทำหนังสือยินยอม")


def test_an_age_under_the_youngest_gets_the_rules_own_way_in() -> None:
    marriage = record(
        eligibility="ชายและหญิงอายุ 18 ปีบริบูรณ์ขึ้นไป หรืออายุต่ำกว่านั้นแต่ได้รับความยินยอมจากผู้แทนโดยชอบธรรม",
        faqs=(),
    )
    text, _ = compose_answer(marriage, None, "line", "ลูกสาวอายุ 17 จะจดทะเบียนสมรสได้ไหม")
    assert text.splitlines()[0] == ("ได้ค่ะ ถ้าได้รับความยินยอมจากผู้แทนโดยชอบธรรม (เกณฑ์ปกติ อายุ 18 ปีบริบูรณ์ขึ้นไป) ค่ะ")
    text, _ = compose_answer(record(eligibility="อายุ 18 ปีบริบูรณ์ขึ้นไป", faqs=()), None, "line", "อายุ 17 ได้ไหม")
    assert not text.startswith("ได้ค่ะ")  # no way in below it


def test_a_plan_told_before_a_must_question_about_the_service_gets_its_duty() -> None:
    shop = record(
        id="business_registration",
        title_th="จดทะเบียนพาณิชย์",
        description="ผู้ประกอบพาณิชยกิจต้องจดทะเบียนพาณิชย์ภายใน 30 วันนับแต่วันเริ่มประกอบกิจการ",
        faqs=(),
    )
    text, _ = compose_answer(shop, None, "line", "พี่สาวจะเปิดร้านขายเสื้อผ้ามือสอง ต้องจดทะเบียนพาณิชย์ไหม")
    assert text.startswith("ต้องค่ะ ผู้ประกอบพาณิชยกิจต้องจดทะเบียนพาณิชย์ภายใน 30 วัน")
    # a condition or money in the story can change the duty: no verdict from the plan
    text, _ = compose_answer(shop, None, "line", "จะขายของถ้ารายได้ไม่ถึงหมื่น ต้องจดทะเบียนพาณิชย์ไหม")
    assert not text.startswith("ต้องค่ะ")


def test_not_having_to_answers_a_can_question_with_yes() -> None:
    faq_q, answer = "ต้องจดที่อำเภอตามทะเบียนบ้านไหม", "ไม่ต้อง จดได้ที่สำนักทะเบียนใดก็ได้ทั่วประเทศ"
    said = faq_first_line(answer, "line", "ไปจดที่เขตอื่นได้ป่าวคะ", faq_q)
    assert said.startswith("ได้ค่ะ จดได้ที่สำนักทะเบียนใดก็ได้")


def test_whether_more_than_one_must_go_is_answered_by_the_clause_on_going_together() -> None:
    divorce = record(
        description="คู่สมรสที่ตกลงหย่ากันไปจดทะเบียนหย่าที่สำนักทะเบียน",
        where_to_apply=WhereToApply(offices=("สำนักทะเบียน",), online="ทั้งสองฝ่ายต้องไปพร้อมกัน"),
        faqs=(),
    )
    text, _ = compose_answer(divorce, None, "line", "ผัวเมียต้องไปพร้อมกันทั้งคู่เลยมั้ยคะ")
    assert text.splitlines()[0] == "ต้องค่ะ ทั้งสองฝ่ายต้องไปพร้อมกันค่ะ"
    land = record(description="ผู้ซื้อและผู้ขายไปพร้อมกันหรือมอบอำนาจ", faqs=())
    text, _ = compose_answer(land, None, "line", "ต้องไปทั้งแม่ทั้งลูกไหม")
    # another way offered: the rule to go together first, then the whole sentence with the other way
    assert text.splitlines()[0] == "ต้องไปพร้อมกันค่ะ หรือใช้ทางอื่นที่บริการนี้ระบุ: ผู้ซื้อและผู้ขายไปพร้อมกันหรือมอบอำนาจค่ะ"
    # going in person is the applicant alone, not someone going along
    card = record(description="เด็กต้องไปด้วยตนเองเพื่อถ่ายรูป", faqs=())
    text, _ = compose_answer(card, None, "line", "แม่ต้องไปด้วยไหม")
    assert "เด็กต้องไปด้วยตนเอง" not in text.splitlines()[0]


def test_an_exclusion_inside_the_overview_comes_before_an_faq_on_what_to_do_once_it_ends() -> None:
    gold = record(
        title_th="ลงทะเบียนสิทธิบัตรทอง",
        description="คนไทยที่ไม่มีสิทธิประกันสังคมหรือสวัสดิการข้าราชการ มีสิทธิรักษาพยาบาลตามบัตรทอง",
        faqs=(),
    )
    after = Passage(
        kind="faq", question="สิทธิประกันสังคมหมดทำอย่างไร", answer="หลังสิทธิประกันสังคมสิ้นสุด ลงทะเบียนได้ทันที"
    )
    text, _ = compose_answer(gold, None, "line", "ตอนนี้ยังมีประกันสังคม ขอใช้บัตรทองได้ด้วยไหมครับ", after)
    assert text.splitlines()[0] == "ไม่ได้ค่ะ ผู้มีสิทธิต้องไม่มีสิทธิประกันสังคมหรือสวัสดิการข้าราชการค่ะ"
    text, _ = compose_answer(gold, None, "line", "ไม่มีประกันสังคมแล้ว ขอใช้บัตรทองได้ไหม", after)
    assert not text.startswith("ไม่ได้ค่ะ")


def test_a_figure_to_confirm_against_a_table_of_benefits() -> None:
    allowance = elderly_by_age()  # the table by age, the 70-79 step still to be confirmed by the agency
    first = lambda q: compose_answer(allowance, None, "line", q)[0].splitlines()[0]  # noqa: E731
    assert first("อายุ 70-79 รับเดือนละ 700 ใช่ป่ะ") == "ใช่ค่ะ อายุ 70-79 ปี: 700 บาทต่อเดือนค่ะ (รอหน่วยงานยืนยัน)"
    assert first("ช่วง 60-69 ได้ 800 จริงไหม") == "ไม่ใช่ค่ะ อายุ 60-69 ปี: 600 บาทต่อเดือนค่ะ"
    assert first("ได้เดือนละ 600 ใช่มั้ยคะ") == "ใช่ค่ะ อายุ 60-69 ปี: 600 บาทต่อเดือนค่ะ"


def foreign_workers() -> ServiceRecord:
    return record(
        id="foreign_worker_permit",
        title_th="ขอใบอนุญาตทำงานคนต่างด้าว (Work Permit)",
        short_th="Work Permit ต่างด้าว",
        synonyms=("จ้างแรงงานต่างด้าว",),
        description="คนต่างด้าวต้องมีใบอนุญาตทำงานก่อนเริ่มทำงานในประเทศไทย นายจ้างหรือตัวคนต่างด้าวยื่นขอ"
        " ที่สำนักงานจัดหางานหรือออนไลน์",
        eligibility="คนต่างด้าวที่ทำงานที่ไม่อยู่ในบัญชีอาชีพสงวนสำหรับคนไทย",
        faqs=(
            FAQ("จ้างแรงงานพม่า ลาว กัมพูชา ต้องทำอย่างไร", "นำเข้าตามระบบ MOU ผ่านสำนักงานจัดหางาน"),
            FAQ("ทำงานก่อนได้ใบอนุญาตได้ไหม", "ไม่ได้ ทั้งลูกจ้างและนายจ้างมีโทษปรับ"),
        ),
    )


@pytest.mark.parametrize(
    "question",
    ["จ้างแรงงานลาวมาทำสวน ต้องขอใบอนุญาตทำงานไหม", "จ้างแม่บ้านกัมพูชาต้องทำใบอนุญาตทำงานไหมคะ"],
)
def test_a_must_question_on_the_service_after_a_situation_the_record_covers_gets_the_stated_duty(
    question: str,
) -> None:
    how = Passage(
        kind="faq", answer=foreign_workers().faqs[0].answer, question=foreign_workers().faqs[0].question
    )
    lines = compose_answer(foreign_workers(), None, "line", question, how)[0].splitlines()
    assert lines[0] == "ต้องค่ะ คนต่างด้าวต้องมีใบอนุญาตทำงานก่อนเริ่มทำงานในประเทศไทยค่ะ"
    assert lines[1].startswith("นายจ้างหรือตัวคนต่างด้าวยื่นขอ") and lines[2].startswith("นำเข้าตามระบบ MOU")


@pytest.mark.parametrize(
    "question",
    [
        "ถ้าจ้างแม่บ้านลาวแค่วันเดียว ต้องทำใบอนุญาตทำงานไหม",  # a condition of its own
    ],
)
def test_the_stated_duty_is_not_given_to_someone_the_record_does_not_put_it_on(question: str) -> None:
    how = Passage(
        kind="faq", answer=foreign_workers().faqs[0].answer, question=foreign_workers().faqs[0].question
    )
    text, _ = compose_answer(foreign_workers(), None, "line", question, how)
    assert not text.startswith("ต้องค่ะ")
    # คนไทย only in the list of reserved jobs: not whom the duty is on
    assert stated_duty(foreign_workers(), "คนไทยต้องทำใบอนุญาตทำงานไหม") is None


def test_a_condition_in_an_faq_answer_is_the_citizens_situation_not_the_verdict() -> None:
    land = record(id="land_title_transfer", title_th="จดทะเบียนโอนที่ดิน", faqs=())
    how = Passage(kind="faq", answer="ควรไปพร้อมกัน หากไปไม่ได้ ให้ทำหนังสือมอบอำนาจ ท.ด.21 ของกรมที่ดิน")
    text, _ = compose_answer(land, None, "line", "พ่อแก่แล้วไปไม่ไหว ทำหนังสือมอบอำนาจได้ไหมคะ", how)
    assert text.startswith("ได้ค่ะ ควรไปพร้อมกัน หากไปไม่ได้ ให้ทำหนังสือมอบอำนาจ")


def test_going_alone_with_one_of_those_the_record_names_with_or_is_allowed() -> None:
    card = record(
        description="คนสัญชาติไทยที่อายุครบ 7 ปีบริบูรณ์ ต้องไปขอมีบัตรประจำตัวประชาชนใบแรก",
        faqs=(
            FAQ(
                "พ่อแม่ไปทำบัตรแทนลูกได้ไหม",
                "ไม่ได้ เด็กต้องไปด้วยตนเองเพื่อถ่ายรูปและเก็บลายนิ้วมือ โดยมีพ่อแม่หรือเจ้าบ้านไปรับรองตัว",
            ),
        ),
    )
    text, _ = compose_answer(card, None, "line", "พ่อพาไปคนเดียวได้ป่ะ")
    assert text.startswith("ได้ค่ะ เด็กต้องไปด้วยตนเองเพื่อถ่ายรูปและเก็บลายนิ้วมือ โดยมีพ่อแม่หรือเจ้าบ้าน")


def test_a_paper_the_record_never_names_is_not_needed_and_a_listed_one_to_get_first_is() -> None:
    passport = record(
        documents=("บัตรประจำตัวประชาชนฉบับจริงที่ยังไม่หมดอายุ", "หนังสือเดินทางเล่มเดิม (ถ้ามี)"),
        faqs=(FAQ("เด็กทำพาสปอร์ตต้องเตรียมอะไร", "สูติบัตร และบิดามารดาต้องไปด้วยพร้อมบัตรประชาชน"),),
    )
    kids = Passage(kind="faq", answer=passport.faqs[0].answer, question=passport.faqs[0].question)
    lines = compose_answer(passport, None, "line", "อายุ20แล้ว ต้องเอาทะเบียนบ้านไปด้วยมั้ย", kids)[0].splitlines()
    assert lines[0] == "ไม่ต้องค่ะ รายการเอกสารของบริการนี้ไม่มี “ทะเบียนบ้าน” ค่ะ"
    assert lines[1] == "เอกสารที่ใช้ค่ะ"
    # named in an FAQ: the record speaks of it, so no "not needed"
    text, _ = compose_answer(passport, None, "line", "ต้องเอาสูติบัตรไปด้วยไหม", kids)
    assert not text.startswith("ไม่ต้องค่ะ")
    allowance = record(documents=("บัตรประจำตัวคนพิการ", "บัตรประจำตัวประชาชน"), faqs=())
    text, _ = compose_answer(allowance, "documents", "line", "ต้องทำบัตรคนพิการก่อนใช่ไหม")
    assert text.startswith("ต้องค่ะ รายการเอกสารระบุ “บัตรประจำตัวคนพิการ”")


def test_a_province_served_by_another_office_than_the_agency_named_gets_no_and_the_right_office() -> None:
    meter = record(
        id="electricity_meter",
        agency="การไฟฟ้านครหลวง (กฟน.) และการไฟฟ้าส่วนภูมิภาค (กฟภ.)",
        where_to_apply=WhereToApply(
            offices=(
                "สำนักงานการไฟฟ้านครหลวงเขต (กรุงเทพฯ นนทบุรี สมุทรปราการ)",
                "สำนักงานการไฟฟ้าส่วนภูมิภาคจังหวัด อำเภอ และสาขาย่อย",
            ),
            online="ยื่นขอใช้ไฟฟ้าออนไลน์ผ่านแอป MEA Smart Life (กฟน.) หรือ PEA Smart Plus (กฟภ.)",
        ),
        office_hours="วันจันทร์-ศุกร์ 08:00-15:30 น. สายด่วน กฟน. 1130 กฟภ. 1129",
        faqs=(),
    )
    text, _ = compose_answer(meter, None, "line", "อยู่นนทบุรี ขอมิเตอร์ไฟใหม่ ไปยื่นPEAได้ไหม")
    assert text.splitlines()[0] == (
        "ไม่ได้ค่ะ นนทบุรี ยื่นที่ “สำนักงานการไฟฟ้านครหลวงเขต (กรุงเทพฯ นนทบุรี สมุทรปราการ)” โทร 1130 ค่ะ"
    )
    # the agency that serves the province, or no province: no such no
    for asked in ("อยู่นนทบุรี ไปยื่นที่ กฟน ได้ไหม", "อยู่เชียงใหม่ ไปยื่นPEAได้ไหม"):
        text, _ = compose_answer(meter, None, "line", asked)
        assert not text.startswith("ไม่ได้ค่ะ"), asked


def test_a_short_word_that_is_the_whole_point_finds_the_faq_that_speaks_of_it() -> None:
    loan = record(
        id="student_loan",
        title_th="กู้ยืมเงินกองทุนเงินให้กู้ยืมเพื่อการศึกษา",
        faqs=(FAQ("ต้องมีผู้ค้ำประกันไหม", "ตามกฎหมายที่แก้ไขแล้วไม่ต้องมีผู้ค้ำประกัน"),),
    )
    text, _ = compose_answer(loan, None, "line", "ต้องมีคนค้ำมั้ย")
    assert text.startswith("ไม่ต้องค่ะ ตามกฎหมายที่แก้ไขแล้วไม่ต้องมีผู้ค้ำประกัน")
