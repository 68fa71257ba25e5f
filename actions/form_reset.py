"""Empties every form slot when a form is left midway, so the next form starts clean."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

FORM_SLOTS: tuple[str, ...] = (
    "case_id",
    "complaint_category",
    "complaint_description",
    "complaint_location",
    "complaint_photo",
    "contact_consent",
)


def clear_events(slots: tuple[str, ...] = FORM_SLOTS) -> list[EventType]:
    return [SlotSet(name, None) for name in slots]


class ActionClearFormSlots(Action):
    def name(self) -> str:
        return "action_clear_form_slots"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return clear_events()
