"""The conversation benchmark's judge (bench/conversations/judge.py) and set loader: pure, no servers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.conversations.judge import (
    QuestionExpect,
    QuestionScore,
    Turn,
    answered_service,
    button_services,
    check_turn,
    find_button,
    is_english,
    parse_expect,
    parse_payload,
    score_question,
    yes_no_of,
)
from bench.conversations.run import message_for, readme_section, summarise, write_readme
from bench.conversations.sets import load_conversations, load_questions, load_set, referenced_ids

ASK = "action_answer_service"


def events(*pairs: tuple[str, Any], action: str = ASK) -> list[dict[str, Any]]:
    """Tracker events of one turn: the user message, then `action` setting the given slots."""
    out: list[dict[str, Any]] = [{"event": "user", "text": "…"}, {"event": "action", "name": action}]
    out += [{"event": "slot", "name": name, "value": value} for name, value in pairs]
    out.append({"event": "action", "name": "action_listen"})
    return out


def button(title: str, service: str | None = None, payload: str | None = None) -> dict[str, str]:
    if payload is None:
        payload = f'/ask_service{{"service_id":"{service}"}}' if service else "/request_human"
    return {"title": title, "payload": payload}


def answer_turn(service: str = "id_card_lost", aspect: str | None = None, text: str | None = None) -> Turn:
    return Turn(
        said="…",
        replies=[
            {"text": text or "ทำบัตรประจำตัวประชาชนใหม่ กรณีบัตรหาย\nเอกสารที่ใช้ค่ะ", "buttons": [button("เอกสาร")]}
        ],
        slots_before={},
        slots_after={"service_id": service, "service_aspect": aspect},
        events=events(("service_id", service), ("service_aspect", aspect)),
    )


UNSURE_TEXT = "ขออภัยค่ะ ยังไม่แน่ใจว่าหมายถึงบริการใด บริการที่ใกล้เคียงมีด้านล่างนี้ค่ะ"


def unsure_turn(*services: str, before: str | None = None) -> Turn:
    return Turn(
        said="…",
        replies=[
            {"text": UNSURE_TEXT, "buttons": [button(s, s) for s in services] + [button("คุยกับเจ้าหน้าที่")]}
        ],
        slots_before={"service_id": before},
        slots_after={"service_id": None},
        events=events(("service_id", None)),
    )


# -- yes / no ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("ได้ค่ะ ทำออนไลน์ผ่านแอปได้", "yes"),
        ("ไม่ได้ค่ะ ต้องไปด้วยตนเอง", "no"),
        ("ต้องค่ะ รายการเอกสารระบุไว้", "yes"),
        ("ไม่ต้องค่ะ แจ้งกับนายทะเบียนได้เลย", "no"),
        ("ใช่ค่ะ", "yes"),
        ("ไม่ใช่ค่ะ", "no"),
        ("มีค่าธรรมเนียมค่ะ\n• 100 บาท", "yes"),
        ("ไม่มีค่าธรรมเนียมค่ะ", "no"),
        ("ไม่เสียค่าธรรมเนียมค่ะ", "no"),
        ("เสียค่ะ 100 บาท", "yes"),
        ("ทำออนไลน์ได้ค่ะ ผ่านแอป", "yes"),
        ("ทำแทนไม่ได้ค่ะ ต้องมาเอง", "no"),
        ("ไม่จำเป็นค่ะ", "no"),
        ("Yes, you can apply online.", "yes"),
        ("No. You must apply in person.", "no"),
        ("You can't renew it online.", "no"),
        ("ยื่นได้ที่ค่ะ\n• สำนักงานเขต", None),
        ("ทำบัตรประจำตัวประชาชนใหม่ กรณีบัตรหาย\nไม่ได้ค่ะ", None),
        ("เอกสารที่ใช้ค่ะ", None),
        ("", None),
        ("Nothing to say", None),
    ],
)
def test_yes_no_of(text: str, expected: str | None) -> None:
    assert yes_no_of(text) == expected


def test_yes_no_check_wants_the_first_line_and_says_where_it_was() -> None:
    turn = answer_turn(text="ทำบัตรประจำตัวประชาชนใหม่ กรณีบัตรหาย\nไม่ได้ค่ะ\nต้องไปด้วยตนเอง")
    (failure,) = check_turn(turn, {"yes_no": "any"})
    assert "'no' on line 2" in failure.why
    assert check_turn(answer_turn(text="ไม่ได้ค่ะ ต้องไปเอง"), {"yes_no": "no"}) == []
    assert check_turn(answer_turn(text="ไม่ได้ค่ะ ต้องไปเอง"), {"yes_no": False}) == []  # YAML's bare `no`
    assert check_turn(answer_turn(text="ไม่ได้ค่ะ ต้องไปเอง"), {"yes_no": "yes"})[0].check == "yes_no"


# -- payloads, buttons, answers ----------------------------------------------------------------------
def test_payloads_and_button_services() -> None:
    assert parse_payload('/ask_service{"service_id":"passport_new","service_aspect":"fee"}') == (
        "ask_service",
        {"service_id": "passport_new", "service_aspect": "fee"},
    )
    assert parse_payload("/greet") == ("greet", {})
    assert parse_payload("ไม่มีรูป") is None
    turn = unsure_turn("id_card_new", "id_card_lost", "id_card_new")
    assert button_services(turn.buttons) == ["id_card_new", "id_card_lost"]


def test_find_button_exact_then_unique_prefix_or_part() -> None:
    turn = Turn("…", [{"text": "x", "buttons": [button("เอกสาร แจ้งเกิด", "a"), button("ที่ยื่น แจ้งเกิด", "b")]}])
    assert find_button(turn.buttons, "เอกสาร") is not None
    assert find_button(turn.buttons, "ที่ยื่น แจ้งเกิด").payload.endswith('"b"}')  # type: ignore[union-attr]
    assert find_button(turn.buttons, "แจ้งเกิด") is None  # two buttons contain it: ambiguous
    assert find_button(turn.buttons, "ค่าธรรมเนียม") is None


def test_answered_service_needs_the_action_to_set_the_slot_and_a_real_answer() -> None:
    assert answered_service(answer_turn("passport_new")) == "passport_new"
    assert answered_service(unsure_turn("a", "b")) is None
    # A button payload fills the slot from the entity, but the action then clarified: not an answer.
    clarified = Turn(
        "…",
        [{"text": UNSURE_TEXT}],
        slots_after={"service_id": "x"},
        events=[
            {"event": "user"},
            {"event": "slot", "name": "service_id", "value": "x"},
            *events(("service_aspect", None))[1:],
        ],
    )
    assert answered_service(clarified) is None
    # The slot set by the action but the reply is the fallback text: not an answer.
    fallback = answer_turn(text="ขออภัยค่ะ ยังไม่เข้าใจคำถามนี้ ลองพิมพ์ใหม่")
    assert answered_service(fallback) is None


# -- checks --------------------------------------------------------------------------------------------
def test_service_and_aspect_checks() -> None:
    turn = answer_turn("id_card_lost", "documents")
    assert check_turn(turn, {"service": "id_card_lost", "aspect": "documents"}) == []
    failed = check_turn(turn, {"service": "id_card_new", "aspect": "fee"})
    assert [f.check for f in failed] == ["service", "aspect"]
    still = unsure_turn("id_card_lost")
    still.slots_after = {"service_id": "id_card_lost"}  # slot kept but the reply is a clarification
    assert "not a service answer" in check_turn(still, {"service": "id_card_lost"})[0].why


def test_clarify_and_out_of_scope() -> None:
    turn = unsure_turn("house_registration_move_in", "house_registration_move_out")
    assert check_turn(turn, {"clarify": ["house_registration_move_out", "house_registration_move_in"]}) == []
    assert check_turn(turn, {"clarify": ["id_card_new"]})[0].check == "clarify"
    assert check_turn(turn, {"out_of_scope": True}) == []
    assert check_turn(answer_turn("electricity_meter"), {"out_of_scope": True})[0].why.startswith("answered")
    life = Turn("…", [{"text": "เรื่องที่ควรทำ"}], events=events(("life_event", "birth"), action="action_x"))
    assert "life event" in check_turn(life, {"out_of_scope": True})[0].why


def test_text_checks() -> None:
    turn = answer_turn(text="เรื่องนี้ยังไม่อยู่ในบริการที่ตอบได้ค่ะ ติดต่อการประปานครหลวง โทร 1125 ได้ค่ะ")
    assert check_turn(turn, {"refer_any": ["1125", "1662"], "not_contains": ["มิเตอร์ไฟฟ้า"]}) == []
    assert check_turn(turn, {"contains_any": "1662"})[0].check == "contains_any"
    assert check_turn(turn, {"not_contains": ["ประปา"]})[0].check == "not_contains"


def test_lang_and_english() -> None:
    assert is_english("Documents:\n1. Thai ID card\n2. House registration (ทะเบียนบ้าน)")
    assert not is_english("เอกสารที่ใช้ค่ะ ID card")
    turn = answer_turn(text="Passport: documents\n1. Thai ID card")
    assert check_turn(turn, {"lang": "en"}) == []
    assert check_turn(answer_turn(), {"lang": "en"})[0].check == "lang"


def test_small_talk() -> None:
    light = Turn("555", [{"text": "ยินดีค่ะ 😊 มีอะไรให้ช่วยอีกไหมคะ"}], events=events(action="utter_thank"))
    assert check_turn(light, {"small_talk": True}) == []
    fallback = Turn("555", [{"text": "ขออภัยค่ะ ยังไม่เข้าใจคำถามนี้"}], events=events(action="action_fallback"))
    assert check_turn(fallback, {"small_talk": True})[0].why == "fallback text"
    assert check_turn(answer_turn(), {"small_talk": True})[0].why.startswith("answered")
    long = Turn("555", [{"text": "ก" * 300}], events=events(action="utter_x"))
    assert "characters" in check_turn(long, {"small_talk": True})[0].why


def test_complaint_checks() -> None:
    turn = Turn(
        "…",
        [{"text": "รับเรื่องแล้วค่ะ เลขที่เรื่อง CM69-0001-2345", "buttons": [button("ไฟถนนดับ", payload="ไฟถนนดับ")]}],
        active_loop="complaint_form",
        requested_slot="complaint_location",
    )
    assert check_turn(turn, {"form_continues": True, "asks": "complaint_location", "filed": True}) == []
    labels = ["ไฟถนนดับ", "ขยะ ความสะอาด"]
    # One category button is the one-tap confirm of the category read; two or more are the menu.
    assert [f.check for f in check_turn(turn, {"no_new_complaint_menu": True}, complaint_labels=labels)] == []
    menu = Turn("…", [{"text": "เรื่องอะไรคะ", "buttons": [button(label, payload=label) for label in labels]}])
    failed = check_turn(menu, {"no_new_complaint_menu": True, "apology": True}, complaint_labels=labels)
    assert [f.check for f in failed] == ["no_new_complaint_menu", "apology"]
    assert check_turn(turn, {"form_continues": False})[0].check == "form_continues"
    # A step named plainly (the citizen set's author never saw the slot names) is that step's slot.
    assert check_turn(turn, {"asks": "location"}) == []
    assert check_turn(turn, {"asks": "photo"})[0].why == "requested slot is 'complaint_location'"


def test_unknown_check_fails() -> None:
    assert check_turn(answer_turn(), {"servise": "x"})[0].why == "unknown check"


# -- single questions ---------------------------------------------------------------------------------
def test_parse_expect() -> None:
    assert parse_expect("service:passport_new") == QuestionExpect("service", "passport_new")
    assert parse_expect("life_event:birth") == QuestionExpect("life_event", "birth")
    assert parse_expect("out_of_scope:1111|ประปา") == QuestionExpect("out_of_scope", "", ("1111", "ประปา"))
    assert parse_expect("out_of_scope:") == QuestionExpect("out_of_scope", "", ())
    with pytest.raises(ValueError):
        parse_expect("service:")
    with pytest.raises(ValueError):
        parse_expect("faq:x")


def both(score: QuestionScore) -> tuple[bool, bool]:
    return score.at1, score.at3


def test_score_question() -> None:
    service = QuestionExpect("service", "id_card_lost")
    assert both(score_question(answer_turn("id_card_lost"), service)) == (True, True)
    offered = unsure_turn("id_card_new", "id_card_renew", "id_card_lost", "passport_new")
    assert both(score_question(offered, service)) == (False, True)
    fourth = unsure_turn("a", "b", "c", "id_card_lost")
    assert both(score_question(fourth, service)) == (False, False)
    oos = QuestionExpect("out_of_scope", "", ("1125", "ประปา"))
    referral = Turn("…", [{"text": "ยังไม่อยู่ในบริการ ติดต่อการประปา 1125"}], events=events(("service_id", None)))
    assert score_question(referral, oos).at1
    assert not score_question(unsure_turn("electricity_meter"), oos).at1  # no hint
    assert not score_question(answer_turn("electricity_meter"), QuestionExpect("out_of_scope", "")).at1
    life = Turn(
        "…",
        [{"text": "สิ่งที่ควรทำ"}],
        slots_after={"life_event": "birth"},
        events=events(("life_event", "birth")),
    )
    assert score_question(life, QuestionExpect("life_event", "birth")).at1


# -- sets, messages, report ------------------------------------------------------------------------------
def test_load_set(tmp_path: Path) -> None:
    (tmp_path / "questions.tsv").write_text(
        "# comment\nservice:passport_new\tทำพาสปอร์ต\n\nout_of_scope:\tหวยออกอะไร\n", "utf-8"
    )
    (tmp_path / "conversations.yml").write_text(
        '- id: c1\n  channel: sms\n  turns:\n    - say: "[button] เอกสาร"\n'
        "      expect: {service: passport_new, clarify: [id_card_new], life_event: birth}\n",
        "utf-8",
    )
    evalset = load_set(tmp_path)
    assert [q.expect.kind for q in evalset.questions] == ["service", "out_of_scope"]
    assert evalset.conversations[0].channel == "sms"
    assert referenced_ids(evalset) == ({"passport_new", "id_card_new"}, {"birth"})


def test_loader_rejects_bad_files(tmp_path: Path) -> None:
    bad_tsv = tmp_path / "q.tsv"
    bad_tsv.write_text("service:x no tab here\n", "utf-8")
    with pytest.raises(ValueError, match="TAB"):
        load_questions(bad_tsv)
    bad_yml = tmp_path / "c.yml"
    bad_yml.write_text("- id: c1\n  turns:\n    - say: hi\n      expect: {servise: x}\n", "utf-8")
    with pytest.raises(ValueError, match="unknown checks"):
        load_conversations(bad_yml)
    bad_yml.write_text("- id: c1\n  channel: fax\n  turns: []\n", "utf-8")
    with pytest.raises(ValueError, match="channel"):
        load_conversations(bad_yml)


def test_authors_set_is_well_formed() -> None:
    from bench.conversations.run import check_ids

    evalset = load_set(Path(__file__).resolve().parents[2] / "bench" / "conversations" / "authors")
    assert len(evalset.questions) >= 100
    assert len(evalset.conversations) >= 30
    assert check_ids(evalset) == []


def test_message_for_buttons_location_photo() -> None:
    previous = Turn("…", [{"text": "x", "buttons": [button("บัตร ปชช. หาย/ชำรุด", "id_card_lost")]}])
    text, meta, problem = message_for("[button] หาย", previous)
    assert (
        text == '/ask_service{"service_id":"id_card_lost"}' and problem is None and meta["kind"] == "postback"
    )
    text, _, problem = message_for("[button] ไม่มี", previous)
    assert text == "ไม่มี" and problem is not None
    text, meta, _ = message_for("[location] 18.79,98.98", None)
    assert text == '/share_location{"latitude": 18.79, "longitude": 98.98}'
    assert meta["location"]["latitude"] == 18.79
    text, meta, _ = message_for("[photo]", None)
    assert text == "/share_image" and meta["media_id"]


def test_summary_and_readme_section(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    questions = [
        {"kind": "service", "at1": True, "at3": True},
        {"kind": "service", "at1": False, "at3": True},
        {"kind": "out_of_scope", "at1": True, "at3": True},
    ]
    conversations = {
        "c1": [{"ok": True, "failures": []}],
        "c2": [{"ok": True, "failures": []}, {"ok": False, "failures": [{"check": "service"}]}],
    }
    summary = summarise("authors", questions, conversations)
    assert summary["questions"]["recall@1"] == 0.667 and summary["questions"]["recall@3"] == 1.0
    assert (
        summary["conversations"]["fully_right"] == 1 and summary["conversations"]["turn_pass_rate"] == 0.667
    )
    section = readme_section([summary], {"when": "2026-12-05 13:00 UTC", "model": "m.tar.gz"}, "cmd")
    readme = tmp_path / "README.md"
    readme.write_text(
        "# B\n\n<!-- conversations:start -->\nold\n<!-- conversations:end -->\n\ntail\n", "utf-8"
    )
    monkeypatch.setattr("bench.conversations.run.README", readme)
    write_readme(section)
    text = readme.read_text("utf-8")
    assert "old" not in text and "| authors | 3 | **0.667** | **1.000** |" in text and text.endswith("tail\n")
