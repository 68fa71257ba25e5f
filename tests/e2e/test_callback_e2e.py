"""End to end, out of hours: the real Rasa model and action server, a LINE citizen signed as the gateway
signs. The contact centre declared today closed (an AgencyClosure row), so whatever the clock says the
citizen is told when staff are back and offered a call-back instead of a queue; inside the call-back
form a service question is answered and the form goes on; the ticket holds the sealed phone and the
consent wording as shown. A second citizen declines the offer and keeps asking the bot.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from dialogue_servers import ChannelClient, DialogueStack, dialogue_stack  # noqa: E402

from actions.replies import reply_for  # noqa: E402
from db.engine import make_engine, make_sessionmaker  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from handover.models import AgencyClosure, CallbackTicket  # noqa: E402
from handover.office_hours import BANGKOK  # noqa: E402
from privacy import PersonalData, PrivacySettings  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

KEYS = PrivacySettings.generate()


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DialogueStack, str]]:
    workdir = tmp_path_factory.mktemp("callback-e2e")
    url = f"sqlite:///{workdir / 'govbot.db'}"
    upgrade(url)
    engine = make_engine(url)
    today = dt.datetime.now(BANGKOK).date()
    with make_sessionmaker(engine)() as session, session.begin():
        session.add(AgencyClosure(agency_id="gcc1111", starts_on=today, ends_on=today, reason="e2e"))
    engine.dispose()
    with dialogue_stack(workdir, url, action_env=KEYS.to_environ()) as stack:  # OFFICE_HOURS unset
        yield stack, url


def texts(replies: list[dict[str, Any]]) -> list[str]:
    return [r["text"] for r in replies if r.get("text")]


def payloads(replies: list[dict[str, Any]]) -> list[str]:
    return [b["payload"] for r in replies for b in r.get("buttons") or []]


def test_out_of_hours_a_call_back_with_a_question_aside(running: tuple[DialogueStack, str]) -> None:
    stack, url = running
    line = ChannelClient(stack.rasa_port, stack.token, KEYS)
    sender = "line:Ucallbacke2e1"
    assert texts(line.say(sender, "ขอคุยกับเจ้าหน้าที่ค่ะ")) == ["ต้องการคุยกับเจ้าหน้าที่ใช่ไหมคะ"]
    closed = line.say(sender, "ใช่")
    assert not any(r.get("custom") for r in closed)  # no queue out of hours
    assert "นอกเวลาทำการ" in texts(closed)[0] and "เวลา" in texts(closed)[0]
    assert payloads(closed) == ["/affirm", "/deny"]
    consent = line.say(sender, "ได้ค่ะ")
    assert texts(consent) == [reply_for("ask_callback_consent", "line").text]
    phone_asked = line.say(sender, "ยินยอม")
    assert texts(phone_asked) == [reply_for("ask_callback_phone", "line").text]
    aside = line.say(sender, "ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้าง")
    assert "หนังสือเดินทาง" in texts(aside)[0] or "พาสปอร์ต" in texts(aside)[0]
    assert texts(aside)[-1] == reply_for("ask_callback_phone", "line").text  # the form goes on
    stored = line.say(sender, "๐๘๑-๒๓๔-๕๖๗๘")
    assert "ลงท้าย 5678" in texts(stored)[0]
    after = line.say(sender, "ต่อใบขับขี่ใช้อะไรบ้าง")
    assert "ใบขับขี่" in " ".join(texts(after))

    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            tickets = session.scalars(select(CallbackTicket)).all()
    finally:
        engine.dispose()
    assert len(tickets) == 1
    ticket = tickets[0]
    assert ticket.phone_last4 == "5678" and PersonalData(KEYS).open(ticket.phone_enc) == "+66812345678"
    assert ticket.consent_wording == reply_for("ask_callback_consent", "line").text
    assert ticket.channel == "line" and ticket.recipient_hash == PersonalData(KEYS).sender_hash(sender)


def test_out_of_hours_the_offer_declined_and_the_bot_carries_on(running: tuple[DialogueStack, str]) -> None:
    stack, _ = running
    line = ChannelClient(stack.rasa_port, stack.token, KEYS)
    sender = "line:Ucallbacke2e2"
    line.say(sender, "/request_human")
    line.say(sender, "/affirm")
    declined = line.say(sender, "ไม่เป็นไรค่ะ")
    assert texts(declined)[0].startswith("ได้ค่ะ คุยกับบอทต่อได้เลย")
    answer = line.say(sender, "แจ้งเกิดต้องไปที่ไหน")
    assert "แจ้งเกิด" in " ".join(texts(answer))
