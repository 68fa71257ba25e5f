"""The call-back form: consent (the PDPA wording shown is the wording stored), then a phone number,
then a CallbackTicket (handover/callbacks.py) and a confirmation.

It never traps the citizen (the project's no-trap rule, as in actions/complaint_steps.py and
actions/form_tries.py):
- a service question, an out-of-scope or an unclear message is not taken as an answer: the form
  rejects it, the rules in bot/data/rules_handover.yml let action_answer_service answer it, and the
  form asks its question again;
- "ยกเลิก", no, or "ไม่ยินยอม" ends the form (it completes with nothing stored and says so);
- asking for a person is answered aside (staff are out; when they are back) and the question asked
  again; anything else unclear is asked once more, and a second time ends the form.
The phone is never put into a slot: the ticket is stored as soon as a valid number arrives, and the
slot keeps only its last 4 digits.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies
from actions.complaint_talk import wants_cancel
from actions.context import ActionContext
from actions.form_ask import AskSlotAction
from actions.form_tries import tries_at_step
from actions.handover import AGENCY_SLOT, CALLBACK_OFFERED, when_values
from actions.handover_desk import HandoverDesk, desk_for
from handover.callbacks import NewTicket, create_ticket
from privacy import PhoneError, normalize_thai_phone

log = logging.getLogger(__name__)

FORM = "callback_form"
CONSENT = "callback_consent"
PHONE = "callback_phone"
CONSENT_AT = "callback_consent_at"
TICKET = "callback_ticket"
NOT_GIVEN = "none"  # callback_phone when the form ended without a number
EXPLAINED = "explained"  # callback_ticket when the form ended with its reason already said
CALLBACK_SLOTS = (CONSENT, PHONE, CONSENT_AT, TICKET)
# Not an answer to the form's question: answered by the service action, then the form asks again.
SIDE_INTENTS = frozenset({"ask_service", "out_of_scope", "nlu_fallback"})
MAX_TRIES = 2


def consent_wording(channel: str | None) -> str:
    """The consent question exactly as the citizen sees it; the same words go into the ticket."""
    return replies.reply_for("ask_callback_consent", channel).text


def _text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def _intent(tracker: Tracker) -> str:
    return str(((tracker.latest_message or {}).get("intent") or {}).get("name") or "")


def _has_digits(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


class ValidateCallbackForm(FormValidationAction):
    def __init__(self, desk: HandoverDesk) -> None:
        self.desk = desk

    def name(self) -> str:
        return "validate_callback_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot(CONSENT) is False:
            return [CONSENT]  # declined: the form is complete, nothing is asked or stored
        return [CONSENT, PHONE]

    async def validate_callback_consent(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {CONSENT: slot_value if isinstance(slot_value, bool) else None}

    async def validate_callback_phone(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {PHONE: slot_value}

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """rasa_sdk keeps only the required slots' events; the consent time and the ticket go too."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        extras = tracker.slots_to_validate()
        return [*events, *(SlotSet(name, extras[name]) for name in (CONSENT_AT, TICKET) if name in extras)]

    async def _status_values(self, tracker: Tracker) -> dict[str, str]:
        agency = await self._agency(tracker)
        status = await asyncio.to_thread(self.desk.status, agency)
        return when_values(status)

    async def _say(self, dispatcher: CollectingDispatcher, tracker: Tracker, key: str) -> None:
        replies.send(dispatcher, tracker, key, values=await self._status_values(tracker))

    async def _agency(self, tracker: Tracker) -> Any:
        chosen = tracker.get_slot(AGENCY_SLOT)
        agency = self.desk.agencies.get(str(chosen)) if chosen else None
        if agency is None:
            agency = await asyncio.to_thread(self.desk.agency_for, tracker.get_slot("service_id"))
        return agency

    async def _unclear(
        self, step: str, dispatcher: CollectingDispatcher, tracker: Tracker, reply: str
    ) -> dict[str, Any]:
        """Ask once more; a second unclear answer ends the form (nothing stored)."""
        if tries_at_step(tracker, step, FORM) >= MAX_TRIES:
            replies.send(dispatcher, tracker, "callback_ended_unclear")
            ended: dict[str, Any] = {CONSENT: False} if step == CONSENT else {PHONE: NOT_GIVEN}
            return {**ended, TICKET: EXPLAINED}
        replies.send(dispatcher, tracker, reply)
        return {step: None}

    async def extract_callback_consent(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        requested = tracker.get_slot("requested_slot")
        if requested is None:
            # starting: a value left from an earlier, abandoned form is wiped; consent counts only as
            # the answer to the question asked
            return {CONSENT: None} if tracker.get_slot(CONSENT) is not None else {}
        if requested != CONSENT:
            return {}
        text, intent = _text(tracker), _intent(tracker)
        answer = replies.consent_answer(text)
        if intent == "affirm" or answer is True:
            return {CONSENT: True, CONSENT_AT: self.desk.clock().isoformat()}
        if intent == "deny" or answer is False or wants_cancel(text):
            return {CONSENT: False}
        if intent in SIDE_INTENTS:
            return {}  # rejected: the rules answer it and the form asks again
        if intent == "request_human":
            await self._say(dispatcher, tracker, "callback_aside_human")
            return {CONSENT: None}
        return await self._unclear(CONSENT, dispatcher, tracker, "callback_consent_unclear")

    async def extract_callback_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != PHONE:
            return {}
        text, intent = _text(tracker), _intent(tracker)
        if wants_cancel(text) or intent == "deny":
            return {PHONE: NOT_GIVEN}
        if _has_digits(text) and not text.lstrip().startswith("/"):
            try:
                phone = normalize_thai_phone(text)
            except PhoneError:
                return await self._unclear(PHONE, dispatcher, tracker, "callback_phone_invalid")
            return await self._store(dispatcher, tracker, phone)
        if intent in SIDE_INTENTS:
            return {}
        if intent == "request_human":
            await self._say(dispatcher, tracker, "callback_aside_human")
            return {PHONE: None}
        return await self._unclear(PHONE, dispatcher, tracker, "callback_phone_unclear")

    async def _store(self, dispatcher: CollectingDispatcher, tracker: Tracker, phone: str) -> dict[str, Any]:
        vault = self.desk.personal_data
        if vault is None or tracker.get_slot(CONSENT) is not True:
            await self._say(dispatcher, tracker, "callback_unavailable")
            return {PHONE: NOT_GIVEN, TICKET: EXPLAINED}
        agency = await self._agency(tracker)
        channel = tracker.get_latest_input_channel() or "default"
        raw_at = tracker.get_slot(CONSENT_AT)
        now = self.desk.clock()
        ticket = NewTicket(
            agency_id=agency.id,
            channel=channel[:8],
            recipient_hash=self.desk.sender_hash(tracker.sender_id),
            phone_e164=phone,
            consent_wording=consent_wording(tracker.get_latest_input_channel()),
            consent_at=dt.datetime.fromisoformat(raw_at) if raw_at else now,
            service_id=tracker.get_slot("service_id"),
        )
        try:
            ticket_id = await asyncio.to_thread(self._create, ticket, now)
        except Exception:
            log.exception("could not store a call-back ticket")
            await self._say(dispatcher, tracker, "callback_unavailable")
            return {PHONE: NOT_GIVEN, TICKET: EXPLAINED}
        log.info("call-back ticket %d stored for %s", ticket_id, agency.id)
        return {PHONE: phone[-4:], TICKET: str(ticket_id)}

    def _create(self, ticket: NewTicket, now: dt.datetime) -> int:
        assert self.desk.personal_data is not None
        with self.desk.sessions() as session, session.begin():
            return create_ticket(session, ticket, self.desk.personal_data, now).id


class ActionSubmitCallback(Action):
    """The form is complete: confirm the ticket, or say nothing was taken and the bot carries on."""

    def __init__(self, desk: HandoverDesk) -> None:
        self.desk = desk

    def name(self) -> str:
        return "action_submit_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events: list[EventType] = [SlotSet(name, None) for name in (*CALLBACK_SLOTS, CALLBACK_OFFERED)]
        chosen = tracker.get_slot(AGENCY_SLOT)
        agency = self.desk.agencies.get(str(chosen)) if chosen else None
        if agency is None:
            agency = await asyncio.to_thread(self.desk.agency_for, tracker.get_slot("service_id"))
        values = when_values(await asyncio.to_thread(self.desk.status, agency))
        ticket = str(tracker.get_slot(TICKET) or "")
        if ticket.isdigit():
            last4 = str(tracker.get_slot(PHONE) or "")
            replies.send(dispatcher, tracker, "callback_stored", values={**values, "last4": last4})
        elif ticket != EXPLAINED:
            replies.send(dispatcher, tracker, "callback_not_taken", values=values)
        return events


def build_actions(context: ActionContext) -> list[Action]:
    desk = desk_for(context)
    return [
        ValidateCallbackForm(desk),
        AskSlotAction(CONSENT),
        AskSlotAction(PHONE),
        ActionSubmitCallback(desk),
    ]
