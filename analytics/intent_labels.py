"""Thai names of the bot's intents for staff (bot/intent_labels_th.yml): the statistics page shows
"ติดตามสถานะเรื่อง", not `check_case_status`. The raw name stays the key everywhere (stats() JSON, the
drill-down's `kind=intent&key=…`, CSV) and is shown beside the label, so nothing is lost in translation."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

LABELS_FILE = Path(__file__).resolve().parents[1] / "bot" / "intent_labels_th.yml"


@cache
def intent_labels() -> dict[str, str]:
    with LABELS_FILE.open(encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle) or {}
    return {str(intent): str(label) for intent, label in loaded.items()}


def intent_label(intent: str | None) -> str | None:
    """The Thai label, or the raw name for an intent without one (a model newer than this file)."""
    if intent is None:
        return None
    return intent_labels().get(intent, intent)
