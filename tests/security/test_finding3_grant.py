"""Issue 14, finding 3, what was left: a slot set to a case's reference must not unlock the case.

Before, the proof of a right last-4 was the conversation's `phone_last4` slot (and `last_case_ref`):
a `slot` event posted to Rasa's tracker — or a copied tracker — showed the case without the digits.
Now the proof is a grant row in the cases database (cases/grants.py), keyed by the case and the keyed
hash of the asker the gateway signed for, valid 15 minutes. These replays drive the real action code
(validation, submit, subscribe) on the real database, SQLite and PostgreSQL (tests/cases fixtures):

- the slots a successful look-up leaves, set by hand without the digits: no status, no subscription;
- the control: the same asker answering the digits gets the status, and a grant row is recorded;
- the grant is this asker's only (another signed asker with the same slots is refused), ends after
  15 minutes, and goes when the asker erases their data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from actions.case_runtime import CaseRuntime, build_case_runtime
from actions.case_status import ActionSubmitCaseStatus, CaseLookup, ValidateCaseStatusForm
from actions.subscriptions import ActionSubmitSubscribe
from cases.erasure import erase_contact_data
from cases.grants import GRANT_DURATION
from cases.models import Case, CaseAccessGrant, CaseContact
from cases.registry import NewCase, NewContact, StatusChange, change_status, create_case
from cases.settings import CasesSettings
from privacy.identity import GatewayIdentity
from tests.actions.conftest import make_tracker

T0 = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
OWNER = "line:U0123456789abcdef0123456789abcdef"
STATUS_WORDS = "กำลังดำเนินการ"  # the status label of the case below, shown only with access
ASKS_DIGITS = "4 ตัวท้าย"
DOMAIN: dict[str, Any] = {
    "forms": {"case_status_form": {"required_slots": ["case_id", "phone_last4"]}},
    "slots": {},
}


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def runtime(settings: CasesSettings) -> CaseRuntime:
    built = build_case_runtime(settings)
    assert built is not None
    return built


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def lookup(sessions: sessionmaker[Session], runtime: CaseRuntime, clock: Clock) -> CaseLookup:
    return CaseLookup(sessions=sessions, runtime=runtime, clock=clock)


@pytest.fixture
def reference(sessions: sessionmaker[Session], runtime: CaseRuntime, agency_keys: dict[str, str]) -> str:
    """A case filed on LINE by OWNER with the phone 081-234-5678, in progress."""
    with sessions() as session, session.begin():
        case = create_case(
            session,
            "dla",
            NewCase(
                kind="application",
                service_id="id_card_renew",
                contacts=(NewContact("line", sender_id=OWNER, phone="081-234-5678"),),
            ),
            runtime.tools,
            now=T0 - dt.timedelta(days=2),
        )
        change_status(
            session, case, StatusChange(status="in_progress", actor="officer"), now=T0 - dt.timedelta(days=1)
        )
        return case.reference


def tracker_of(runtime: CaseRuntime, sender_id: str, text: str = "", **kwargs: Any) -> Tracker:
    """A web-chat message with the gateway's signed identity: a real citizen, not a REST sender."""
    claim = {"channel": "web", "user_id": sender_id}
    metadata = GatewayIdentity(runtime.settings.privacy).sign(claim)
    return make_tracker(text, channel="web", sender_id=sender_id, metadata=metadata, **kwargs)


def forged_slots(reference: str) -> dict[str, Any]:
    """What a successful look-up by digits used to leave in the conversation."""
    return {"case_id": reference, "phone_last4": reference, "last_case_ref": reference}


async def submit_status(lookup: CaseLookup, tracker: Tracker) -> str:
    dispatcher = CollectingDispatcher()
    await ActionSubmitCaseStatus(lookup).run(dispatcher, tracker, DOMAIN)
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


async def answer_digits(
    lookup: CaseLookup, runtime: CaseRuntime, sender: str, reference: str, digits: str
) -> None:
    """The digits typed while the form asks for them, through the form's validation action."""
    tracker = tracker_of(
        runtime,
        sender,
        digits,
        slots={"case_id": reference},
        active_loop="case_status_form",
        requested_slot="phone_last4",
    )
    await ValidateCaseStatusForm(lookup).run(CollectingDispatcher(), tracker, DOMAIN)


def grants(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(CaseAccessGrant)) or 0)


async def test_slots_set_to_the_reference_without_the_digits_unlock_nothing(
    lookup, runtime, reference, sessions
):
    intruder = "web:intruder-session"
    said = await submit_status(lookup, tracker_of(runtime, intruder, slots=forged_slots(reference)))
    assert STATUS_WORDS not in said and ASKS_DIGITS in said
    # The form itself still wants the digits: the slot does not count as the step done.
    required = await ValidateCaseStatusForm(lookup).required_slots(
        ["case_id", "phone_last4"],
        CollectingDispatcher(),
        tracker_of(runtime, intruder, slots={"case_id": reference}),
        DOMAIN,
    )
    assert required == ["case_id", "phone_last4"]
    # Nor may the forged slots switch the case's updates on for the intruder.
    subscribe = tracker_of(
        runtime,
        intruder,
        slots={**forged_slots(reference), "subscribe_target": reference, "subscribe_consent": True},
    )
    dispatcher = CollectingDispatcher()
    await ActionSubmitSubscribe(lookup).run(dispatcher, subscribe, {})
    assert ASKS_DIGITS in dispatcher.messages[0]["text"]
    with sessions() as session:
        case = session.scalars(select(Case).where(Case.reference == reference)).one()
        assert [c.channel for c in case.contacts] == ["line"]  # no contact added for the intruder
    assert grants(sessions) == 0


async def test_the_right_digits_record_a_grant_for_that_asker_only(
    lookup, runtime, reference, sessions, clock
):
    asker = "web:family-member"
    await answer_digits(lookup, runtime, asker, reference, "1234")  # wrong: no grant
    assert grants(sessions) == 0
    await answer_digits(lookup, runtime, asker, reference, "5678")
    with sessions() as session:
        [grant] = session.scalars(select(CaseAccessGrant)).all()
        # Keyed hash and times only: no digits, no reference, no sender id in clear.
        assert asker not in grant.asker_hash and "5678" not in grant.asker_hash
    # The control: the asker who gave the digits sees the status (slots or not).
    assert STATUS_WORDS in await submit_status(
        lookup, tracker_of(runtime, asker, slots={"case_id": reference})
    )
    # Another signed asker carrying the very same slots is refused.
    other = await submit_status(
        lookup, tracker_of(runtime, "web:someone-else", slots=forged_slots(reference))
    )
    assert STATUS_WORDS not in other and ASKS_DIGITS in other
    # After the grant's time the digits are asked again.
    clock.now = T0 + GRANT_DURATION + dt.timedelta(seconds=1)
    later = await submit_status(lookup, tracker_of(runtime, asker, slots=forged_slots(reference)))
    assert STATUS_WORDS not in later and ASKS_DIGITS in later


async def test_erasing_the_askers_data_ends_their_grants(lookup, runtime, reference, sessions):
    asker = "web:family-member"
    await answer_digits(lookup, runtime, asker, reference, "5678")
    assert grants(sessions) == 1
    with sessions() as session, session.begin():
        erase_contact_data(session, runtime.personal_data, "web", asker)
    assert grants(sessions) == 0
    said = await submit_status(lookup, tracker_of(runtime, asker, slots=forged_slots(reference)))
    assert STATUS_WORDS not in said
    with sessions() as session:  # the owner's contact was not touched
        assert session.scalar(select(func.count()).select_from(CaseContact)) == 1
