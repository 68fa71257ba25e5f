"""The catalogue: everything an action says, with per-channel variants, in the bot's one voice (ค่ะ/คะ).

Where a text lives — one rule:
- a response a rule or story utters (utter_*) lives in bot/domain/responses.yml (or the feature's
  domain file, e.g. bot/domain/complaint.yml), with `channel:` variants;
- everything an action sends lives here: whole replies in REPLIES, buttons, and the fragments
  actions put into a reply's {placeholders} (PHRASES, DEFAULT_NEXT_STEP, CHANNEL_NAMES, …);
- the Thai words an action recognises in a citizen's answer live here too, beside the buttons
  whose titles they echo (CONSENT_WORDS with consent_answer(), used by every consent question);
- nothing inline: tests/actions/test_texts_in_catalogue.py fails on a Thai string constant in any
  other actions/*.py module, and tests/actions/test_dialogue_texts.py checks the voice, LINE's
  20-character button titles and the SMS segment budget of every text here and in bot/domain.

Rasa's validator counts a domain response that only an action sends as unused, which is why action
texts are kept here rather than in the domain. Variants are chosen by the channel the citizen wrote
from (`line`, `sms`, `web`, else `default`); SMS variants are shorter and keep their buttons, which
the gateway renders as numbered "ตอบ 1 …" options.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from cases.complaint_routing import load_routes
from nlu.case_ref import make_case_ref


@dataclass(frozen=True, slots=True)
class Button:
    title: str
    payload: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()


MENU = Button("เมนูหลัก", "/greet")
HUMAN = Button("คุยกับเจ้าหน้าที่", "/request_human")
CANCEL = Button("ยกเลิก", "/deny")
RESTART = Button("เริ่มใหม่", "/restart")
MAIN_MENU = (
    Button("สอบถามบริการ", "/ask_service"),
    Button("ติดตามเรื่อง", "/check_case_status"),
    Button("แจ้งเรื่องร้องเรียน", "/file_complaint"),
    HUMAN,
)

# Complaint categories: key stored in the slot -> label shown on the button (and typed back). One
# source with the routing to agencies: cases/complaint_categories.yml.
COMPLAINT_CATEGORIES: dict[str, str] = {key: route.label for key, route in load_routes().items()}
# The same categories named in English replies (the button still sends the Thai label); a category
# missing here is named by its Thai label.
COMPLAINT_CATEGORIES_EN: dict[str, str] = {
    "streetlight": "street light out",
    "road": "damaged road or pavement",
    "garbage": "rubbish and cleanliness",
    "water": "water supply and drains",
    "nuisance": "noise and nuisance",
    "service": "officers' service",
    "other": "other matters",
}
# A published time to act ("7 วัน", "15 วันทำการ") in English replies.
DURATION_UNITS_EN: dict[str, str] = {"วันทำการ": "working days", "วัน": "days", "ชั่วโมง": "hours"}
NO_PHOTO_LABEL = "ไม่มีรูป"
NO_PHOTO_BUTTON = Button(NO_PHOTO_LABEL, NO_PHOTO_LABEL)
CONSENT_BUTTONS = (Button("ยินยอม", "/affirm"), Button("ไม่ยินยอม", "/deny"))
# Offered beside the consent buttons where the category allows a complaint with no contact kept.
ANONYMOUS_LABEL = "ไม่ระบุตัวตน"
ANONYMOUS_BUTTON = Button(ANONYMOUS_LABEL, ANONYMOUS_LABEL)
# แก้ไข asks which field to change (COMPLAINT_EDIT_FIELDS), typed back like the category labels.
CONFIRM_BUTTONS = (Button("ยืนยัน", "/affirm"), Button("แก้ไข", "แก้ไข"), CANCEL)
TRACK = Button("ติดตามเรื่อง", "/check_case_status")
# Under the first question after the category was read from the first message: one tap back to the
# menu. Typed (or these words) at any step, the category is asked again and everything else kept.
CHANGE_CATEGORY_LABEL = "เปลี่ยนหมวด"
# The word a category label may open with and a typed choice may leave out ("อื่นๆ" for "เรื่องอื่น ๆ").
CATEGORY_LABEL_LEAD = "เรื่อง"
CHANGE_CATEGORY_BUTTON = Button(CHANGE_CATEGORY_LABEL, CHANGE_CATEGORY_LABEL)
CHANGE_CATEGORY_WORDS = (
    "เปลี่ยนหมวด",
    "แก้หมวด",
    "แก้ไขหมวด",
    "ผิดหมวด",
    "หมวดผิด",
    "หมวดไม่ถูก",
    "หมวดไม่ตรง",
    "เปลี่ยนประเภท",
    "แก้ประเภท",
    "ประเภทผิด",
    "เลือกหมวดใหม่",
)

# Aspect buttons under a service answer: "<label> <service short name>" when it fits LINE's 20
# characters, else the label alone. "fee" reads "เงินที่ได้รับ" for a service that pays the citizen.
ASPECT_BUTTON_LABELS: dict[str, str] = {
    "documents": "เอกสาร",
    "fee": "ค่าธรรมเนียม",
    "benefits": "เงินที่ได้รับ",
    "place": "ที่ยื่น",
    "time": "ใช้เวลา",
    "eligibility": "คุณสมบัติ",
    "online": "ออนไลน์",
}

# Fallback suggestions: intent the NLU leaned towards -> the button offered (actions/fallback.py).
SUGGESTION_BUTTONS: dict[str, Button] = {
    "ask_service": Button("สอบถามบริการ", "/ask_service"),
    "check_case_status": Button("ติดตามเรื่อง", "/check_case_status"),
    "file_complaint": Button("แจ้งเรื่องร้องเรียน", "/file_complaint"),
    "request_human": Button("คุยกับเจ้าหน้าที่", "/request_human"),
    "subscribe_updates": Button("รับแจ้งความคืบหน้า", "/subscribe_updates"),
    "unsubscribe_updates": Button("เลิกรับแจ้งเตือน", "/unsubscribe_updates"),
}
# The "notify me" button under a case status answer; its payload names the case (actions/case_status.py).
SUBSCRIBE_BUTTON_TITLE = "รับแจ้งความคืบหน้า"
# The last button of "which case to stop?": typed back, it is read as "stop all" (actions/subscriptions.py).
UNSUBSCRIBE_ALL_BUTTON = Button("ทุกเรื่อง", "ยกเลิกแจ้งเตือนทุกเรื่อง")

# Fragments that actions put into a reply's {placeholders}; they are not sent on their own, so they
# need not end in ค่ะ, but they keep the voice (checked by tests/actions/test_dialogue_texts.py).
PHRASES: dict[str, str] = {
    # case status answer: {when}, and {next_step} when the agency gave none
    "case_due": "ภายใน {date}",
    "case_updated": "อัปเดตล่าสุด {date}",
    "next_step_unknown": "สอบถามเจ้าหน้าที่ได้",
    # case_ref_bad_check when the number read cannot be shown ("เลขที่เรื่องนี้มีตัวเลขผิด…")
    "this_reference": "นี้",
    # complaint summary and the location slot when only a map pin was sent
    "pin_only": "(ตำแหน่งบนแผนที่)",
    "pin": "พิกัด {lat:.5f}, {lon:.5f}",
    "photo_attached": "แนบ 1 รูป",
    "photo_none": "ไม่มี",
    "photo_line": "รูป: {photo}\n",
    "consent_given": "ยินยอม",
    "consent_refused": "ไม่ยินยอม",
    "consent_anonymous": "ไม่ระบุตัวตน (ไม่เก็บข้อมูลติดต่อ)",
    # the same in the English summary
    "en_photo_attached": "1 photo",
    "en_photo_none": "none",
    "en_photo_line": "Photo: {photo}\n",
    "en_consent_given": "yes",
    "en_consent_refused": "no",
    "en_consent_anonymous": "anonymous (no contact kept)",
    # subscriptions: {what} and {where}
    "all_my_cases": "ทุกเรื่องของท่าน",
    "one_case": "เรื่อง {reference} ",
    "this_chat": "แชตนี้",
    # how a complaint reference is read aloud: CM69-1234-5678 -> "ซี เอ็ม หก เก้า ขีด …"
    "spoken_dash": " ขีด ",
}
# Where a notice goes, as the citizen reads it in {where}.
CHANNEL_NAMES: dict[str, str] = {"line": "LINE", "web": PHRASES["this_chat"], "sms": "SMS"}
# What happens next when the agency gave no next step: plain words per case status.
DEFAULT_NEXT_STEP: dict[str, str] = {
    "received": "เจ้าหน้าที่จะตรวจสอบเรื่องของท่าน",
    "in_review": "รอผลการตรวจสอบจากเจ้าหน้าที่",
    "in_progress": "เจ้าหน้าที่กำลังดำเนินการให้",
    "waiting_for_citizen": "ส่งเอกสารหรือข้อมูลที่หน่วยงานขอ",
    "resolved": "ไม่มี เรื่องนี้เสร็จแล้ว",
    "rejected": "สอบถามเหตุผลกับเจ้าหน้าที่ได้",
    "closed": "ไม่มี เรื่องนี้ปิดแล้ว",
}
SPOKEN_CHARACTERS: dict[str, str] = {
    "0": "ศูนย์",
    "1": "หนึ่ง",
    "2": "สอง",
    "3": "สาม",
    "4": "สี่",
    "5": "ห้า",
    "6": "หก",
    "7": "เจ็ด",
    "8": "แปด",
    "9": "เก้า",
    "A": "เอ",
    "C": "ซี",
    "M": "เอ็ม",
    "P": "พี",
}

# --- words the bot recognises in a citizen's typed answer ----------------------------------------
# Kept beside the buttons whose titles they echo (SMS and typed answers send the title back).
# Every form that asks for consent reads the answer with consent_answer(): one set of words.
CONSENT_WORDS: dict[str, bool] = {
    **dict.fromkeys(("ยินยอม", "ยินยอมค่ะ", "ยินยอมครับ", "ตกลง", "ok", "yes"), True),
    **dict.fromkeys(("ไม่ยินยอม", "ไม่ยินยอมค่ะ", "ไม่ยินยอมครับ", "no"), False),
    # English, compared without punctuation ("Yes, I consent", "I agree.")
    **dict.fromkeys(
        ("i agree", "agree", "i consent", "yes i agree", "yes i consent", "yes please", "sure", "okay"), True
    ),
    **dict.fromkeys(("i don't agree", "i do not agree", "disagree", "no thanks", "no thank you"), False),
}
# Compared after the polite endings are taken off ("ข้ามค่ะ", "ไม่มีรูปครับ").
NO_PHOTO_WORDS = frozenset(
    {
        NO_PHOTO_LABEL,
        "ไม่มี",
        "ไม่มีค่ะ",
        "ไม่มีครับ",
        "ไม่มีรูปค่ะ",
        "ไม่มีรูปครับ",
        "ข้าม",
        "no",
        "skip",
        "none",
        "ข้ามไป",
        "ข้ามไปก่อน",
        "ข้ามเลย",
        "ข้ามได้",
        "ไม่มีภาพ",
        "ไม่ได้ถ่าย",
        "ไม่ได้ถ่ายรูป",
        "ไม่ส่งรูป",
        "ไม่แนบรูป",
        "ไม่มีรูปถ่าย",
        "ไม่ส่ง",
        "ไม่แนบ",
    }
)
# At the photo step, a message that opens so has no photo, whatever reason follows ("ไม่มีรูปค่ะ ถ่ายตอน
# กลางคืนไม่ติด", "ถ่ายไม่ทันค่ะ รถวิ่งไปแล้ว").
# fmt: off
NO_PHOTO_OPENINGS = (
    "ไม่มีรูป", "ไม่มีภาพ", "ไม่ได้ถ่าย", "ไม่ได้เก็บรูป", "ไม่สะดวกถ่าย", "ไม่สะดวกส่งรูป", "ถ่ายไม่ได้", "ถ่ายไม่ทัน",
    "ถ่ายไม่ติด", "ถ่ายรูปไม่ได้", "ถ่ายรูปไม่ทัน", "ถ่ายรูปไม่ติด", "ไม่มีค่ะ", "ไม่มีครับ", "ข้ามค่ะ", "ข้ามครับ",
)
# fmt: on
# At the photo step: the photo will come later ("ส่งรูปทีหลังได้ไหม"). On without it now; a photo sent
# at any later step before ยืนยัน is still kept for the complaint.
PHOTO_LATER_WORDS = ("ทีหลัง", "ภายหลัง", "ไว้ก่อน", "เดี๋ยวส่ง", "ส่งตาม", "พรุ่งนี้", "ยังไม่ได้ถ่าย", "later")
# A question whether a photo is needed ("ต้องส่งรูปด้วยมั้ย"): answered no, a photo helps but is not needed.
# "ต้องส่งรูปด้วยมั้ย", and the same asked the other way round ("ถ้าไม่มีรูปได้ไหมคะ": may it go without one).
PHOTO_NEEDED_WORDS = (
    "ต้องส่งรูป", "ต้องมีรูป", "ต้องแนบรูป", "ต้องถ่ายรูป", "ต้องใช้รูป", "ส่งรูปด้วย", "ต้องส่งภาพ",
    "ไม่มีรูปได้", "ไม่มีรูปก็ได้", "ไม่มีรูปจะได้", "ไม่ส่งรูปได้", "ไม่ส่งรูปก็ได้", "ไม่มีภาพได้", "ไม่มีภาพก็ได้",
)  # fmt: skip
CONFIRM_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("ยืนยัน", "ยืนยันค่ะ", "ยืนยันครับ", "ยืนยันเลย", "ส่งเลย", "ส่งได้เลย", "confirm", "send", "submit"), "yes"
    ),
    **dict.fromkeys(("แก้ไข", "แก้ไขค่ะ", "แก้ไขครับ"), "edit"),
}
# Yes to the summary in a sentence ("ถูกต้อง ส่งเลย", "โอเค ยืนยัน", "ถูกต้องแล้วค่ะ ยืนยัน"): the message is
# made only of these words (spaces and punctuation aside), with at least one of the first. Anything else
# in it — ไม่, ยัง, อย่า, แก้, ยกเลิก, a question word — and it is not a yes.
# fmt: off
CONFIRM_SENTENCE_WORDS = (
    "ยืนยัน", "ส่งเลย", "ส่งได้", "ส่งเรื่อง", "ส่ง", "ถูกต้อง", "ถูก", "ใช่", "ตามนี้", "ตกลง", "โอเค", "ok", "okay",
    "yes", "confirm", "send", "submit",
)
CONFIRM_SENTENCE_FILLERS = (
    "แล้ว", "เลย", "ได้", "เรื่อง", "นี้", "ข้อมูล", "ทั้งหมด", "ครบ", "หมด", "ทุกอย่าง", "เอ่อ", "อืม", "งั้น", "ก็",
    "ด้วย", "ไป", "ให้", "หน่อย", "เถอะ", "จ้า", "จ้ะ", "ค่า", "ค่ะ", "คะ", "ครับผม", "ครับ", "คับ", "ฮะ", "นะ",
    "การแจ้ง", "แจ้ง", "it", "please", "now",
)
# fmt: on
# --- service conversations (B2, actions/service_small_talk.py): small talk around a service ---------
# Openings that carry on from the last answer ("แล้วนานไหม", "ถ้าเกิน 3 ปี"): a follow-up, not small talk.
FOLLOW_UP_OPENINGS = ("แล้ว", "ถ้า", "กรณี", "งั้น", "ส่วน")
# Laughter, "ok", thanks, "I see", "no, not that": the words a light reply is about. What is left of a
# message without them ("เอ้ย ไม่ใช่ หมายถึงย้ายออก" -> "ย้ายออก") may name another service.
# fmt: off
SMALL_TALK_WORDS = (
    "ขอบคุณ", "ขอบใจ", "โอเค", "โอเช", "เข้าใจแล้ว", "เข้าใจ", "ได้เลย", "ดีจัง", "ดีมาก", "เก่งจัง", "เก่ง",
    "สุดยอด", "ไม่ใช่", "ใช่", "ไม่", "อ๋อ", "อ้อ", "อ่อ", "อืม", "เอ้ย", "เอ่อ", "ขอโทษ", "อิอิ", "ค่ะ", "คะ",
    "ครับ", "คับ", "จ้า", "นะ", "มาก",
)
# fmt: on
# --- service resolver (actions/service_resolver.py) ---
# A casual yes/no ending ("ต้องแจ้งความก่อนมะ", "ทำที่ไหนก็ได้ป่ะ"): a question; it is no service word.
CASUAL_YES_NO_END_PATTERN = r"(?<=[ก-๙])(?:มะ|ป่ะ|ปะ|ป้ะ|เหรอ|หรอ)\s*(?:คะ|ค่ะ|ครับ|คับ)?\s*\?*\s*$"
# What a casual question may trail after its yes/no particle: laughter, emoji, punctuation, "อะ"
# ("ได้ยังอะ 555", "ได้ไหม 😅"); Thai tone marks are not punctuation
CASUAL_TAIL_PATTERN = r"(?:5{3,}|[^\w\u0e00-\u0e7f]|_|อ[่้]?ะ|ฮ่า|ๆ)+$"
# "ถ้าขายให้คนอื่นแทนล่ะ ต่างกันยังไง": a what-about with a comparison after it asks the same again
WHAT_ABOUT_COMPARED_PATTERN = r"(ล่ะ|ละ)\s+(ต่างกัน|แตกต่าง|เหมือนกัน|เหมือนเดิม)\S*\s*\??\s*$"
# "เปลี่ยนเสร็จแล้วต้องไปทำบัตรใหม่ไหม": what comes after it is done, not how long it takes
DONE_STAGE_PATTERN = r"เสร็จ(?:แล้ว|เรียบร้อย)\s*(?=ต้อง|จะ|ค่อย|ไป|ก็|แล้ว)"
# "เปลี่ยนแล้วต้องทำพาสปอร์ตใหม่ด้วยมั้ย": opened by a verb said done, then what follows (squashed text)
AFTER_DONE_OPENING_PATTERN = r"^(\S{2,15}?)(?:เสร็จ|เรียบร้อย)?แล้ว(?=ต้อง|จะ|ค่อย|ก็)"
# "15,000 บาทต่อเดือน": the unit and the period said right after an income's amount
INCOME_PERIOD_AFTER_PATTERN = r"(?:บาท)?(?:ต่อเดือน|เดือนละ|ต่อปี|ปีละ|/เดือน|/ปี|ทั้งปี)?"
# Two services compared ("ต่างกันยังไง", "อันไหนถูกกว่า", "what's the difference"), on squashed Thai or
# lower-case English.
COMPARED_PATTERN = (
    r"ต่างกัน|แตกต่าง|ต่างจาก|(?:อัน|แบบ)ไหน(?:ดี|ถูก|คุ้ม|แพง|ง่าย|เร็ว)|(?:ดี|ถูก|แพง|คุ้ม)กว่ากัน"
    r"|difference|differ|compare|which is (?:better|cheaper)"
)
# Which of the services named to see to first ("บัตรปชชหาย พาสปอตก็หาย ต้องเริ่มจากอันไหน"): both, as choices.
WHICH_FIRST_PATTERN = (
    r"(?:อัน|เรื่อง|อะไร|ทำ)ไหนก่อน|อะไรก่อน|เริ่ม(?:จาก|ที่)?(?:อัน|เรื่อง)?(?:ไหน|อะไร)"
    r"|which (?:one )?first|where do i start|start with which"
)
# A story that asks what there is to do ("ต้องไปจดอะไร", "ต้องทำเรื่องอะไรบ้าง", "what registrations do I
# need"): the life event's checklist, not one of its steps. Matched on the message without spaces.
WHAT_TO_DO_PATTERN = (
    r"ต้อง(?:ไป)?(?:ทำ|จด(?:ทะเบียน)?|เตรียม|ยื่น|ลงทะเบียน|ติดต่อ|เปลี่ยน|แจ้ง|จัดการ|ดำเนินการ)(?:เรื่อง)?(?:อะไร|ไร)"
    # "มีอะไรต้องแจ้งบ้าง", "ต้องทำเรื่องที่อำเภอยังไงบ้าง": what there is to do, not one service's how-to
    r"|ต้อง(?:ไป)?ทำเอกสาร(?:อะไร|ไร)|มีอะไร(?:ที่)?ต้อง(?:ทำ|แจ้ง|ไป|จัดการ|เตรียม|ยื่น|ติดต่อ)"
    r"|ต้อง(?:ไป)?ทำ(?:เรื่อง|เอกสาร).{0,12}(?:ยังไง|อย่างไร)"
    # "ต้องแจ้งที่ไหนบ้าง", "ต้องไปติดต่อหน่วยงานไหนบ้าง": every office to see to, not one service's office
    r"|ต้อง(?:ไป)?(?:แจ้ง|ติดต่อ)(?:ที่|หน่วยงาน)ไหนบ้าง"
    r"|ทำ(?:เรื่อง)?(?:อะไร|ไร)บ้าง|มีเรื่องอะไร|(?:มี|ได้)สิทธิ(?:อะไร|ไร)|ช่วย(?:เหลือ)?(?:อะไร|ไร)(?:ได้)?บ้าง"
    r"|steps|registrations|what(?:do|should)(?:i|we)(?:need|have)?(?:to)?do|what(?:do|would)(?:i|we)need\??$"
    r"|what(?:do|would)(?:i|we)needtoregister"
    r"|what(?:help|support|benefits?|assistance|rights)"
    # "อยากเปิดร้านเล็กๆ ต้องเริ่มยังไงคะ": where to begin is the whole checklist
    r"|เริ่ม(?:ต้น)?(?:ยังไง|อย่างไร|จากอะไร|จากไหน|(?:จาก)?ตรงไหน|ทำอะไร)"
    # "เข้าวัยผู้สูงอายุแล้ว รัฐให้อะไรบ้าง": what the state gives is the whole checklist
    r"|(?:รัฐ|ทางการ|ราชการ)(?:จะ)?(?:ให้|ช่วย|มี)(?:อะไร|ไร)(?:บ้าง)?"
)
# A paper asked about as one to bring ("ต้องใช้สูติบัตร…", "มีทะเบียนบ้าน…ไหม"): the verb right before a
# service's name that is a document too (actions/service_resolver._paper_named).
PAPER_ASKED_PATTERN = r"(?:ใช้|มี|เอา|แนบ|ถือ|พก)(?:ตัว)?$"
# The word a paper's short name begins with ("ใบหย่า"), left off when the short name is looked for in a
# list of documents that writes the paper out ("ใบสำคัญการสมรสหรือการหย่า").
SHORT_PAPER_WORD = "ใบ"
# A step asked about as a prerequisite of the service talked about ("ต้องแจ้งความก่อนไหม" after a lost
# SD.9; in English a need asked alone is one, "need police report?", "Does he need a letter from his
# embassy?"): {phrase} is the referral's topic; the question is about the service, not the other agency.
# Matched on the squashed, lower-cased message.
PREREQUISITE_TEMPLATE = (
    r"ต้อง.{{0,8}}{phrase}.{{0,16}}ก่อน|need.{{0,16}}{phrase}.{{0,16}}(?:first|before)"
    r"|^(?:do|does|will|would)?(?:i|we|you|he|she|they)?(?:still|also)?(?:need|require)s?.{{0,24}}{phrase}\??$"
    # a paper of that agency's brought along ("ต้องเอาใบแจ้งความไปด้วยมั้ย", "what documents do I need from
    # my embassy?"): still a step of the service talked about
    r"|ต้อง(?:เอา|ใช้|มี|แนบ|ถือ|พก).{{0,4}}{phrase}.{{0,6}}ด้วย"
    r"|(?:document|paper|letter|certificate)s?.{{0,16}}(?:need|require)s?.{{0,16}}{phrase}"
)

# --- complaint form (actions/complaint_talk.py): words that end it, answer a step, or ask aside ---
# Matched on the message with spaces removed, lower-cased, polite particles stripped at the end.
# Only these (and the cancel button) end a complaint form; a bare "ไม่" gets a hint instead.
COMPLAINT_CANCEL_WORDS = frozenset(
    {
        "ยกเลิก",
        "ยกเลิกเรื่องนี้",
        "ยกเลิกการแจ้ง",
        "ยกเลิกเรื่อง",
        "ไม่แจ้งแล้ว",
        "ไม่แจ้งละ",
        "ไม่เอาแล้ว",
        "ไม่ร้องเรียนแล้ว",
        "เปลี่ยนใจไม่แจ้งแล้ว",
        "เปลี่ยนใจแล้ว",
        "พอแล้ว",
        "ช่างมัน",
        "ช่างมันเถอะ",
        "cancel",
    }
)
# …or said around the thing reported: "แจ้งหลุมถนนไปนานแล้วไม่ซ่อม" (matched on the text without spaces).
# Service conversations: "ต้องทำไงต่อ" right after an answer, and a question asking for a phone number.
# Who a question is for and how old: no topic of their own ("แล้วของลูกอายุ 3 ขวบด้วยล่ะ" after the gold card).
WHO_AND_AGE_WORDS = frozenset(
    {"ลูก", "ลูกสาว", "ลูกชาย", "พ่อ", "แม่", "สามี", "ภรรยา", "แฟน", "ยาย", "ตา", "ปู่", "ย่า", "หลาน", "พี่",
     "น้อง", "อายุ", "ขวบ", "ตัวเอง", "ของ", "ด้วย", "คนอื่น", "เพื่อน", "ญาติ", "เด็ก", "เด็กแรกเกิด", "ทารก"}
)  # fmt: skip
# How much, said without a figure ("รายได้ไม่เยอะ", "เงินเดือนน้อย"): a circumstance the rule speaks of, told
# vaguely, which the rule itself answers ("กู้ กยศ. ได้ไหม รายได้ไม่เยอะ": yes, if within the limit).
VAGUE_AMOUNT_WORDS = frozenset({"เยอะ", "น้อย", "มาก", "สูง", "ต่ำ", "นิดหน่อย", "ไม่มาก", "ไม่ค่อย", "ไม่ถึง"})
# A service named right after it was done ("เพิ่งจดทะเบียนแต่งงาน") or right before it is said to be had
# already ("รับเบี้ยคนชราอยู่แล้ว"): not what is asked.
DONE_MARK = "เพิ่ง"
# ... or said right after it to be done ("จดทะเบียนหย่าเรียบร้อยแล้ว", "แจ้งตายเสร็จแล้ว")
DONE_AFTER_PATTERN = r"(?:ได้)?(?:เรียบร้อย|เสร็จ)"
HAVE_ALREADY_MARK = "อยู่แล้ว"
# "แม่รับเบี้ยคนแก่อยู่ จะได้เบี้ยพิการด้วยไหม": receiving it now (a having verb before, อยู่ after)
HAVE_NOW_MARK = "อยู่"
HAVE_NOW_VERBS = ("รับ", "ได้", "มี", "ถือ", "ใช้")
# A Thai abbreviation is consonants only ("กยศ", "ตรอ"; not "ภาษี"): a short name that still names a service.
ABBREVIATION_PATTERN = r"[ก-ฮ]{2,4}"
DOTTED_ABBREVIATION_PATTERN = r"[ก-ฮ](?:\.[ก-ฮ]){1,4}\.?|[ก-ฮ]{2,4}\."  # "(พ.ร.บ.)", "ตรอ." in a list
NEXT_STEP_PATTERN = r"(ทำ(ไง|ยังไง|อย่างไร|อะไร)ต่อ|ขั้นตอนต่อไป|ต่อไปต้องทำ|แล้วไงต่อ)"
# "กลับมาเรื่องบัตรประชาชนเมื่อกี้ …", "ย้อนไปเรื่องจดพาณิชย์นะคะ …": back to a service talked about earlier,
# its name in the group (actions/service_follow_up.back_to_earlier)
BACK_TO_PATTERN = (
    r"^\s*(?:ขอ)?(?:กลับ\s?(?:มา|ไป)|ย้อน\s?(?:กลับ)?\s?(?:มา|ไป)?)\s?(?:ที่|คุย|ถาม)?\s?เรื่อง\s?(\S+?)"
    r"\s?(?:เมื่อ\s?กี้|เมื่อ\s?กี๊|ตะกี้|ตะกี๊|เมื่อสักครู่|ที่ถามไป|อีกที|อีกครั้ง)?(?:หน่อย|นะ|ครับ|คับ|ค่ะ|คะ)*(?=\s|$)"
)
# "ติดต่อเค้าไม่ได้แล้ว", "ผู้เช่าติดต่อไม่ได้": someone in the citizen's matter cannot be reached (the
# tenant whose name is to be removed), a detail of the service, not a wish to reach the bot's staff
UNREACHABLE_PARTY_PATTERN = (
    r"(?:ติดต่อ\s?(?:เขา|เค้า|เจ้าตัว|ผู้เช่า|คนเช่า|เจ้าของ|ญาติ|คนนั้น|ลูก|พ่อ|แม่|สามี|ภรรยา|แฟน)"
    r"|(?:เขา|เค้า|เจ้าตัว|ผู้เช่า|คนเช่า|เจ้าของ|ญาติ|คนนั้น)\s?(?:ก็)?\s?ติดต่อ)\s?(?:ก็)?\s?ไม่\s?(?:ได้|ติด)"
)
# "กลับมาเรื่องเดิม": the name said when going back is only "the earlier one" (BACK_TO_PATTERN's group)
EARLIER_ONE_WORDS = ("เดิม", "ก่อน", "ก่อนหน้า", "ก่อนหน้านี้", "แรก", "นั้น", "นู้น", "โน้น")
# polite and question particles closing a word ("ต้องจดพาณิชย์มั้ย", "บัตรหายค่ะ")
CLOSING_PARTICLES_END_PATTERN = r"(?:ไหม|มั้ย|มั๊ย|ค่ะ|คะ|ครับ|คับ|นะ|จ้า|จ้ะ)+$"
# The reason a question gives for itself ("ขอลดค่างวดได้ไหม เพราะตกงาน"): the situation, not what is
# asked
REASON_START_PATTERN = r"(?:เพราะ(?:ว่า)?|เนื่องจาก)"
# Words a message giving only a new figure may have besides it: a what-if ("แล้วถ้า 2 ปีล่ะ"), a
# correction ("เอ้ย 8 ขวบค่ะ"), particles and the small words around a figure ("หมดไปเกิน 2 ปีกว่าๆ").
WHAT_IF_WORDS = ("ถ้า", "ล่ะ", "หละ")  # a bare number after these is the figure asked about again
FIGURE_FOLLOW_UP_WORDS = frozenset(
    {"แล้ว", "ถ้า", "หาก", "ล่ะ", "หละ", "ละ", "อ่ะ", "อะ", "เอ้ย", "เอ๊ะ", "อ้าว", "ไม่ใช่", "ขอโทษ", "พิมพ์",
     "ผิด", "คือ", "จริงๆ", "ค่ะ", "คะ", "ครับ", "คับ", "นะ", "จ้า", "ค่า", "ไป", "มา", "กว่า", "เกิน", "อีก",
     "ๆ", "แค่", "ประมาณ", "เป็น", "ตอนนี้", "กรณี"}
)  # fmt: skip
# Which of one's children or relatives a new figure is about ("แล้วลูกคนเล็ก 2 ขวบล่ะ", "คนโตอายุ 12"):
# the same question for another of them, not a question of its own.
WHICH_ONE_WORDS = frozenset(
    {"คน", "เล็ก", "โต", "คนโต", "คนเล็ก", "กลาง", "คนกลาง", "คนแรก", "ที่สอง", "ที่สาม", "สุดท้อง",
     "คนสุดท้อง", "อีกคน", "คนนี้"}
)  # fmt: skip
ASKS_NUMBER_PATTERN = r"เบอร์|สายด่วน|hotline|phone number"
# Asking how to reach an agency at all ("มีเบอร์โทรถามไหม", "ติดต่อใครได้"): the service's own agency.
ASKS_CONTACT_PATTERN = ASKS_NUMBER_PATTERN + r"|โทร|ติดต่อ|contact|call"
# "ปรับ" of a fine, not of "ปรับปรุงข้อมูล" nor the "ไปรับ" of "ไปรับรองตัว" (matched without spaces).
NOT_A_FINE_PATTERN = r"[เแโใไ]ปรับ|ปรับปรุง"
# An age the citizen gives ("อายุ 8", "๘ ขวบ"; not "หมดอายุ 2 ปี", "ต่ออายุ", "รถอายุ 10 ปี") and the
# wordings of a service's upper age limit ("จนอายุครบ 6 ปี", "อายุไม่เกิน 6 ปี").
AGE_ASKED_PATTERN = (
    r"(?<!หมด)(?<!ต่อ)(?<!รถ)(?<!เก๋ง)(?<!กระบะ)(?<!ยนต์)(?<!ไซค์)(?<!ไซด์)(?<!ตู้)อายุ\s*(\d{1,3})|(\d{1,3})\s*ขวบ"
)
AGE_UPPER_PATTERN = r"(?:จนอายุครบ|อายุไม่เกิน)\s*(\d{1,3})\s*ปี"
AGE_IN_RULE_PATTERN = r"อายุ\s*\d{1,3}"  # a rule that speaks of ages ("อายุ 18 ปีบริบูรณ์ขึ้นไป")
# a rule with a case for the younger ones ("ผู้อายุต่ำกว่า 7 ปีขอมีบัตรได้แต่ไม่บังคับ"): no plain no under its age
UNDER_AGE_CASE_PATTERN = r"ต่ำกว่า|ไม่ถึง|น้อยกว่า|ยกเว้น|เว้นแต่|ไม่บังคับ"
# A step of a table by age: "อายุ 60-69 ปี", "อายุ 90 ปีขึ้นไป".
AGE_RANGE_PATTERN = r"อายุ\s*(\d{1,3})\s*(?:-\s*(\d{1,3})\s*ปี|ปีขึ้นไป)"
# Typed yes/no endings ("ต้องสอบไม๊", "ไปได้มะ"), and ยัง after a modal word ("ต้องทำบัตรยัง").
YES_NO_TYPED_ENDINGS = ("ไม๊", "ได้มะ", "ต้องมะ")
# Warm endings a yes/no question may close with after its particle ("ได้มั้ยจ้ะ", "ได้ไหมจ๊ะ").
WARM_ENDINGS = ("จ้า", "จ๊ะ", "จ้ะ")
MODAL_THEN_YET_PATTERN = r"(ต้อง|ได้)\S*ยัง$"
# A fine asked ("โดนปรับไหม"): a fee question.
# An eligibility open to every age ("ผู้มีสัญชาติไทยทุกช่วงอายุ", "ทุกวัย"): any age given meets it.
ANY_AGE_PATTERN = r"ทุก\s*(?:ช่วง)?\s*(?:อายุ|วัย)|ไม่จำกัดอายุ"
FINE_ASKED_WORDS = ("โดนปรับ", "ถูกปรับ", "ค่าปรับ", "เสียค่าปรับ", "ปรับไหม", "ปรับมั้ย", "ปรับไม๊", "ปรับป่าว")
# A late fee's start in its label ("ค่าปรับกรณียื่นเกิน 60 วันหลังบัตรหมดอายุ"), squashed: the number, the unit
LATE_AFTER_PATTERN = r"(?:เกิน|ไม่\S{0,12}?ภายใน)(\d+)(วัน|เดือน|ปี)"
# The youngest age a service is for ("อายุ 60 ปีขึ้นไป"): an age at or over it answers "can I get it?"
AGE_LOWER_PATTERN = r"อายุ\s*(\d{1,3})\s*ปี\s*(?:ขึ้นไป|บริบูรณ์ขึ้นไป)"
# "อายุ 18 ปีบริบูรณ์ขึ้นไป หรืออายุต่ำกว่านั้นแต่ได้รับความยินยอม…": the way in below the youngest age
AGE_EXCEPTION_PATTERN = r"อายุต่ำกว่านั้น(?:แต่|ถ้า|หาก)(\S+)"
AGE_UNDER_PATTERN = r"อายุ(?:ต่ำกว่า|ไม่ถึง)\s*(\d{1,3})\s*ปี"  # "ผู้เยาว์อายุต่ำกว่า 20 ปีต้อง…"
# An age in a rule that names several subjects ("รถยนต์ส่วนบุคคล อายุ 18 ปีบริบูรณ์ขึ้นไป"): a youngest age.
AGE_BOUND_PATTERN = r"อายุ\s*(\d{1,3})\s*ปี(?:บริบูรณ์)?(?:ขึ้นไป)?"
# Words that are a question's whole point even alone ("ถ้าไม่ไปมีโทษไหม", "ต้องพาพยานไหม").
ASKED_ALONE_WORDS = ("โทษ", "พยาน", "อบรม")
# "ต้องมีคนค้ำมั้ย" - "…ไม่ต้องมีผู้ค้ำประกัน": a short word that is the whole point, looked for inside
# longer words of the record (not a question of going alone)
ASKED_POINT_WORDS = ("ค้ำ",)
# Not having something yet ("พ่อยังไม่มีบัตรคนพิการ ขอเบี้ยได้เลยไหม"): what follows, when a listed
# document, answers a can-question with no.
LACKING_PATTERN = r"ไม่(?:มี|ได้ทำ)"
# "ต้องเอาทะเบียนบ้านไปด้วยไหม": the document asked about follows one of these verbs; a must-question
# with none ("ต้องเปลี่ยนนามสกุลตามสามีไหม") asks about a step, not a document on the list.
DOCUMENT_VERB_PATTERN = "ใช้|เอา|มี|ถือ|พก|เตรียม|แนบ|แสดง|นำ"
# "อายุ20แล้ว ต้องเอาทะเบียนบ้านไปด้วยมั้ย": papers a citizen may ask to bring; one the record never
# names (not among its documents, FAQs or overview) is not needed.
DOCUMENT_KIND_WORDS = ("ทะเบียนบ้าน", "สูติบัตร", "สำเนา", "ใบรับรอง", "หนังสือรับรอง", "รูปถ่าย", "สมุดบัญชี")
# "อยู่นนทบุรี ไปยื่นPEAได้ไหม": an agency's short name in brackets after its name ("การไฟฟ้านครหลวง
# (กฟน.)", "MEA Smart Life (กฟน.)"), and the provinces an office's list gives in brackets
NAME_ABBREVIATION_PATTERN = r"([\u0e00-\u0e7f]+|\b[A-Z]{2,6}\b[^()]{0,25}?)\s*\(([\u0e00-\u0e7f]{2,6})\.?\)"
AREA_BRACKETS_PATTERN = r"\(([^)]*)\)"
AREA_MARK = "ฯ"
# "ต้องทำบัตรคนพิการก่อนใช่ไหม": a paper to get first, named between the verb and ก่อน
PREREQUISITE_PATTERN = r"ต้อง(?:ไป)?(?:ทำ|ขอ|มี)(.+?)ก่อน"
# "พ่อพาไปคนเดียวได้ป่ะ": who may go along, and the words a record names them by ("บิดา", "พ่อแม่หรือเจ้าบ้าน")
ACCOMPANYING_PERSON_WORDS: dict[str, tuple[str, ...]] = {
    "พ่อ": ("พ่อ", "บิดา"),
    "แม่": ("แม่", "มารดา"),
    "ผู้ปกครอง": ("ผู้ปกครอง",),
    "เจ้าบ้าน": ("เจ้าบ้าน",),
}
# "ไปทำที่อำเภอได้ไหม": a kind of office asked about, which a service's office list either names or not.
# Each with the words an office list names it by ("อบต" is "องค์การบริหารส่วนตำบล"; a municipality's
# registration office is "สำนักทะเบียนท้องถิ่น").
OFFICE_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "อำเภอ": ("อำเภอ",),
    "สำนักงานเขต": ("สำนักงานเขต", "เขต"),
    "เทศบาล": ("เทศบาล", "ท้องถิ่น", "เมืองพัทยา"),
    "อบต": ("อบต", "องค์การบริหารส่วนตำบล", "ท้องถิ่น"),
    "ไปรษณีย์": ("ไปรษณีย์",),
    "ธนาคาร": ("ธนาคาร", "ธ.ก.ส"),
    "โรงพัก": ("โรงพัก", "สถานีตำรวจ"),
}
# "ตรวจเลือกเดือนไหน": which month is asked - when it happens (the time aspect: "1-12 เมษายน")
MONTH_ASKED_WORDS = ("เดือนไหน", "เดือนอะไร", "เดือนไร")
# A fee for an option the citizen may choose ("ค่าจัดส่งทางไปรษณีย์ (ถ้าเลือก)"): "ส่งเล่มทางไปรษณีย์ได้ไหม" is
# answered yes with its charge (actions/service_verdicts.optional_fee_verdict).
OPTIONAL_FEE_MARKS = ("ถ้าเลือก", "ถ้าต้องการ", "หากต้องการ")
# "…ที่สำนักงานที่ดินใช่ไหม": a place named after ที่, to be confirmed (the office word it starts with)
PLACE_NAMED_PATTERN = (
    r"ที่(สำนักงาน|อำเภอ|เขต|ที่ว่าการ|สำนักทะเบียน|เทศบาล|อบต|ไปรษณีย์|ธนาคาร|โรงพัก|สถานีตำรวจ|ศาล|ศูนย์)"
)
OFFICES_JOINER = " หรือ "
# "ทำที่อำเภอไหนก็ได้ไหม": any office, answered by an office line that says any ("แห่งใดก็ได้") or one that
# says which ("ที่ผู้ขอมีชื่อในทะเบียนบ้าน", "ที่ที่ดินตั้งอยู่", "ที่เด็กเกิด").
ANY_OFFICE_ASKED_PATTERN = r"(?:ไหน|ใด|ที่ไหน)ก็ได"
ANY_OFFICE_WORDS = ("ใดก็ได้", "ทุกแห่ง", "ทั่วประเทศ")
OWN_OFFICE_PATTERN = r"ที่\S*(?:มีชื่อในทะเบียนบ้าน|ตั้งอยู่|เกิด|มีการตาย|อาศัยอยู่)"
LACKING_SPAN_CHARS = 25
# An eligibility rule that excludes ("ไม่เป็นผู้รับบำนาญหรือสวัสดิการอื่น…"): a citizen who says they are
# that ("พ่อเป็นข้าราชการบำนาญ ได้เบี้ยด้วยไหม") cannot; "ไม่มีงานทำหรือมีรายได้…" offers another way in.
EXCLUSION_PATTERN = r"^ไม่(?:เป็น|ได้รับ|มี)"
# The same inside an overview's clause ("คนไทยที่ไม่มีสิทธิประกันสังคม…"): the part from ไม่ on.
EXCLUSION_INSIDE_PATTERN = r"ที่(ไม่(?:เป็น|ได้รับ|มี)\S*)"
EXCLUSION_ALTERNATIVE_WORD = "หรือมี"
# Someone going instead ("ทำแทน", "ยื่นแทน"): compounds ending in it carry the sense; and the negation
# that turns a confirmation into ไม่ใช่ค่ะ.
PROXY_WORD = "แทน"
NEGATION_WORD = "ไม่"
# Must-questions (issue 10): "ลูกอายุ 7 ขวบ ต้องไปทำบัตรประชาชนไหม". MUST_WORD splits what comes before
# (who, a condition) from what is asked; after it, DOING_WORDS name nothing of their own (the service
# itself is asked about) and NOT_DOING_WORDS ask something else (who comes along, what to bring or pay).
MUST_WORD = "ต้อง"
NO_NEED_WORD = "ไม่ต้อง"
DOING_WORDS = ("ทำ", "ไป", "ยื่น", "ขอ", "เอง", "ก่อน", "เลย", "แล้ว", "ตอนนี้", "ใหม่", "หรือ")
NOT_DOING_WORDS = ("ด้วย", "ทั้ง", "พร้อม", "แทน", "ใคร", "ใช้", "มี", "เสีย", "จ่าย", "เตรียม", "ที่ไหน")
# Before ต้อง: a condition changes the duty; "ยังไม่ได้แจ้งเกิด" (not done yet) does not; fillers and
# age words say nothing of their own.
CONDITION_WORDS = ("ถ้า", "หาก", "กรณี", "แต่", "ยกเว้น")
MORE_THAN_WORD = "กว่า"  # "3 ปีกว่า": a little over the figure
COUNTED_FROM_WORD = "นับแต่"  # "ภายใน 30 วันนับแต่วันเริ่ม…": a time limit's start, not a แต่ (but)
NOT_YET_WORDS = "ยังไม่ได้"
INTENTION_WORD = "จะ"  # a plan told before a must-question ("จะเปิดร้าน ต้องจดทะเบียนไหม")
PREFIX_FILLER_WORDS: tuple[str, ...] = ("เออ", "อ๋อ", "แล้ว", "ยัง", "เลย", "ตอนนี้", "คือ", "อยาก", "ถาม")
PREFIX_FILLER_WORDS += ("สอบถาม", "อายุ", "ขวบ", "ปี")
# A time limit ("ภายใน 60 วัน") makes a duty; a date ("ภายในวันที่ 10") may be a payday. The age a duty
# starts at ("อายุครบ 7 ปี").
TIME_LIMIT_PATTERN = r"ภายใน\s*\d[\d,]*\s*(?:-\s*\d+\s*)?(?:วัน|ชั่วโมง|เดือน|ปี)"
AGE_REACHED_PATTERN = r"อายุ(?:ครบ)?\s*(\d{1,3})"
# Both, together: "ต้องไปทั้งสองคนไหม" is answered by "ทั้งสองฝ่ายต้องไปพร้อมกัน".
TOGETHER_WORDS = ("ทั้งสอง", "ทั้งสองคน", "ทั้งสองฝ่าย", "ทั้งคู่", "พร้อมกัน")
ALONE_WORDS = ("คนเดียว", "ฝ่ายเดียว", "ไปเองคนเดียว")  # "ไปคนเดียวได้ไหม": against a rule to go together
# "ต้องไปด้วยกันไหม", "ต้องไปทั้งพ่อทั้งลูกไหม", "พ่อแม่ต้องไปด้วยไหม": whether more than one must go,
# answered by a clause that says who goes together ("ทั้งสองฝ่ายต้องไปพร้อมกัน", "บิดามารดาต้องไปด้วย")
TOGETHER_ASKED_WORDS = ("ด้วยกัน", "พร้อมกัน", "ทั้งสอง", "ทั้งคู่", "ทั้งพ่อ", "ทั้งแม่", "ทั้งผัว", "ทั้งเมีย", "ไปด้วย")
TOGETHER_CLAUSE_WORDS = (*TOGETHER_WORDS, "ต้องไปด้วย")
ALTERNATIVE_WORD = "หรือ"  # "…ต้องไปด้วย หรือมีหนังสือยินยอม": another way, so the rule to read
# "ได้" ending these is income, not can.
CAN_WORD = "ได้"
INCOME_WORDS = ("รายได้", "เงินได้")
# The citizen's income and its amount ("รายได้ปีละ 8 หมื่น", "เงินเดือนเดือนละหมื่นห้า", "เงินเดือน 15k") against
# a record's bound on it ("รายได้ไม่เกิน 100,000 บาทต่อปี", "เงินเดือนอย่างเดียวเกิน 120,000 บาทต่อปี").
INCOME_ASKED_WORDS = ("รายได้", "เงินได้", "เงินเดือน", "ได้เงินเดือน")
MONTH_WORDS = ("เงินเดือน",)  # an amount of salary is a month's unless said otherwise
JOINED_PARTS_WORD = "และ"  # parts of a rule about different kinds of income
PER_PERSON_WORD = "ต่อคน"  # a household's income per head
HOUSEHOLD_PATTERN = r"(?:ครอบครัว|บ้าน|ครัวเรือน)\S{0,6}?(\d{1,2})คน"  # "ครอบครัวมี 3 คน", "บ้านเรา 4 คน"
# The salary under which no income tax is paid, as a record states it ("ผู้มีรายได้จากเงินเดือนไม่เกินประมาณ
# 26,000 บาทต่อเดือน (…) จึงไม่ต้องเสียภาษี")
TAX_FREE_PATTERN = r"ไม่เกิน(?:ประมาณ)?\s*(?P<amount>\d{1,3}(?:,\d{3})+)\s*บาทต่อเดือน[^.]{0,120}?ไม่ต้องเสียภาษี"
HOUSEHOLD_WORDS_PATTERN = r"ครอบครัว|ครัวเรือน|ทั้งบ้าน|ในบ้าน"
# the household's count said apart from its name ("…ปีละ 150,000 มี 3 คน"; not "มีลูก 2 คน")
HOUSEHOLD_COUNT_PATTERN = r"(?:มี|อยู่กัน|อยู่ด้วยกัน|สมาชิก|รวม|ทั้งหมด)(\d{1,2})คน"
INCOME_OVER_BOUNDS = ("เกิน", "มากกว่า")  # a bound over which something is a duty; the others are ceilings
MONTHLY_WORDS = ("เดือนละ", "ต่อเดือน", "/เดือน", "ต่อคนต่อเดือน")
YEARLY_WORDS = ("ปีละ", "ต่อปี", "/ปี", "ทั้งปี", "ต่อคนต่อปี")
WHOLE_YEAR_WORD = "ทั้งปี"  # a year's amount, except after a salary ("เงินเดือน 15,000 ทั้งปี": each month)
NUMBER_UNIT_WORDS = {"พัน": 1_000, "หมื่น": 10_000, "แสน": 100_000, "ล้าน": 1_000_000}
NUMBER_WORDS = {
    "หนึ่ง": 1, "นึง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9,
}  # fmt: skip
INCOME_LIMIT_PATTERN = (
    r"(?P<bound>ไม่เกิน|ไม่ถึง|ต่ำกว่า|น้อยกว่า|เกิน|มากกว่า)\s*(?P<amount>\d+(?:,\d{3})*)\s*บาท"
    r"(?P<period>(?:ต่อคน)?(?:ต่อปี|ต่อเดือน))?"
)
# Online notes: a step done in person; "ด้วยตนเองผ่านแอป" (by oneself, online) is not one; a note that
# says further on there is no online channel ("ไม่มีการจดทะเบียนสมรสออนไลน์").
IN_PERSON_WORDS = ("ด้วยตนเอง", "ต้องไป", "ไปแสดงตน", "ไปถ่ายรูป")
# "ต้องไปเองไหม", "ยื่นด้วยตัวเองรึป่าว": whether the citizen must go themselves ("ต้องไปทำบัตรเอง
# ก่อนไหม", "ต้องลงทะเบียนเองไหม หรือได้เลย" ask whether to do it at all). A record clause says so
# with ด้วยตนเอง ("ต้องไปด้วยตนเองเพื่อถ่ายรูป"), unless it is the case of not going ("กรณีไม่ไป
# ด้วยตนเอง") or done by oneself online.
IN_PERSON_ASKED_PATTERN = (
    r"(?:(ไป|ยื่น|แจ้ง|มา)(ด้วยตัว|ด้วยตน)?เอง|(ไป|ยื่น|แจ้ง|มา|ทำ|ลง|สมัคร|ติดต่อ)\S{0,12}?ด้วยต(ั)?(ว|น)เอง"
    r"|ไป(ที่)?(สำนักงาน|อำเภอ|เขต|ขนส่ง|ที่ว่าการ)\S{0,12}?เอง)"  # "ต้องไปสำนักงานที่ดินเองมั้ย"
    r"(?!ออนไลน์|ทาง|ผ่าน|ในแอป|ในเว็บ)"
)
# A duration the citizen gives ("หมดอายุ3เดือน", "ขาดต่อ 2 ปี") and the record's graded rule on it
# ("หมดอายุไม่เกิน 1 ปี อบรมแล้วต่อได้ เกิน 1 ปีต้องสอบข้อเขียน"): days in each unit, the comparison of
# each bound, number words.
DURATION_UNIT_DAYS = {"วัน": 1, "สัปดาห์": 7, "อาทิตย์": 7, "เดือน": 30, "ปี": 365}
DURATION_NUMBER_WORDS = {
    "ครึ่ง": 0.5, "หนึ่ง": 1, "นึง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5,
    "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9, "สิบ": 10,
}  # fmt: skip
# said as a duration, not asked about ("ภายใน 15 วัน", "ก่อน 3 เดือน" state a rule)
DURATION_NOT_SAID_BEFORE = ("ภายใน", "ก่อน")
# …nor is a kind of card or book ("ใบขับขี่ 5 ปีหมดอายุเมื่อวาน", "เล่ม 10 ปี"); a time just gone by is a day.
DURATION_KIND_BEFORE = ("ใบขับขี่", "เล่ม", "บัตร", "ชนิด", "แบบ", "ประเภท")
JUST_GONE_BY_WORDS = ("เมื่อวาน", "เมื่อเช้า", "วันนี้", "เมื่อกี้")
# What opens a condition before a bound, and words that name no subject of their own ("รถยนต์อายุ…").
CONDITION_LEADS = ("หาก", "ถ้า", "กรณี", "และ", "หรือ", "แต่")
# A record's condition ("ถ้าไม่สะดวกกลับไปบ้านเดิม", "หากหมดอายุเกิน 1 ปี") is no statement alone: it stays
# with the clause after it. One that leaves the asked thing out and still allows ("ถ้าไม่สะดวกกลับไปบ้านเดิม
# ใช้วิธีย้ายปลายทาง…แทนได้") answers a must-question ไม่ต้องค่ะ.
CONDITION_OPENING_WORDS = ("ถ้า", "หาก", "กรณี")
OTHERWISE_ALLOWED_PATTERN = r"^(?:ถ้า|หาก|กรณี)ไม่\S+\s.*(?<!ไม่)ได้$"
# The house registration's เจ้าบ้าน is who citizens call the owner of the house (เจ้าของบ้าน).
HOUSE_MASTER_WORDS = ("เจ้าบ้าน", "เจ้าของบ้าน")
# Where a Thai syllable may start: a consonant or a leading vowel ("ส่ง" in "จัดส่ง", "ไปรษณีย์").
SYLLABLE_START_PATTERN = r"[ก-ฮเแโใไ]"
JOINED_LEADS = ("และ", "หรือ")
GENERIC_SUBJECT_WORDS = ("อายุ", "มี", "เป็น", "ที่")
# The record's word for what citizens name in everyday words ("รถเก๋งอายุ 9 ปี" on a rule for รถยนต์).
SUBJECT_WORDS = {
    "รถยนต์": ("รถเก๋ง", "รถกระบะ", "รถปิคอัพ", "รถตู้", "รถเก๋ง", "รถส่วนตัว"),
    "รถจักรยานยนต์": ("มอไซค์", "มอเตอร์ไซค์", "มอเตอร์ไซด์", "มอไซ", "จยย", "รถเครื่อง"),
}
# the longest first: "ไม่เกิน" before "เกิน"
DURATION_BOUNDS = (
    ("ไม่เกิน", "<="), ("ไม่ถึง", "<"), ("น้อยกว่า", "<"), ("เกินกว่า", ">"),
    ("มากกว่า", ">"), ("เกิน", ">"), ("ตั้งแต่", ">="),
)  # fmt: skip
# "ต้องไปลงทะเบียนเองไหม แม่เดินไม่ไหว": เอง with not being able to go asks about going in person
UNABLE_TO_GO_WORDS = ("ไม่ไหว", "เดินไม่ได้", "เดินไม่สะดวก", "ติดเตียง", "ไปไม่ได้", "ไม่สะดวกไป", "ไม่ว่างไป")
SELF_WORD = "เอง"
# A fee FAQ speaks of money; another FAQ is no answer to "ค่าทำบัตรเท่าไร" (the fees are).
MONEY_WORDS = ("บาท", "ค่าธรรมเนียม", "ฟรี", "ไม่เสีย", "ค่าใช้จ่าย", "ร้อยละ")
HOW_MUCH_WORDS = ("เท่าไร", "เท่าไหร่", "กี่บาท", "ราคา", "ค่าธรรมเนียม", "ค่าทำ", "ค่าใช้จ่าย")
# A percentage as citizens type it ("กี่เปอร์เซ็นต์", "กี่เปอเซ็น", "กี่เปอร์", "กี่ %", "ร้อยละเท่าไหร่"):
# a percent word beside a how-many word asks the record's figure in percent.
PERCENT_WORD_PATTERN = r"เปอร?์?(?:เซ็?นต?์?)?|%|ร้อยละ|percent"
PERCENT_ASKED_PATTERN = (
    rf"(?:กี่|เท่าไ)\S{{0,3}}?(?:{PERCENT_WORD_PATTERN})|(?:{PERCENT_WORD_PATTERN})\S{{0,3}}?(?:กี่|เท่าไ)"
)
# How, how much, how many, what: a question no yes or no answers ("ได้เดือนละเท่าไหร่", "ต้องทำยังไง").
OPEN_QUESTION_PATTERN = r"เท่าไ|กี่|ยังไง|อย่างไร|ทำไง|แบบไหน|อะไร|อะไง"
IN_PERSON_CLAUSE_WORD = "ด้วยตนเอง"
NOT_IN_PERSON_WORDS = ("ไม่ไปด้วยตนเอง", "ไม่ได้ไปด้วยตนเอง", "ไม่สามารถไปด้วยตนเอง")
# A power of attorney or a named proxy in the record ("หนังสือมอบอำนาจ กรณีให้ผู้อื่นยื่นแทน").
PROXY_RECORD_WORDS = ("มอบอำนาจ", "มอบหมาย", "แทน")
NOT_PROXY_WORDS = ("ทดแทน", "ผู้แทนโดยชอบธรรม")
# "ขอถามเรื่องเกณฑ์ทหารแทน": asking about another topic instead, not someone going instead
TOPIC_INSTEAD_PATTERN = r"((?:ถาม|คุย)\S{0,25}?)แทน"
# "ให้ลูกไปต่อแทนที่ขนส่งได้ไหม": someone going instead, to an office - not the word แทนที่ (in place of)
PROXY_AT_PLACE_PATTERN = (
    r"แทน(?=ที่(?:ขนส่ง|อำเภอ|เขต|สำนักงาน|ธนาคาร|ไปรษณีย์|โรงพยาบาล|รพ|ว่าการ|เทศบาล|อบต|กรม|ศูนย์))"
)
BY_ONESELF_ONLINE = ("ด้วยตนเองผ่าน", "ด้วยตนเองทาง")
NONE_ONLINE_PATTERN = r"(ไม่มี|ไม่สามารถ)(การ|ช่องทาง)?\S{0,30}ออนไลน์"
# The Thai words of the knowledge base's amounts in English (longest first): fees have no English field.
AMOUNT_WORDS_EN = (
    ("ไม่มีค่าธรรมเนียม", "free"),
    ("ไม่มีค่าใช้จ่ายในบริการที่อยู่ในสิทธิ", "free for covered services"),
    ("ไม่มีค่าใช้จ่าย", "free"),
    ("ต่อเดือนต่อเด็กหนึ่งคน", " a month per child"),
    ("ต่อเดือน", " a month"),
    ("ต่อปี", " a year"),
    ("ต่อทุน", " per capital of"),
    ("ตามรายได้", "depending on income"),
    ("ไม่เกิน", "up to "),
    ("ขั้นต่ำ", "minimum "),
    ("สูงสุด", "maximum "),
    ("ร้อยละ", "percent "),
    ("บาท", " baht"),
)
PERCENT_PATTERN = r"ร้อยละ\s*(\d+(?:\.\d+)?)"  # "ร้อยละ 0.5" in an amount, for English
# Paying the tax itself, not a fee and not filing the return ("เงินเดือน 20000 ต้องเสียภาษีไหม"): the
# filing threshold does not answer it, nor does the filing's free fee.
PAY_TAX_WORDS = ("เสียภาษี", "จ่ายภาษี", "โดนภาษี", "โดนเก็บภาษี", "เสียภาษีเงินได้")
# An amount in baht in a squashed question ("เล่ม5ปี1000บาทใช่มั้ยคะ"): the figure, for a fee to confirm;
# a plain amount in baht in a fee line, not a percentage ("ร้อยละ 2 ของราคาประเมิน").
MONEY_SAID_PATTERN = r"(\d+)บาท"
BAHT_WORD = "บาท"
# What each fee or benefit of the knowledge base is for, in English, by its Thai label (the record's fee
# labels are Thai only): "application form: 5 baht". A label not listed is shown in Thai beside its amount.
FEE_LABELS_EN: dict[str, str] = {
    "ค่าคำขอ": "application form",
    "ใบขับขี่รถยนต์ส่วนบุคคล 5 ปี": "5-year private car licence",
    "ใบขับขี่รถจักรยานยนต์ส่วนบุคคล 5 ปี": "5-year private motorcycle licence",
    "ใบขับขี่รถยนต์ชั่วคราว": "temporary car licence",
    "ใบขับขี่รถจักรยานยนต์ชั่วคราว": "temporary motorcycle licence",
    "หนังสือเดินทางอายุ 5 ปี": "5-year passport",
    "หนังสือเดินทางอายุ 10 ปี (ผู้อายุ 20 ปีขึ้นไปหรือสมรสแล้ว)": "10-year passport (aged 20 or over, or married)",
    "ค่าจัดส่งทางไปรษณีย์ (ถ้าเลือก)": "delivery by post (if chosen)",
    "ค่าธรรมเนียมตรวจสอบประวัติ": "background check",
    "ค่าธรรมเนียมออกบัตรใหม่ (หายหรือชำรุด)": "new card (lost or damaged)",
    "ค่าปรับกรณีไม่ยื่นภายใน 60 วัน": "fine if not applied for within 60 days",
    "ค่าปรับกรณีไม่ไปทำภายใน 60 วัน": "fine if not applied for within 60 days",
    "ค่าปรับกรณียื่นเกิน 60 วันหลังบัตรหมดอายุ": "fine if applied for over 60 days after expiry",
    "ทำบัตรครั้งแรกภายในกำหนด": "first card, on time",
    "เปลี่ยนบัตรเพราะบัตรหมดอายุ": "replacing an expired card",
    "แจ้งเกิดภายใน 15 วัน": "registering the birth within 15 days",
    "ค่าปรับแจ้งเกิดเกินกำหนด": "fine for late registration",
    "แจ้งตายภายในกำหนด": "reporting on time",
    "ค่าปรับแจ้งเกินกำหนด": "fine for late reporting",
    "ค่าปรับแจ้งเกิน 15 วัน": "fine if reported after 15 days",
    "แจ้งย้ายเข้าตามปกติ": "moving in, the usual way",
    "แจ้งย้ายปลายทาง": "moving in at the new district's office",
    "แจ้งย้ายออก": "moving out",
    "ลงทะเบียน": "registration",
    "จดทะเบียนตั้งใหม่": "new registration",
    "จดทะเบียนเปลี่ยนแปลงรายการ": "change of details",
    "จดทะเบียนเลิกประกอบพาณิชยกิจ": "closing the business",
    "จดทะเบียนหนังสือบริคณห์สนธิ": "memorandum of association",
    "จดทะเบียนบริษัท": "company registration",
    "ใบอนุญาตทำงานไม่เกิน 3 เดือน": "work permit up to 3 months",
    "ใบอนุญาตทำงาน 3-6 เดือน": "work permit 3-6 months",
    "ใบอนุญาตทำงาน 6 เดือน-1 ปี": "work permit 6 months-1 year",
    "เปลี่ยนชื่อตัว": "changing a first name",
    "ขอตั้งชื่อสกุลใหม่": "a new surname",
    "ทำบัตรประชาชนใหม่หลังเปลี่ยนชื่อ": "new ID card after the change",
    "จดทะเบียนในสำนักทะเบียน": "at the registry office",
    "จดทะเบียนนอกสำนักทะเบียน": "outside the registry office",
    "จดทะเบียนหย่าในสำนักทะเบียน": "at the registry office",
    "ค่าธรรมเนียมการโอน (ซื้อขาย)": "transfer fee (sale)",
    "ภาษีธุรกิจเฉพาะ (ถือครองไม่ถึง 5 ปี)": "specific business tax (held under 5 years)",
    "อากรแสตมป์ (กรณีไม่เสียภาษีธุรกิจเฉพาะ)": "stamp duty (when no specific business tax is due)",
    "เงินเพิ่มกรณีชำระภาษีล่าช้า": "surcharge for paying late",
    "เงินเพิ่มกรณีชำระล่าช้า": "surcharge for paying late",
    "อัตราดอกเบี้ย": "interest",
    "ยื่นกู้": "applying",
    "ยื่นแบบ": "filing",
    "ขึ้นทะเบียนและยื่นขอรับเงิน": "registering and claiming",
    "ลงทะเบียนและเปลี่ยนหน่วยบริการ": "registering or changing your provider",
    "ค่ารักษาที่หน่วยบริการตามสิทธิ": "treatment at your registered provider",
    "ลงบัญชีทหารกองเกินและตรวจเลือก": "registration and selection",
    "ขึ้นทะเบียนและปรับปรุงข้อมูล": "registering and updating",
    "เงินอุดหนุน": "grant",
    "เบี้ยความพิการ อายุ 18 ปีขึ้นไป": "aged 18 or over",
    "เบี้ยความพิการ อายุต่ำกว่า 18 ปี": "under 18",
    "เงินทดแทนกรณีถูกเลิกจ้าง": "laid off",
    "เงินทดแทนกรณีลาออกหรือสัญญาจ้างสิ้นสุด": "resigned or contract ended",
    "วงเงินซื้อสินค้าจำเป็น": "credit for essential goods",
}
AGE_LABEL_PATTERN = r"^อายุ\s*(\d+)\s*(?:-\s*(\d+))?\s*ปี(ขึ้นไป)?$"
EARLIER_COMPLAINT_PATTERN = r"(แจ้ง|ร้องเรียน).{0,20}ไป(นานแล้ว|หลายรอบ|หลายครั้ง|สามรอบ|สองรอบ).{0,6}ไม่"
# …or told as reported-then-nothing: a report verb with ไป/ไว้ and a while ("แจ้งไปตั้งนานแล้ว",
# "แจ้งไฟดับไปเป็นเดือน"), then that nothing came ("ทำไมยังไม่มาซ่อม", "ยังไม่มีใครมา"). Both halves:
# "ไฟดับมาตั้งนานแล้ว" alone is a new complaint about something long broken.
EARLIER_REPORTED_PATTERN = (
    r"(แจ้ง|ร้องเรียน|ร้องทุกข์|โทรบอก)(?!เตือน).{0,25}?(ไป|ไว้)"
    r"(แล้ว|ตั้ง|นาน|หลาย|เป็น|สอง|สาม|ตั้งแต่|เมื่อ|กี่|ก็|เดือน|อาทิตย์|สัปดาห์|ปี|\d)"
)
# …or the wait itself told after it ("แจ้งไฟดับไปตั้งนาน"), unless the report is this message's own:
# a lead before the verb ("ขอแจ้ง…", "อยากแจ้ง…") or "แจ้งว่า" ("อยากแจ้งว่าไฟดับไปนานแล้ว").
EARLIER_WAIT_CUES = ("ตั้งนาน", "นานแล้ว", "นานมาก")
REPORT_NOW_LEADS = ("ขอ", "อยาก", "จะ", "ต้องการ")
REPORT_NOW_WORDS = ("แจ้งว่า", "ร้องเรียนว่า")
# A report told as made some time ago, right after a case look-up ("แจ้งเรื่องไฟถนนดับ ประมาณอาทิตย์ที่แล้ว"):
# the verb, then a past time that is not a "since" ("ดับตั้งแต่อาทิตย์ที่แล้ว": broken since then).
REPORT_VERB_PATTERN = r"(แจ้ง|ร้องเรียน|ร้องทุกข์)"
PAST_TIME_WORDS = ("ที่แล้ว", "เมื่อวาน", "วันก่อน", "ก่อนหน้านี้", "เมื่อต้น", "เมื่อกลาง", "เมื่อปลาย")
SINCE_WORD = "ตั้งแต่"
EARLIER_NOTHING_CUES = (
    "ยังไม่",
    "ทำไมยัง",
    "ไม่มีใคร",
    "ไม่เห็นมี",
    "ไม่เห็นใคร",
    "ไม่ซ่อม",
    "ไม่มาซ่อม",
    "ไม่มาเก็บ",
    "ไม่มาดู",
    "เงียบ",
    "ไม่คืบหน้า",
    "ไม่ทำอะไร",
    "ไม่มีอะไร",
    "ไม่มีการ",
    "เหมือนเดิม",
    "ไม่ได้รับการแก้",
    "ไม่ขยับ",
    "ไม่เดิน",
    "ไม่เคย",
    "ไม่มีคน",
    "ไม่มา",
    "ไม่ติดต่อ",
    "ไม่ตอบ",
    "ไม่แก้",
    # English, after EARLIER_REPORTED_PATTERN_EN
    "nobody",
    "noone",
    "nothing",
    "never",
    "still",
    "notyet",
    "noreply",
    "noresponse",
    "hasn't",
    "haven't",
    "hasnot",
    "havenot",
    "notfixed",
)
# The reported-earlier half in English, on the lower-cased text without spaces ("I reported a broken
# pipe two weeks ago … nobody has come").
EARLIER_REPORTED_PATTERN_EN = (
    r"(?:i|we)(?:'ve|have|had)?(?:already)?(?:reported|complained|filed|called)"
    r"|(?:already|was|been)(?:reported|complained|filed)"
    r"|(?:reported|complained|filed).{0,40}ago"
)
CONSENT_YES_PREFIX = "ยินยอม"
CONSENT_NO_PREFIX = "ไม่ยินยอม"
# The consent question in the citizen's own words ("ไม่ต้องติดต่อกลับ", "ติดต่อกลับได้ค่ะ"): read
# from the start of the reply, refusals first ("ไม่ต้องแจ้ง…" also starts like a yes would not).
CONSENT_NO_OPENINGS = (
    "ไม่ต้องติดต่อ",
    "ไม่ต้องแจ้ง",
    "ไม่ต้องส่ง",
    "ไม่ต้องโทร",
    "ไม่ต้องบอก",
    "ไม่ต้องตอบกลับ",
    "ไม่ให้ติดต่อ",
    "ไม่อยากให้ติดต่อ",
    "ไม่ประสงค์ให้ติดต่อ",
    "ไม่ประสงค์ให้แจ้ง",
    "ไม่ต้องการให้ติดต่อ",
    "ไม่สะดวกให้ติดต่อ",
    "noneed",
    "don'tcontact",
    "dontcontact",
    "donotcontact",
)
CONSENT_YES_OPENINGS = (
    "ติดต่อกลับได้",
    "โทรกลับได้",
    "โทรมาได้",
    "โทรได้",
    "โทรหาได้",
    "ติดต่อได้",
    "ติดต่อมาได้",
    "แจ้งได้",
    "แจ้งมาได้",
    "แจ้งกลับได้",
    "ส่งมาได้",
    "ได้เลย",
    "ได้ค่ะ",
    "ได้ครับ",
    "ยินดี",
    "youcancontact",
    "pleasecontact",
    "contactme",
)
# Said before the consent answer ("โอเค ให้ติดต่อได้", "อืม ยินยอมค่ะ"): taken off its front first.
# English consent in words: a contact word ("Yes, you can contact me", "ok to contact me", "Please
# call me") is a yes, with a negation ("don't contact me", "no calls please") a no.
CONSENT_CONTACT_WORDS_EN = frozenset(
    {"contact", "contacted", "call", "calls", "update", "updates", "consent"}
)
CONSENT_NEGATIONS_EN = frozenset({"no", "not", "don't", "dont", "never", "without"})
CONSENT_LEAD_WORDS = ("โอเค", "okay", "ok", "อืม", "อ่า", "เอ่อ", "งั้น", "ค่ะ", "ครับ", "ให้")
# "ติดต่อ 0812345678", "เบอร์ 08… โทรมาได้": a way to reach the citizen given at the consent question is
# a yes (updates go to this channel; the number itself is never kept).
CONSENT_CONTACT_WORDS = ("ติดต่อ", "โทร", "เบอร์", "call", "contact")
# One message often carries several steps' answers ("ซ.ลาดพร้าว 71 ไม่มีรูปนะ ติดต่อกลับได้ค่ะ"):
# actions/complaint_fields.py takes each clause out by how it opens. Consent there needs a contact word
# in its first word (a bare "ได้ค่ะ" inside a story is no consent) and, without a fixed opening, ได้ and
# no ไม่ ("ติดต่อทางนี้ได้").
CONSENT_CLAUSE_WORDS = ("ติดต่อ", "โทร", "ยินยอม", "แจ้งกลับ", "แจ้งความคืบหน้า", "ตอบกลับ", "contact", "call")
CONSENT_CLAUSE_CAN = "ได้"
# Anonymity told (not asked) at a clause's start ("ขอไม่ระบุตัวตนนะคะ", "ไม่ประสงค์ออกนาม").
ANONYMOUS_STATEMENT_CUES = (
    "ไม่บอกชื่อ", "ไม่ระบุชื่อ", "ไม่ใส่ชื่อ", "ไม่เปิดเผยชื่อ", "ไม่เปิดเผยตัว", "ไม่ประสงค์ออกนาม", "ไม่ออกนาม",
    "ไม่ระบุตัวตน", "ไม่ประสงค์เปิดเผย", "ไม่ต้องการเปิดเผย", "ไม่อยากเปิดเผย", "ไม่อยากระบุตัวตน", "นิรนาม", "anonymous",
)  # fmt: skip
# No photo at a clause's start (the bare "ไม่มีค่ะ" / "ข้ามค่ะ" only at the photo step itself).
NO_PHOTO_CLAUSE_OPENINGS = (
    "ไม่มีรูป", "ไม่มีภาพ", "ไม่ได้ถ่าย", "ไม่ได้เก็บรูป", "ไม่สะดวกถ่าย", "ไม่สะดวกส่งรูป", "ถ่ายไม่ได้", "ถ่ายไม่ทัน",
    "ถ่ายไม่ติด", "ถ่ายรูปไม่ได้", "ถ่ายรูปไม่ทัน", "ถ่ายรูปไม่ติด", "รูปไม่มี", "ภาพไม่มี", "nophoto", "nopicture",
)  # fmt: skip
# The reason after "ไม่มีรูป" belongs to it ("ไม่มีรูป ถ่ายตอนกลางคืนไม่ติด"), not to the story.
PHOTO_REASON_WORDS = ("รูป", "ภาพ", "ถ่าย", "เพราะ", "photo")
# Said before such a clause ("แล้วก็ไม่ต้องติดต่อกลับ", "ส่วนรูปไม่มี", "และขอไม่ระบุตัวตน").
CARRIED_CLAUSE_LEADS = ("แล้วก็", "แล้ว", "และ", "ส่วน", "ก็", "ขอ", "อยาก", "ให้", "โอเค", "ok", "and", "also")
# Short words after a clause's first word that still belong to it ("ได้เลย", "ทางนี้", "ที่เบอร์ 08…").
CARRIED_CLAUSE_TAILS = ("ได้", "ทาง", "ที่เบอร์", "เบอร์", "นะ", "ด้วย", "เลย", "ตลอด", "กลับ", "มา")
# Left at the front of what remains once such a clause is taken out ("ไม่มีรูปค่ะ แต่ขยะกอง…" -> "ขยะกอง…").
CARRIED_ANSWER_LEADS = ("แต่", "แล้วก็", "และ", "ส่วน", "but", "and")
# A first message about a complaint already made ("แจ้งไปสามรอบแล้ว ยังไม่มีใครมาทำ") is not a new
# complaint: an apology and the way to the citizen's own cases instead of the category menu.
EARLIER_COMPLAINT_CUES = (
    "แจ้งไปแล้ว",
    "แจ้งไปนาน",
    "แจ้งไปหลาย",
    "แจ้งไปสาม",
    "แจ้งไปสอง",
    "แจ้งไปตั้งแต่",
    "แจ้งไว้แล้ว",
    "ร้องเรียนไป",
    "ร้องเรียนไว้",
    "เรื่องที่แจ้งไป",
    "เรื่องที่แจ้งไว้",
    "ไม่มีความคืบหน้า",
    "ไม่คืบหน้าเลย",
    "แจ้งไปตั้งนาน",
    "แจ้งไปตั้งหลาย",
    "แจ้งไปเป็นเดือน",
    "แจ้งไปเป็นอาทิตย์",
    "แจ้งไปเป็นสัปดาห์",
    "แจ้งมาหลายรอบ",
    "แจ้งมาหลายครั้ง",
    "แจ้งมาตั้งนาน",
)
# The earlier-complaint cues that only point at the report ("ขอติดตามเรื่องที่แจ้งไว้"): no wait or
# nothing-done is told with them, so they are owed no apology on their own.
# Someone other than this service the citizen reported to before ("แจ้งผู้ใหญ่บ้านไปแล้วก็เงียบ"): from an
# account that filed nothing here, the matter told is a new complaint here.
TOLD_ELSEWHERE_WORDS = (
    "ผู้ใหญ่บ้าน", "กำนัน", "ผู้นำชุมชน", "ประธานชุมชน", "นิติบุคคล", "นิติหมู่บ้าน", "โทรแจ้ง", "โทรไปแจ้ง",
    "โทรไปบอก", "สมาชิกสภา", "อสม",
)  # fmt: skip
EARLIER_PLAIN_CUES = ("แจ้งไปแล้ว", "แจ้งไว้แล้ว", "ร้องเรียนไป", "ร้องเรียนไว้", "เรื่องที่แจ้งไป", "เรื่องที่แจ้งไว้")
# "อยากติดตามเรื่องร้องเรียนที่เคยแจ้งไว้": following a case, not filing one; matched in a short message
# that opens the complaint form (or answers its first question), which then hands over to the look-up.
# fmt: off
TRACK_CASE_CUES = (
    "ติดตามเรื่อง", "ติดตามผล", "ติดตามความคืบหน้า", "ตามเรื่องที่", "ตามเรื่องร้องเรียน", "เช็คสถานะ", "เช็กสถานะ",
    "เช็คเรื่องที่", "ดูสถานะ", "สถานะเรื่อง", "ถึงไหนแล้ว",
)
# fmt: on
TRACK_CASE_MAX_CHARS = 60
# "ขอดูเรื่องของฉัน": a matter of the citizen's own, as the case look-up takes it
A_MATTER_WORD = "เรื่อง"
# Words that make a message about a case already filed, whatever else it says: a case question the
# NLU hears right after a service answer is taken as one only with one of these (or a reference).
# fmt: off
CASE_TOPIC_WORDS = (
    "เรื่องที่แจ้ง", "เรื่องที่ร้องเรียน", "ร้องเรียน", "เลขที่เรื่อง", "เลขเรื่อง", "คำร้อง", "สถานะ",
    "ความคืบหน้า", "ติดตาม",
)
# The same in English, matched as whole words ("in case I lose it" is no case; "my case" is).
CASE_TOPIC_PATTERN_EN = r"\b(?:my|the|our) case\b|\bcomplaint\b|\bstatus\b|\breference\b|\bprogress\b"
# fmt: on
# Cancel phrases that may come with other words ("เปลี่ยนใจ ไม่แจ้งแล้วค่ะ ขอบคุณ").
# A complaint about an officer ("จะแจ้งเรื่องเจ้าหน้าที่ค่ะ", "ร้องเรียนพฤติกรรมของ จนท."), which the NLU
# may read as asking for one: the complaint form, not a handover. Matched on the text without spaces;
# "แจ้งเรื่องกับเจ้าหน้าที่" (to an officer) has กับ between and is not one.
STAFF_COMPLAINT_PATTERN = (
    r"(ร้องเรียน|แจ้งเรื่อง|ฟ้อง)(เรื่อง)?(เกี่ยวกับ)?(การ(ให้)?บริการของ|พฤติกรรม(ของ)?)?(เจ้าหน้าที่|จนท)"
    r"|complain(t)?about(the|an|a)?(staff|officer|official)"
)
CANCEL_PREFIX = "ยกเลิก"  # a short message starting so ("ยกเลิกดีกว่า") cancels too
# English cancel words, read with one slip too ("cancle", "cansel", "cancl"), except the English words
# that are one letter from them.
EN_CANCEL_WORDS = ("cancel",)
EN_NEAR_CANCEL_WORDS = frozenset({"cancer", "chancel"})
# …but not one about something else: "ยกเลิกการแจ้งเตือน" is about notices, not this complaint.
CANCEL_OTHER_THINGS = ("แจ้งเตือน", "สมัคร", "บัตร", "ใบอนุญาต")
COMPLAINT_CANCEL_PHRASES = (
    "ไม่แจ้งแล้ว",
    "ไม่แจ้งละ",
    "ไม่ร้องเรียนแล้ว",
    "ยกเลิกการแจ้ง",
    "ยกเลิกเรื่องนี้",
    "ไม่เอาแล้ว",
    "ไม่เอาละ",
    "ยกเลิกดีกว่า",
)
# A short message that ends in ยกเลิก ("อ้าว ไฟติดแล้ว ยกเลิกค่ะ", "ไม่เอาละ ยกเลิก") cancels too.
CANCEL_SUFFIX = "ยกเลิก"
# A message of any length that opens with a change of mind ("เอ่อ ยกเลิกก่อนดีกว่า เดี๋ยวไปคุยเอง",
# "ไม่เอาแล้วค่ะ เปลี่ยนใจ …"): what follows is the reason, never a story or a place. Not a bare
# ยกเลิก + anything ("ยกเลิกรอบเก็บขยะมาสองอาทิตย์" is a story); hesitation words before it are skipped.
# fmt: off
CANCEL_OPENINGS = (
    "ยกเลิกก่อน", "ยกเลิกดีกว่า", "ยกเลิกเลย", "ยกเลิกเถอะ", "ยกเลิกเรื่องนี้", "ยกเลิกการแจ้ง", "ยกเลิกค่ะ",
    "ยกเลิกครับ", "ไม่เอาแล้ว", "ไม่เอาละ", "ไม่แจ้งแล้ว", "ไม่แจ้งละ", "ไม่ร้องเรียนแล้ว", "เปลี่ยนใจไม่",
    "เปลี่ยนใจแล้ว", "ไม่ต้องส่งเรื่อง", "ยกเลิกไว้ก่อน",
)
# What may follow ยกเลิก in a clause that cancels ("ยกเลิกไปก่อน", "ยกเลิกไว้ก่อนละกัน"): time and
# softening words only; anything else after it ("ยกเลิกสัญญา") is a topic, not a change of mind.
CANCEL_SOFTENERS = (
    "ไป", "ไว้", "ก่อน", "เลย", "ดีกว่า", "เถอะ", "แล้ว", "ละ", "กัน", "ก็ได้", "ได้", "นะ", "เนอะ",
)
CANCEL_LEAD_WORDS = (
    "เอ่อ", "เออ", "อืม", "อ่า", "อ่ะ", "งั้น", "คือ", "โอเค", "ขอโทษ", "แต่", "ค่ะ", "ครับ", "นะคะ", "นะ",
)
# fmt: on
# Polite endings taken off a short answer before it is compared with the words here.
# …with the regional and young ones ("ยืนยันเจ้า" in the north, "เด้อ" in Isan, "ครับผม", "ฮะ").
POLITE_ENDINGS = (
    "นะคะ",
    "นะครับ",
    "ครับผม",
    "ค่ะ",
    "คะ",
    "ครับ",
    "คร้าบ",
    "คับ",
    "จ้ะ",
    "จ้า",
    "นะ",
    "จ้",
    "เจ้า",
    "เด้อ",
    "เน้อ",
    "ฮะ",
)
BARE_NO_WORDS = frozenset({"ไม่", "ไม่ค่ะ", "ไม่ครับ", "ไม่ใช่", "no", "ไม่เอา"})
YES_WORDS = frozenset(
    {"ใช่", "ใช่ค่ะ", "ใช่ครับ", "ใช่แล้ว", "ถูก", "ถูกต้อง", "ถูกแล้ว", "ถูกต้องแล้ว", "ครับ", "ค่ะ", "yes", "ok", "โอเค"}
)
# The button under the mid-form answer to "I want a person": typed back, it leaves the form.
# The first button when the category was read from the first message: one tap confirms it.
YES_BUTTON = Button("ใช่", "/affirm")
# The one confirmation before a person (actions/handover.py) and the out-of-hours call-back offer.
HANDOVER_YES_NO = (YES_BUTTON, Button("ไม่ใช่", "/deny"))
CALLBACK_OFFER_BUTTONS = (Button("ให้โทรกลับ", "/affirm"), Button("ไม่เป็นไร", "/deny"))
# Asking for a person by asking to be called ("ให้เจ้าหน้าที่โทรกลับ", "ขอให้โทรกลับ" as the queue's
# no-one-free notice suggests): the call-back form at once, without the confirmation (actions/handover.py).
CALLBACK_WORDS = ("โทรกลับ", "ติดต่อกลับ", "โทรหา", "callback", "call back", "call me")
HANDOVER_NOW_LABEL = "คุยกับเจ้าหน้าที่เลย"
HANDOVER_NOW_BUTTON = Button(HANDOVER_NOW_LABEL, HANDOVER_NOW_LABEL)
# --- feedback on a service answer (actions/feedback.py, issue 13) ------------------------------------
# One tap under each service answer on LINE (quick replies) and web chat; never offered on SMS, where
# the citizen types it ("ไม่ตรงคำถาม"). The intents are what the analytics count as bot satisfaction.
FEEDBACK_BUTTONS = (Button("👍 ตรงคำถาม", "/feedback_positive"), Button("👎 ไม่ตรง", "/feedback_negative"))
# After 👎: ask again in other words (the "which service" question, the wrong service forgotten) or a person.
# What a typed 👎 says about the answer itself; what is left without them (and the small-talk words)
# is a new question ("ไม่ตรงค่ะ หมายถึงย้ายออก"), which the service action answers after the apology.
# fmt: off
FEEDBACK_WORDS = (
    "ไม่ตรงกับที่ถาม", "ไม่ตรงคำถาม", "ไม่ตรงประเด็น", "ไม่ใช่ที่ถาม", "ไม่ใช่คำตอบ", "ไม่ได้ถามเรื่องนี้",
    "ตอบไม่ตรง", "ตอบผิด", "ผิดเรื่อง", "ไม่ค่อยตรง", "ไม่ตรง", "ไม่ช่วย", "ไม่เกี่ยว", "ตรงคำถาม", "ได้คำตอบ",
    "สักเท่าไหร่", "สักเท่าไร", "เท่าไหร่", "เท่าไร", "ไม่ค่อย", "อีกแล้ว", "หรอก", "ซะที", "นัก",
    "คำตอบ", "คำถาม", "ที่ถาม", "ถาม", "ตอบ", "เรื่องนี้", "ผิด", "ตรง", "เลย", "อ่ะ", "อะ", "จ้ะ", "ค่า", "น้า",
)
# fmt: on
# An anonymity question at the place step about the address ("ขอไม่บอกที่อยู่ได้ไหม"): told that the
# place asked is where it happened, not their home; about their name only, the anonymity answer alone.
ADDRESS_WORRY_WORDS = ("ที่อยู่", "บ้าน", "สถานที่", "ตำแหน่ง", "พิกัด", "ที่ไหน")
# "ใช่ค่ะ เรื่องเสียงดัง": the words before a category named back to confirm it.
CATEGORY_NAMING_LEADS = ("เรื่อง", "หมวด")
# The neighbours named in an anonymity question ("กลัวข้างบ้านรู้ว่าใครแจ้ง"): no worry about an address.
NEIGHBOUR_WORDS = ("ข้างบ้าน", "เพื่อนบ้าน", "บ้านข้างๆ", "บ้านข้าง", "บ้านตรงข้าม", "บ้านใกล้", "คนแถวบ้าน")
ANONYMOUS_WORDS = frozenset({ANONYMOUS_LABEL, "ไม่ประสงค์ออกนาม", "ไม่ออกนาม", "ไม่บอกชื่อ", "anonymous"})
# "แก้ไขหัวข้อไหนคะ": button label -> the field it reopens (words found in a typed answer too).
COMPLAINT_EDIT_FIELDS: dict[str, str] = {
    "หมวด": "complaint_category",
    "รายละเอียด": "complaint_description",
    "สถานที่": "complaint_location",
    "รูป": "complaint_photo",
    "การแจ้งความคืบหน้า": "contact_consent",
    "ไม่แก้แล้ว": "",
}
COMPLAINT_EDIT_WORDS: dict[str, str] = {
    "ประเภท": "complaint_category",
    "เรื่อง": "complaint_description",
    "ที่อยู่": "complaint_location",
    "ตำแหน่ง": "complaint_location",
    "ที่เกิด": "complaint_location",
    "ที่เกิดเหตุ": "complaint_location",
    "จุดเกิดเหตุ": "complaint_location",
    "คำอธิบาย": "complaint_description",
    "ภาพ": "complaint_photo",
    "ความคืบหน้า": "contact_consent",
    "ยินยอม": "contact_consent",
    "ตัวตน": "contact_consent",
    "ไม่แก้": "",
}
# At the summary, a typed change that names its field ("แก้ที่อยู่หน่อย พิมพ์ผิด เป็นซอย 101/2",
# "ขอแก้รายละเอียด"): one of these verbs and a field word; the new value, when given, follows a marker.
COMPLAINT_EDIT_VERBS = ("แก้", "เปลี่ยน", "ผิด")
# "ขอแก้ไขหน่อยค่ะ", "อยากแก้ข้อมูล": a change asked for with no field named (which one is asked next).
EDIT_REQUEST_WORDS = ("แก้ไข", "แก้", "edit", "change")
EDIT_REQUEST_LEADS = ("ขอ", "อยาก", "ต้องการ", "รบกวน", "iwantto", "ineedto", "cani")
EDIT_REQUEST_TAILS = ("หน่อย", "ด้วย", "นะ", "ได้ไหม", "ได้มั้ย", "ข้อมูล", "something")
# Taken off the front of the value with the markers ("หน่อย พิมพ์ผิด เป็น…").
# fmt: off
COMPLAINT_EDIT_FILLERS = (
    "ขอแก้ไข", "ขอแก้", "แก้ไข", "ขอเปลี่ยน", "เปลี่ยน", "ใหม่", "หน่อย", "ด้วย", "พิมพ์ผิด", "ผิด", "ว่า",
    "ให้", "นิดนึง", "นิดหน่อย", ",",
)
# fmt: on
# Before the summary, a change typed at a later step counts only when the message opens as one
# ("ขอแก้ที่อยู่ค่ะ …", or a field word then ผิด: "ที่อยู่ผิดค่ะ เป็น…"); a story may say แก้ anywhere.
EDIT_OPENINGS = ("ขอแก้", "แก้", "อยากแก้", "ขอเปลี่ยน", "เปลี่ยน", "อยากเปลี่ยน")
EDIT_BETWEEN_WORDS = ("ไข", "ข้อมูล", "ตรง", "ส่วน")
EDIT_WRONG_WORD = "ผิด"
# A field word that names the story only when no other field word is in the message ("แก้เรื่องที่อยู่").
COMPLAINT_EDIT_LOOSE_WORD = "เรื่อง"
COMPLAINT_EDIT_VALUE_MARKERS = ("เปลี่ยนเป็น", "แก้เป็น", "ที่ถูกคือ", "ที่ถูกเป็น", "ใหม่เป็น", "ใหม่คือ", "เป็น", ":")
# "จะรู้ไหมว่าใครแจ้ง", "will they know who reported it": whether the one complained about learns who.
WHO_REPORTED_CUES = (
    "ว่าใครแจ้ง",
    "รู้ไหมว่าใคร",
    "รู้มั้ยว่าใคร",
    "whoreported",
    "whocomplained",
    "knowitwasme",
    "knowitsme",
)
# Words a citizen uses to ask a question aside in the middle of the form (kind -> cues). "anonymous"
# cues are enough on their own ("กลัวเขารู้"); the others count only in a question ("…กี่วันคะ").
# A typed answer that reads as a place ("ซอยลาดพร้าว 101 แยก 3", "ที่ว่าการอำเภอเมือง…"): it starts
# with one of PLACE_OPENINGS (after an optional PLACE_LEADS) or names an address part anywhere
# (PLACE_PARTS), and says nothing of a problem — no category cue other than a place word itself
# (ถนน) and none of PROBLEM_WORDS. Kept as the place wherever it is typed, never refused.
PLACE_LEADS = ("เกิดขึ้นที่", "เกิดที่", "อยู่ที่", "อยู่แถว", "ที่")
# fmt: off
PLACE_OPENINGS = (
    "ซอย", "ซ.", "ถนน", "ถ.", "หมู่บ้าน", "หมู่", "ม.", "ตำบล", "ต.", "อำเภอ", "อ.", "เขต", "แขวง",
    "จังหวัด", "จ.", "ที่ว่าการ", "ว่าการ", "ปากซอย", "ปากทาง", "แยก", "สี่แยก", "สามแยก", "ตลาด", "วัด",
    "โรงเรียน", "โรงพยาบาล", "รพ.", "สำนักงาน", "ศาลา", "บ้านเลขที่", "เลขที่", "ชุมชน", "อาคาร",
    "คอนโด", "หอพัก", "ป้ายรถเมล์", "สถานี", "เทศบาล", "อบต.", "อบต", "อบจ.", "องค์การบริหาร", "ที่ทำการ",
    "ศาลากลาง", "ไปรษณีย์", "สน.",
)
# An address told inside a first message ("… ซ.พหลโยธิน24 เป็นหลุมใหญ่มาก"): a word that opens with one
# of these and names something after it, and the address words and numbers right after it
# (STORY_PLACE_NUMBERED: "กม.12").
STORY_PLACE_OPENINGS = (
    "ซอย", "ซ.", "ถนน", "ถ.", "หมู่บ้าน", "หมู่ที่", "หมู่", "ม.", "ตำบล", "ต.", "อำเภอ", "อ.", "เขต", "แขวง",
    "จังหวัด", "จ.", "บ้านเลขที่", "เลขที่", "ชุมชน",
)
STORY_PLACE_NUMBERED = ("กม.", "กิโลเมตรที่", "km")
# Words that lead to such an address inside a word of the story ("อยู่ซอยเพชรเกษม", "กองอยู่ที่ถนน…").
STORY_PLACE_LEADS = ("อยู่ที่", "อยู่แถว", "อยู่", "แถว", "บริเวณ", "ที่")
# …of these only at a word's start ("ที่ซอย 5" yes; "ไปติดต่อที่เขตเมื่อวาน" is no address).
STORY_PLACE_LEADS_AT_START = ("ที่",)
# Taken off the front of a place that ends a message ("… อยู่ซอยข้างเซเว่น" -> "ซอยข้างเซเว่น").
PLACE_TAIL_LEADS = ("อยู่ที่", "อยู่")
# "หน้า…", "ข้าง…" open a place only in a short message: "ข้างบ้านเลี้ยงหมา 10 ตัว…" is a story.
NEAR_OPENINGS = ("หน้า", "ข้าง", "ตรง", "แถว", "ใกล้", "หลัง")
PLACE_PARTS = ("ซอย", "ถนน", "หมู่ที่", "ตำบล", "อำเภอ", "แขวง", "จังหวัด", "บ้านเลขที่", "ที่ว่าการ")
PROBLEM_WORDS = (
    "ไม่", "ดับ", "พัง", "เสีย", "แตก", "รั่ว", "ตัน", "เหม็น", "ดัง", "มืด", "ท่วม", "ทิ้ง", "ชำรุด",
    "หัก", "ล้ม", "ขวาง", "ด่า", "ตะคอก", "โกง", "หลุม", "ยุบ", "ทรุด", "อันตราย", "สกปรก", "ร้องเรียน",
    "เห่า", "เกิดอะไร",
)
# fmt: on
# At a guessed category, "not that one" ("ไม่ใช่ค่ะ", "ไม่ใช่ไฟถนน เป็นไฟบ้าน") shows the whole menu.
NOT_THAT_PREFIX = "ไม่ใช่"
# "ไม่มีรูป", "ไม่ได้ถ่ายภาพไว้": a short message that starts with ไม่ and names a photo.
PHOTO_WORDS = ("รูป", "ภาพ", "photo", "picture")
NO_PHOTO_PREFIX = "ไม่"
# How elderly and young citizens say "I" before an answer ("ยาย ไม่ มี รูป ค่ะ", "หนูไม่มีรูปค่ะ").
SELF_WORDS = ("ดิฉัน", "ฉัน", "ผม", "หนู", "ยาย", "ลุง", "ป้า", "น้า", "เรา", "เค้า")
# The same told in English ("no photo", "I don't have a picture"), matched on the compacted, lower-cased text.
NO_PHOTO_PREFIXES_EN = ("no", "dont", "don't", "idont", "idon't", "ihaveno", "ihavenot", "without")
# Thanks, a laugh or a friendly emoji and nothing else while a step is asked ("555", "ขอบคุณนะคะ", "👍"):
# a light word and the same step again. Hesitations ("อืม", "🤔") and anger ("😡") are left to the step's
# own hints.
FORM_SMALL_TALK_PATTERN = r"5{3,}|๕{3,}|ขอบคุณ|ขอบใจ|thank|thx|โอเค|โอเช|\bok|[👍🙏😊😁😄😃😀🤣😂❤💕]"
# Right after a referral elsewhere, a request to file it here all the same (actions/complaint_referral.py).
FILE_HERE_WORDS = (
    "แจ้งที่นี่",
    "แจ้งตรงนี้",
    "แจ้งในนี้",
    "แจ้งในแชท",
    "แจ้งในแชต",
    "แจ้งผ่านแชท",
    "แจ้งไว้กับ",
    "แจ้งไว้ที่นี่",
    "ขอแจ้งไว้",
    "ร้องเรียนที่นี่",
    "ร้องเรียนตรงนี้",
    "fileithere",
    "reportithere",
    "filehere",
)
# Who sees a citizen's number or data, asked with no form running ("ใครเห็นเบอร์ฉันบ้าง"): the privacy
# answer, not "out of scope" (a data word alone, "แก้ข้อมูลในทะเบียนบ้าน", is a service question).
WHO_SEES_WORDS = ("ใคร", "เห็น", "who")
# ... but "ใครเป็นคนแจ้งได้บ้าง" while a service is talked about asks who may do its errand (the death's
# informant), not whether anyone learns who reported: a doing word with ได้, and nothing seen or known.
WHO_MAY_DO_PATTERN = r"ใคร(เป็นคน|จะ)?(แจ้ง|ยื่น|ไป|ทำ|ขอ|ลง)\S*ได้"
WHO_KNOWS_WORDS = ("รู้", "เห็น", "ข้อมูล", "เบอร์", "ชื่อ")
# "ยังอยู่ไหมคะ" (is anyone there?) and "กลับมาเรื่องเดิม" (back to the complaint, after a question aside)
# while a step is asked: said so, and the same step again - never the place or the story.
PRESENCE_WORDS = ("ยังอยู่ไหม", "ยังอยู่มั้ย", "ยังอยู่มั๊ย", "อยู่ไหมคะ", "อยู่มั้ยคะ", "มีใครอยู่ไหม", "มีคนอยู่ไหม", "areyouthere")
BACK_TO_FORM_WORDS = (
    "กลับมาเรื่องเดิม",
    "กลับมาที่เรื่องเดิม",
    "กลับเรื่องเดิม",
    "ต่อเรื่องเดิม",
    "กลับมาที่เรื่องร้องเรียน",
    "backtothecomplaint",
)
# "ไม่เข้าใจ", "งงค่ะ", "หมายถึงอะไร" while a step is asked: the step explained, never an answer to it
# ("ไม่เข้าใจ" at the consent step had been read as ไม่ = no). Matched on a short message without spaces.
CONFUSED_WORDS = (
    "ไม่เข้าใจ",
    "ไม่ค่อยเข้าใจ",
    "งง",
    "ไม่รู้เรื่อง",
    "หมายถึงอะไร",
    "หมายถึงไร",
    "หมายความว่า",
    # "ส่งรูปไม่เป็น": does not know how to answer the step
    "ทำไม่เป็น",
    "ใช้ไม่เป็น",
    "กดไม่เป็น",
    "ส่งไม่เป็น",
    "don'tunderstand",
    "dontunderstand",
    "whatdoyoumean",
    "confused",
)
# "ทำยังไงต่อคะ ไม่เป็น", "ไม่รู้ทำไม่ถูก": the same, as the message's last words (not "ไม่เป็นไร").
CONFUSED_ENDINGS = ("ไม่เป็น", "ทำไม่ถูก")
# "…แจ้งแล้วนานไหมกว่าจะมาซ่อม", "…กี่วันซ่อม": how long, asked inside a message that tells the matter
# (no question ending needed); "ไม่รู้จะนานแค่ไหน" in a story is no question.
HOW_LONG_ASKED_PATTERN = (
    r"(?<!ไม่รู้)(?<!ไม่รู้จะ)(กี่(วัน|ชั่วโมง|อาทิตย์|สัปดาห์|เดือน)|นาน(ไหม|มั้ย|มั๊ย|เท่าไ))"
    r"|howlong|howmanydays|howsoon|whenwill(it|they|you)"
)
# "แล้วที่ดินของพ่อ จะโอนให้แม่ต้องทำยังไง": how a service is done, the whole of it - never the aspect of
# the question before ("…ภายในกี่ชั่วโมง") carried over to a "แล้ว…" follow-up.
HOW_TO_WORDS = ("ทำยังไง", "ทำอย่างไร", "ทำไง", "ทำยังงัย", "howdoi", "howto", "howcani")
# A time asked about what is still to come, inside a story ("…กี่วันถึงจะมาเก็บ", "…นานไหมกว่าจะซ่อม").
TIME_AHEAD_WORDS = ("ถึงจะ", "กว่าจะ", "จะมา", "จะได้", "จะแก้", "จะซ่อม", "จะเก็บ", "จะเสร็จ")
# Questions aside that ask by their words wherever they stand: at the story step no question ending is
# needed ("ปกติใช้เวลากี่วันกว่าจะมีคนมาแก้", "ร้องเรียนแล้วจะเกิดอะไรขึ้นต่อคะ"; not "ไฟดับมากี่วันแล้วก็
# ไม่รู้", a story).
ASIDE_ASKED_WORDS = (
    "ใช้เวลากี่",
    "กี่วันกว่าจะ",
    "กี่วันถึงจะ",
    "กี่วันจะ",
    "ภายในกี่",
    "เกิดอะไรขึ้นต่อ",
    "เกิดอะไรต่อ",
    "ทำอะไรต่อ",
    "ใครรับเรื่อง",
    "ส่งถึงใคร",
    "ไปถึงใคร",
)
COMPLAINT_ASIDE_CUES: dict[str, tuple[str, ...]] = {
    "anonymous": (
        "ไม่บอกชื่อ",
        # "ไม่ต้องบอกชื่อจริงใช่ไหมครับ", "ต้องใส่ชื่อด้วยไหม": whether a name is needed at all
        "ต้องบอกชื่อ",
        "ต้องใส่ชื่อ",
        "ต้องระบุชื่อ",
        "ไม่ระบุชื่อ",
        "ไม่ใส่ชื่อ",
        "ไม่เปิดเผยชื่อ",
        "ไม่เปิดเผยตัว",
        "ไม่ให้เปิดเผย",
        "ไม่เปิดเผยเบอร์",
        "ปกปิดชื่อ",
        "ไม่ประสงค์ออกนาม",
        "ไม่ออกนาม",
        "ไม่ระบุตัวตน",
        "ไม่อยากเปิดเผย",
        "ไม่ขอเปิดเผย",
        "ไม่ต้องการเปิดเผย",
        "ไม่ประสงค์เปิดเผย",
        "ไม่อยากระบุตัวตน",
        "ไม่อยากบอกชื่อ",
        "ไม่อยากให้รู้ชื่อ",
        "นิรนาม",
        "กลัวเขารู้",
        "กลัวเค้ารู้",
        "กลัวเขาจะรู้",
        "กลัวเค้าจะรู้",
        "กลัวถูกเล่นงาน",
        "กลัวโดนเล่นงาน",
        "กลัวโดนหมายหัว",
        "ไม่อยากให้เขารู้",
        "ไม่อยากให้เค้ารู้",
        "ไม่อยากให้รู้ว่า",
        # "ถ้าแจ้งแล้วเค้าจะรู้มั้ยคะว่าใครแจ้ง": whether the one complained about learns who told
        *WHO_REPORTED_CUES,
        "hidemyname",
        "withoutmyname",
        "ไม่บอกที่อยู่",
        "ไม่อยากบอกที่อยู่",
        "ไม่บอกบ้าน",
        "anonymous",
        "ต้องใส่ชื่อ",
        "ต้องบอกชื่อ",
        "ต้องระบุชื่อ",
        "ต้องแจ้งชื่อ",
        "ใส่ชื่อจริง",
        "ชื่อจริงไหม",
        "ชื่อจริงมั้ย",
    ),
    # The cost of filing ("แจ้งเรื่องแบบนี้เสียเงินมั้ยคะ"): answered in a question only.
    "cost": (
        "เสียเงิน",
        "เสียค่า",
        "ค่าใช้จ่าย",
        "ค่าธรรมเนียม",
        "ฟรีไหม",
        "ฟรีมั้ย",
        "ฟรีหรือเปล่า",
        "มีค่าบริการ",
    ),
    "human": (
        "คุยกับเจ้าหน้าที่",
        "คุยกับคน",
        "ขอสายเจ้าหน้าที่",
        "ติดต่อเจ้าหน้าที่",
        "ขอเจ้าหน้าที่",
        "เจ้าหน้าที่ตัวจริง",
        "คนจริง",
        "แอดมิน",
    ),
    "time": (
        "กี่วัน",
        "นานไหม",
        "นานมั้ย",
        "นานแค่ไหน",
        "นานเท่าไร",
        "นานเท่าไหร่",
        "กี่ชั่วโมง",
        "กี่อาทิตย์",
        "กี่สัปดาห์",
        "ใช้เวลา",
        "เมื่อไหร่จะ",
        "เมื่อไรจะ",
        "อีกนาน",
        "เร็วแค่ไหน",
        "ภายในกี่",
    ),
    "next": (
        "ยังไงต่อ",
        "อย่างไรต่อ",
        "ขั้นตอนต่อไป",
        "หลังจากนี้",
        "หลังแจ้ง",
        "แจ้งแล้วจะ",
        "ส่งไปที่ไหน",
        "ไปที่ไหน",
        "ส่งเรื่องไป",
        "ไปถึงใคร",
        "ส่งไปไหน",
        "ส่งถึงใคร",
        "ใครรับเรื่อง",
        "ใครดูแล",
        "หน่วยงานไหน",
        "จะมีคนมา",
        "จะมีใครมา",
        "ทำอะไรต่อ",
        "เกิดอะไรต่อ",
        "เกิดอะไรขึ้นต่อ",
        "ร้องเรียนแล้วจะ",
    ),
    "data": (
        # "ข้างบ้านจะรู้มั้ยว่าเราเป็นคนแจ้ง", "เขาจะรู้ไหมว่าเราแจ้ง": whether they learn it was them
        "เป็นคนแจ้ง",
        "ว่าเราแจ้ง",
        "ว่าผมแจ้ง",
        "ว่าฉันแจ้ง",
        "ว่าหนูแจ้ง",
        "ใครเห็น",
        "ใครจะเห็น",
        "ใครจะรู้",
        "ใครรู้บ้าง",
        "ข้อมูลของฉัน",
        "ข้อมูลของผม",
        "ข้อมูลของหนู",
        "เห็นเบอร์",
        "เห็นข้อมูล",
        # "ข้อมูลผมจะถูกส่งให้โรงงานรู้ไหมครับ": without ของ, as it is typed
        "ข้อมูลฉัน",
        "ข้อมูลผม",
        "ข้อมูลหนู",
        "ข้อมูลดิฉัน",
        "ข้อมูลเรา",
        "ข้อมูลส่วนตัว",
        "เก็บข้อมูล",
        "ข้อมูลจะ",
        "เปิดเผยข้อมูล",
        "ข้อมูลไปไหน",
        "ความเป็นส่วนตัว",
        "pdpa",
        # whether the one who reported is named to anyone ("คนแจ้งจะถูกเปิดเผยชื่อไหมคะ")
        "เปิดเผยชื่อ",
        "ถูกเปิดเผย",
        "ชื่อคนแจ้ง",
        "ชื่อผู้แจ้ง",
        "รู้ว่าใครแจ้ง",
        "รู้ไหมว่าใครแจ้ง",
        "รู้มั้ยว่าใครแจ้ง",
        "รู้ว่าเราแจ้ง",
        "รู้ไหมว่าเราแจ้ง",
        "รู้มั้ยว่าเราแจ้ง",
        # what the contact is for ("ถ้าให้เบอร์ไป จะเอาไปใช้ทำอะไรคะ")
        "เอาเบอร์ไป",
        "ให้เบอร์ไป",
        "เบอร์ไปทำ",
        "เบอร์ไปใช้",
        "เบอร์โทรเอาไป",
        "เบอร์จะเอาไป",
        "เอาข้อมูลไป",
        "ข้อมูลไปใช้",
    ),
}
# After a complaint is filed in this conversation (actions/complaint_after.py): what a question about
# that complaint asks, matched on the text with spaces removed and lower-cased (English too). Checked
# in this order; a matter of the complaint is answered about it, never with service suggestions.
COMPLAINT_AFTER_CUES: dict[str, tuple[str, ...]] = {
    # its reference asked again ("ขอเลขที่เรื่องอีกทีค่ะ"); a reference typed is the case look-up's
    "reference": ("เลขที่เรื่อง", "เลขเรื่อง", "เลขอะไร", "เลขที่อะไร", "referencenumber", "casenumber", "mynumber"),
    # withdrawing it ("ขอยกเลิกเรื่องที่แจ้งไปค่ะ"), not the notices (COMPLAINT_AFTER_NOTICE_WORDS)
    "cancel": ("ยกเลิก", "ถอนเรื่อง", "ถอนแจ้ง", "ไม่แจ้งแล้ว", "ไม่ร้องเรียนแล้ว", "cancel", "withdraw"),
    "photo": ("รูป", "ภาพถ่าย", "ถ่ายภาพ", "ส่งภาพ", "แนบภาพ", "photo", "picture", "image", "pic"),
    "change": (
        "เพิ่มรายละเอียด",
        "เพิ่มข้อมูล",
        "แก้รายละเอียด",
        "แก้ไขรายละเอียด",
        "แก้ที่อยู่",
        "แก้ไขที่อยู่",
        "แก้ไขเรื่อง",
        "แก้เรื่อง",
        "แก้ข้อมูล",
        "แก้ไขข้อมูล",
        "ข้อมูลผิด",
        "ที่อยู่ผิด",
        "พิมพ์ผิด",
        "adddetail",
        "moredetail",
        "changethe",
        "changemy",
        "wrongaddress",
        "edit",
    ),
    # nothing done in time ("ถ้าเกิน 3 วันแล้วยังไม่มาทำไงคะ")
    "late": (
        "ถ้าเกิน",
        "ถ้ายังไม่",
        "ถ้าไม่มา",
        "ถ้าไม่มีใคร",
        "ถ้าไม่ทำ",
        "ถ้าไม่ดำเนินการ",
        "ifnobody",
        "ifnoone",
        "ifnothing",
        "notdone",
    ),
    "updates": (
        "แจ้งกลับ",
        "แจ้งผล",
        "ความคืบหน้า",
        "ติดต่อกลับ",
        "โทรมา",
        "โทรกลับ",
        "จะรู้ได้",
        "รู้ได้ไง",
        "รู้ได้ยังไง",
        "รู้ได้อย่างไร",
        "รู้ผล",
        "ทราบผล",
        "ให้ทราบ",
        "ทราบได้",
        "บอกผล",
        "จะบอก",
        "แจ้งให้ทราบ",
        "notif",
        "update",
        "letmeknow",
        "hearback",
        "contactme",
        "callme",
        "tellme",
    ),
    "who": (
        "ใครดูแล",
        "คนดูแล",
        "ใครรับผิดชอบ",
        "ผู้รับผิดชอบ",
        "หน่วยงานไหน",
        "หน่วยงานอะไร",
        "ใครรับเรื่อง",
        "ส่งไปที่ไหน",
        "ส่งไปไหน",
        "ส่งถึงใคร",
        "ไปถึงใคร",
        "ใครจะมา",
        "ใครมาแก้",
        "ใครมาทำ",
        "whohandles",
        "whoishandling",
        "whichagency",
        "whoisresponsible",
        "whowill",
        "whodeals",
        "sentto",
    ),
    "time": (
        *COMPLAINT_ASIDE_CUES["time"],
        "กว่าจะ",
        "เมื่อไหร่",
        "เมื่อไร",
        "รอนาน",
        "นานไหม",
        "howlong",
        "whenwill",
        "howmanydays",
        "howsoon",
        "howquick",
    ),
    "next": (
        "ต่อจากนี้",
        "ทำอะไรต่อ",
        "ทำอะไรเพิ่ม",
        "ต้องทำอะไร",
        "ทำยังไงต่อ",
        "ยังไงต่อ",
        "อย่างไรต่อ",
        "ขั้นตอนต่อไป",
        "หลังจากนี้",
        "ต่อไปต้อง",
        "ต้องไปที่",
        "ต้องไปไหน",
        "ไปที่ไหนต่อ",
        "ต้องรออะไร",
        "whathappens",
        "whatnext",
        "whatnow",
        "doineed",
        "whatshouldi",
        "whatdoido",
        "nextstep",
    ),
}
# Words of the notices rather than the complaint ("ยกเลิกการแจ้งเตือน"): a cancel with these is
# action_unsubscribe_updates' own.
COMPLAINT_AFTER_NOTICE_WORDS = ("แจ้งเตือน", "การแจ้ง", "ความคืบหน้า", "notification", "update", "sms")
# "เรื่องที่แจ้งไป", "my complaint": the message points at the complaint (a question about it with no
# other cue is answered with what happens next).
COMPLAINT_AFTER_POINTERS = (
    "เรื่องนี้",
    "เรื่องที่แจ้ง",
    "ที่แจ้งไป",
    "ที่แจ้งไว้",
    "เรื่องเมื่อกี้",
    "เรื่องเมื่อกี๊",
    "เรื่องร้องเรียน",
    "mycomplaint",
    "myreport",
    "thecomplaint",
    "thereport",
)
# A clause that opens by saying a question follows ("ขอถามเรื่องขอติดตั้งมิเตอร์ไฟฟ้าใหม่หน่อย"): asked,
# though it ends like a statement.
ASK_OPENINGS = ("ขอถาม", "อยากถาม", "ขอสอบถาม", "อยากสอบถาม", "สอบถาม", "มีคำถาม", "ถามหน่อย", "ถามเรื่อง")
# A message reads as a question to the bot when it ends with one of these (or has "?").
# A yes/no particle before a clause it asks about ("เพื่อนบ้านจะรู้ไหมว่าใครแจ้ง"): a question that
# does not end in its particle.
EMBEDDED_QUESTION_WORDS = ("ไหมว่า", "มั้ยว่า", "มัยว่า", "หรือเปล่าว่า", "รึเปล่าว่า", "ป่าวว่า")
QUESTION_ENDINGS = (
    "ไหม",
    "มั้ย",
    "มัย",
    "หรือเปล่า",
    "รึเปล่า",
    "หรือไม่",
    "ยังไง",
    "อย่างไร",
    "ไหน",
    "ใคร",
    "เท่าไร",
    "เท่าไหร่",
    "เมื่อไหร่",
    "เมื่อไร",
    "กี่วัน",
    "บ้าง",
    "หรอ",
    "เหรอ",
    "อะไร",
    "อะไรต่อ",
    "ยังไงต่อ",
    "อย่างไรต่อ",
    "ทำไง",  # "ถ้าจะแจ้งย้ายออกต้องทำไงคะ"
    "ไงดี",
)
# The bare request that opens the form says nothing an agency can act on; what is left of a first
# message once these are taken out is kept as the description when it is long enough.
# A complaint said in so many words: a message with one is filed, whatever service it names.
COMPLAINT_SAID_WORDS = ("ร้องเรียน", "ร้องทุกข์", "แจ้งเรื่อง", "complain", "report")
COMPLAINT_REQUEST_WORDS = (
    "อยากจะร้องเรียน",
    "อยากร้องเรียน",
    "ขอร้องเรียน",
    "ร้องเรียนเรื่อง",
    "ร้องเรียน",
    "ร้องทุกข์",
    "ต้องการ",
    "อยากแจ้งเรื่อง",
    "ขอแจ้งเรื่อง",
    "แจ้งเรื่อง",
    "อยากแจ้ง",
    "ขอแจ้ง",
    "จะแจ้ง",
    "แจ้ง",
    "ค่ะ",
    "คะ",
    "ครับ",
    "หน่อย",
    "นะ",
    "เรื่อง",
    "ปัญหา",
    "ได้ไหม",
    "อยาก",
    "ขอ",
    "มี",
    "จะ",
)
# "all my cases" in a subscribe / unsubscribe request (matched anywhere in the message).
ALL_CASES_WORDS = ("ทุกเรื่อง", "ทั้งหมด", "ทุกอัน", "all my cases")

# --- case look-up (helper D) -----------------------------------------------------------------------
# The reference every example shows: built by the format's own code, so it always passes its check.
EXAMPLE_REFERENCE = make_case_ref("CM", 2569, 1234567)  # CM69-1234-5675
# What is wrong with text that is not a reference, said before the expected format ({problem}).
REFERENCE_PROBLEMS: dict[str, str] = {
    "digits": "เลขที่พิมพ์มามีตัวเลข {count} หลัก แต่ต้องมี 10 หลัก ",
    "prefix": "ต้องขึ้นต้นด้วยอักษร CM หรือ AP ",
    "none": "",
}
# The same in English replies (a citizen writing English), keyed alike.
REFERENCE_PROBLEMS_EN: dict[str, str] = {
    "digits": "It has {count} digits; a reference has 10. ",
    "prefix": "It must start with CM or AP. ",
    "none": "",
}
# Asking who deals with a matter rather than filing it ("น้ำประปาไม่ไหลมา2วัน โทรหาใคร"): for a matter
# another agency fixes faster, the referral comes first (with the button to file here all the same).
ASKS_WHOM_PATTERN = (
    r"(?:โทร|แจ้ง|ติดต่อ|ร้องเรียน)(?:หา|กับ|ไป)?(?:ใคร|ที่ไหน|ที่ใด|หน่วยงานไหน)|เบอร์(?:อะไร|ไหน)"
    r"|who(?:do|should)i(?:call|contact|report)|whotocall|whotocontact"
)
# "I forgot the number" typed instead of a reference (matched anywhere in the message, squashed).
FORGOT_REFERENCE_WORDS = (
    "จำเลขไม่ได้",
    "จำเลขที่เรื่องไม่ได้",
    "จำเลขเรื่องไม่ได้",
    "ลืมเลข",
    "ไม่รู้เลข",
    "ไม่ทราบเลข",
    "หาเลขไม่เจอ",
    "ไม่มีเลข",
    "เลขหาย",
    "จำไม่ได้",
    "forgot",
)
# ... and with words between: "จำเลขเรื่องที่แจ้งไม่ได้ค่ะ", "หาเลขที่ได้ตอนแจ้งไม่เจอ".
OWN_CASES_ASKED_PATTERN = (
    r"เรื่องที่(?:เคย)?(?:แจ้ง|ร้องเรียน|ร้องทุกข์)\S{0,20}?(?:ทั้งหมด|มีอะไรบ้าง|มีกี่เรื่อง|กี่เรื่อง)"
    r"|(?:all|list)(?:of)?my(?:cases|complaints|reports)"
)
FORGOT_REFERENCE_PATTERN = r"(?:จำ|หา)เลข\S{0,20}?(?:ไม่ได้|ไม่เจอ)"
# An upset message about the wait or the time a case takes (the case look-up is then left with
# why the timing needs the digits), not only an angry remark.
CASE_WAIT_WORDS = ("รอ", "นาน", "เมื่อไหร่", "เมื่อไร", "ช้า", "กี่วัน", "ไม่มีใครมา", "ไม่คืบหน้า", "wait", "slow")
# Signs that a message about a case is upset or rude: the bot apologises and never repeats the
# words. Rude words first, then impatience; matched as substrings of the squashed text.
RUDE_WORDS = ("มึง", "กู", "แม่ง", "เหี้ย", "สัส", "ควาย", "ห่า", "เวร", "ส้นตีน", "ไอ้", "อีดอก", "โง่")
UPSET_WORDS = (
    *RUDE_WORDS,
    "ตอบช้า",
    # "ทำไมช้าขนาดนี้ครับ จ่ายภาษีไปทุกปี", "จะรอถึงชาติหน้าไหม": impatience about a case
    "ทำไมช้า",
    "ช้าขนาดนี้",
    "ช้าจัง",
    "ชาติหน้า",
    "จ่ายภาษีไปทุกปี",
    "ทำไมปิดเรื่อง",
    "ปิดเรื่องทั้งที่",
    "ยังไม่ได้ซ่อม",
    "ซ่อมไม่เสร็จ",
    "อีกแล้ว",
    "ช้ามาก",
    "ไม่เห็นมีใคร",
    "ไม่มีใครมา",
    "ยังไม่มีใคร",
    "ไม่มีใครทำ",
    "ไม่ทำอะไร",
    "รอนาน",
    "รอมานาน",
    "เงียบหาย",
    "ทำงานกันยังไง",
    "ทำงานกันแบบนี้",
    "ทำงานแบบนี้",
    "ทำงานกันอย่างนี้",
    "ทำงานกันยังงี้",
    "ใครจะรับผิดชอบ",
    "ใครรับผิดชอบ",
    "เสียภาษีไปทำไม",
    "ภาษีไปทำไม",
    "ไร้สาระ",
    "หลายรอบแล้ว",
    "กี่รอบแล้ว",
    "กี่ครั้งแล้ว",
    "ไม่เคยมีใคร",
    "ไม่มีคนติดต่อ",
    "ไม่มีใครติดต่อ",
    "ทนไม่ไหว",
    "ไม่ไหวจะเคลียร์",
    "แล้วยังไม่มา",  # "สองอาทิตย์แล้วยังไม่มา": the wait, told
    "ผิดหวัง",
    "จะให้รอ",
    "รออีกนานแค่ไหน",
    "ไม่ได้เรื่อง",
    "แย่มาก",
    "ห่วย",
    "ไม่คืบหน้า",
    "ไม่มีอะไรคืบหน้า",
    "ไม่มีความคืบหน้า",
    # "CM69-… ทำไมยังไม่เสร็จ โทรไปก็ไม่มีคนรับ": still not done
    "ทำไมยังไม่เสร็จ",
    "ยังไม่เสร็จสักที",
    # "CM69-… เรื่องนี้จะทำไหม … พวกขี้เกียจ": an insult to the office, or its neglect
    "ขี้เกียจ",
    "ทำหรือไม่ทำ",
    "ไม่สนใจเลย",
    "ไม่เหลียวแล",
    "!!",
    # English (matched without spaces, lower-cased)
    "ridiculous",
    "unacceptable",
    "useless",
    "outrageous",
    "pathetic",
    "disgusting",
    "fedup",
    "sickof",
    "wtf",
    "whatajoke",
    "nobodyhascome",
    "nobodycame",
    "noonehascome",
    "noonecame",
    "stillwaiting",
    "stillnotfixed",
)
# Whose cases are listed: {account} in own_cases_status and case_ref_how_to_find.
ACCOUNT_NAMES: dict[str, str] = {
    "line": "บัญชี LINE นี้",
    "web": "แชตนี้",
    "sms": "เบอร์ {masked}",
    "default": "บัญชีนี้",
}
# One line per case in own_cases_status: reference, what it is, status, date filed.
OWN_CASE_LINE = "• {reference} {what}: {status} (ยื่น {date})"
OWN_CASE_LINE_SMS = "{reference} {status}"
OWN_CASES_SHOWN = 5
OWN_CASES_SHOWN_SMS = 2
OWN_CASES_MORE = "และอีก {count} เรื่อง พิมพ์เลขที่เรื่องเพื่อดูได้ค่ะ"
KIND_LABELS: dict[str, str] = {"application": "คำขอ", "complaint": "เรื่องร้องเรียน"}
# Parts of words that contain a rude word's letters but are not rude ("กู้" a loan, "ห่าง" far).
UPSET_EXCEPTIONS = ("กู้", "ห่าง", "เวรยาม", "ไอ้หนู")


_INVISIBLE = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}


def _squash(text: object) -> str:
    return " ".join(str(text or "").translate(_INVISIBLE).split()).casefold()


def consent_answer(text: object) -> bool | None:
    """True / False for a typed consent answer (ยินยอม / ไม่ยินยอม, ok / no, "Yes, I agree."), None
    when unclear."""
    word = _squash(text)
    return CONSENT_WORDS.get(word, CONSENT_WORDS.get(" ".join(word.translate(_CONSENT_PUNCTUATION).split())))


_CONSENT_PUNCTUATION = {ord(c): " " for c in ",.!~"}


def forgot_reference(text: object) -> bool:
    """The citizen says they do not have or remember the case number."""
    squashed = _squash(text).replace(" ", "")
    found = any(word in squashed for word in FORGOT_REFERENCE_WORDS)
    return found or re.search(FORGOT_REFERENCE_PATTERN, squashed) is not None


def asks_own_cases(text: object) -> bool:
    """ "อยากรู้ว่าเรื่องที่เคยแจ้งมาทั้งหมดมีอะไรบ้าง": the citizen's own cases asked for as a list, no
    number meant (the look-up lists them, or says where a number is)."""
    squashed = _squash(text).replace(" ", "").lower()
    return re.search(OWN_CASES_ASKED_PATTERN, squashed) is not None


def upset(text: object) -> bool:
    """The message is angry, impatient or rude (the bot then apologises first)."""
    return _says_any(text, UPSET_WORDS)


def rude(text: object) -> bool:
    """The message has a rude word (never said back, so its words are no complaint's story)."""
    return _says_any(text, RUDE_WORDS)


def _says_any(text: object, words: tuple[str, ...]) -> bool:
    squashed = _squash(text).replace(" ", "")
    for harmless in UPSET_EXCEPTIONS:
        squashed = squashed.replace(harmless, " ")
    return any(word in squashed for word in words)


def confirm_answer(text: object) -> str | None:
    """ "yes" / "edit" for a typed answer to a summary (ยืนยัน / แก้ไข, "ส่งเลยค่ะ"), None when unclear."""
    word = _squash(text)
    for particle in POLITE_ENDINGS:
        if word.endswith(particle) and word[: -len(particle)].strip() in CONFIRM_WORDS:
            word = word[: -len(particle)].strip()
            break
    return CONFIRM_WORDS.get(word)


REPLIES: dict[str, dict[str, Reply]] = {
    "fallback_rephrase": {
        "default": Reply("ขออภัยค่ะ ยังไม่เข้าใจคำถามนี้ ลองพิมพ์ใหม่ให้สั้นและชัดขึ้น หรือเลือกหัวข้อที่ใกล้เคียงด้านล่างได้ค่ะ"),
        "sms": Reply("ขออภัยค่ะ ไม่เข้าใจ พิมพ์ใหม่หรือเลือกหัวข้อค่ะ"),
    },
    "fallback_offer_human": {
        "default": Reply(
            "ขออภัยค่ะ ดิฉันยังตอบเรื่องนี้ไม่ได้ ให้เจ้าหน้าที่ช่วยต่อไหมคะ",
            (Button("คุยกับเจ้าหน้าที่", "/affirm"), Button("กลับเมนูหลัก", "/greet"), RESTART),
        ),
        "sms": Reply(
            "ขออภัยค่ะ ตอบไม่ได้ ให้เจ้าหน้าที่ช่วยไหมคะ",
            (Button("คุยกับเจ้าหน้าที่", "/affirm"), Button("เมนูหลัก", "/greet")),
        ),
    },
    "restart": {
        "default": Reply("เริ่มต้นใหม่แล้วค่ะ ต้องการให้ช่วยเรื่องใดคะ", MAIN_MENU),
        "sms": Reply("เริ่มใหม่แล้วค่ะ", MAIN_MENU),
    },
    # case status form (helper D: case look-up). Example references are EXAMPLE_REFERENCE, which
    # passes its own check digit (tests/actions/test_case_reference_texts.py).
    "ask_case_id": {
        "default": Reply(
            f"ขอเลขที่เรื่องค่ะ เช่น {EXAMPLE_REFERENCE} (อยู่ในข้อความยืนยันตอนยื่นเรื่อง) ถ้าจำเลขไม่ได้ พิมพ์ “จำเลขไม่ได้” ค่ะ",
            (CANCEL,),
        ),
        "sms": Reply(f"ส่งเลขที่เรื่อง เช่น {EXAMPLE_REFERENCE} ค่ะ", (CANCEL,)),
    },
    # Before any answer to an upset or rude message about a case: the words are never repeated.
    # An upset "no" ("ห่วยมาก" after a look-up found nothing): sorry, and a person offered.
    "upset_no_ack": {
        "default": Reply(
            "ขออภัยที่ยังช่วยได้ไม่ตรงกับที่ต้องการค่ะ ถ้าต้องการคุยกับเจ้าหน้าที่ กดปุ่มด้านล่างได้เลยค่ะ",
            (HUMAN, MENU),
        ),
        "sms": Reply("ขออภัยที่ยังช่วยไม่ได้ค่ะ ต้องการคุยกับเจ้าหน้าที่ไหมคะ", (HUMAN,)),
    },
    "case_apology": {
        "default": Reply("ขออภัยที่ทำให้รอนานและไม่สะดวกค่ะ ดิฉันช่วยดูเรื่องของท่านให้ทันทีนะคะ"),
        "sms": Reply("ขออภัยที่ทำให้รอนานค่ะ"),
    },
    # "จำเลขไม่ได้" from an account that filed nothing: where the number is and who can tell it.
    "case_ref_how_to_find": {
        "default": Reply(
            "ไม่พบเรื่องที่ยื่นจาก{account}ค่ะ เลขที่เรื่องอยู่ในข้อความยืนยันตอนยื่นเรื่อง (ในแชต LINE, SMS "
            "หรือใบรับเรื่อง) ถ้ายื่นจากช่องทางอื่น ถามจากช่องทางนั้นได้เลย หรือสอบถามหน่วยงานที่รับเรื่อง "
            "หรือสายด่วน 1111 ค่ะ ได้เลขแล้วพิมพ์มาได้เลยค่ะ",
            (HUMAN,),
        ),
        "sms": Reply("ไม่พบเรื่องของเบอร์นี้ค่ะ เลขอยู่ใน SMS ยืนยัน หรือถาม 1111"),
    },
    # After a number that cannot be a case's (a typo, the wrong shape): where the right one is; the
    # look-up ends, a number typed next starts a new one.
    "case_ref_try_again": {
        "default": Reply(
            "เลขที่ถูกต้องอยู่ในข้อความยืนยันตอนยื่นเรื่องค่ะ ได้เลขแล้วพิมพ์มาใหม่ได้เลย ถ้าจำเลขไม่ได้ พิมพ์ “จำเลขไม่ได้” ค่ะ",
            (HUMAN,),
        ),
        "sms": Reply("เลขอยู่ใน SMS ยืนยัน ส่งมาใหม่ได้เลยค่ะ"),
    },
    # The asker's own cases (filed from this account), newest first: {cases} one line each.
    "own_cases_status": {
        "default": Reply("เรื่องที่ยื่นจาก{account}ค่ะ\n{cases}\nเลือกเรื่องด้านล่างเพื่อดูรายละเอียดได้ค่ะ"),
        "sms": Reply("เรื่องของเบอร์นี้: {cases}"),
    },
    # {reference}: the number as read, between spaces (" CM69-0012-3456 "), else "นี้". Not found first:
    # a number that fails its check digit is no case, and the citizen reads that before why.
    "case_ref_bad_check": {
        "default": Reply("ไม่พบเลขที่เรื่อง{reference}ค่ะ มีตัวเลขผิดไป (ตัวตรวจสอบไม่ตรง) กรุณาดูเลขอีกครั้งแล้วพิมพ์ใหม่ค่ะ"),
        "sms": Reply("ไม่พบเลขที่เรื่อง{reference}ค่ะ เลขพิมพ์ผิด ตรวจแล้วส่งใหม่"),
    },
    # {problem}: what is wrong with what was typed (REFERENCE_PROBLEMS), possibly empty.
    "case_ref_not_reference": {
        "default": Reply(
            "ข้อความนี้ยังไม่ใช่เลขที่เรื่องค่ะ {problem}เลขที่เรื่องคืออักษร CM (ร้องเรียน) หรือ AP (คำขอ) "
            f"ตามด้วยตัวเลข 10 หลัก เช่น {EXAMPLE_REFERENCE} ค่ะ"
        ),
        "sms": Reply(f"ยังไม่ใช่เลขที่เรื่องค่ะ {{problem}}รูปแบบ {EXAMPLE_REFERENCE}"),
    },
    # The same, with the number as read ({reference}: "WA69-0412-3387", Thai digits as digits), so the
    # citizen can compare it with their paper; only a number that is no phone or id is said back.
    "case_ref_wrong_shape": {
        "default": Reply(
            "เลข {reference} ยังไม่ใช่เลขที่เรื่องของระบบนี้ค่ะ {problem}เลขที่เรื่องคืออักษร CM (ร้องเรียน) "
            f"หรือ AP (คำขอ) ตามด้วยตัวเลข 10 หลัก เช่น {EXAMPLE_REFERENCE} ค่ะ"
        ),
        "sms": Reply(f"เลข {{reference}} ไม่ใช่เลขที่เรื่องค่ะ {{problem}}รูปแบบ {EXAMPLE_REFERENCE}"),
    },
    # A citizen writing English gets the case look-up's questions and answers in English (buttons
    # stay Thai, as in the complaint form); {problem} from REFERENCE_PROBLEMS_EN.
    "en_case_ref_wrong_shape": {
        "default": Reply(
            "{reference} is not a case reference of this service. {problem}A reference is CM (complaint) "
            f"or AP (application) followed by 10 digits, e.g. {EXAMPLE_REFERENCE}."
        ),
    },
    "en_case_ref_not_reference": {
        "default": Reply(
            "That is not a case reference yet. {problem}A reference is CM (complaint) or AP (application) "
            f"followed by 10 digits, e.g. {EXAMPLE_REFERENCE}."
        ),
    },
    "en_case_ref_bad_check": {
        "default": Reply(
            "Reference{reference}was not found: it has a wrong digit (its check digit does not match). "
            "Please check the number and type it again."
        ),
    },
    "en_case_ref_try_again": {
        "default": Reply(
            "The right number is in the confirmation message you got when you filed. Type it here when you "
            "have it, or type “forgot” if you cannot find it.",
            (HUMAN,),
        ),
    },
    "en_case_apology": {
        "default": Reply("We are sorry for the wait and the trouble. Let me look into your case right away."),
    },
    "en_ask_case_id": {
        "default": Reply(
            f"Please send your case reference, e.g. {EXAMPLE_REFERENCE} (it is in the confirmation message "
            "you got when you filed). If you cannot remember it, type “forgot”.",
            (CANCEL,),
        ),
    },
    "en_case_ref_received": {"default": Reply("Case reference {reference}.")},
    "en_ask_phone_last4": {
        "default": Reply(
            "To protect your data, please send the last 4 digits of the phone number you gave when you "
            "filed. (If you gave none, check the status from the account you filed with, or ask the agency.)",
            (HUMAN, CANCEL),
        ),
    },
    # Asked alike for a case of someone else, a case without a phone and a reference that names no
    # case: the reply never tells which (issue 14, finding 1).
    # Before the last-4 question: the reference as the bot read it, whether or not such a case exists.
    "case_ref_received": {"default": Reply("เลขที่เรื่อง {reference} ค่ะ"), "sms": Reply("เลข {reference}")},
    "ask_phone_last4": {
        "default": Reply(
            "เพื่อความปลอดภัยของข้อมูล ขอเลข 4 ตัวท้ายของเบอร์โทรที่ให้ไว้ตอนยื่นเรื่องค่ะ "
            "(ถ้าไม่ได้ให้เบอร์ไว้ ดูสถานะได้จากบัญชีที่ใช้ยื่นเรื่อง หรือสอบถามหน่วยงานค่ะ)",
            (HUMAN, CANCEL),
        ),
        "sms": Reply("ส่งเลข 4 ตัวท้ายของเบอร์ที่ให้ไว้ตอนยื่นเรื่องค่ะ", (CANCEL,)),
    },
    # An impatient question instead of the digits ("แล้วจะให้รอถึงเมื่อไหร่"): the look-up is left, not
    # asked again; the apology, why the case's own timing needs the digits, and the ways on.
    "case_left_waiting": {
        "default": Reply(
            "ขออภัยที่ทำให้รอนานค่ะ ระยะเวลาดำเนินการขึ้นอยู่กับหน่วยงานที่รับเรื่อง "
            "ดิฉันบอกสถานะและกำหนดเวลาของเรื่องนี้ได้หลังยืนยันเลข 4 ตัวท้ายของเบอร์โทรเท่านั้น "
            "พร้อมเมื่อไหร่กด “ติดตามเรื่อง” หรือคุยกับเจ้าหน้าที่ให้ช่วยติดตามเรื่องได้เลยค่ะ",
            (TRACK, HUMAN),
        ),
        "sms": Reply("ขออภัยที่ทำให้รอนานค่ะ ดูสถานะได้เมื่อยืนยันเลข 4 ตัวท้ายของเบอร์ ตอบ ติดตามเรื่อง", (TRACK, HUMAN)),
    },
    "en_case_left_waiting": {
        "default": Reply(
            "We are sorry for the wait. How long it takes depends on the agency handling it; I can show "
            "this case's status and timing only after the last 4 digits of your phone number are "
            "confirmed. Tap “ติดตามเรื่อง” (track) when ready, or talk to an officer who can follow it up.",
            (TRACK, HUMAN),
        ),
    },
    "phone_last4_not_digits": {
        "default": Reply("ขอเป็นตัวเลข 4 หลักค่ะ เช่น 5678"),
        "sms": Reply("ขอตัวเลข 4 หลักค่ะ"),
    },
    "phone_last4_wrong": {
        "default": Reply("เลข 4 ตัวท้ายไม่ตรงกับเรื่องนี้ค่ะ ลองได้อีก {tries_left} ครั้ง (ตรวจเลขที่เรื่องด้วยนะคะ)"),
        "sms": Reply("เลขไม่ตรงค่ะ ลองได้อีก {tries_left} ครั้ง"),
    },
    "case_locked": {
        "default": Reply(
            "ใส่เลขไม่ตรงหลายครั้ง จึงพักการตรวจสอบเรื่องนี้ไว้ค่ะ ลองใหม่ได้หลัง {time} น. หรือคุยกับเจ้าหน้าที่ได้เลยค่ะ",
            (HUMAN, MENU),
        ),
        "sms": Reply("ใส่เลขผิดหลายครั้ง ลองใหม่หลัง {time} น. ค่ะ", (HUMAN,)),
    },
    # Too many wrong digits on this case today from anyone: closed to digits until midnight.
    "case_lookups_closed": {
        "default": Reply(
            "เรื่องนี้มีการใส่เลขไม่ตรงหลายครั้งในวันนี้ จึงปิดการตรวจสอบทางแชตไว้ถึงเที่ยงคืนค่ะ "
            "บัญชีที่ใช้ยื่นเรื่องยังดูสถานะได้ตามปกติ หรือติดต่อหน่วยงานที่รับเรื่อง หรือสายด่วน 1111 ค่ะ",
            (HUMAN, MENU),
        ),
        "sms": Reply("เรื่องนี้ปิดการตรวจสอบถึงเที่ยงคืนค่ะ ติดต่อหน่วยงานหรือ 1111", (HUMAN,)),
    },
    # Too many wrong digits from this account today, over any cases.
    "asker_lookups_paused": {
        "default": Reply(
            "วันนี้ใส่เลขไม่ตรงหลายครั้ง จึงพักการตรวจสอบเรื่องจากบัญชีนี้ไว้ถึงเที่ยงคืนค่ะ "
            "ติดต่อหน่วยงานที่รับเรื่อง หรือสายด่วน 1111 ได้ค่ะ",
            (HUMAN, MENU),
        ),
        "sms": Reply("วันนี้ใส่เลขผิดหลายครั้ง ลองใหม่พรุ่งนี้ หรือโทร 1111 ค่ะ", (HUMAN,)),
    },
    "cases_unavailable": {
        "default": Reply(
            "ขออภัยค่ะ ตอนนี้บริการติดตามเรื่องยังไม่เปิดใช้ในช่องทางนี้ สอบถามเจ้าหน้าที่ หรือโทรศูนย์บริการข้อมูลภาครัฐ 1111 ได้ค่ะ",
            (HUMAN, MENU),
        ),
        "sms": Reply("ขออภัยค่ะ ติดตามเรื่องทางนี้ยังไม่ได้ โทร 1111", (HUMAN,)),
    },
    # The status answer: public fields only (status, next step, date); buttons added by the action.
    "case_status_answer": {
        "default": Reply("เรื่อง {case_id}: {status}ค่ะ\nขั้นต่อไป: {next_step}\n{when}"),
        "sms": Reply("{case_id} {status}ค่ะ ต่อไป: {next_step} {when}"),
    },
    # subscriptions (actions/subscriptions.py)
    "ask_subscribe_target": {
        "default": Reply(
            "ต้องการรับแจ้งความคืบหน้าเรื่องไหนคะ พิมพ์เลขที่เรื่อง หรือกด “ทุกเรื่องของฉัน” ค่ะ",
            (Button("ทุกเรื่องของฉัน", "ทุกเรื่องของฉัน"), CANCEL),
        ),
        "sms": Reply("ส่งเลขที่เรื่อง หรือตอบ ทุกเรื่อง ค่ะ", (Button("ทุกเรื่องของฉัน", "ทุกเรื่องของฉัน"), CANCEL)),
    },
    "no_cases_of_asker": {
        "default": Reply(
            "ไม่พบเรื่องที่ยื่นจากบัญชีนี้ค่ะ ถ้ามีเลขที่เรื่อง พิมพ์เลขมาได้เลยค่ะ",
            (HUMAN,),
        ),
        "sms": Reply("ไม่พบเรื่องของเบอร์นี้ค่ะ ส่งเลขที่เรื่องมาได้", (HUMAN,)),
    },
    # The wording shown here is what case_consents records, word for word.
    "ask_subscribe_consent": {
        "default": Reply(
            "ยินยอมให้หน่วยงานส่งความคืบหน้า{what}มาทาง{where}ไหมคะ ยกเลิกได้ทุกเมื่อโดยพิมพ์ “ยกเลิกแจ้งเตือน”",
            (Button("ยินยอม", "/affirm"), Button("ไม่ยินยอม", "/deny")),
        ),
        "sms": Reply(
            "ยินยอมรับ SMS แจ้งความคืบหน้า{what}ไหมคะ หยุดได้โดยตอบ STOP",
            (Button("ยินยอม", "/affirm"), Button("ไม่ยินยอม", "/deny")),
        ),
    },
    "subscribe_consent_unclear": {
        "default": Reply("กด “ยินยอม” เพื่อรับแจ้งความคืบหน้า หรือ “ไม่ยินยอม” ค่ะ"),
    },
    "subscribed": {
        "default": Reply(
            "เปิดการแจ้งความคืบหน้าแล้วค่ะ: {refs} เมื่อสถานะเปลี่ยนจะแจ้งมาทาง{where} ยกเลิกได้โดยพิมพ์ “ยกเลิกแจ้งเตือน”",
            (MENU,),
        ),
        "sms": Reply("เปิดแจ้งเตือนแล้ว: {refs} หยุดได้ ตอบ STOP", (MENU,)),
    },
    "subscribe_channel_unsupported": {
        "default": Reply(
            "ขออภัยค่ะ ช่องทางนี้ยังส่งแจ้งเตือนไม่ได้ ใช้ได้ทาง LINE, SMS และแชตบนเว็บไซต์ค่ะ",
            (HUMAN, MENU),
        ),
        "sms": Reply("ขออภัยค่ะ ตอนนี้ตั้งแจ้งเตือนทาง SMS ไม่ได้ โทร 1111", (HUMAN,)),
    },
    "unsubscribed": {
        "default": Reply(
            "ปิดการแจ้งความคืบหน้าแล้วค่ะ: {refs} จะไม่มีข้อความแจ้งเรื่องนี้ส่งมาอีก เปิดใหม่ได้โดยพิมพ์ “สมัครรับแจ้งเตือน”",
            (MENU,),
        ),
        "sms": Reply("ปิดแจ้งเตือนแล้ว: {refs}", (MENU,)),
    },
    "unsubscribe_nothing": {
        "default": Reply("ตอนนี้ไม่มีการแจ้งความคืบหน้า{what}ที่ส่งถึงบัญชีนี้ค่ะ จึงไม่ต้องยกเลิกค่ะ", (MENU,)),
        "sms": Reply("ไม่มีแจ้งเตือน{what}ที่เปิดไว้ค่ะ หยุด SMS ทั้งหมด ตอบ STOP", (MENU,)),
    },
    "unsubscribe_bare_cancel": {
        "default": Reply(
            "ตอนนี้ไม่มีรายการที่กำลังทำอยู่ให้ยกเลิกค่ะ ถ้าต้องการหยุดรับแจ้งความคืบหน้าของเรื่อง พิมพ์ “ยกเลิกแจ้งเตือน” ค่ะ",
            (MENU,),
        ),
        "sms": Reply("ไม่มีรายการให้ยกเลิกค่ะ ถ้าจะหยุดรับข่าวเรื่อง ตอบ ยกเลิกแจ้งเตือน"),
    },
    "unsubscribe_which": {
        "default": Reply("เปิดแจ้งเตือนไว้หลายเรื่องค่ะ ต้องการยกเลิกเรื่องไหนคะ"),
        "sms": Reply("ยกเลิกเรื่องไหนคะ"),
    },
    # complaint form (actions/complaint.py)
    "ask_complaint_category": {
        "default": Reply(
            "แจ้งเรื่องร้องเรียนเรื่องใดคะ เลือกหมวดด้านล่างค่ะ",
            (*(Button(label, label) for label in COMPLAINT_CATEGORIES.values()), CANCEL),
        ),
        "sms": Reply(
            "ร้องเรียนเรื่องใดคะ",
            (*(Button(label, label) for label in COMPLAINT_CATEGORIES.values()), CANCEL),
        ),
    },
    # The category read from the first message ("แจ้งไฟถนนดับหน้าบ้าน"): one tap to confirm it.
    "ask_complaint_category_guess": {
        "default": Reply("เรื่อง “{label}” ใช่ไหมคะ กด “ใช่” หรือเลือกหมวดอื่นด้านล่างค่ะ"),
        "sms": Reply("หมวด{label} ใช่ไหมคะ"),
    },
    "complaint_category_unknown": {
        "default": Reply("ขอให้เลือกหมวดจากปุ่มด้านล่างค่ะ ถ้าไม่ตรงหมวดไหน เลือก “เรื่องอื่น ๆ” ได้ค่ะ"),
        "sms": Reply("กรุณาเลือกหมวดตามตัวเลขค่ะ"),
    },
    "ask_complaint_description": {
        "default": Reply("เล่าสั้น ๆ ว่าเกิดอะไรขึ้นคะ เช่น ไฟถนนดับทั้งซอยมา 3 วันแล้ว", (CANCEL,)),
        "sms": Reply("เล่าสั้น ๆ ว่าเกิดอะไรขึ้นคะ", (CANCEL,)),
    },
    # The hints below always come before the step's question again, which carries ยกเลิก: they carry
    # no button of their own (one reply, each button once).
    "complaint_description_too_short": {
        "default": Reply("ขอรายละเอียดเป็นข้อความอีกนิดค่ะ อย่างน้อยหนึ่งประโยคว่าเกิดอะไรขึ้น"),
        "sms": Reply("ขอรายละเอียดเพิ่มอีกนิดค่ะ"),
    },
    "complaint_description_too_long": {
        "default": Reply(
            "ยาวเกิน {max} ตัวอักษรค่ะ ช่วยสรุปให้สั้นลงแล้วส่งใหม่ รายละเอียดเพิ่มเติมแจ้งเจ้าหน้าที่ได้ภายหลังค่ะ",
        ),
        "sms": Reply("ยาวเกิน {max} ตัวอักษรค่ะ สรุปให้สั้นลง"),
    },
    "ask_complaint_location": {
        "default": Reply("เกิดขึ้นที่ไหนคะ พิมพ์ที่อยู่หรือจุดสังเกต เช่น ซอย ถนน ตำบล อำเภอ จังหวัด", (CANCEL,)),
        "line": Reply(
            "เกิดขึ้นที่ไหนคะ ส่งตำแหน่ง (กด + แล้วเลือก ตำแหน่งที่ตั้ง) หรือพิมพ์ที่อยู่ได้เลยค่ะ",
            (CANCEL,),
        ),
        "sms": Reply("เกิดที่ไหนคะ พิมพ์ที่อยู่สั้น ๆ", (CANCEL,)),
    },
    "complaint_location_too_short": {
        "default": Reply("ขอที่อยู่หรือจุดสังเกตที่ชัดขึ้นอีกนิดค่ะ"),
    },
    "complaint_location_too_long": {
        "default": Reply("ที่อยู่ยาวเกินไปค่ะ ขอสั้น ๆ ไม่เกิน 300 ตัวอักษร"),
    },
    "complaint_location_outside_thailand": {
        "default": Reply(
            "ตำแหน่งที่ส่งมาอยู่นอกประเทศไทยค่ะ ที่นี่รับเรื่องในประเทศไทยเท่านั้น ส่งตำแหน่งใหม่ หรือพิมพ์ที่อยู่แทนได้ค่ะ",
        ),
    },
    "complaint_location_unreadable": {
        "default": Reply("อ่านตำแหน่งที่ส่งมาไม่ได้ค่ะ ลองส่งตำแหน่งใหม่ หรือพิมพ์ที่อยู่แทนได้ค่ะ"),
    },
    "ask_complaint_photo": {
        "default": Reply("มีรูปถ่ายไหมคะ ถ้าไม่มี กด “ไม่มีรูป” ค่ะ", (NO_PHOTO_BUTTON,)),
        "line": Reply("มีรูปถ่ายไหมคะ ส่งรูปมาได้ 1 รูป ถ้าไม่มี กด “ไม่มีรูป” ค่ะ", (NO_PHOTO_BUTTON,)),
    },
    # A second answer without a photo, or the consent question answered early: on without one.
    "complaint_photo_skipped": {
        "default": Reply("ข้ามเรื่องรูปไปก่อนนะคะ ถ้าจะแนบรูป กด “แก้ไข” ตอนตรวจสอบก่อนส่งค่ะ"),
    },
    "complaint_photo_missing": {
        "default": Reply("ยังไม่ได้รับรูปค่ะ ส่งเป็นรูปภาพ หรือกด “ไม่มีรูป” ได้ค่ะ"),
    },
    "complaint_photo_not_image": {
        "default": Reply(
            "ไฟล์ที่ส่งมาไม่ใช่รูปภาพที่รับได้ค่ะ (รับรูป JPEG หรือ PNG) ส่งรูปใหม่ หรือกด “ไม่มีรูป” ค่ะ",
        ),
    },
    "complaint_photo_too_large": {
        "default": Reply("รูปนี้ใหญ่เกินไปค่ะ (เกิน {mb} MB) ส่งรูปที่เล็กลง หรือกด “ไม่มีรูป” ค่ะ"),
    },
    "complaint_photo_fetch_failed": {
        "default": Reply("รับรูปไม่สำเร็จค่ะ ลองส่งรูปอีกครั้ง หรือกด “ไม่มีรูป” ค่ะ"),
    },
    "complaint_photo_unavailable": {
        "default": Reply("ช่องทางนี้ยังรับรูปไม่ได้ค่ะ เล่าเป็นข้อความได้เลย เจ้าหน้าที่อาจขอรูปภายหลังค่ะ"),
    },
    "complaint_kept_image": {"default": Reply("ได้รับรูปแล้วค่ะ จะแนบไปกับเรื่องนี้")},
    "complaint_kept_location": {"default": Reply("ได้รับตำแหน่งแล้วค่ะ")},
    "complaint_kept_sticker": {"default": Reply("ได้รับสติกเกอร์แล้วค่ะ")},
    "complaint_kept_place": {"default": Reply("ได้รับสถานที่แล้วค่ะ")},
    # More of the story typed at a later step (where consent is asked): added to the description.
    "complaint_kept_detail": {"default": Reply("เพิ่มรายละเอียดในเรื่องแล้วค่ะ")},
    # A second unusable answer to the story or the place: the ways on, instead of the same hint.
    # (“คุยกับเจ้าหน้าที่เลย” typed leaves the form to a person, as the button does.)
    "complaint_description_stuck": {
        "default": Reply(
            "เล่าสั้น ๆ ประโยคเดียวก็ได้ค่ะ เช่น “ไฟดับหน้าบ้าน” หรือพิมพ์ “คุยกับเจ้าหน้าที่เลย” "
            "ให้เจ้าหน้าที่ช่วย หรือ “ยกเลิก” เพื่อออกค่ะ"
        ),
        "sms": Reply("เล่าสั้น ๆ ได้ค่ะ หรือตอบ ยกเลิก"),
    },
    "complaint_location_stuck": {
        "default": Reply(
            "บอกเป็นจุดสังเกตใกล้ ๆ ก็ได้ค่ะ เช่น ชื่อซอย ร้าน หรือวัด หรือพิมพ์ “คุยกับเจ้าหน้าที่เลย” "
            "ให้เจ้าหน้าที่ช่วย หรือ “ยกเลิก” เพื่อออกค่ะ"
        ),
        "sms": Reply("บอกจุดสังเกตใกล้ ๆ ได้ค่ะ หรือตอบ ยกเลิก"),
    },
    # The category taken without a tap on it: the guess confirmed by answering on, or (when nothing
    # said so far names one) เรื่องอื่น ๆ rather than the menu again; the citizen is told which.
    "complaint_category_taken": {
        "default": Reply("บันทึกเป็นหมวด “{label}” ไว้นะคะ ถ้าไม่ตรง แก้ได้ตอนตรวจสอบก่อนส่ง (กด “แก้ไข”) ค่ะ"),
        "sms": Reply("บันทึกเป็นหมวด{label} แก้ได้ก่อนส่งค่ะ"),
    },
    # A category the bot chose itself, changed by the story told next.
    "complaint_category_changed": {
        "default": Reply("จากที่เล่ามา เปลี่ยนเป็นหมวด “{label}” นะคะ แก้ได้ตอนตรวจสอบก่อนส่งค่ะ"),
        "sms": Reply("เปลี่ยนเป็นหมวด{label}ค่ะ"),
    },
    "complaint_guess_unclear": {
        "default": Reply("ถ้าใช่ กด “ใช่” หรือเล่าต่อได้เลยค่ะ ถ้าไม่ใช่ เลือกหมวดที่ตรงกว่าค่ะ"),
        "sms": Reply("ตอบ ใช่ หรือเลือกหมวดค่ะ"),
    },
    # The text of this question is stored as the consent wording: change it with care.
    # A question aside, answered in the middle of the form; the same step is asked again after it.
    "complaint_aside_anonymous_ok": {
        "default": Reply(
            "ได้ค่ะ เรื่องหมวด{label}แจ้งแบบไม่ระบุตัวตนได้ จะไม่เก็บชื่อหรือช่องทางติดต่อของท่าน ผู้ถูกร้องเรียนจึงไม่รู้ว่าใครแจ้ง "
            "แต่จะไม่มีการแจ้งความคืบหน้า และติดตามสถานะทางแชตไม่ได้ค่ะ (เปลี่ยนได้ตอนตรวจสอบก่อนส่ง)"
        ),
        "sms": Reply("ได้ค่ะ แจ้งแบบไม่ระบุตัวตน ไม่เก็บเบอร์ ติดตามทางนี้ไม่ได้ค่ะ"),
    },
    # Asked before the consent step, in a category that allows it: yes, and where to choose it.
    "complaint_aside_anonymous_ok_later": {
        "default": Reply(
            "ได้ค่ะ เรื่องหมวด{label}แจ้งแบบไม่ระบุตัวตนได้ ที่คำถามเรื่องการแจ้งความคืบหน้า กดปุ่ม “ไม่ระบุตัวตน” ได้เลย "
            "จะไม่เก็บชื่อหรือช่องทางติดต่อของท่าน ผู้ถูกร้องเรียนจึงไม่รู้ว่าใครแจ้งค่ะ"
        ),
        "sms": Reply("ได้ค่ะ ที่คำถามเรื่องแจ้งความคืบหน้า ตอบ ไม่ระบุตัวตน ได้เลย ไม่เก็บเบอร์ค่ะ"),
    },
    # "เพื่อนบ้านจะรู้ไหมว่าใครแจ้ง" where anonymity can still be chosen at the consent step: no first,
    # then the choice (not "ได้ค่ะ", which would answer "will they know?" with yes).
    "complaint_aside_not_told_who": {
        "default": Reply(
            "ไม่รู้ค่ะ ผู้ถูกร้องเรียนไม่ได้รับแจ้งว่าใครเป็นผู้แจ้ง ข้อมูลของท่านเห็นเฉพาะเจ้าหน้าที่ที่รับเรื่อง "
            "ถ้าไม่ต้องการให้เก็บชื่อหรือช่องทางติดต่อเลย ที่คำถามเรื่องการแจ้งความคืบหน้า กดปุ่ม “ไม่ระบุตัวตน” ได้ค่ะ"
        ),
        "sms": Reply("ไม่รู้ค่ะ ผู้ถูกร้องเรียนไม่ได้รับแจ้งว่าใครแจ้ง ถ้าไม่ให้เก็บเบอร์ ตอบ ไม่ระบุตัวตน ได้ค่ะ"),
    },
    "complaint_aside_anonymous_later": {
        "default": Reply(
            "ได้ค่ะ หมวด{labels} แจ้งแบบไม่ระบุตัวตนได้ เลือกหมวดก่อน แล้วตอนถามเรื่องการแจ้งความคืบหน้า "
            "กด “ไม่ระบุตัวตน” ได้ ข้อมูลติดต่อของท่านไม่เปิดเผยต่อผู้ถูกร้องเรียนค่ะ"
        ),
        "sms": Reply("ได้ค่ะ ในหมวดที่รับแจ้งแบบไม่ระบุตัวตน เลือกหมวดก่อน แล้วตอบ ไม่ระบุตัวตน ค่ะ"),
    },
    # "ร้องเรียนแบบไม่ต้องบอกชื่อได้ไหม" as the first message: the answer first, then the category menu.
    "complaint_anonymous_first": {
        "default": Reply(
            "ได้ค่ะ เรื่องหมวด{labels} แจ้งแบบไม่ระบุตัวตนได้ จะไม่เก็บชื่อหรือช่องทางติดต่อของท่าน "
            "แต่จะไม่มีการแจ้งความคืบหน้า และติดตามสถานะทางแชตไม่ได้ค่ะ หมวดอื่นต้องเก็บช่องทางติดต่อไว้ "
            "แต่ไม่เปิดเผยต่อผู้ถูกร้องเรียนค่ะ เลือกหมวดก่อน แล้วตอนถามเรื่องการแจ้งความคืบหน้า กด “ไม่ระบุตัวตน” ได้ค่ะ"
        ),
        "sms": Reply(
            "ได้ค่ะ หมวด{labels} แจ้งแบบไม่ระบุตัวตนได้ แต่จะไม่มีแจ้งความคืบหน้าค่ะ เลือกหมวดก่อน แล้วตอบ ไม่ระบุตัวตน ค่ะ"
        ),
    },
    "complaint_aside_anonymous_not_allowed": {
        "default": Reply(
            "ไม่ได้ค่ะ เรื่องหมวด{label} หน่วยงานอาจต้องติดต่อกลับเพื่อขอรายละเอียด จึงต้องเก็บช่องทางติดต่อไว้ "
            "ข้อมูลติดต่อเห็นได้เฉพาะเจ้าหน้าที่ผู้รับเรื่อง ไม่เปิดเผยต่อผู้ถูกร้องเรียนค่ะ"
        ),
        "sms": Reply("ไม่ได้ค่ะ หมวดนี้ต้องมีช่องทางติดต่อกลับ ไม่เปิดเผยต่อผู้ถูกร้องเรียนค่ะ"),
    },
    "complaint_aside_location_private": {
        "default": Reply(
            "ที่ถามคือจุดที่เกิดเรื่อง ไม่ต้องเป็นบ้านของท่านค่ะ บอกเป็นจุดสังเกตใกล้ ๆ เช่น ซอย ร้าน หรือเสาไฟ ก็ได้ค่ะ"
        ),
        "sms": Reply("บอกจุดที่เกิดเรื่องหรือจุดสังเกตใกล้ ๆ ได้ค่ะ"),
    },
    "complaint_aside_time": {
        "default": Reply("{agency} จะดำเนินการเรื่องหมวด “{label}” ภายใน {time_to_act} ตามที่หน่วยงานประกาศไว้ค่ะ"),
        "sms": Reply("หน่วยงานดำเนินการภายใน {time_to_act}ค่ะ"),
    },
    "complaint_aside_time_later": {
        "default": Reply(
            "ระยะเวลาขึ้นกับหมวดเรื่องค่ะ หน่วยงานประกาศไว้ตั้งแต่ {shortest} ถึง {longest} "
            "เลือกหมวดแล้วจะบอกระยะเวลาของหมวดนั้นค่ะ"
        ),
        "sms": Reply("{shortest} ถึง {longest} แล้วแต่หมวดค่ะ เลือกหมวดก่อน"),
    },
    "complaint_aside_next": {
        "default": Reply(
            "เมื่อกด “ยืนยัน” เรื่องจะส่งถึง{agency} ท่านจะได้เลขที่เรื่องไว้ติดตาม "
            "หน่วยงานจะตรวจสอบและดำเนินการภายใน {time_to_act} ค่ะ"
        ),
        "sms": Reply("ยืนยันแล้วเรื่องส่งถึงหน่วยงาน ได้เลขที่เรื่องไว้ติดตามค่ะ"),
    },
    "complaint_aside_next_later": {
        "default": Reply(
            "เมื่อตอบครบและกด “ยืนยัน” เรื่องจะส่งถึงหน่วยงานที่รับผิดชอบหมวดนั้น ท่านจะได้เลขที่เรื่องไว้ติดตาม "
            "และบอกระยะเวลาดำเนินการให้ทราบค่ะ"
        ),
        "sms": Reply("ยืนยันแล้วเรื่องส่งถึงหน่วยงาน ได้เลขที่เรื่องไว้ติดตามค่ะ"),
    },
    "complaint_aside_data": {
        "default": Reply(
            "เรื่องที่แจ้งส่งถึงเฉพาะเจ้าหน้าที่ของหน่วยงานที่รับเรื่องค่ะ ช่องทางติดต่อของท่านใช้แจ้งความคืบหน้า"
            "ของเรื่องนี้เท่านั้น เก็บแบบเข้ารหัส ไม่เปิดเผยต่อผู้ถูกร้องเรียน และขอลบได้ทุกเมื่อโดยพิมพ์ "
            "“ลบข้อมูลติดต่อของฉัน” ค่ะ"
        ),
        "sms": Reply("ข้อมูลเห็นเฉพาะเจ้าหน้าที่ผู้รับเรื่อง ใช้แจ้งความคืบหน้าเท่านั้น ขอลบได้ทุกเมื่อค่ะ"),
    },
    "complaint_aside_human": {
        "default": Reply(
            "เรื่องที่กำลังแจ้งยังไม่ได้ส่งค่ะ ตอบต่ออีกไม่กี่ข้อ เจ้าหน้าที่ของหน่วยงานจะรับเรื่องไปดำเนินการ "
            "ถ้าต้องการคุยกับเจ้าหน้าที่ตอนนี้ กด “คุยกับเจ้าหน้าที่เลย” (เรื่องที่กรอกไว้จะยังไม่ถูกส่ง) ค่ะ",
            (HANDOVER_NOW_BUTTON,),
        ),
        "sms": Reply("เรื่องยังไม่ได้ส่งค่ะ ตอบต่อ หรือตอบ คุยกับเจ้าหน้าที่เลย", (HANDOVER_NOW_BUTTON,)),
    },
    # "ไม่มีรูป" at a step that is not the photo question (web chat and SMS never ask it): no photo
    # is needed, and the same step is asked again — never read as "no" to that step's question.
    "complaint_aside_no_photo": {
        "default": Reply("ไม่มีรูปก็แจ้งเรื่องได้ค่ะ"),
        "web": Reply("ไม่ต้องมีรูปก็แจ้งเรื่องได้ค่ะ (แชตนี้ยังแนบรูปไม่ได้)"),
        "sms": Reply("ไม่ต้องส่งรูปค่ะ"),
    },
    # Thanks, a laugh or an emoji while a step is asked: a light word, and the same step again.
    "complaint_aside_small_talk": {"default": Reply("ค่ะ 😊"), "sms": Reply("ค่ะ")},
    "en_complaint_aside_small_talk": {"default": Reply("Sure.")},
    "complaint_aside_presence": {"default": Reply("อยู่ค่ะ 😊 ตอบต่อด้านล่างได้เลยนะคะ"), "sms": Reply("อยู่ค่ะ")},
    "en_complaint_aside_presence": {"default": Reply("Yes, I'm here. Go on below.")},
    "complaint_aside_back": {
        "default": Reply("ได้ค่ะ กลับมาที่เรื่องร้องเรียนนะคะ"),
        "sms": Reply("กลับมาเรื่องร้องเรียนค่ะ"),
    },
    "en_complaint_aside_back": {"default": Reply("Sure, back to your complaint.")},
    # "ไม่เข้าใจ" while a step is asked: what the step is for, then the same question again.
    "complaint_confused": {
        "default": Reply("ขออธิบายอีกครั้งนะคะ ตอบคำถามด้านล่างทีละข้อ หรือกด “ยกเลิก” เพื่อออกได้ค่ะ"),
        "sms": Reply("ตอบคำถามด้านล่างทีละข้อ หรือตอบ ยกเลิก ค่ะ"),
    },
    "complaint_confused_complaint_category": {
        "default": Reply("เลือกหมวดที่ใกล้กับเรื่องที่จะแจ้งที่สุดค่ะ ถ้าไม่มีหมวดที่ตรง เลือก “เรื่องอื่น ๆ” ได้ค่ะ"),
        "sms": Reply("ตอบชื่อหมวดที่ใกล้เรื่องที่สุด ถ้าไม่ตรง ตอบ อื่นๆ ค่ะ"),
    },
    "complaint_confused_complaint_description": {
        "default": Reply("ขอให้เล่าสั้น ๆ ว่าเกิดอะไรขึ้นค่ะ เช่น ไฟดับกี่ดวง ขยะกองมานานแค่ไหน"),
        "sms": Reply("เล่าสั้น ๆ ว่าเกิดอะไรขึ้นค่ะ"),
    },
    "complaint_confused_complaint_location": {
        "default": Reply(
            "ขอทราบว่าเรื่องนี้เกิดขึ้นที่ไหนค่ะ เช่น บ้านเลขที่ ซอย ถนน หมู่บ้าน หรือจุดสังเกตใกล้ ๆ เจ้าหน้าที่จะได้ไปถูกที่ค่ะ"
        ),
        "sms": Reply("เรื่องนี้เกิดที่ไหนคะ เช่น ซอย ถนน หมู่บ้าน หรือจุดสังเกต"),
    },
    "complaint_confused_complaint_photo": {
        "default": Reply("ถ้ามีรูปของจุดที่เกิดเรื่อง ส่งมาได้ 1 รูป เจ้าหน้าที่จะเห็นชัดขึ้นค่ะ ถ้าไม่มี กด “ไม่มีรูป” ได้เลยค่ะ"),
    },
    "complaint_confused_contact_consent": {
        "default": Reply(
            "หมายถึง ให้หน่วยงานส่งข่าวความคืบหน้าของเรื่องนี้มาทางแชตนี้ไหมคะ ตอบ “ยินยอม” ถ้าอยากได้รับข่าว "
            "หรือ “ไม่ยินยอม” ก็ส่งเรื่องได้เหมือนกัน ติดตามเองได้ด้วยเลขที่เรื่องค่ะ"
        ),
        "sms": Reply("ให้ส่งข่าวความคืบหน้าทาง SMS นี้ไหมคะ ตอบ ยินยอม หรือ ไม่ยินยอม ก็ส่งเรื่องได้ค่ะ"),
    },
    "complaint_confused_complaint_confirm": {
        "default": Reply("ข้างบนคือสรุปเรื่องที่จะส่งค่ะ ถ้าถูกต้อง กด “ยืนยัน” เรื่องจะส่งถึงหน่วยงาน ถ้าอยากแก้ กด “แก้ไข” ค่ะ"),
        "sms": Reply("ถ้าถูกต้อง ตอบ ยืนยัน เรื่องจะส่งถึงหน่วยงาน ถ้าจะแก้ ตอบ แก้ไข ค่ะ"),
    },
    "en_complaint_confused": {
        "default": Reply("Let me explain: answer the question below, or tap “ยกเลิก” to stop.")
    },
    "complaint_aside_greet": {
        "default": Reply("สวัสดีค่ะ ตอนนี้กำลังแจ้งเรื่องร้องเรียนอยู่ ตอบคำถามด้านล่างต่อได้เลย หรือกด “ยกเลิก” เพื่อออกค่ะ"),
        "sms": Reply("กำลังแจ้งเรื่องอยู่ค่ะ ตอบต่อ หรือตอบ ยกเลิก"),
    },
    "complaint_cancel_hint": {
        "default": Reply("ถ้าต้องการยกเลิกการแจ้งเรื่องนี้ กด “ยกเลิก” ค่ะ ถ้าไม่ ตอบคำถามด้านล่างต่อได้เลยค่ะ"),
        "sms": Reply("ยกเลิกเรื่องนี้ ตอบ ยกเลิก ค่ะ"),
    },
    "ask_contact_consent": {
        "default": Reply(
            "ยินยอมให้หน่วยงานที่รับเรื่องแจ้งความคืบหน้าของเรื่องนี้ทางช่องทางนี้ไหมคะ (ยกเลิกได้ทุกเมื่อ)",
            CONSENT_BUTTONS,
        ),
        "line": Reply(
            "ยินยอมให้หน่วยงานที่รับเรื่องแจ้งความคืบหน้าของเรื่องนี้ทาง LINE นี้ไหมคะ (ยกเลิกได้ทุกเมื่อ)",
            CONSENT_BUTTONS,
        ),
        "web": Reply(
            "ยินยอมให้หน่วยงานที่รับเรื่องแจ้งความคืบหน้าของเรื่องนี้ในแชตนี้ไหมคะ (เห็นเมื่อกลับมาเปิดหน้านี้ ยกเลิกได้ทุกเมื่อ)",
            CONSENT_BUTTONS,
        ),
        "sms": Reply("ให้แจ้งความคืบหน้าเรื่องนี้ทาง SMS เบอร์นี้ไหมคะ (หยุดได้ ตอบ STOP)", CONSENT_BUTTONS),
    },
    "complaint_consent_unclear": {
        "default": Reply("กรุณากด “ยินยอม” หรือ “ไม่ยินยอม” ค่ะ"),
    },
    "complaint_consent_unclear_again": {
        "default": Reply("ถ้าไม่แน่ใจ ตอบ “ไม่ยินยอม” ก็ส่งเรื่องได้ค่ะ ติดตามเองได้ด้วยเลขที่เรื่อง หรือพิมพ์ “ยกเลิก” เพื่อออกค่ะ"),
        "sms": Reply("ไม่แน่ใจ ตอบ ไม่ยินยอม ก็ส่งเรื่องได้ค่ะ"),
    },
    "complaint_consent_taken_as_no": {
        "default": Reply("บันทึกว่าไม่ต้องแจ้งความคืบหน้าไว้ก่อนนะคะ เปลี่ยนได้ตอนตรวจสอบก่อนส่ง (กด “แก้ไข”) ค่ะ"),
        "sms": Reply("บันทึกว่าไม่ต้องแจ้งความคืบหน้าค่ะ"),
    },
    "ask_complaint_confirm": {
        "default": Reply(
            "ตรวจสอบก่อนส่งเรื่องค่ะ\nหมวด: {category}\nเรื่อง: {description}\nสถานที่: {location}\n"
            "{photo_line}แจ้งความคืบหน้า: {consent}\nส่งถึง: {agency}\n"
            "ถูกต้องไหมคะ กด “ยืนยัน” เพื่อส่งเรื่อง หรือ “แก้ไข” เพื่อแก้ทีละหัวข้อ",
            CONFIRM_BUTTONS,
        ),
        "sms": Reply("ส่งเรื่อง หมวด{category}: {short_description} ยืนยันไหมคะ", CONFIRM_BUTTONS),
    },
    "complaint_confirm_unclear": {
        "default": Reply("กด “ยืนยัน” เพื่อส่งเรื่อง “แก้ไข” เพื่อแก้บางหัวข้อ หรือ “ยกเลิก” ค่ะ"),
        "sms": Reply("เลือกตามตัวเลขค่ะ"),
    },
    # Which field to change: one field is asked again, then the summary comes back.
    "ask_complaint_edit": {
        "default": Reply(
            "แก้ไขหัวข้อไหนคะ",
            tuple(
                Button(label, label)
                for label, field in COMPLAINT_EDIT_FIELDS.items()
                if field != "complaint_photo"
            ),
        ),
        "line": Reply("แก้ไขหัวข้อไหนคะ", tuple(Button(label, label) for label in COMPLAINT_EDIT_FIELDS)),
    },
    # The same in English: the buttons send the Thai field names the form reads, glossed in the text.
    "en_ask_complaint_edit": {
        "default": Reply(
            "Which item would you like to change? “หมวด” (category), “รายละเอียด” (what happened), "
            "“สถานที่” (place), “การแจ้งความคืบหน้า” (updates), or “ไม่แก้แล้ว” (no change).",
            tuple(
                Button(label, label)
                for label, field in COMPLAINT_EDIT_FIELDS.items()
                if field != "complaint_photo"
            ),
        ),
        "line": Reply(
            "Which item would you like to change? “หมวด” (category), “รายละเอียด” (what happened), "
            "“สถานที่” (place), “รูป” (photo), “การแจ้งความคืบหน้า” (updates), or “ไม่แก้แล้ว” (no change).",
            tuple(Button(label, label) for label in COMPLAINT_EDIT_FIELDS),
        ),
    },
    "complaint_edit_unclear": {
        "default": Reply("กดเลือกหัวข้อที่ต้องการแก้ไขค่ะ"),
    },
    "complaint_filed": {
        "default": Reply(
            "ส่งเรื่องถึง{agency} แล้วค่ะ หน่วยงานจะดำเนินการภายใน {time_to_act}\n"
            "เลขที่เรื่อง {reference}\n(อ่านว่า {spoken})\nเก็บเลขนี้ไว้ติดตามเรื่องค่ะ {updates}",
            (TRACK, MENU),
        ),
        "sms": Reply(
            "รับเรื่องแล้วค่ะ เลขที่ {reference} ส่งถึง{agency_short} ดำเนินการภายใน {time_to_act} {updates}",
            (TRACK, MENU),
        ),
    },
    # No contact kept: no updates, no status look-up in the chat; the citizen is told so.
    "complaint_filed_anonymous": {
        "default": Reply(
            "ส่งเรื่องถึง{agency} แบบไม่ระบุตัวตนแล้วค่ะ หน่วยงานจะดำเนินการภายใน {time_to_act}\n"
            "เลขที่เรื่อง {reference}\nเรื่องนี้ไม่ได้เก็บข้อมูลติดต่อของท่าน จึงไม่มีการแจ้งความคืบหน้า "
            "และติดตามสถานะทางแชตไม่ได้ค่ะ",
            (MENU,),
        ),
        "sms": Reply("ส่งเรื่องถึง{agency_short}แบบไม่ระบุตัวตนแล้วค่ะ เลขที่ {reference} ไม่มีแจ้งความคืบหน้า", (MENU,)),
    },
    # …a matter told in full from an account that filed nothing here (reported to someone else, or
    # under no number we know): sorry, and it is taken as a new complaint (the form's next step follows).
    "complaint_told_elsewhere": {
        "default": Reply("ขออภัยที่เรื่องนี้ยังไม่ได้รับการแก้ไขค่ะ ไม่พบเรื่องเดิมที่แจ้งจากบัญชีนี้ จึงรับเป็นเรื่องใหม่นะคะ"),
        "sms": Reply("ขออภัยค่ะ ไม่พบเรื่องเดิมของเบอร์นี้ รับเป็นเรื่องใหม่นะคะ"),
    },
    # …the same for an upset message, whose own apology the form's next question opens with.
    "complaint_told_elsewhere_upset": {
        "default": Reply("ไม่พบเรื่องเดิมที่แจ้งจากบัญชีนี้ จึงรับเป็นเรื่องใหม่นะคะ"),
        "sms": Reply("ไม่พบเรื่องเดิมของเบอร์นี้ รับเป็นเรื่องใหม่นะคะ"),
    },
    # A new complaint whose category the account already has an open case in ("ไฟถนนดับ" again).
    "complaint_open_case": {
        "default": Reply(
            "เรื่องหมวดนี้ท่านแจ้งไว้แล้วเมื่อ {date} เลขที่ {reference} (สถานะ: {status}) "
            "ถ้าเป็นเรื่องเดียวกัน ไม่ต้องแจ้งซ้ำค่ะ กด “ยกเลิก” ได้เลย ถ้าเป็นอีกเรื่อง ตอบต่อด้านล่างได้เลยค่ะ"
        ),
        "sms": Reply("เรื่องหมวดนี้แจ้งไว้แล้ว เลขที่ {reference} ({status}) ถ้าเรื่องเดิม ตอบ ยกเลิก ได้เลยค่ะ"),
    },
    "en_complaint_open_case": {
        "default": Reply(
            "You already reported a matter of this kind, and it is still open: {reference}. If it is the "
            "same one, there is no need to report it again: just cancel. If it is another one, go on below."
        ),
    },
    "complaint_earlier_case": {
        "default": Reply(
            "ขออภัยที่เรื่องที่แจ้งไว้ยังไม่คืบหน้าค่ะ กด “ติดตามเรื่อง” เพื่อดูสถานะเรื่องของท่าน "
            "หรือคุยกับเจ้าหน้าที่ได้เลยค่ะ ถ้าเป็นเรื่องใหม่ กด “แจ้งเรื่องใหม่” ค่ะ",
            (TRACK, HUMAN, Button("แจ้งเรื่องใหม่", "/file_complaint")),
        ),
        "sms": Reply("ขออภัยที่เรื่องยังไม่คืบหน้าค่ะ ตอบ ติดตามเรื่อง เพื่อดูสถานะ", (TRACK, HUMAN)),
    },
    # …the same, for an account that filed cases: the apology, then their cases with their status.
    "complaint_earlier_case_mine": {
        "default": Reply("ขออภัยที่เรื่องที่แจ้งไว้ยังไม่คืบหน้าค่ะ ดิฉันดูสถานะเรื่องของท่านให้ตามนี้นะคะ"),
        "sms": Reply("ขออภัยที่เรื่องยังไม่คืบหน้าค่ะ"),
    },
    "en_complaint_earlier_case": {
        "default": Reply(
            "We are sorry your earlier complaint has not moved on yet. Tap “ติดตามเรื่อง” (track) to see "
            "its status, or talk to an officer. If this is a new matter, tap “แจ้งเรื่องใหม่” (new "
            "complaint).",
            (TRACK, HUMAN, Button("แจ้งเรื่องใหม่", "/file_complaint")),
        ),
        "sms": Reply("Sorry it has not moved on yet. Reply “ติดตามเรื่อง” to see its status.", (TRACK, HUMAN)),
    },
    "en_complaint_earlier_case_mine": {
        "default": Reply(
            "We are sorry your earlier complaint has not moved on yet. Here is the status of yours:"
        ),
        "sms": Reply("Sorry it has not moved on yet."),
    },
    # The category read from the first message is taken (no extra question): said on the first
    # question asked after it, with “เปลี่ยนหมวด” under it. {question}: that step's own question.
    # A new complaint told upset ("…ดับอีกแล้ว!!!"): said before its first question, the words never repeated.
    "complaint_apology_upset": {
        "default": Reply("ขออภัยที่เกิดปัญหานี้ขึ้นอีกและทำให้ไม่สะดวกค่ะ รับเรื่องให้ทันทีนะคะ"),
        "sms": Reply("ขออภัยในความไม่สะดวกค่ะ"),
    },
    "en_complaint_apology_upset": {
        "default": Reply("We are sorry for the trouble. Let us take your report now.")
    },
    "complaint_category_from_words": {
        "default": Reply("บันทึกเป็นหมวด “{label}” ค่ะ (ถ้าไม่ตรง กด “เปลี่ยนหมวด”)\n{question}"),
        "sms": Reply("หมวด{label} (ไม่ตรง ตอบ เปลี่ยนหมวด)\n{question}"),
    },
    # The category's own name (its button under that line), or ใช่, right after it: confirmed, said
    # so briefly, and the same step asked again (never added to the story).
    "complaint_category_confirmed": {
        "default": Reply("ยืนยันหมวด “{label}” แล้วค่ะ"),
        "sms": Reply("ยืนยันหมวด{label}แล้วค่ะ"),
    },
    # A field named and its new value typed at the summary: said back, then the summary again.
    "complaint_edit_taken": {
        "default": Reply("แก้{field}แล้วค่ะ"),
    },
    # "ยืนยัน" where a field opened by แก้ไข is asked again: the one the summary showed is kept.
    "complaint_edit_kept": {
        "default": Reply("ใช้{field}เดิมค่ะ"),
    },
    # "ส่งรูปทีหลังได้ไหม" at the photo step: yes, and how; the form goes on without one for now.
    "complaint_photo_later": {
        "default": Reply("ได้ค่ะ ข้ามไปก่อนนะคะ ได้รูปแล้วส่งมาในแชตนี้ได้ทุกเมื่อก่อนกด “ยืนยัน” จะแนบไปกับเรื่องให้ค่ะ"),
    },
    # The same asked at another step (or on a channel that cannot send photos here).
    "complaint_aside_photo_later": {
        "default": Reply("ได้ค่ะ ส่งรูปมาในแชตนี้ได้ทุกเมื่อก่อนกด “ยืนยัน” จะแนบไปกับเรื่องให้ค่ะ"),
        "web": Reply("ไม่ได้ค่ะ แชตนี้ยังแนบรูปไม่ได้ เล่าเป็นข้อความได้เลย เจ้าหน้าที่อาจขอรูปภายหลังค่ะ"),
        "sms": Reply("ไม่ได้ค่ะ SMS ส่งรูปไม่ได้ เจ้าหน้าที่อาจขอภายหลังค่ะ"),
    },
    # "แจ้งเรื่องแบบนี้เสียเงินมั้ยคะ": no fee; then the same step again.
    "complaint_aside_cost": {
        "default": Reply("ไม่เสียค่าใช้จ่ายค่ะ แจ้งเรื่องร้องเรียนได้ฟรี"),
    },
    # Consent to updates told before it was asked ("ไม่ต้องติดต่อกลับค่ะ" while the place is asked):
    # kept for its step, and the question asked now comes again.
    "complaint_kept_consent": {
        "default": Reply("รับทราบเรื่องการติดต่อกลับแล้วค่ะ"),
    },
    # Consent given with a phone number ("โทรกลับได้ 08…"): updates come on this channel; the number
    # typed is not kept.
    "complaint_consent_number_not_kept": {
        "default": Reply("หน่วยงานจะแจ้งความคืบหน้าทาง LINE นี้ค่ะ (เบอร์ที่พิมพ์มาไม่ได้เก็บไว้)"),
        "web": Reply("หน่วยงานจะแจ้งความคืบหน้าในแชตนี้ค่ะ (เบอร์ที่พิมพ์มาไม่ได้เก็บไว้)"),
        "sms": Reply("จะแจ้งทาง SMS เบอร์ที่ส่งข้อความนี้ค่ะ"),
    },
    # "ต้องส่งรูปด้วยไหม": no; a photo helps where the channel can send one.
    "complaint_aside_photo_needed": {
        "default": Reply("ไม่ต้องค่ะ ไม่มีรูปก็แจ้งเรื่องได้ ถ้ามีรูป ส่งมาในแชตนี้ได้เลย จะแนบไปกับเรื่องค่ะ"),
        "web": Reply("ไม่ต้องค่ะ ไม่มีรูปก็แจ้งเรื่องได้ (แชตนี้ยังแนบรูปไม่ได้)"),
        "sms": Reply("ไม่ต้องค่ะ ไม่ต้องส่งรูป"),
    },
    # A question aside about another agency's matter (an online scam, a water bill): who handles it
    # ({why}, {where} as in complaint_referral), then the same step of this complaint again.
    "complaint_aside_referral": {
        "default": Reply("เรื่องนั้นมีหน่วยงานที่ดูแลโดยตรงค่ะ ({why})\n{where}\nส่วนเรื่องที่กำลังแจ้งอยู่ ตอบต่อด้านล่างได้เลยค่ะ"),
        "sms": Reply("เรื่องนั้น{where} ส่วนเรื่องนี้ตอบต่อได้เลยค่ะ"),
    },
    # The first message tells of a matter another agency handles (actions/complaint_referral.py):
    # which agency and hotline ({where} from the service_not_covered_where replies), and a way to
    # file here all the same.
    "complaint_referral": {
        "default": Reply(
            "เรื่องนี้มีหน่วยงานที่ดูแลโดยตรงค่ะ ({why})\n{where}\n"
            "ถ้ายังต้องการส่งเรื่องผ่านช่องทางนี้ (ส่งถึงศูนย์ดำรงธรรม) กด “แจ้งเรื่องที่นี่” ค่ะ",
            (Button("แจ้งเรื่องที่นี่", "/file_complaint"), MENU),
        ),
        "sms": Reply("เรื่องนี้{where} หรือตอบ แจ้งเรื่องที่นี่", (Button("แจ้งเรื่องที่นี่", "/file_complaint"), MENU)),
    },
    # …the same where the agency named is the one this chat files to (ศูนย์ดำรงธรรม): no offer to file
    # here, which would only reach the same office.
    "complaint_referral_direct": {
        "default": Reply("เรื่องนี้มีหน่วยงานที่ดูแลโดยตรงค่ะ ({why})\n{where}", (MENU,)),
        "sms": Reply("เรื่องนี้{where}", (MENU,)),
    },
    "en_complaint_referral": {
        "default": Reply(
            "Another agency handles this directly: {where}.\n"
            "If you still want to send it through this chat (it goes to the Damrongdham Center), tap "
            "“แจ้งเรื่องที่นี่” (file here).",
            (Button("แจ้งเรื่องที่นี่", "/file_complaint"), MENU),
        ),
    },
    "en_complaint_referral_direct": {
        "default": Reply("Another agency handles this directly: {where}.", (MENU,)),
    },
    # A matter the form files, where another agency acts faster (the directory's `complaint: also`:
    # a water outage): said before the first step's question, and the form goes on.
    "complaint_faster_agency": {
        "default": Reply(
            "เรื่องนี้แจ้งหน่วยงานที่ดูแลโดยตรงจะแก้ได้เร็วกว่าค่ะ\n{where}\nส่วนเรื่องที่แจ้งที่นี่ ตอบต่อด้านล่างได้เลยค่ะ"
        ),
        "sms": Reply("แจ้งตรงจะเร็วกว่า: {where}"),
    },
    "en_complaint_faster_agency": {
        "default": Reply(
            "For this, calling {where} usually gets it fixed faster. Your complaint here goes on below."
        ),
    },
    "en_agency_with_hotline": {"default": Reply("the {agency} at {hotline}")},
    # The place step: a question asked back ("ทำไมต้องบอก", "อะไรนะ"), or not knowing ("ไม่รู้").
    "complaint_location_why": {
        "default": Reply(
            "ขอจุดที่เกิดเรื่องเพื่อให้เจ้าหน้าที่ไปถึงที่ได้ถูกค่ะ ไม่ต้องเป็นที่อยู่เต็ม "
            "บอกชื่อซอย ถนน หมู่บ้าน หรือจุดสังเกตใกล้ ๆ เช่น หน้าวัด ข้างตลาด ก็ได้ค่ะ"
        ),
        "sms": Reply("ขอจุดที่เกิดเรื่อง ให้เจ้าหน้าที่ไปถึงที่ได้ค่ะ บอกซอยหรือจุดสังเกตก็ได้"),
    },
    "complaint_location_unknown": {
        "default": Reply("ไม่ต้องเป็นที่อยู่เต็มค่ะ บอกจุดสังเกตใกล้ ๆ ที่เกิดเรื่องก็ได้ เช่น ชื่อซอย ร้าน วัด หรือโรงเรียน"),
        "sms": Reply("บอกจุดสังเกตใกล้ ๆ ก็ได้ค่ะ เช่น ชื่อซอย วัด"),
    },
    "complaint_cancelled": {
        "default": Reply("ยกเลิกแล้วค่ะ เรื่องนี้ยังไม่ได้ส่ง ต้องการให้ช่วยเรื่องอื่นไหมคะ", MAIN_MENU),
        "sms": Reply("ยกเลิกแล้วค่ะ", MAIN_MENU),
    },
    "complaint_handover": {
        "default": Reply("เรื่องที่กรอกไว้ยังไม่ได้ส่งค่ะ"),
    },
    "complaint_updates_line": {"default": Reply("หน่วยงานจะแจ้งความคืบหน้าทาง LINE นี้ค่ะ")},
    "complaint_updates_sms": {
        "default": Reply("หน่วยงานจะแจ้งความคืบหน้าทาง SMS เบอร์นี้ค่ะ"),
        "sms": Reply("จะแจ้งผลทาง SMS นี้ค่ะ"),
    },
    "complaint_updates_web": {
        "default": Reply("หน่วยงานจะแจ้งความคืบหน้าในแชตนี้ค่ะ กลับมาเปิดหน้านี้เพื่อดูข้อความ"),
    },
    "complaint_updates_none": {
        "default": Reply("จะไม่มีข้อความแจ้งความคืบหน้าส่งมา ติดตามเองได้ด้วยเลขที่เรื่องนี้ (กด “ติดตามเรื่อง”) ค่ะ"),
        "sms": Reply("ติดตามเองได้ด้วยเลขนี้ค่ะ"),
    },
    "complaint_updates_unreachable": {
        "default": Reply("ช่องทางนี้ส่งข้อความแจ้งความคืบหน้ากลับไม่ได้ ติดตามเองได้ด้วยเลขที่เรื่องนี้ (กด “ติดตามเรื่อง”) ค่ะ"),
        "sms": Reply("ติดตามเองได้ด้วยเลขนี้ค่ะ"),
    },
    # Questions about the complaint just filed in this conversation (actions/complaint_after.py):
    # answered about it — its agency and published time to act (cases/complaint_categories.yml) —
    # {updates}: where its notices go (complaint_updates_*), or complaint_after_no_updates when it
    # was filed anonymously.
    "complaint_after_time": {
        "default": Reply(
            "{agency} จะดำเนินการเรื่อง {reference} (หมวด{label}) ภายใน {time_to_act} "
            "ตามที่หน่วยงานประกาศไว้ค่ะ {updates}"
        ),
        "sms": Reply("เรื่อง {reference} ดำเนินการภายใน {time_to_act}ค่ะ"),
    },
    "complaint_after_next": {
        "default": Reply(
            "ไม่ต้องทำอะไรเพิ่มค่ะ เรื่อง {reference} ส่งถึง{agency} แล้ว เจ้าหน้าที่จะตรวจสอบและดำเนินการภายใน "
            "{time_to_act}ค่ะ {updates}"
        ),
        "sms": Reply("ไม่ต้องทำอะไรเพิ่มค่ะ หน่วยงานดำเนินการภายใน {time_to_act}ค่ะ"),
    },
    "complaint_after_who": {
        "default": Reply("{agency} เป็นผู้รับเรื่อง {reference} (หมวด{label}) และจะดำเนินการภายใน {time_to_act}ค่ะ"),
        "sms": Reply("เรื่อง {reference} ส่งถึง{agency} ค่ะ"),
    },
    "complaint_after_late": {
        "default": Reply(
            "{agency} จะดำเนินการภายใน {time_to_act}ค่ะ ถ้าเกินกำหนดแล้วยังไม่มีการดำเนินการ พิมพ์เลขที่เรื่อง "
            "{reference} เพื่อดูสถานะ หรือกด “คุยกับเจ้าหน้าที่” ได้ค่ะ",
            (HUMAN,),
        ),
        "sms": Reply("ถ้าเกิน {time_to_act} ตอบเลขที่เรื่อง {reference} เพื่อดูสถานะค่ะ", (HUMAN,)),
    },
    "complaint_after_late_anonymous": {
        "default": Reply(
            "{agency} จะดำเนินการภายใน {time_to_act}ค่ะ เรื่องนี้แจ้งแบบไม่ระบุตัวตน จึงดูสถานะทางแชตไม่ได้ "
            "ถ้าเกินกำหนดแล้วยังไม่มีการดำเนินการ กด “คุยกับเจ้าหน้าที่” แล้วแจ้งเลขที่เรื่อง {reference} ได้ค่ะ",
            (HUMAN,),
        ),
        "sms": Reply("ถ้าเกิน {time_to_act} ตอบ คุยกับเจ้าหน้าที่ แล้วแจ้งเลข {reference} ได้ค่ะ", (HUMAN,)),
    },
    "complaint_after_updates_on": {
        "default": Reply("แจ้งค่ะ เมื่อเรื่อง {reference} มีความคืบหน้า {updates}"),
    },
    "complaint_after_updates_off": {
        "default": Reply(
            "ไม่มีข้อความแจ้งค่ะ เพราะเรื่อง {reference} เลือกไม่รับการแจ้งความคืบหน้าไว้ "
            "ติดตามเองได้ด้วยเลขที่เรื่องนี้ (กด “ติดตามเรื่อง”) ค่ะ",
            (TRACK,),
        ),
        "sms": Reply("ไม่มีแจ้งค่ะ ติดตามเองด้วยเลข {reference} ค่ะ", (TRACK,)),
    },
    "complaint_after_updates_anonymous": {
        "default": Reply(
            "ไม่มีค่ะ เรื่อง {reference} แจ้งแบบไม่ระบุตัวตน ไม่ได้เก็บข้อมูลติดต่อของท่านไว้ จึงไม่มีการแจ้งความคืบหน้า "
            "และติดตามสถานะทางแชตไม่ได้ค่ะ {agency} จะดำเนินการภายใน {time_to_act}ค่ะ"
        ),
        "sms": Reply("ไม่มีค่ะ แจ้งแบบไม่ระบุตัวตน จึงไม่มีแจ้งความคืบหน้าค่ะ"),
    },
    "complaint_after_no_updates": {
        "default": Reply("เรื่องนี้แจ้งแบบไม่ระบุตัวตน จึงไม่มีการแจ้งความคืบหน้าค่ะ"),
    },
    "complaint_after_photo": {
        "default": Reply(
            "เรื่อง {reference} ส่งไปแล้ว จึงแนบรูปเพิ่มทางแชตนี้ไม่ได้ค่ะ ถ้ามีรูปหรือข้อมูลเพิ่ม กด “คุยกับเจ้าหน้าที่” "
            "แล้วแจ้งเลขที่เรื่องนี้ได้ค่ะ",
            (HUMAN,),
        ),
        "sms": Reply("เรื่องที่ส่งแล้วแนบรูปไม่ได้ค่ะ ตอบ คุยกับเจ้าหน้าที่ แล้วแจ้งเลข {reference} ได้ค่ะ", (HUMAN,)),
    },
    "complaint_after_change": {
        "default": Reply(
            "เรื่อง {reference} ส่งไปแล้ว จึงแก้ไขทางแชตนี้ไม่ได้ค่ะ ถ้าต้องการเพิ่มหรือแก้ข้อมูล กด “คุยกับเจ้าหน้าที่” "
            "แล้วแจ้งเลขที่เรื่องนี้ได้ค่ะ",
            (HUMAN,),
        ),
        "sms": Reply("เรื่องที่ส่งแล้วแก้ไม่ได้ค่ะ ตอบ คุยกับเจ้าหน้าที่ แล้วแจ้งเลข {reference} ได้ค่ะ", (HUMAN,)),
    },
    "complaint_after_reference": {
        "default": Reply("เลขที่เรื่องของท่านคือ {reference} ค่ะ\n(อ่านว่า {spoken})"),
        "sms": Reply("เลขที่เรื่อง {reference} ค่ะ"),
    },
    # "ขอบคุณค่ะ" / "โอเค" right after filing, for a citizen writing English (Thai: utter_thank,
    # service_ok_more).
    "en_complaint_after_thank": {
        "default": Reply("You are welcome. Is there anything else I can help with?")
    },
    "en_complaint_after_ok": {"default": Reply("OK. Ask me anything else at any time.")},
    "complaint_after_cancel": {
        "default": Reply(
            "เรื่อง {reference} ส่งถึง{agency} แล้ว จึงยกเลิกเองทางแชตไม่ได้ค่ะ ถ้าต้องการถอนเรื่อง กด “คุยกับเจ้าหน้าที่” "
            "แล้วแจ้งเลขที่เรื่องนี้ได้ค่ะ",
            (HUMAN,),
        ),
        "sms": Reply("เรื่องที่ส่งแล้วยกเลิกเองไม่ได้ค่ะ ตอบ คุยกับเจ้าหน้าที่ แล้วแจ้งเลข {reference} ได้ค่ะ", (HUMAN,)),
    },
    # The complaint form's questions, summary and ending in English, for a citizen who writes in
    # English (actions/complaint.py: english_key); the buttons stay the Thai answers they send.
    "en_complaint_category_from_words": {
        "default": Reply(
            "Filed under “{label}” (“{thai}”; if that is wrong, tap “เปลี่ยนหมวด” to change it).\n{question}"
        ),
        "sms": Reply("Category: {label} (wrong? reply “เปลี่ยนหมวด”)\n{question}"),
    },
    "en_complaint_category_confirmed": {
        "default": Reply("Category “{label}” confirmed."),
    },
    "en_ask_complaint_category": {
        "default": Reply(
            "What is your complaint about? Please choose a category below.",
            (*(Button(label, label) for label in COMPLAINT_CATEGORIES.values()), CANCEL),
        ),
    },
    "en_ask_complaint_category_guess": {
        "default": Reply("Is it about “{label}”? Tap “ใช่” (yes) or choose another category below."),
    },
    "en_ask_complaint_description": {
        "default": Reply(
            "Please tell me briefly what happened, e.g. the street lights in the soi have been off "
            "for 3 days.",
            (CANCEL,),
        ),
        "sms": Reply("Please tell me briefly what happened.", (CANCEL,)),
    },
    "en_ask_complaint_location": {
        "default": Reply(
            "Where is it? Type the address or a landmark (soi, road, district, province).", (CANCEL,)
        ),
        "line": Reply("Where is it? Share a location (tap + then Location) or type the address.", (CANCEL,)),
        "sms": Reply("Where is it? Type a short address.", (CANCEL,)),
    },
    "en_ask_complaint_photo": {
        "default": Reply("Do you have a photo? Send one, or tap “ไม่มีรูป” (no photo).", (NO_PHOTO_BUTTON,)),
    },
    "en_ask_contact_consent": {
        "default": Reply(
            "May the agency send you progress updates on this complaint here? "
            "(You can stop them at any time.) Tap “ยินยอม” (yes) or “ไม่ยินยอม” (no).",
            CONSENT_BUTTONS,
        ),
        "sms": Reply(
            "May we text you progress updates on this number? (Reply STOP to stop.)", CONSENT_BUTTONS
        ),
    },
    "en_ask_complaint_confirm": {
        "default": Reply(
            "Please check before sending:\nCategory: {category}\nWhat: {description}\nWhere: {location}\n"
            "{photo_line}Progress updates: {consent}\nSent to: {agency}\n"
            "Is this right? Tap “ยืนยัน” (confirm) to send, or “แก้ไข” (edit) to change one item.",
            CONFIRM_BUTTONS,
        ),
        "sms": Reply(
            "Send complaint ({category}): {short_description}? Reply “ยืนยัน” to confirm.", CONFIRM_BUTTONS
        ),
    },
    "en_complaint_filed": {
        "default": Reply(
            "Your complaint has been sent to {agency}; they act on it within {time_to_act}.\n"
            "Reference: {reference}\nKeep this number to follow your complaint. {updates}",
            (TRACK, MENU),
        ),
        "sms": Reply(
            "Complaint received. Reference {reference}, action within {time_to_act}. {updates}", (TRACK, MENU)
        ),
    },
    "en_complaint_filed_anonymous": {
        "default": Reply(
            "Your complaint has been sent to {agency} anonymously; they act on it within {time_to_act}.\n"
            "Reference: {reference}\nNo contact details were kept, so there will be no progress updates and "
            "the status cannot be looked up in the chat.",
            (MENU,),
        ),
    },
    "en_complaint_category_taken": {
        "default": Reply("Filed under “{label}”; you can change it before sending (tap “แก้ไข”)."),
    },
    "en_complaint_consent_unclear": {
        "default": Reply("Please tap “ยินยอม” (yes) or “ไม่ยินยอม” (no), or type yes or no."),
    },
    "en_complaint_consent_unclear_again": {
        "default": Reply(
            "If you are not sure, answer no: the complaint is still sent and you can follow it with its "
            "reference. Or type “cancel” to stop."
        ),
    },
    "en_complaint_cancelled": {
        "default": Reply("Cancelled. Nothing was sent. Is there anything else I can help with?", MAIN_MENU),
    },
    "en_complaint_updates_line": {"default": Reply("Updates will come on this LINE chat.")},
    "en_complaint_updates_sms": {"default": Reply("Updates will come by SMS to this number.")},
    "en_complaint_updates_web": {
        "default": Reply("Updates will appear in this chat when you open this page again.")
    },
    "en_complaint_updates_none": {
        "default": Reply(
            "No updates will be sent; you can follow it yourself with the reference (tap “ติดตามเรื่อง”)."
        )
    },
    "en_complaint_updates_unreachable": {
        "default": Reply(
            "This channel cannot receive updates; you can follow it yourself with the reference "
            "(tap “ติดตามเรื่อง”)."
        )
    },
    "en_complaint_after_time": {
        "default": Reply(
            "{agency} acts on complaint {reference} ({label}) within {time_to_act}, as the agency has "
            "published. {updates}"
        ),
    },
    "en_complaint_after_next": {
        "default": Reply(
            "Nothing more is needed from you. Complaint {reference} has gone to {agency}; an officer will "
            "look into it and act within {time_to_act}. {updates}"
        ),
    },
    "en_complaint_after_who": {
        "default": Reply(
            "{agency} handles complaint {reference} ({label}); they act on it within {time_to_act}."
        ),
    },
    "en_complaint_after_late": {
        "default": Reply(
            "{agency} acts on it within {time_to_act}. If nothing has been done by then, type the reference "
            "{reference} to see its status, or tap “คุยกับเจ้าหน้าที่” (talk to an officer).",
            (HUMAN,),
        ),
    },
    "en_complaint_after_late_anonymous": {
        "default": Reply(
            "{agency} acts on it within {time_to_act}. It was filed anonymously, so its status cannot be "
            "looked up in the chat; if nothing has been done by then, tap “คุยกับเจ้าหน้าที่” (talk to an "
            "officer) and give the reference {reference}.",
            (HUMAN,),
        ),
    },
    "en_complaint_after_updates_on": {
        "default": Reply("Yes. When complaint {reference} moves on, you will be told. {updates}"),
    },
    "en_complaint_after_updates_off": {
        "default": Reply(
            "No messages will be sent: you chose no progress updates for complaint {reference}. You can "
            "follow it yourself with the reference (tap “ติดตามเรื่อง”).",
            (TRACK,),
        ),
    },
    "en_complaint_after_updates_anonymous": {
        "default": Reply(
            "No. Complaint {reference} was filed anonymously: no contact details were kept, so there are "
            "no progress updates and the status cannot be looked up in the chat. {agency} acts on it "
            "within {time_to_act}."
        ),
    },
    "en_complaint_after_no_updates": {
        "default": Reply("It was filed anonymously, so there will be no progress updates."),
    },
    "en_complaint_after_photo": {
        "default": Reply(
            "Complaint {reference} has already been sent, so a photo cannot be added in this chat. To add "
            "a photo or details, tap “คุยกับเจ้าหน้าที่” (talk to an officer) and give the reference.",
            (HUMAN,),
        ),
    },
    "en_complaint_after_change": {
        "default": Reply(
            "Complaint {reference} has already been sent, so it cannot be changed in this chat. To add or "
            "correct details, tap “คุยกับเจ้าหน้าที่” (talk to an officer) and give the reference.",
            (HUMAN,),
        ),
    },
    "en_complaint_after_reference": {"default": Reply("Your complaint's reference is {reference}.")},
    "en_complaint_after_cancel": {
        "default": Reply(
            "Complaint {reference} has already gone to {agency}, so it cannot be cancelled in the chat. To "
            "withdraw it, tap “คุยกับเจ้าหน้าที่” (talk to an officer) and give the reference.",
            (HUMAN,),
        ),
    },
    # The form's hints and side answers for a citizen who opened the complaint in English.
    "en_complaint_category_unknown": {
        "default": Reply(
            "Please choose a category from the buttons below; if none fits, choose “เรื่องอื่น ๆ” (other)."
        ),
    },
    "en_complaint_description_too_short": {
        "default": Reply("Please add a little more: at least one sentence about what happened."),
    },
    "en_complaint_description_too_long": {
        "default": Reply(
            "That is longer than {max} characters. Please send a shorter summary; you can tell the "
            "officer more later."
        ),
    },
    "en_complaint_location_too_short": {
        "default": Reply("Please give a clearer address or a landmark nearby."),
    },
    "en_complaint_location_too_long": {
        "default": Reply("That address is too long. Please keep it under 300 characters."),
    },
    "en_complaint_location_outside_thailand": {
        "default": Reply(
            "That location is outside Thailand; complaints here are for places in Thailand. Send "
            "another location or type the address."
        ),
    },
    "en_complaint_location_unreadable": {
        "default": Reply("I could not read that location. Please send it again or type the address."),
    },
    "en_complaint_photo_skipped": {
        "default": Reply(
            "Let us go on without a photo for now; to add one, tap “แก้ไข” (edit) at the summary."
        ),
    },
    "en_complaint_photo_missing": {
        "default": Reply("No photo received yet. Send a photo, or tap “ไม่มีรูป” (no photo)."),
    },
    "en_complaint_photo_not_image": {
        "default": Reply(
            "That file is not a photo I can take (JPEG or PNG). Send another photo, or tap “ไม่มีรูป” "
            "(no photo)."
        ),
    },
    "en_complaint_photo_too_large": {
        "default": Reply(
            "That photo is too large (over {mb} MB). Send a smaller one, or tap “ไม่มีรูป” (no photo)."
        ),
    },
    "en_complaint_photo_fetch_failed": {
        "default": Reply("The photo did not come through. Please send it again, or tap “ไม่มีรูป” (no photo)."),
    },
    "en_complaint_photo_unavailable": {
        "default": Reply(
            "This channel cannot take photos yet. Please describe it in words; the officer may ask "
            "for a photo later."
        ),
    },
    "en_complaint_kept_image": {
        "default": Reply("Photo received; it will be attached to this complaint."),
    },
    "en_complaint_kept_location": {
        "default": Reply("Location received."),
    },
    "en_complaint_kept_sticker": {
        "default": Reply("Sticker received."),
    },
    "en_complaint_kept_place": {
        "default": Reply("Place noted."),
    },
    "en_complaint_kept_detail": {
        "default": Reply("Added to your complaint."),
    },
    "en_complaint_description_stuck": {
        "default": Reply(
            "One short sentence is enough, e.g. “the light in front of my house is out”. Or type "
            "“คุยกับเจ้าหน้าที่เลย” for an officer, or “cancel” to stop."
        ),
    },
    "en_complaint_location_stuck": {
        "default": Reply(
            "A landmark nearby is enough, e.g. a soi, shop or temple name. Or type "
            "“คุยกับเจ้าหน้าที่เลย” for an officer, or “cancel” to stop."
        ),
    },
    "en_complaint_category_changed": {
        "default": Reply(
            "From what you told me, I changed the category to “{label}”; you can change it at the summary."
        ),
    },
    "en_complaint_guess_unclear": {
        "default": Reply(
            "If that is right, tap “ใช่” (yes) or go on telling me; if not, choose a better category."
        ),
    },
    "en_complaint_aside_anonymous_ok": {
        "default": Reply(
            "Yes. This category can be filed anonymously: no name or contact is kept, so there are no "
            "progress updates and the status cannot be followed in the chat (you can change this at "
            "the summary)."
        ),
    },
    "en_complaint_aside_anonymous_ok_later": {
        "default": Reply(
            "Yes. This category can be filed anonymously: at the question about progress updates, tap "
            "“ไม่ระบุตัวตน” (anonymous). No name or contact is then kept, so the person complained "
            "about cannot learn who reported it."
        ),
    },
    "en_complaint_aside_not_told_who": {
        "default": Reply(
            "No. The person complained about is not told who reported it; only the officers handling it see "
            "your details. To keep no name or contact at all, tap “ไม่ระบุตัวตน” (anonymous) at the question "
            "about progress updates."
        ),
    },
    "en_complaint_aside_anonymous_later": {
        "default": Reply(
            "Many categories can be filed anonymously. Choose the category first; when asked about "
            "progress updates, tap “ไม่ระบุตัวตน” (anonymous). Your contact is never shown to the "
            "person complained about."
        ),
    },
    "en_complaint_aside_anonymous_not_allowed": {
        "default": Reply(
            "For this category the agency may need to contact you for details, so a contact is kept. "
            "Only the officer handling it can see it, never the person complained about."
        ),
    },
    "en_complaint_aside_location_private": {
        "default": Reply(
            "I am asking where it happened, not your home. A landmark nearby is enough, e.g. a soi, a "
            "shop or a lamp post."
        ),
    },
    "en_complaint_aside_time": {
        "default": Reply(
            "A “{label}” complaint is acted on within {time_to_act}, as the agency has published."
        )
    },
    "en_complaint_aside_next": {
        "default": Reply(
            "When you tap “ยืนยัน” (confirm), the complaint goes to the agency in charge; you get a reference "
            "to follow it, and they act on it within {time_to_act}."
        )
    },
    "en_complaint_aside_time_later": {
        "default": Reply(
            "The time depends on the category: the agencies publish from {shortest} to {longest}. Once "
            "it is chosen I will tell you the time for that category."
        ),
    },
    "en_complaint_aside_next_later": {
        "default": Reply(
            "When everything is answered and you tap “ยืนยัน” (confirm), the complaint goes to the "
            "agency in charge; you get a reference to follow it and the time they take."
        ),
    },
    "en_complaint_aside_data": {
        "default": Reply(
            "Your complaint goes only to the officers of the agency that handles it. Your contact is "
            "used only for updates on it, kept encrypted, never shown to the person complained about, "
            "and you can have it deleted at any time."
        ),
    },
    "en_complaint_aside_human": {
        "default": Reply(
            "Your complaint has not been sent yet; a few more questions and the agency's officers "
            "will act on it. To talk to an officer now instead, tap “คุยกับเจ้าหน้าที่เลย” (what you "
            "typed will not be sent).",
            (HANDOVER_NOW_BUTTON,),
        ),
    },
    "en_complaint_aside_no_photo": {
        "default": Reply("You can file a complaint without a photo."),
    },
    "en_complaint_aside_greet": {
        "default": Reply(
            "Hello. We are in the middle of your complaint: please answer the question below, or type "
            "“cancel” to stop."
        ),
    },
    "en_complaint_cancel_hint": {
        "default": Reply(
            "To cancel this complaint, tap “ยกเลิก” (cancel) or type cancel. Otherwise please answer "
            "the question below."
        ),
    },
    "en_complaint_consent_taken_as_no": {
        "default": Reply(
            "I have noted no progress updates for now; you can change it at the summary (tap “แก้ไข”)."
        ),
    },
    "en_complaint_confirm_unclear": {
        "default": Reply(
            "Tap “ยืนยัน” (confirm) to send, “แก้ไข” (edit) to change an item, or “ยกเลิก” (cancel)."
        ),
    },
    "en_complaint_edit_unclear": {
        "default": Reply("Please choose the item to change."),
    },
    "en_complaint_edit_taken": {
        "default": Reply("Changed."),
    },
    "en_complaint_edit_kept": {
        "default": Reply("Kept as it was."),
    },
    "en_complaint_photo_later": {
        "default": Reply(
            "Fine, let us go on. Send the photo in this chat any time before you confirm and it will "
            "be attached."
        ),
    },
    "en_complaint_aside_photo_later": {
        "default": Reply(
            "Yes. Send the photo in this chat any time before you confirm and it will be attached."
        ),
    },
    "en_complaint_aside_cost": {
        "default": Reply("No, filing a complaint is free."),
    },
    "en_complaint_kept_consent": {
        "default": Reply("Noted about contacting you."),
    },
    "en_complaint_consent_number_not_kept": {
        "default": Reply("Updates will come in this chat (the number you typed was not kept)."),
    },
    "en_complaint_aside_photo_needed": {
        "default": Reply(
            "No, a photo is not needed. If you have one, send it in this chat and it will be attached."
        ),
    },
    "en_complaint_location_why": {
        "default": Reply(
            "I need the place so the officers can find it. No full address needed: a soi, road, "
            "village or a landmark nearby is enough."
        ),
    },
    "en_complaint_location_unknown": {
        "default": Reply(
            "No full address needed: a landmark near where it happened is enough, e.g. a soi, shop, "
            "temple or school."
        ),
    },
    "complaint_unavailable": {
        "default": Reply(
            "ขออภัยค่ะ ตอนนี้ระบบรับเรื่องร้องเรียนในแชตนี้ยังไม่พร้อมให้บริการ จึงยังไม่ได้ส่งเรื่องและไม่ได้เก็บข้อมูลไว้ค่ะ "
            "แจ้งได้ที่สายด่วน 1111 หรือคุยกับเจ้าหน้าที่ค่ะ",
            (HUMAN, MENU),
        ),
        "sms": Reply("ขออภัยค่ะ ระบบรับเรื่องไม่พร้อม ยังไม่ได้ส่งเรื่อง แจ้ง 1111", (HUMAN, MENU)),
    },
    "complaint_failed": {
        "default": Reply(
            "ขออภัยค่ะ ระบบขัดข้อง เรื่องนี้ยังไม่ได้ส่ง ลองแจ้งใหม่อีกครั้งภายหลัง หรือคุยกับเจ้าหน้าที่ค่ะ",
            (Button("แจ้งใหม่", "/file_complaint"), HUMAN, MENU),
        ),
        "sms": Reply("ขออภัยค่ะ ระบบขัดข้อง ยังไม่ได้ส่งเรื่อง ลองใหม่ภายหลัง", (HUMAN, MENU)),
    },
    "complaint_not_sent": {
        "default": Reply("ยังไม่ได้ส่งเรื่องค่ะ ต้องการให้ช่วยเรื่องใดคะ", MAIN_MENU),
    },
    # personal data: delete my contact data (actions/erasure.py)
    "contact_data_erased": {
        "default": Reply(
            "ลบข้อมูลติดต่อของคุณแล้วค่ะ ({count} เรื่อง) จะไม่มีแจ้งเตือนเรื่องเหล่านั้นส่งมาอีก "
            "เนื้อหาเรื่องยังอยู่กับหน่วยงานโดยไม่มีข้อมูลติดต่อค่ะ",
            (MENU,),
        ),
        "sms": Reply("ลบเบอร์นี้ออกจาก {count} เรื่องแล้ว จะไม่มี SMS แจ้งเตือนอีกค่ะ", (MENU,)),
    },
    "contact_data_nothing_to_erase": {
        "default": Reply(
            "ไม่พบข้อมูลติดต่อจากแชตนี้ในเรื่องที่แจ้งไว้ค่ะ จึงไม่มีอะไรต้องลบ "
            "ถ้าเคยแจ้งเรื่องจากช่องทางอื่น ขอลบจากช่องทางนั้น หรือคุยกับเจ้าหน้าที่ได้ค่ะ",
            (HUMAN, MENU),
        ),
        "line": Reply(
            "ไม่พบข้อมูลติดต่อของบัญชี LINE นี้ในเรื่องที่แจ้งไว้ค่ะ จึงไม่มีอะไรต้องลบ "
            "ถ้าเคยแจ้งเรื่องจากช่องทางอื่น ขอลบจากช่องทางนั้น หรือคุยกับเจ้าหน้าที่ได้ค่ะ",
            (HUMAN, MENU),
        ),
        "sms": Reply("ไม่พบเบอร์นี้ในเรื่องที่แจ้งไว้ค่ะ ไม่มีอะไรต้องลบ", (HUMAN, MENU)),
    },
    # no case held the asker's contact, but their chats with staff or call-back requests did
    "handover_data_erased": {
        "default": Reply(
            "ลบข้อความที่คุณคุยกับเจ้าหน้าที่และเบอร์ที่ขอให้โทรกลับแล้วค่ะ ส่วนเรื่องที่แจ้งไว้ไม่พบข้อมูลติดต่อจากแชตนี้ค่ะ",
            (MENU,),
        ),
        "sms": Reply("ลบเบอร์และข้อความที่คุยกับเจ้าหน้าที่แล้วค่ะ", (MENU,)),
    },
    "contact_data_erase_failed": {
        "default": Reply(
            "ขออภัยค่ะ ระบบขัดข้อง ยังลบข้อมูลไม่ได้และยังไม่มีอะไรถูกเปลี่ยน ลองใหม่ภายหลัง หรือคุยกับเจ้าหน้าที่ค่ะ",
            (HUMAN, MENU),
        ),
        "sms": Reply("ขออภัยค่ะ ระบบขัดข้อง ยังลบไม่ได้ ลองใหม่ภายหลัง", (HUMAN, MENU)),
    },
    "personal_data_unavailable": {
        "default": Reply(
            "ขออภัยค่ะ บริการนี้ยังไม่เปิดในช่องทางนี้ตอนนี้ ถ้าต้องการลบข้อมูลติดต่อ คุยกับเจ้าหน้าที่ได้ค่ะ",
            (HUMAN, MENU),
        ),
        "sms": Reply("ขออภัยค่ะ บริการนี้ยังไม่เปิดตอนนี้", (HUMAN, MENU)),
    },
    # service conversations (B2): "โอเค" after an answer; a topic outside the bot with no agency found
    "service_ok_more": {
        "default": Reply("ค่ะ 😊 ถ้ามีอะไรสงสัยเพิ่ม ถามต่อได้เลยนะคะ"),
        "sms": Reply("ค่ะ ถามต่อได้เลยนะคะ"),
    },
    "service_out_of_scope": {
        "default": Reply(
            "ขออภัยค่ะ เรื่องนี้อยู่นอกขอบเขตที่ช่วยได้ ดิฉันตอบเรื่องบริการของรัฐ ติดตามเรื่อง และรับเรื่องร้องเรียนค่ะ",
            MAIN_MENU,
        ),
        "sms": Reply("ขออภัยค่ะ ช่วยได้เฉพาะเรื่องบริการของรัฐค่ะ", MAIN_MENU),
    },
    # service answers (actions/service*.py). Headings end in ค่ะ so each line reads as the bot's voice.
    "service_unsure": {
        "default": Reply("ขออภัยค่ะ ยังไม่แน่ใจว่าหมายถึงบริการใด บริการที่ใกล้เคียงมีด้านล่างนี้ค่ะ หรือเลือกคุยกับเจ้าหน้าที่ได้ค่ะ"),
        "sms": Reply("ยังไม่แน่ใจว่าหมายถึงบริการใดค่ะ เลือกด้านล่างได้ค่ะ"),
    },
    # Several services named at once, the citizen asking which to see to first: each, as a choice.
    "service_compare": {
        "default": Reply("เป็นคนละบริการกันค่ะ เลือกดูรายละเอียดของแต่ละบริการได้ด้านล่างค่ะ"),
    },
    "en_service_compare": {
        "default": Reply("These are separate services. Choose one below to see its details."),
    },
    "service_which_first": {
        "default": Reply("เป็นคนละเรื่อง ยื่นแยกกันค่ะ เลือกเรื่องที่จะดูก่อนได้เลย แล้วกลับมาดูอีกเรื่องได้ค่ะ"),
    },
    "en_service_which_first": {
        "default": Reply(
            "These are separate applications. Choose the one to look at first; "
            "you can come back to the other."
        ),
    },
    "service_which": {
        "default": Reply(
            "ต้องการสอบถามบริการใดคะ พิมพ์ชื่อบริการหรือเล่าเรื่องที่เกิดขึ้นได้เลยค่ะ เช่น ต่อใบขับขี่ ทำพาสปอร์ต ลูกเพิ่งคลอด"
        ),
        "sms": Reply("สอบถามบริการใดคะ พิมพ์ชื่อบริการได้เลยค่ะ"),
    },
    # Before "who handles it" for an angry or rude message ("ไอ้… ไฟดับไม่ทำอะไรเลย").
    "service_apology_upset": {"default": Reply("ขออภัยที่ทำให้ไม่สะดวกค่ะ")},
    "en_service_apology_upset": {"default": Reply("Sorry for the trouble.")},
    "service_not_covered": {
        "default": Reply("เรื่องนี้ยังไม่อยู่ในบริการที่ตอบได้ค่ะ {where}"),
        "sms": Reply("เรื่องนี้ยังตอบไม่ได้ค่ะ {where}"),
    },
    "service_not_covered_emergency": {"default": Reply("เหตุด่วนเหตุร้ายโทร {emergency} ค่ะ")},
    "service_not_covered_where": {
        "default": Reply("ติดต่อ{agency} โทร {hotline} ได้ค่ะ"),
    },
    "service_not_covered_where_visit": {
        "default": Reply("ติดต่อ{agency}ได้ค่ะ"),
    },
    "service_not_covered_also_bangkok_metro_visit": {
        "default": Reply("ถ้าอยู่กรุงเทพฯ นนทบุรี หรือสมุทรปราการ ติดต่อ{agency}ค่ะ"),
    },
    "service_not_covered_also_provincial_visit": {
        "default": Reply("ถ้าอยู่ต่างจังหวัด ติดต่อ{agency}ค่ะ"),
    },
    "service_not_covered_also_bangkok_metro": {
        "default": Reply("ถ้าอยู่กรุงเทพฯ นนทบุรี หรือสมุทรปราการ ติดต่อ{agency} โทร {hotline} ค่ะ"),
    },
    "service_not_covered_also_provincial": {
        "default": Reply("ถ้าอยู่ต่างจังหวัด ติดต่อ{agency} โทร {hotline} ค่ะ"),
    },
    "service_not_covered_generic": {
        "default": Reply("สอบถามศูนย์บริการข้อมูลภาครัฐ โทร 1111 หรือคุยกับเจ้าหน้าที่ได้ค่ะ"),
        "sms": Reply("สอบถามสายด่วน 1111 ค่ะ"),
    },
    "service_twins": {
        "default": Reply("{question}"),
    },
    "service_twins_default_question": {
        "default": Reply("หมายถึงเรื่องไหนคะ เลือกด้านล่างได้เลยค่ะ"),
    },
    "en_life_event_checklist": {
        "default": Reply("{title}: what to do, in order\n{steps}\nTap an item below for its details."),
    },
    "life_event_checklist": {
        "default": Reply("{title} สิ่งที่ควรทำตามลำดับค่ะ\n{steps}\nกดหัวข้อด้านล่างเพื่อดูรายละเอียดแต่ละเรื่องได้ค่ะ"),
        "sms": Reply("{title} ทำตามลำดับค่ะ\n{steps}"),
    },
    # the parts of an answer; {items} is a list the action builds
    "answer_documents": {"default": Reply("เอกสารที่ใช้ค่ะ\n{items}")},
    "answer_fees": {"default": Reply("ค่าธรรมเนียมค่ะ\n{items}")},
    "answer_no_fee": {"default": Reply("ไม่มีค่าธรรมเนียมที่ระบุไว้ค่ะ")},
    "answer_benefits": {"default": Reply("เงินที่ได้รับค่ะ\n{items}")},
    "answer_amount_item": {"default": Reply("{label} {amount}ค่ะ{mark}")},
    "answer_place": {"default": Reply("ยื่นได้ที่ค่ะ\n{items}")},
    "answer_office_hours": {"default": Reply("เวลาทำการ {hours} ค่ะ")},
    "answer_time": {"default": Reply("ใช้เวลา {time}ค่ะ")},
    "answer_eligibility": {"default": Reply("ผู้มีสิทธิ/คุณสมบัติค่ะ: {text}")},
    "answer_online": {"default": Reply("ช่องทางออนไลน์ค่ะ\n{items}")},
    "answer_online_url": {"default": Reply("เว็บไซต์ {url} ค่ะ")},
    "answer_no_online": {
        "default": Reply("ยังไม่มีช่องทางออนไลน์สำหรับบริการนี้ค่ะ ต้องไปยื่นที่หน่วยงาน"),
        "sms": Reply("ยังไม่มีช่องทางออนไลน์ค่ะ"),
    },
    "list_more": {"default": Reply("…และอื่น ๆ ค่ะ"), "sms": Reply("…และอื่น ๆ ค่ะ")},
    "date_not_stated": {"default": Reply("ไม่ระบุค่ะ")},
    "answer_missing": {
        "default": Reply("ยังไม่มีข้อมูลเรื่อง{aspect}ของบริการนี้ค่ะ สอบถามหน่วยงานโดยตรงได้ค่ะ"),
    },
    # "กู้กยศได้ไหม": the service itself asked for; {rule}: who may, from the record.
    "answer_yes_if_eligible": {"default": Reply("ได้ค่ะ ถ้ามีคุณสมบัติตามนี้: {rule}")},
    "answer_not_stated": {
        "default": Reply("ข้อมูลของบริการนี้ไม่ได้ระบุเรื่องนี้ไว้ค่ะ สอบถาม{agency}โดยตรงจะได้คำตอบที่แน่นอนค่ะ"),
        "sms": Reply("ข้อมูลไม่ได้ระบุเรื่องนี้ค่ะ ถาม{agency}โดยตรง"),
    },
    "answer_not_stated_call": {
        "default": Reply("ข้อมูลของบริการนี้ไม่ได้ระบุเรื่องนี้ไว้ค่ะ สอบถาม{agency} โทร {hotline} จะได้คำตอบที่แน่นอนค่ะ"),
        "sms": Reply("ข้อมูลไม่ได้ระบุเรื่องนี้ค่ะ ถาม{agency} โทร {hotline}"),
    },
    "answer_advised": {"default": Reply("ไม่บังคับค่ะ แต่แนะนำ:")},
    "answer_online_partly": {"default": Reply("ไม่ได้ทั้งหมดค่ะ บางขั้นตอนยังต้องไปด้วยตนเอง")},
    "answer_free_when": {"default": Reply("ไม่เสียค่าธรรมเนียมค่ะ กรณี{case}")},
    "answer_yes_can": {"default": Reply("ได้ค่ะ")},
    "answer_no_cannot": {"default": Reply("ไม่ได้ค่ะ")},
    # a graded rule's step the citizen's duration falls in; the steps that require what was asked
    "answer_graded_step": {"default": Reply("กรณี{subject}{bound} {consequence}ค่ะ")},
    "answer_graded_only": {"default": Reply("{consequence} เฉพาะกรณี{subject}{bound}ค่ะ")},
    "answer_any_age": {"default": Reply("ได้ค่ะ ทุกช่วงอายุ ถ้าคุณสมบัติอื่นครบ: {rule}")},
    "answer_age_meets": {"default": Reply("ได้ค่ะ อายุ {age} ปีถึงเกณฑ์แล้ว ถ้าคุณสมบัติอื่นครบ: {rule}")},
    "answer_age_over": {"default": Reply("ไม่ได้ค่ะ อายุ {age} ปีเกินเกณฑ์ของบริการนี้ (ไม่เกิน {limit} ปี) ค่ะ")},
    "answer_contact": {"default": Reply("ติดต่อ{agency} โทร {hotline} ค่ะ")},
    "answer_yes_must": {"default": Reply("ต้องค่ะ")},
    "answer_no_need": {"default": Reply("ไม่ต้องค่ะ")},
    "answer_yes": {"default": Reply("ใช่ค่ะ")},
    "answer_no": {"default": Reply("ไม่ใช่ค่ะ")},
    "answer_yes_have": {"default": Reply("มีค่ะ")},
    "answer_no_have": {"default": Reply("ไม่มีค่ะ")},
    "answer_has_fee": {"default": Reply("มีค่าธรรมเนียมค่ะ")},
    "answer_free": {"default": Reply("ไม่เสียค่าธรรมเนียมค่ะ")},
    "answer_late_fee_due": {"default": Reply("มีค่ะ เกินกำหนดแล้ว {fee}ค่ะ")},
    "answer_late_fee_not_yet": {"default": Reply("ยังไม่มีค่ะ ค่าปรับเริ่มเมื่อเกิน {bound}ค่ะ")},
    "answer_has_late_fee": {"default": Reply("มีค่ะ ถ้าทำหรือชำระเกินกำหนดมีค่าปรับหรือเงินเพิ่มตามนี้ค่ะ")},
    "answer_place_listed": {"default": Reply("ได้ค่ะ ยื่นได้ที่ “{office}” ค่ะ")},
    "answer_place_confirmed": {"default": Reply("ใช่ค่ะ ยื่นได้ที่ “{office}” ค่ะ")},
    # a can-question an FAQ answers with another way that must be taken ("ต้องฟ้องหย่าต่อศาล…")
    "answer_not_usual_way": {"default": Reply("ไม่ได้ตามปกติค่ะ")},
    # A location shared during a service conversation: no office coordinates are kept, so the offices
    # are listed (never a "nearest office" the bot cannot know)
    # ... and with no service talked about: how to file a complaint at that spot (a form reads the pin itself)
    "location_outside_form": {
        "default": Reply(
            "ได้รับตำแหน่งแล้วค่ะ ถ้าต้องการแจ้งเรื่องที่จุดนี้ กด “แจ้งเรื่องร้องเรียน” แล้วส่งตำแหน่งอีกครั้งตอนที่ถามว่าเกิดที่ไหนค่ะ",
            (SUGGESTION_BUTTONS["file_complaint"], MENU),
        ),
    },
    "service_location_no_search": {
        "default": Reply("ได้รับตำแหน่งแล้วค่ะ ยังค้นสำนักงานใกล้ตำแหน่งให้ไม่ได้ แต่ยื่นได้ที่สำนักงานตามนี้ค่ะ"),
        "sms": Reply("ยังค้นสำนักงานใกล้ตำแหน่งให้ไม่ได้ค่ะ"),
    },
    "answer_benefit_for_age": {"default": Reply("อายุ {age} ปี ได้ {amount}ค่ะ (ช่วง{label})")},
    "answer_own_office": {"default": Reply("ไม่ได้ค่ะ ต้องยื่นที่ “{office}” ค่ะ")},
    "answer_age_exception": {"default": Reply("ได้ค่ะ ถ้า{condition} (เกณฑ์ปกติ {rule}) ค่ะ")},
    "answer_office_not_listed": {"default": Reply("ไม่ได้ค่ะ {kind}ไม่ใช่ที่ยื่นของบริการนี้ ยื่นได้ที่ {offices} ค่ะ")},
    "answer_document_listed": {"default": Reply("ต้องค่ะ รายการเอกสารระบุ “{document}” ไว้ค่ะ")},
    "answer_office_other_area": {"default": Reply("ไม่ได้ค่ะ {place} ยื่นที่ “{office}” ค่ะ")},
    "answer_office_other_area_call": {"default": Reply("ไม่ได้ค่ะ {place} ยื่นที่ “{office}” โทร {hotline} ค่ะ")},
    "answer_document_not_listed": {"default": Reply("ไม่ต้องค่ะ รายการเอกสารของบริการนี้ไม่มี “{document}” ค่ะ")},
    "answer_income_within": {
        "default": Reply("ได้ค่ะ รายได้ {income} บาทต่อปี ไม่เกินเกณฑ์ {limit} บาทต่อปี ถ้าคุณสมบัติอื่นครบค่ะ")
    },
    "answer_income_over": {"default": Reply("ไม่ได้ค่ะ รายได้ {income} บาทต่อปี เกินเกณฑ์ {limit} บาทต่อปีค่ะ")},
    "answer_income_each_within": {
        "default": Reply(
            "ได้ค่ะ รายได้ {income} บาทต่อปี {people} คน เฉลี่ยคนละ {each} บาท ไม่เกินเกณฑ์ {limit} บาทต่อคนต่อปีค่ะ"
        )
    },
    "answer_income_each_over": {
        "default": Reply(
            "ไม่ได้ค่ะ รายได้ {income} บาทต่อปี {people} คน เฉลี่ยคนละ {each} บาท เกินเกณฑ์ {limit} บาทต่อคนต่อปีค่ะ"
        )
    },
    "answer_income_over_duty": {"default": Reply("ต้องค่ะ รายได้ {income} บาทต่อปี เกินเกณฑ์ {limit} บาทต่อปีค่ะ")},
    # an income between the bounds of two cases the citizen did not say (single, married): the lower's duty
    "answer_income_over_duty_if": {
        "default": Reply(
            "ต้องค่ะ ถ้า{case} รายได้ {income} บาทต่อปี เกินเกณฑ์ {limit} บาทต่อปี"
            " (ถ้า{other_case} เกณฑ์คือ {other} บาทต่อปี) ค่ะ"
        )
    },
    # a salary against the record's tax-free salary ("ไม่เกินประมาณ 26,000 บาทต่อเดือน … ไม่ต้องเสียภาษี")
    "answer_tax_free_salary": {
        "default": Reply(
            "ไม่ต้องเสียค่ะ เงินได้เดือนละ {income} บาท ไม่เกินประมาณ {limit} บาทต่อเดือนที่ไม่ต้องเสียภาษี "
            "แต่ถ้าเงินได้เกินเกณฑ์ยังต้องยื่นแบบค่ะ"
        )
    },
    "answer_tax_over_free_salary": {
        "default": Reply(
            "อาจต้องเสียค่ะ เงินได้เดือนละ {income} บาท เกินประมาณ {limit} บาทต่อเดือนที่ไม่ต้องเสียภาษี "
            "ขึ้นกับค่าลดหย่อนของแต่ละคนค่ะ"
        )
    },
    "answer_income_under_duty": {
        "default": Reply("ไม่ต้องค่ะ รายได้ {income} บาทต่อปี ไม่เกินเกณฑ์ {limit} บาทต่อปีค่ะ")
    },
    "answer_excluded": {"default": Reply("ไม่ได้ค่ะ ผู้มีสิทธิต้อง{clause}")},
    "answer_age_rule": {"default": Reply("เกณฑ์อายุตามข้อมูลของบริการนี้ค่ะ: {rule}")},
    "answer_together_or_proxy": {"default": Reply("ต้องไปพร้อมกันค่ะ หรือใช้ทางอื่นที่บริการนี้ระบุ: {rule}")},
    "answer_alone_with_proxy": {"default": Reply("ได้ค่ะ ถ้าอีกฝ่ายทำหนังสือมอบอำนาจให้ ตามข้อมูลของบริการนี้: {rule}")},
    "answer_document_lacking": {"default": Reply("ไม่ได้ค่ะ ต้องมี “{document}” ก่อน ตามรายการเอกสารค่ะ")},
    "answer_proxy_allowed": {"default": Reply("ไม่ต้องค่ะ ให้ผู้อื่นไปแทนได้ โดยมี “{document}” ค่ะ")},
    "answer_proxy_can": {"default": Reply("ได้ค่ะ ให้ผู้อื่นไปแทนได้ โดยมี “{document}” ค่ะ")},
    # After a direct answer the service's name moves from the first line to just above the footer.
    "answer_about": {
        "default": Reply("(เรื่อง{title}ค่ะ)"),
        "sms": Reply("({title}ค่ะ)"),
    },
    "en_answer_about": {"default": Reply("({title})")},
    "footer_verified": {
        "default": Reply("ข้อมูลจาก {agency} ตรวจรับรองโดยหน่วยงานแล้วค่ะ (ทบทวนล่าสุด {date})"),
        "sms": Reply("ข้อมูลจาก {agency} รับรองแล้วค่ะ"),
    },
    "footer_draft": {
        "default": Reply("ข้อมูลฉบับร่างจากแหล่งสาธารณะ รอ {agency} ตรวจรับรองค่ะ (ทบทวนล่าสุด {date})"),
        "sms": Reply("ข้อมูลร่าง รอหน่วยงานรับรองค่ะ"),
    },
    # --- a person (actions/handover.py, actions/callback.py) ---------------------------------------
    # Asked once after "ขอคุยกับเจ้าหน้าที่"; the offers after a second unclear message and on a
    # sensitive topic are the confirmation already (their yes hands over at once).
    "handover_confirm": {"default": Reply("ต้องการคุยกับเจ้าหน้าที่ใช่ไหมคะ", HANDOVER_YES_NO)},
    "handover_declined": {
        "default": Reply("ได้ค่ะ คุยกับบอทต่อได้เลย พิมพ์คำถามหรือเลือกหัวข้อได้ค่ะ", (MENU,)),
        "sms": Reply("ได้ค่ะ ถามบอทต่อได้เลยค่ะ"),
    },
    # In hours: the gateway queues the conversation and tells the position; no position promised here.
    "handover_connecting": {
        "default": Reply("กำลังต่อให้คุยกับเจ้าหน้าที่ของ{agency}ค่ะ"),
        "sms": Reply("กำลังต่อเจ้าหน้าที่ค่ะ"),
    },
    # Out of hours: {agency}, {when} (handover.office_hours.thai_when), then the call-back offer.
    "handover_closed": {
        "default": Reply(
            "ตอนนี้อยู่นอกเวลาทำการของเจ้าหน้าที่{agency}ค่ะ เจ้าหน้าที่จะกลับมา{when} "
            "ฝากเบอร์ให้เจ้าหน้าที่โทรกลับในเวลาทำการได้ หรือถามบอทเรื่องบริการต่อได้เลยค่ะ "
            "หากเป็นเหตุฉุกเฉิน โทร 191 หรือ 1669 ค่ะ",
            CALLBACK_OFFER_BUTTONS,
        ),
        "sms": Reply("นอกเวลาทำการค่ะ เจ้าหน้าที่กลับมา{when} ให้โทรกลับไหมคะ", CALLBACK_OFFER_BUTTONS),
    },
    "handover_closed_no_callback": {
        "default": Reply(
            "ตอนนี้อยู่นอกเวลาทำการของเจ้าหน้าที่{agency}ค่ะ เจ้าหน้าที่จะกลับมา{when} "
            "ทักมาอีกครั้งในเวลานั้นได้เลย ระหว่างนี้ถามบอทเรื่องบริการต่อได้ค่ะ "
            "หากเป็นเหตุฉุกเฉิน โทร 191 หรือ 1669 ค่ะ"
        ),
        "sms": Reply("นอกเวลาทำการค่ะ เจ้าหน้าที่กลับมา{when} ค่ะ"),
    },
    # A phrase of handover/sensitive_topics.yml: {agency} and {hotline} of the topic's agency.
    "sensitive_topic": {
        "default": Reply(
            "ขอบคุณที่เล่าให้ฟังนะคะ เรื่องนี้สำคัญค่ะ หากกำลังอยู่ในอันตราย โทร 191 หรือ 1669 ได้ทันที "
            "ปรึกษา{agency} โทร {hotline} ได้ค่ะ ต้องการคุยกับเจ้าหน้าที่ใช่ไหมคะ",
            HANDOVER_YES_NO,
        ),
        "sms": Reply(
            "หากอยู่ในอันตราย โทร 191 หรือ 1669 ปรึกษาโทร {hotline} ค่ะ ให้เจ้าหน้าที่ช่วยไหมคะ",
            HANDOVER_YES_NO,
        ),
    },
    # The call-back form. The text of ask_callback_consent is stored in the ticket as the consent
    # wording, word for word (PDPA): change it with care.
    "ask_callback_consent": {
        "default": Reply(
            "เพื่อให้เจ้าหน้าที่โทรกลับ ระบบจะเก็บเบอร์โทรที่ท่านให้ไว้แบบเข้ารหัส ใช้เพื่อโทรกลับเรื่องที่สอบถาม"
            "ครั้งนี้เท่านั้น ไม่ใช้หรือส่งต่อเพื่อการอื่น ท่านยินยอมไหมคะ",
            CONSENT_BUTTONS,
        ),
        "sms": Reply("ยินยอมให้เก็บเบอร์โทรไว้เพื่อโทรกลับเรื่องนี้เท่านั้นไหมคะ", CONSENT_BUTTONS),
    },
    "callback_consent_unclear": {
        "default": Reply("กด “ยินยอม” เพื่อฝากเบอร์ให้เจ้าหน้าที่โทรกลับ หรือ “ไม่ยินยอม” ถ้าไม่ต้องการค่ะ"),
    },
    "ask_callback_phone": {
        "default": Reply(
            "ขอเบอร์โทรที่ให้เจ้าหน้าที่โทรกลับค่ะ เช่น 081 234 5678 ถ้าไม่ต้องการแล้ว พิมพ์ “ยกเลิก” ค่ะ", (CANCEL,)
        ),
        "sms": Reply("ส่งเบอร์โทรให้โทรกลับค่ะ เช่น 0812345678", (CANCEL,)),
    },
    "callback_phone_invalid": {
        "default": Reply(
            "เบอร์นี้ใช้ไม่ได้ค่ะ ขอเบอร์มือถือหรือเบอร์บ้านในไทย เช่น 081 234 5678 หรือ 02 123 4567 ค่ะ", (CANCEL,)
        ),
        "sms": Reply("เบอร์นี้ใช้ไม่ได้ค่ะ ส่งเบอร์ไทย เช่น 0812345678", (CANCEL,)),
    },
    "callback_phone_unclear": {
        "default": Reply("ยังไม่ได้เบอร์โทรค่ะ พิมพ์เบอร์ที่ให้โทรกลับ เช่น 081 234 5678 หรือพิมพ์ “ยกเลิก” ค่ะ", (CANCEL,)),
        "sms": Reply("ส่งเบอร์โทร หรือตอบ ยกเลิก ค่ะ", (CANCEL,)),
    },
    "callback_aside_human": {
        "default": Reply("ตอนนี้เจ้าหน้าที่{agency}ยังไม่อยู่ค่ะ จะกลับมา{when} ฝากเบอร์ไว้ เจ้าหน้าที่จะโทรกลับในเวลาทำการค่ะ"),
        "sms": Reply("เจ้าหน้าที่กลับมา{when} ฝากเบอร์ไว้ได้ค่ะ"),
    },
    "callback_ended_unclear": {
        "default": Reply(
            "ยังไม่ได้ฝากเบอร์ไว้นะคะ ถ้าต้องการให้โทรกลับ พิมพ์ “ขอให้โทรกลับ” ได้ทุกเมื่อ ระหว่างนี้ถามบอทต่อได้เลยค่ะ"
        ),
        "sms": Reply("ยังไม่ได้ฝากเบอร์ค่ะ ตอบ ขอให้โทรกลับ ได้ทุกเมื่อ"),
    },
    "callback_unavailable": {
        "default": Reply("ขออภัยค่ะ ตอนนี้รับฝากเบอร์ไม่ได้ เจ้าหน้าที่{agency}จะกลับมา{when} ทักมาอีกครั้งในเวลานั้นได้เลยค่ะ"),
        "sms": Reply("ขออภัยค่ะ รับฝากเบอร์ไม่ได้ เจ้าหน้าที่กลับมา{when}"),
    },
    "callback_stored": {
        "default": Reply(
            "รับเบอร์ลงท้าย {last4} ไว้แล้วค่ะ เจ้าหน้าที่{agency}จะโทรกลับในเวลาทำการ ระหว่างนี้ถามบอทเรื่องบริการต่อได้เลยค่ะ"
        ),
        "sms": Reply("รับเบอร์ลงท้าย {last4} แล้วค่ะ เจ้าหน้าที่จะโทรกลับในเวลาทำการ"),
    },
    "callback_not_taken": {
        "default": Reply("ได้ค่ะ ไม่ได้ฝากเบอร์ไว้ ถามบอทเรื่องบริการต่อได้เลย หรือทักมาคุยกับเจ้าหน้าที่อีกครั้งได้ตั้งแต่{when} ค่ะ"),
        "sms": Reply("ได้ค่ะ ไม่ได้ฝากเบอร์ ถามบอทต่อได้เลยค่ะ"),
    },
    # --- feedback on a service answer (actions/feedback.py) ----------------------------------------------
    "feedback_thanks": {
        "default": Reply("ขอบคุณที่บอกนะคะ ดีใจที่ช่วยได้ค่ะ มีเรื่องอื่นถามต่อได้เลยค่ะ"),
        "sms": Reply("ขอบคุณค่ะ ถามต่อได้เลยค่ะ"),
    },
    # A typed 👎 that says what was meant: before the answer to that.
    "feedback_retry": {
        "default": Reply("ขออภัยที่ตอบไม่ตรงค่ะ ลองตอบใหม่ตามที่บอกนะคะ"),
        "sms": Reply("ขออภัยค่ะ ตอบใหม่ตามนี้ค่ะ"),
    },
    "feedback_sorry": {
        "default": Reply(
            "ขออภัยที่ตอบไม่ตรงคำถามค่ะ ดิฉันส่งคำถามนี้ให้ทีมงานปรับปรุงคำตอบแล้ว "
            "ลองพิมพ์ถามใหม่ด้วยคำอื่น หรือคุยกับเจ้าหน้าที่ได้เลยค่ะ",
            (HUMAN,),
        ),
        "sms": Reply("ขออภัยค่ะ พิมพ์ถามใหม่ด้วยคำอื่น หรือคุยกับเจ้าหน้าที่ได้ค่ะ", (HUMAN,)),
    },
    # English (checked for English, not for the Thai voice, by tests/actions/test_dialogue_texts.py)
    "en_only_thai": {
        "default": Reply(
            "Sorry, this part of “{title}” is only available in Thai so far. For help in English, "
            "please contact {agency}{hotline}."
        ),
    },
    "en_documents": {"default": Reply("Documents:\n{items}")},
    "en_fees": {"default": Reply("Fee:\n{items}")},
    "en_benefits": {"default": Reply("Amount you receive:\n{items}")},
    "en_place": {"default": Reply("Where to apply:\n{items}")},
    "en_time": {"default": Reply("Processing time: {time}")},
    "en_eligibility": {"default": Reply("Who can apply: {text}")},
    "en_online": {"default": Reply("Online: {text}")},
    "en_no_online": {"default": Reply("There is no online channel for this service yet; apply in person.")},
    # English yes/no first lines ("is it free?", "can I do it online?"), then the details
    "en_answer_free": {"default": Reply("Yes, it is free.")},
    "en_answer_no_fee": {"default": Reply("No, there is no fee.")},
    "en_answer_free_some": {"default": Reply("Yes, in some cases; otherwise there is a fee.")},
    "en_answer_fee_some": {"default": Reply("Yes, in some cases; in others it is free.")},
    "en_answer_not_free": {"default": Reply("No, there is a fee.")},
    "en_answer_free_usually": {"default": Reply("Yes, in the usual case; some cases cost a fee.")},
    "en_answer_no_fee_usually": {"default": Reply("No fee in the usual case; some cases cost a fee.")},
    "en_answer_proxy_yes": {"default": Reply("Yes, someone else can go for you with a power of attorney.")},
    "en_answer_proxy_no": {"default": Reply("No, you have to go in person.")},
    "en_answer_in_person": {"default": Reply("Yes, you have to go in person.")},
    "en_answer_no_need_proxy": {
        "default": Reply("No, someone else can go for you with a power of attorney.")
    },
    "en_answer_both_go": {"default": Reply("Yes, you both go together.")},
    "en_amount_varies": {"default": Reply("other amounts depend on the case (ask the agency)")},
    "en_amount_depends": {"default": Reply("the amount depends on the case (ask the agency)")},
    "en_answer_contact": {"default": Reply("Contact {agency}: hotline {hotline}.")},
    "en_answer_not_stated": {
        "default": Reply("The service information does not say. Please ask {agency}{hotline} to be sure.")
    },
    # "Do I need the compulsory insurance first?": the record's English sentence that says so, after Yes / No
    "en_answer_yes_clause": {"default": Reply("Yes. {clause}")},
    "en_answer_no_clause": {"default": Reply("No. {clause}")},
    "en_answer_document_listed": {"default": Reply("Yes, it is one of the documents: {document}.")},
    "en_answer_has_fee": {"default": Reply("Yes, there is a fee.")},
    "en_answer_online": {"default": Reply("Yes, you can.")},
    "en_answer_online_partly": {
        "default": Reply("Not entirely: some steps are online, but you still go in person.")
    },
    "en_answer_no_online": {"default": Reply("No, you cannot.")},
    "en_service_unsure": {
        "default": Reply(
            "I'm not sure which service you mean; the closest ones are below. For anything else, please "
            "call the Government Contact Center at 1111."
        ),
    },
    "en_service_which": {
        "default": Reply(
            "Which public service would you like to ask about? For example: passport, driving licence."
        ),
    },
    "en_service_not_covered": {
        "default": Reply("Sorry, this is not one of the services I can answer yet. {where}"),
    },
    "en_service_not_covered_generic": {
        "default": Reply("Please call the Government Contact Center at 1111."),
    },
    "en_footer_verified": {"default": Reply("Source: {agency}, verified by the agency (reviewed {date}).")},
    "en_footer_draft": {
        "default": Reply("Draft from public sources, awaiting review by {agency} (reviewed {date}).")
    },
}


def reply_for(key: str, channel: str | None) -> Reply:
    variants = REPLIES[key]
    return variants.get(channel or "", variants["default"])


DOMAIN_RESPONSE_PREFIX = "utter_"


def send(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    key: str,
    extra_buttons: Sequence[Button] = (),
    values: Mapping[str, str] | None = None,
) -> None:
    """Utter reply `key` in the variant for the citizen's channel; a domain response (`utter_*`,
    bot/domain) by its name, which the light replies choose among as well."""
    if key.startswith(DOMAIN_RESPONSE_PREFIX):
        dispatcher.utter_message(response=key)
        return
    reply = reply_for(key, tracker.get_latest_input_channel())
    text = reply.text.format(**values) if values else reply.text
    buttons = [b.as_dict() for b in unique_buttons((*reply.buttons, *extra_buttons))]
    dispatcher.utter_message(text=text, buttons=buttons or None)


def unique_buttons(buttons: Sequence[Button]) -> tuple[Button, ...]:
    """Each title once, the first kept: a reply built from parts (a question's buttons and extra ones)
    never shows the same button twice ("ยกเลิก | ยกเลิก")."""
    seen: set[str] = set()
    kept = []
    for button in buttons:
        if button.title not in seen:
            seen.add(button.title)
            kept.append(button)
    return tuple(kept)
