"""action_feedback: the citizen's 👍 / 👎 on a service answer (issue 13: bot satisfaction, teaching loop).

Under each service answer LINE and web chat show "👍 ตรงคำถาม" / "👎 ไม่ตรง" (actions/service.py adds
them; SMS citizens type it). The intents feedback_positive / feedback_negative are what the analytics
count from Rasa's events as the bot's satisfaction; this action only answers them:

- 👍: a short thanks; nothing is stored (the event is the record).
- 👎: an apology inviting the question in other words, with a person one tap away, and the citizen's
  question before it is kept in the review queue (reason thumbs_down, what the bot answered, the
  service), once per answer. The service stays current: most 👎 judge the answer, not which service
  ("ไปทำที่ไหน" next must still be about it); naming another service switches as always. A typed 👎
  that says what was meant ("ไม่ตรงค่ะ หมายถึงย้ายออก") is answered at once instead, by the service
  action run here with the wrong service forgotten (a FollowupAction would leave Rasa's rules with no
  next step to predict).

Built by actions/service.py's build_actions, which owns the service action it hands such a message to.

Inside a form the feedback intents never reach this action: every step maps any message to its slot.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.review_signals import (
    FEEDBACK_NEGATIVE,
    FEEDBACK_POSITIVE,
    keep,
    question_before,
    repeated_feedback,
    session_turns,
)
from actions.service_answer import service_payload
from actions.service_small_talk import has_content
from actions.tracker_view import with_slots
from actions.unanswered import UnansweredRecorder
from knowledge import twins

_FEEDBACK_WORDS = re.compile("|".join(map(re.escape, sorted(replies.FEEDBACK_WORDS, key=len, reverse=True))))


def says_what_was_meant(text: str) -> bool:
    """Whether a typed 👎 carries a new question once the words about the answer are taken out."""
    if not text.strip() or text.startswith("/"):
        return False
    return has_content(_FEEDBACK_WORDS.sub(" ", text))


def forgetting_service(tracker: Tracker, current: str | None) -> Tracker:
    """The same conversation with the service just judged wrong no longer current (but remembered)."""
    changes: dict[str, Any] = {"service_id": None, "service_aspect": None}
    if current:
        changes["service_previous"] = current
    return with_slots(tracker, changes)


def twin_buttons(service_id: str | None) -> list[replies.Button]:
    """A 👎 on a service with near-twins (move in / move out, new / lost ID card) most often means the
    other twin was meant: each is one tap away ("ย้ายออกจากบ้านเดิม"), answered as if named."""
    group = twins.group_of(service_id) if service_id else None
    if group is None:
        return []
    labels = group.labels()
    return [
        replies.Button(labels[other], service_payload(other))
        for other in group.service_ids
        if other != service_id
    ]


class ActionFeedback(Action):
    def __init__(self, recorder: UnansweredRecorder | None, answer_service: Action | None = None) -> None:
        self.recorder = recorder
        self.answer_service = answer_service

    def name(self) -> str:
        return "action_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        latest = tracker.latest_message or {}
        intent = str((latest.get("intent") or {}).get("name") or "")
        if intent == FEEDBACK_POSITIVE:
            replies.send(dispatcher, tracker, "feedback_thanks")
            return []
        if intent != FEEDBACK_NEGATIVE:  # run by a story or rule on another intent: nothing to judge
            dispatcher.utter_message(response="utter_menu")
            return []
        turns = session_turns(tracker.events)
        question = question_before(turns)
        if question is not None and not repeated_feedback(turns):
            judged = turns[-2].answer() if len(turns) >= 2 else None
            await keep(self.recorder, tracker, question, "thumbs_down", judged or question.answer())
        current = tracker.get_slot("service_id")
        if self.answer_service is not None and says_what_was_meant(str(latest.get("text") or "")):
            # "ไม่ตรงค่ะ หมายถึงย้ายออก": the service judged wrong is forgotten, the new words answered
            replies.send(dispatcher, tracker, "feedback_retry")
            forgotten: list[EventType] = [SlotSet("service_id", None), SlotSet("service_aspect", None)]
            if current:
                forgotten.append(SlotSet("service_previous", current))
            answered = await self.answer_service.run(dispatcher, forgetting_service(tracker, current), domain)
            return [*forgotten, *answered]
        replies.send(dispatcher, tracker, "feedback_sorry", extra_buttons=twin_buttons(current))
        return [SlotSet("service_aspect", None)]
