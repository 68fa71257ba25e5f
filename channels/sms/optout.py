"""Opt-out: STOP / หยุด / ยกเลิก stop every outbound SMS to that number at once; START resumes.

`SmsSender.send` in channels.sms.adapter is the only path to a provider, and it asks `is_opted_out`
first, whatever the caller is (a reply, a proactive notice, a read-more continuation).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from channels.store import KeyValueStore

Keyword = Literal["stop", "start", "help"]

STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "หยุด", "ยกเลิก"})
START_WORDS = frozenset({"start", "unstop", "เริ่ม"})
HELP_WORDS = frozenset({"help", "info", "ช่วย", "ช่วยเหลือ"})

STOP_CONFIRMATION = "ยกเลิกการรับข้อความแล้ว จะไม่ส่ง SMS ถึงหมายเลขนี้อีก ตอบ START เพื่อรับอีกครั้ง"
START_CONFIRMATION = "เริ่มรับข้อความอีกครั้งแล้ว ตอบ STOP หรือ หยุด เพื่อยกเลิก"
HELP_TEXT = (
    "ผู้ช่วยบริการประชาชน: พิมพ์คำถามได้เลย ตอบเลขเพื่อเลือกตัวเลือก ตอบ STOP หรือ หยุด เพื่อยกเลิกการรับข้อความ ไม่มีค่าบริการเพิ่ม"
)


def keyword(text: str | None) -> Keyword | None:
    """The control keyword a whole message is, if any (case, spaces and a trailing '.' ignored)."""
    if not text:
        return None
    word = text.strip().strip(".!").strip().lower()
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS:
        return "start"
    if word in HELP_WORDS:
        return "help"
    return None


class OptOutRegistry:
    """Opt-outs keyed by the number's keyed hash (the sender id), never by the number itself."""

    def __init__(self, store: Callable[[], KeyValueStore]) -> None:
        self._get_store = store  # resolved per call: the store exists only once the app has started

    @property
    def _store(self) -> KeyValueStore:
        return self._get_store()

    @staticmethod
    def _key(sender_id: str) -> str:
        return f"optout:{sender_id}"

    async def opt_out(self, sender_id: str) -> None:
        await self._store.set(self._key(sender_id), str(int(time.time())))

    async def opt_in(self, sender_id: str) -> None:
        await self._store.delete(self._key(sender_id))

    async def is_opted_out(self, sender_id: str) -> bool:
        return await self._store.get(self._key(sender_id)) is not None
