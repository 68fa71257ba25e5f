"""Dates as Thai readers expect them: day, abbreviated Thai month, Buddhist-era year.

Shared by every place that shows a date to a citizen (service answers, case notices), so the bot
writes dates one way only. Standard library only, like the rest of nlu's pure helpers.
"""

from __future__ import annotations

import datetime as dt

THAI_MONTHS = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
BUDDHIST_ERA_OFFSET = 543


def thai_date(value: dt.date) -> str:
    """date(2026, 12, 5) -> '5 ธ.ค. 2569'."""
    return f"{value.day} {THAI_MONTHS[value.month - 1]} {value.year + BUDDHIST_ERA_OFFSET}"
