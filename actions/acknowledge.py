"""action_acknowledge_no: a "no" with no question before it ("ไม่ค่ะ", "ไม่มีแล้ว").

Why an action and not the response alone: "ห่วยมาก" or "ไม่ได้เรื่องเลย" is read by the NLU as a no,
and after a look-up that found nothing, "ได้ค่ะ" to it reads as indifference. An upset no gets an
apology and a person offered instead (its words never said back). A "no" that names a service by its
own name ("กยศ ผ่อนไม่ไหวแล้วค่ะ") is about that service: the service action answers it.
"""

from __future__ import annotations

from typing import Any, Protocol

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions import replies

ACK_RESPONSE = "utter_deny_ack"
SERVICE_ACTION = "action_answer_service"


class NamesService(Protocol):
    """The service action's check (actions/service.py): whether the message names a service by its own
    name, with confidence; nothing is said."""

    async def names_service(self, tracker: Tracker, text: str) -> bool: ...


def no_reply(text: str, previous_response: str | None = None) -> str:
    """The reply to a no: a domain response (utter_*) or a key of actions/replies.py."""
    if replies.upset(text):
        return "upset_no_ack"
    return "utter_goodbye" if previous_response == "utter_thank" else ACK_RESPONSE


class ActionAcknowledgeNo(Action):
    def __init__(self, services: NamesService | None = None) -> None:
        self.services = services

    def name(self) -> str:
        return "action_acknowledge_no"

    def link(self, by_name: dict[str, Any]) -> None:
        """At start-up (actions/registry.py): the service action, for a no that names a service."""
        action = by_name.get(SERVICE_ACTION)
        if self.services is None and callable(getattr(action, "names_service", None)):
            self.services = action

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = str((tracker.latest_message or {}).get("text") or "")
        if (
            self.services is not None
            and not replies.upset(text)
            and await self.services.names_service(tracker, text)
        ):
            return [FollowupAction(SERVICE_ACTION)]
        replies.send(dispatcher, tracker, no_reply(text))
        return []
