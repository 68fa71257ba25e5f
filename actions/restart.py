"""Replaces Rasa's action_restart so that /restart (the "เริ่มใหม่" button) answers in Thai."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, Restarted
from rasa_sdk.executor import CollectingDispatcher

from actions import replies


class ActionRestart(Action):
    def name(self) -> str:
        return "action_restart"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        replies.send(dispatcher, tracker, "restart")
        return [Restarted()]
