"""Texts that actions send, with per-channel variants, in the bot's one voice (ค่ะ/คะ).

Rule-driven answers live in bot/domain/responses.yml; Rasa's validator counts a domain response
that only an action sends as unused, so action texts are kept here instead. Variants are chosen by
the channel the citizen wrote from (`line`, `sms`, `web`); SMS variants are shorter and keep their
buttons, which the gateway renders as numbered "ตอบ 1 …" options.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


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

# Complaint categories: key stored in the slot -> label shown on the button (and typed back).
COMPLAINT_CATEGORIES: dict[str, str] = {
    "streetlight": "ไฟถนนดับ",
    "road": "ถนน ทางเท้าชำรุด",
    "garbage": "ขยะ ความสะอาด",
    "water": "น้ำประปา ท่อระบายน้ำ",
    "nuisance": "เสียงดัง เหตุรำคาญ",
    "service": "บริการของเจ้าหน้าที่",
    "other": "เรื่องอื่น ๆ",
}
NO_PHOTO_LABEL = "ไม่มีรูป"

REPLIES: dict[str, dict[str, Reply]] = {
    "fallback_rephrase": {
        "default": Reply("ขออภัยค่ะ ยังไม่เข้าใจคำถามนี้ ลองพิมพ์ใหม่ให้สั้นและชัดขึ้น หรือเลือกหัวข้อที่ใกล้เคียงด้านล่างได้ค่ะ"),
        "sms": Reply("ขออภัยค่ะ ไม่เข้าใจ พิมพ์ใหม่หรือเลือกหัวข้อค่ะ"),
    },
    "fallback_offer_human": {
        "default": Reply(
            "ขออภัยค่ะ ดิฉันยังตอบเรื่องนี้ไม่ได้ ให้เจ้าหน้าที่ช่วยต่อไหมคะ",
            (Button("คุยกับเจ้าหน้าที่", "/request_human"), Button("กลับเมนูหลัก", "/greet"), RESTART),
        ),
        "sms": Reply(
            "ขออภัยค่ะ ตอบไม่ได้ ให้เจ้าหน้าที่ช่วยไหมคะ",
            (Button("คุยกับเจ้าหน้าที่", "/request_human"), Button("เมนูหลัก", "/greet")),
        ),
    },
    "restart": {
        "default": Reply("เริ่มต้นใหม่แล้วค่ะ ต้องการให้ช่วยเรื่องใดคะ", MAIN_MENU),
        "sms": Reply("เริ่มใหม่แล้วค่ะ", MAIN_MENU),
    },
    # case status form
    "ask_case_id": {
        "default": Reply(
            "ขอเลขที่เรื่องค่ะ เช่น CM69-1234-5678 (อยู่ในข้อความยืนยันตอนยื่นเรื่อง)",
            (CANCEL,),
        ),
        "sms": Reply("ส่งเลขที่เรื่อง เช่น CM69-1234-5678 ค่ะ", (CANCEL,)),
    },
    "case_ref_bad_check": {
        "default": Reply("เลขที่เรื่องนี้มีตัวเลขผิดไปค่ะ (ตัวตรวจสอบไม่ตรง) กรุณาดูเลขอีกครั้งแล้วพิมพ์ใหม่ค่ะ"),
        "sms": Reply("เลขที่เรื่องพิมพ์ผิดค่ะ ตรวจแล้วส่งใหม่"),
    },
    "case_ref_not_reference": {
        "default": Reply(
            "ข้อความนี้ไม่ใช่เลขที่เรื่องค่ะ เลขที่เรื่องขึ้นต้นด้วยอักษร 2 ตัว ตามด้วยตัวเลข 10 หลัก เช่น CM69-1234-5678"
        ),
        "sms": Reply("ไม่ใช่เลขที่เรื่องค่ะ รูปแบบ CM69-1234-5678"),
    },
    "case_status_coming_soon": {
        "default": Reply(
            "เลขที่เรื่อง {case_id} ถูกต้องค่ะ แต่ระบบติดตามสถานะเรื่องยังไม่เปิดให้บริการในแชตนี้ "
            "จะเปิดใช้ในรุ่นถัดไปของบริการ ระหว่างนี้สอบถามสถานะได้ที่สายด่วน 1111 หรือคุยกับเจ้าหน้าที่ค่ะ",
            (HUMAN, MENU),
        ),
        "sms": Reply("เลข {case_id} ถูกต้องค่ะ ระบบติดตามยังไม่เปิด สอบถาม 1111", (HUMAN, MENU)),
    },
    # complaint form
    "ask_complaint_category": {
        "default": Reply(
            "แจ้งเรื่องร้องเรียนเรื่องใดคะ เลือกหมวดด้านล่างค่ะ (ช่วงนี้ระบบยังส่งเรื่องถึงหน่วยงานไม่ได้ จะบอกช่องทางแจ้งตอนท้ายค่ะ)",
            (*(Button(label, label) for label in COMPLAINT_CATEGORIES.values()), CANCEL),
        ),
        "sms": Reply(
            "ร้องเรียนเรื่องใดคะ",
            (*(Button(label, label) for label in COMPLAINT_CATEGORIES.values()), CANCEL),
        ),
    },
    "complaint_category_unknown": {
        "default": Reply("ขอให้เลือกหมวดจากปุ่มด้านล่างค่ะ ถ้าไม่ตรงหมวดไหน เลือก “เรื่องอื่น ๆ” ได้ค่ะ"),
        "sms": Reply("กรุณาเลือกหมวดตามตัวเลขค่ะ"),
    },
    "ask_complaint_description": {
        "default": Reply("เล่าสั้น ๆ ว่าเกิดอะไรขึ้นคะ", (CANCEL,)),
    },
    "complaint_description_too_short": {
        "default": Reply("ขอรายละเอียดเพิ่มอีกนิดค่ะ อย่างน้อยหนึ่งประโยค"),
    },
    "ask_complaint_location": {
        "default": Reply("เกิดขึ้นที่ไหนคะ พิมพ์ที่อยู่หรือจุดสังเกตได้เลยค่ะ", (CANCEL,)),
        "line": Reply(
            "เกิดขึ้นที่ไหนคะ ส่งตำแหน่ง (กด + แล้วเลือก ตำแหน่งที่ตั้ง) หรือพิมพ์ที่อยู่ได้เลยค่ะ",
            (CANCEL,),
        ),
        "sms": Reply("เกิดที่ไหนคะ พิมพ์ที่อยู่สั้น ๆ", (CANCEL,)),
    },
    "complaint_location_too_short": {
        "default": Reply("ขอที่อยู่หรือจุดสังเกตที่ชัดขึ้นอีกนิดค่ะ"),
    },
    "ask_complaint_photo": {
        "default": Reply("มีรูปถ่ายไหมคะ ถ้าไม่มี กด “ไม่มีรูป” ค่ะ", (Button(NO_PHOTO_LABEL, NO_PHOTO_LABEL), CANCEL)),
        "line": Reply(
            "มีรูปถ่ายไหมคะ ส่งรูปมาได้เลย ถ้าไม่มี กด “ไม่มีรูป” ค่ะ",
            (Button(NO_PHOTO_LABEL, NO_PHOTO_LABEL), CANCEL),
        ),
        "sms": Reply("ทาง SMS ส่งรูปไม่ได้ค่ะ", (Button(NO_PHOTO_LABEL, NO_PHOTO_LABEL), CANCEL)),
    },
    "complaint_photo_not_image": {
        "default": Reply("ยังไม่ได้รับรูปค่ะ ส่งเป็นรูปภาพ หรือกด “ไม่มีรูป” ได้ค่ะ"),
    },
    "ask_contact_consent": {
        "default": Reply(
            "ยินยอมให้เจ้าหน้าที่ติดต่อกลับทางช่องทางนี้เพื่อแจ้งผลไหมคะ",
            (Button("ยินยอม", "/affirm"), Button("ไม่ยินยอม", "/deny")),
        ),
        "sms": Reply("ให้เจ้าหน้าที่ติดต่อกลับไหมคะ", (Button("ยินยอม", "/affirm"), Button("ไม่ยินยอม", "/deny"))),
    },
    "complaint_coming_soon": {
        "default": Reply(
            "ขอบคุณค่ะ ได้รายละเอียดครบแล้ว แต่ระบบรับเรื่องร้องเรียนออนไลน์ยังไม่เปิดใช้ "
            "จึงยังไม่ได้ส่งเรื่องถึงหน่วยงานและไม่ได้เก็บข้อมูลไว้ค่ะ จะเปิดใช้ในรุ่นถัดไปของบริการ "
            "ระหว่างนี้แจ้งได้ที่สายด่วน 1111 หรือคุยกับเจ้าหน้าที่ค่ะ",
            (HUMAN, MENU),
        ),
        "sms": Reply("ขอบคุณค่ะ ระบบรับเรื่องยังไม่เปิด กรุณาแจ้ง 1111", (HUMAN, MENU)),
    },
}


def reply_for(key: str, channel: str | None) -> Reply:
    variants = REPLIES[key]
    return variants.get(channel or "", variants["default"])


def send(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    key: str,
    extra_buttons: Sequence[Button] = (),
    values: Mapping[str, str] | None = None,
) -> None:
    """Utter reply `key` in the variant for the citizen's channel."""
    reply = reply_for(key, tracker.get_latest_input_channel())
    text = reply.text.format(**values) if values else reply.text
    buttons = [b.as_dict() for b in (*reply.buttons, *extra_buttons)]
    dispatcher.utter_message(text=text, buttons=buttons or None)
