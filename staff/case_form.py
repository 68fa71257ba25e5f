"""The console's status-change form: from posted fields to a cases.registry.StatusChange, or a Thai
message naming what to fix. The limits are the agency API's (cases/openapi.json, StatusChange), so a
change is acceptable from the console exactly when it would be from an agency's own system.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from cases.registry import STATUSES, StatusChange
from cases.render import STATUS_LABELS_TH

BANGKOK = ZoneInfo("Asia/Bangkok")
MAX_NOTE = 1000
MAX_NEXT_STEP = 500
CHECKED = frozenset({"1", "on"})


class StatusFormError(ValueError):
    """A field cannot be accepted; the message is Thai and safe to show (never echoes raw input)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class StatusForm:
    """What was typed, kept to fill the form again when it is refused."""

    status: str = ""
    public_note: str = ""
    next_step: str = ""
    next_step_due: str = ""
    urgent: bool = False


def submitted(get: dict[str, str]) -> StatusForm:
    return StatusForm(
        status=get.get("status", "").strip(),
        public_note=get.get("public_note", ""),
        next_step=get.get("next_step", ""),
        next_step_due=get.get("next_step_due", "").strip(),
        urgent=get.get("urgent", "") in CHECKED,
    )


def to_change(form: StatusForm, actor: str, *, today: dt.date | None = None) -> StatusChange:
    """Check every field; raise StatusFormError for the first that cannot be accepted."""
    if form.status not in STATUSES:
        choices = ", ".join(STATUS_LABELS_TH.get(s, s) for s in STATUSES)
        raise StatusFormError("status", f"สถานะไม่ถูกต้อง โปรดเลือกจากรายการ: {choices}")
    for name, value, limit, label in (
        ("public_note", form.public_note, MAX_NOTE, "ข้อความถึงประชาชน"),
        ("next_step", form.next_step, MAX_NEXT_STEP, "ขั้นตอนถัดไป"),
    ):
        if len(value) > limit:
            raise StatusFormError(name, f"{label}ยาวได้ไม่เกิน {limit} ตัวอักษร (ตอนนี้ {len(value)})")
        if "\x00" in value:
            raise StatusFormError(name, f"{label}มีอักขระที่ใช้ไม่ได้")
    due = _due_date(form.next_step_due, today or dt.datetime.now(BANGKOK).date())
    return StatusChange(
        status=form.status,
        actor=actor,
        public_note=form.public_note or None,
        next_step=form.next_step or None,
        next_step_due=due,
        urgent=form.urgent,
    )


def _due_date(raw: str, today: dt.date) -> dt.date | None:
    if not raw:
        return None
    try:
        due = dt.date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        due = None
    if due is None:
        raise StatusFormError("next_step_due", "วันครบกำหนดต้องเป็นวันที่ในรูปแบบ ปปปป-ดด-วว (ค.ศ.) เช่น 2026-12-05")
    if due.year >= 2400:  # a Buddhist-era year typed by hand (the date picker always sends CE)
        raise StatusFormError("next_step_due", f"ใช้ปี ค.ศ. เช่น {due.year - 543}-{due:%m-%d} แทน {raw}")
    if due < today:
        raise StatusFormError("next_step_due", "วันครบกำหนดต้องไม่ใช่วันที่ผ่านมาแล้ว")
    if due > today + dt.timedelta(days=3 * 366):
        raise StatusFormError("next_step_due", "วันครบกำหนดไกลเกินไป (ไม่เกิน 3 ปีจากวันนี้)")
    return due
