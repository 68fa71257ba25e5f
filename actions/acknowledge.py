"""action_acknowledge_no: a "no" with no question before it ("ไม่ค่ะ", "ไม่มีแล้ว").

Why an action and not the response alone: "ห่วยมาก" or "ไม่ได้เรื่องเลย" is read by the NLU as a no,
and after a look-up that found nothing, "ได้ค่ะ" to it reads as indifference. An upset no gets an
apology and a person offered instead (its words never said back).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import replies

ACK_RESPONSE = "utter_deny_ack"


def no_reply(text: str, previous_response: str | None = None) -> str:
    """The reply to a no: a domain response (utter_*) or a key of actions/replies.py."""
    if replies.upset(text):
        return "upset_no_ack"
    return "utter_goodbye" if previous_response == "utter_thank" else ACK_RESPONSE


class ActionAcknowledgeNo(Action):
    def name(self) -> str:
        return "action_acknowledge_no"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        replies.send(dispatcher, tracker, no_reply(str((tracker.latest_message or {}).get("text") or "")))
        return []
