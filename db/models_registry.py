"""Explicit list of the modules that declare tables, so Alembic and tests see every table.

Add a feature's models module here when it gains tables.
"""

from __future__ import annotations

import importlib

MODEL_MODULES: tuple[str, ...] = (
    "actions.unanswered_models",
    "staff.models",
    "knowledge.models",
    "cases.models",
    "handover.models",
    "analytics.models",
)


def import_all_models() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)
