"""action_answer_service: answer the part of a public service that the citizen asked about.

One job each: `actions/service_resolver.py` decides which service (or life event, near-twin
question, referral) a message is about given the conversation state (slots `service_id`,
`service_aspect`, `life_event`); `actions/service_answer.py` composes the answer with the direct
answer first; this module is the Rasa action that ties them together and the start-up wiring. Texts
come from actions/replies.py.

The index is built once at start-up (build_actions, before the server accepts requests) and follows
published changes through LiveIndex; searches run in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.case_status import CASE_FORM, about_a_case
from actions.complaint import after_case_lookup
from actions.complaint_referral import right_after_referral, wants_it_filed_here
from actions.complaint_talk import (
    about_an_earlier_complaint,
    aside_kind,
    asks_how_long,
    category_from_words,
    reads_as_place,
)
from actions.context import ActionContext
from actions.fallback import offer_human, record_unanswered, rephrase, top_intent
from actions.feedback import ActionFeedback
from actions.handover import (
    AGENCY_SLOT,
    COMPLAINT_FORM,
    OFFER_SLOT,
    SENSITIVE_TOPIC,
    ActionHandover,
    callback_offer_just_made,
    start_callback_form,
)
from actions.handover_desk import desk_for
from actions.replies import (
    ASKS_NUMBER_PATTERN,
    FEEDBACK_BUTTONS,
    HUMAN,
    REPLIES,
    WHO_KNOWS_WORDS,
    WHO_MAY_DO_PATTERN,
    WHO_SEES_WORDS,
    Button,
    send,
    upset,
)
from actions.service_answer import (
    BUTTON_TITLE_MAX,
    button_title,
    compose_answer,
    is_english,
    service_payload,
    short_name,
    thai_date,
)
from actions.service_english import compose_english
from actions.service_follow_up import (
    back_to_earlier,
    back_to_service,
    with_context,
    with_new_figure,
    with_new_subject,
)
from actions.service_resolver import (
    SPOKEN_WORD_MIN_CHARS,
    Decision,
    ServiceResolver,
    residual_words,
    speaks_of,
)
from actions.service_small_talk import CONVERSATIONAL_INTENTS, accepts, last_response, should_resolve
from actions.service_small_talk import light_reply as light_response
from actions.service_verdicts import duration_step, say
from actions.tracker_view import with_slots
from actions.unanswered import UnansweredRecorder
from cases.complaint_routing import load_routes
from handover.sensitive import SensitiveTopics
from knowledge.aspects import detect_aspect
from knowledge.record import ServiceRecord
from knowledge.search.cache import EmbeddingCache
from knowledge.search.embedders import EmbedderConfig, make_embedder
from knowledge.search.index import stderr_progress
from knowledge.search.live import LiveIndex
from knowledge.settings import KnowledgeSettings
from knowledge.store import KnowledgeStore

__all__ = [
    "BUTTON_TITLE_MAX",
    "ActionAnswerService",
    "ServiceResolver",
    "build_actions",
    "button_title",
    "service_payload",
    "thai_date",
]

logger = logging.getLogger(__name__)


# A word of a near-twin's name in a question after a filed complaint ("ทะเบียนบ้าน", not "วัน").
TWIN_NAME_WORD_MIN_CHARS = 4


_WHO_MAY_DO = re.compile(WHO_MAY_DO_PATTERN)


def asks_who_may_do(text: str, service_id: str | None) -> bool:
    """ "ใครเป็นคนแจ้งได้บ้าง" right after a service's answer asks who may do that errand (the privacy
    cue "เป็นคนแจ้ง" is in it, but nothing is seen or known): a question on the service."""
    word = "".join(text.split())
    return bool(service_id) and bool(_WHO_MAY_DO.search(word)) and not any(w in word for w in WHO_KNOWS_WORDS)


def unique_titles(buttons: list[Button]) -> list[Button]:
    """Every label in one message is distinct (a repeated label gets a number)."""
    seen: dict[str, int] = {}
    out = []
    for button in buttons:
        title = button.title
        if title in seen:
            seen[title] += 1
            suffix = f" {seen[title]}"
            title = title[: BUTTON_TITLE_MAX - len(suffix)] + suffix
        else:
            seen[title] = 1
        out.append(Button(title, button.payload))
    return out


class ActionAnswerService(Action):
    def __init__(
        self,
        resolver: ServiceResolver,
        recorder: UnansweredRecorder | None = None,
        handover: ActionHandover | None = None,
        sensitive: SensitiveTopics | None = None,
    ) -> None:
        self._resolver = resolver
        self._recorder = recorder
        self._handover = handover
        self._sensitive = sensitive

    def name(self) -> str:
        return "action_answer_service"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """A sensitive topic (handover/sensitive_topics.yml) gets its hotline and the offer of a person,
        whatever the intent; yes/no right after that offer answer it; anything else is a service turn,
        and an offer left unanswered lapses."""
        text = str((tracker.latest_message or {}).get("text") or "")
        intent = str(((tracker.latest_message or {}).get("intent") or {}).get("name") or "")
        offered = tracker.get_slot(OFFER_SLOT)
        if intent in ("affirm", "deny") and callback_offer_just_made(tracker):  # this action handed over
            if intent == "affirm":
                return start_callback_form()
            send(dispatcher, tracker, "handover_declined")
            return [SlotSet("callback_offered", None)]
        if offered == SENSITIVE_TOPIC and intent in ("affirm", "deny") and self._handover is not None:
            if intent == "affirm":
                return await self._handover.run(dispatcher, tracker, domain)
            send(dispatcher, tracker, "handover_declined")
            return [SlotSet(OFFER_SLOT, None)]
        if intent == "share_location":  # outside a form (a form reads the pin as its answer)
            return await self.location_turn(dispatcher, tracker)
        topic = self._sensitive.match(text) if self._sensitive is not None else None
        if topic is not None:
            values = {"agency": topic.agency.name_th, "hotline": topic.agency.hotline}
            send(dispatcher, tracker, "sensitive_topic", values=values)
            return [
                SlotSet(OFFER_SLOT, SENSITIVE_TOPIC),
                SlotSet(AGENCY_SLOT, topic.agency.id),
                SlotSet("fallback_count", 0.0),
            ]
        if intent == "check_case_status":
            # right after an answer (bot/data/rules_case_status.yml): the look-up only when the message
            # is about a case; otherwise the NLU misheard a follow-up on the service
            if about_a_case(text):
                return [FollowupAction(CASE_FORM)]
            intent = "ask_service"
        if tracker.get_slot("service_id"):  # "แล้วถ้า 2 ปีล่ะ", "แล้วมอไซค์ล่ะ": the question before, again
            text = with_new_figure(text, tracker.events)
            text = with_new_subject(text, tracker.events)
        events = await self._answer_turn(dispatcher, tracker, domain, text, intent)
        return [*events, SlotSet(OFFER_SLOT, None)] if offered else events

    async def location_turn(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """A location shared while a service is being talked about ("ต่อที่ไหนได้บ้าง ใกล้ๆบ้าน", then the
        pin): the knowledge base holds no office coordinates, so the offices of that service, said to be
        listed rather than searched; with no service, how to file a complaint at that spot."""
        current = tracker.get_slot("service_id")
        decision = await asyncio.to_thread(self._resolver.decide, "", current, "place") if current else None
        if decision is None or decision.kind != "answer" or decision.record is None:
            send(dispatcher, tracker, "location_outside_form")
            return []
        channel = tracker.get_latest_input_channel() or "default"
        body, buttons = await asyncio.to_thread(self.compose, decision, channel, "")
        body = say("service_location_no_search", channel) + "\n" + body
        dispatcher.utter_message(text=body, buttons=[b.as_dict() for b in unique_titles(buttons)] or None)
        return self.slot_events(decision, tracker)

    async def _answer_turn(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
        text: str,
        intent: str,
    ) -> list[EventType]:
        if (
            aside_kind(text, intent) == "data"
            and any(w in text.lower() for w in WHO_SEES_WORDS)
            and not asks_who_may_do(text, tracker.get_slot("service_id"))
        ):
            # "ใครเห็นเบอร์ฉันบ้าง" with no form running: who sees a citizen's contact, as the form answers it
            send(dispatcher, tracker, "complaint_aside_data")
            return []
        if wants_it_filed_here(tracker.events or [], text):
            # "ไม่อยากโทรอะ ขอแจ้งที่นี่เลยได้ไหม" right after another agency's number: filed here
            return [FollowupAction(COMPLAINT_FORM)]
        if upset(text) and (after_case_lookup(tracker) or about_an_earlier_complaint(text)):
            # "ทำไมช้าขนาดนี้ครับ จ่ายภาษีไปทุกปี" right after the citizen's case was looked up, or
            # "แจ้งไปเป็นเดือนแล้ว…ไม่ทำ": about their case (the form hears it so: an apology and their
            # cases), never the vehicle tax nor a list of services.
            return [FollowupAction(COMPLAINT_FORM)]
        if intent not in CONVERSATIONAL_INTENTS:
            decision = await asyncio.to_thread(self.decide, tracker, text)
            if self._a_complaint(decision, tracker, text):
                return [FollowupAction(COMPLAINT_FORM)]
            return await self.answer(dispatcher, tracker, decision, text)
        # "ขอเบอร์ประกันสังคม": the number of the agency asked about, not one of its services here
        if intent == "out_of_scope" and _ASKS_NUMBER.search(text):
            referral = await asyncio.to_thread(self._resolver.refer_or_named, text)
            if referral is not None:
                decision = Decision("not_covered", referral=referral, english=is_english(text), why="number")
                return await self.answer(dispatcher, tracker, decision, text)
        # small talk, thanks, yes/no or an unclear message: a follow-up on the service if it asks one
        current = tracker.get_slot("service_id")
        if should_resolve(intent, text):
            decision = await asyncio.to_thread(self.decide, tracker, text)
            # "หมดมา4ปีแล้ว" (unclear to the NLU) after the licence renewal: a step of its graded rule
            applies = (
                decision.record is not None and duration_step(decision.record, text, "default") is not None
            )
            specific = bool(decision.aspect or decision.passage) or applies
            its_words = decision.record is None or speaks_of(decision.record, text)
            if self._a_complaint(decision, tracker, text):
                return [FollowupAction(COMPLAINT_FORM)]
            if accepts(decision.kind, intent, text, current, decision.service_id, specific, its_words):
                return await self.answer(dispatcher, tracker, decision, text)
        return await self.light_reply(dispatcher, tracker, domain, intent, text)

    @staticmethod
    def _a_complaint(decision: Decision, tracker: Tracker, text: str) -> bool:
        """ "แมวจรเยอะ ขี้เต็มหน้าบ้าน แจ้งได้ไหม", "ไฟกิ่งหน้าวัดดับค่ะ" (not heard as a complaint): no service
        found for sure (or none at all, and no agency to refer to),
        none being talked about, and the words name a complaint's category - the complaint form, with
        this message as its story, rather than a list of services it is not. A place typed right after
        the form referred the matter elsewhere ("บ้านเลขที่ 9/9 ถ.สุขาภิบาล 2") is filing it here."""
        if right_after_referral(tracker.events or []) and reads_as_place(text, load_routes()):
            return True
        nothing_found = decision.kind == "unsure" or (
            decision.kind == "not_covered" and decision.referral is None
        )
        # "ไฟถนนหน้าบ้านดับ ต้องรอกี่วันคะ": how long is the form's own question (answered as it opens)
        aspect = detect_aspect(text)
        return (
            nothing_found
            and not tracker.get_slot("service_id")
            and (aspect is None or (aspect == "time" and asks_how_long(text)))
            and category_from_words(text, load_routes()) is not None
        )

    async def answer_aside(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str
    ) -> list[EventType] | None:
        """A service question asked inside another form ("ต่อภาษีมอไซค์ทำออนไลน์ได้ไหม" while a
        complaint's place is asked): answered exactly as outside it, and the service slots set, when
        the message names a service (or a life event) with confidence; None, with nothing said, when
        it does not (the form then reads it as the answer to its step). The conversation's current
        service is not carried in: a question with no service of its own ("ต้องรอนานไหม") is the form's."""
        fresh = without_service_context(tracker)
        decision = await asyncio.to_thread(self.decide, fresh, text)
        if not sure_enough_aside(decision):
            return None
        return await self.answer(dispatcher, fresh, decision, text)

    async def sure_aside(self, tracker: Tracker, text: str) -> bool:
        """Whether answer_aside would answer `text` (a service or life event named with confidence,
        no current service carried in); nothing is said. A form asks this before it hands the turn
        to this action (FollowupAction), which then decides alike on the same slots."""
        decision = await asyncio.to_thread(self.decide, without_service_context(tracker), text)
        return sure_enough_aside(decision)

    async def names_service(self, tracker: Tracker, text: str) -> bool:
        """Right after a complaint was filed (actions/complaint_after.py): whether `text` names a
        service by its own name (its label, title or a synonym) or a life event, with confidence and no
        current service carried in, so "ต่อใบขับขี่ใช้เวลากี่วัน" is this action's while "จะได้รับการ
        แก้ไขภายในกี่วันคะ", asked of the complaint, names none. Nothing is said."""
        decision = await asyncio.to_thread(self.decide, without_service_context(tracker), text)
        if decision.kind == "twins":
            # "ย้ายทะเบียนบ้านกี่วันเสร็จ": named, its near-twins to choose from (not "how long will it
            # take?", which the search merely finds near the driving licences)
            names = "".join(
                " ".join([r.title_th, r.short_th, *r.synonyms]) for r in decision.choices
            ).replace(" ", "")
            words = [w for w in residual_words(text) if len(w) >= TWIN_NAME_WORD_MIN_CHARS]
            return any(word in names for word in words)
        if not sure_enough_aside(decision):
            return False
        return decision.kind == "life_event" or (
            decision.record is not None and ServiceResolver._name_in_text(text, [decision.record]) is not None
        )

    async def choices_aside(self, tracker: Tracker, text: str) -> str | None:
        """Whether this action would answer `text` with choices to tap, no current service carried in:
        "twins" (near-twins such as a new, lost or expired ID card), "unsure" (a short list it is
        unsure between) or None; nothing is said. A form may hand such a question to this action too
        (a tapped choice comes back as a service button, which this action answers)."""
        decision = await asyncio.to_thread(self.decide, without_service_context(tracker), text)
        offers = decision.kind in ("twins", "unsure") and bool(decision.choices)
        if (
            offers
            and decision.kind == "twins"
            and not any(len(w) >= SPOKEN_WORD_MIN_CHARS for w in residual_words(text))
        ):
            # "ต้องรอนานไหมคะ" in the complaint form: no word of any service, whichever near-twins the
            # search happens to rank first on its question words - a list it is unsure between
            return "unsure"
        return decision.kind if offers else None

    def refer(self, text: str) -> Any:
        """Where a matter the knowledge base does not cover belongs, as this action refers it (what
        reviewers taught, then the directory's topic phrases); None when nowhere. Blocking."""
        return self._resolver.refer(text)

    def decide(self, tracker: Tracker, text: str) -> Decision:
        """The resolver's decision on `text` with the conversation's slots; a message going back to an
        earlier service by a word of it ("กลับไปที่เรื่องเบี้ยนะ …") has that service as the current one."""
        current = back_to_service(text, tracker.events) or tracker.get_slot("service_id")
        if tracker.get_slot("service_id") and not tracker.get_slot("life_event"):
            text = with_context(text, tracker.events)
        else:  # "กลับไปเรื่องจดพาณิชย์ ต้องใช้สัญญาเช่าไหม" inside a life event: the service as named then
            text = back_to_earlier(text, tracker.events)
        return self._resolver.decide(
            text,
            next(tracker.get_latest_entity_values("service_id"), None),
            next(tracker.get_latest_entity_values("service_aspect"), None),
            current,
            tracker.get_slot("service_aspect"),
            next(tracker.get_latest_entity_values("life_event"), None),
            tracker.get_slot("life_event"),
            tracker.get_slot("service_twins"),
            tracker.get_slot("service_id") or tracker.get_slot("service_previous"),
        )

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, decision: Decision, text: str
    ) -> list[EventType]:
        channel = tracker.get_latest_input_channel() or "default"
        body, buttons = await asyncio.to_thread(self.compose, decision, channel, text)
        if decision.kind == "not_covered" and upset(text):
            # "ไอ้… เรื่องไฟดับไม่ทำอะไรเลย": sorry first, then who handles it (the words never said back)
            apology = say(("en_" if decision.english else "") + "service_apology_upset", channel)
            body = f"{apology}\n{body}"
        if offers_feedback(decision, channel, tracker):
            buttons = [*buttons, *FEEDBACK_BUTTONS]
        dispatcher.utter_message(text=body, buttons=[b.as_dict() for b in unique_titles(buttons)] or None)
        if decision.kind in ("unsure", "not_covered", "which"):
            await self._record_miss(tracker, text, "unanswered", f"service_{decision.kind}")
        elif decision.kind == "answer" and decision.record is not None and answered_unsure(decision, tracker):
            await self._record_miss(tracker, text, "low_confidence", decision.record.id)
        events = self.slot_events(decision, tracker)
        if tracker.get_slot("fallback_count"):
            events.append(SlotSet("fallback_count", 0.0))
        return events

    async def light_reply(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
        intent: str,
        text: str,
    ) -> list[EventType]:
        """A fitting short reply that leaves the service slots as they were (the citizen can carry on)."""
        misses = float(tracker.get_slot("fallback_count") or 0.0)
        if intent == "nlu_fallback":  # the two-stage fallback, as action_fallback_* do without a service
            if self._recorder is not None:
                stage = "action_fallback_offer_human" if misses >= 1 else "action_fallback_rephrase"
                await record_unanswered(self._recorder, tracker, stage)
            if misses >= 1:
                offer_human(dispatcher, tracker)
                return [SlotSet("fallback_count", misses + 1.0)]
            rephrase(dispatcher, tracker)
            return [SlotSet("fallback_count", 1.0)]
        if misses >= 2 and intent in ("affirm", "deny"):  # the answer to our offer of a person
            if intent == "deny":
                dispatcher.utter_message(response="utter_menu")
                return [SlotSet("fallback_count", 0.0)]
            if self._handover is None:
                dispatcher.utter_message(response="utter_menu")
                return [SlotSet("fallback_count", 0.0)]
            return await self._handover.run(dispatcher, tracker, domain)
        if intent == "out_of_scope":
            referral = await asyncio.to_thread(self._resolver.refer_or_named, text)
            if referral is not None:
                english = is_english(text)
                decision = Decision("not_covered", referral=referral, english=english, why="referral")
                return await self.answer(dispatcher, tracker, decision, text)
        reply = light_response(intent, tracker.get_slot("service_id"), last_response(tracker.events), text)
        send(dispatcher, tracker, reply)
        return [SlotSet("fallback_count", 0.0)] if misses else []

    def compose(self, decision: Decision, channel: str, text: str) -> tuple[str, list[Button]]:
        kind = decision.kind
        if kind == "answer" and decision.record is not None:
            if decision.english:
                contact = self._resolver.agency_contact(decision.record)
                return compose_english(decision.record, decision.aspect, channel, contact, text)
            contact = self._resolver.agency_contact(decision.record)
            return compose_answer(decision.record, decision.aspect, channel, text, decision.passage, contact)
        if kind == "life_event":
            return life_event_checklist(decision, channel, english=is_english(text))
        if kind == "twins":
            question = decision.question or say("service_twins_default_question", channel)
            buttons = [
                Button(
                    label if len(label) <= BUTTON_TITLE_MAX else short_name(r),
                    service_payload(r.id, decision.aspect),
                )
                for r, label in zip(
                    decision.choices,
                    decision.choice_labels or [short_name(r) for r in decision.choices],
                    strict=False,
                )
            ]
            return say("service_twins", channel, question=question), [*buttons, HUMAN]
        if kind == "not_covered":
            return not_covered(decision, channel)
        if kind == "unsure":
            buttons = [
                Button(button_label(r, decision.english), service_payload(r.id, decision.aspect))
                for r in decision.choices
            ]
            return say("en_service_unsure" if decision.english else "service_unsure", channel), [
                *buttons,
                HUMAN,
            ]
        key = "en_service_which" if decision.english else "service_which"
        return say(key, channel), [HUMAN]

    @staticmethod
    def slot_events(decision: Decision, tracker: Tracker) -> list[EventType]:
        events: list[EventType]
        if decision.kind == "answer" and decision.record is not None:
            events = [SlotSet("service_id", decision.record.id), SlotSet("service_aspect", decision.aspect)]
            if decision.event is not None:  # a step asked inside a life event story: keep the event
                events.append(SlotSet("life_event", getattr(decision.event, "id", None)))
        elif decision.kind == "life_event":
            events = [SlotSet("life_event", getattr(decision.event, "id", None)), SlotSet("service_id", None)]
        else:  # twins, unsure, not covered: never carry on with a service we are unsure of
            events = [SlotSet("service_id", None), SlotSet("service_aspect", decision.aspect)]
            current = decision.remember or tracker.get_slot("service_id")
            if current:  # but remember it, to come back to
                events.append(SlotSet("service_previous", current))
        # the near-twin group is pending only right after its question
        if decision.twin_group or tracker.get_slot("service_twins"):
            events.append(SlotSet("service_twins", decision.twin_group or None))
        return events

    async def _record_miss(self, tracker: Tracker, text: str, reason: str, bot_answer: str) -> None:
        """Keep a typed question for review: not answered (reason unanswered) or answered although the
        NLU or the search was unsure (low_confidence); `bot_answer` is the reply key or the service."""
        if self._recorder is None or not text.strip() or text.startswith("/"):
            return
        intent, confidence = top_intent(tracker)
        try:
            await asyncio.to_thread(
                self._recorder.record,
                channel=tracker.get_latest_input_channel(),
                sender_id=tracker.sender_id,
                text=text,
                top_intent=intent or "ask_service",
                confidence=confidence,
                reason=reason,
                bot_answer=bot_answer,
                service_id=tracker.get_slot("service_id"),
            )
        except Exception:
            logger.exception("could not keep a service question for review")


# The slots that carry a service conversation on; a question asked aside inside a form starts afresh.
SERVICE_CONTEXT_SLOTS = ("service_id", "service_aspect", "service_previous", "service_twins", "life_event")


def without_service_context(tracker: Tracker) -> Tracker:
    """The same conversation with no service, aspect, near-twin question or life event current."""
    return with_slots(tracker, dict.fromkeys(SERVICE_CONTEXT_SLOTS))


def sure_enough_aside(decision: Decision) -> bool:
    """A service answered with confidence, or a life event's checklist: worth leaving a form's step
    for a moment. Near-twin questions, referrals and unsure lists are not (the form's step is)."""
    if decision.kind == "life_event":
        return decision.event is not None
    return decision.kind == "answer" and decision.record is not None and not decision.low_confidence


def offers_feedback(decision: Decision, channel: str, tracker: Tracker) -> bool:
    """👍 / 👎 under a service answer on LINE and web chat: once per answer, not on SMS (a citizen there
    types it), not in English (the labels are Thai) and not inside a form (its step is asked next)."""
    if decision.kind != "answer" or decision.record is None or decision.english:
        return False
    return channel != "sms" and not (tracker.active_loop or {}).get("name")


def answered_unsure(decision: Decision, tracker: Tracker) -> bool:
    """An answer given although the top intent was under the FallbackClassifier's threshold (config.yml:
    nlu_fallback, answered by the knowledge search) or the search itself was not confident."""
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    return decision.low_confidence or intent == "nlu_fallback"


_ASKS_NUMBER = re.compile(ASKS_NUMBER_PATTERN, re.I)


def button_label(record: ServiceRecord, english: bool) -> str:
    """A service's button: its English title where asked in English and it fits LINE's limit, else its
    short Thai name."""
    en = getattr(record, "english", None)
    title = str((getattr(en, "title", "") if en else "") or record.title_en or "")
    return title if english and title and len(title) <= BUTTON_TITLE_MAX else short_name(record)


def life_event_checklist(decision: Decision, channel: str, english: bool = False) -> tuple[str, list[Button]]:
    """The event's services in the order a citizen needs them, each a button into that service; told in
    English, the services' English names (the steps' notes are Thai only)."""
    event = decision.event
    records = {r.id: r for r in decision.choices}
    lines = []
    buttons = []
    for n, step in enumerate(getattr(event, "steps", ()) or (), start=1):
        service_id = str(getattr(step, "service_id", ""))
        record = records.get(service_id)
        if record is None:
            continue
        label = short_name(record)
        if english:
            en = getattr(record, "english", None)
            lines.append(f"{n}. {(getattr(en, 'title', '') if en else '') or record.title_en or label}")
        else:
            note = str(getattr(step, "note", "") or "")
            lines.append(f"{n}. {label}" + (f" — {note}" if note and channel != "sms" else ""))
        buttons.append(Button(label, service_payload(service_id)))
    title_en = str(getattr(event, "title_en", "") or "")
    if english and title_en:
        return say("en_life_event_checklist", channel, title=title_en, steps="\n".join(lines)), buttons
    title = str(getattr(event, "title_th", "") or "")
    return say("life_event_checklist", channel, title=title, steps="\n".join(lines)), buttons


def not_covered(decision: Decision, channel: str) -> tuple[str, list[Button]]:
    """ "Not covered here" plus where to go: the referral's agency and hotline (and the other half of a
    split service area), or the government contact centre 1111."""
    referral = decision.referral
    prefix = "en_" if decision.english else ""
    if referral is None:
        where = say(prefix + "service_not_covered_generic", channel)
        return say(prefix + "service_not_covered", channel, where=where), [HUMAN]
    agencies = [referral.agency, *getattr(referral, "also", ())]
    if decision.english:
        where = " or ".join(
            f"{a.name_en} (hotline {a.hotline}{f', emergency {a.emergency}' if a.emergency else ''})"
            if a.hotline
            else a.name_en
            for a in agencies[:2]
        )
        return say("en_service_not_covered", channel, where=f"Please contact {where}."), [HUMAN]
    first = referral.agency
    where = f"{referral.why} " if channel != "sms" and referral.why else ""
    if first.emergency and first.emergency not in where:  # "ขอเบอร์ตำรวจ": the emergency number too
        where += say("service_not_covered_emergency", channel, emergency=first.emergency) + " "
    # an agency without a short number (the local council, the hospital itself) is visited, not called
    suffix = "" if first.hotline else "_visit"
    where += say("service_not_covered_where" + suffix, channel, agency=first.name_th, hotline=first.hotline)
    for other in agencies[1:2]:
        key = f"service_not_covered_also_{other.area}" + ("" if other.hotline else "_visit")
        if key in REPLIES:
            where += " " + say(key, channel, agency=other.name_th, hotline=other.hotline)
    return say("service_not_covered", channel, where=where), [HUMAN]


def build_live_index(store: KnowledgeStore, settings: KnowledgeSettings) -> LiveIndex:
    """Load the embedding model and build the index once (blocking; at start-up)."""
    embedder = None
    if settings.backend != "none":
        embedder = make_embedder(settings.backend, EmbedderConfig(model_path=settings.model_path))
    live = LiveIndex(
        store,
        embedder,
        cache=EmbeddingCache(settings.cache_dir),
        check_every=settings.refresh_seconds,
        progress=stderr_progress(f"knowledge index ({settings.backend})"),
    )
    live.refresh()
    return live


def build_actions(context: ActionContext) -> list[Action]:
    settings = context.knowledge
    store = KnowledgeStore(context.sessionmaker)
    if settings.seed_missing:
        from knowledge.seed_loader import load_seed

        report = load_seed(store, only_missing=True)
        if report.created:
            logger.info("added %d seed services to an empty knowledge base", len(report.created))
    live = build_live_index(store, settings)
    recorder = UnansweredRecorder(context.sessionmaker, context.sender_hash)
    desk = desk_for(context)
    handover = ActionHandover(desk, recorder)
    answer_service = ActionAnswerService(
        ServiceResolver(live, context.sessionmaker), recorder, handover, desk.sensitive
    )
    return [answer_service, ActionFeedback(recorder, answer_service)]
