"""Hand the conversation to a person: confirm once, then queue it in hours or offer a call-back.

- action_handover_confirm asks "ต้องการคุยกับเจ้าหน้าที่ใช่ไหมคะ" (ใช่ / ไม่ใช่) after `request_human`;
  yes (or asking again) runs action_handover, no goes back to the bot (rules in
  bot/data/rules_handover.yml). Asking to be called back ("ให้เจ้าหน้าที่โทรกลับ", or "ให้โทรกลับ" typed at
  the call-back offer) starts the call-back form at once instead. The second unclear message's offer
  of a person and the sensitive-topic offer are that confirmation already: their yes runs
  action_handover directly.
- action_handover picks the agency (a sensitive topic's own, else the service being discussed, else the
  contact centre gcc1111) and asks its office hours (handover/office_hours.py). In hours it says it is
  connecting, sets the `handover` slot and sends the custom message {"handover": {"reason", "agency",
  "service", "intent", "transcript"}}: the gateway opens the queue entry on seeing it and tells the
  citizen their position (handover/gate.py), so the bot's text promises no position. Out of hours it
  says when staff are back and offers a call-back (actions/callback.py; slot `callback_offered` lets a
  typed yes start that form), and the citizen keeps asking the bot meanwhile. Either way the question
  that led to it is kept in the review queue (reason handover, masked; actions/review_signals.py).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Protocol

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.complaint import SERVICE_ACTION
from actions.complaint_referral import wants_it_filed_here
from actions.complaint_talk import asks_for_a_person, complains_about_staff
from actions.context import ActionContext
from actions.handover_desk import DeskStatus, HandoverDesk, desk_for
from actions.handover_transcript import session_transcript
from actions.replies import UNREACHABLE_PARTY_PATTERN
from actions.review_signals import NOT_QUESTIONS, keep, question_before, session_turns
from actions.unanswered import UnansweredRecorder
from handover.office_hours import thai_when
from handover.sensitive import SensitiveTopics
from knowledge.agencies import AgencyDirectory

REQUEST_HUMAN = "request_human"
COMPLAINT_FORM = "complaint_form"  # a complaint about an officer goes there (actions/complaint.py)
FALLBACK = "fallback"
SENSITIVE_TOPIC = "sensitive_topic"
REASONS = (REQUEST_HUMAN, FALLBACK, SENSITIVE_TOPIC)
OFFER_SLOT = "handover_offer"  # the reason of an offer of a person the citizen has not answered yet
AGENCY_SLOT = "handover_agency"  # the agency of the last handover decision (the call-back form's)
CALLBACK_OFFERED = "callback_offered"  # featurized: a typed yes after the offer starts the form
CALLBACK_FORM = "callback_form"
# Answers and small talk, not what the conversation is about: the agent is shown the intent before them.
# (What is not a question to review — answers, small talk, feedback — nor the fallback.)
NOT_TOPICS = NOT_QUESTIONS | {"nlu_fallback"}


class Referrals(Protocol):
    """Where a matter the bot does not cover belongs (knowledge.agencies.Referral), or None."""

    def refer(self, text: str) -> Any: ...


def topic_intent(tracker: Tracker) -> str | None:
    """The latest intent that says what the conversation is about (ask_service, file_complaint, …)."""
    for event in reversed(list(tracker.events or [])):
        if event.get("event") != "user":
            continue
        name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if name and name not in NOT_TOPICS:
            return str(name)
    return None


def callback_offer_just_made(tracker: Tracker) -> bool:
    """The bot's last turn offered a call-back (action_handover out of hours, run on its own or inside
    the service action): the citizen's message now answers that offer."""
    users = 0
    for event in reversed(list(tracker.events or [])):
        if event.get("event") == "user":
            users += 1
            if users > 1:
                return False
        elif event.get("event") == "slot" and event.get("name") == CALLBACK_OFFERED:
            return event.get("value") is True and users == 1
    return False


def asks_for_a_call(tracker: Tracker) -> bool:
    """ "ให้เจ้าหน้าที่โทรกลับที่ 08…": a person on the phone, asked for plainly; no confirmation needed."""
    text = str((tracker.latest_message or {}).get("text") or "").casefold()
    return not text.startswith("/") and any(word in text for word in replies.CALLBACK_WORDS)


def start_callback_form() -> list[EventType]:
    """Yes to the call-back offer where no rule sees it (the offer came from inside another action, or
    the citizen typed "ให้โทรกลับ", which the NLU reads as asking for a person): run the form next."""
    return [FollowupAction(CALLBACK_FORM)]


def reason_of(tracker: Tracker) -> str:
    offered = tracker.get_slot(OFFER_SLOT)
    if offered in REASONS:
        return str(offered)
    if float(tracker.get_slot("fallback_count") or 0.0) >= 2:
        return FALLBACK
    return REQUEST_HUMAN


def when_values(status: DeskStatus) -> dict[str, str]:
    agency = status.agency
    return {
        "agency": agency.name_th,
        "when": thai_when(status.opening, status.now),
        "hotline": agency.hotline or "1111",
    }


_UNREACHABLE = re.compile(UNREACHABLE_PARTY_PATTERN)


def tells_unreachable(text: str) -> bool:
    """Whether the message says someone in the citizen's own matter cannot be reached ("ติดต่อเค้าไม่ได้
    แล้วล่ะ"): a circumstance of the service, not a request for a person here."""
    return _UNREACHABLE.search(text or "") is not None


class ActionHandoverConfirm(Action):
    """Asks once whether the citizen wants a person; the answer goes to action_handover or the bot.
    A sensitive topic in the same message ("เครียดมาก ไม่อยากอยู่แล้ว อยากคุยกับใครสักคน") gets its
    hotline first, as it does when asked any other way, and its yes goes to that topic's agency. Another
    agency's matter told without asking for anyone goes to the service action, which refers it."""

    def __init__(self, sensitive: SensitiveTopics | None = None, agencies: Referrals | None = None) -> None:
        """`agencies`: where another agency's matter is referred; at start-up (link) the service
        action's own referrals replace it, so a referral staff taught counts here as it does there."""
        self._sensitive = sensitive
        self._agencies = agencies

    def name(self) -> str:
        return "action_handover_confirm"

    def link(self, by_name: dict[str, Any]) -> None:
        """At start-up (actions/registry.py): the service action's referrals (its resolver's: what
        reviewers taught, then the directory's topic phrases), when the server has that action."""
        service = by_name.get(SERVICE_ACTION)
        if callable(getattr(service, "refer", None)):
            self._agencies = service

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if callback_offer_just_made(tracker) or asks_for_a_call(tracker):
            return start_callback_form()
        text = str((tracker.latest_message or {}).get("text") or "")
        if complains_about_staff(text) or wants_it_filed_here(tracker.events or [], text):
            # "จะแจ้งเรื่องเจ้าหน้าที่ค่ะ": a complaint about an officer, not a wish to talk to one;
            # "ไม่อยากโทรอะ ขอแจ้งที่นี่เลยได้ไหม" after another agency's number: filed here.
            return [FollowupAction(COMPLAINT_FORM)]
        topic = self._sensitive.match(text) if self._sensitive is not None else None
        if topic is not None:
            values = {"agency": topic.agency.name_th, "hotline": topic.agency.hotline}
            replies.send(dispatcher, tracker, "sensitive_topic", values=values)
            return [SlotSet(OFFER_SLOT, SENSITIVE_TOPIC), SlotSet(AGENCY_SLOT, topic.agency.id)]
        if tracker.get_slot("service_id") and not asks_for_a_person(text) and tells_unreachable(text):
            # "ติดต่อเค้าไม่ได้แล้วล่ะ" while removing a departed tenant's name: the service's matter
            # (the NLU heard "ติดต่อ"), answered by the service action against the service talked about
            return [FollowupAction(SERVICE_ACTION)]
        if not asks_for_a_person(text) and await self._referred(text):
            # "มีคนโทรมาอ้างเป็นเจ้าหน้าที่ ขอรหัส OTP": another agency's matter in which the NLU heard
            # "เจ้าหน้าที่"; the service action refers it (its reply still offers a person).
            return [FollowupAction(SERVICE_ACTION)]
        replies.send(dispatcher, tracker, "handover_confirm")
        return [SlotSet(OFFER_SLOT, REQUEST_HUMAN)]

    async def _referred(self, text: str) -> bool:
        """Whether another agency's matter is told (the taught referrals are read from the database:
        off the event loop)."""
        if self._agencies is None:
            return False
        return await asyncio.to_thread(self._agencies.refer, text) is not None


class ActionHandoverDeclined(Action):
    """ "ไม่ใช่" to the confirmation, or "ไม่เป็นไร" to the call-back offer: back to the bot, nothing
    queued or taken."""

    def name(self) -> str:
        return "action_handover_declined"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        replies.send(dispatcher, tracker, "handover_declined")
        return [SlotSet(OFFER_SLOT, None), SlotSet("fallback_count", 0.0), SlotSet(CALLBACK_OFFERED, None)]


class ActionHandover(Action):
    def __init__(self, desk: HandoverDesk, recorder: UnansweredRecorder | None = None) -> None:
        self.desk = desk
        self.recorder = recorder

    def name(self) -> str:
        return "action_handover"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        service_id = tracker.get_slot("service_id")
        reason = reason_of(tracker)
        chosen = tracker.get_slot(AGENCY_SLOT) if reason == SENSITIVE_TOPIC else None
        agency = self.desk.agencies.get(str(chosen)) if chosen else None
        if agency is None:  # the service being discussed, else the contact centre
            agency = await asyncio.to_thread(self.desk.agency_for, service_id)
        status = await asyncio.to_thread(self.desk.status, agency)
        await self._keep_question(tracker)
        events: list[EventType] = [
            SlotSet("fallback_count", 0.0),
            SlotSet(OFFER_SLOT, None),
            SlotSet(AGENCY_SLOT, agency.id),
        ]
        if status.open:
            replies.send(dispatcher, tracker, "handover_connecting", values={"agency": agency.name_th})
            request = {
                "reason": reason,
                "agency": agency.id,
                "service": service_id or None,
                "intent": topic_intent(tracker),
                "transcript": session_transcript(tracker),
            }
            dispatcher.utter_message(json_message={"handover": request})
            return [*events, SlotSet("handover", True), SlotSet(CALLBACK_OFFERED, None)]
        if self.desk.personal_data is None:  # no key to seal a phone with: no call-back ticket here
            replies.send(dispatcher, tracker, "handover_closed_no_callback", values=when_values(status))
            return [*events, SlotSet(CALLBACK_OFFERED, None)]
        replies.send(dispatcher, tracker, "handover_closed", values=when_values(status))
        return [*events, SlotSet(CALLBACK_OFFERED, True)]

    async def _keep_question(self, tracker: Tracker) -> None:
        """The citizen's latest question before the handover (the message that asked for a person and
        the "yes" are not questions), with what the bot had answered it."""
        turns = session_turns(tracker.events or [])
        question = question_before(turns, include_latest=True)
        if question is not None:
            await keep(self.recorder, tracker, question, "handover", question.answer())


def build_actions(context: ActionContext) -> list[Action]:
    recorder = UnansweredRecorder(context.sessionmaker, context.sender_hash)
    desk = desk_for(context)
    confirm = ActionHandoverConfirm(desk.sensitive, AgencyDirectory.load())
    return [confirm, ActionHandoverDeclined(), ActionHandover(desk, recorder)]
