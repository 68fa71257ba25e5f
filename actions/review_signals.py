"""Which earlier question a review signal is about, and what the bot answered it (issue 13).

A 👎 judges the answer just given and a handover ends a talk the bot could not finish: the question
worth teaching from is then an earlier message of the conversation, not the feedback or the "yes,
a person please" itself. This module reads the tracker's events (Rasa's dicts) and finds the latest
typed question of the session with what the bot gave for it (the service answered, else the response
or action), and stores it through the one recorder (actions/unanswered.py masks it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker

from actions.unanswered import UnansweredRecorder

logger = logging.getLogger(__name__)

FEEDBACK_POSITIVE = "feedback_positive"
FEEDBACK_NEGATIVE = "feedback_negative"
FEEDBACK_INTENTS = frozenset({FEEDBACK_POSITIVE, FEEDBACK_NEGATIVE})
# Answers, greetings and requests for a person: never the question itself.
NOT_QUESTIONS = frozenset(
    {
        "affirm",
        "deny",
        "request_human",
        "greet",
        "goodbye",
        "thank",
        "chitchat",
        "bot_challenge",
        "restart",
        *FEEDBACK_INTENTS,
    }
)
# A question further back than this many citizen messages is not what the signal is about.
LOOK_BACK_TURNS = 6
SESSION_BREAKS = frozenset({"session_started", "restart"})
NOT_ANSWERS = frozenset({"action_listen", "action_session_start", "action_feedback"})


@dataclass(frozen=True, slots=True)
class Turn:
    """One citizen message and what followed it until the next one."""

    text: str
    intent: str | None
    confidence: float | None
    after: tuple[Mapping[str, Any], ...]

    @property
    def typed(self) -> bool:
        return bool(self.text.strip()) and not self.text.startswith("/")

    @property
    def is_question(self) -> bool:
        return self.typed and self.intent not in NOT_QUESTIONS

    def answer(self) -> str | None:
        """What the bot gave: the service it answered, else the last response, else the last action."""
        for event in reversed(self.after):
            if event.get("event") == "slot" and event.get("name") == "service_id" and event.get("value"):
                return str(event["value"])
        for event in reversed(self.after):
            if event.get("event") == "bot":
                name = (event.get("metadata") or {}).get("utter_action")
                if name:
                    return str(name)
        for event in reversed(self.after):
            name = event.get("name")
            if event.get("event") == "action" and name and name not in NOT_ANSWERS:
                return str(name)
        return None


def session_turns(events: Sequence[Mapping[str, Any]]) -> list[Turn]:
    """The citizen's messages of the current session, oldest first."""
    turns: list[Turn] = []
    current: dict[str, Any] | None = None
    after: list[Mapping[str, Any]] = []

    def close() -> None:
        if current is not None:
            turns.append(Turn(current["text"], current["intent"], current["confidence"], tuple(after)))

    for event in events:
        kind = event.get("event")
        if kind in SESSION_BREAKS:
            turns, current, after = [], None, []
            continue
        if kind == "user":
            close()
            intent = (event.get("parse_data") or {}).get("intent") or {}
            current = {
                "text": str(event.get("text") or ""),
                "intent": intent.get("name"),
                "confidence": intent.get("confidence"),
            }
            after = []
        elif current is not None:
            after.append(event)
    close()
    return turns


def question_before(turns: Sequence[Turn], include_latest: bool = False) -> Turn | None:
    """The latest typed question among the recent messages before the last one (the signal itself),
    or up to the last one when it may be the question (a handover after an unclear message)."""
    recent = turns[-LOOK_BACK_TURNS:] if include_latest else turns[-LOOK_BACK_TURNS - 1 : -1]
    for turn in reversed(recent):
        if turn.is_question:
            return turn
    return None


def repeated_feedback(turns: Sequence[Turn]) -> bool:
    """A 👎 right after a 👎 (a second tap, or typed after tapping) is the same verdict on one answer."""
    return len(turns) >= 2 and turns[-2].intent == FEEDBACK_NEGATIVE


async def keep(
    recorder: UnansweredRecorder | None,
    tracker: Tracker,
    question: Turn,
    reason: str,
    bot_answer: str | None,
) -> None:
    """Store the question for review (masked by the recorder); a broken queue never blocks the reply."""
    if recorder is None:
        return
    try:
        await asyncio.to_thread(
            recorder.record,
            channel=tracker.get_latest_input_channel(),
            sender_id=tracker.sender_id,
            text=question.text,
            top_intent=question.intent,
            confidence=question.confidence,
            reason=reason,
            bot_answer=bot_answer,
            service_id=tracker.get_slot("service_id") or None,
        )
    except Exception:
        logger.exception("could not keep a %s question for review", reason)
