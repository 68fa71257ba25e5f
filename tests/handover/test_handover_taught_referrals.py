"""action_handover_confirm refers another agency's matter from the same referrals as the service action:
the resolver's (what reviewers taught in the staff console, then the agency directory's topic phrases),
linked at start-up, not a second copy of the directory that knows nothing taught."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session, sessionmaker

from actions.handover import ActionHandoverConfirm
from actions.registry import link_actions
from actions.service import ActionAnswerService
from actions.service_resolver import ServiceResolver
from knowledge.agencies import AgencyDirectory
from staff.audit import Actor
from teaching import decisions
from tests.databases import seeded_sqlite
from tests.teaching.conftest import add_questions

REVIEWER = Actor(user_id=None, username="reviewer1", ip_hash="")
# Heard by the NLU as asking for a person ("เจ้าหน้าที่"), but a matter of another agency's — one the
# directory's phrases do not know, which a reviewer referred from the review queue.
TAUGHT = "เจ้าหน้าที่ขนส่งมวลชนเก็บค่าโดยสารเกินราคา"
TAUGHT_ALIKE = "เจ้าหน้าที่ขนส่งมวลชนเก็บค่าโดยสารเกินราคาค่ะ"


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sessionmaker[Session]]:
    with seeded_sqlite(tmp_path_factory.mktemp("taught-referrals")) as made:
        yield made


def tracker(text: str, intent: str = "request_human") -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    return Tracker(
        sender_id="line:Utaught",
        slots={},
        latest_message=message,
        events=[{"event": "user", "text": text, "parse_data": message, "input_channel": "line"}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def confirm_turn(confirm: ActionHandoverConfirm, text: str) -> tuple[list[dict[str, Any]], list[Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(confirm.run(dispatcher, tracker(text), {}))
    return events, dispatcher.messages


def linked_confirm(resolver: Any) -> ActionHandoverConfirm:
    """As at start-up (actions/registry.link_actions): the confirmation beside the service action."""
    confirm = ActionHandoverConfirm(None, AgencyDirectory.load())
    link_actions([confirm, ActionAnswerService(resolver)])
    return confirm


def test_a_referral_staff_taught_is_referred_by_the_confirmation_too(sessions: sessionmaker[Session]) -> None:
    directory = AgencyDirectory.load()
    agency = next(a for a in directory.agencies if a.hotline)
    assert directory.refer(TAUGHT_ALIKE) is None  # the directory alone does not know it
    ids = add_questions(sessions, [TAUGHT], reason="unanswered")
    with sessions.begin() as session:
        decisions.decide(
            session, REVIEWER, "out_of_scope", ids, target=agency.id, may_publish=True, directory=directory
        )
    # the directory's copy (what the confirmation had before) asks for a person all the same
    events, said = confirm_turn(ActionHandoverConfirm(None, directory), TAUGHT_ALIKE)
    assert said and said[0]["text"] == "ต้องการคุยกับเจ้าหน้าที่ใช่ไหมคะ"

    resolver = ServiceResolver(None, sessions)  # type: ignore[arg-type]  # refer() reads no index
    assert resolver.refer(TAUGHT_ALIKE).agency.id == agency.id
    confirm = linked_confirm(resolver)
    events, said = confirm_turn(confirm, TAUGHT_ALIKE)
    assert said == []
    assert [(e["event"], e.get("name")) for e in events] == [("followup", "action_answer_service")]
    # asking for a person about it is still asked
    events, said = confirm_turn(confirm, TAUGHT_ALIKE + " ขอคุยกับเจ้าหน้าที่")
    assert said and said[0]["text"] == "ต้องการคุยกับเจ้าหน้าที่ใช่ไหมคะ"


class NoReferrals:
    """A resolver that refers nothing (its directory says the matter was had already, say)."""

    def refer(self, text: str) -> None:
        return None


def test_the_confirmation_follows_the_service_actions_referrals_not_its_own_directory() -> None:
    scam = "มีคนโทรมาอ้างเป็นเจ้าหน้าที่ ขอเลขบัญชีกับรหัส OTP ค่ะ"
    assert AgencyDirectory.load().refer(scam) is not None
    events, said = confirm_turn(linked_confirm(NoReferrals()), scam)
    assert said and said[0]["text"] == "ต้องการคุยกับเจ้าหน้าที่ใช่ไหมคะ"
    # without a service action on the server, the directory alone still refers it
    events, said = confirm_turn(ActionHandoverConfirm(None, AgencyDirectory.load()), scam)
    assert said == [] and [(e["event"], e.get("name")) for e in events] == [
        ("followup", "action_answer_service")
    ]
