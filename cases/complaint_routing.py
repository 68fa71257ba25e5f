"""Where a complaint goes: category key -> agency and service, read from complaint_categories.yml.

One file feeds both the bot's category buttons and the routing, so a category can never be offered
without somewhere to send it. The file is read once per process (it ships with the code); a broken
file fails at start-up, not in the middle of a citizen's complaint.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cases.models import Agency

CATEGORIES_FILE = Path(__file__).with_name("complaint_categories.yml")
_FIELDS = ("label", "agency_id", "agency_name", "service_id", "time_to_act")


class RoutingError(ValueError):
    """complaint_categories.yml is malformed, or a category key is unknown."""


@dataclass(frozen=True, slots=True)
class ComplaintRoute:
    category: str
    label: str
    agency_id: str
    agency_name: str
    service_id: str
    # The agency's published time to act, as the citizen reads it: "7 วัน".
    time_to_act: str
    # True where the agency accepts the complaint with no contact kept at all.
    allow_anonymous: bool = False
    # Words that make this category clear in a citizen's message (lower-case, no spaces).
    cues: tuple[str, ...] = ()
    # Those of the cues that decide only when no other category's cue is in the message: a smell is
    # what a named source gives off ("ขยะกองหน้าโรงเรียน ส่งกลิ่นเหม็น" is rubbish).
    weak_cues: tuple[str, ...] = ()
    # The agency as an SMS names it, where every character counts ("เทศบาล/อบต."); else its name.
    agency_short: str = ""
    # The agency named in an English reply ("the local government (municipality or SAO)").
    agency_name_en: str = ""

    @property
    def agency_brief(self) -> str:
        return self.agency_short or self.agency_name

    def agency_in(self, english: bool) -> str:
        """The agency's name in the reply's language (Thai where no English name is given)."""
        return self.agency_name_en if english and self.agency_name_en else self.agency_name


def parse_routes(raw: Any) -> dict[str, ComplaintRoute]:
    """Check the file's shape: every category has every field, as non-empty text that fits the columns;
    allow_anonymous a boolean and cues a list of words when given."""
    if not isinstance(raw, dict) or not isinstance(raw.get("categories"), dict) or not raw["categories"]:
        raise RoutingError("complaint categories: expected a non-empty 'categories' mapping")
    routes: dict[str, ComplaintRoute] = {}
    for key, entry in raw["categories"].items():
        if not isinstance(entry, dict):
            raise RoutingError(f"complaint category {key!r}: expected a mapping")
        values = {name: str(entry.get(name) or "").strip() for name in _FIELDS}
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise RoutingError(f"complaint category {key!r}: missing {', '.join(missing)}")
        if len(str(key)) > 60 or len(values["agency_id"]) > 40 or len(values["service_id"]) > 80:
            raise RoutingError(f"complaint category {key!r}: key, agency_id or service_id too long")
        anonymous = entry.get("allow_anonymous", False)
        if not isinstance(anonymous, bool):
            raise RoutingError(f"complaint category {key!r}: allow_anonymous must be true or false")
        cues = entry.get("cues") or []
        weak = entry.get("weak_cues") or []
        for words in (cues, weak):
            if not isinstance(words, list) or not all(isinstance(c, str) and c.strip() for c in words):
                raise RoutingError(f"complaint category {key!r}: cues and weak_cues must be lists of words")
        routes[str(key)] = ComplaintRoute(
            category=str(key),
            **values,
            allow_anonymous=anonymous,
            cues=tuple("".join(c.split()).casefold() for c in [*cues, *weak]),
            weak_cues=tuple("".join(c.split()).casefold() for c in weak),
            agency_short=str(entry.get("agency_short") or "").strip(),
            agency_name_en=str(entry.get("agency_name_en") or "").strip(),
        )
    return routes


@functools.cache
def load_routes(path: Path = CATEGORIES_FILE) -> dict[str, ComplaintRoute]:
    with path.open(encoding="utf-8") as handle:
        return parse_routes(yaml.safe_load(handle))


def route_for(category: str) -> ComplaintRoute:
    try:
        return load_routes()[category]
    except KeyError:
        raise RoutingError(f"unknown complaint category {category!r}") from None


def ensure_agency(session: Session, route: ComplaintRoute) -> None:
    """Create the agency row on first use (cases reference it); an existing row's name is left alone."""
    if session.get(Agency, route.agency_id) is not None:
        return
    try:
        with session.begin_nested():
            session.add(Agency(id=route.agency_id, name=route.agency_name))
    except IntegrityError:
        pass  # another transaction created it first: the row exists, which is all we need
