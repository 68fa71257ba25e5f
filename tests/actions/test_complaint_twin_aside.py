"""A service question asked inside the complaint form that the service search answers with choices
(near-twins: "ทำบัตรประชาชนต้องใช้อะไรบ้างคะ" — first card, lost or expired?) is the service action's as
a question it answers outright is: it offers the choices, the form asks the same step again, and a
choice tapped next is answered too. It had been read as the step's answer (the place hint, or the
story "ใบขับขี่ต้องไปทำที่ไหนคะ"). A list the search is merely unsure between stays with the form: such
questions are the form's own ("ต้องรอนานไหมคะ": how long this complaint takes)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import complaint
from actions.case_runtime import Asker
from actions.complaint import SERVICE_ACTION, SERVICE_CONTEXT_SLOTS, ValidateComplaintForm
from actions.service import ActionAnswerService
from actions.service_resolver import ServiceResolver
from tests.actions.complaint_form_driver import DOMAIN, LINE_USER, at_step

STORY = {"complaint_category": "streetlight", "complaint_description": "ไฟถนนหน้าบ้านดับมา 3 วันแล้ว มืดมาก"}
PLACED = {**STORY, "complaint_location": "ซอยลาดพร้าว 71", "complaint_photo": "none"}
TWINS_ID_CARD = "ขอถามหน่อย ทำบัตรประชาชนต้องใช้อะไรบ้างคะ"


@pytest.fixture
def reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(complaint, "asker_of", lambda tracker, cases: Asker("line", LINE_USER, verified=True))


@pytest.fixture(scope="module")
def services(resolver: ServiceResolver) -> ActionAnswerService:
    return ActionAnswerService(resolver)


def validate(form: ValidateComplaintForm, t: Tracker) -> tuple[dict[str, Any], list[str], list[str]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(form.run(dispatcher, t, DOMAIN))
    got = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    followups = [e["name"] for e in events if e.get("event") == "followup"]
    return got, [str(m.get("text") or "") for m in dispatcher.messages], followups


def tapped(step: str, service_id: str, slots: dict[str, Any]) -> Tracker:
    """A service button tapped while `step` is asked (Rasa parses the payload: intent and entity)."""
    payload = "/ask_service" + json.dumps({"service_id": service_id}, separators=(",", ":"))
    t = at_step(step, payload, slots, intent="ask_service")
    t.latest_message["entities"] = [{"entity": "service_id", "value": service_id}]
    return t


@pytest.mark.parametrize(
    ("step", "text", "slots"),
    [
        ("complaint_location", TWINS_ID_CARD, STORY),
        ("complaint_description", "ใบขับขี่ต้องไปทำที่ไหนคะ", {"complaint_category": "garbage"}),
    ],
)
def test_a_question_with_near_twins_is_handed_to_the_service_action(
    services: ActionAnswerService, step: str, text: str, slots: dict[str, Any]
) -> None:
    got, said, followups = validate(
        ValidateComplaintForm(services=services), at_step(step, text, slots, intent="ask_service")
    )
    assert said == [] and followups == [SERVICE_ACTION]
    assert got[step] is None and got["requested_slot"] == step  # never the place or the story
    assert all(got[slot] is None for slot in SERVICE_CONTEXT_SLOTS)


def test_the_service_action_then_offers_the_choices(services: ActionAnswerService) -> None:
    t = at_step("complaint_location", TWINS_ID_CARD, STORY, intent="ask_service")
    dispatcher = CollectingDispatcher()
    asyncio.run(services.run(dispatcher, t, {}))
    [message] = dispatcher.messages
    payloads = [b["payload"] for b in message["buttons"]]
    assert any('"id_card_lost"' in p for p in payloads) and any('"id_card_new"' in p for p in payloads)


def test_a_choice_tapped_inside_the_form_is_answered_and_the_step_kept(services: ActionAnswerService) -> None:
    got, said, followups = validate(
        ValidateComplaintForm(services=services), tapped("complaint_location", "id_card_lost", STORY)
    )
    assert said == [] and followups == [SERVICE_ACTION]
    assert got["complaint_location"] is None and got["requested_slot"] == "complaint_location"
    # the menu's bare "/ask_service" (no service named) is no such choice
    t = at_step("complaint_location", "/ask_service", STORY, intent="ask_service")
    _, _, followups = validate(ValidateComplaintForm(services=services), t)
    assert followups == []


@pytest.mark.parametrize(
    ("step", "text", "slots"),
    [
        ("contact_consent", "ต้องรอนานไหมคะ", PLACED),
        ("complaint_photo", "ถ้าไม่มีรูปได้ไหมคะ", {**STORY, "complaint_location": "ซอยลาดพร้าว 71"}),
        ("complaint_photo", "คนแจ้งจะถูกเปิดเผยชื่อไหมคะ", {**STORY, "complaint_location": "ซอยลาดพร้าว 71"}),
    ],
)
def test_a_list_the_search_is_unsure_between_stays_with_the_form(
    services: ActionAnswerService, reachable: None, step: str, text: str, slots: dict[str, Any]
) -> None:
    """dev5 d5k023, dev6 d6k033: the form's own questions, for which the search lists unrelated services."""
    assert asyncio.run(services.choices_aside(at_step(step, "x", slots), text)) == "unsure"
    got, _, followups = validate(
        ValidateComplaintForm(services=services), at_step(step, text, slots, intent="ask_service")
    )
    assert followups == [] and got["requested_slot"] == step


def test_a_place_is_still_the_place(services: ActionAnswerService) -> None:
    t = at_step("complaint_location", "ซอยลาดพร้าว 71 หน้าเซเว่น", STORY, intent="ask_service")
    got, _, followups = validate(ValidateComplaintForm(services=services), t)
    assert followups == [] and got["complaint_location"] == "ซอยลาดพร้าว 71 หน้าเซเว่น"
