"""Typed settings of the handover that processes read once at start-up (no module reads the environment).

OFFICE_HOURS: unset or "calendar" follows handover/office_hours.yml, Thai public holidays and agency
closures; "always" opens every queue at all hours (demos, tests). Anything else is an error, so a typo
never silently closes or opens every desk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

ALWAYS = "always"
CALENDAR = "calendar"


@dataclass(frozen=True, slots=True)
class OfficeHoursSettings:
    always: bool = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> OfficeHoursSettings:
        raw = environ.get("OFFICE_HOURS", "").strip().lower()
        if raw in ("", CALENDAR):
            return cls(always=False)
        if raw == ALWAYS:
            return cls(always=True)
        raise ValueError(f"OFFICE_HOURS must be {ALWAYS!r} or {CALENDAR!r}, got {raw!r}")
