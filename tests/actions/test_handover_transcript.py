"""The agent's view of the conversation so far comes from Rasa's tracker: this session only, citizen and
bot texts in order, button payloads left out, long texts cut."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.handover_transcript import MAX_CHARS, MAX_LINES, session_transcript


def tracker(events: list[dict[str, object]]) -> Tracker:
    return Tracker("line:U1", {}, {}, events, False, None, {}, "action_listen")


def test_this_session_in_order_without_payloads() -> None:
    events: list[dict[str, object]] = [
        {"event": "user", "text": "เมื่อวานถามเรื่องอื่น"},
        {"event": "session_started"},
        {"event": "user", "text": "บัตรประชาชนหายค่ะ"},
        {"event": "action", "name": "action_service_answer"},
        {"event": "bot", "text": "แจ้งบัตรหายที่อำเภอค่ะ", "data": {"buttons": []}},
        {"event": "user", "text": "/request_human"},
        {"event": "bot", "text": ""},
        {"event": "user", "text": "ขอคุยกับคนค่ะ"},
    ]
    assert session_transcript(tracker(events)) == [
        {"author": "citizen", "text": "บัตรประชาชนหายค่ะ"},
        {"author": "bot", "text": "แจ้งบัตรหายที่อำเภอค่ะ"},
        {"author": "citizen", "text": "ขอคุยกับคนค่ะ"},
    ]


def test_long_sessions_keep_the_latest_lines_cut_to_size() -> None:
    events: list[dict[str, object]] = [
        {"event": "user", "text": f"ข้อความ {n} " + "ก" * 2000} for n in range(100)
    ]
    lines = session_transcript(tracker(events))
    assert len(lines) == MAX_LINES
    assert lines[-1]["text"].startswith("ข้อความ 99 ") and len(lines[-1]["text"]) == MAX_CHARS
