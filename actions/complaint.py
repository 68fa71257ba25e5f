"""complaint_form skeleton: category, what happened, where, an optional photo, consent.

Answers are checked here; the case registry of issue 5 will create the case in the submit action.
Until then the submit action says plainly that nothing was sent or kept and where to report
instead, and clears the slots.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies
from actions.context import ActionContext
from actions.form_ask import AskSlotAction
from actions.form_reset import clear_events
from actions.replies import COMPLAINT_CATEGORIES, NO_PHOTO_LABEL

MIN_DESCRIPTION_CHARS = 8
MAX_DESCRIPTION_CHARS = 1000
MIN_LOCATION_CHARS = 3
NO_PHOTO_WORDS = frozenset({NO_PHOTO_LABEL, "ไม่มี", "ไม่มีรูปค่ะ", "ไม่มีรูปครับ", "ข้าม", "no", "skip", "none"})
# How the gateway hands over media and locations as text (see /work/notes/dialogue-contract.md).
MEDIA_PREFIX = "media:"
LOCATION_PREFIX = "location:"


def category_key(text: str) -> str | None:
    wanted = " ".join(text.split()).casefold()
    for key, label in COMPLAINT_CATEGORIES.items():
        if wanted in (key, label.casefold()):
            return key
    return None


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> str:
        return "validate_complaint_form"

    async def validate_complaint_category(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        key = category_key(str(slot_value or ""))
        if key is None:
            replies.send(dispatcher, tracker, "complaint_category_unknown")
        return {"complaint_category": key}

    async def validate_complaint_description(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = " ".join(str(slot_value or "").split())
        if len(text) < MIN_DESCRIPTION_CHARS:
            replies.send(dispatcher, tracker, "complaint_description_too_short")
            return {"complaint_description": None}
        return {"complaint_description": text[:MAX_DESCRIPTION_CHARS]}

    async def validate_complaint_location(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = " ".join(str(slot_value or "").split())
        if len(text) < MIN_LOCATION_CHARS and not text.startswith(LOCATION_PREFIX):
            replies.send(dispatcher, tracker, "complaint_location_too_short")
            return {"complaint_location": None}
        return {"complaint_location": text[:MAX_DESCRIPTION_CHARS]}

    async def validate_complaint_photo(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(slot_value or "").strip()
        if text.casefold() in NO_PHOTO_WORDS:
            return {"complaint_photo": "none"}
        if text.startswith(MEDIA_PREFIX):
            return {"complaint_photo": text}
        replies.send(dispatcher, tracker, "complaint_photo_not_image")
        return {"complaint_photo": None}

    async def validate_contact_consent(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"contact_consent": slot_value if isinstance(slot_value, bool) else None}


class ActionSubmitComplaint(Action):
    def name(self) -> str:
        return "action_submit_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        replies.send(dispatcher, tracker, "complaint_coming_soon")
        return clear_events()


def build_actions(context: ActionContext) -> list[Action]:
    asks = [
        AskSlotAction(slot)
        for slot in (
            "complaint_category",
            "complaint_description",
            "complaint_location",
            "complaint_photo",
            "contact_consent",
        )
    ]
    return [ValidateComplaintForm(), *asks, ActionSubmitComplaint()]
