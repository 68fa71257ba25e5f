"""Turning an outbox payload into the short Thai message a citizen reads, per channel."""

from __future__ import annotations

import datetime as dt
from typing import Any

import smsutil

from nlu.thai_date import thai_date as format_thai_date

STATUS_LABELS_TH: dict[str, str] = {
    "received": "ได้รับเรื่องแล้ว",
    "in_review": "กำลังตรวจสอบ",
    "in_progress": "กำลังดำเนินการ",
    "waiting_for_citizen": "รอเอกสาร/ข้อมูลจากท่าน",
    "resolved": "ดำเนินการเสร็จแล้ว",
    "rejected": "ไม่สามารถดำเนินการได้",
    "closed": "ปิดเรื่องแล้ว",
}


def thai_date(iso_date: str) -> str:
    """'2026-12-05' -> '5 ธ.ค. 2569' (Buddhist era, as Thai readers expect)."""
    return format_thai_date(dt.date.fromisoformat(iso_date))


def _lines(payload: dict[str, Any]) -> list[str]:
    lines = [f"เรื่อง {payload['reference']}: {STATUS_LABELS_TH.get(payload['status'], payload['status'])}"]
    if payload.get("public_note"):
        lines.append(str(payload["public_note"]))
    if payload.get("next_step"):
        due = f" ภายใน {thai_date(payload['next_step_due'])}" if payload.get("next_step_due") else ""
        lines.append(f"ขั้นต่อไป: {payload['next_step']}{due}")
    elif payload.get("next_step_due"):
        lines.append(f"คาดว่าภายใน {thai_date(payload['next_step_due'])}")
    return lines


def render_line(payload: dict[str, Any]) -> str:
    # LINE text messages allow 5000 characters; ours stay short enough for a phone screen.
    text = "\n".join(_lines(payload)) + '\nพิมพ์ "ยกเลิกแจ้งเตือน" เพื่อหยุดรับข่าวสารเรื่องนี้'
    return text[:1000]


def sms_segments(text: str) -> int:
    return len(smsutil.split(text).parts)


def render_sms(payload: dict[str, Any], max_segments: int = 2) -> str:
    """Fit the budget by dropping the note first, then shortening what is left (never the reference)."""
    lines = _lines(payload)
    stop = " ตอบ STOP เพื่อหยุด"
    candidates = [" ".join(lines) + stop, " ".join([lines[0], *lines[2:]]) + stop, lines[0] + stop]
    for text in candidates:
        if sms_segments(text) <= max_segments:
            return text
    text = lines[0]
    while sms_segments(text + "…" + stop) > max_segments and len(text) > 20:
        text = text[:-1]
    return text + "…" + stop
