"""The case status look-up and case updates, driven the way Rasa drives them (validation action with
the slot candidates of the turn, then the ask or submit action), on SQLite and on PostgreSQL.

`Chat` plays Rasa's part: from_entity / from_text slot filling, the form's next slot, and applying
the events the actions return; so each test reads as a conversation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import smsutil
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from actions.case_runtime import CaseRuntime
from actions.case_status import (
    ActionAskCaseId,
    ActionAskPhoneLast4,
    ActionSubmitCaseStatus,
    CaseLookup,
    ValidateCaseStatusForm,
)
from actions.form_ask import AskSlotAction
from actions.subscriptions import (
    ActionSubmitSubscribe,
    ActionUnsubscribeUpdates,
    ValidateSubscribeForm,
    consent_values,
)
from cases.models import Case, CaseContact, Consent, NotificationOptOut
from cases.registry import (
    NewCase,
    NewComplaint,
    NewConsent,
    NewContact,
    StatusChange,
    change_status,
    create_case,
    opt_out,
)
from cases.settings import CasesSettings
from db.engine import make_engine, make_sessionmaker
from nlu.case_ref import make_case_ref
from privacy import PrivacySettings
from privacy.identity import GatewayIdentity
from tests.actions.conftest import runtime_for
from tests.databases import throwaway_database

T0 = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)  # 10:00 in Bangkok
LINE_OWNER = "line:U4af4980629a1b2c3d4e5f60718293a4b"
SMS_NUMBER = "+66897654321"
SMS_SENDER = "sms:" + "c" * 32
UNKNOWN_REF = make_case_ref("CM", 2569, 7654321)
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
CASE_TABLES = (
    "case_access_grants",
    "lookup_budgets",
    "notification_optouts",
    "cases",
    "case_counters",
    "agencies",
)
DOMAIN: dict[str, Any] = {
    "forms": {
        "case_status_form": {"required_slots": ["case_id", "phone_last4"]},
        "subscribe_form": {"required_slots": ["subscribe_target", "phone_last4", "subscribe_consent"]},
    },
    "slots": {},
}
LEAVE = {"deny", "greet", "request_human"}


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with throwaway_database(request.param, tmp_path_factory.mktemp("lookup-db"), "lookup") as url:
        eng = make_engine(url)
        yield eng
        eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    with engine.begin() as conn:
        for table in CASE_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(
            text("INSERT INTO agencies (id, name, created_at) VALUES ('dla', 'x', :t), ('bma', 'y', :t)"),
            {"t": T0},
        )
    return make_sessionmaker(engine)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def runtime(tmp_path: Path) -> CaseRuntime:
    settings = CasesSettings(
        database_url="unused", privacy=PrivacySettings.generate(), photo_dir=tmp_path / "p"
    )
    return runtime_for(settings)


@pytest.fixture
def lookup(sessions: sessionmaker[Session], runtime: CaseRuntime, clock: Clock) -> CaseLookup:
    return CaseLookup(sessions=sessions, runtime=runtime, clock=clock)


@pytest.fixture
def cases(sessions: sessionmaker[Session], runtime: CaseRuntime) -> dict[str, str]:
    """A: dla application filed on LINE with a phone (…5678), in progress with a due date.
    B: bma complaint filed by SMS from SMS_NUMBER. C: dla case filed on web chat, no phone.
    D: a second case of the LINE owner."""
    tools = runtime.tools
    with sessions() as session, session.begin():
        a = create_case(
            session,
            "dla",
            NewCase(
                kind="application",
                service_id="id_card_renew",
                contacts=(NewContact("line", sender_id=LINE_OWNER, phone="081-234-5678"),),
            ),
            tools,
            now=T0 - dt.timedelta(days=3),
        )
        change_status(
            session,
            a,
            StatusChange(
                status="in_progress",
                actor="officer-17",
                public_note="ตรวจเอกสารแล้ว",
                next_step="นัดรับบัตรที่สำนักงานเขต",
                next_step_due=dt.date(2026, 12, 5),
            ),
            now=T0 - dt.timedelta(days=1),
        )
        b = create_case(
            session,
            "bma",
            NewCase(
                kind="complaint",
                service_id="street_light",
                contacts=(NewContact("sms", phone=SMS_NUMBER, notify=True),),
                consent=NewConsent("ยินยอมให้ติดต่อกลับ", T0 - dt.timedelta(days=2)),
                complaint=NewComplaint(
                    category="ไฟฟ้าส่องสว่าง",
                    description="ไฟถนนดับทั้งซอยมา 3 คืนแล้ว",
                    address="ซอยลับมาก 99 เขตพระนคร",
                ),
            ),
            tools,
            now=T0 - dt.timedelta(days=2),
        )
        c = create_case(
            session,
            "dla",
            NewCase(
                kind="application", service_id="x", contacts=(NewContact("web", sender_id="web:owner-c"),)
            ),
            tools,
            now=T0 - dt.timedelta(days=1),
        )
        d = create_case(
            session,
            "dla",
            NewCase(kind="application", service_id="y", contacts=(NewContact("line", sender_id=LINE_OWNER),)),
            tools,
            now=T0,
        )
        return {"A": a.reference, "B": b.reference, "C": c.reference, "D": d.reference}


class Chat:
    """One citizen's conversation, with Rasa's part played in Python."""

    def __init__(self, lookup: CaseLookup, sender_id: str, channel: str, sealed: str | None = None) -> None:
        self.lookup = lookup
        self.sender_id = sender_id
        self.channel = channel
        claim = {"channel": channel, "user_id": sender_id, **({"extra": {"n": sealed}} if sealed else {})}
        # Signed as the gateway signs it: the actions believe no unsigned channel identity.
        runtime = lookup.runtime
        self.metadata: dict[str, Any] = (
            GatewayIdentity(runtime.settings.privacy).sign(claim) if runtime else claim
        )
        self.slots: dict[str, Any] = {
            "requested_slot": None,
            "case_id": None,
            "phone_last4": None,
            "last_case_ref": None,
            "subscribe_target": None,
            "subscribe_consent": None,
        }
        self.active_loop: str | None = None
        self.messages: list[dict[str, Any]] = []
        self.all_events: list[dict[str, Any]] = []

    def _tracker(
        self, text: str, intent: str, entities: list[dict[str, Any]], candidates: dict[str, Any]
    ) -> Tracker:
        latest = {
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": entities,
            "metadata": self.metadata,
        }
        events = [
            {
                "event": "user",
                "text": text,
                "parse_data": latest,
                "input_channel": self.channel,
                "metadata": self.metadata,
            },
            *({"event": "slot", "name": k, "value": v} for k, v in candidates.items()),
        ]
        return Tracker(
            self.sender_id,
            {**self.slots, **candidates},
            latest,
            events,
            False,
            None,
            {"name": self.active_loop} if self.active_loop else {},
            "action_listen",
        )

    async def _run(self, action: Action, tracker: Tracker) -> list[dict[str, Any]]:
        dispatcher = CollectingDispatcher()
        events = await action.run(dispatcher, tracker, DOMAIN)
        self.messages = dispatcher.messages
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        self.all_events.extend(events)
        return events

    async def say(
        self, text: str, intent: str = "nlu_fallback", case_id: str | None = None
    ) -> list[dict[str, Any]]:
        """One user turn; returns everything the bot said in it."""
        entities = [{"entity": "case_id", "value": case_id}] if case_id else []
        candidates: dict[str, Any] = {}
        if case_id:
            candidates["case_id"] = case_id
        form = {"check_case_status": "case_status_form", "subscribe_updates": "subscribe_form"}.get(intent)
        if self.active_loop is None and intent == "unsubscribe_updates":
            await self._run(
                ActionUnsubscribeUpdates(self.lookup), self._tracker(text, intent, entities, candidates)
            )
            return self.messages
        if self.active_loop is None and form is not None:
            self.active_loop = form
            self.slots["requested_slot"] = None
        elif self.active_loop is None:
            raise AssertionError("no form to talk to")
        elif intent in LEAVE:
            self.active_loop = None
            self.slots.update({k: None for k in self.slots if k not in ("last_case_ref",)})
            return []
        if (
            self.active_loop == "case_status_form"
            and self.slots["requested_slot"] == "case_id"
            and not case_id
        ):
            candidates["case_id"] = text  # from_text mapping
        tracker = self._tracker(text, intent, entities, candidates)
        validator = (
            ValidateCaseStatusForm if self.active_loop == "case_status_form" else ValidateSubscribeForm
        )(self.lookup)
        events = await self._run(validator, tracker)
        said = list(self.messages)
        required = DOMAIN["forms"][self.active_loop]["required_slots"]
        requested = [e["value"] for e in events if e.get("event") == "slot" and e["name"] == "requested_slot"]
        if requested:
            next_slot = requested[-1]
        else:
            next_slot = next((s for s in required if self.slots.get(s) is None), None)
        self.slots["requested_slot"] = next_slot
        after = self._tracker(text, intent, entities, {})
        if next_slot is None:
            submit = (
                ActionSubmitCaseStatus if self.active_loop == "case_status_form" else ActionSubmitSubscribe
            )
            self.active_loop = None
            await self._run(submit(self.lookup), after)
        elif next_slot == "subscribe_consent":
            await self._run(AskSlotAction("subscribe_consent", values=consent_values), after)
        elif next_slot == "case_id":
            await self._run(ActionAskCaseId(self.lookup), after)
        elif next_slot == "phone_last4":
            await self._run(ActionAskPhoneLast4(), after)
        else:
            await self._run(AskSlotAction(next_slot), after)
        return said + self.messages


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def payloads(messages: list[dict[str, Any]]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def _contacts(sessions: sessionmaker[Session], reference: str) -> list[CaseContact]:
    with sessions() as session:
        case = session.scalars(select(Case).where(Case.reference == reference)).one()
        return list(case.contacts)


async def test_the_account_that_filed_the_case_gets_the_status_at_once(lookup, cases):
    chat = Chat(lookup, LINE_OWNER, "line")
    # No reference given: the account's own cases, newest first, each a button.
    mine = await chat.say("อยากติดตามเรื่อง", intent="check_case_status")
    assert chat.active_loop is None and "บัญชี LINE นี้" in texts(mine)
    listed = texts(mine).split("\n")
    assert [line.split()[1] for line in listed if line.startswith("•")] == [cases["D"], cases["A"]]
    assert f"• {cases['A']} คำขอ: กำลังดำเนินการ (ยื่น 22 พ.ย. 2569)" in listed
    assert payloads(mine)[:2] == [
        f'/check_case_status{{"case_id":"{ref}"}}' for ref in (cases["D"], cases["A"])
    ]
    for other in (cases["B"], cases["C"]):
        assert other not in texts(mine)
    answer = await chat.say(f"เรื่อง {cases['A'].lower()} ถึงไหนแล้วคะ", "check_case_status", cases["A"].lower())
    [message] = answer
    lines = message["text"].split("\n")
    assert lines == [
        f"เรื่อง {cases['A']}: กำลังดำเนินการค่ะ",
        "ขั้นต่อไป: นัดรับบัตรที่สำนักงานเขต",
        "ภายใน 5 ธ.ค. 2569",
    ]
    assert payloads(answer) == [f'/subscribe_updates{{"case_id":"{cases["A"]}"}}', "/request_human"]
    assert chat.slots["case_id"] is None and chat.slots["last_case_ref"] == cases["A"]


async def test_another_account_gives_the_last_four_digits_in_thai_digits(lookup, cases, sessions):
    chat = Chat(lookup, "web:stranger", "web")
    ref_typed = f"{cases['A'][:4]}\u200b{cases['A'][4:]}".translate(THAI_DIGITS)
    asked = await chat.say(ref_typed, intent="check_case_status", case_id=ref_typed)
    assert chat.slots["case_id"] == cases["A"]
    assert chat.slots["requested_slot"] == "phone_last4" and "4 ตัวท้าย" in texts(asked)
    assert "กำลังดำเนินการ" not in texts(asked)  # nothing about the case before proof
    answer = await chat.say("๕๖๗๘")
    assert "กำลังดำเนินการ" in texts(answer) and cases["A"] in texts(answer)
    # The digits were never set into a slot, said back, or stored.
    assert all("5678" not in str(e.get("value")) for e in chat.all_events)
    assert "5678" not in texts(answer) and "๕๖๗๘" not in texts(answer)
    with sessions() as session:
        # A right answer gives its counts back: nothing is left spent in any budget.
        assert session.execute(text("SELECT COALESCE(SUM(spent), 0) FROM lookup_budgets")).scalar_one() == 0


async def test_five_wrong_tries_lock_the_case_for_that_asker_only(lookup, cases, clock):
    guesser = Chat(lookup, "web:guesser", "web")
    await guesser.say(cases["A"], intent="check_case_status", case_id=cases["A"])
    for left in (4, 3, 2, 1):
        said = await guesser.say("1111")
        assert f"ลองได้อีก {left} ครั้ง" in texts(said) and guesser.slots["requested_slot"] == "phone_last4"
    locked = await guesser.say("1111")
    assert guesser.active_loop is None
    assert "10:15" in texts(locked) and "กำลังดำเนินการ" not in texts(locked)  # 10:00 + 15 min, Bangkok
    assert "/request_human" in payloads(locked)
    # Ten minutes later the right digits are not even asked for.
    clock.now = T0 + dt.timedelta(minutes=10)
    again = await guesser.say(cases["A"], intent="check_case_status", case_id=cases["A"])
    assert guesser.active_loop is None and "พักการตรวจสอบ" in texts(again)
    # Another asker is not locked.
    other = Chat(lookup, "web:other", "web")
    await other.say(cases["A"], intent="check_case_status", case_id=cases["A"])
    assert other.slots["requested_slot"] == "phone_last4"
    assert "กำลังดำเนินการ" in texts(await other.say("5678"))
    # After the 15 minutes the guesser may try again.
    clock.now = T0 + dt.timedelta(minutes=16)
    await guesser.say(cases["A"], intent="check_case_status", case_id=cases["A"])
    assert "กำลังดำเนินการ" in texts(await guesser.say("เบอร์ 081 234 5678 ค่ะ"))


async def test_not_four_digits_is_asked_again_without_counting(lookup, cases):
    chat = Chat(lookup, "web:stranger", "web")
    await chat.say(cases["A"], intent="check_case_status", case_id=cases["A"])
    for _ in range(6):
        said = await chat.say("จำไม่ได้ค่ะ")
        assert "ตัวเลข 4 หลัก" in texts(said) and chat.slots["requested_slot"] == "phone_last4"
    assert "ลองได้อีก 4 ครั้ง" in texts(await chat.say("0000"))


async def test_an_unknown_reference_is_asked_for_its_digits_like_a_real_one(lookup, cases):
    """Issue 14, finding 1: no "not found" that would tell a guesser which references exist."""
    said: dict[str, list[str]] = {}
    for label, ref in (("real", cases["A"]), ("unknown", UNKNOWN_REF), ("no phone", cases["C"])):
        chat = Chat(lookup, f"web:probe-{label}", "web")
        turns = [await chat.say(ref, intent="check_case_status", case_id=ref)]
        turns += [await chat.say("1111") for _ in range(5)]
        said[label] = [texts(turn).replace(ref, "REF") for turn in turns]
        assert chat.active_loop is None  # locked out after the fifth
    assert said["real"] == said["unknown"] == said["no phone"]
    assert "4 ตัวท้าย" in said["real"][0] and "ลองได้อีก 4 ครั้ง" in said["real"][1]


async def test_bad_check_and_not_a_reference_say_what_is_wrong_revealing_nothing(lookup, cases):
    """A number that cannot be a case's is answered with what is wrong and where the right one is,
    and the look-up ends (the next message is not taken for a reference); text that is no try at a
    number is asked again."""
    typo = cases["A"][:-1] + ("0" if cases["A"][-1] != "0" else "1")
    expected = {
        typo: "ตัวตรวจสอบไม่ตรง",
        "เลข XY12-3456 ค่ะ": "ต้องขึ้นต้นด้วยอักษร CM หรือ AP",
        "CM-69-0001": "มีตัวเลข 6 หลัก แต่ต้องมี 10 หลัก",
        "6912345675": "ต้องขึ้นต้นด้วยอักษร CM หรือ AP",
    }
    for typed, problem in expected.items():
        chat = Chat(lookup, "web:someone", "web")
        asked = await chat.say("ติดตามเรื่อง", intent="check_case_status")
        assert "CM69-1234-5675" in texts(asked) and "จำเลขไม่ได้" in texts(asked)
        unclear = await chat.say("ไม่แน่ใจค่ะ")
        assert "CM69-1234-5675" in texts(unclear) and chat.slots["requested_slot"] == "case_id"
        answer = texts(await chat.say(typed))
        assert problem in answer and "ข้อความยืนยัน" in answer, typed
        assert chat.active_loop is None and chat.slots["case_id"] is None
        for secret in ("กำลังดำเนินการ", "dla", "bma", "ได้รับเรื่องแล้ว", cases["A"], cases["B"]):
            assert secret not in answer
    # In the first message: answered the same way at once, the look-up not left open.
    for first, problem in (("ขอเช็คเรื่องที่แจ้ง CM6900012", "7 หลัก"), ("เรื่อง cm69-12-3 ถึงไหนแล้วคะ", "5 หลัก")):
        chat = Chat(lookup, "web:someone-else", "web")
        answer = texts(await chat.say(first, intent="check_case_status"))
        assert problem in answer and "CM69-1234-5675" in answer and chat.active_loop is None
    # An upset message with a mistyped number: the apology comes first, the words never echoed.
    chat = Chat(lookup, "web:upset", "web")
    said = await chat.say(
        f"เรื่อง {typo.replace('-', ' ')} ผ่านมา2เดือนยังไม่มีอะไรคืบหน้า แย่มาก", "check_case_status", typo
    )
    assert said[0]["text"].startswith("ขออภัย") and "ตัวตรวจสอบไม่ตรง" in texts(said)
    assert "แย่มาก" not in texts(said) and chat.active_loop is None


async def test_another_agencys_case_shows_public_fields_only(lookup, cases, runtime):
    sealed = runtime.personal_data.seal(SMS_NUMBER)
    chat = Chat(lookup, SMS_SENDER, "sms", sealed=sealed)
    answer = await chat.say(cases["B"], intent="check_case_status", case_id=cases["B"])
    [message] = answer
    assert message["text"].startswith(f"{cases['B']} ได้รับเรื่องแล้วค่ะ")  # SMS: one short line
    assert "\n" not in message["text"] and len(smsutil.split(message["text"]).parts) <= 2
    for private in ("bma", "ซอยลับ", "ไฟถนนดับ", "ไฟฟ้าส่องสว่าง", "street_light", "4321"):
        assert private not in message["text"]


async def test_case_without_a_phone_is_answered_only_to_the_filing_account(lookup, cases):
    chat = Chat(lookup, "web:stranger", "web")
    answer = await chat.say(cases["C"], intent="check_case_status", case_id=cases["C"])
    assert chat.slots["requested_slot"] == "phone_last4" and "บัญชีที่ใช้ยื่นเรื่อง" in texts(answer)
    assert "/request_human" in payloads(answer) and "ได้รับเรื่องแล้ว" not in texts(answer)
    assert "ได้รับเรื่องแล้ว" not in texts(await chat.say("0000"))
    owner = Chat(lookup, "web:owner-c", "web")
    assert "ได้รับเรื่องแล้ว" in texts(await owner.say(cases["C"], intent="check_case_status", case_id=cases["C"]))


async def test_without_the_case_runtime_the_bot_says_so_politely(sessions, cases):
    chat = Chat(CaseLookup(sessions=sessions, runtime=None), LINE_OWNER, "line")
    answer = await chat.say("ติดตามเรื่อง", intent="check_case_status")
    assert chat.active_loop is None and "ยังไม่เปิดใช้" in texts(answer)
    assert payloads(answer)[0] == "/request_human"
    assert "ยังไม่เปิดใช้" in texts(await chat.say("สมัครแจ้งเตือน", intent="subscribe_updates"))
    assert "ยังไม่เปิดใช้" in texts(await chat.say("ยกเลิกแจ้งเตือน", intent="unsubscribe_updates"))


async def test_subscribe_the_case_just_looked_up_records_consent_as_shown(lookup, cases, sessions, clock):
    chat = Chat(lookup, LINE_OWNER, "line")
    await chat.say(cases["A"], intent="check_case_status", case_id=cases["A"])
    asked = await chat.say("แจ้งเตือนด้วย", intent="subscribe_updates")  # no reference: the one just answered
    [question] = asked
    assert cases["A"] in question["text"] and "LINE" in question["text"]
    assert payloads(asked) == ["/affirm", "/deny"]
    clock.now = T0 + dt.timedelta(minutes=1)
    done = await chat.say("/affirm", intent="affirm")
    assert "เปิดการแจ้งความคืบหน้าแล้ว" in texts(done) and cases["A"] in texts(done)
    [contact] = [c for c in _contacts(sessions, cases["A"]) if c.channel == "line"]
    assert contact.notify is True and contact.opted_out_at is None
    with sessions() as session:
        case = session.scalars(select(Case).where(Case.reference == cases["A"])).one()
        [consent] = session.scalars(select(Consent).where(Consent.case_id == case.id)).all()
        assert consent.purpose == "case_updates" and consent.wording == question["text"]
        assert consent.given_at.replace(tzinfo=dt.UTC) == clock.now
    assert chat.slots["subscribe_consent"] is None and chat.slots["subscribe_target"] is None


async def test_subscribe_all_my_cases(lookup, cases, sessions):
    chat = Chat(lookup, LINE_OWNER, "line")
    asked = await chat.say("สมัครรับแจ้งเตือน", intent="subscribe_updates")
    assert chat.slots["requested_slot"] == "subscribe_target" and "ทุกเรื่องของฉัน" in payloads(asked)
    question = await chat.say("ทุกเรื่องของฉัน")
    assert "ทุกเรื่องของท่าน" in texts(question)
    done = texts(await chat.say("ยินยอม", intent="affirm"))
    assert cases["A"] in done and cases["D"] in done and cases["B"] not in done
    for ref in (cases["A"], cases["D"]):
        assert any(c.notify for c in _contacts(sessions, ref))
    assert not any(c.notify for c in _contacts(sessions, cases["C"]))


async def test_subscribe_all_with_no_cases_says_so(lookup, cases):
    chat = Chat(lookup, "web:nobody", "web")
    said = await chat.say("สมัครรับแจ้งเตือนทุกเรื่อง", intent="subscribe_updates")
    assert "ไม่พบเรื่องที่ยื่นจากบัญชีนี้" in texts(said)
    assert chat.slots["requested_slot"] == "subscribe_target"  # asks which case instead


async def test_subscribing_someone_elses_case_needs_the_digits_then_consent(lookup, cases, sessions):
    chat = Chat(lookup, "web:relative", "web")
    asked = await chat.say("แจ้งเตือนเรื่องนี้ด้วย", intent="subscribe_updates", case_id=cases["A"])
    assert chat.slots["requested_slot"] == "phone_last4" and "4 ตัวท้าย" in texts(asked)
    question = await chat.say("5678")
    assert chat.slots["requested_slot"] == "subscribe_consent" and cases["A"] in texts(question)
    await chat.say("/affirm", intent="affirm")
    [contact] = [c for c in _contacts(sessions, cases["A"]) if c.channel == "web"]
    assert contact.notify is True and contact.phone_hash is None


async def test_consent_declined_or_left_over_switches_nothing_on(lookup, cases, sessions):
    chat = Chat(lookup, LINE_OWNER, "line")
    await chat.say("แจ้งเตือน", intent="subscribe_updates", case_id=cases["D"])
    assert chat.slots["requested_slot"] == "subscribe_consent"
    assert await chat.say("/deny", intent="deny") == [] and chat.active_loop is None
    # A consent left in the slots by an abandoned conversation is wiped, and asked again.
    chat.slots["subscribe_consent"] = True
    await chat.say("แจ้งเตือน", intent="subscribe_updates", case_id=cases["D"])
    assert chat.slots["subscribe_consent"] is None and chat.slots["requested_slot"] == "subscribe_consent"
    said = await chat.say("อะไรนะ")
    assert "กด “ยินยอม”" in texts(said)
    assert not any(c.notify for c in _contacts(sessions, cases["D"]))


async def test_sms_subscription_keeps_the_number_and_lifts_an_old_stop(lookup, cases, sessions, runtime):
    with sessions() as session, session.begin():
        opt_out(session, runtime.tools.vault, "sms", SMS_NUMBER)
    sealed = runtime.personal_data.seal(SMS_NUMBER)
    chat = Chat(lookup, SMS_SENDER, "sms", sealed=sealed)
    question = await chat.say("สมัครแจ้งเตือน", intent="subscribe_updates", case_id=cases["B"])
    assert "SMS" in texts(question)
    await chat.say("1", intent="affirm")
    [contact] = _contacts(sessions, cases["B"])
    assert contact.notify is True and contact.opted_out_at is None and contact.phone_enc is not None
    assert runtime.tools.vault.open(contact.phone_enc) == SMS_NUMBER
    with sessions() as session:
        assert session.scalars(select(NotificationOptOut)).all() == []


async def test_sms_without_the_sealed_number_cannot_subscribe(lookup, cases, sessions, runtime):
    with sessions() as session, session.begin():
        contact = NewContact("sms", sender_id=SMS_SENDER, phone=SMS_NUMBER)
        ref = create_case(
            session, "dla", NewCase(kind="application", service_id="z", contacts=(contact,)), runtime.tools
        ).reference
    chat = Chat(lookup, SMS_SENDER, "sms")  # the gateway's sealed number is missing
    await chat.say("สมัคร", intent="subscribe_updates", case_id=ref)
    said = await chat.say("1", intent="affirm")
    assert "ตั้งแจ้งเตือนทาง SMS ไม่ได้" in texts(said)
    assert not any(c.notify for c in _contacts(sessions, ref))


async def test_a_case_without_a_phone_cannot_be_subscribed_by_someone_else(lookup, cases, sessions):
    chat = Chat(lookup, "web:stranger", "web")
    said = await chat.say("สมัคร", intent="subscribe_updates", case_id=cases["C"])
    assert chat.slots["requested_slot"] == "phone_last4" and "4 ตัวท้าย" in texts(said)
    for _ in range(5):
        said = await chat.say("0000")
    assert chat.active_loop is None and "พักการตรวจสอบ" in texts(said)
    assert len(_contacts(sessions, cases["C"])) == 1


async def test_unsubscribe_one_all_and_nothing(lookup, cases, sessions):
    chat = Chat(lookup, LINE_OWNER, "line")
    await chat.say("ทั้งหมด", intent="subscribe_updates")
    await chat.say("/affirm", intent="affirm")
    assert all(any(c.notify for c in _contacts(sessions, cases[k])) for k in "AD")
    which = await chat.say("ยกเลิกแจ้งเตือน", intent="unsubscribe_updates")
    assert "หลายเรื่อง" in texts(which)
    assert f'/unsubscribe_updates{{"case_id":"{cases["A"]}"}}' in payloads(which)
    one = await chat.say("ยกเลิก", intent="unsubscribe_updates", case_id=cases["A"])
    assert "ปิดการแจ้งความคืบหน้าแล้ว" in texts(one) and cases["A"] in texts(one)
    assert not any(c.notify for c in _contacts(sessions, cases["A"]))
    assert any(c.notify for c in _contacts(sessions, cases["D"]))
    rest = await chat.say("ยกเลิกแจ้งเตือนทุกเรื่อง", intent="unsubscribe_updates")
    assert cases["D"] in texts(rest)
    assert "ไม่มีการแจ้งความคืบหน้า" in texts(await chat.say("ยกเลิกแจ้งเตือน", intent="unsubscribe_updates"))
    with sessions() as session:
        assert session.scalars(select(NotificationOptOut)).all() == []  # not a global opt-out


async def test_a_bare_cancel_never_turns_updates_off(lookup, cases, sessions):
    """Live (SMS): "ยกเลิก" after the citizen's own cases were listed had switched off their updates;
    nothing was running to cancel, and the way to stop updates is said instead."""
    chat = Chat(lookup, LINE_OWNER, "line")
    await chat.say("ทั้งหมด", intent="subscribe_updates")
    await chat.say("/affirm", intent="affirm")
    chat.slots["last_case_ref"] = cases["A"]
    said = texts(await chat.say("ยกเลิก", intent="unsubscribe_updates"))
    assert "ยกเลิกแจ้งเตือน" in said and "ปิดการแจ้งความคืบหน้าแล้ว" not in said
    assert any(c.notify for c in _contacts(sessions, cases["A"]))


async def test_unsubscribing_a_case_of_someone_else_reads_like_an_unknown_one(lookup, cases, sessions):
    chat = Chat(lookup, "web:stranger", "web")
    other = texts(await chat.say("ยกเลิก", intent="unsubscribe_updates", case_id=cases["B"]))
    unknown = texts(await chat.say("ยกเลิก", intent="unsubscribe_updates", case_id=UNKNOWN_REF))
    assert other.replace(cases["B"], "X") == unknown.replace(UNKNOWN_REF, "X")
    assert any(c.notify for c in _contacts(sessions, cases["B"]))


@pytest.mark.parametrize("intent", ["deny", "greet", "request_human"])
async def test_leaving_intents_are_left_to_the_rules(lookup, cases, intent):
    """A loop is predicted before any rule, so the validation action must fill nothing for these:
    Rasa then rejects the form and the rule (cancel, menu, person) runs."""
    for validator, slot in (
        (ValidateSubscribeForm(lookup), "subscribe_consent"),
        (ValidateCaseStatusForm(lookup), "phone_last4"),
    ):
        chat = Chat(lookup, "web:stranger", "web")
        chat.slots.update({"requested_slot": slot, "case_id": cases["A"], "subscribe_target": cases["A"]})
        chat.active_loop = "subscribe_form" if slot == "subscribe_consent" else "case_status_form"
        events = await chat._run(validator, chat._tracker("/" + intent, intent, [], {}))
        assert [e for e in events if e["name"] not in ("requested_slot",) and e["value"] is not None] == []
        assert not [e for e in events if e["name"] in ("subscribe_consent", "phone_last4")]
        assert chat.messages == []


RUDE = "มึงตอบช้า… เรื่องที่กูร้องเรียนไปไม่เห็นมีใครมาทำ"


async def test_forgot_the_number_lists_the_accounts_own_cases(lookup, cases, runtime):
    owner = Chat(lookup, LINE_OWNER, "line")
    said = await owner.say("จำเลขไม่ได้แล้ว", intent="check_case_status")
    assert owner.active_loop is None and "เรื่องที่ยื่นจากบัญชี LINE นี้" in texts(said)
    assert cases["A"] in texts(said) and cases["D"] in texts(said)
    assert cases["B"] not in texts(said) and cases["C"] not in texts(said)
    # On SMS: the cases filed from that number, the number itself masked.
    texted = Chat(lookup, SMS_SENDER, "sms", sealed=runtime.personal_data.seal(SMS_NUMBER))
    [message] = await texted.say("ลืมเลขที่เรื่องค่ะ", intent="check_case_status")
    assert message["text"].startswith(f"เรื่องของเบอร์นี้: {cases['B']} ได้รับเรื่องแล้ว")
    assert "4321" not in message["text"] and "0897654321" not in message["text"]
    assert len(smsutil.split(message["text"]).parts) <= 2
    # Web chat: the case filed from this very chat.
    web = Chat(lookup, "web:owner-c", "web")
    assert cases["C"] in texts(await web.say("จำเลขไม่ได้", intent="check_case_status"))


async def test_forgot_the_number_on_an_account_with_no_cases_says_where_to_find_it(lookup, cases):
    chat = Chat(lookup, "web:nobody", "web")
    said = await chat.say("จำเลขไม่ได้แล้ว", intent="check_case_status")
    assert "ไม่พบเรื่องที่ยื่นจากแชตนี้" in texts(said) and "ข้อความยืนยัน" in texts(said)
    # Nothing left to ask: the look-up ends (whatever comes next is not taken for a reference).
    assert "1111" in texts(said) and chat.active_loop is None and chat.slots["case_id"] is None
    # Asked for the number first and then saying so: the same help, never "this is not a reference".
    await chat.say("ติดตามเรื่อง", intent="check_case_status")
    again = await chat.say("ลืมเลขค่ะ")
    assert "ข้อความยืนยัน" in texts(again) and "ไม่ใช่เลขที่เรื่อง" not in texts(again)
    assert chat.active_loop is None
    # And when the number is found, it is answered as usual (here: the digits are asked).
    await chat.say(cases["A"], intent="check_case_status", case_id=cases["A"])
    assert chat.slots["requested_slot"] == "phone_last4"


async def test_an_upset_citizen_gets_an_apology_and_their_own_cases_never_their_words(lookup, cases):
    chat = Chat(lookup, LINE_OWNER, "line")
    said = await chat.say(RUDE, intent="check_case_status")
    assert said[0]["text"].startswith("ขออภัยที่ทำให้รอนาน")
    assert "กำลังดำเนินการ" in texts(said) and cases["A"] in texts(said)
    for word in ("มึง", "กู", "ตอบช้า", "ไม่เห็นมีใคร"):
        assert word not in texts(said)
    assert not [p for p in payloads(said) if "file_complaint" in p]  # no new complaint offered
    # With the reference in the message: the apology, then that case's status.
    named = Chat(lookup, LINE_OWNER, "line")
    said = await named.say(f"{cases['A']} มึงช้ามาก", intent="check_case_status", case_id=cases["A"])
    assert said[0]["text"].startswith("ขออภัย") and said[1]["text"].startswith(f"เรื่อง {cases['A']}: ")


async def test_an_upset_citizen_with_no_cases_here_gets_an_apology_and_the_question(lookup, cases):
    chat = Chat(lookup, "web:nobody", "web")
    said = await chat.say(RUDE, intent="check_case_status")
    assert said[0]["text"].startswith("ขออภัยที่ทำให้รอนาน") and "ขอเลขที่เรื่อง" in said[1]["text"]
    assert chat.slots["requested_slot"] == "case_id" and "มึง" not in texts(said)


@pytest.mark.parametrize("said_first", ["แจ้งไปตั้งนานแล้วทำไมยังไม่มาซ่อม", "แจ้งไฟดับไปเป็นเดือนแล้ว ยังไม่มีใครมาดู"])
async def test_an_earlier_complaint_not_dealt_with_gets_an_apology_even_without_rude_words(
    lookup, cases, said_first
):
    """Issue 11: the NLU may send it here rather than to the complaint form; still an apology first,
    then the account's own cases (or, with none, the question for the number)."""
    owner = Chat(lookup, LINE_OWNER, "line")
    said = await owner.say(said_first, intent="check_case_status")
    assert said[0]["text"].startswith("ขออภัย") and cases["A"] in texts(said)
    nobody = Chat(lookup, "web:nobody-earlier", "web")
    said = await nobody.say(said_first, intent="check_case_status")
    assert said[0]["text"].startswith("ขออภัย") and "ขอเลขที่เรื่อง" in said[1]["text"]


async def test_sms_lists_two_cases_within_two_segments(lookup, cases, runtime, sessions):
    with sessions() as session, session.begin():
        for _ in range(3):
            create_case(
                session,
                "bma",
                NewCase(kind="application", service_id="z", contacts=(NewContact("sms", phone=SMS_NUMBER),)),
                runtime.tools,
            )
    texted = Chat(lookup, SMS_SENDER, "sms", sealed=runtime.personal_data.seal(SMS_NUMBER))
    [message] = await texted.say("จำเลขไม่ได้", intent="check_case_status")
    assert message["text"].count("ได้รับเรื่องแล้ว") == 2
    assert len(smsutil.split(message["text"]).parts) <= 2


async def test_impatience_instead_of_the_digits_leaves_the_look_up_with_an_apology(lookup, cases):
    """dev3 d3k026: "แล้วจะให้รอถึงเมื่อไหร่" at the last-4 question is not asked the digits again: the
    look-up ends with an apology, why the case's timing needs the digits, and the ways on (track,
    an officer); never "digits please"; nothing is counted."""
    chat = Chat(lookup, "web:impatient", "web")
    await chat.say(cases["A"], intent="check_case_status", case_id=cases["A"])
    assert chat.slots["requested_slot"] == "phone_last4"
    said = await chat.say("แล้วจะให้รอถึงเมื่อไหร่")
    assert "ขอเป็นตัวเลข 4 หลัก" not in texts(said)
    assert texts(said).startswith("ขออภัย") and "4 ตัวท้าย" in texts(said)
    assert chat.active_loop is None and chat.slots["requested_slot"] is None
    titles = [b["title"] for m in said for b in m.get("buttons") or []]
    assert "ติดตามเรื่อง" in titles and "คุยกับเจ้าหน้าที่" in titles


@pytest.mark.parametrize("remark", ["ไร้สาระจริงๆ จ่ายภาษีไปทำไมเนี่ย", "ห่วยแตก ระบบอะไรเนี่ย"])
async def test_an_angry_remark_instead_of_the_digits_gets_an_apology_and_the_same_question(
    lookup, cases, remark
):
    """dev8 c031: an angry remark with no question of time at the last-4 question: an apology (the
    words never said back) and the digits asked again; nothing is counted, the look-up goes on."""
    chat = Chat(lookup, "web:angry-remark", "web")
    await chat.say(cases["A"], intent="check_case_status", case_id=cases["A"])
    said = await chat.say(remark)
    assert texts(said).startswith("ขออภัย") and "4 ตัวท้าย" in texts(said)
    assert "ขอเป็นตัวเลข 4 หลัก" not in texts(said)
    assert not any(word in texts(said) for word in ("ไร้สาระ", "ห่วย", "ภาษี"))
    assert chat.slots["requested_slot"] == "phone_last4" and chat.active_loop is not None
    said = await chat.say("5678")
    assert cases["A"] in texts(said) and chat.active_loop is None


async def test_the_upset_question_before_the_digits_still_apologises_and_asks(lookup, cases):
    """The last-4 question itself after an upset message: the apology, then the question."""
    chat = Chat(lookup, "web:impatient-ask", "web")
    await chat.say(cases["A"], intent="check_case_status", case_id=cases["A"])
    dispatcher = CollectingDispatcher()
    tracker = chat._tracker("แล้วจะให้รอถึงเมื่อไหร่", "nlu_fallback", [], {})
    await ActionAskPhoneLast4().run(dispatcher, tracker, {})
    asked = [m["text"] for m in dispatcher.messages]
    assert asked[0].startswith("ขออภัย") and "4 ตัวท้าย" in asked[1]


async def test_a_plain_non_answer_to_the_digits_is_told_what_is_wanted(lookup, cases):
    chat = Chat(lookup, "web:unsure", "web")
    await chat.say(cases["A"], intent="check_case_status", case_id=cases["A"])
    said = await chat.say("ไม่แน่ใจค่ะ")
    assert "ขอเป็นตัวเลข 4 หลัก" in texts(said) and chat.slots["requested_slot"] == "phone_last4"


@pytest.mark.parametrize(
    "typed", ["ส่งจดหมายลงทะเบียนไปเชียงใหม่อาทิตย์นึงแล้วยังไม่ถึง เช็คได้ไหม", "เช็คเงินเบี้ยคนพิการเข้ายังคะ"]
)
async def test_a_look_up_opened_for_no_case_of_ours_goes_to_the_service_answer(lookup, cases, typed):
    """dev8 q269: tracking a parcel (or a payment) is no case filed here: never asked for a case
    number, the service action answers it (another agency's matter is named there)."""
    chat = Chat(lookup, "web:parcel", "web")
    said = await chat.say(typed, intent="check_case_status")
    assert "ขอเลขที่เรื่อง" not in texts(said) and chat.active_loop is None
    assert {"event": "followup", "name": "action_answer_service"} in [
        {"event": e.get("event"), "name": e.get("name")} for e in chat.all_events
    ]


@pytest.mark.parametrize("typed", ["ขอดูเรื่องของฉันหน่อย", "ไฟถนนที่แจ้งไปยังไม่มาซ่อม", "ถนนหน้าบ้านซ่อมเสร็จยัง"])
async def test_a_look_up_about_our_own_matters_stays(lookup, cases, typed):
    chat = Chat(lookup, "web:ours", "web")
    await chat.say(typed, intent="check_case_status")
    followups = [e.get("name") for e in chat.all_events if e.get("event") == "followup"]
    assert "action_answer_service" not in followups
