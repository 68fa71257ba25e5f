"""case_status_form skeleton: ask for the case reference, validate it, answer honestly.

The reference format and its check digit come from nlu.case_ref, so a typo ("bad_check") gets a
different answer from text that is no reference at all. Nothing the citizen typed is echoed back
except a valid reference. Until the case registry (issue 5) exists the form ends by saying that
status look-up is not open yet and where to ask instead.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies
from actions.context import ActionContext
from actions.form_ask import AskSlotAction
from nlu.case_ref import check_case_ref, parse_case_ref

RefStatus = Literal["valid", "bad_check", "not_a_reference"]
_TRIM = " \t\r\n.,;:!?()[]{}\"'“”‘’"


def find_case_ref(text: str) -> tuple[RefStatus, str | None]:
    """Look for a reference in what the citizen typed: the whole text first, then each word.

    Returns ("valid", canonical) for the first valid one, else "bad_check" if any word has the
    reference's shape with a wrong check digit, else "not_a_reference".
    """
    candidates = [text, *re.split(r"\s+", text)]
    status: RefStatus = "not_a_reference"
    for raw in candidates:
        candidate = raw.strip(_TRIM)
        if not candidate:
            continue
        result = check_case_ref(candidate)
        if result == "valid":
            parsed = parse_case_ref(candidate)
            if parsed is not None:
                return "valid", parsed.canonical
        elif result == "bad_check":
            status = "bad_check"
    return status, None


class ValidateCaseStatusForm(FormValidationAction):
    def name(self) -> str:
        return "validate_case_status_form"

    async def validate_case_id(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        status, canonical = find_case_ref(str(slot_value or ""))
        if status == "valid":
            return {"case_id": canonical}
        replies.send(
            dispatcher, tracker, "case_ref_bad_check" if status == "bad_check" else "case_ref_not_reference"
        )
        return {"case_id": None}


class ActionSubmitCaseStatus(Action):
    """Ends the form. Issue 5 replaces the answer with the real status after verifying the asker."""

    def name(self) -> str:
        return "action_submit_case_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        case_id = tracker.get_slot("case_id")
        replies.send(dispatcher, tracker, "case_status_coming_soon", values={"case_id": str(case_id)})
        # Forget it, or the next status question would skip asking for a reference.
        return [SlotSet("case_id", None)]


def build_actions(context: ActionContext) -> list[Action]:
    return [ValidateCaseStatusForm(), AskSlotAction("case_id"), ActionSubmitCaseStatus()]
