"""case_status_form: ask for the case reference, check who is asking, answer with the case's status.

The reference format and its check digit come from nlu.case_ref, so a typo ("bad_check") gets a
different answer from text that is no reference at all, and both differ from a well-formed reference
that matches no case; none of the three says anything about any case. Citizens don't know which
agency holds their case, so the look-up is across agencies, and the answer shows public fields only
(status, next step, a date).

Who may see a case: the account that filed it (a contact on the case belongs to the asker), or
someone who gives the last 4 digits of the phone number on the case (cases.verification counts wrong
tries and locks the case for that asker after 5). The digits are checked inside this action server
and never set into a slot, stored or logged: the `phone_last4` slot only ever holds the reference the
asker unlocked. `last_case_ref` remembers the case last answered, so "notify me" can follow it.

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
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session, sessionmaker

from actions import replies
from actions.case_runtime import CaseRuntime, asker_of
from actions.context import ActionContext
from actions.form_ask import AskSlotAction
from actions.replies import DEFAULT_NEXT_STEP, HUMAN, PHRASES, SUBSCRIBE_BUTTON_TITLE, Button
from cases.models import Case, utcnow
from cases.registry import AskerKeys, asker_owns_case, find_case_by_reference
from cases.render import STATUS_LABELS_TH
from cases.verification import (
    LOCK_DURATION,
    VerificationResult,
    check_last4,
    expected_last4,
    last4_from_text,
    locked_until,
)
from nlu.case_ref import check_case_ref, parse_case_ref
from nlu.thai_date import thai_date

log = logging.getLogger(__name__)

RefStatus = Literal["valid", "bad_check", "not_a_reference"]
Access = Literal["owner", "verified", "needs_last4", "locked", "owner_only"]
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


def latest_text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def leaves_form(tracker: Tracker) -> bool:
    return latest_intent(tracker) in LEAVE_FORM_INTENTS


def canonical_ref(value: Any) -> str | None:
    parsed = parse_case_ref(str(value)) if isinstance(value, str) and value else None
    return parsed.canonical if parsed is not None else None


def subscribe_button(reference: str) -> Button:
    return Button(SUBSCRIBE_BUTTON_TITLE, f'/subscribe_updates{{"case_id":"{reference}"}}')


def unlocked_refs(tracker: Tracker) -> set[str]:
    """References this conversation already proved access to (answered, or unlocked by last 4)."""
    return {ref for ref in (tracker.get_slot("phone_last4"), tracker.get_slot("last_case_ref")) if ref}


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


def refusal(access: Access, until: dt.datetime | None) -> Outcome | None:
    """Why this asker may not see or follow the case (locked out, or no phone to prove access
    with), or None when they may: the same answer for the status look-up and for subscribing."""
    if access in ("owner", "verified"):
        return None
    if access == "locked":
        return Outcome("case_locked", {"time": lock_time(until)})
    return Outcome("case_owner_only")


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
        self, session: Session, case: Case, keys: AskerKeys, unlocked: set[str]
    ) -> tuple[Access, dt.datetime | None]:
        """May this asker see this case now? Returns the decision and, when locked, until when.
        Runs inside a unit of work (it reads the lock-out table)."""
        if asker_owns_case(case, keys):
            return "owner", None
        if case.reference in unlocked:
            return "verified", None
        if not expected_last4(case):
            return "owner_only", None
        until = locked_until(session, case.id, keys.sender_hash, self.clock())
        if until is not None:
            return "locked", until
        return "needs_last4", None

    async def exists(self, reference: str) -> bool:
        """Is there a case with this reference (in any agency)?"""
        return await asyncio.to_thread(self._exists, reference)

    def _exists(self, reference: str) -> bool:
        with self.sessions() as session:
            return find_case_by_reference(session, reference) is not None

    async def access_of(self, tracker: Tracker, reference: str | None) -> Access | None:
        """The access decision for a reference, or None when there is no such case (or no runtime)."""
        if self.runtime is None or reference is None:
            return None
        return await asyncio.to_thread(self._access_of, reference, self.keys(tracker), unlocked_refs(tracker))

    def _access_of(self, reference: str, keys: AskerKeys, unlocked: set[str]) -> Access | None:
        with self.sessions() as session:
            case = find_case_by_reference(session, reference)
            return None if case is None else self.access(session, case, keys, unlocked)[0]

    async def needs_last4(self, tracker: Tracker, reference: str | None) -> bool:
        return await self.access_of(tracker, reference) == "needs_last4"

    async def verify_last4(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, reference: str | None
    ) -> dict[str, Any]:
        """Check the digits in the latest message; returns {"phone_last4": reference} on success.

        A wrong answer says how many tries are left; the lock itself is announced by the submit
        action (the form ends once verification is no longer possible).
        """
        if self.runtime is None or reference is None:
            return {"phone_last4": None}
        typed = last4_from_text(latest_text(tracker))
        if typed is None:
            replies.send(dispatcher, tracker, "phone_last4_not_digits")
            return {"phone_last4": None}
        result = await asyncio.to_thread(self._check_last4, reference, self.keys(tracker).sender_hash, typed)
        if result is None:
            return {"phone_last4": None}
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

    def _check_last4(self, reference: str, asker_hash: str, typed: str) -> VerificationResult | None:
        """Compare and count in one write transaction; None when there is no such case."""
        with self.sessions() as session, session.begin():
            case = find_case_by_reference(session, reference)
            if case is None:
                return None
            return check_last4(session, case, asker_hash, typed, self.clock())

    async def status(self, tracker: Tracker, reference: str) -> Outcome:
        """The status answer for this asker, or why it cannot be shown (unknown, locked, owner only)."""
        keys, channel = self.keys(tracker), tracker.get_latest_input_channel()
        return await asyncio.to_thread(self._status, reference, keys, unlocked_refs(tracker), channel)

    def _status(self, reference: str, keys: AskerKeys, unlocked: set[str], channel: str | None) -> Outcome:
        with self.sessions() as session:
            case = find_case_by_reference(session, reference)
            if case is None:
                return Outcome("case_not_found", {"case_id": reference})
            access, until = self.access(session, case, keys, unlocked)
            return refusal(access, until) or Outcome(STATUS_ANSWER, answer_values(case, channel))


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
        if tracker.get_slot("requested_slot") != "phone_last4" or self.lookup is None or leaves_form(tracker):
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

    async def form_slots(self, lookup: CaseLookup, tracker: Tracker) -> list[str]:
        # The phone question is part of the form only when this asker must prove access.
        return ["case_id", *await verification_slots(lookup, tracker, tracker.get_slot("case_id"))]

    async def validate_case_id(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        status, canonical = find_case_ref(str(slot_value or ""))
        if status != "valid" or canonical is None:
            replies.send(
                dispatcher,
                tracker,
                "case_ref_bad_check" if status == "bad_check" else "case_ref_not_reference",
            )
            return {"case_id": None}
        if self.lookup is not None and self.lookup.ready and not await self.lookup.exists(canonical):
            replies.send(dispatcher, tracker, "case_not_found", values={"case_id": canonical})
            return {"case_id": None}
        return {"case_id": canonical}


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
        if lookup is None:
            return events
        if reference is None:
            replies.send(dispatcher, tracker, "case_ref_not_reference")
            return events
        outcome = await lookup.status(tracker, reference)
        if outcome.reply != STATUS_ANSWER:
            outcome.send(dispatcher, tracker)
            return events
        outcome.send(dispatcher, tracker, extra_buttons=(subscribe_button(reference), HUMAN))
        return [*events, SlotSet("last_case_ref", reference)]


def build_actions(context: ActionContext) -> list[Action]:
    lookup = CaseLookup(sessions=context.sessionmaker, runtime=context.cases)
    return [
        ValidateCaseStatusForm(lookup),
        AskSlotAction("case_id"),
        AskSlotAction("phone_last4"),
        ActionSubmitCaseStatus(lookup),
    ]
