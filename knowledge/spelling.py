"""Typing slips that change no meaning, folded wherever a citizen's text is matched (search, near-twin
cues, life-event cues, referral phrases), so "ทำบัตรครั้งเเรก" and "ครบ ๗ ขวบ" meet the same patterns as
"ทำบัตรครั้งแรก" and "ครบ 7 ขวบ"; and regional Thai folded to central Thai (`spelling.yml`: "ได้บ่",
"ได้ก่อ" ask "ได้ไหม", "เฮ็ดหยังแหน่" is "ทำอะไรบ้าง"), so a question typed in Isan, Northern or Southern
particles reads as the same question. Kept apart from `knowledge.search` so the directory and the
life events can use it without importing the search index.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

SPELLING_FILE = Path(__file__).resolve().parent / "spelling.yml"
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# accented Latin letters as plain ones ("café" meets the cue "cafe", "résumé" "resume")
_LATIN_ACCENTS = str.maketrans(
    "àáâãäåèéêëìíîïòóôõöùúûüýÿñçÀÁÂÃÄÅÈÉÊËÌÍÎÏÒÓÔÕÖÙÚÛÜÝÑÇ",
    "aaaaaaeeeeiiiiooooouuuuyyncAAAAAAEEEEIIIIOOOOOUUUUYNC",
)
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# อะไร as it is often typed by ear: "ใช้อะรัยบ้าง", "ต้องเตรียมอาราย", "อะไลบ้าง"
_WHAT_BY_EAR = re.compile("อ[ะา](?:รัย|ราย|ลัย|ไล)|อะไล")
# The end of a clause for the dialect's particles: the text's end, a space, punctuation, or a polite
# particle after it ("ได้บ่เด้อ", "ได้ก่อเจ้า", "ได้บ่ครับ").
_CLAUSE_END = (
    r"(?:\s|[?!.,)~]|$|(?:เด้อ|เด้|เน้อ|เนาะ|นะ|จ้า|จ้ะ|เจ้า|ค่ะ|คะ|ครับ|คับ|ฮะ|ฮับ|อะ|อ่ะ|จ้ะ|55)"
    r"(?![ก-๙]))"
)


@lru_cache(maxsize=2)
def dialect_rewrites(path: Path = SPELLING_FILE) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The regional words and particles of `spelling.yml`, compiled in their order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for item in data.get("dialect") or []:
        try:
            pattern = str(item["pattern"]).replace("{end}", _CLAUSE_END)
            out.append((re.compile(pattern), str(item["replace"])))
        except (KeyError, TypeError, re.error) as exc:
            raise ValueError(f"{path.name}: bad dialect rewrite {item!r} ({exc})") from exc
    return tuple(out)


# A tone mark typed after the อ it should precede ("ตอ้ง", "คอ่ย" for ต้อง, ค่อย): อ between a consonant
# and a final with no vowel of its own is the vowel -อ, which never carries the mark, so it is moved back.
_MARK_AFTER_O = re.compile("([ก-ฮ])อ([\u0e48-\u0e4b])(?=[งนมยกดบ])")


def fold_dialect(text: str) -> str:
    """Regional Thai words and particles as central Thai ("ยายไปแจ้งแทนได้บ่" -> "ยายไปแจ้งแทนได้ไหม"),
    and a tone mark typed one letter late ("ตอ้งอบรมไหม" -> "ต้องอบรมไหม")."""
    text = _MARK_AFTER_O.sub("\\1\\2อ", text)
    for pattern, replacement in dialect_rewrites():
        text = pattern.sub(replacement, text)
    return text


def fold_typing(text: str) -> str:
    """Thai digits to ASCII, accented Latin letters plain, "เเ" (two sara e) to "แ", nikhahit + sara aa to
    sara am, อะไร typed by ear ("อะรัย", "อาราย") as อะไร, no zero-width characters, regional words as
    central Thai."""
    text = _ZERO_WIDTH.sub("", (text or "").translate(_THAI_DIGITS).translate(_LATIN_ACCENTS))
    text = text.replace("เเ", "แ").replace("\u0e4d\u0e32", "\u0e33")
    return fold_dialect(_WHAT_BY_EAR.sub("อะไร", text))
