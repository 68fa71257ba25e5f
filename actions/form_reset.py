"""Empties every form slot when a form is left midway, so the next form starts clean."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

COMPLAINT_SLOTS: tuple[str, ...] = (
    "complaint_category",
    "complaint_description",
    "complaint_location",
    "complaint_lat",
    "complaint_lon",
    "complaint_photo",
    "contact_consent",
    "complaint_anonymous",
    "complaint_guess",
    "complaint_category_assumed",
    "complaint_edit",
    "complaint_confirm",
)
FORM_SLOTS: tuple[str, ...] = (
    "case_id",
    "phone_last4",
    "subscribe_target",
    "subscribe_consent",
    *COMPLAINT_SLOTS,
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
