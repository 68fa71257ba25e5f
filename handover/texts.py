"""What the citizen reads about their place with a person: one catalogue, so wording is reviewed in
one place and tests read it back (Thai, UTF-8)."""

from __future__ import annotations

from channels.messages import Button, Outbound

CANCEL_PAYLOAD = "/handover_cancel"
CANCEL_BUTTON = Button("กลับไปคุยกับบอท", CANCEL_PAYLOAD)
# Typed instead of tapped: the button's own title, and the ways people say it.
CANCEL_WORDS = frozenset({"กลับไปคุยกับบอท", "คุยกับบอท", "ไม่รอแล้ว", "ยกเลิก", "ยกเลิกการรอ", "ไม่ต้องแล้ว", "ไม่รอ"})


def _wait(minutes: int) -> str:
    return "ไม่เกิน 1 นาที" if minutes <= 1 else f"ประมาณ {minutes} นาที"


def queued(position: int, minutes: int) -> Outbound:
    return Outbound(
        text=(
            f"ต่อคิวเจ้าหน้าที่ให้แล้วค่ะ ตอนนี้คุณอยู่คิวที่ {position} รอ{_wait(minutes)} "
            "เจ้าหน้าที่จะตอบในแชตนี้ ระหว่างรอพิมพ์รายละเอียดทิ้งไว้ได้เลย เจ้าหน้าที่จะเห็นทุกข้อความค่ะ"
        ),
        buttons=(CANCEL_BUTTON,),
    )


def still_waiting(position: int, minutes: int) -> Outbound:
    return Outbound(
        text=f"ได้รับข้อความแล้วค่ะ เจ้าหน้าที่จะเห็นข้อความนี้ ตอนนี้คุณอยู่คิวที่ {position} รอ{_wait(minutes)}",
        buttons=(CANCEL_BUTTON,),
    )


def position_moved(position: int, minutes: int) -> str:
    return f"ใกล้ถึงคิวแล้วค่ะ ตอนนี้คุณอยู่คิวที่ {position} รอ{_wait(minutes)}"


CLAIMED = "เจ้าหน้าที่รับเรื่องของคุณแล้วค่ะ กำลังอ่านข้อความ จะตอบในแชตนี้ค่ะ"
CANCELLED = Outbound(text="ยกเลิกการรอเจ้าหน้าที่แล้วค่ะ กลับมาคุยกับบอทได้เลย มีอะไรให้ช่วยไหมคะ")
NOT_WAITING = Outbound(text="ตอนนี้คุณคุยกับบอทอยู่ค่ะ ไม่ได้รอเจ้าหน้าที่ มีอะไรให้ช่วยไหมคะ")
UNCLAIMED = (
    "ขออภัยค่ะ ตอนนี้เจ้าหน้าที่ยังไม่ว่างรับเรื่อง จึงยกเลิกคิวไว้ก่อน "
    "พิมพ์ 'ขอให้โทรกลับ' เพื่อฝากเบอร์ให้เจ้าหน้าที่โทรกลับในเวลาทำการ หรือถามบอทต่อได้เลยค่ะ"
)
UNAVAILABLE = Outbound(text="ขออภัยค่ะ ระบบต่อเจ้าหน้าที่ขัดข้องชั่วคราว ติดต่อศูนย์บริการประชาชน โทร 1111 ได้ตลอด 24 ชั่วโมงค่ะ")
CSAT_THANKS = Outbound(text="ขอบคุณสำหรับคะแนนค่ะ 🙏 มีอะไรให้บอทช่วยต่อไหมคะ")
