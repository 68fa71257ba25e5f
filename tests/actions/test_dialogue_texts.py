"""The bot's texts: one voice (ค่ะ/คะ), buttons that fit LINE, SMS variants that fit the budget."""

from __future__ import annotations

from pathlib import Path

import pytest
import smsutil
import yaml

from actions.replies import REPLIES

ROOT = Path(__file__).resolve().parents[2]
LINE_LABEL_MAX = 20  # quick reply label limit
SMS_MAX_SEGMENTS = 2  # the gateway's budget is 3; the bot's own texts leave room for numbered options


def _domain_responses() -> dict[str, list[dict]]:
    data = yaml.safe_load((ROOT / "bot/domain/responses.yml").read_text(encoding="utf-8"))
    return data["responses"]


def _all_variants():
    for name, variants in _domain_responses().items():
        for variant in variants:
            yield (
                name,
                variant.get("channel", "default"),
                variant.get("text", ""),
                variant.get("buttons") or [],
            )
    for name, variants in REPLIES.items():
        for channel, reply in variants.items():
            buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
            yield name, channel, reply.text, buttons


ALL = list(_all_variants())


@pytest.mark.parametrize(("name", "channel", "text", "buttons"), ALL, ids=[f"{a}-{b}" for a, b, *_ in ALL])
def test_voice_and_buttons(name, channel, text, buttons):
    assert text.strip()
    assert "ครับ" not in text and "ผม" not in text  # the bot speaks with ค่ะ/คะ
    if name.startswith("en_"):  # English answers (actions/service_english.py): no Thai voice particles
        assert text.isascii() or "“" in text
    else:
        assert "ค่ะ" in text or "คะ" in text or (channel == "sms" and len(text) < 60) or text == "{question}"
    for button in buttons:
        assert 0 < len(button["title"]) <= LINE_LABEL_MAX, button
        assert button["payload"].strip()
    if channel == "sms":
        segments = smsutil.split(text.replace("{case_id}", "CM69-1234-5675"))
        assert len(segments.parts) <= SMS_MAX_SEGMENTS, (name, len(segments.parts))


def test_every_reply_has_a_default():
    assert all("default" in variants for variants in REPLIES.values())
