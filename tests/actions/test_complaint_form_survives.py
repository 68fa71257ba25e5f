"""A started complaint form is never dropped: every intent the NLU knows, at every step (issue 11).

Two halves of one proof, both read from the project's own files rather than a list kept here:
- Rasa's side (bot/domain): at every step of complaint_form, every intent of the domain is mapped to
  the step's slot, so Rasa's FormAction always has an answer to validate and never rejects — a
  rejection is what lets a rule (handover, menu, fallback) take the citizen out of the form.
- The actions' side (validate_complaint_form): for every step and every intent — its button payload
  ("/request_human") and the first training example of that intent in bot/data/nlu — the validation
  keeps the loop running and asks a step again, except for the one way out: the cancel button
  ("/deny" where "no" is not an answer) or a typed ยกเลิก — and, at the category menu before any of
  a report was told (nothing to lose), a message about a case already filed ("เรื่องที่ร้องเรียนไป
  ถึงไหนแล้ว", "จำเลขไม่ได้"), which the case look-up takes instead.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.complaint import NO_ANSWERS_STEPS, TRACK, ValidateComplaintForm
from actions.complaint_talk import tracks_a_case

ROOT = Path(__file__).resolve().parents[2]
FORM = "complaint_form"
LINE_USER = "line:U4af4980629a0c0f6e4b1d6d5a1e0b7c2"
_ENTITY = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# A valid answer to each step, so the tracker can stand at any later step.
ANSWERED: dict[str, Any] = {
    "complaint_category": "streetlight",
    "complaint_description": "ไฟถนนดับทั้งซอยมาสามวันแล้วค่ะ",
    "complaint_location": "ซอยพหลโยธิน 24 เขตจตุจักร",
    "complaint_photo": "none",
    "contact_consent": True,
    "complaint_edit": None,
    "complaint_confirm": None,
}


def _domain() -> dict[str, Any]:
    merged: dict[str, Any] = {"intents": [], "slots": {}, "forms": {}}
    for path in sorted((ROOT / "bot/domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        merged["intents"] += [i if isinstance(i, str) else next(iter(i)) for i in data.get("intents") or []]
        merged["slots"].update(data.get("slots") or {})
        merged["forms"].update(data.get("forms") or {})
    return merged


DOMAIN = _domain()
INTENTS = sorted(set(DOMAIN["intents"]))
STEPS = list(DOMAIN["forms"][FORM]["required_slots"])


def _first_examples() -> dict[str, str]:
    examples: dict[str, str] = {}
    for path in sorted((ROOT / "bot/data/nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text("utf-8")) or {}).get("nlu") or []:
            intent = block.get("intent")
            lines = [ln.strip()[2:] for ln in str(block.get("examples") or "").splitlines() if ln.strip()]
            if intent and lines and intent not in examples:
                examples[intent] = _ENTITY.sub(r"\1", lines[0])
    return examples


EXAMPLES = _first_examples()


def _mapping_fills(mapping: dict[str, Any], slot: str, intent: str) -> bool:
    """Rasa's rule for a from_text / from_intent mapping while the form asks `slot`."""
    conditions = mapping.get("conditions") or []
    if conditions and not any(
        c.get("active_loop") == FORM and c.get("requested_slot", slot) == slot for c in conditions
    ):
        return False
    wanted = mapping.get("intent")
    wanted = [wanted] if isinstance(wanted, str) else wanted
    excluded = mapping.get("not_intent") or []
    excluded = [excluded] if isinstance(excluded, str) else excluded
    if wanted and intent not in wanted:
        return False
    if intent in excluded:
        return False
    return mapping.get("type") in ("from_text", "from_intent")


def test_the_domain_knows_the_intents_and_steps() -> None:
    assert {"request_human", "greet", "deny", "file_complaint", "nlu_fallback"} <= set(INTENTS)
    assert STEPS[0] == "complaint_category" and STEPS[-1] == "complaint_confirm"


@pytest.mark.parametrize("step", STEPS)
def test_every_intent_fills_the_step_so_the_form_never_rejects(step: str) -> None:
    mappings = DOMAIN["slots"][step]["mappings"]
    unmapped = [i for i in INTENTS if not any(_mapping_fills(m, step, i) for m in mappings)]
    assert unmapped == [], f"at {step} these intents make the form reject (and a rule take over): {unmapped}"


def _tracker(step: str, text: str, intent: str) -> Tracker:
    slots: dict[str, Any] = {"requested_slot": step}
    for name in STEPS[: STEPS.index(step)]:
        slots[name] = ANSWERED[name]
    if step == "complaint_edit":
        slots["complaint_confirm"] = "edit"
    slots[step] = None
    meta = {"channel": "line", "user_id": LINE_USER}
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": intent, "confidence": 0.9}],
        "entities": [],
        "metadata": meta,
    }
    events = [
        {"event": "user", "text": text, "parse_data": latest, "input_channel": "line", "metadata": meta},
        # What Rasa's FormAction extracted with the step's from_text mapping.
        {"event": "slot", "name": step, "value": text},
    ]
    slots[step] = text
    return Tracker(
        sender_id=LINE_USER,
        slots=slots,
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": FORM},
        latest_action_name="action_listen",
    )


def _cases() -> list[tuple[str, str, str]]:
    cases = []
    for step in STEPS:
        for intent in INTENTS:
            cases.append((step, intent, f"/{intent}"))
            if intent in EXAMPLES:
                cases.append((step, intent, EXAMPLES[intent]))
    return cases


CASES = _cases()


def _is_the_cancel_button(step: str, text: str) -> bool:
    return text == "/deny" and step not in NO_ANSWERS_STEPS


@pytest.mark.parametrize(("step", "intent", "text"), CASES, ids=[f"{s}-{i}-{t[:12]}" for s, i, t in CASES])
def test_the_form_survives_every_intent_at_every_step(step: str, intent: str, text: str) -> None:
    domain = {"forms": {FORM: {"required_slots": STEPS}}, "slots": DOMAIN["slots"]}
    dispatcher = CollectingDispatcher()
    form = ValidateComplaintForm()
    events = asyncio.run(form.run(dispatcher, _tracker(step, text, intent), domain))
    loop_ended = any(e.get("event") == "active_loop" and e.get("name") is None for e in events)
    asked = [e.get("value") for e in events if e.get("event") == "slot" and e.get("name") == "requested_slot"]
    if _is_the_cancel_button(step, text):
        assert loop_ended, events
        return
    if step == "complaint_category" and tracks_a_case(text):
        assert loop_ended and {"event": "slot", "name": "complaint_confirm", "value": TRACK} in [
            {k: e.get(k) for k in ("event", "name", "value")} for e in events
        ], events
        return
    assert not loop_ended, f"{text!r} ({intent}) at {step} ended the form"
    confirmed = {"event": "slot", "name": "complaint_confirm", "value": "yes"}
    if step == "complaint_confirm" and any(e.items() >= confirmed.items() for e in events):
        assert asked == [None]  # "yes" to the summary completes the form: the complaint is filed
        return
    assert asked and asked[-1] is not None, f"{text!r} ({intent}) at {step}: no step asked next: {events}"


def test_only_a_typed_cancel_or_the_button_ends_it() -> None:
    domain = {"forms": {FORM: {"required_slots": STEPS}}, "slots": DOMAIN["slots"]}
    for step in STEPS:
        for text in ("ยกเลิก", "ยกเลิกค่ะ", "เปลี่ยนใจ ไม่แจ้งแล้วค่ะ"):
            events = asyncio.run(
                ValidateComplaintForm().run(CollectingDispatcher(), _tracker(step, text, "deny"), domain)
            )
            assert {"event": "active_loop", "name": None} in [
                {"event": e.get("event"), "name": e.get("name")}
                for e in events
                if e.get("event") == "active_loop"
            ], (step, text)
        # A bare no is not a cancel where it is not an answer either: a hint, and the step again.
        if step not in NO_ANSWERS_STEPS:
            dispatcher = CollectingDispatcher()
            events = asyncio.run(
                ValidateComplaintForm().run(dispatcher, _tracker(step, "ไม่", "deny"), domain)
            )
            assert not any(e.get("event") == "active_loop" for e in events), step
