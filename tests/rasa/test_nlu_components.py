"""The Thai NLU graph components inside Rasa 3.6: tokenizer offsets, entity output, a real train/parse.

A tiny pipeline is trained through Rasa's own ``train_nlu`` and loaded with ``Agent.load``, so
registration, persistence in ModelStorage and loading are all exercised for real.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from rasa.core.agent import Agent
from rasa.model_training import train_nlu
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.case_ref import make_case_ref
from nlu.components.entity_extractor import ThaiEntityExtractor
from nlu.components.tokenizer import ThaiTokenizer

CASE = make_case_ref("CM", 2569, 1234567)
VALID_ID = "1101700230708"

CONFIG = """
recipe: default.v1
language: th
pipeline:
  - name: nlu.components.tokenizer.ThaiTokenizer
  - name: nlu.components.intent_classifier.ThaiIntentClassifier
    calibration_folds: 2
    char_min_df: 1
  - name: nlu.components.entity_extractor.ThaiEntityExtractor
  - name: FallbackClassifier
    threshold: 0.4
"""

NLU = """
version: "3.1"
nlu:
  - intent: greet
    examples: |
      - สวัสดีครับ
      - หวัดดีค่ะ
      - สวัสดีจ้าแอดมิน
      - hello ครับ
      - ดีครับพี่
      - หวัดดีจ้าาา
  - intent: check_case_status
    examples: |
      - ติดตามเรื่อง [CM69-1234-5675](case_id) หน่อยครับ
      - เรื่องร้องเรียนของผมถึงไหนแล้ว
      - เช็คสถานะคำร้องได้ไหมคะ
      - ขอดูความคืบหน้าเรื่องที่แจ้งไว้
      - เรื่องเลขที่ [AP69-0000-0421](case_id) เป็นยังไงบ้าง
      - สถานะเรื่องตอนนี้คืออะไร
  - intent: ask_service
    examples: |
      - ทำบัตรประชาชนใหม่ต้องใช้อะไรบ้าง
      - ย้ายทะเบียนบ้านทำยังไง
      - ต่อใบขับขี่ได้ที่ไหน
      - ทำพาสปอร์ตใช้เวลากี่วัน
      - สมัครบัตรสวัสดิการแห่งรัฐที่ไหน
      - ขอเบี้ยยังชีพผู้สูงอายุต้องทำไง
  - intent: thank
    examples: |
      - ขอบคุณครับ
      - ขอบคุณมากค่ะ
      - thank you นะ
      - ขอบใจจ้า
      - ขอบคุณมากกกก
      - thx ครับ
"""


def message(text: str) -> Message:
    return Message(data={TEXT: text})


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Agent:
    workdir = tmp_path_factory.mktemp("nlu-model")
    (workdir / "config.yml").write_text(CONFIG, encoding="utf-8")
    (workdir / "nlu.yml").write_text(NLU, encoding="utf-8")
    # Rasa's training cache keys on config and data, not on our code: disable it so the
    # components really train here instead of being restored from an earlier run.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RASA_MAX_CACHE_SIZE", "0")
        model = train_nlu(
            config=str(workdir / "config.yml"),
            nlu_data=str(workdir / "nlu.yml"),
            output=str(workdir),
            fixed_model_name="tiny",
        )
    assert model is not None and Path(model).exists()
    return Agent.load(model)


# --- ThaiTokenizer -------------------------------------------------------------------------


def test_tokenizer_offsets_index_the_original_text() -> None:
    text = "ขอบคุณมากกกก\u200bครับ โทร ๐๘๑-๒๓๔-๕๖๗๘ 😀"
    msg = message(text)
    ThaiTokenizer(ThaiTokenizer.get_default_config()).process([msg])
    tokens = msg.get(TOKENS_NAMES[TEXT])
    assert [text[t.start : t.end] for t in tokens] == [
        "ขอบคุณ", "มากกกก", "ครับ", "โทร", "๐๘๑", "-", "๒๓๔", "-", "๕๖๗๘", "😀",
    ]  # fmt: skip
    assert tokens[4].text == "081"  # token text is normalised, offsets are not


def test_tokenizer_keeps_domain_words_whole() -> None:
    msg = message("ย้ายทะเบียนบ้านที่ที่ว่าการอำเภอได้ไหม")
    ThaiTokenizer(ThaiTokenizer.get_default_config()).process([msg])
    words = [t.text for t in msg.get(TOKENS_NAMES[TEXT])]
    assert "ทะเบียนบ้าน" in words and "ที่ว่าการอำเภอ" in words


def test_tokenizer_splits_intents_when_asked() -> None:
    config = {**ThaiTokenizer.get_default_config(), "intent_tokenization_flag": True}
    example = Message.build(text="เช็คสถานะเรื่อง", intent="check_case_status")
    ThaiTokenizer(config).process_training_data(TrainingData([example]))
    assert [t.text for t in example.get(TOKENS_NAMES[INTENT])] == ["check", "case", "status"]


@pytest.mark.parametrize("text", ["", "   ", "\u200b"])
def test_tokenizer_empty_text(text: str) -> None:
    msg = message(text)
    ThaiTokenizer(ThaiTokenizer.get_default_config()).process([msg])
    assert msg.get(TOKENS_NAMES[TEXT], []) == []


# --- ThaiEntityExtractor -------------------------------------------------------------------


def test_entity_extractor_output_shape() -> None:
    text = f"เรื่อง {CASE.lower()} เบอร์ 081-234-5678 บัตร {VALID_ID}"
    msg = message(text)
    ThaiEntityExtractor(ThaiEntityExtractor.get_default_config()).process([msg])
    entities = msg.get(ENTITIES)
    assert [(e["entity"], e["value"], text[e["start"] : e["end"]]) for e in entities] == [
        ("case_id", CASE, CASE.lower()),
        ("phone", "+66812345678", "081-234-5678"),
        ("citizen_id", VALID_ID, VALID_ID),
    ]
    assert all(e["extractor"] == "ThaiEntityExtractor" for e in entities)
    assert entities[0]["check"] == "valid"
    assert ENTITIES in msg.output_properties


def test_entity_extractor_dimensions_and_validation() -> None:
    msg = message(f"เบอร์ 0812345678 บัตร {VALID_ID}")
    ThaiEntityExtractor({"dimensions": ["phone"]}).process([msg])
    assert [e["entity"] for e in msg.get(ENTITIES)] == ["phone"]
    with pytest.raises(ValueError):
        ThaiEntityExtractor({"dimensions": ["email"]})


def test_entity_extractor_ignores_a_failed_checksum() -> None:
    msg = message("เลขบัตร 1101700230709")
    ThaiEntityExtractor(ThaiEntityExtractor.get_default_config()).process([msg])
    assert msg.get(ENTITIES) == []


# --- trained pipeline ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("สวัสดีค่ะ", "greet"),
        ("ขอบคุณมากครับ", "thank"),
        ("อยากทำบัตรประชาชนใหม่", "ask_service"),
        ("เรื่องที่ร้องเรียนไปถึงไหนแล้วครับ", "check_case_status"),
    ],
)
def test_trained_pipeline_classifies(agent: Agent, text: str, intent: str) -> None:
    parsed = run(agent.parse_message(text))
    assert parsed["intent"]["name"] == intent
    ranking = parsed["intent_ranking"]
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)
    real = [r for r in ranking if r["name"] != "nlu_fallback"]
    assert sum(r["confidence"] for r in real) == pytest.approx(1.0, abs=1e-6)


def test_trained_pipeline_extracts_entities(agent: Agent) -> None:
    text = f"ติดตามเรื่อง {CASE} ครับ"
    parsed = run(agent.parse_message(text))
    assert parsed["intent"]["name"] == "check_case_status"
    [entity] = parsed["entities"]
    assert (entity["entity"], entity["value"], entity["extractor"]) == (
        "case_id",
        CASE,
        "ThaiEntityExtractor",
    )
    assert text[entity["start"] : entity["end"]] == CASE


@pytest.mark.parametrize(
    "text",
    [
        "",
        "😀😀😀",
        "?!?!...",
        "ก" * 5000,
        "๑๒๓๔๕",
        "สวัส\u200bดี\u200dครับ",
        "1101700230709",
        "hello ขอบคุณ mak mak",
    ],
)
def test_trained_pipeline_survives_bad_input(agent: Agent, text: str) -> None:
    parsed = run(agent.parse_message(text))
    assert parsed["text"] == text
    assert parsed["intent"]["name"] is not None
    assert 0.0 <= parsed["intent"]["confidence"] <= 1.0


@pytest.mark.parametrize("text", ["qwzx plmk vbnr", "", "!!!", "😀😀😀", "1101700230709"])
def test_messages_without_known_words_fall_back(agent: Agent, text: str) -> None:
    parsed = run(agent.parse_message(text))
    assert parsed["intent"]["name"] == "nlu_fallback"
