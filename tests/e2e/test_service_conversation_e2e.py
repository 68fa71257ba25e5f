"""End to end: multi-turn service conversations through the real Rasa server (trained model from
models/) and the real action server, over Rasa's REST channel: follow-ups in any wording keep the
service, life events give a checklist, uncovered topics a referral, small talk a light reply."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dialogue_servers import (
    ACTIONS_START_TIMEOUT,
    RASA_START_TIMEOUT,
    RestClient,
    action_server,
    free_port,
    newest_model,
    rasa_server,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RestClient]:
    try:
        model = newest_model()
    except RuntimeError as exc:
        pytest.fail(f"{exc} (the end-to-end service conversations need a trained model)")
    workdir: Path = tmp_path_factory.mktemp("service-e2e")
    action_port, rasa_port = free_port(), free_port()
    actions = action_server(workdir, action_port, f"sqlite:///{workdir / 'govbot.db'}")
    env = {"RASA_TRACKER_DB": str(workdir / "rasa" / "tracker.db")}
    rasa = rasa_server(workdir, rasa_port, action_port, "bot/endpoints.yml", model, env)
    try:
        actions.start(ACTIONS_START_TIMEOUT)
        rasa.start(RASA_START_TIMEOUT)
        yield RestClient(rasa_port)
    finally:
        rasa.stop()
        actions.stop()


def conversation(bot: RestClient, turns: list[str]) -> tuple[str, list[list[dict[str, Any]]]]:
    sender = f"web:svc-{uuid.uuid4().hex[:10]}"
    return sender, [bot.say(sender, turn) for turn in turns]


def text(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def test_follow_ups_keep_the_service_in_any_wording(bot: RestClient) -> None:
    sender, replies = conversation(
        bot,
        [
            "บัตรประชาชนหายต้องทำยังไงคะ",
            "ต้องใช้เอกสารอะไรบ้างคะ",
            "ทำออนไลน์ได้ไหมครับ",
            "ไปทำที่ไหนได้บ้าง",
            "how much is it?",
        ],
    )
    assert text(replies[0]).startswith("ทำบัตรประจำตัวประชาชนใหม่ กรณีบัตรหาย"), replies
    assert all("(เรื่องบัตร ปชช. หาย/ชำรุดค่ะ)" in text(r) for r in replies[1:4]), replies
    assert text(replies[2]).splitlines()[0] == "ไม่ได้ค่ะ"
    assert "100 baht" in text(replies[4])
    assert bot.tracker(sender)["slots"]["service_id"] == "id_card_lost"


def test_vehicle_tax_follow_up_is_not_a_goodbye_and_small_talk_is_light(bot: RestClient) -> None:
    sender, replies = conversation(bot, ["ต่อภาษีรถยนต์ค่ะ", "แล้วถ้าเกิน3ปีล่ะ", "555", "เสียค่าปรับไหม"])
    assert "ขอบคุณที่ใช้บริการ" not in text(replies[1])
    assert "ภาษีรถ" in text(replies[1])
    assert "นอกขอบเขต" not in text(replies[2]) and text(replies[2])
    assert text(replies[3]).splitlines()[0].startswith("มีค่ะ")
    assert bot.tracker(sender)["slots"]["service_id"] == "vehicle_tax"


def test_life_event_checklist_then_an_item_and_its_deadline(bot: RestClient) -> None:
    sender, replies = conversation(
        bot, ["ลูกเพิ่งคลอดเมื่อวานค่ะ", '/ask_service{"service_id":"birth_registration"}', "ต้องแจ้งภายในกี่วันคะ"]
    )
    checklist = replies[0][0]
    assert checklist["text"].splitlines()[1].startswith("1. แจ้งเกิด")
    assert checklist["buttons"][0]["title"] == "แจ้งเกิด"
    assert "15 วัน" in text(replies[2]).splitlines()[0]
    slots = bot.tracker(sender)["slots"]
    assert slots["life_event"] == "birth" and slots["service_id"] == "birth_registration"


def test_uncovered_topic_gets_where_to_go(bot: RestClient) -> None:
    _, replies = conversation(bot, ["ขอติดมิเตอร์น้ำประปาค่ะ"])
    answer = text(replies[0])
    assert answer.startswith("เรื่องนี้ยังไม่อยู่ในบริการที่ตอบได้ค่ะ") and "1662" in answer


def test_near_twins_get_one_question_and_a_short_answer_picks_one(bot: RestClient) -> None:
    sender, replies = conversation(bot, ["ทำบัตรประชาชนใหม่ต้องใช้อะไรบ้าง", "หายค่ะ"])
    titles = [b["title"] for b in replies[0][0]["buttons"]]
    assert len(set(titles)) == len(titles) and all(len(t) <= 20 for t in titles)
    assert "เอกสารที่ใช้ค่ะ" in text(replies[1])
    assert bot.tracker(sender)["slots"]["service_id"] == "id_card_lost"
