"""Issue 14, finding 1 (case side): a case's last-4 code could be brute-forced with 2,000 fresh web
sessions (5 tries each), references were sequential, and "not found" vs "give the 4 digits" told
which cases exist. Replayed through the action server's own look-up (CaseLookup, the code the bot
runs), on SQLite and PostgreSQL:

- 2,000 sessions try all 10,000 codes on one case: only the case's daily budget is ever compared,
  the right code is never found, and the case is closed for the day with "contact the agency";
- the same attack on a reference that names no case gets word for word the same replies;
- parallel tries are counted atomically: no more comparisons than the budget, however interleaved;
- references created one after another do not follow each other.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from actions.case_runtime import CaseRuntime
from actions.case_status import CaseLookup, ValidateCaseStatusForm
from cases.models import LookupBudget
from cases.photos import PhotoStore
from cases.registry import CaseTools, NewCase, NewContact, create_case, find_case_by_reference
from cases.settings import CasesSettings
from cases.verification import PER_ASKER_CASE, PER_CASE
from nlu.case_ref import make_case_ref, parse_case_ref
from privacy import PersonalData

pytestmark = pytest.mark.timeout(600)

SESSIONS = 2_000
PROBE_SESSIONS = 200
RIGHT_CODE = "7391"
T0 = dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.UTC)  # 10:00 in Bangkok


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def lookup(
    sessions: sessionmaker[Session], settings: CasesSettings, agency_keys: dict[str, str], tmp_path: Path
) -> CaseLookup:
    tools = CaseTools(vault=PersonalData(settings.privacy), photos=PhotoStore(tmp_path / "p"))
    return CaseLookup(sessions=sessions, runtime=CaseRuntime(settings=settings, tools=tools), clock=Clock())


def _file_case(lookup: CaseLookup, phone: str) -> str:
    assert lookup.runtime is not None
    with lookup.sessions() as session, session.begin():
        case = create_case(
            session,
            "dla",
            NewCase(
                kind="application",
                service_id="id_card_renew",
                contacts=(NewContact("line", sender_id="line:U" + "1" * 32, phone=phone),),
            ),
            lookup.runtime.tools,
        )
        return case.reference


def _tracker(sender: str, text: str, requested: str = "phone_last4") -> Tracker:
    metadata = {"channel": "web"}
    latest = {"text": text, "intent": {"name": "nlu_fallback"}, "entities": [], "metadata": metadata}
    events = [
        {"event": "user", "text": text, "parse_data": latest, "input_channel": "web", "metadata": metadata}
    ]
    return Tracker(
        sender,
        {"requested_slot": requested, "phone_last4": None, "last_case_ref": None},
        latest,
        events,
        False,
        None,
        {"name": "case_status_form"},
        "action_listen",
    )


async def _try(lookup: CaseLookup, sender: str, reference: str, code: str) -> tuple[bool, str]:
    """One try by one web session, as the form runs it: (unlocked?, what the bot said)."""
    dispatcher = CollectingDispatcher()
    slots = await lookup.verify_last4(dispatcher, _tracker(sender, code), reference)
    said = " ".join(m.get("text") or "" for m in dispatcher.messages)
    if slots.get("phone_last4") == "locked":
        outcome = await lookup.status(_tracker(sender, code), reference)
        said = outcome.reply  # what the submit action then says, by its catalogue key
    return slots.get("phone_last4") == reference, said


async def _attack(lookup: CaseLookup, reference: str, sessions: int = SESSIONS) -> list[str]:
    """Fresh sessions, 5 codes each: 2,000 of them try every code from 0000 to 9999 (the right one
    near the end, as it is for most cases)."""
    codes = [f"{n:04d}" for n in range(10_000) if f"{n:04d}" != RIGHT_CODE] + [RIGHT_CODE]
    said: list[str] = []
    for s in range(sessions):
        sender = f"web:farmed-session-{s:04d}"
        for code in codes[s * 5 : s * 5 + 5]:
            unlocked, reply = await _try(lookup, sender, reference, code)
            assert not unlocked, f"code found after {len(said)} tries"
            said.append(reply)
    return said


async def test_two_thousand_sessions_trying_every_code_learn_nothing(
    lookup: CaseLookup, comparisons: list[int]
) -> None:
    real = _file_case(lookup, "081-555-7391")
    replies_real = await _attack(lookup, real)
    nobody = make_case_ref("AP", 2569, (parse_case_ref(real).serial + 4_321_987) % 9_999_999)  # type: ignore[union-attr]
    replies_none = await _attack(lookup, nobody, sessions=PROBE_SESSIONS)
    counted = Counter(r if "ไม่ตรง" not in r else "wrong" for r in replies_real)
    print(f"finding 1: {len(replies_real)} tries on one case by {SESSIONS} sessions -> {dict(counted)}")
    # Only the day's budget of tries was ever compared (twice: the real case and the unknown one);
    # every other try was refused with "closed for today, contact the agency" without comparing.
    assert len(comparisons) == 2 * PER_CASE.limit
    # The 10th compared try closes the case: the 9 before it said "does not match" (or, the 5th of a
    # session, "this session is locked for 15 minutes").
    assert counted["wrong"] + counted["case_locked"] == PER_CASE.limit - 1
    assert counted["case_lookups_closed"] == len(replies_real) - (PER_CASE.limit - 1)
    # A reference that names no case: the same replies, in the same order (its first 200 sessions;
    # past the day's budget every try is refused alike).
    assert replies_none == replies_real[: len(replies_none)]
    # The owner is not locked out, and the next day a citizen with the right digits gets in.
    lookup.clock.now = T0 + dt.timedelta(days=1)  # type: ignore[attr-defined]
    unlocked, _ = await _try(lookup, "web:the-citizen", real, RIGHT_CODE)
    assert unlocked


async def test_unknown_and_someone_elses_reference_get_the_same_reply(lookup: CaseLookup) -> None:
    real = _file_case(lookup, "081-555-7391")
    unknown = make_case_ref("CM", 2569, 8_765_432)
    answers = []
    for ref in (real, unknown):
        form = ValidateCaseStatusForm(lookup)
        dispatcher = CollectingDispatcher()
        slots = await form.validate_case_id(ref, dispatcher, _tracker("web:probe", ref, "case_id"), {})
        assert slots == {"case_id": ref} and dispatcher.messages == []
        answers.append(await lookup.access_of(_tracker("web:probe", ref), ref))
    assert answers == ["needs_last4", "needs_last4"]


@pytest.fixture
def comparisons(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every comparison of typed digits with a case's phone (cases.verification compares only
    through expected_last4), from any thread."""
    import cases.verification as verification

    seen: list[int] = []
    real = verification.expected_last4

    def counting(case: Any) -> set[str]:
        seen.append(1)  # list.append is atomic under the GIL
        return real(case)

    monkeypatch.setattr(verification, "expected_last4", counting)
    return seen


@pytest.mark.parametrize(("askers", "budget"), [("many", PER_CASE.limit), ("one", PER_ASKER_CASE.limit)])
def test_parallel_tries_are_counted_atomically(
    lookup: CaseLookup, comparisons: list[int], askers: str, budget: int
) -> None:
    """40 tries at once, by 40 askers or by one: never more comparisons than the budget allows,
    however the transactions interleave, and every try is counted."""
    real = _file_case(lookup, "081-555-7391")
    tries = [(f"web:p-{i}" if askers == "many" else "web:p", f"{1000 + i:04d}") for i in range(40)]

    def one(args: tuple[str, str]) -> bool:
        sender, code = args
        return asyncio.run(_try(lookup, sender, real, code))[0]

    with ThreadPoolExecutor(max_workers=20) as pool:
        unlocked = list(pool.map(one, tries))
    assert not any(unlocked)
    assert len(comparisons) == budget
    scope = PER_CASE.scope if askers == "many" else PER_ASKER_CASE.scope
    with lookup.sessions() as session:
        spent = session.scalar(select(func.sum(LookupBudget.spent)).where(LookupBudget.scope == scope))
    assert spent == len(tries)  # refused tries are counted too (only a right answer is given back)


def test_references_do_not_follow_each_other(lookup: CaseLookup) -> None:
    refs = [_file_case(lookup, "081-555-7391") for _ in range(30)]
    serials = [parse_case_ref(r).serial for r in refs]  # type: ignore[union-attr]
    steps = {b - a for a, b in itertools.pairwise(serials)}
    assert len(steps) > 20  # no common step between one reference and the next
    # The references next to a real one are (almost surely) nobody's.
    with lookup.sessions() as session:
        neighbours = [make_case_ref("AP", 2569, s + 1) for s in serials if s < 9_999_999]
        found: list[Any] = [find_case_by_reference(session, n) for n in neighbours]
    assert sum(f is not None for f in found) <= 1
