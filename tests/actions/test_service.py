"""action_answer_service, tested the rasa-sdk way (Tracker + CollectingDispatcher) against a real SQLite
database migrated with Alembic and seeded from knowledge/seed, with the real default embedding model."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.context import ActionContext
from actions.handover import ActionHandover
from actions.replies import reply_for
from actions.service import ActionAnswerService, ServiceResolver, build_actions, service_payload, thai_date
from actions.unanswered import UnansweredRecorder
from actions.unanswered_models import UnansweredMessage
from appconfig import AppSettings
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade
from knowledge.record import Fee
from knowledge.search.cache import EmbeddingCache
from knowledge.search.embedders import DEFAULT_BACKEND, EmbedderConfig, make_embedder
from knowledge.search.live import LiveIndex
from knowledge.seed_loader import load_seed
from knowledge.store import KnowledgeStore
from tests.actions.desks import IN_HOURS, make_desk


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[KnowledgeStore, Any]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('service') / 'govbot.db'}"
    upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    store = KnowledgeStore(sessions)
    load_seed(store)
    yield store, sessions
    engine.dispose()


@pytest.fixture(scope="module")
def live(seeded: tuple[KnowledgeStore, Any], tmp_path_factory: pytest.TempPathFactory) -> LiveIndex:
    store, _ = seeded
    embedder = make_embedder(DEFAULT_BACKEND, EmbedderConfig())
    index = LiveIndex(store, embedder, cache=EmbeddingCache(tmp_path_factory.mktemp("emb")), check_every=0.0)
    index.refresh()
    return index


@pytest.fixture
def action(live: LiveIndex, seeded: tuple[KnowledgeStore, Any]) -> ActionAnswerService:
    desk = make_desk(seeded[1], now=IN_HOURS)
    return ActionAnswerService(
        ServiceResolver(live), UnansweredRecorder(seeded[1]), ActionHandover(desk), desk.sensitive
    )


def tracker(
    text: str,
    *,
    slots: dict[str, Any] | None = None,
    entities: dict[str, str] | None = None,
    channel: str = "line",
    earlier: tuple[str, ...] = (),
) -> Tracker:
    """A tracker at the citizen's message `text`, after their `earlier` messages (texts only)."""
    latest = {
        "text": text,
        "intent": {"name": "ask_service", "confidence": 0.95},
        "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
    }
    events = [{"event": "user", "text": t} for t in earlier]
    events.append({"event": "user", "text": text, "parse_data": latest, "input_channel": channel})
    return Tracker("line:U123", dict(slots or {}), latest, events, False, None, {}, "action_listen")


async def ask(action: ActionAnswerService, t: Tracker) -> tuple[dict[str, Any], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    assert len(dispatcher.messages) == 1
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return dispatcher.messages[0], slots


def button_payloads(message: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for button in message["buttons"]:
        payload = button["payload"]
        if payload.startswith("/ask_service{"):
            out.append(json.loads(payload[len("/ask_service") :]))
    return out


async def test_answers_the_asked_aspect_first_with_agency_date_and_other_aspects(
    action: ActionAnswerService,
) -> None:
    message, slots = await ask(action, tracker("ต่อใบขับขี่ใช้อะไรบ้าง"))
    text = message["text"]
    assert slots == {"service_id": "driving_license_renew", "service_aspect": "documents"}
    lines = text.splitlines()
    assert lines[0] == "เอกสารที่ใช้ค่ะ" and "(เรื่องต่ออายุใบขับขี่ค่ะ)" in lines  # answer first, name last
    assert "ใบรับรองแพทย์" in text and "ค่าธรรมเนียมค่ะ" not in text
    # the seed is a draft awaiting the agency, and the footer says so plainly
    assert lines[-1] == (
        "ข้อมูลฉบับร่างจากแหล่งสาธารณะ รอ กรมการขนส่งทางบก กระทรวงคมนาคม ตรวจรับรองค่ะ (ทบทวนล่าสุด 25 พ.ย. 2569)"
    )
    payloads = button_payloads(message)
    assert {p["service_aspect"] for p in payloads} == {"fee", "place", "time", "eligibility", "online"}
    assert {p["service_id"] for p in payloads} == {"driving_license_renew"}
    assert all(len(b["title"]) <= 20 for b in message["buttons"])
    assert len(text) < 600  # fits a phone screen


async def test_follow_up_reuses_the_service_slot(action: ActionAnswerService) -> None:
    _, slots = await ask(action, tracker("ทำพาสปอร์ตต้องใช้เอกสารอะไร"))
    assert slots["service_id"] == "passport_new"
    message, slots = await ask(action, tracker("แล้วใช้เวลากี่วัน", slots=slots))
    assert slots == {"service_id": "passport_new", "service_aspect": "time"}
    assert message["text"].splitlines()[0].startswith("ใช้เวลา")
    assert "(รอหน่วยงานยืนยัน)" in message["text"]  # the seed marks this figure as unconfirmed
    fee, slots = await ask(action, tracker("ค่าธรรมเนียมเท่าไหร่คะ", slots=slots))
    assert slots["service_id"] == "passport_new" and "1,000 บาท" in fee["text"]
    other, slots = await ask(action, tracker("แล้วบัตรประชาชนหายล่ะ", slots=slots))
    assert slots == {"service_id": "id_card_lost", "service_aspect": "fee"}  # same question, new service
    assert "100 บาท" in other["text"]


async def test_button_payload_entities_pick_service_and_aspect(action: ActionAnswerService) -> None:
    payload = service_payload("vehicle_tax", "online")
    assert payload == '/ask_service{"service_id":"vehicle_tax","service_aspect":"online"}'
    message, slots = await ask(
        action, tracker(payload, entities={"service_id": "vehicle_tax", "service_aspect": "online"})
    )
    assert slots == {"service_id": "vehicle_tax", "service_aspect": "online"}
    assert "ช่องทางออนไลน์ค่ะ" in message["text"] and "https://eservice.dlt.go.th" in message["text"]


async def test_service_without_aspect_gets_an_overview_and_all_aspect_buttons(
    action: ActionAnswerService,
) -> None:
    message, slots = await ask(action, tracker("อยากทำพาสปอร์ต"))
    assert slots == {"service_id": "passport_new", "service_aspect": None}
    assert len(button_payloads(message)) == 6


async def test_not_confident_says_so_offers_nearest_and_a_person(
    action: ActionAnswerService, seeded: tuple[KnowledgeStore, Any]
) -> None:
    question = "ขอวีซ่าไปอเมริกา โทร 0812345678"
    message, slots = await ask(action, tracker(question, slots={"service_id": "passport_new"}))
    assert message["text"].startswith(("ขออภัยค่ะ ยังไม่แน่ใจ", "เรื่องนี้ยังไม่อยู่ในบริการที่ตอบได้ค่ะ"))
    assert slots["service_id"] is None  # never carry on with a service we are unsure of
    if message["text"].startswith("เรื่องนี้ยังไม่อยู่ในบริการที่ตอบได้ค่ะ"):  # the directory knows who does visas
        # a visa to go abroad: the destination's embassy, not Thai immigration (foreigners in Thailand)
        assert "สถานทูต" in message["text"] and "1178" not in message["text"]
        assert not button_payloads(message)
    else:  # else the nearest services as buttons, never an answer from one
        assert 2 <= len(button_payloads(message)) <= 3
    assert message["buttons"][-1]["payload"] == "/request_human"
    with seeded[1]() as session:
        stored = session.scalars(select(UnansweredMessage).order_by(UnansweredMessage.id.desc())).first()
    assert stored is not None and "0812345678" not in stored.masked_text and "วีซ่า" in stored.masked_text


@pytest.mark.parametrize(
    "text",
    ["", "😀😀😀", "<script>alert(1)</script>", "'; DROP TABLE kb_services; --", "ก" * 10_000, "hello"],
)
async def test_bad_input_gets_a_clear_answer(action: ActionAnswerService, text: str) -> None:
    message, slots = await ask(action, tracker(text))
    assert message["text"] and "<script>" not in message["text"]
    assert message["buttons"][-1]["payload"] == "/request_human"
    assert slots["service_id"] is None


async def test_unknown_service_id_in_a_payload(action: ActionAnswerService) -> None:
    message, slots = await ask(action, tracker("/ask_service", entities={"service_id": "no_such_service"}))
    assert slots["service_id"] is None and message["buttons"][-1]["payload"] == "/request_human"


async def test_sms_answer_is_shorter(action: ActionAnswerService) -> None:
    line, _ = await ask(action, tracker("ทำบัตรประชาชนครั้งแรกใช้เอกสารอะไร", channel="line"))
    sms, _ = await ask(action, tracker("ทำบัตรประชาชนครั้งแรกใช้เอกสารอะไร", channel="sms"))
    assert len(sms["text"]) < len(line["text"]) and "…และอื่น ๆ" in sms["text"]


async def test_published_change_reaches_the_bot_without_restart(
    action: ActionAnswerService, seeded: tuple[KnowledgeStore, Any]
) -> None:
    store, _ = seeded
    current = store.get("business_registration")
    assert current is not None
    changed = dataclasses.replace(current, fees=(Fee("จดทะเบียนตั้งใหม่", "70 บาท", to_confirm=True),))
    store.save_draft(changed, author="editor", note="ค่าธรรมเนียมใหม่")
    fee_button = {"service_id": "business_registration", "service_aspect": "fee"}
    payload = service_payload("business_registration", "fee")
    draft_seen, _ = await ask(action, tracker(payload, entities=fee_button))
    assert "50 บาท" in draft_seen["text"]  # a draft is not what citizens see
    store.publish("business_registration", author="reviewer")
    message, _ = await ask(action, tracker(payload, entities=fee_button))
    assert "70 บาท (รอหน่วยงานยืนยัน)" in message["text"]
    typed, _ = await ask(action, tracker("ค่าทำใบทะเบียนพาณิชย์ร้านค้าเท่าไหร่"))
    assert "70 บาท" in typed["text"]
    store.save_draft(current, author="editor", note="คืนค่าเดิม")
    store.publish("business_registration", author="reviewer")


def test_build_actions_seeds_an_empty_database_and_builds_the_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    config = AppSettings.from_environ({"DATABASE_URL": url, "KNOWLEDGE_CACHE_DIR": str(tmp_path / "emb")})
    context = ActionContext.create(config)
    try:
        actions = build_actions(context)
        assert [a.name() for a in actions] == ["action_answer_service", "action_feedback"]
        assert len(KnowledgeStore(context.sessionmaker).list_published()) >= 31
    finally:
        context.close()


def test_thai_date_uses_buddhist_era() -> None:
    import datetime as dt

    assert thai_date(dt.date(2026, 1, 5)) == "5 ม.ค. 2569" and thai_date(None) == "ไม่ระบุค่ะ"


async def converse(
    action: ActionAnswerService, turns: list[str], channel: str = "line"
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Several turns with the slots and the citizen's earlier messages carried over as Rasa would; a
    "/ask_service{…}" turn is a button."""
    slots: dict[str, Any] = {}
    out = []
    for i, turn in enumerate(turns):
        entities = json.loads(turn[len("/ask_service") :]) if turn.startswith("/ask_service{") else None
        message, changed = await ask(
            action, tracker(turn, slots=slots, entities=entities, channel=channel, earlier=tuple(turns[:i]))
        )
        slots.update(changed)
        out.append((message, dict(slots)))
    return out


async def test_follow_ups_in_any_wording_stay_on_the_service(action: ActionAnswerService) -> None:
    turns = await converse(
        action,
        [
            "บัตรประชาชนหายต้องทำยังไง",
            "ต้องใช้เอกสารอะไรบ้างคะ",
            "ทำออนไลน์ได้ไหมครับ",
            "ไปทำที่ไหนได้บ้าง",
            "how much is it?",
        ],
    )
    assert [s["service_id"] for _, s in turns] == ["id_card_lost"] * 5
    assert [s["service_aspect"] for _, s in turns[1:]] == ["documents", "online", "place", "fee"]
    assert turns[2][0]["text"].splitlines()[0] == "ไม่ได้ค่ะ"  # answer first: no online channel
    assert "100 baht" in turns[4][0]["text"]  # English question, English answer


async def test_follow_up_after_a_button_stays_and_naming_another_service_switches(
    action: ActionAnswerService,
) -> None:
    turns = await converse(
        action,
        [service_payload("vehicle_tax"), "แล้วถ้าเกิน3ปีล่ะ", "เสียค่าปรับไหม", "ทำพาสปอร์ตใช้เอกสารอะไร"],
    )
    assert [s["service_id"] for _, s in turns] == ["vehicle_tax"] * 3 + ["passport_new"]
    assert turns[2][0]["text"].splitlines()[0].startswith("มีค่ะ")


async def test_unconfirmed_answers_say_draft_and_allowances_are_money_received(
    action: ActionAnswerService,
) -> None:
    message, _ = await ask(action, tracker("เบี้ยผู้สูงอายุได้เดือนละเท่าไหร่"))
    assert "เงินที่ได้รับค่ะ" in message["text"] and "รอ" in message["text"].splitlines()[-1]
    titles = [b["title"] for b in message["buttons"]]
    assert len(set(titles)) == len(titles) and all(len(t) <= 20 for t in titles)


async def test_life_event_gives_a_checklist_with_buttons_and_a_follow_up_keeps_the_item(
    action: ActionAnswerService,
) -> None:
    turns = await converse(
        action, ["ลูกเพิ่งคลอดเมื่อวานค่ะ", service_payload("birth_registration"), "ต้องแจ้งภายในกี่วันคะ"]
    )
    checklist, slots = turns[0]
    assert slots["life_event"] == "birth" and slots["service_id"] is None
    assert checklist["text"].splitlines()[1].startswith("1. แจ้งเกิด")
    items = button_payloads(checklist)
    assert items[0]["service_id"] == "birth_registration" and len(items) >= 2
    titles = [b["title"] for b in checklist["buttons"]]
    assert len(set(titles)) == len(titles) and all(len(t) <= 20 for t in titles)
    deadline, slots = turns[2]
    assert slots["service_id"] == "birth_registration" and slots["life_event"] == "birth"
    assert "15 วัน" in deadline["text"].splitlines()[0]  # the deadline, first


async def test_death_deadline_is_answered_first_within_the_life_event(action: ActionAnswerService) -> None:
    turns = await converse(action, ["แม่เพิ่งเสีย", "ต้องแจ้งตายภายในกี่วัน"])
    assert turns[0][1]["life_event"] == "death"
    message, slots = turns[1]
    assert slots["service_id"] == "death_registration"
    assert "24 ชั่วโมง" in message["text"].splitlines()[0]


async def test_a_follow_up_on_generic_words_stays_within_the_life_event(action: ActionAnswerService) -> None:
    # "พยาน" is also in the marriage record; the divorce checklist was shown, the marriage not named
    turns = await converse(action, ["จะหย่าค่ะ ตกลงกันได้แล้วทั้งสองฝ่าย", "ต้องพาพยานไปด้วยป่ะ"])
    assert turns[0][1]["life_event"] == "divorce"
    assert turns[1][1]["service_id"] == "divorce_registration"
    turns = await converse(action, ["จะหย่าค่ะ ตกลงกันได้แล้วทั้งสองฝ่าย", "จดทะเบียนสมรสต้องใช้อะไร"])
    assert turns[1][1]["service_id"] == "marriage_registration"  # named: it leaves the event


async def test_a_question_naming_a_service_beats_the_story_around_it(action: ActionAnswerService) -> None:
    _, slots = await ask(action, tracker("ย้ายไปอยู่ตำบลใหม่ เบี้ยคนพิการต้องลงทะเบียนใหม่มั้ย"))
    assert slots["service_id"] == "disability_allowance" and slots.get("life_event") is None


async def test_uncovered_topic_is_referred_never_answered_from_a_neighbour(
    action: ActionAnswerService,
) -> None:
    message, slots = await ask(action, tracker("ขอติดมิเตอร์น้ำประปา", slots={"service_id": "id_card_lost"}))
    assert message["text"].startswith("เรื่องนี้ยังไม่อยู่ในบริการที่ตอบได้ค่ะ")
    assert "1662" in message["text"] and "ไฟฟ้า" not in message["text"]
    assert slots["service_id"] is None


async def test_an_angry_message_about_another_agencys_matter_gets_an_apology_first(
    action: ActionAnswerService,
) -> None:
    """dev12 w12s10: "ไอ้สัส เรื่องไฟดับไม่ทำอะไรเลย" over SMS got the power company's number and no
    apology; the rude word is never said back."""
    message, _ = await ask(action, tracker("ไอ้สัส เรื่องไฟดับไม่ทำอะไรเลย", channel="sms"))
    first, *rest = message["text"].splitlines()
    assert first.startswith("ขออภัย") and "1129" in " ".join(rest) and "สัส" not in message["text"]


async def test_an_upset_message_right_after_a_case_look_up_is_about_that_case(
    action: ActionAnswerService,
) -> None:
    """dev13 w13k-web-06: "ทำไมช้าขนาดนี้ครับ จ่ายภาษีไปทุกปี" after the look-up had got the vehicle tax's
    fees; the complaint form hears it as about that case (an apology and the citizen's cases)."""
    t = tracker("ทำไมช้าขนาดนี้ครับ จ่ายภาษีไปทุกปี")
    t.events[-1:-1] = [{"event": "action", "name": "action_submit_case_status"}]
    t.events.insert(0, {"event": "user", "text": "CM69-0145-8832", "parse_data": {}})
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    assert events == [{"event": "followup", "name": "complaint_form", "timestamp": None}]
    assert dispatcher.messages == []


async def test_three_years_of_reserve_training_answers_the_draft_question(
    action: ActionAnswerService,
) -> None:
    """dev14 w14c30: "ถ้าเรียน รด. ครบ 3 ปี ต้องไปจับใบดำใบแดงไหม" had got "ต้องค่ะ" from the registration
    clause; the FAQ on it says no selection (the registration still stands)."""
    message, slots = await ask(
        action,
        tracker("ถ้าเรียน รด. ครบ 3 ปี ต้องไปจับใบดำใบแดงไหม", slots={"service_id": "military_conscription"}),
    )
    assert message["text"].startswith("ไม่ต้อง") and slots["service_id"] == "military_conscription"


async def test_an_angry_earlier_report_goes_to_the_citizens_cases(action: ActionAnswerService) -> None:
    """dev13 w13k-sms-10: "แจ้งไปเป็นเดือนแล้ว…ไม่ทำ" (a rude word in it) had got a list of services."""
    events = await action.run(CollectingDispatcher(), tracker("แจ้งไปเป็นเดือนแล้วเหี้ยไรไม่ทำ", channel="sms"), {})
    assert events == [{"event": "followup", "name": "complaint_form", "timestamp": None}]


@pytest.mark.parametrize("text", ["ใครเห็นเบอร์ฉันบ้าง", "ใครบ้างที่เห็นเบอร์โทรศัพท์ของดิฉันคะ"])
async def test_who_sees_my_number_is_answered_outside_the_form(
    action: ActionAnswerService, text: str
) -> None:
    """dev13 w13k-sms-11 / w13k-line-16: asked with no form running, it had been called out of scope."""
    message, _ = await ask(action, tracker(text))
    assert "เฉพาะเจ้าหน้าที่" in message["text"]


async def test_generic_words_never_switch_the_service_and_next_steps_reopen_the_checklist(
    action: ActionAnswerService,
) -> None:
    turns = await converse(action, ["เบี้ยผู้สูงอายุได้เดือนละเท่าไหร่", "แล้วต้องลงทะเบียนที่ไหนคะ", "ต้องใช้ทะเบียนบ้านไหม"])
    assert [s["service_id"] for _, s in turns] == ["elderly_allowance"] * 3
    assert turns[2][0]["text"].splitlines()[0].startswith("ต้องค่ะ")
    steps = await converse(
        action, ["ลูกเพิ่งคลอดเมื่อวานค่ะ", service_payload("birth_registration"), "แล้วต้องทำอะไรต่อคะ"]
    )
    assert steps[2][0]["text"] == steps[0][0]["text"]  # the checklist again, not another service


async def test_near_twin_question_then_a_short_answer_and_the_other_twin_by_name(
    action: ActionAnswerService,
) -> None:
    turns = await converse(action, ["ทำบัตรประชาชนใหม่ต้องใช้อะไรบ้าง", "หายค่ะ"])
    question, slots = turns[0]
    assert slots["service_id"] is None and slots["service_twins"] == "id_card"
    titles = [b["title"] for b in question["buttons"]]
    assert len(set(titles)) == len(titles) and all(len(t) <= 20 for t in titles)
    _, slots = turns[1]
    assert slots["service_id"] == "id_card_lost" and slots["service_aspect"] == "documents"
    assert slots["service_twins"] is None
    moves = await converse(action, [service_payload("house_registration_move_in"), "แล้วย้ายออกล่ะ"])
    assert moves[1][1]["service_id"] == "house_registration_move_out"


@pytest.mark.parametrize(
    "text",
    ["how to pay annual car tax online in thailand", "my car is 9 years old, do I need an inspection?"],
)
async def test_english_words_name_a_service_as_thai_words_do(action: ActionAnswerService, text: str) -> None:
    _, slots = await ask(action, tracker(text))
    assert slots["service_id"] == "vehicle_tax"


async def test_english_unsure_offers_the_nearest_in_english_and_a_cue_of_a_distant_twin_names_nothing(
    action: ActionAnswerService,
) -> None:
    # "renew" is the ID card renewal's cue, but car tax names the vehicle tax ("cars" in its English
    # text is "car" in the question)
    _, slots = await ask(action, tracker("how do I renew my car tax"))
    assert slots.get("service_id") == "vehicle_tax"
    # a question that names no service: the nearest, in English, with the government hotline
    message, slots = await ask(action, tracker("how much does the card cost"))
    assert slots.get("service_id") is None and "1111" in message["text"]
    assert "I'm not sure which service you mean" in message["text"]


async def test_an_english_deadline_question_gets_the_time_limit_first(action: ActionAnswerService) -> None:
    message, slots = await ask(action, tracker("How long do I have to report a death?"))
    assert slots["service_id"] == "death_registration"
    first = message["text"].splitlines()[0]
    assert "within 24 hours" in first and "within 24 hours" not in message["text"].split("\n", 1)[1]


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("my car is 9 years old, do I need a vehicle inspection first?", "Yes. "),
        (
            "my car is 5 years old, do I need an inspection before paying tax?",
            "No. Only cars over 7 years old",
        ),
        ("my motorbike is 6 years old, must it be inspected for the tax?", "Yes. "),
    ],
)
async def test_an_english_vehicle_age_gets_the_step_of_the_rule(
    action: ActionAnswerService, question: str, first: str
) -> None:
    message, slots = await ask(action, tracker(question))
    assert slots["service_id"] == "vehicle_tax"
    lines = message["text"].splitlines()
    assert lines[0].startswith(first) and "must pass an inspection" not in lines[1]


async def test_an_english_any_office_question_gets_yes_from_the_english_text(
    action: ActionAnswerService,
) -> None:
    turns = await converse(
        action, ["We just got married, how do we register it?", "can we do it at any district office?"]
    )
    assert turns[1][1]["service_id"] == "marriage_registration"
    assert (
        turns[1][0]["text"].startswith("Yes. ") and "any district registration office" in turns[1][0]["text"]
    )


async def test_a_cue_two_groups_share_goes_to_the_group_the_message_names(
    action: ActionAnswerService,
) -> None:
    # "ยังไม่เคยมี" is a first ID card's cue and a first driving licence's: the message names the ID card
    _, slots = await ask(action, tracker("อายุ 20 แล้วยังไม่เคยมีบัตรประชาชนเลย ทำได้ไหมคะ"))
    assert slots["service_id"] == "id_card_new"
    _, slots = await ask(action, tracker("ยังไม่เคยมีใบขับขี่ อายุ 18 สอบได้ไหม"))
    assert slots["service_id"] == "driving_license_new"


async def test_an_everyday_vehicle_word_gets_the_rule_for_its_kind_and_a_corrected_figure_too(
    action: ActionAnswerService,
) -> None:
    turns = await converse(action, ["รถเก๋งอายุ 9 ปี ต่อภาษีต้องตรวจสภาพก่อนไหม", "เอ้ย 6 ปีค่ะ"])
    assert turns[0][0]["text"].startswith("ต้องค่ะ กรณีรถยนต์อายุเกิน 7 ปี")
    assert turns[1][0]["text"].startswith("ไม่ต้องค่ะ")


async def test_an_english_life_event_gets_an_english_checklist(action: ActionAnswerService) -> None:
    message, slots = await ask(
        action, tracker("My grandmother passed away at home this morning. What do we do?")
    )
    assert slots["life_event"] == "death" and message["text"].startswith("A death in the family: what to do")


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("บัตรหมดมาครึ่งปีแล้ว โดนปรับป่ะ", "id_card_renew"),  # บัตรหมด: the renewal's cue
        ("ลงทะเบียนเงินอุดหนุนบุตรต้องใช้อะไรบ้าง", "child_support_grant"),
        ("เรียนรด.ไม่จบ ยังต้องไปเกณฑ์มั้ย", "military_conscription"),
    ],
)
async def test_casual_names_and_cues_of_dev3(action: ActionAnswerService, text: str, service: str) -> None:
    message, slots = await ask(action, tracker(text))
    assert slots["service_id"] == service
    if "ปรับ" in text:  # a fine asked: the late fee, first
        assert message["text"].startswith("มีค่ะ") and "ค่าปรับ" in message["text"]


async def test_how_much_is_answered_by_the_fees_not_by_an_faq_that_speaks_of_no_money(
    action: ActionAnswerService,
) -> None:
    message, _ = await ask(action, tracker("ค่าทำบัตรเท่าไร", slots={"service_id": "id_card_new"}))
    assert message["text"].startswith("ค่าธรรมเนียมค่ะ") and "ไม่มีค่าธรรมเนียม" in message["text"]


async def test_english_how_to_is_not_read_as_an_app_question(action: ActionAnswerService) -> None:
    message, slots = await ask(action, tracker("how do I apply for a passport?"))
    assert slots["service_id"] == "passport_new" and slots["service_aspect"] is None
    assert message["text"].startswith("Passport")


async def test_follow_up_right_after_a_checklist_is_about_one_of_its_steps(
    action: ActionAnswerService,
) -> None:
    turns = await converse(action, ["พ่อจะอายุ60ปีแล้ว", "ลงทะเบียนล่วงหน้าได้ไหม"])
    assert turns[1][1]["service_id"] == "elderly_allowance"
    water = await converse(action, ["ลูกเพิ่งคลอดเมื่อวานค่ะ", "ขอติดมิเตอร์น้ำประปา"])
    assert water[1][0]["text"].startswith("เรื่องนี้ยังไม่อยู่ในบริการที่ตอบได้ค่ะ")
    tax, _ = await ask(action, tracker("ต้องยื่นภายในวันไหน", slots={"service_id": "personal_income_tax"}))
    assert "31 มีนาคม" in tax["text"].splitlines()[0]


async def test_a_side_question_then_back_to_the_service_talked_about(action: ActionAnswerService) -> None:
    turns = await converse(action, ["ต่อภาษีรถยนต์ค่ะ", "แล้วต่อวีซ่าให้แฟนต่างชาติล่ะ", "กลับมาเรื่องภาษีรถ ทำออนไลน์ได้ไหม"])
    side, slots = turns[1]
    assert slots["service_id"] is None and slots["service_previous"] == "vehicle_tax"
    assert "ภาษีรถ" not in side["text"].splitlines()[0]  # never answered from the service it was not about
    back, slots = turns[2]
    assert slots["service_id"] == "vehicle_tax" and back["text"].splitlines()[0] == "ได้ค่ะ"


async def test_a_follow_up_in_the_services_own_words_stays(action: ActionAnswerService) -> None:
    turns = await converse(action, ["ต่อทะเบียนรถยนต์ที่ไหนได้บ้าง", "ที่ห้างได้ไหม", "ขาดต่อมา 4 ปีแล้วทำไงดี"])
    assert [s["service_id"] for _, s in turns] == ["vehicle_tax"] * 3
    assert turns[1][0]["text"].startswith("ได้ค่ะ")


# -- messages the NLU does not call a service question (actions/service_small_talk.py) -------------------
def said(
    text: str,
    intent: str,
    *,
    slots: dict[str, Any] | None = None,
    last_response: str | None = None,
    channel: str = "line",
) -> Tracker:
    """A tracker whose latest message has `intent`; `last_response` is the utter_* the bot sent before."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    events: list[dict[str, Any]] = []
    if last_response:
        events.append({"event": "bot", "text": "…", "metadata": {"utter_action": last_response}})
    events.append({"event": "user", "text": text, "parse_data": latest, "input_channel": channel})
    return Tracker("line:U123", dict(slots or {}), latest, events, False, None, {}, "action_listen")


async def run_action(action: ActionAnswerService, t: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


@pytest.mark.parametrize(
    ("text", "intent", "aspect"),
    [
        ("อ๋อ แล้วนานไหม", "chitchat", "time"),
        ("นานมั้ย", "nlu_fallback", "time"),
        ("ขอบคุณค่ะ แล้วต้องไปที่ไหน", "thank", "place"),
        ("โอเค แล้วเสียเงินเท่าไหร่", "affirm", "fee"),
    ],
)
async def test_follow_ups_the_nlu_calls_small_talk_are_answered_on_the_current_service(
    action: ActionAnswerService, text: str, intent: str, aspect: str
) -> None:
    messages, slots = await run_action(
        action, said(text, intent, slots={"service_id": "vehicle_tax", "service_aspect": "place"})
    )
    assert slots["service_id"] == "vehicle_tax" and slots["service_aspect"] == aspect
    assert len(messages) == 1 and "ภาษีรถ" in messages[0]["text"]


async def test_a_figure_to_confirm_read_as_a_question_about_the_bot_is_answered_on_the_service(
    action: ActionAnswerService,
) -> None:
    """After the allowance table the NLU hears "700 ใช่มั้ย" as "เป็นบอทใช่มั้ย"; the figure says otherwise."""
    slots = {"service_id": "elderly_allowance", "service_aspect": "fee"}
    messages, after = await run_action(action, said("700 ใช่มั้ย", "bot_challenge", slots=slots))
    assert after["service_id"] == "elderly_allowance"
    assert "700" in messages[0]["text"] and messages[0].get("response") != "utter_bot_challenge"


async def test_a_case_question_heard_after_an_answer_is_a_follow_up_unless_it_is_about_a_case(
    action: ActionAnswerService,
) -> None:
    slots = {"service_id": "id_card_renew"}
    heard = said("อ่อ ไม่ใช่ละ จริงๆมันหายไปด้วย หาไม่เจอเลย", "check_case_status", slots=slots)
    messages, after = await run_action(action, heard)
    assert after["service_id"] == "id_card_lost" and "หาย" in messages[0]["text"]
    for text in (
        "เรื่องที่ร้องเรียนไปถึงไหนแล้วคะ",
        "CM69-1234-5675",
        "จำเลขไม่ได้ค่ะ",
        "/check_case_status",
        "what is the status of my case?",
    ):
        dispatcher = CollectingDispatcher()
        events = await action.run(dispatcher, said(text, "check_case_status", slots=slots), {})
        assert events == [{"event": "followup", "timestamp": None, "name": "case_status_form"}]
        assert dispatcher.messages == []
    # an English follow-up with "case" in another sense stays on the service
    english = said("in case I lose it again, can I do it online?", "check_case_status", slots=slots)
    messages, after = await run_action(action, english)
    assert messages and after.get("service_id") in ("id_card_renew", "id_card_lost")


async def test_a_change_of_mind_read_as_no_switches_to_the_twin_it_names(action: ActionAnswerService) -> None:
    slots = {"service_id": "house_registration_move_in", "service_aspect": "place"}
    _, after = await run_action(action, said("เอ้ย ไม่ใช่ หมายถึงย้ายออก", "deny", slots=slots))
    assert after["service_id"] == "house_registration_move_out"


@pytest.mark.parametrize(
    ("text", "intent", "last", "response", "key"),
    [
        ("555555", "chitchat", None, "utter_chitchat", None),
        ("ขอบคุณนะคะ", "thank", None, "utter_thank", None),
        ("ไม่มีแล้วค่ะ", "deny", "utter_thank", "utter_goodbye", None),
        ("มีค่ะ", "affirm", "utter_thank", "utter_menu", None),
        ("บาย", "goodbye", None, "utter_goodbye", None),
        ("โอเคค่ะ", "affirm", None, None, "service_ok_more"),
        ("เป็นบอทใช่มั้ย", "bot_challenge", None, "utter_bot_challenge", None),
    ],
)
async def test_small_talk_after_an_answer_gets_a_light_reply_and_keeps_the_service(
    action: ActionAnswerService,
    text: str,
    intent: str,
    last: str | None,
    response: str | None,
    key: str | None,
) -> None:
    slots = {"service_id": "driving_license_new", "service_aspect": "documents"}
    messages, after = await run_action(action, said(text, intent, slots=slots, last_response=last))
    assert "service_id" not in after and "service_aspect" not in after  # the service stays as it was
    assert len(messages) == 1
    if response:
        assert messages[0]["response"] == response
    else:
        assert messages[0]["text"] == reply_for(str(key), "line").text


async def test_an_unclear_message_after_an_answer_gets_the_two_stage_fallback_then_a_person(
    action: ActionAnswerService,
) -> None:
    slots: dict[str, Any] = {"service_id": "passport_new", "fallback_count": 0.0}
    messages, after = await run_action(action, said("กขคงจฉ", "nlu_fallback", slots=slots))
    assert messages[0]["text"] == reply_for("fallback_rephrase", "line").text
    assert after == {"fallback_count": 1.0}
    messages, after = await run_action(action, said("ฮึ่ม", "nlu_fallback", slots={**slots, **after}))
    assert messages[0]["text"] == reply_for("fallback_offer_human", "line").text
    assert after == {"fallback_count": 2.0}
    assert messages[0]["buttons"][0]["payload"] == "/affirm"  # the offer is the confirmation
    messages, after = await run_action(action, said("ใช่ค่ะ", "affirm", slots={**slots, **after}))
    request = messages[1]["custom"]["handover"]
    assert (request["reason"], request["agency"], request["service"]) == (
        "fallback",
        "consular",
        "passport_new",
    )
    assert messages[0]["text"].startswith("กำลังต่อให้คุยกับเจ้าหน้าที่") and after["handover"] is True


@pytest.mark.parametrize(
    ("text", "intent", "hotline"),
    [
        ("ไม่ไหวแล้ว อยากฆ่าตัวตาย", "nlu_fallback", "1323"),
        ("ถูกสามีทำร้ายร่างกายทุกวัน ต้องทำยังไง", "ask_service", "1300"),
        ("ความรุนแรงในครอบครัว แจ้งที่ไหน", "out_of_scope", "1300"),
    ],
)
async def test_a_sensitive_topic_gets_its_hotline_and_the_offer_of_a_person_whatever_the_intent(
    action: ActionAnswerService, text: str, intent: str, hotline: str
) -> None:
    messages, after = await run_action(action, said(text, intent))
    assert f"โทร {hotline}" in messages[0]["text"] and messages[0]["text"].endswith(
        "ต้องการคุยกับเจ้าหน้าที่ใช่ไหมคะ"
    )
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert after["handover_offer"] == "sensitive_topic"
    messages, yes = await run_action(action, said("ใช่", "affirm", slots=after))
    assert messages[1]["custom"]["handover"]["reason"] == "sensitive_topic" and yes["handover"] is True
    messages, no = await run_action(action, said("ไม่ค่ะ", "deny", slots=after))
    assert messages[0]["text"] == reply_for("handover_declined", "line").text and no["handover_offer"] is None


async def test_an_offer_left_unanswered_lapses_on_the_next_service_turn(action: ActionAnswerService) -> None:
    messages, after = await run_action(
        action, said("ทำพาสปอร์ตใช้อะไรบ้าง", "ask_service", slots={"handover_offer": "sensitive_topic"})
    )
    assert after["handover_offer"] is None and not any(m.get("custom") for m in messages)


async def test_out_of_scope_gets_the_agency_that_handles_it_or_says_what_the_bot_does(
    action: ActionAnswerService,
) -> None:
    messages, after = await run_action(action, said("ขอติดมิเตอร์น้ำประปา", "out_of_scope"))
    assert "ประปา" in messages[0]["text"] and not after.get("service_id")
    messages, after = await run_action(action, said("ขอสูตรต้มยำกุ้งหน่อย", "out_of_scope"))
    assert messages[0]["text"] == reply_for("service_out_of_scope", "line").text
    assert not after.get("service_id")


async def test_an_english_follow_up_read_as_yes_keeps_the_service_in_english(
    action: ActionAnswerService,
) -> None:
    slots = {"service_id": "driving_license_renew", "service_aspect": "documents"}
    messages, after = await run_action(action, said("ok, and where do I go?", "affirm", slots=slots))
    assert after["service_id"] == "driving_license_renew" and after["service_aspect"] == "place"
    letters = [c for c in messages[0]["text"] if c.isalpha()]
    assert sum(c.isascii() for c in letters) / len(letters) > 0.6


# -- which service a follow-up is about (actions/service_resolver.py), session 4 ----------------------------
async def test_a_confident_search_on_generic_words_does_not_leave_the_current_service(
    action: ActionAnswerService,
) -> None:
    _, slots = await ask(action, tracker("ลูกจะทำพาสปอร์ต"))
    _, slots = await ask(action, tracker("พ่อไม่ว่าง แม่พาไปคนเดียวได้ไหม", slots=slots))
    assert slots["service_id"] == "passport_new"
    _, slots = await ask(action, tracker("แล้วบัตรประชาชนหายล่ะ", slots=slots))  # named: switches
    assert slots["service_id"] == "id_card_lost"


async def test_a_question_naming_no_other_service_stays_instead_of_asking_between_twins(
    action: ActionAnswerService,
) -> None:
    _, slots = await ask(action, tracker("ลูกอายุ 7 ขวบ จะทำบัตรประชาชนครั้งแรก"))
    _, slots = await ask(action, tracker("เราไปทำแทนลูกได้มั้ย ไม่ต้องพาลูกไป", slots=slots))
    assert slots["service_id"] == "id_card_new"
    _, slots = await ask(action, tracker("เงินอุดหนุนเด็กแรกเกิดได้เดือนละเท่าไหร่"))
    _, slots = await ask(action, tracker("ลูกอายุ7ขวบแล้ว ยังได้อยู่ไหม", slots=slots))
    assert slots["service_id"] == "child_support_grant"  # not the first ID card at 7


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("จะต่อบัตรประชาชนค่ะ", "id_card_renew"),
        ("ผู้เช่าย้ายออกไปนานแล้ว แต่ชื่อยังอยู่ในทะเบียนบ้านเรา", "house_registration_move_out"),
    ],
)
async def test_a_near_twins_own_cue_names_it(action: ActionAnswerService, text: str, service: str) -> None:
    _, slots = await ask(action, tracker(text))
    assert slots["service_id"] == service


async def test_a_story_naming_a_step_answers_it_and_keeps_the_event(action: ActionAnswerService) -> None:
    _, slots = await ask(action, tracker("ลูกเพิ่งคลอดค่ะ จะแจ้งเกิดต้องใช้เอกสารอะไรบ้าง"))
    assert slots["service_id"] == "birth_registration" and slots["life_event"] == "birth"
    _, slots = await ask(action, tracker("เพิ่งจดทะเบียนแต่งงานค่ะ อยากเปลี่ยนนามสกุลตามสามี ทำยังไง"))
    assert slots["service_id"] == "name_change"  # what was just done is not what is asked


async def test_a_story_that_wants_one_of_its_steps_by_name_gets_that_step_not_the_checklist(
    action: ActionAnswerService,
) -> None:
    # no question word: "จะรับเบี้ยพิการ" names the step wanted; the story's own cue is not a step's name
    _, slots = await ask(action, tracker("ลูกพิการทางการเคลื่อนไหว มีบัตรคนพิการแล้ว จะรับเบี้ยพิการ"))
    assert slots["service_id"] == "disability_allowance" and slots["life_event"] == "disability"
    _, slots = await ask(action, tracker("ลูกเพิ่งคลอดเมื่อวานค่ะ"))
    assert slots["service_id"] is None and slots["life_event"] == "birth"


@pytest.mark.parametrize(
    ("question", "service", "hotline"),
    [("ถ้ามีปัญหาโทรเบอร์ไหน", "universal_health_coverage", "1330"), ("ขอเบอร์ติดต่อหน่อยค่ะ", "vehicle_tax", "1584")],
)
async def test_asking_whom_to_call_gets_the_agencys_hotline_first(
    action: ActionAnswerService, question: str, service: str, hotline: str
) -> None:
    message, slots = await ask(action, tracker(question, slots={"service_id": service}))
    assert slots["service_id"] == service
    first = message["text"].splitlines()[0]
    assert first.startswith("ติดต่อ") and f"โทร {hotline}" in first, first


async def test_another_service_named_in_other_word_order_switches_from_the_current_one(
    action: ActionAnswerService,
) -> None:
    # "ขออนุญาตสร้างบ้าน" is a synonym of the building permit; the citizen says it the other way round
    _, slots = await ask(
        action, tracker("สร้างบ้านต้องขออนุญาตไหมคะ", slots={"service_id": "land_title_transfer"})
    )
    assert slots["service_id"] == "building_permit"
    _, slots = await ask(action, tracker("ไปโอนที่ดินต้องไปที่ไหน", slots={"service_id": "land_title_transfer"}))
    assert slots["service_id"] == "land_title_transfer"


async def test_a_misspelt_name_and_a_twins_cue_with_its_object_name_the_service(
    action: ActionAnswerService,
) -> None:
    # "พาสปอต" is the passport (not the ID card whose renewal cue "หมดอายุ ต่อใหม่" is also there)
    _, slots = await ask(action, tracker("พาสปอตหมดอายุ ต่อใหม่ใช้ไรบ้างคะ"))
    assert slots["service_id"] == "passport_new"
    # the unemployment benefit's documents mention the ID card, but "7 ขวบ … บัตรประชาชน" asks the first card
    _, slots = await ask(
        action, tracker("ลูกอายุ7ขวบ ต้องทำบัตรประชาชนไหม", slots={"service_id": "social_security_unemployment"})
    )
    assert slots["service_id"] == "id_card_new"


async def test_money_slang_is_a_fee_question(action: ActionAnswerService) -> None:
    message, slots = await ask(action, tracker("เสียตังไหมคะ", slots={"service_id": "id_card_lost"}))
    assert slots["service_aspect"] == "fee" and message["text"].startswith("มีค่าธรรมเนียมค่ะ")


async def test_back_to_a_twin_after_a_side_question_answers_it(action: ActionAnswerService) -> None:
    _, slots = await ask(action, tracker("ลูกอายุ 7 ขวบ ต้องทำบัตรประชาชนไหม"))
    _, slots = await ask(action, tracker("แล้วถ้าจะขอวีซ่าให้สามีต่างชาติล่ะ", slots=slots))
    assert slots["service_id"] is None and slots["service_previous"] == "id_card_new"
    _, slots = await ask(action, tracker("กลับมาเรื่องบัตรลูก ทำที่เขตไหนก็ได้ใช่ไหม", slots=slots))
    assert slots["service_id"] == "id_card_new"


async def test_a_follow_up_with_only_a_new_figure_re_asks(action: ActionAnswerService) -> None:
    turns = await converse(action, ["ใบขับขี่หมดอายุ 3 เดือน ต้องสอบไหม", "แล้วถ้าหมดไป 2 ปีล่ะ", "เอ้ย 4 ปีค่ะ ต้องไหม"])
    firsts = [message["text"].splitlines()[0] for message, _ in turns]
    assert firsts[0].startswith("ไม่ต้องค่ะ"), firsts
    assert firsts[1].startswith("ต้องค่ะ") and "เกิน 1 ปี" in firsts[1], firsts
    assert firsts[2].startswith("ต้องค่ะ") and "เกิน 3 ปี" in firsts[2], firsts
    assert {s["service_id"] for _, s in turns} == {"driving_license_renew"}


async def test_an_age_settles_the_allowance_twins_and_picks_the_step_of_the_table(
    action: ActionAnswerService,
) -> None:
    turns = await converse(action, ["แม่อายุ 72 ได้เบี้ยยังชีพเดือนละเท่าไหร่คะ", "แล้วถ้า 85 ล่ะ"])
    assert [s["service_id"] for _, s in turns] == ["elderly_allowance"] * 2
    assert turns[0][0]["text"].startswith("อายุ 72 ปี ได้ 700 บาท")
    assert turns[1][0]["text"].startswith("อายุ 85 ปี ได้ 800 บาท")


async def test_a_referral_topic_the_current_service_speaks_of_stays_with_it(
    action: ActionAnswerService,
) -> None:
    # the pension fund's topic, but the allowance's rule leaves out pensioners: answered there
    turns = await converse(action, ["ลงทะเบียนเบี้ยผู้สูงอายุที่ไหน", "พ่อเป็นข้าราชการบำนาญ ได้เบี้ยด้วยไหม"])
    assert turns[1][1]["service_id"] == "elderly_allowance"
    assert turns[1][0]["text"].startswith("ไม่ได้ค่ะ ผู้มีสิทธิต้องไม่เป็นผู้รับบำนาญ")


async def test_the_same_question_for_someone_else_stays_on_the_service(action: ActionAnswerService) -> None:
    turns = await converse(
        action, ["ย้ายสิทธิบัตรทองไปรพ.ใกล้บ้านทำยังไง", "ทำในแอปได้ไหม", "แล้วของลูกอายุ 3 ขวบด้วยล่ะ"]
    )
    assert [s["service_id"] for _, s in turns] == ["universal_health_coverage"] * 3


async def test_a_what_if_yes_no_does_not_inherit_the_fee_question(action: ActionAnswerService) -> None:
    # "แล้วถ้า… ทำได้ไหม" asks a yes/no of its own: not the fee again, so the child's words are no other topic
    turns = await converse(action, ["ทำพาสปอร์ตครั้งแรกค่ะ", "เล่มละกี่บาท", "แล้วถ้าลูกอายุ 5 ขวบทำได้ไหม"])
    assert [s["service_id"] for _, s in turns] == ["passport_new"] * 3
    assert turns[2][1]["service_aspect"] is None


# -- issue 10, dev-set round: FAQ reach, ages, next steps, referrals without a hotline ------------------
async def test_a_question_in_the_faq_answers_words_gets_that_answer_with_a_verdict(
    action: ActionAnswerService,
) -> None:
    message, slots = await ask(
        action, tracker("แบบนี้รถผมถูกระงับทะเบียนไปแล้วใช่มั้ยครับ", slots={"service_id": "vehicle_tax"})
    )
    first = message["text"].splitlines()[0]
    assert slots["service_id"] == "vehicle_tax" and first.startswith("ใช่ค่ะ") and "ระงับ" in first
    message, _ = await ask(action, tracker("ต้องมีคนค้ำประกันด้วยไหมคะ", slots={"service_id": "student_loan"}))
    assert message["text"].startswith("ไม่ต้องค่ะ")


async def test_an_age_above_the_services_limit_is_answered_no(action: ActionAnswerService) -> None:
    message, _ = await ask(
        action, tracker("หลานอายุ 9 ขวบ ยังรับเงินได้อยู่หรือเปล่า", slots={"service_id": "child_support_grant"})
    )
    assert message["text"].startswith("ไม่ได้ค่ะ") and "6" in message["text"].splitlines()[0]
    message, _ = await ask(action, tracker("ลูก 2 ขวบยังได้ไหมคะ", slots={"service_id": "child_support_grant"}))
    assert not message["text"].startswith("ไม่ได้ค่ะ")  # within the limit: income still decides


def two_turns(previous: str, text: str, slots: dict[str, Any]) -> Tracker:
    """A tracker whose conversation holds the citizen's previous message before this one."""
    latest = {"text": text, "intent": {"name": "ask_service", "confidence": 0.95}, "entities": []}
    events = [
        {"event": "user", "text": previous, "parse_data": {}, "input_channel": "line"},
        {"event": "bot", "text": "…"},
        {"event": "user", "text": text, "parse_data": latest, "input_channel": "line"},
    ]
    return Tracker("line:U123", dict(slots), latest, events, False, None, {}, "action_listen")


async def test_what_next_is_about_the_question_just_asked(action: ActionAnswerService) -> None:
    t = two_turns("ไม่ได้จ่ายภาษีรถมาสามปีกว่า ทะเบียนถูกระงับไหม", "แล้วต้องทำไงต่อคะ", {"service_id": "vehicle_tax"})
    message, slots = await ask(action, t)
    assert slots["service_id"] == "vehicle_tax" and "แผ่นป้าย" in message["text"]
    message, _ = await ask(action, tracker("แล้วต้องทำไงต่อคะ", slots={"service_id": "vehicle_tax"}))
    assert "แผ่นป้าย" not in message["text"]  # nothing asked before: the overview


async def test_a_referral_to_an_office_without_a_hotline_says_where_to_go(
    action: ActionAnswerService,
) -> None:
    messages, slots = await run_action(
        action,
        said("ภาษีบ้านและที่ดินรายปีต้องไปจ่ายที่ไหนคะ", "ask_service", slots={"service_id": "personal_income_tax"}),
    )
    text = messages[0]["text"]
    assert not slots.get("service_id") and "เทศบาล" in text and "โทร  " not in text and "1555" in text
    messages, _ = await run_action(action, said("อยากนัดหมอที่โรงพยาบาลอำเภอ", "out_of_scope"))
    assert "ติดต่อโรงพยาบาล" in messages[0]["text"] and "โทร  " not in messages[0]["text"]


async def test_asking_for_an_agencys_number_gets_it(action: ActionAnswerService) -> None:
    messages, _ = await run_action(action, said("ขอเบอร์ประกันสังคมหน่อยค่ะ", "out_of_scope"))
    assert "1506" in messages[0]["text"]  # not the overview of the office's one service here
    messages, _ = await run_action(action, said("เบอร์โทรการรถไฟเบอร์อะไรคะ", "out_of_scope"))
    assert "1690" in messages[0]["text"]


async def test_out_of_scope_sharing_a_word_with_a_service_is_not_answered_with_it(
    action: ActionAnswerService,
) -> None:
    messages, after = await run_action(action, said("ช่วยแนะนำร้านก๋วยเตี๋ยวอร่อยๆ ใกล้ๆนี้", "out_of_scope"))
    assert not after.get("service_id") and "จดทะเบียน" not in messages[0]["text"]
    # a question about the service it names is still answered
    _, after = await run_action(action, said("จดทะเบียนร้านค้าออนไลน์ต้องใช้อะไรบ้าง", "out_of_scope"))
    assert after["service_id"] == "business_registration"


async def test_a_near_twins_cue_after_its_twin_switches_service_rather_than_opening_a_life_event(
    action: ActionAnswerService,
) -> None:
    for text in ("ถ้าเกิดจะเลิกกันล่ะคะ", "แล้วถ้าอยากหย่าต้องทำไง"):
        _, slots = await ask(action, tracker(text, slots={"service_id": "marriage_registration"}))
        assert slots["service_id"] == "divorce_registration"
    _, slots = await ask(action, tracker("จะเลิกกับสามีค่ะ"))  # told as a story with no service: the checklist
    assert slots.get("life_event") == "divorce"


# -- what reviewers taught (issue 13, teaching loop): "out of scope, refer to …" reaches the bot ------------
async def test_a_referral_a_reviewer_taught_answers_alike_questions_without_a_restart(
    live: LiveIndex, seeded: tuple[KnowledgeStore, Any]
) -> None:
    from knowledge.agencies import AgencyDirectory
    from staff.audit import Actor
    from teaching.decisions import decide

    sessions = seeded[1]
    desk = make_desk(sessions, now=IN_HOURS)
    action = ActionAnswerService(
        ServiceResolver(live, sessions), UnansweredRecorder(sessions), ActionHandover(desk), desk.sensitive
    )
    question = "หยอดเหรียญตู้น้ำแล้วเงินหาย ทำไงดี"
    before, _ = await run_action(action, said(question, "out_of_scope"))
    assert "สคบ" not in before[0]["text"]  # neither the knowledge base nor the directory knows it
    with sessions() as session, session.begin():
        rows = [
            UnansweredMessage(
                created_at=datetime.now(UTC), channel="line", sender_hash="h" * 64, masked_text=text
            )
            # (counterfeit goods, this test's example before, are the directory's own since dev16)
            for text in ("ตู้น้ำหยอดเหรียญกินเงินไม่ได้น้ำ", "หยอดเหรียญตู้น้ำแล้วเงินหาย จะร้องเรียนที่ไหน")
        ]
        session.add_all(rows)
        session.flush()
        decide(
            session,
            Actor(user_id=None, username="reviewer1", ip_hash=""),
            "out_of_scope",
            [r.id for r in rows],
            target="ocpb",
            may_publish=True,
            directory=AgencyDirectory.load(),
        )
    await asyncio.sleep(2.1)  # the taught referrals are re-read when the knowledge revision moves
    after, slots = await run_action(action, said(question, "out_of_scope"))
    assert "สคบ" in after[0]["text"] and not slots.get("service_id")


def test_the_police_are_named_with_their_emergency_number_too() -> None:
    from actions.service import not_covered
    from actions.service_resolver import Decision
    from knowledge.agencies import AgencyDirectory

    directory = AgencyDirectory.load()
    named = directory.named("ขอเบอร์ตำรวจหน่อย")
    assert named is not None and named.agency.emergency == "191"
    text, _ = not_covered(Decision("not_covered", referral=named, why="number"), "line")
    assert "191" in text and "1599" in text
    topic = directory.refer("โดนขโมยมอไซค์หน้าบ้าน")  # the topic line already says 191: once
    assert topic is not None
    text, _ = not_covered(Decision("not_covered", referral=topic, why="referral"), "line")
    assert text.count("191") == 1
    text, _ = not_covered(Decision("not_covered", referral=named, english=True, why="number"), "line")
    assert "emergency 191" in text


async def test_a_service_had_already_is_not_the_one_asked(action: ActionAnswerService) -> None:
    _, slots = await ask(action, tracker("รับเบี้ยคนชราอยู่แล้ว รับเบี้ยพิการซ้อนได้ไหม"))
    assert slots["service_id"] == "disability_allowance"
    # receiving one now (a having verb, then อยู่), asked after that one was talked about
    said = "ตายายได้เบี้ยผู้สูงอายุอยู่ ขอเบี้ยความพิการเพิ่มได้มั้ย"
    _, slots = await ask(action, tracker(said, slots={"service_id": "elderly_allowance"}))
    assert slots["service_id"] == "disability_allowance"


async def test_follow_ups_with_a_new_income_or_another_vehicle_are_answered_again(
    action: ActionAnswerService,
) -> None:
    turns = await converse(action, ["เงินเดือน 9000 โสด ต้องยื่นภาษีไหม", "แล้วถ้าเงินเดือน 30000 ล่ะ"])
    assert turns[0][0]["text"].startswith("ไม่ต้องค่ะ รายได้ 108,000")
    assert turns[1][0]["text"].startswith("ต้องค่ะ รายได้ 360,000")
    turns = await converse(action, ["อายุ 17 ทำใบขับขี่รถยนต์ได้ยัง", "แล้วถ้ามอไซค์ล่ะ"])
    assert turns[0][0]["text"].startswith("ไม่ได้ค่ะ รถยนต์ส่วนบุคคล อายุ 18 ปี")
    assert turns[1][0]["text"].startswith("ได้ค่ะ ถ้ารถจักรยานยนต์ไม่เกิน 110 ซีซี")  # 15 for a small one
    assert {s["service_id"] for _, s in turns} == {"driving_license_new"}


# --- a service question asked inside another form (the complaint form's aside) ------------------------


def in_a_form(text: str, slots: dict[str, Any] | None = None) -> Tracker:
    t = tracker(text, slots=slots)
    t.active_loop = {"name": "complaint_form"}
    return t


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("เดี๋ยวก่อน ถามหน่อย ต่อภาษีมอไซค์ทำออนไลน์ได้ไหม", "vehicle_tax"),
        ("ขอถามนอกเรื่องนิดนึง บัตรประชาชนหายต้องใช้อะไรบ้าง", "id_card_lost"),
        ("เออ ถามด้วย ขึ้นทะเบียนเกษตรกรปลูกมันต้องไปแจ้งที่ไหน", "farmer_registration"),
    ],
)
def test_a_service_question_inside_a_form_is_answered_as_outside_it(
    action: ActionAnswerService, text: str, service: str
) -> None:
    assert asyncio.run(action.sure_aside(in_a_form(text), text))
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.answer_aside(dispatcher, in_a_form(text), text))
    assert events is not None
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["service_id"] == service
    outside = CollectingDispatcher()
    asyncio.run(action.run(outside, tracker(text), {}))
    assert dispatcher.messages[0]["text"] == outside.messages[0]["text"]
    titles = [b["title"] for b in dispatcher.messages[0].get("buttons") or []]
    assert not any("👍" in title for title in titles)  # no 👍 / 👎 inside a form: its step comes next


def test_a_life_event_inside_a_form_gets_its_checklist(action: ActionAnswerService) -> None:
    text = "ถามหน่อย แม่จะอายุ60ปีหน้า ต้องเตรียมไรบ้าง"
    events = asyncio.run(action.answer_aside(CollectingDispatcher(), in_a_form(text), text))
    assert events is not None
    assert {e["name"]: e["value"] for e in events if e["event"] == "slot"}["life_event"] == "turning_60"


@pytest.mark.parametrize(
    "text",
    [
        "ถนนหน้าบ้านเป็นหลุมใหญ่ มอไซค์ล้มไปแล้ว2คัน",
        "เกิดที่ที่ว่าการอำเภอเมือง จ.ชัยภูมิ เมื่อวันจันทร์ที่ผ่านมา",
        "ยินยอมค่ะ",
        "ต้องรอนานไหมคะ",
        "ขยะไม่มีใครมาเก็บ ต้องแจ้งที่ไหน",
    ],
)
def test_what_names_no_service_with_confidence_is_left_to_the_form(
    action: ActionAnswerService, text: str
) -> None:
    dispatcher = CollectingDispatcher()
    # the service talked about before the complaint is not carried in: "ต้องรอนานไหม" is the form's
    t = in_a_form(text, slots={"service_id": "id_card_lost", "service_aspect": "time"})
    assert not asyncio.run(action.sure_aside(t, text))
    assert asyncio.run(action.answer_aside(dispatcher, t, text)) is None
    assert dispatcher.messages == []


# -- the eighth outside writer (dev7): follow-ups on the current service -----------------------------
async def test_a_must_question_in_everyday_words_gets_the_faq_verdict(action: ActionAnswerService) -> None:
    """ "เจ้าของบ้าน" is the record's เจ้าบ้าน: the FAQ "เจ้าบ้านไม่ว่างไปด้วยได้ไหม - ได้ …" answers the
    must-question ไม่ต้องค่ะ, as it does when asked in the record's own word."""
    slots = {"service_id": "house_registration_move_in"}
    for asked in ("เจ้าของบ้านต้องไปด้วยไหมคะ", "เจ้าบ้านต้องไปด้วยไหม"):
        message, _ = await ask(action, tracker(asked, slots=slots))
        assert message["text"].startswith("ไม่ต้องค่ะ ให้เจ้าบ้านทำหนังสือยินยอม"), asked


async def test_a_condition_stays_with_what_it_allows(action: ActionAnswerService) -> None:
    """ "ถ้าไม่สะดวกกลับไปบ้านเดิม ใช้วิธีย้ายปลายทาง…แทนได้": the condition alone was the whole answer;
    with its clause it says there is no need to go back."""
    slots = {"service_id": "house_registration_move_out"}
    message, _ = await ask(action, tracker("ต้องกลับไปทำที่อำเภอบ้านเดิมไหมคะ", slots=slots))
    first = message["text"].splitlines()[0]
    assert first.startswith("ไม่ต้องค่ะ ถ้าไม่สะดวกกลับไปบ้านเดิม ใช้วิธีย้ายปลายทาง"), first


async def test_typed_without_vowels_and_tone_marks(action: ActionAnswerService) -> None:
    message, slots = await ask(action, tracker("ต่อภาษรถออนไลนไดมั๊ย"))
    assert slots == {"service_id": "vehicle_tax", "service_aspect": "online"}
    assert message["text"].startswith("ได้ค่ะ")
    message, slots = await ask(
        action, tracker("ตองใชอะไรบาง", slots={"service_id": "id_card_lost"}, channel="sms")
    )
    assert slots["service_aspect"] == "documents" and message["text"].startswith("เอกสารที่ใช้ค่ะ")


async def test_english_yes_no_after_a_setting_and_in_the_overviews_words(action: ActionAnswerService) -> None:
    message, _ = await ask(
        action, tracker("I'm a Thai salaried employee. Can I file my income tax online?", channel="web")
    )
    assert message["text"].startswith("Yes, you can.")
    slots = {"service_id": "vehicle_tax"}
    asked = "Do I need the compulsory insurance (Por Ror Bor) first?"
    message, _ = await ask(action, tracker(asked, slots=slots, channel="web"))
    assert message["text"].startswith("Yes. Compulsory motor insurance must be valid.")
    message, slots = await ask(
        action, tracker("When is the deadline?", slots={"service_id": "personal_income_tax"}, channel="web")
    )
    assert slots["service_aspect"] == "time" and "31 March" in message["text"].splitlines()[0]


async def test_a_bare_circumstance_applies_the_graded_rule(action: ActionAnswerService) -> None:
    """ "หมดมา4ปีแล้ว" after the licence renewal (unclear to the NLU): the step it falls in, not the
    fallback."""
    t = tracker("หมดมา4ปีแล้ว", slots={"service_id": "driving_license_renew"})
    t.latest_message["intent"] = {"name": "nlu_fallback", "confidence": 0.3}
    message, slots = await ask(action, t)
    assert slots["service_id"] == "driving_license_renew"
    assert message["text"].startswith("กรณีหมดอายุเกิน 3 ปี ต้องสอบข้อเขียนและสอบขับใหม่ค่ะ")


async def test_a_location_during_a_service_lists_its_offices(action: ActionAnswerService) -> None:
    """No office coordinates are kept: a pin shared after "ต่อที่ไหนได้บ้าง" gets the offices of that
    service; with no service, how to file a complaint at the spot."""
    pin = '/share_location{"latitude": 13.7563, "longitude": 100.5018}'
    t = tracker(pin, slots={"service_id": "id_card_renew", "service_aspect": "place"})
    t.latest_message["intent"] = {"name": "share_location", "confidence": 1.0}
    message, slots = await ask(action, t)
    assert slots == {"service_id": "id_card_renew", "service_aspect": "place"}
    assert message["text"].startswith(reply_for("service_location_no_search", "line").text)
    assert "สำนักทะเบียนอำเภอ" in message["text"]
    t = tracker(pin)
    t.latest_message["intent"] = {"name": "share_location", "confidence": 1.0}
    message, slots = await ask(action, t)
    assert message["text"] == reply_for("location_outside_form", "line").text and not slots


async def test_an_office_the_service_is_not_done_at_gets_no_before_an_faq_that_names_it_for_another_thing(
    action: ActionAnswerService,
) -> None:
    """The passport FAQ on a parent's consent given at the อำเภอ is no answer to "can I get it there?"."""
    message, slots = await ask(action, tracker("ทำพาสปอร์ตที่อำเภอได้ไหม"))
    assert slots["service_id"] == "passport_new"
    assert message["text"].startswith("ไม่ได้ค่ะ") and "กรมการกงสุล" in message["text"].splitlines()[0]


async def test_a_graded_verdict_that_is_the_faqs_own_sentence_is_said_once(
    action: ActionAnswerService,
) -> None:
    message, _ = await ask(action, tracker("รถอายุ9ปีต้องตรอไหม", slots={"service_id": "vehicle_tax"}))
    first, *rest = message["text"].splitlines()
    assert first.startswith("ต้องค่ะ") and "ตรอ" in first
    assert not any(line and line in first for line in rest)  # not repeated on the next line
