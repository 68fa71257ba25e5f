"""Hand the conversation to a person: set the `handover` slot and tell the gateway in-band.

The spoken answer (utter_handover) follows by rule. The custom message lets the gateway or staff
console act without polling Rasa's tracker: {"handover": {"reason": ...}}.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher


class ActionHandover(Action):
    def name(self) -> str:
        return "action_handover"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        reason = "request_human" if intent == "request_human" else "fallback"
        dispatcher.utter_message(json_message={"handover": {"reason": reason}})
        return [SlotSet("handover", True), SlotSet("fallback_count", 0.0)]
