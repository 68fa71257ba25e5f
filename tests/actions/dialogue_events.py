"""Rasa tracker events as the action server receives them, for tests that build conversations by hand."""

from __future__ import annotations

from typing import Any


def user(text: str, intent: str, confidence: float = 0.9, channel: str = "line") -> dict[str, Any]:
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}],
        "entities": [],
    }
    return {"event": "user", "text": text, "parse_data": parse, "input_channel": channel}


def answered(service_id: str) -> list[dict[str, Any]]:
    """What Rasa stores after action_answer_service answered a service."""
    return [
        {"event": "action", "name": "action_answer_service"},
        {"event": "bot", "text": "คำตอบค่ะ", "metadata": {}},
        {"event": "slot", "name": "service_id", "value": service_id},
        {"event": "action", "name": "action_listen"},
    ]
