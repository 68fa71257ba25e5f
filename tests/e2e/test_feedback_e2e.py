"""End to end: 👍 / 👎 on a service answer through the real Rasa model and action server (issue 13).

A LINE citizen (signed as the gateway signs) gets the two buttons under a service answer, taps 👍 and
is thanked; after another answer types a 👎 in their own words and gets the apology with its offers,
and the question is in the review queue (thumbs_down, masked, with the service answered). An SMS
citizen gets no buttons but a typed 👎 works the same. The trained NLU tells feedback from plain
thanks and no on wordings that are not in the training data.
"""

from __future__ import annotations

import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from dialogue_servers import RASA_AUTH_TOKEN, ChannelClient, DialogueStack, dialogue_stack, http_json  # noqa: E402

from actions.replies import reply_for  # noqa: E402
from actions.unanswered_models import UnansweredMessage  # noqa: E402
from db.engine import make_engine, make_sessionmaker  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from privacy import PrivacySettings  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

KEYS = PrivacySettings.generate()
FEEDBACK = ["/feedback_positive", "/feedback_negative"]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DialogueStack, str]]:
    workdir = tmp_path_factory.mktemp("feedback-e2e")
    url = f"sqlite:///{workdir / 'govbot.db'}"
    upgrade(url)
    with dialogue_stack(workdir, url, action_env=KEYS.to_environ()) as stack:
        yield stack, url


def texts(replies: list[dict[str, Any]]) -> list[str]:
    return [r["text"] for r in replies if r.get("text")]


def payloads(replies: list[dict[str, Any]]) -> list[str]:
    return [b["payload"] for r in replies for b in r.get("buttons") or []]


def review_rows(url: str) -> list[UnansweredMessage]:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return list(session.scalars(select(UnansweredMessage).order_by(UnansweredMessage.id)))
    finally:
        engine.dispose()


def parse(stack: DialogueStack, text: str) -> str:
    status, body = http_json(
        "POST", f"{stack.rasa_url}/model/parse?token={urllib.parse.quote(RASA_AUTH_TOKEN)}", {"text": text}
    )
    assert status == 200, body
    return str(body["intent"]["name"])


def test_line_thumbs_up_then_a_typed_thumbs_down_is_kept(running: tuple[DialogueStack, str]) -> None:
    stack, url = running
    line = ChannelClient(stack.rasa_port, stack.token, KEYS)
    sender = "line:Ufeedbacke2e1"
    first = line.say(sender, "ต่อใบขับขี่ใช้อะไรบ้าง")
    assert payloads(first)[-2:] == FEEDBACK and payloads(first).count("/feedback_positive") == 1
    thanked = line.say(sender, "/feedback_positive")
    assert texts(thanked) == [reply_for("feedback_thanks", "line").text]
    assert review_rows(url) == []
    second = line.say(sender, "ทำพาสปอร์ตต้องใช้เอกสารอะไร ติดต่อ 0812345678")
    assert payloads(second)[-2:] == FEEDBACK
    sorry = line.say(sender, "ไม่ตรงคำถามเลยค่ะ")
    assert texts(sorry) == [reply_for("feedback_sorry", "line").text]
    assert payloads(sorry) == ["/request_human"]  # passports have no near-twin to offer
    [row] = review_rows(url)
    assert row.reason == "thumbs_down" and row.channel == "line"
    assert row.masked_text == "ทำพาสปอร์ตต้องใช้เอกสารอะไร ติดต่อ xxxxxx5678"
    assert row.bot_answer == row.service_id and (row.service_id or "").startswith("passport")
    # The 👎 judged the answer, not the service: a follow-up is still about passports.
    where = line.say(sender, "ไปทำที่ไหน")
    assert any("(เรื่องทำพาสปอร์ตค่ะ)" in t for t in texts(where)), where


def test_sms_has_no_buttons_but_a_typed_thumbs_down_works(running: tuple[DialogueStack, str]) -> None:
    stack, url = running
    sms = ChannelClient(stack.rasa_port, stack.token, KEYS)
    sender = "sms:+66811110000"
    answer = sms.say(sender, "แจ้งเกิดต้องไปที่ไหน")
    assert not set(FEEDBACK) & set(payloads(answer))
    before = len(review_rows(url))
    sorry = sms.say(sender, "ไม่ใช่ที่ถามค่ะ")
    assert texts(sorry) == [reply_for("feedback_sorry", "sms").text]
    rows = review_rows(url)
    assert len(rows) == before + 1 and rows[-1].channel == "sms" and rows[-1].reason == "thumbs_down"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("ขอบคุณค่ะ ได้คำตอบแล้ว", "feedback_positive"),
        ("ได้คำตอบแล้วค่า ขอบคุณน้า", "feedback_positive"),
        ("ตรงคำถามเลยย", "feedback_positive"),
        ("ไม่ตรงคำถามเลย", "feedback_negative"),
        ("ไม่ใช่ที่ถามนะคะ", "feedback_negative"),
        ("ตอบไม่ตรงที่ถามอะ", "feedback_negative"),
        ("ไม่ตงคำถามเลยค่ะ", "feedback_negative"),
        ("ขอบคุณค่ะ", "thank"),
        ("ไม่ใช่ค่ะ", "deny"),
    ],
)
def test_the_nlu_tells_feedback_from_thanks_and_no(
    running: tuple[DialogueStack, str], text: str, intent: str
) -> None:
    stack, _ = running
    assert parse(stack, text) == intent
