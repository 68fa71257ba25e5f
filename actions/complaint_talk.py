"""Reading a citizen's words inside the complaint form: cancel, a question aside, a category cue.

Pure functions over text (no tracker, no I/O), so every rule is unit-tested on its own
(tests/actions/test_complaint_talk.py). The words live in actions/replies.py beside the replies,
the category cues in cases/complaint_categories.yml beside the routing.

Why words and not only the NLU's intent: inside the form the intent of a short answer says little
("บริการของเจ้าหน้าที่" reads as request_human, an address as anything), so the form takes every
message as text and these functions decide, with the intent only as a hint where it is reliable
(a button payload, request_human on a short message).
"""

from __future__ import annotations

import re
import unicodedata

from pythainlp.corpus import thai_words

from actions.replies import (
    ASIDE_ASKED_WORDS,
    ASK_OPENINGS,
    BACK_TO_FORM_WORDS,
    BARE_NO_WORDS,
    CANCEL_LEAD_WORDS,
    CANCEL_OPENINGS,
    CANCEL_OTHER_THINGS,
    CANCEL_PREFIX,
    CANCEL_SOFTENERS,
    CANCEL_SUFFIX,
    CHANGE_CATEGORY_WORDS,
    COMPLAINT_ASIDE_CUES,
    COMPLAINT_CANCEL_PHRASES,
    COMPLAINT_CANCEL_WORDS,
    COMPLAINT_CATEGORIES,
    COMPLAINT_REQUEST_WORDS,
    CONFIRM_SENTENCE_FILLERS,
    CONFIRM_SENTENCE_WORDS,
    CONFUSED_ENDINGS,
    CONFUSED_WORDS,
    CONSENT_CONTACT_WORDS,
    CONSENT_CONTACT_WORDS_EN,
    CONSENT_LEAD_WORDS,
    CONSENT_NEGATIONS_EN,
    CONSENT_NO_OPENINGS,
    CONSENT_NO_PREFIX,
    CONSENT_YES_OPENINGS,
    CONSENT_YES_PREFIX,
    EARLIER_COMPLAINT_CUES,
    EARLIER_COMPLAINT_PATTERN,
    EARLIER_NOTHING_CUES,
    EARLIER_PLAIN_CUES,
    EARLIER_REPORTED_PATTERN,
    EARLIER_REPORTED_PATTERN_EN,
    EARLIER_WAIT_CUES,
    EDIT_REQUEST_LEADS,
    EDIT_REQUEST_TAILS,
    EDIT_REQUEST_WORDS,
    EMBEDDED_QUESTION_WORDS,
    EN_CANCEL_WORDS,
    EN_NEAR_CANCEL_WORDS,
    HOW_LONG_ASKED_PATTERN,
    NEAR_OPENINGS,
    NEGATION_WORD,
    NO_PHOTO_LABEL,
    NO_PHOTO_OPENINGS,
    NO_PHOTO_PREFIX,
    NO_PHOTO_PREFIXES_EN,
    NO_PHOTO_WORDS,
    NOT_THAT_PREFIX,
    PAST_TIME_WORDS,
    PHOTO_LATER_WORDS,
    PHOTO_NEEDED_WORDS,
    PHOTO_WORDS,
    PLACE_LEADS,
    PLACE_OPENINGS,
    PLACE_PARTS,
    PLACE_TAIL_LEADS,
    POLITE_ENDINGS,
    PRESENCE_WORDS,
    PROBLEM_WORDS,
    QUESTION_ENDINGS,
    REPORT_NOW_LEADS,
    REPORT_NOW_WORDS,
    REPORT_VERB_PATTERN,
    SELF_WORDS,
    SINCE_WORD,
    STAFF_COMPLAINT_PATTERN,
    TIME_AHEAD_WORDS,
    TRACK_CASE_CUES,
    TRACK_CASE_MAX_CHARS,
    YES_WORDS,
    forgot_reference,
    upset,
)
from cases.complaint_routing import ComplaintRoute, load_routes
from nlu.pii import mask

_EARLIER = re.compile(EARLIER_COMPLAINT_PATTERN)
_REPORTED = re.compile(EARLIER_REPORTED_PATTERN)
_REPORTED_EN = re.compile(EARLIER_REPORTED_PATTERN_EN)
_REPORTED_NOW = re.compile(REPORT_VERB_PATTERN)
_INVISIBLE = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}
# Polite endings and punctuation taken off before a short answer is compared with a word list.
_PUNCTUATION = " .!?,~…'\"“”()"
# A request for a person inside the form is an aside only when the message is short: a long one
# that mentions an officer is the complaint itself ("เจ้าหน้าที่เขตพูดจาไม่ดี…").
HUMAN_ASIDE_MAX_CHARS = 40
CANCEL_PREFIX_MAX_CHARS = 20
# A change of mind said in a sentence ("ยกเลิกดีกว่า ไม่แจ้งแล้ว เดี๋ยวมีเรื่อง"); a longer message is a story.
CANCEL_PHRASE_MAX_CHARS = 40
# The last clause of a longer message that cancels ("… ยกเลิกไว้ก่อนนะคะ") is short.
CANCEL_CLAUSE_MAX_CHARS = 25
# "ไม่มีรูปค่ะ" is a remark about the photo; a longer message that starts with ไม่ is something else.
NO_PHOTO_MAX_CHARS = 25
# "เปลี่ยนหมวด", "หมวดผิดค่ะ": a short message; a longer one may name the new category too.
CHANGE_CATEGORY_MAX_CHARS = 40
# "ส่งรูปทีหลังได้ไหม", "ต้องส่งรูปด้วยมั้ย": remarks about the photo are short.
PHOTO_REMARK_MAX_CHARS = 60
# A question about time, next steps or data is a short message; a long one is the story itself.
ASIDE_QUESTION_MAX_CHARS = 60
# "ไม่เข้าใจค่ะ งงมาก" is confusion; a longer message with "งง" in it is more likely the story.
CONFUSED_MAX_CHARS = 25
# A place is named in a line or two; a longer message is the story told with its place in it.
PLACE_MAX_CHARS = 120
NEAR_PLACE_MAX_CHARS = 25
# Share of Latin letters above which a message is read as English.
ENGLISH_LATIN_SHARE = 0.7


def compact(text: object) -> str:
    """Lower-case, invisible characters and all spaces removed: how words are matched."""
    return "".join(str(text or "").translate(_INVISIBLE).split()).casefold()


def bare(text: object) -> str:
    """compact() with trailing punctuation and polite particles removed ("ยกเลิกค่ะ!" -> "ยกเลิก")."""
    word = compact(text).strip(_PUNCTUATION)
    changed = True
    while changed:
        changed = False
        for particle in POLITE_ENDINGS:
            if word.endswith(particle) and len(word) > len(particle):
                word = word[: -len(particle)].strip(_PUNCTUATION)
                changed = True
    return word


_STAFF_COMPLAINT = re.compile(STAFF_COMPLAINT_PATTERN)
# English, spaces taken out by compact(): "talk to a person", "can I speak with someone", "real person"
_PERSON_EN = re.compile(r"(talk|speak|chat)(to|with)|realperson|human|liveagent")


def complains_about_staff(text: object) -> bool:
    """ "จะแจ้งเรื่องเจ้าหน้าที่ค่ะ", "ร้องเรียนเจ้าหน้าที่": a complaint about an officer (typed, not a
    button), which the NLU may take for asking to talk to one."""
    return not is_payload(text) and _STAFF_COMPLAINT.search(compact(text)) is not None


def asks_for_a_person(text: object) -> bool:
    """ "ขอคุยกับเจ้าหน้าที่", "talk to a person": the wish to talk to someone, in words."""
    word = compact(text)
    return any(cue in word for cue in COMPLAINT_ASIDE_CUES["human"]) or _PERSON_EN.search(word) is not None


def is_payload(text: object) -> bool:
    """A button payload ("/deny", "/affirm"), not typed text."""
    return str(text or "").strip().startswith("/")


def wants_cancel(text: object) -> bool:
    """ยกเลิก (typed, or a short message that says so): ends the complaint form."""
    if ends_with_cancel(text) or opens_with_cancel(text):
        return True
    word = bare(text)
    if any(other in word for other in CANCEL_OTHER_THINGS):
        return False
    if word in COMPLAINT_CANCEL_WORDS or (word.startswith("cancel") and len(word) <= 20):
        return True
    if word.startswith(CANCEL_PREFIX) and len(word) <= CANCEL_PREFIX_MAX_CHARS:  # "ยกเลิกดีกว่า"
        return True
    if word.endswith(CANCEL_SUFFIX) and len(word) <= CANCEL_PHRASE_MAX_CHARS:  # "อ้าวไฟติดแล้วยกเลิก"
        return True
    if len(word) <= CANCEL_PHRASE_MAX_CHARS and any(phrase in word for phrase in COMPLAINT_CANCEL_PHRASES):
        return True
    if _without_leads(compact(text).strip(_PUNCTUATION), CANCEL_LEAD_WORDS).startswith(CANCEL_OPENINGS):
        return True
    return mistyped_cancel(word)


# A ยกเลิก word typed with one slip ("ยกลิก", "ยกเลิค"). Only the ยกเลิก words: the shorter everyday
# ones ("พอแล้ว", "ช่างมัน") are one slip from ordinary words ("พ่อแล้ว", "ช่างฝัน").
MISTYPED_CANCEL_MAX_EDITS = 1


def mistyped_cancel(word: str) -> bool:
    """The whole (bare) message is a ยกเลิก word with one letter missing, extra, wrong or swapped
    ("ยกลิก", "ยกเลิค"), and not itself a Thai word: a story, a place or any longer answer is never
    taken for one. A Latin word is read against the English cancel words ("cancle", "cansel"), the
    English words one letter from them ("cancer") excepted; "cancel…" typed with extra letters
    ("cancell") is already read by wants_cancel."""
    if word.isascii() and word.isalpha():  # "cancle", "cansel": one slip from cancel, not "cancer"
        return word not in EN_NEAR_CANCEL_WORDS and any(
            edit_distance(word, cancel, MISTYPED_CANCEL_MAX_EDITS) <= MISTYPED_CANCEL_MAX_EDITS
            for cancel in EN_CANCEL_WORDS
        )
    if not word or not any(unicodedata.name(c, "").startswith("THAI") for c in word) or word in thai_words():
        return False
    return any(
        cancel.startswith(CANCEL_PREFIX)
        and edit_distance(word, cancel, MISTYPED_CANCEL_MAX_EDITS) <= MISTYPED_CANCEL_MAX_EDITS
        for cancel in COMPLAINT_CANCEL_WORDS
    )


def edit_distance(first: str, second: str, limit: int) -> int:
    """Levenshtein distance with a swap of two neighbours counted as one edit (optimal string
    alignment), or limit + 1 as soon as it must exceed `limit`."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    before: list[int] | None = None
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, 1):
        current = [i] + [0] * len(second)
        for j, b in enumerate(second, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            if before is not None and j > 1 and a == second[j - 2] and first[i - 2] == b:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def ends_with_cancel(text: object) -> bool:
    """ "เอ่อ ขอไปถามผู้ใหญ่บ้านก่อน ยกเลิกไว้ก่อนนะคะ", "จริงๆอยากถามว่า… ไม่ร้องเรียนแล้วค่ะ": a message
    of any length whose last clause is a change of mind (ยกเลิก alone, or one of the openings that
    cancel); what comes before is the reason or another question. A last clause that only mentions
    ยกเลิก ("…ยกเลิกนัดไปหลายรอบ") or cancels something else ("ยกเลิกบัตร") is no change of mind."""
    clauses = str(text or "").split()
    if len(clauses) < 2 or is_payload(text):
        return False
    last = _without_leads(bare(clauses[-1]), CANCEL_LEAD_WORDS)
    if len(last) > CANCEL_CLAUSE_MAX_CHARS or any(other in last for other in CANCEL_OTHER_THINGS):
        return False
    return last == CANCEL_PREFIX or last.startswith(CANCEL_OPENINGS) or softened_cancel(last)


def softened_cancel(word: str) -> bool:
    """ "ยกเลิกไปก่อน", "ยกเลิกไว้ก่อนละกัน": ยกเลิก followed only by time and softening words. Any
    other word after it ("ยกเลิกสัญญา", "ยกเลิกนัด") makes ยกเลิก the topic of the message."""
    rest = word.removeprefix(CANCEL_PREFIX)
    return rest != word and bool(rest) and _segments(rest, CANCEL_SOFTENERS) is not None


def opens_with_cancel(text: object) -> bool:
    """ "ยกลิก ไปโทรหาเขตเองดีกว่า", "ยกเลิกค่ะ เดี๋ยวไปแจ้งที่เขตเอง": a first clause that is a cancel
    word on its own (typed with one slip too), then a short reason. ยกเลิก joined to what follows
    ("ยกเลิกสัญญาแล้ว…") is a topic, and a long message after the word is a story, not a reason."""
    clauses = str(text or "").split()
    if len(clauses) < 2 or is_payload(text):
        return False
    first = _without_leads(bare(clauses[0]), CANCEL_LEAD_WORDS)
    rest = compact(" ".join(clauses[1:]))
    if len(rest) > CANCEL_PHRASE_MAX_CHARS or any(other in compact(text) for other in CANCEL_OTHER_THINGS):
        return False
    return (
        first in COMPLAINT_CANCEL_WORDS
        or first == CANCEL_PREFIX
        or softened_cancel(first)
        or mistyped_cancel(first)
    )


def asks_in_a_clause(text: object) -> bool:
    """The message, or one of its clauses, is a question ("อยากถามว่าเบี้ยคนพิการได้เดือนละเท่าไหร่
    ไม่ร้องเรียนแล้วค่ะ")."""
    clauses = str(text or "").split()
    if any(_without_leads(bare(clause), CANCEL_LEAD_WORDS).startswith(ASK_OPENINGS) for clause in clauses):
        return True  # "เดี๋ยวก่อนค่ะ ขอถามเรื่องขอติดตั้งมิเตอร์ไฟฟ้าใหม่หน่อย"
    return is_question(text) or any(is_question(clause) for clause in clauses)


def _without_leads(word: str, leads: tuple[str, ...]) -> str:
    """`word` with hesitation words taken off its front ("เอ่อยกเลิกก่อน…" -> "ยกเลิกก่อน…")."""
    changed = True
    while changed:
        changed = False
        for lead in leads:
            if word.startswith(lead) and len(word) > len(lead):
                word = word[len(lead) :].strip(_PUNCTUATION)
                changed = True
    return word


def is_bare_no(text: object) -> bool:
    return bare(text) in BARE_NO_WORDS


def is_yes(text: object) -> bool:
    return bare(text) in YES_WORDS


def _segments(word: str, vocabulary: tuple[str, ...]) -> list[str] | None:
    """`word` cut wholly into words of `vocabulary` (the longest that still lets the rest be cut
    first), or None when some part of it is no such word."""
    ordered = sorted(set(vocabulary), key=len, reverse=True)
    best: dict[int, list[str] | None] = {len(word): []}
    for start in range(len(word) - 1, -1, -1):
        best[start] = None
        for piece in ordered:
            rest = best.get(start + len(piece))
            if rest is not None and word.startswith(piece, start):
                best[start] = [piece, *rest]
                break
    return best[0]


def confirms_in_words(text: object) -> bool:
    """ "ถูกต้อง ส่งเลย", "โอเค ยืนยัน", "ok ยืนยันครับ", "ถูกต้องแล้วค่ะ ยืนยัน": yes to the summary
    in a sentence, every word of it a yes word or a filler (at least one yes). A no, a "not yet", an
    edit, a cancel or a question word anywhere in it, and it is not a yes."""
    if is_payload(text):
        return False
    word = "".join(c for c in compact(text) if unicodedata.category(c)[0] in "LMN")
    pieces = _segments(word, (*CONFIRM_SENTENCE_WORDS, *CONFIRM_SENTENCE_FILLERS)) if word else None
    return pieces is not None and any(piece in CONFIRM_SENTENCE_WORDS for piece in pieces)


_HOW_LONG_ASKED = re.compile(HOW_LONG_ASKED_PATTERN)


def asks_how_long(text: object) -> bool:
    """ "ไฟถนนหน้าซอยดับค่ะ แจ้งแล้วนานไหมกว่าจะมาซ่อม": the time asked within a story."""
    return bool(_HOW_LONG_ASKED.search(compact(text)))


def asks_time_ahead(text: object) -> bool:
    """How long until it is seen to, asked inside a story ("…ใช้เวลากี่วันถึงจะมาเก็บ"), not the days
    it has gone on."""
    word = compact(text)
    return asks_how_long(text) and (is_question(text) or any(w in word for w in TIME_AHEAD_WORDS))


def is_question(text: object) -> bool:
    raw = str(text or "")
    word = bare(raw)
    if "?" in raw or "？" in raw or word.endswith(QUESTION_ENDINGS):
        return True
    return any(words in word for words in EMBEDDED_QUESTION_WORDS)


def says_no_photo(text: object) -> bool:
    """ "ไม่มีรูป", "ไม่ได้ถ่ายรูปไว้ค่ะ", "no photo", "ยายไม่มีรูปค่ะ": the citizen has no photo (answered
    at any step)."""
    word = bare(text)
    said_by = next((w for w in SELF_WORDS if word.startswith(w + NO_PHOTO_PREFIX)), "")
    word = word.removeprefix(said_by)
    return (
        word.lower().startswith((NO_PHOTO_PREFIX, *NO_PHOTO_PREFIXES_EN))
        and len(word) <= NO_PHOTO_MAX_CHARS
        and any(photo in word for photo in PHOTO_WORDS)
    )


def skips_photo(text: object) -> bool:
    """ "ข้ามค่ะ", "ไม่มีรูปครับ", the button: no photo for this complaint (at the photo step); also
    with the reason after it ("ไม่มีรูปค่ะ ถ่ายตอนกลางคืนไม่ติด", "ไม่มีครับ มืดมาก")."""
    if bare(text) in {bare(word) for word in NO_PHOTO_WORDS} or says_no_photo(text):
        return True
    first = str(text or "").split()
    if first and not is_payload(text) and bare(first[0]) in {bare(word) for word in NO_PHOTO_WORDS}:
        return True
    return not is_payload(text) and compact(text).startswith(NO_PHOTO_OPENINGS)


def photo_later(text: object) -> bool:
    """ "ส่งรูปทีหลังได้ไหม", "เดี๋ยวส่งรูปตามไปนะ": the photo will come later."""
    word = compact(text)
    return len(word) <= PHOTO_REMARK_MAX_CHARS and any(cue in word for cue in PHOTO_LATER_WORDS)


def asks_if_photo_needed(text: object) -> bool:
    """ "ต้องส่งรูปด้วยมั้ย", "ต้องมีรูปไหมคะ": whether a photo is needed (it is not)."""
    word = compact(text)
    return len(word) <= PHOTO_REMARK_MAX_CHARS and any(cue in word for cue in PHOTO_NEEDED_WORDS)


def asks_to_edit(text: object) -> bool:
    """ "แก้ไข", "ขอแก้ไขหน่อยค่ะ", "อยากแก้ข้อมูล": a change asked for before the summary, no field named."""
    word = _without_leads(bare(text).lower(), EDIT_REQUEST_LEADS).strip()
    changed = True
    while changed:
        changed = False
        for tail in EDIT_REQUEST_TAILS:
            if word.endswith(tail) and len(word) > len(tail):
                word, changed = word[: -len(tail)].strip(), True
    return word in EDIT_REQUEST_WORDS


def wants_category_change(text: object) -> bool:
    """ "เปลี่ยนหมวด" (the button), "หมวดผิดค่ะ": the category is asked again, all else kept."""
    word = bare(text)
    return len(word) <= CHANGE_CATEGORY_MAX_CHARS and any(cue in word for cue in CHANGE_CATEGORY_WORDS)


def aside_kind(text: object, intent: str, step: str = "") -> str | None:
    """The kind of question asked aside ("anonymous", "human", "time", "next", "data"), a remark
    that there is no photo ("no_photo", at any step but the photo and the edit; at the story only the
    button's words "ไม่มีรูป"), or None
    when the message is an answer. Anonymity and a person are recognised from their words alone;
    time, next steps and data from their words at most steps, but at the description step only in a
    question, so a story that says "ไม่รู้จะนานแค่ไหน" in passing is still taken as the description."""
    if is_payload(text):
        return "human" if intent == "request_human" else None
    if step not in ("complaint_photo", "complaint_description", "complaint_edit") and says_no_photo(text):
        return "no_photo"  # not "no" to this step's question (the NLU reads "ไม่มีรูป" as deny)
    if step == "complaint_description" and bare(text) == bare(NO_PHOTO_LABEL):
        return "no_photo"  # the photo button's words typed early: not the story (a story may start so)
    word = compact(text)
    if step != "complaint_photo" and photo_later(text) and any(photo in word for photo in PHOTO_WORDS):
        return "photo_later"
    if asks_if_photo_needed(text):
        return "photo_needed"
    if any(cue in word for cue in COMPLAINT_ASIDE_CUES["anonymous"]):
        return "anonymous"
    confused = any(cue in word for cue in CONFUSED_WORDS) or bare(text).endswith(CONFUSED_ENDINGS)
    if len(word) <= CONFUSED_MAX_CHARS and confused:
        return "confused"  # "ไม่เข้าใจ": the step explained (never "ไม่" = no at the consent step)
    if len(word) <= CONFUSED_MAX_CHARS and any(cue in word for cue in PRESENCE_WORDS):
        return "presence"  # "สวัสดีค่ะ ยังอยู่ไหมคะ": never the story
    if len(word) <= CONFUSED_MAX_CHARS and any(cue in word for cue in BACK_TO_FORM_WORDS):
        return "back"  # "กลับมาเรื่องเดิม" after a question aside: never the place
    short = len(word) <= HUMAN_ASIDE_MAX_CHARS and consent_from_words(text) is None  # "ไม่ต้องติดต่อกลับ"
    if short and (intent == "request_human" or any(cue in word for cue in COMPLAINT_ASIDE_CUES["human"])):
        return "human"
    # ... unless it also tells a story ("ขยะไม่มีใครมาเก็บเป็นอาทิตย์ ใช้เวลากี่วันถึงจะมาเก็บ"): kept as one
    asked_by_words = any(cue in word for cue in ASIDE_ASKED_WORDS) and not has_category_cue(
        word, load_routes()
    )
    asked = is_question(text) or step != "complaint_description" or asked_by_words
    if len(word) <= ASIDE_QUESTION_MAX_CHARS and asked:
        for kind in ("time", "next", "data", "cost"):
            if any(cue in word for cue in COMPLAINT_ASIDE_CUES[kind]):
                return kind
    return None


def has_category_cue(text: object, routes: dict[str, ComplaintRoute]) -> bool:
    word = compact(text)
    return any(cue in word for route in routes.values() for cue in route.cues)


def category_from_words(text: object, routes: dict[str, ComplaintRoute]) -> str | None:
    """The category whose longest cue is in the text (a weak cue only when no other cue is); None
    when none is, or two tie."""
    word = compact(text)
    best: dict[str, int] = {}
    for weak_too in (False, True):
        for key, route in routes.items():
            found = [len(c) for c in route.cues if c in word and (weak_too or c not in route.weak_cues)]
            if found:
                best[key] = max(found)
        if best:
            break
    if not best:
        return None
    top = max(best.values())
    winners = [key for key, length in best.items() if length == top]
    return winners[0] if len(winners) == 1 else None


def first_description(text: object, min_letters: int, routes: dict[str, ComplaintRoute]) -> str | None:
    """What a first message says beyond "I want to complain": kept as the description when at least
    `min_letters` letters are left and a category cue is among them, or twice as many without one
    ("แจ้งไฟถนนดับหน้าบ้าน" yes, "อยากร้องเรียนค่ะ" / "มีเรื่องจะร้องทุกข์" no)."""
    raw = " ".join(str(text or "").translate(_INVISIBLE).split())
    if not raw or is_payload(raw):
        return None
    rest = compact(raw)
    for words in COMPLAINT_REQUEST_WORDS:
        rest = rest.replace(words, "")
    letters = _letters(rest)
    clear = any(cue in rest for route in routes.values() for cue in route.cues)
    if clear and _letters(_without_category_names(bare(rest))) < MIN_STORY_BEYOND_CATEGORY:
        return None  # "ร้องเรียนเสียงดัง", "อยากแจ้งเรื่องเสียงดังค่ะ": a category named, no story told
    return raw if letters >= min_letters and (clear or letters >= 2 * min_letters) else None


# Letters a first message must tell beyond a category's name to be its story ("ถนนพัง" yes).
MIN_STORY_BEYOND_CATEGORY = 1


def _letters(text: str) -> int:
    return sum(1 for c in text if c.isalnum())


def _without_category_names(word: str) -> str:
    """A compacted message without the categories' names (each word of a label: "เสียงดัง",
    "เหตุรำคาญ")."""
    for label in COMPLAINT_CATEGORIES.values():
        for part in sorted(label.split(), key=len, reverse=True):
            word = word.replace(compact(part), "")
    return word


def about_an_earlier_complaint(text: object) -> bool:
    """ "แจ้งไปสามรอบแล้ว ขยะยังกองอยู่", "แจ้งไปตั้งนานแล้วทำไมยังไม่มาซ่อม": the citizen means a
    complaint already made. Told as reported and then nothing done or anger at it (both halves:
    "แจ้งหลุมไปตั้งแต่2เดือนก่อน … ใครจะรับผิดชอบ", "I reported a broken pipe two weeks ago … nobody
    has come"), not "ไฟดับมาตั้งนานแล้ว" alone, which is a new complaint about something long broken."""
    word = compact(text)
    if any(cue in word for cue in EARLIER_COMPLAINT_CUES) or _EARLIER.search(word) is not None:
        return True
    reported = _REPORTED.search(word) or _REPORTED_EN.search(word)
    if reported is None:
        return False
    after = word[reported.start() :]
    # "แจ้งไฟดับไปตั้งนาน" (the wait is the complaint), unless reported now ("อยากแจ้งว่าไฟดับไปนานแล้ว");
    # anger anywhere in it ("ไอ้พวกเทศบาลไม่ทำงาน แจ้ง…ไปตั้งนาน").
    waited = any(cue in after for cue in EARLIER_WAIT_CUES) and not _reports_now(word, reported.start())
    return waited or any(cue in after for cue in EARLIER_NOTHING_CUES) or upset(word)


def _reports_now(word: str, at: int) -> bool:
    """The report verb at `at` is this message's own ("ขอแจ้ง…", "อยากแจ้งว่า…"), not an earlier one."""
    lead = word[:at]
    return lead.endswith(REPORT_NOW_LEADS) or word.startswith(REPORT_NOW_WORDS, at)


def reported_before(text: object) -> bool:
    """ "แจ้งเรื่องไฟถนนดับ ประมาณอาทิตย์ที่แล้วค่ะ": a report told as made some time ago (which one,
    right after a case look-up), not a matter broken since then ("…ดับตั้งแต่อาทิตย์ที่แล้ว")."""
    word = compact(text)
    reported = _REPORTED_NOW.search(word)
    if reported is None or _reports_now(word, reported.start()):
        return False
    after = word[reported.end() :]
    return any(
        past in after and SINCE_WORD not in after.split(past)[0][-SINCE_REACH_CHARS:]
        for past in PAST_TIME_WORDS
    )


# How far before the past time a "since" makes it the time the matter began ("ตั้งแต่อาทิตย์ที่แล้ว").
SINCE_REACH_CHARS = 16


def complains_of_waiting(text: object) -> bool:
    """An earlier complaint told with a wait or nothing done ("แจ้งไปตั้งนาน", "แจ้งไปแล้ว ยังไม่มีใครมา"),
    not only pointed at ("ขอติดตามเรื่องที่แจ้งไว้ครับ เลข …", a calm request owed no apology)."""
    if not about_an_earlier_complaint(text):
        return False
    word = compact(text)
    cues = [cue for cue in EARLIER_COMPLAINT_CUES if cue in word]
    pointed_only = all(cue in EARLIER_PLAIN_CUES for cue in cues) and _EARLIER.search(word) is None
    return not pointed_only or any(cue in word for cue in EARLIER_NOTHING_CUES)


def consent_from_words(text: object) -> bool | None:
    """ "ยินยอมค่ะ ติดต่อกลับได้" / "ไม่ยินยอมครับ" / "ไม่ต้องติดต่อกลับ": the answer at the start of
    a longer reply, in the question's word or the citizen's own; "ติดต่อ 0812345678" (a way to reach
    them, with no ไม่ in it) is a yes too. Fillers before the answer are taken off ("โอเค ให้ติดต่อได้")."""
    word = _without_leads(bare(text), CONSENT_LEAD_WORDS)
    if word.startswith((CONSENT_NO_PREFIX, *CONSENT_NO_OPENINGS)):
        return False
    if word.startswith((CONSENT_YES_PREFIX, *CONSENT_YES_OPENINGS)):
        return True
    if gives_a_number(text) and NEGATION_WORD not in word and word.startswith(CONSENT_CONTACT_WORDS):
        return True
    return english_consent(text)


def english_consent(text: object) -> bool | None:
    """ "Yes, you can contact me", "ok to contact me", "Please call me" -> True; "Please don't contact
    me", "no updates" -> False; None when no word about contacting is in an English message."""
    if not in_english(text):
        return None
    words = re.findall(r"[a-z']+", str(text or "").lower().replace("\u2019", "'"))
    if not any(w in CONSENT_CONTACT_WORDS_EN for w in words):
        return None
    return not any(w in CONSENT_NEGATIONS_EN or w.endswith("n't") for w in words)


def gives_a_number(text: object) -> bool:
    """A phone number (or an id) typed in the message: what nlu.pii.mask would hide."""
    raw = str(text or "")
    return mask(raw) != raw


def tracks_a_case(text: object) -> bool:
    """ "อยากติดตามเรื่องร้องเรียนที่เคยแจ้งไว้", "จำเลขไม่ได้แล้วค่ะ": about a case already filed (to
    follow it, or its lost number), in a short message — not a new complaint."""
    word = compact(text)
    if not word or is_payload(text) or len(word) > TRACK_CASE_MAX_CHARS:
        return False
    return any(cue in word for cue in TRACK_CASE_CUES) or forgot_reference(text)


def opens_as_place(text: object) -> bool:
    """ "อยู่ซอยข้างเซเว่น", "หน้าตลาด…": starts with a place word (after a lead such as อยู่), not
    only has one inside ("หมาคุ้ยเกลื่อนถนน" tells of a street, it names none)."""
    rest = compact(text)
    for lead in (*PLACE_LEADS, *PLACE_TAIL_LEADS):
        if rest.startswith(lead) and not rest.startswith((*PLACE_OPENINGS, *NEAR_OPENINGS)):
            rest = rest[len(lead) :]
            break
    return rest.startswith((*PLACE_OPENINGS, *NEAR_OPENINGS))


def reads_as_place(text: object, routes: dict[str, ComplaintRoute]) -> bool:
    """ "ซอยลาดพร้าว 101 แยก 3", "ที่ว่าการอำเภอเมืองนครปฐมค่ะ เมื่อวานบ่าย2": where, not what. A
    place opening (or an address part anywhere) and nothing that tells of a problem — so a story
    that starts with its place ("หน้าบ้านไฟดับ", "ซอย 5 ขยะเต็ม") is still read as the story."""
    word = compact(text)
    if not word or is_payload(text) or is_question(text) or len(word) > PLACE_MAX_CHARS:
        return False
    if any(problem in word for problem in PROBLEM_WORDS):
        return False
    # ถนน is a road cue and a place word: only cues that are not place words tell of a problem.
    cues = (cue for route in routes.values() for cue in route.cues if cue not in PLACE_OPENINGS)
    if any(cue in word for cue in cues):
        return False
    rest = word
    for lead in PLACE_LEADS:
        if rest.startswith(lead) and not rest.startswith((*PLACE_OPENINGS, *NEAR_OPENINGS)):
            rest = rest[len(lead) :]
            break
    near = rest.startswith(NEAR_OPENINGS) and len(word) <= NEAR_PLACE_MAX_CHARS
    # "หน้าตลาดสดเทศบาล อ.เมือง สุพรรณบุรี": near a landmark that is a place word, of any length
    opening = next((n for n in NEAR_OPENINGS if rest.startswith(n)), "")
    landmark = bool(opening) and rest[len(opening) :].startswith(PLACE_OPENINGS)
    return near or landmark or rest.startswith(PLACE_OPENINGS) or any(part in word for part in PLACE_PARTS)


def in_english(text: object) -> bool:
    """Written in English: most of its letters Latin ("I want to report a broken streetlight"); Thai
    words in it (a soi's name) do not change that, a Thai sentence with "LINE" in it is Thai."""
    letters = [c for c in str(text or "") if unicodedata.category(c)[0] in "LM"]
    return bool(letters) and sum(1 for c in letters if c.isascii()) / len(letters) > ENGLISH_LATIN_SHARE


def says_not_that(text: object) -> bool:
    """ "ไม่ใช่ค่ะ", "ไม่ใช่ไฟถนน เป็นไฟบ้าน": the guessed category is not the one."""
    return bare(text).startswith(NOT_THAT_PREFIX)
