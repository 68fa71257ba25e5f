"""case_status_form: ask for the case reference, check who is asking, answer with the case's status.

The reference format and its check digit come from nlu.case_ref, so a typo ("bad_check") gets a
different answer from text that is no reference at all; neither says anything about any case.
Citizens don't know which agency holds their case, so the look-up is across agencies, and the answer
shows public fields only (status, next step, a date).

Who may see a case: the account that filed it (a contact on the case belongs to the asker), or
someone who gives the last 4 digits of the phone number on the case (cases.verification counts tries
per asker and case, per case across everyone, and per asker across cases). Anyone else gets the same
question for the digits whether the case exists, has no phone, or does not exist at all, and the same
"does not match" afterwards: the replies never tell a guesser which references are real (issue 14,
finding 1). The digits are checked inside this action server and never set into a slot, stored or
logged. What a right answer proved is recorded in the database (cases/grants.py: this asker, this
case, 15 minutes), and that record is the only thing that unlocks a case for someone who did not file
it: the `phone_last4` slot (the reference whose digits were just answered) and `last_case_ref` (the
case last answered, so "notify me" can follow it) only steer the conversation, so a slot set by a
tracker event or a copied tracker unlocks nothing (issue 14, finding 3).

Every database unit of work is a small synchronous function run with asyncio.to_thread: rasa-sdk
runs actions on one event loop, and on SQLite each transaction may wait (up to 30 s) for the write
lock, which must not stall every other conversation. The functions return plain values (no ORM
objects outlive their session).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session, sessionmaker

from actions import replies
from actions.case_runtime import CaseRuntime, asker_of
from actions.complaint_talk import (
    about_an_earlier_complaint,
    category_from_words,
    compact,
    complains_of_waiting,
    in_english,
    is_payload,
    tracks_a_case,
)
from actions.context import ActionContext
from actions.form_ask import AskSlotAction
from actions.replies import (
    ACCOUNT_NAMES,
    CASE_WAIT_WORDS,
    DEFAULT_NEXT_STEP,
    HUMAN,
    KIND_LABELS,
    OWN_CASE_LINE,
    OWN_CASE_LINE_SMS,
    OWN_CASES_MORE,
    OWN_CASES_SHOWN,
    OWN_CASES_SHOWN_SMS,
    PHRASES,
    REFERENCE_PROBLEMS,
    REFERENCE_PROBLEMS_EN,
    SUBSCRIBE_BUTTON_TITLE,
    Button,
    asks_own_cases,
    forgot_reference,
    upset,
)
from cases.complaint_routing import load_routes
from cases.grants import has_access
from cases.models import Case, as_utc, utcnow
from cases.registry import (
    TERMINAL_STATUSES,
    AskerKeys,
    asker_owns_case,
    cases_of_asker,
    find_case_by_reference,
)
from cases.render import STATUS_LABELS_TH
from cases.verification import (
    LOCK_DURATION,
    Lock,
    VerificationResult,
    check_last4,
    last4_from_text,
    lock_of,
)
from nlu.case_ref import KINDS, check_case_ref, parse_case_ref, shaped_case_ref
from nlu.characters import CLEAN_TABLE
from nlu.pii import mask
from nlu.thai_date import thai_date

log = logging.getLogger(__name__)

RefStatus = Literal["valid", "bad_check", "not_a_reference"]
Access = Literal["owner", "verified", "needs_last4", "locked"]
_TRIM = " \t\r\n.,;:!?()[]{}\"'“”‘’"
BANGKOK = ZoneInfo("Asia/Bangkok")
MAX_NEXT_STEP_CHARS = 120
MAX_NEXT_STEP_CHARS_SMS = 50

# The reply with the case's status (the other outcomes of a look-up say why it cannot be shown).
STATUS_ANSWER = "case_status_answer"
# Intents that leave a form by rule: the custom extractors leave these messages alone, so the form
# rejects them and the rule runs (a loop otherwise takes priority over every rule).
LEAVE_FORM_INTENTS = frozenset({"deny", "greet", "request_human", "restart"})
# Passed from extract_phone_last4 to validate_phone_last4 when the asker just got locked out.
LOCKED = "locked"
# case_id when the answer is the asker's own cases (no reference given or upset, for an account that
# filed some; "จำเลขไม่ได้" always): the submit action lists them, or says where the number is.
MINE = "mine"
# case_id after an attempt at a reference that cannot be used (a typo, the wrong shape): the
# validation already said what is wrong and how to find the number; the look-up ends there.
TOLD = "told"
# case_id when the message that opened the look-up is about no case of ours ("พัสดุEMSส่งมา5วันแล้ว
# ยังไม่ถึง ตามได้ที่ไหนคะ": a parcel, Thailand Post's): the service action answers it instead.
ELSEWHERE = "elsewhere"
# A try at a reference inside a longer message: two letters then digits ("CM6900012", "cm69-12-3");
# read by reference_problem and answered, never looked up. Other letters than CM/AP need at least
# MIN_ATTEMPT_DIGITS digits ("WA69-0412-3387" yes; "is 2 weeks", "PM2.5" no).
_ATTEMPT = re.compile(r"(?<![A-Za-z])[A-Za-z]{2}[\s\-.]*[0-9](?:[0-9\s\-.]*[0-9])?")
MIN_ATTEMPT_DIGITS = 6
# Digits alone are a try at a reference only when grouped like one, a two-digit year first
# ("69-1234-56789"): a phone starts with 0 and an id with a group of one, and neither is taken.
_DIGITS_ATTEMPT = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9][\-.][0-9]{3,5}[\-.][0-9]{3,6}(?![0-9])")
# Two letters and at least this many digits: a reference of some kind, never a new complaint's words.
MIN_NAMED_REFERENCE_DIGITS = 8
_SEPARATOR_RUNS = re.compile(r"[\s\-.]+")
_LETTERED_TEN = re.compile(r"[A-Z]{2}[0-9]{10}")
# Fewer letters than this beside the numbers ("ok", "pls") say nothing of the citizen's language.
MIN_LANGUAGE_LETTERS = 4
# The longest attempt said back (anything longer is a sentence, not a number).
MAX_SAID_BACK_CHARS = 24


def find_case_ref(text: str) -> tuple[RefStatus, str | None]:
    """Look for a reference in what the citizen typed: the whole text first, then each word.

    Returns ("valid", canonical) for the first valid one, else "bad_check" if any word has the
    reference's shape with a wrong check digit, else "not_a_reference".
    """
    candidates = [text, *re.split(r"\s+", text)]
    status: RefStatus = "not_a_reference"
    for raw in candidates:
        candidate = raw.strip(_TRIM)
        if not candidate:
            continue
        result = check_case_ref(candidate)
        if result == "valid":
            parsed = parse_case_ref(candidate)
            if parsed is not None:
                return "valid", parsed.canonical
        elif result == "bad_check":
            status = "bad_check"
    return status, None


def misread_ref(text: str) -> str:
    """The first word with a reference's shape but a wrong check digit, written as a reference
    ("cm69-0012-3456" -> "CM69-0012-3456"): the bad-check reply names the number it read, so the
    citizen can compare it with the one on their confirmation. "" when there is none."""
    for raw in [text, *re.split(r"\s+", text)]:
        candidate = raw.strip(_TRIM)
        if candidate and check_case_ref(candidate) == "bad_check":
            return shaped_case_ref(candidate) or ""
    return ""


def send_bad_check(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> None:
    """ "เลขที่เรื่อง CM69-0012-3456 มีตัวเลขผิดไปค่ะ…": the number as read, and that it has a typo."""
    read = misread_ref(text) or misread_ref(latest_text(tracker))
    english = writes_english(tracker)
    shown = f" {read} " if read else (" " if english else PHRASES["this_reference"])
    key = language_key("case_ref_bad_check", tracker)
    replies.send(dispatcher, tracker, key, values={"reference": shown})


def words_of(text: str) -> str:
    """The message without the references and tries at one in it, nor a button payload: the words
    its language is read from ("CM69-1234-5675" alone has none, so it is no English)."""
    if is_payload(text):
        return ""
    cleaned = _DIGITS_ATTEMPT.sub(" ", _ATTEMPT.sub(" ", text.translate(CLEAN_TABLE)))
    return cleaned if sum(ch.isalpha() for ch in cleaned) >= MIN_LANGUAGE_LETTERS else ""


def writes_english(tracker: Tracker) -> bool:
    """The citizen's latest message with words in it is English ("case status WA69-7781-0042 pls"):
    the look-up then answers in English. Button payloads, bare numbers (the last 4 digits) and bare
    references are passed over, so the answer to a question stays in the question's language."""
    texts = [str(e.get("text") or "") for e in tracker.events or [] if e.get("event") == "user"]
    for text in reversed(texts or [latest_text(tracker)]):
        words = words_of(text)
        if words:
            return in_english(words)
    return False


def language_key(key: str, tracker: Tracker) -> str:
    """`en_<key>` for a citizen writing English when the catalogue has it, else `key`."""
    english = f"en_{key}"
    return english if english in replies.REPLIES and writes_english(tracker) else key


def send_apology(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The apology before any answer to an upset message (its words are never said back)."""
    replies.send(dispatcher, tracker, language_key("case_apology", tracker))


def reference_attempt(text: str) -> str | None:
    """The part of a message that tries to be a reference but is none ("ขอเช็คเรื่อง CM6900012",
    "เลขที่ 69-1234-56789"), or None: what the citizen is told is wrong with it (validate_case_id).
    Thai digits are read as digits."""
    cleaned = text.translate(CLEAN_TABLE)
    for match in _ATTEMPT.finditer(cleaned):
        found = match.group(0).strip()
        if found[:2].upper() in KINDS or sum(ch.isdigit() for ch in found) >= MIN_ATTEMPT_DIGITS:
            return found
    digits = _DIGITS_ATTEMPT.search(cleaned)
    return digits.group(0) if digits else None


def names_a_reference(text: str) -> bool:
    """A case reference of any letters in the message ("…reference WA69-3390-1175, and nobody has
    come"), valid, mistyped or not ours: the message is about a case, not a new complaint."""
    if find_case_ref(text)[0] != "not_a_reference":
        return True
    attempt = reference_attempt(text)
    return (
        attempt is not None
        and attempt[:1].isalpha()
        and sum(ch.isdigit() for ch in attempt) >= MIN_NAMED_REFERENCE_DIGITS
    )


CASE_FORM = "case_status_form"


def about_a_case(text: str) -> bool:
    """Whether a message is about a case already filed: a reference or an attempt at one, a forgotten
    number, following a case, or a case word. "อ่อ ไม่ใช่ละ จริงๆมันหายไปด้วย หาไม่เจอเลย" after an
    answer on the ID card reads to the NLU like a case look-up, and is none."""
    word = compact(text)
    return (
        is_payload(text)  # the menu's "ติดตามเรื่อง" button
        or names_a_reference(text)
        or reference_attempt(text) is not None
        or forgot_reference(text)
        or tracks_a_case(text)
        or any(cue in word for cue in replies.CASE_TOPIC_WORDS)
        or _CASE_TOPIC_EN.search(text.casefold()) is not None
    )


_CASE_TOPIC_EN = re.compile(replies.CASE_TOPIC_PATTERN_EN)
SERVICE_ACTION = "action_answer_service"


def not_our_case(text: str) -> bool:
    """A typed message that opened the look-up and is about no case filed here: no reference, no
    case or complaint word, no earlier complaint, no complaint category, not upset ("พัสดุEMSส่งมา
    5วันแล้วยังไม่ถึง ตามได้ที่ไหนคะ" tracks a parcel). The service action answers it (another
    agency's matter is named there)."""
    if not text.strip() or about_a_case(text) or owed_apology(text) or about_an_earlier_complaint(text):
        return False
    if replies.A_MATTER_WORD in compact(text):  # "ขอดูเรื่องของฉัน": a matter of theirs, as the look-up takes it
        return False
    return category_from_words(text, load_routes()) is None


def said_back(attempt: str | None) -> str:
    """An attempt at a reference as the bot read it, to say back: two letters and ten digits in the
    reference's written form ("rd6912345678" -> "RD69-1234-5678"), anything else as typed in capitals
    with Thai digits as digits ("69-1234-56789"); "" for what may be a phone number or an id (never
    said back) or what is too long to be a number."""
    if not attempt:
        return ""
    cleaned = " ".join(attempt.translate(CLEAN_TABLE).split()).upper()
    compact = _SEPARATOR_RUNS.sub("", cleaned)
    if _LETTERED_TEN.fullmatch(compact):
        cleaned = f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"
    if len(cleaned) > MAX_SAID_BACK_CHARS or mask(cleaned) != cleaned:
        return ""
    return cleaned


def reference_problem(text: str, english: bool = False) -> str:
    """What is wrong with text that is not a reference, as REFERENCE_PROBLEMS text ("" when it is not
    an attempt at one): "CM-69-0001" has 6 digits, "XY12-3456-7890" the wrong letters. In English
    (REFERENCE_PROBLEMS_EN) for a citizen writing English."""
    problems = REFERENCE_PROBLEMS_EN if english else REFERENCE_PROBLEMS
    cleaned = text.translate(CLEAN_TABLE)
    digits = sum(ch.isascii() and ch.isdigit() for ch in cleaned)
    letters = re.findall(r"[A-Za-z]+", cleaned)
    if letters and digits and letters[0][:2].upper() not in KINDS:  # (words alone are no try)
        return problems["prefix"]
    if digits >= 4 and digits != 10:
        return problems["digits"].format(count=digits)
    if digits == 10 and not letters:
        return problems["prefix"]
    return problems["none"]


def status_label(case: Case) -> str:
    return STATUS_LABELS_TH.get(case.status, case.status)


def filed_on(case: Case) -> dt.date:
    """The day the case was filed, in Bangkok."""
    created = as_utc(case.created_at)
    assert created is not None
    return created.astimezone(BANGKOK).date()


def account_name(keys: AskerKeys) -> str:
    """The account whose cases are meant, as the citizen reads it (an SMS number masked)."""
    if keys.channel == "sms":
        masked = f"xxx-xxx-{keys.phone[-4:]}" if keys.phone else "xxx"
        return ACCOUNT_NAMES["sms"].format(masked=masked)
    return ACCOUNT_NAMES.get(keys.channel, ACCOUNT_NAMES["default"])


def latest_text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def leaves_form(tracker: Tracker) -> bool:
    return latest_intent(tracker) in LEAVE_FORM_INTENTS


def owed_apology(text: str) -> bool:
    """Upset or rude, or telling that a complaint made earlier is still not dealt with ("แจ้งไป
    ตั้งนานแล้วทำไมยังไม่มาซ่อม"): the answer opens with an apology (the words never said back)."""
    return upset(text) or complains_of_waiting(text)


def about_waiting(text: str) -> bool:
    """The upset message is about the wait or the time it takes ("แล้วจะให้รอถึงเมื่อไหร่", "ช้ามาก"),
    or about a complaint still not dealt with — not only an angry remark ("ไร้สาระ")."""
    word = compact(text)
    return complains_of_waiting(text) or any(cue in word for cue in CASE_WAIT_WORDS)


def canonical_ref(value: Any) -> str | None:
    parsed = parse_case_ref(str(value)) if isinstance(value, str) and value else None
    return parsed.canonical if parsed is not None else None


def subscribe_button(reference: str) -> Button:
    return Button(SUBSCRIBE_BUTTON_TITLE, f'/subscribe_updates{{"case_id":"{reference}"}}')


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a database unit of work decided to tell the citizen, as plain values: the reply key, its
    values, and the references it concerns (so nothing from the closed session is used later)."""

    reply: str
    values: Mapping[str, str] = field(default_factory=dict)
    refs: tuple[str, ...] = ()

    def send(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, extra_buttons: tuple[Button, ...] = ()
    ) -> None:
        replies.send(dispatcher, tracker, self.reply, extra_buttons=extra_buttons, values=self.values)


# What a locked-out asker is told, by the budget that ran out (cases.verification).
LOCK_REPLIES = {"asker_case": "case_locked", "asker": "asker_lookups_paused", "case": "case_lookups_closed"}


def refusal(access: Access, lock: Lock | None) -> Outcome | None:
    """Why this asker may not see or follow the case (locked out, or the digits not given yet), or
    None when they may: the same answer for the status look-up and for subscribing."""
    if access in ("owner", "verified"):
        return None
    if access == "locked" and lock is not None:
        return Outcome(LOCK_REPLIES[lock.reason], {"time": lock_time(lock.until)})
    return Outcome("ask_phone_last4")


@dataclass
class CaseLookup:
    """What the case actions share: the database, the case runtime (None when cases are not
    configured here) and a clock that tests can move.

    The async methods are what actions call; each runs one synchronous unit of work (the `_` method
    of the same name) in a worker thread.
    """

    sessions: sessionmaker[Session]
    runtime: CaseRuntime | None
    clock: Callable[[], dt.datetime] = field(default=utcnow)

    @property
    def ready(self) -> bool:
        """False when cases are not configured here: every case action then says so."""
        return self.runtime is not None

    def keys(self, tracker: Tracker) -> AskerKeys:
        assert self.runtime is not None
        asker = asker_of(tracker, self.runtime)
        return AskerKeys.of(self.runtime.tools.vault, asker.channel, asker.sender_id, asker.sms_number)

    def access(
        self, session: Session, reference: str, case: Case | None, keys: AskerKeys
    ) -> tuple[Access, Lock | None]:
        """May this asker see the case named `reference` now (`case` None: there is none)? Returns
        the decision and, when locked, which budget ran out and until when. An unknown reference gets
        the same decisions as a case of someone else. Runs inside a unit of work (reads the budgets
        and the grants: nothing the conversation holds counts as proof)."""
        now = self.clock()
        if case is not None and asker_owns_case(case, keys):
            return "owner", None
        if case is not None and has_access(session, case.id, keys.sender_hash, now):
            return "verified", None
        lock = lock_of(session, reference, keys.sender_hash, now)
        if lock is not None:
            return "locked", lock
        return "needs_last4", None

    async def access_of(self, tracker: Tracker, reference: str | None) -> Access | None:
        """The access decision for a reference (None only without a reference or a runtime)."""
        if self.runtime is None or reference is None:
            return None
        return await asyncio.to_thread(self._access_of, reference, self.keys(tracker))

    def _access_of(self, reference: str, keys: AskerKeys) -> Access:
        with self.sessions() as session:
            case = find_case_by_reference(session, reference)
            return self.access(session, reference, case, keys)[0]

    async def has_own_cases(self, tracker: Tracker) -> bool:
        """Did this account (LINE user, web session, SMS number) file any case?"""
        if self.runtime is None:
            return False
        return await asyncio.to_thread(self._has_own_cases, self.keys(tracker))

    def _has_own_cases(self, keys: AskerKeys) -> bool:
        with self.sessions() as session:
            return bool(cases_of_asker(session, keys))

    async def open_case_of(self, tracker: Tracker, category: str) -> dict[str, str] | None:
        """The asker's newest case of this complaint category still being worked on (its reference,
        status and filing date, for the reply), or None. A second report of the same matter is
        told its number instead of only filing a duplicate."""
        if self.runtime is None:
            return None
        return await asyncio.to_thread(self._open_case_of, self.keys(tracker), category)

    def _open_case_of(self, keys: AskerKeys, category: str) -> dict[str, str] | None:
        with self.sessions() as session:
            for case in cases_of_asker(session, keys):
                if case.category == category and case.status not in TERMINAL_STATUSES:
                    return {
                        "reference": case.reference,
                        "status": status_label(case),
                        "date": thai_date(filed_on(case)),
                    }
        return None

    async def own_cases(self, tracker: Tracker) -> Outcome:
        """The asker's own cases with their status, newest first, or how to find a number."""
        keys, channel = self.keys(tracker), tracker.get_latest_input_channel()
        return await asyncio.to_thread(self._own_cases, keys, channel)

    def _own_cases(self, keys: AskerKeys, channel: str | None) -> Outcome:
        with self.sessions() as session:
            cases = cases_of_asker(session, keys)
            # SMS: two cases keep the answer within two segments; the rest are typed by number.
            shown = cases[: OWN_CASES_SHOWN_SMS if channel == "sms" else OWN_CASES_SHOWN]
            if channel == "sms":
                lines = [
                    OWN_CASE_LINE_SMS.format(
                        reference=c.reference, status=STATUS_LABELS_TH.get(c.status, c.status)
                    )
                    for c in shown
                ]
                text = "; ".join(lines)
            else:
                lines = [
                    OWN_CASE_LINE.format(
                        reference=c.reference,
                        what=c.category or KIND_LABELS.get(c.kind, c.kind),
                        status=status_label(c),
                        date=thai_date(filed_on(c)),
                    )
                    for c in shown
                ]
                if len(cases) > len(shown):
                    lines.append(OWN_CASES_MORE.format(count=len(cases) - len(shown)))
                text = "\n".join(lines)
            refs = tuple(c.reference for c in shown)
        if not refs:
            return Outcome("case_ref_how_to_find", {"account": account_name(keys)})
        return Outcome("own_cases_status", {"account": account_name(keys), "cases": text}, refs)

    async def needs_last4(self, tracker: Tracker, reference: str | None) -> bool:
        return await self.access_of(tracker, reference) == "needs_last4"

    async def verify_last4(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, reference: str | None
    ) -> dict[str, Any]:
        """Check the digits in the latest message; returns {"phone_last4": reference} on success (the
        step is done; the proof itself is the grant check_last4 recorded).

        A wrong answer says how many tries are left; the lock itself is announced by the submit
        action (the form ends once verification is no longer possible).
        """
        if self.runtime is None or reference is None:
            return {"phone_last4": None}
        typed = last4_from_text(latest_text(tracker))
        if typed is None:
            if not owed_apology(latest_text(tracker)):
                replies.send(dispatcher, tracker, "phone_last4_not_digits")
            # (impatient instead of digits, "แล้วจะให้รอถึงเมื่อไหร่": the case status form leaves the
            # look-up with an apology; another form asks again, the apology first)
            return {"phone_last4": None}
        result = await asyncio.to_thread(self._check_last4, reference, self.keys(tracker).sender_hash, typed)
        if result.outcome == "ok":
            return {"phone_last4": reference}
        if result.outcome == "wrong":
            log.info("case look-up: verification failed (%d tries left)", result.tries_left)
            replies.send(
                dispatcher, tracker, "phone_last4_wrong", values={"tries_left": str(result.tries_left)}
            )
            return {"phone_last4": None}
        log.info("case look-up: verification locked for this asker")
        return {"phone_last4": LOCKED}

    def _check_last4(self, reference: str, asker_hash: str, typed: str) -> VerificationResult:
        """Count and compare in one write transaction; a reference with no case is counted the same."""
        with self.sessions() as session, session.begin():
            case = find_case_by_reference(session, reference)
            return check_last4(session, reference, case, asker_hash, typed, self.clock())

    async def status(self, tracker: Tracker, reference: str) -> Outcome:
        """The status answer for this asker, or why it cannot be shown (unknown, locked, owner only)."""
        keys, channel = self.keys(tracker), tracker.get_latest_input_channel()
        return await asyncio.to_thread(self._status, reference, keys, channel)

    def _status(self, reference: str, keys: AskerKeys, channel: str | None) -> Outcome:
        with self.sessions() as session:
            case = find_case_by_reference(session, reference)
            refused = refusal(*self.access(session, reference, case, keys))
            if refused is not None or case is None:
                return refused or Outcome("ask_phone_last4")
            return Outcome(STATUS_ANSWER, answer_values(case, channel))


async def verification_slots(lookup: CaseLookup | None, tracker: Tracker, reference: Any) -> list[str]:
    """["phone_last4"] while this asker must prove access to the case (or is answering right now)."""
    ref = canonical_ref(reference)
    if lookup is None or ref is None:
        return []
    if tracker.get_slot("requested_slot") == "phone_last4" or await lookup.needs_last4(tracker, ref):
        return ["phone_last4"]
    return []


def settle_last4(value: Any) -> dict[str, Any]:
    """After extraction: a reference stays; LOCKED ends the form (the submit action explains)."""
    if value == LOCKED:
        return {"phone_last4": None, "requested_slot": None}
    return {"phone_last4": canonical_ref(value)}


def answer_values(case: Case, channel: str | None) -> dict[str, str]:
    """The public fields of the answer: status label, next step, and the due or last-update date."""
    latest = case.history[-1] if case.history else None
    next_step = (latest.next_step if latest is not None and latest.status == case.status else None) or (
        DEFAULT_NEXT_STEP.get(case.status, PHRASES["next_step_unknown"])
    )
    limit = MAX_NEXT_STEP_CHARS_SMS if channel == "sms" else MAX_NEXT_STEP_CHARS
    if len(next_step) > limit:
        next_step = next_step[: limit - 1] + "…"
    due = latest.next_step_due if latest is not None and latest.status == case.status else None
    if due is not None:
        when = PHRASES["case_due"].format(date=thai_date(due))
    else:
        updated = case.updated_at if case.updated_at.tzinfo else case.updated_at.replace(tzinfo=dt.UTC)
        when = PHRASES["case_updated"].format(date=thai_date(updated.astimezone(BANGKOK).date()))
    return {
        "case_id": case.reference,
        "status": STATUS_LABELS_TH.get(case.status, case.status),
        "next_step": next_step,
        "when": when,
    }


def lock_time(until: dt.datetime | None) -> str:
    """When the lock ends, as Bangkok wall-clock time ("10:15")."""
    return (until or utcnow() + LOCK_DURATION).astimezone(BANGKOK).strftime("%H:%M")


class CaseFormValidation(FormValidationAction):
    """What the case status and subscribe forms share: the look-up, ending at once when cases are
    not configured here, and the last-4-digits question for the case named in `reference_slot`."""

    reference_slot: ClassVar[str]

    def __init__(self, lookup: CaseLookup | None = None) -> None:
        self.lookup = lookup

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if self.lookup is None or not self.lookup.ready:
            return []  # ends the form at once: the submit action says the service is not available
        return await self.form_slots(self.lookup, tracker)

    async def form_slots(self, lookup: CaseLookup, tracker: Tracker) -> list[str]:
        """The slots this form asks for now (cases are configured)."""
        raise NotImplementedError

    async def extract_phone_last4(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "phone_last4":
            # Only an answer to the question fills it: a value met otherwise (written into the
            # tracker, left over) is dropped, so the question is asked (the grant decides access).
            return {"phone_last4": None} if tracker.get_slot("phone_last4") is not None else {}
        if self.lookup is None or leaves_form(tracker):
            return {}
        reference = canonical_ref(tracker.get_slot(self.reference_slot))
        return await self.lookup.verify_last4(dispatcher, tracker, reference)

    async def validate_phone_last4(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return settle_last4(slot_value)


class CaseAction(Action):
    """A case action that needs the look-up (None, or without a runtime, when not configured)."""

    def __init__(self, lookup: CaseLookup | None = None) -> None:
        self.lookup = lookup

    def ready_lookup(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> CaseLookup | None:
        """The look-up, or None after telling the citizen the service is not available here."""
        if self.lookup is None or not self.lookup.ready:
            replies.send(dispatcher, tracker, "cases_unavailable")
            return None
        return self.lookup


class ValidateCaseStatusForm(CaseFormValidation):
    reference_slot = "case_id"

    def name(self) -> str:
        return "validate_case_status_form"

    async def extract_phone_last4(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """ "แล้วจะให้รอถึงเมื่อไหร่" instead of the digits: not asked a second time. The look-up is left
        (TOLD: the submit action says nothing more) with an apology, why the case's own timing needs
        the digits, and the ways on (track again, an officer)."""
        text = latest_text(tracker)
        if (
            tracker.get_slot("requested_slot") == "phone_last4"
            and self.lookup is not None
            and not leaves_form(tracker)
            and last4_from_text(text) is None
            and owed_apology(text)
        ):
            if not about_waiting(text):
                # "ไร้สาระ เก็บภาษีไปทำไม": an angry remark, no question of time: the digits asked
                # again, after an apology (ActionAskPhoneLast4; the words are never said back).
                return {"phone_last4": None}
            replies.send(dispatcher, tracker, language_key("case_left_waiting", tracker))
            return {"phone_last4": None, "case_id": TOLD, "requested_slot": None}
        return await super().extract_phone_last4(dispatcher, tracker, domain)

    async def form_slots(self, lookup: CaseLookup, tracker: Tracker) -> list[str]:
        # The phone question is part of the form only when this asker must prove access.
        return ["case_id", *await verification_slots(lookup, tracker, tracker.get_slot("case_id"))]

    async def extract_case_id(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """What the first message (or the answer to the question) names instead of a valid
        reference: an attempt at one (validated, so the citizen hears what is wrong with it), or
        the asker's own cases (MINE) when the form starts without one, the citizen says they forgot
        it, or is upset — for an account that filed cases; "จำเลขไม่ได้" always (the submit action
        says where the number is when there are none)."""
        requested = tracker.get_slot("requested_slot")
        if self.lookup is None or not self.lookup.ready or leaves_form(tracker):
            return {}
        if requested not in (None, "case_id") or (requested is None and tracker.get_slot("case_id")):
            return {}
        text = latest_text(tracker)
        if find_case_ref(text)[0] != "not_a_reference":
            return {}  # a reference, or one with a typo: validate_case_id answers it
        if asks_own_cases(text):
            return {"case_id": MINE}
        if requested is None and not_our_case(text):
            return {"case_id": ELSEWHERE}
        if forgot_reference(text):
            return {"case_id": MINE}
        attempt = reference_attempt(text)
        if attempt is not None and (requested is None or latest_intent(tracker) == "ask_service"):
            # (the typed text fills the slot otherwise; a service question's does not, see the domain)
            return {"case_id": attempt}
        if requested == "case_id" and not upset(text):
            return {}
        if await self.lookup.has_own_cases(tracker):
            return {"case_id": MINE}
        return {}

    async def validate_case_id(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A valid reference goes on to the access check. An attempt at one that cannot be used (a
        typo in the check digit, the wrong letters or number of digits) is answered with what is
        wrong and where the number is, and the look-up ends (TOLD): the citizen is not held in a
        form that takes whatever they type next for a reference; a number typed later starts a new
        look-up. Text that is no attempt at all gets the format and the question again."""
        if slot_value in (MINE, TOLD, ELSEWHERE):
            return {"case_id": slot_value}
        text = str(slot_value or "")
        status, canonical = find_case_ref(text)
        if status == "valid" and canonical is not None:
            # No "no such case" here: a reference the asker did not file is asked for its digits
            # whether it exists or not (see the module docstring).
            return {"case_id": canonical}
        typed = latest_text(tracker)
        if forgot_reference(typed) or asks_own_cases(typed):
            return {"case_id": MINE}
        english = writes_english(tracker)
        tried = reference_attempt(text)
        problem = reference_problem(tried or text, english)
        attempt = status == "bad_check" or bool(problem)
        if attempt and owed_apology(typed):
            send_apology(dispatcher, tracker)  # before anything else is said
        read = said_back(tried) if attempt else ""
        if status == "bad_check":
            send_bad_check(dispatcher, tracker, text)
        elif read:
            # the number as read ("WA69-0412-3387"), then the format: the citizen can compare
            replies.send(
                dispatcher,
                tracker,
                language_key("case_ref_wrong_shape", tracker),
                values={"reference": read, "problem": problem},
            )
        elif not upset(typed) or attempt:
            # (upset without a number: the question that follows apologises and asks)
            key = language_key("case_ref_not_reference", tracker)
            replies.send(dispatcher, tracker, key, values={"problem": problem})
        if attempt:
            replies.send(dispatcher, tracker, language_key("case_ref_try_again", tracker))
            return {"case_id": TOLD}
        return {"case_id": None}


class ActionSubmitCaseStatus(CaseAction):
    """Ends the form: the status for an owner or a verified asker, else why it cannot be shown."""

    def name(self) -> str:
        return "action_submit_case_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # Forget the reference and the unlock, or the next question would skip asking for them.
        events: list[EventType] = [SlotSet("case_id", None), SlotSet("phone_last4", None)]
        reference = canonical_ref(tracker.get_slot("case_id"))
        lookup = self.ready_lookup(dispatcher, tracker)
        if tracker.get_slot("case_id") == ELSEWHERE:
            return [*events, FollowupAction(SERVICE_ACTION)]  # about no case of ours: answered there
        if lookup is None or tracker.get_slot("case_id") == TOLD:
            return events  # (TOLD: the validation said what was wrong with the number)
        if owed_apology(latest_text(tracker)):
            send_apology(dispatcher, tracker)
        if tracker.get_slot("case_id") == MINE:
            mine = await lookup.own_cases(tracker)
            buttons = tuple(Button(ref, f'/check_case_status{{"case_id":"{ref}"}}') for ref in mine.refs)
            # (no cases: the reply says where the number is and carries its own button for a person)
            mine.send(dispatcher, tracker, extra_buttons=(*buttons, HUMAN) if mine.refs else ())
            if len(mine.refs) == 1:
                return [*events, SlotSet("last_case_ref", mine.refs[0])]
            return events
        if reference is None:
            replies.send(dispatcher, tracker, "case_ref_not_reference", values={"problem": ""})
            return events
        outcome = await lookup.status(tracker, reference)
        if outcome.reply != STATUS_ANSWER:
            outcome.send(dispatcher, tracker)
            return events
        outcome.send(dispatcher, tracker, extra_buttons=(subscribe_button(reference), HUMAN))
        return [*events, SlotSet("last_case_ref", reference)]


class ActionAskCaseId(CaseAction):
    """Asks for the reference; after an upset message apologises first. ("จำเลขไม่ได้" never gets
    here: the form answers it with the asker's own cases or where the number is.)"""

    def name(self) -> str:
        return "action_ask_case_id"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if owed_apology(latest_text(tracker)):
            send_apology(dispatcher, tracker)
        replies.send(dispatcher, tracker, language_key("ask_case_id", tracker))
        return []


class ActionAskPhoneLast4(AskSlotAction):
    """The last-4-digits question; after an upset message ("CM69-… ยังดังเหมือนเดิม ไม่ได้เรื่องเลย")
    it apologises first, as the reference question does."""

    def __init__(self) -> None:
        super().__init__("phone_last4")

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = latest_text(tracker)
        if owed_apology(text):
            send_apology(dispatcher, tracker)
        # the reference just typed, as read ("CM69-0012-0458"): the citizen can check it before the
        # digits; it says nothing of whether such a case exists
        reference = canonical_ref(tracker.get_slot("case_id"))
        typed = "".join(ch for ch in text.translate(CLEAN_TABLE).upper() if ch.isalnum())
        if reference is None or reference.replace("-", "") not in typed:
            if writes_english(tracker):
                replies.send(dispatcher, tracker, "en_ask_phone_last4")
                return []
            return await super().run(dispatcher, tracker, domain)
        channel = tracker.get_latest_input_channel()
        read = replies.reply_for(language_key("case_ref_received", tracker), channel).text.format(
            reference=reference
        )
        question = replies.reply_for(language_key("ask_phone_last4", tracker), channel)
        dispatcher.utter_message(
            text=f"{read} {question.text}", buttons=[b.as_dict() for b in question.buttons] or None
        )
        return []


def build_actions(context: ActionContext) -> list[Action]:
    lookup = CaseLookup(sessions=context.sessionmaker, runtime=context.cases)
    return [
        ValidateCaseStatusForm(lookup),
        ActionAskCaseId(lookup),
        ActionAskPhoneLast4(),
        ActionSubmitCaseStatus(lookup),
    ]
