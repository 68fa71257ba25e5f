"""action_complaint_after: the turns right after a complaint was filed in this conversation.

"จะได้รับการแก้ไขภายในกี่วันคะ", "แล้วต้องทำอะไรต่อไหม", "จะมีคนแจ้งกลับไหม", "ขอส่งรูปเพิ่มได้ไหม",
"ใครดูแลเรื่องนี้", "ขอยกเลิกเรื่องที่แจ้งไป", "how long will it take?": asked of the complaint just
filed, so answered about it — its agency and published time to act (cases/complaint_categories.yml),
where its notices go (none when it was filed anonymously) — never with service suggestions or a new
complaint menu. The NLU reads such questions as anything (ask_service, bot_challenge, share_image,
check_case_status, request_human, unsubscribe_updates…), so bot/data/rules_complaint.yml sends
those intents here right after action_submit_complaint (and after this action); whatever is not a
question about the complaint goes on to the action that intent has everywhere else (a service
question named plainly to the service action, "แจ้งอีกเรื่อง" to a new complaint form), and thanks
or an "โอเค" get a light reply.

The complaint is read back from the conversation's own events (the slots as they stood when
action_submit_complaint ran and the reference in its reply), so nothing new is stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.case_status import names_a_reference
from actions.complaint_talk import compact, in_english, is_payload, is_question
from actions.replies import (
    COMPLAINT_AFTER_CUES,
    COMPLAINT_AFTER_NOTICE_WORDS,
    COMPLAINT_AFTER_POINTERS,
    COMPLAINT_CATEGORIES_EN,
    DURATION_UNITS_EN,
    PHRASES,
    SPOKEN_CHARACTERS,
    TRACK,
)
from actions.service_small_talk import last_response, light_reply
from cases.complaint_routing import ComplaintRoute, load_routes, route_for

AFTER_ACTION = "action_complaint_after"
SUBMIT_ACTION = "action_submit_complaint"
SERVICE_ACTION = "action_answer_service"
REFERENCE = re.compile(r"\b[A-Z]{2}\d{2}-\d{4}-\d{4}\b")
# What may run between the filing and now without ending "right after": this action, and the light
# replies it or the rules give.
QUIET_ACTIONS = frozenset(
    {
        "action_listen",
        AFTER_ACTION,
        "utter_thank",
        "utter_menu",
        "utter_chitchat",
        "utter_deny_ack",
        "action_acknowledge_no",
        "utter_goodbye",
        "utter_bot_challenge",
    }
)
# What each intent sent here does everywhere else (bot/data/*.yml), for a message that is not about
# the complaint just filed.
ELSEWHERE: dict[str, str] = {
    "ask_service": SERVICE_ACTION,
    "nlu_fallback": SERVICE_ACTION,
    "out_of_scope": SERVICE_ACTION,
    "bot_challenge": "utter_bot_challenge",
    "share_image": "utter_share_image_outside_form",
    "check_case_status": "case_status_form",
    "request_human": "action_handover_confirm",
    "subscribe_updates": "subscribe_form",
    "unsubscribe_updates": "action_unsubscribe_updates",
    "file_complaint": "complaint_form",
    "affirm": "utter_menu",
    "deny": "utter_deny_ack",
    "thank": "utter_thank",
    "chitchat": "utter_chitchat",
    "goodbye": "utter_goodbye",
}
# Passed on within this turn (run here): an action that ends the turn and that no rule follows, so
# after a FollowupAction to it Rasa would predict its fallback. Forms, the service action and the
# hand-over confirmation are passed on with a FollowupAction (their rules and loops go on from them).
IN_PROCESS = frozenset({"action_unsubscribe_updates"})
# Small talk: a question about the complaint only when asked as one ("โอเค แล้วกี่วันคะ").
LIGHT_INTENTS = frozenset({"affirm", "deny", "thank", "chitchat", "goodbye"})
# Notices turned on or off: for the complaint just filed (last_case_ref, which they read).
NOTICE_INTENTS = frozenset({"subscribe_updates", "unsubscribe_updates"})
ENGLISH_LIGHT = {"thank": "en_complaint_after_thank", "affirm": "en_complaint_after_ok"}
MIN_ENGLISH_LETTERS = 6
# A question about a service in a complaint's words ("ต่อใบขับขี่ใช้เวลากี่วัน") stays the service's.
NAMED_SERVICE_TOPICS = frozenset({"time", "next", "who", "late"})


@dataclass(frozen=True)
class Filed:
    """The complaint filed in this conversation, as its events tell it."""

    reference: str
    category: str
    anonymous: bool
    consent: bool
    channel: str

    @property
    def route(self) -> ComplaintRoute:
        routes = load_routes()
        return routes[self.category] if self.category in routes else route_for("other")


def just_filed(events: Sequence[Mapping[str, Any]]) -> Filed | None:
    """The complaint action_submit_complaint filed last, when nothing but light replies and this
    action ran since; None otherwise (no filing, a cancel or hand-over ending, a service answered
    or another form since)."""
    slots: dict[str, Any] = {}
    channel = ""
    at_filing: dict[str, Any] | None = None
    filed: Filed | None = None
    for event in events:
        kind = event.get("event")
        if kind == "slot":
            slots[str(event.get("name"))] = event.get("value")
        elif kind == "user":
            channel = str(event.get("input_channel") or channel)
        elif kind == "active_loop" and event.get("name"):
            at_filing, filed = None, None
        elif kind == "action":
            name = str(event.get("name") or "")
            if name == SUBMIT_ACTION:
                at_filing, filed = dict(slots), None
            elif name not in QUIET_ACTIONS:
                at_filing, filed = None, None
        elif kind == "bot" and at_filing is not None and filed is None:
            found = REFERENCE.search(str(event.get("text") or ""))
            if found is not None:
                filed = _filed(found.group(0), at_filing, channel)
    return filed


def _filed(reference: str, slots: Mapping[str, Any], channel: str) -> Filed:
    category = str(slots.get("complaint_category") or "other")
    routes = load_routes()
    allowed = routes[category].allow_anonymous if category in routes else False
    anonymous = slots.get("complaint_anonymous") is True and allowed
    consent = slots.get("contact_consent") is True and not anonymous
    return Filed(reference, category, anonymous, consent, channel)


def topic_of(text: str, intent: str) -> str | None:
    """What a message asks of the complaint just filed: "reference", "cancel", "photo", "change",
    "late", "updates", "who", "time", "next" (COMPLAINT_AFTER_CUES, in that order), "next" too for a question
    that only points at it ("เรื่องที่แจ้งไปเป็นยังไงบ้าง"), or None."""
    if intent == "share_image" and is_payload(text):
        return "photo"  # a LINE image sent after filing
    if is_payload(text):
        return None
    word = compact(text)
    asked = is_question(text)
    named = names_a_reference(text)
    for topic, cues in COMPLAINT_AFTER_CUES.items():
        if not any(cue in word for cue in cues) or (topic == "reference" and named):
            continue
        if topic == "cancel" and any(notice in word for notice in COMPLAINT_AFTER_NOTICE_WORDS):
            continue  # "ยกเลิกการแจ้งเตือน": the notices, not the complaint
        if intent in LIGHT_INTENTS and not asked and topic not in ("cancel", "photo"):
            continue  # "โอเค รอแจ้งกลับนะคะ": said, not asked
        if intent in NOTICE_INTENTS and not asked and topic == "updates":
            continue  # "อยากให้แจ้งความคืบหน้าด้วยค่ะ": notices on or off, the subscription actions'
        return topic
    if asked and any(pointer in word for pointer in COMPLAINT_AFTER_POINTERS):
        return "next"
    return None


class ServiceNamer(Protocol):
    """The part of the service action this one asks: whether a message names a service plainly."""

    async def names_service(self, tracker: Tracker, text: str) -> bool: ...


class ActionComplaintAfter(Action):
    def __init__(self, services: ServiceNamer | None = None, others: Mapping[str, Any] | None = None) -> None:
        self.services = services
        self.others: Mapping[str, Any] = others or {}

    def name(self) -> str:
        return AFTER_ACTION

    def link(self, by_name: dict[str, Any]) -> None:
        """At start-up (actions/registry.py): the service action, to tell a service question apart, and
        the actions passed on within the turn (IN_PROCESS)."""
        action = by_name.get(SERVICE_ACTION)
        if self.services is None and callable(getattr(action, "names_service", None)):
            self.services = action
        self.others = {name: by_name[name] for name in IN_PROCESS if name in by_name}

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        latest = tracker.latest_message or {}
        text = str(latest.get("text") or "")
        intent = str((latest.get("intent") or {}).get("name") or "")
        filed = just_filed(tracker.events or [])
        topic = topic_of(text, intent) if filed is not None else None
        named = topic in NAMED_SERVICE_TOPICS and self.services is not None
        if named and self.services is not None and await self.services.names_service(tracker, text):
            topic = None  # "ต่อใบขับขี่ใช้เวลากี่วัน": the service's
        if filed is not None and topic is not None:
            self._answer(dispatcher, tracker, filed, topic, writes_english(tracker.events or []))
            return []
        events: list[EventType] = []
        if filed is not None and intent in NOTICE_INTENTS:
            if filed.anonymous:  # no contact kept: nothing to turn on or off
                self._answer(dispatcher, tracker, filed, "updates", writes_english(tracker.events or []))
                return []
            events.append(SlotSet("last_case_ref", filed.reference))
        target = ELSEWHERE.get(intent, SERVICE_ACTION)
        if target.startswith("utter_"):
            # Said here, not handed on: after a response run as a FollowupAction no rule predicts the
            # wait for the citizen, and Rasa's fallback added "ขออภัยค่ะ ยังไม่เข้าใจ…" to the turn.
            self._light(dispatcher, tracker, filed, intent, text)
            return []
        action = self.others.get(target)
        if target in IN_PROCESS and action is not None:
            # the same, for an action no rule follows: run here, within this turn
            tracker.add_slots(events)
            return [*events, *await action.run(dispatcher, tracker, domain)]
        return [*events, FollowupAction(target)]

    @staticmethod
    def _light(
        dispatcher: CollectingDispatcher, tracker: Tracker, filed: Filed | None, intent: str, text: str
    ) -> None:
        """Small talk as the rules answer it everywhere (bot/data/rules.yml: thanks, no after thanks,
        yes, a bot question…); right after filing, "โอเค" is a light "ค่ะ" rather than the menu, and
        an English writer's "thanks" / "ok" are answered in English."""
        previous = last_response(tracker.events or [])
        english = ENGLISH_LIGHT.get(intent) if filed is not None else None
        if english is not None and not is_payload(text) and writes_english(tracker.events or []):
            replies.send(dispatcher, tracker, english)
            return
        reply = light_reply(intent, None, previous, text) if intent in LIGHT_INTENTS else ELSEWHERE[intent]
        if filed is not None and intent == "affirm" and previous != "utter_thank":
            reply = "service_ok_more"
        replies.send(dispatcher, tracker, reply)

    @staticmethod
    def _answer(
        dispatcher: CollectingDispatcher, tracker: Tracker, filed: Filed, topic: str, english: bool
    ) -> None:
        route = filed.route
        channel = tracker.get_latest_input_channel() or filed.channel
        key = {
            "updates": f"complaint_after_updates_{_updates_state(filed)}",
            "late": "complaint_after_late_anonymous" if filed.anonymous else "complaint_after_late",
        }.get(topic, f"complaint_after_{topic}")
        values = {
            "reference": filed.reference,
            "agency": route.agency_in(english),
            "label": COMPLAINT_CATEGORIES_EN.get(route.category, route.label) if english else route.label,
            "time_to_act": _duration(route.time_to_act, english),
            "updates": _updates(filed, channel, english),
            "spoken": PHRASES["spoken_dash"].join(
                " ".join(SPOKEN_CHARACTERS.get(c, c) for c in group) for group in filed.reference.split("-")
            ),
        }
        # where the reply says "กด “ติดตามเรื่อง”" (no notices, the status in the chat), the button is there
        track = (TRACK,) if topic in ("time", "next") and not filed.anonymous and not filed.consent else ()
        key = f"en_{key}" if english and f"en_{key}" in replies.REPLIES else key
        replies.send(dispatcher, tracker, key, extra_buttons=track, values=values)


def writes_english(events: Sequence[Mapping[str, Any]]) -> bool:
    """The citizen's latest typed message is English (a button's or LINE's payload, "/share_image",
    says nothing: the one typed before it decides); a word or two of Latin letters ("ok", a soi's
    name) is no English writer."""
    for event in reversed(events):
        text = str(event.get("text") or "") if event.get("event") == "user" else ""
        if text and not is_payload(text):
            letters = sum(c.isascii() and c.isalpha() for c in text)
            return in_english(text) and letters >= MIN_ENGLISH_LETTERS
    return False


def _updates_state(filed: Filed) -> str:
    if filed.anonymous:
        return "anonymous"
    return "on" if filed.consent else "off"


def _updates(filed: Filed, channel: str, english: bool) -> str:
    """Where the complaint's notices go, said as at the filing (complaint_updates_*)."""
    if filed.anonymous:
        key = "complaint_after_no_updates"
    elif not filed.consent:
        key = "complaint_updates_none"
    else:
        key = f"complaint_updates_{filed.channel}"
        key = key if key in replies.REPLIES else "complaint_updates_unreachable"
    if english and f"en_{key}" in replies.REPLIES:
        key = f"en_{key}"
    return replies.reply_for(key, channel).text


def _duration(time_to_act: str, english: bool) -> str:
    """ "15 วันทำการ" -> "15 working days" in an English reply."""
    if english:
        for thai, unit in sorted(DURATION_UNITS_EN.items(), key=lambda pair: -len(pair[0])):
            if time_to_act.endswith(thai):
                return f"{time_to_act.removesuffix(thai).strip()} {unit}"
    return time_to_act
