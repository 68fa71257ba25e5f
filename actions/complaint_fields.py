"""What one message carries for the complaint form's other steps, whichever step was asked.

Why: citizens do not follow the form's order. One message often tells the story, the place, that
there is no photo and whether they may be contacted ("ไฟกิ่งดับทั้งซอย ซ.ลาดพร้าว 71 ไม่มีรูปนะ
ติดต่อกลับได้ค่ะ"), or answers a later step while an earlier one is asked ("ซอยรามอินทรา 40 ไม่ต้อง
ติดต่อกลับ" while the place is asked). Each clause of the message is read on its own: the clauses
that answer another step — consent to updates, anonymity, no photo — are taken out and returned as
fields, and what is left is the answer to the step asked. The form keeps every field given and asks
only what is still missing.

A clause is a run of words (Thai separates clauses with spaces): it opens with the step's own
words (consent: a contact word such as ติดต่อ / โทร / ยินยอม with ได้ or a no before it; anonymity:
ไม่ระบุตัวตน, ไม่ประสงค์ออกนาม …; no photo: ไม่มีรูป, ถ่ายไม่ทัน …) and takes the short words after it
that belong to it (a polite ending, a phone number, the photo's reason). A question is never taken
apart: it is asked of the bot and answered aside.

Pure functions over text (no tracker, no I/O).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions.complaint_steps import only_an_answer_word
from actions.complaint_talk import (
    _PUNCTUATION,
    bare,
    compact,
    consent_from_words,
    english_consent,
    gives_a_number,
    in_english,
    is_payload,
    is_question,
)
from actions.replies import (
    ANONYMOUS_STATEMENT_CUES,
    CARRIED_ANSWER_LEADS,
    CARRIED_CLAUSE_LEADS,
    CARRIED_CLAUSE_TAILS,
    CONSENT_CLAUSE_CAN,
    CONSENT_CLAUSE_WORDS,
    CONSENT_CONTACT_WORDS,
    CONSENT_LEAD_WORDS,
    CONSENT_YES_OPENINGS,
    NEGATION_WORD,
    NO_PHOTO_CLAUSE_OPENINGS,
    PHOTO_REASON_WORDS,
    POLITE_ENDINGS,
)

# A word that closes a clause: a polite ending or a short tail ("ได้เลย", "ทางนี้") is part of it.
TAIL_MAX_CHARS = 12
# English clauses are told apart by punctuation and "and" / "but" ("Soi 5 near the market, ok to
# contact me"): the consent is the whole clause with its contact word, never that word alone.
_ENGLISH_CLAUSES = re.compile(r"\s*[,;.!]+\s*|\s+(?:and|but)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Carried:
    """The answer to the step asked (the message without the clauses below; "" when none is left),
    and the other steps' answers found in it."""

    answer: str
    consent: bool | None = None
    anonymous: bool = False
    no_photo: bool = False
    said_number: bool = False

    @property
    def fields(self) -> int:
        """How many other steps' answers the message carried."""
        return (self.consent is not None) + self.anonymous + self.no_photo


def _head(word: str) -> str:
    """A clause's first word without the words that lead into it ("แล้วก็ไม่มีรูป" -> "ไม่มีรูป")."""
    changed = True
    while changed:
        changed = False
        for lead in CARRIED_CLAUSE_LEADS:
            if word.startswith(lead) and len(word) > len(lead):
                word = word[len(lead) :]
                changed = True
    return word


def _consent(head: str) -> bool | None:
    """Consent to updates at the start of a clause; a contact word must be in it ("ได้ค่ะ" alone
    inside a story is no consent)."""
    if not any(word in head for word in CONSENT_CLAUSE_WORDS):
        return None
    answer = consent_from_words(head)
    if answer is not None:
        return answer
    # "ติดต่อทางนี้ได้", "โทรมาเบอร์นี้ได้เลย": a contact word first, ได้ in it, no ไม่.
    opens = head.startswith(CONSENT_CONTACT_WORDS)
    return True if opens and CONSENT_CLAUSE_CAN in head and NEGATION_WORD not in head else None


def _anonymous(head: str) -> bool:
    return head.startswith(ANONYMOUS_STATEMENT_CUES)


def _no_photo(head: str) -> bool:
    return head.startswith(NO_PHOTO_CLAUSE_OPENINGS)


def _is_tail(word: str, kind: str) -> bool:
    """A short word after a clause's first word that still belongs to it."""
    plain = bare(word)
    if plain == "" or compact(word) in POLITE_ENDINGS:
        return True
    if kind == "consent" and gives_a_number(word):
        return True
    if kind == "no_photo" and any(w in plain for w in PHOTO_REASON_WORDS):
        return True
    return len(plain) <= TAIL_MAX_CHARS and plain.startswith(CARRIED_CLAUSE_TAILS)


def carried_fields(text: str) -> Carried:
    """Splits a typed message into the answer to the step asked and the other steps' answers it
    carries (consent, anonymity, no photo). A question or a button payload is returned whole."""
    raw = " ".join(str(text or "").split())
    if not raw or is_payload(raw) or is_question(raw):
        return Carried(raw)
    consent: bool | None = None
    said_number = False
    if in_english(raw):
        raw, consent, said_number = _without_english_consent(raw)
    words = raw.split(" ") if raw else []
    kept: list[str] = []
    anonymous = no_photo = False
    at = 0
    while at < len(words):
        head = _head(bare(words[at]))
        kind = None
        if not is_question(words[at]):  # "ขอไม่บอกชื่อได้ไหม" is asked: answered aside
            yes_no = _consent(head)
            if yes_no is not None and consent in (None, yes_no) and not (anonymous and yes_no):
                kind, consent = "consent", yes_no  # said twice ("ยินยอมค่ะ ติดต่อกลับได้") is one answer
            elif yes_no is None and consent is not True and _anonymous(head):
                kind, anonymous = "anonymous", True
            elif yes_no is None and _no_photo(head):
                kind, no_photo = "no_photo", True
        if kind is None:
            kept.append(words[at])
            at += 1
            continue
        said_number = said_number or (kind == "consent" and gives_a_number(words[at]))
        at += 1
        while at < len(words) and _is_tail(words[at], kind):
            said_number = said_number or (kind == "consent" and gives_a_number(words[at]))
            at += 1
    answer = " ".join(kept).strip(_PUNCTUATION + ",")
    if consent is not None or anonymous or no_photo:
        # "ได้ค่ะ ติดต่อได้", "โอเค ให้ติดต่อได้": the yes before the clause answered the same question.
        only_yes = compact(answer) in CONSENT_YES_OPENINGS or bare(answer) in CONSENT_LEAD_WORDS
        if only_yes or only_an_answer_word(answer):
            answer = ""
    return Carried(_without_endings(answer), consent, anonymous, no_photo, said_number)


def _without_english_consent(raw: str) -> tuple[str, bool | None, bool]:
    """ "ok to contact me" / "Soi 5, you can call me": the English clauses about contacting the
    citizen taken out whole (their words are not left behind as a place: "ok to me"). The rest of the
    message, the consent they give (None: none, or clauses that disagree) and whether a number was
    typed in them."""
    kept: list[str] = []
    answers: set[bool] = set()
    said_number = False
    for clause in _ENGLISH_CLAUSES.split(raw):
        answer = english_consent(clause) if clause else None
        if answer is None:
            kept.append(clause)
            continue
        answers.add(answer)
        said_number = said_number or gives_a_number(clause)
    if len(answers) != 1:
        return raw, None, False
    return ", ".join(c for c in kept if c.strip()), answers.pop(), said_number


def _without_endings(answer: str) -> str:
    """ "ซอยรามอินทรา 40 ค่ะ" -> "ซอยรามอินทรา 40", "แต่ขยะกอง…" -> "ขยะกอง…": a polite word left
    alone at the end, or the "but" that tied it to the clause taken out, is no part of the answer."""
    words = answer.split(" ")
    while words and compact(words[-1]) in POLITE_ENDINGS:
        words.pop()
    if len(words) > 1 and compact(words[0]) in CARRIED_ANSWER_LEADS:
        words.pop(0)
    elif words and words[0].startswith(CARRIED_ANSWER_LEADS):
        words[0] = words[0].removeprefix(next(w for w in CARRIED_ANSWER_LEADS if words[0].startswith(w)))
    return " ".join(words)
