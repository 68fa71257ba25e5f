"""The bot's texts: one voice (ค่ะ/คะ), buttons that fit LINE, SMS variants that fit the budget.

Checked everywhere a text lives: the responses of every bot/domain/*.yml file and the whole
catalogue in actions/replies.py (REPLIES, the buttons and the fragments put into replies).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import smsutil
import yaml

from actions import replies
from actions.replies import REPLIES

ROOT = Path(__file__).resolve().parents[2]
LINE_LABEL_MAX = 20  # quick reply label limit
SMS_MAX_SEGMENTS = 2  # the gateway's budget is 3; the bot's own texts leave room for numbered options


def _domain_responses() -> dict[str, list[dict]]:
    """Responses of every domain file: responses.yml and the feature files (complaint.yml, …)."""
    responses: dict[str, list[dict]] = {}
    for path in sorted((ROOT / "bot/domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        responses.update(data.get("responses") or {})
    return responses


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


def _catalogue_buttons():
    for name in dir(replies):
        value = getattr(replies, name)
        if isinstance(value, replies.Button):
            yield name, value
        elif isinstance(value, (tuple, list)):
            yield from ((name, b) for b in value if isinstance(b, replies.Button))
        elif isinstance(value, dict):
            yield from ((name, b) for b in value.values() if isinstance(b, replies.Button))


def test_domain_files_are_all_read():
    names = _domain_responses()
    assert "utter_greet" in names and "utter_share_sticker" in names and "utter_chitchat" in names


def test_catalogue_buttons_fit_line():
    found = list(_catalogue_buttons())
    assert len(found) > 10
    for name, button in found:
        assert 0 < len(button.title) <= LINE_LABEL_MAX, (name, button)
        assert button.payload.strip(), (name, button)


FRAGMENTS = [
    *(("PHRASES", key, text) for key, text in replies.PHRASES.items()),
    *(("DEFAULT_NEXT_STEP", key, text) for key, text in replies.DEFAULT_NEXT_STEP.items()),
    *(("CHANNEL_NAMES", key, text) for key, text in replies.CHANNEL_NAMES.items()),
    *(("COMPLAINT_CATEGORIES", key, text) for key, text in replies.COMPLAINT_CATEGORIES.items()),
    *(("ASPECT_BUTTON_LABELS", key, text) for key, text in replies.ASPECT_BUTTON_LABELS.items()),
]


@pytest.mark.parametrize(("table", "key", "text"), FRAGMENTS, ids=[f"{a}-{b}" for a, b, _ in FRAGMENTS])
def test_fragments_keep_the_voice(table, key, text):
    """Fragments go into a reply's {placeholders}: no male voice, short enough for SMS and buttons."""
    assert text.strip()
    assert "ครับ" not in text and "ผม" not in text
    if table in ("COMPLAINT_CATEGORIES", "ASPECT_BUTTON_LABELS"):
        assert len(text) <= LINE_LABEL_MAX


def test_one_set_of_consent_words():
    """Both forms read consent with replies.consent_answer; the button titles are understood."""
    for button in replies.CONSENT_BUTTONS:
        assert replies.consent_answer(button.title) is (button.payload == "/affirm")
    assert replies.consent_answer(" ยินยอม\u200b ") is True
    assert replies.consent_answer("OK") is True
    assert replies.consent_answer("ไม่ยินยอมค่ะ") is False
    assert replies.consent_answer("อาจจะ") is None
    for button in replies.CONFIRM_BUTTONS[:2]:
        assert replies.confirm_answer(button.title) in ("yes", "edit")
