"""`action_ask_<slot>` actions: forms ask their questions through these, in the citizen's channel."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import replies


class AskSlotAction(Action):
    """Asks for one form slot with the reply `ask_<slot>` from actions/replies.py; `values` fills a
    question that depends on the conversation (a summary to confirm, the case named in a consent)."""

    def __init__(self, slot: str, values: Callable[[Tracker], Mapping[str, str]] | None = None) -> None:
        if f"ask_{slot}" not in replies.REPLIES:
            raise KeyError(f"no reply 'ask_{slot}' in actions/replies.py")
        self.slot = slot
        self.values = values

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        values = self.values(tracker) if self.values is not None else None
        replies.send(dispatcher, tracker, f"ask_{self.slot}", values=values)
        return []
