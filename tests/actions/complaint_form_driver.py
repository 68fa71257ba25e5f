"""Driving validate_complaint_form as Rasa calls it, shared by the complaint tests written from the
outside writers' sets: a LINE user's tracker at a given step, and one run of the form's validation."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.complaint import FORM, ValidateComplaintForm

LINE_USER = "line:U4af4980629a0c0f6e4b1d6d5a1e0b7c2"
STEPS = [
    "complaint_category",
    "complaint_description",
    "complaint_location",
    "complaint_photo",
    "contact_consent",
    "complaint_edit",
    "complaint_confirm",
]
DOMAIN = {"forms": {FORM: {"required_slots": STEPS}}}


def user_turn(text: str, intent: str = "inform", channel: str = "line") -> dict[str, Any]:
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": intent, "confidence": 0.9}],
        "entities": [],
        "metadata": {},
    }
    return {"event": "user", "text": text, "parse_data": parse, "input_channel": channel, "metadata": {}}


def form_tracker(events: list[dict[str, Any]], slots: dict[str, Any]) -> Tracker:
    latest = next(e for e in reversed(events) if e["event"] == "user")
    return Tracker(
        sender_id=LINE_USER,
        slots=slots,
        latest_message=latest["parse_data"],
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": FORM},
        latest_action_name="action_listen",
    )


def opening(text: str, channel: str = "line") -> Tracker:
    """The form's first run on the message that opened it."""
    events = [user_turn(text, "file_complaint", channel), {"event": "active_loop", "name": FORM}]
    return form_tracker(events, {"requested_slot": None})


def at_step(
    step: str, text: str, slots: dict[str, Any], channel: str = "line", intent: str = "inform"
) -> Tracker:
    """`text` arriving while `step` is asked, with `slots` already filled."""
    events = [
        user_turn("อยากร้องเรียน", "file_complaint", channel),
        {"event": "active_loop", "name": FORM},
        {"event": "slot", "name": "requested_slot", "value": step},
        {"event": "bot", "text": "..."},
        user_turn(text, intent, channel),
        {"event": "slot", "name": step, "value": text},
    ]
    return form_tracker(events, {"requested_slot": step, **slots, step: text})


def run_form(t: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any], list[str]]:
    """(events, the slots they set, the texts said) of one validation run."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateComplaintForm().run(dispatcher, t, DOMAIN))
    got = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return events, got, [m.get("text") or "" for m in dispatcher.messages]
