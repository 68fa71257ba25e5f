"""Who is asking: channel, namespaced sender id, and on SMS the number the gateway sealed."""

from __future__ import annotations

import logging

import pytest
from rasa_sdk import Tracker

from actions.case_runtime import asker_of, build_case_runtime
from appconfig import AppSettings
from cases.settings import CasesSettings
from privacy import PersonalData, PrivacySettings

KEYS = PrivacySettings.generate()


def _env(tmp_path, keys: PrivacySettings = KEYS) -> CasesSettings | None:
    """The cases part of the configuration `python -m actions` reads once at start-up."""
    return AppSettings.from_environ({**keys.to_environ(), "CASES_PHOTO_DIR": str(tmp_path)}).cases


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


def test_without_the_key_setting_the_runtime_is_absent_not_an_error(tmp_path):
    config = AppSettings.from_environ({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert config.cases is None and "PERSONAL_DATA_KEYS" in config.off["cases"]
    assert build_case_runtime(config.cases, why_off=config.off["cases"]) is None


def test_sms_asker_gets_the_number_the_gateway_sealed(tmp_path):
    runtime = build_case_runtime(_env(tmp_path))
    assert runtime is not None
    sealed = PersonalData(KEYS).seal("+66812345678")  # what the gateway puts in metadata.extra.n
    asker = asker_of(_tracker("sms:" + "a" * 32, {"channel": "sms", "extra": {"n": sealed}}), runtime)
    assert (asker.channel, asker.sms_number) == ("sms", "+66812345678")


def test_a_token_sealed_under_another_key_gives_no_number(tmp_path, caplog: pytest.LogCaptureFixture):
    runtime = build_case_runtime(_env(tmp_path))
    sealed = PersonalData(PrivacySettings.generate()).seal("+66812345678")
    with caplog.at_level(logging.WARNING):
        asker = asker_of(_tracker("sms:" + "b" * 32, {"channel": "sms", "extra": {"n": sealed}}), runtime)
    assert asker.sms_number is None
    assert "812345678" not in caplog.text


def test_the_legacy_cases_key_still_runs_the_cases_feature(
    tmp_path, caplog: pytest.LogCaptureFixture, monkeypatch
):
    monkeypatch.setattr("privacy.settings._LOGGED", set())  # the line is logged once per process
    with caplog.at_level(logging.WARNING, logger="privacy"):
        config = AppSettings.from_environ({"CASES_SECRET_KEY": "ab" * 32, "CASES_PHOTO_DIR": str(tmp_path)})
        runtime = build_case_runtime(config.cases)
    assert runtime is not None and runtime.personal_data.keyring.current_kid == "legacy"
    assert "CASES_SECRET_KEY read as legacy key" in caplog.text


def test_line_and_web_askers_are_their_sender_ids(tmp_path):
    runtime = build_case_runtime(_env(tmp_path))
    line = asker_of(_tracker("line:U" + "1" * 32, {"channel": "line"}), runtime)
    web = asker_of(_tracker("web:abc", {}), runtime)
    assert (line.channel, line.sms_number) == ("line", None)
    assert web.channel == "web" and web.sender_id == "web:abc"


def test_a_rest_sender_id_is_never_taken_for_a_channel(tmp_path):
    runtime = build_case_runtime(_env(tmp_path))
    asker = asker_of(_tracker("somebody:0812345678", {}), runtime)
    assert asker.channel == "rest" and asker.sms_number is None
    assert asker_of(_tracker("somebody", {}, input_channel="rest"), runtime).channel == "rest"
