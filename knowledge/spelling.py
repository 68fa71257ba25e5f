"""Typing slips that change no meaning, folded wherever a citizen's text is matched (search, near-twin
cues, life-event cues, referral phrases), so "ทำบัตรครั้งเเรก" and "ครบ ๗ ขวบ" meet the same patterns as
"ทำบัตรครั้งแรก" and "ครบ 7 ขวบ". Kept apart from `knowledge.search` so the directory and the life
events can use it without importing the search index.
"""

from __future__ import annotations

import re

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# อะไร as it is often typed by ear: "ใช้อะรัยบ้าง", "ต้องเตรียมอาราย", "อะไลบ้าง"
_WHAT_BY_EAR = re.compile("อ[ะา](?:รัย|ราย|ลัย|ไล)|อะไล")


def fold_typing(text: str) -> str:
    """Thai digits to ASCII, "เเ" (two sara e) to "แ", nikhahit + sara aa to sara am, อะไร typed by ear
    ("อะรัย", "อาราย") as อะไร, no zero-width characters."""
    text = _ZERO_WIDTH.sub("", (text or "").translate(_THAI_DIGITS))
    text = text.replace("เเ", "แ").replace("\u0e4d\u0e32", "\u0e33")
    return _WHAT_BY_EAR.sub("อะไร", text)
