"""Two-stage fallback for messages the NLU is unsure about (FallbackClassifier -> nlu_fallback).

First miss in a row: ask to rephrase, with three suggestions drawn from the intents the NLU
thought most likely. Second and later misses in a row: offer a person. Rules in
bot/data/rules.yml pick the stage from the previous action; every miss is recorded for review.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.context import ActionContext
from actions.replies import Button
from actions.unanswered import UnansweredRecorder

logger = logging.getLogger(__name__)

# Intent -> the suggestion offered when the NLU leaned towards it (titles in the catalogue).
SUGGESTIONS: dict[str, Button] = replies.SUGGESTION_BUTTONS
DEFAULT_ORDER: tuple[str, ...] = ("ask_service", "check_case_status", "request_human", "file_complaint")
SUGGESTION_COUNT = 3
NON_INTENTS = frozenset({"nlu_fallback", None})


def top_intent(tracker: Tracker) -> tuple[str | None, float | None]:
    """The best real intent behind an nlu_fallback (or the predicted one after a core fallback)."""
    message = tracker.latest_message or {}
    for ranked in message.get("intent_ranking") or []:
        name = ranked.get("name")
        if name not in NON_INTENTS:
            return name, ranked.get("confidence")
    intent = message.get("intent") or {}
    name = intent.get("name")
    return (None, None) if name in NON_INTENTS else (name, intent.get("confidence"))


def suggestions(tracker: Tracker) -> list[Button]:
    ranked = [r.get("name") for r in (tracker.latest_message or {}).get("intent_ranking") or []]
    chosen: list[Button] = []
    for name in (*ranked, *DEFAULT_ORDER):
        button = SUGGESTIONS.get(name or "")
        if button and button not in chosen:
            chosen.append(button)
        if len(chosen) == SUGGESTION_COUNT:
            break
    return chosen


async def record_unanswered(recorder: UnansweredRecorder, tracker: Tracker, bot_answer: str) -> None:
    """Keep the message for content review (masked, reason unanswered; `bot_answer`: the stage's reply);
    a broken review queue never blocks the answer."""
    intent, confidence = top_intent(tracker)
    try:
        await asyncio.to_thread(
            recorder.record,
            channel=tracker.get_latest_input_channel(),
            sender_id=tracker.sender_id,
            text=(tracker.latest_message or {}).get("text"),
            top_intent=intent,
            confidence=confidence,
            reason="unanswered",
            bot_answer=bot_answer,
            service_id=tracker.get_slot("service_id"),
        )
    except Exception:
        # The citizen still gets an answer when the review queue is unavailable.
        logger.exception("could not record an unanswered message")


def rephrase(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Stage one: ask to rephrase, with suggestions from the intents the NLU leaned towards."""
    replies.send(dispatcher, tracker, "fallback_rephrase", extra_buttons=suggestions(tracker))


def offer_human(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Stage two and later: offer a person."""
    replies.send(dispatcher, tracker, "fallback_offer_human")


class _FallbackAction(Action):
    def __init__(self, recorder: UnansweredRecorder) -> None:
        self.recorder = recorder

    async def _record(self, tracker: Tracker) -> None:
        await record_unanswered(self.recorder, tracker, self.name())


class ActionFallbackRephrase(_FallbackAction):
    def name(self) -> str:
        return "action_fallback_rephrase"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        await self._record(tracker)
        rephrase(dispatcher, tracker)
        return [SlotSet("fallback_count", 1.0)]


class ActionFallbackOfferHuman(_FallbackAction):
    def name(self) -> str:
        return "action_fallback_offer_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        await self._record(tracker)
        offer_human(dispatcher, tracker)
        previous = tracker.get_slot("fallback_count") or 1.0
        return [SlotSet("fallback_count", float(previous) + 1.0)]


def build_actions(context: ActionContext) -> list[Action]:
    recorder = UnansweredRecorder(context.sessionmaker, context.sender_hash)
    return [ActionFallbackRephrase(recorder), ActionFallbackOfferHuman(recorder)]
