"""The same conversation seen with some slots changed, for deciding without the current context.

An action that answers a question aside (inside a form) or after the citizen judged an answer wrong
decides as if some slots were not set; the real slots change only through the events it returns.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def with_slots(tracker: Tracker, changes: dict[str, Any]) -> Tracker:
    """A copy of `tracker` whose slots have `changes` applied (events, message and loop as they were)."""
    return Tracker(
        tracker.sender_id,
        {**tracker.slots, **changes},
        tracker.latest_message,
        tracker.events,
        tracker.is_paused(),
        tracker.followup_action,
        tracker.active_loop,
        tracker.latest_action_name,
    )
