"""Who is asking: channel, namespaced sender id, and on SMS the number the gateway sealed."""

from __future__ import annotations

import secrets

from rasa_sdk import Tracker

from actions.case_runtime import asker_of, build_case_runtime
from channels.sms.numbers import NumberVault

KEY = secrets.token_hex(32)


def _tracker(sender_id: str, metadata: dict[str, object], input_channel: str | None = None) -> Tracker:
    latest = {"text": "สวัสดีค่ะ", "intent": {"name": "greet"}, "entities": [], "metadata": metadata}
    return Tracker(
        sender_id,
        {},
        latest,
        [{"event": "user", "metadata": metadata, "input_channel": input_channel}],
        False,
        None,
        {},
        "action_listen",
    )


def test_without_the_cases_key_the_runtime_is_absent_not_an_error(tmp_path):
    assert build_case_runtime({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}) is None


def test_sms_asker_gets_the_number_the_gateway_sealed(tmp_path):
    runtime = build_case_runtime(
        {"CASES_SECRET_KEY": KEY, "SMS_WEBHOOK_SECRET": "s3cret", "CASES_PHOTO_DIR": str(tmp_path)}
    )
    assert runtime is not None
    sealed = NumberVault("s3cret").seal("+66812345678")
    asker = asker_of(_tracker("sms:" + "a" * 32, {"channel": "sms", "extra": {"n": sealed}}), runtime)
    assert (asker.channel, asker.sms_number) == ("sms", "+66812345678")


def test_a_token_sealed_under_another_key_gives_no_number(tmp_path):
    runtime = build_case_runtime(
        {"CASES_SECRET_KEY": KEY, "SMS_WEBHOOK_SECRET": "s3cret", "CASES_PHOTO_DIR": str(tmp_path)}
    )
    sealed = NumberVault("other").seal("+66812345678")
    asker = asker_of(_tracker("sms:" + "b" * 32, {"channel": "sms", "extra": {"n": sealed}}), runtime)
    assert asker.sms_number is None


def test_line_and_web_askers_are_their_sender_ids(tmp_path):
    runtime = build_case_runtime({"CASES_SECRET_KEY": KEY, "CASES_PHOTO_DIR": str(tmp_path)})
    line = asker_of(_tracker("line:U" + "1" * 32, {"channel": "line"}), runtime)
    web = asker_of(_tracker("web:abc", {}), runtime)
    assert (line.channel, line.sms_number) == ("line", None)
    assert web.channel == "web" and web.sender_id == "web:abc"


def test_a_rest_sender_id_is_never_taken_for_a_channel(tmp_path):
    runtime = build_case_runtime({"CASES_SECRET_KEY": KEY, "CASES_PHOTO_DIR": str(tmp_path)})
    asker = asker_of(_tracker("somebody:0812345678", {}), runtime)
    assert asker.channel == "rest" and asker.sms_number is None
    assert asker_of(_tracker("somebody", {}, input_channel="rest"), runtime).channel == "rest"
