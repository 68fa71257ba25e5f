"""A resolver decision as one comparable string, for tests of what the resolver decides."""

from __future__ import annotations

from actions.service_resolver import Decision


def decided(decision: Decision) -> str:
    """A decision in one comparable string: "service:id", "life_event:id", "refer:agency", or the kind
    with its choices in order of id ("twins:id_card_lost,passport_new")."""
    if decision.kind == "answer":
        return f"service:{decision.service_id}"
    if decision.kind == "life_event":
        return f"life_event:{decision.event.id}"
    if decision.kind == "not_covered":
        return f"refer:{getattr(getattr(decision.referral, 'agency', None), 'id', None)}"
    return f"{decision.kind}:" + ",".join(sorted(c.id for c in decision.choices))
