"""Who is asking: channel, namespaced sender id, and on SMS the number the gateway sealed — believed
only when the gateway signed it (privacy/identity.py)."""

from __future__ import annotations

import logging

import pytest
from rasa_sdk import Tracker

from actions.case_runtime import asker_of, build_case_runtime
from appconfig import AppSettings
from cases.settings import CasesSettings
from privacy import PersonalData, PrivacySettings
from privacy.identity import GatewayIdentity

KEYS = PrivacySettings.generate()


def signed(sender_id: str, metadata: dict[str, object], keys: PrivacySettings = KEYS) -> dict[str, object]:
    """Metadata as the gateway sends it: channel and user id, signed with the shared keys."""
    channel = sender_id.split(":", 1)[0]
    return GatewayIdentity(keys).sign({"channel": channel, "user_id": sender_id, **metadata})


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
    sender = "sms:" + "a" * 32
    asker = asker_of(_tracker(sender, signed(sender, {"extra": {"n": sealed}})), runtime)
    assert (asker.channel, asker.sms_number, asker.verified) == ("sms", "+66812345678", True)
    assert asker.can_receive_updates


def test_a_token_sealed_under_another_key_gives_no_number(tmp_path, caplog: pytest.LogCaptureFixture):
    runtime = build_case_runtime(_env(tmp_path))
    sealed = PersonalData(PrivacySettings.generate()).seal("+66812345678")
    with caplog.at_level(logging.WARNING):
        sender = "sms:" + "b" * 32
        asker = asker_of(_tracker(sender, signed(sender, {"extra": {"n": sealed}})), runtime)
    assert asker.sms_number is None and asker.verified and not asker.can_receive_updates
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
    line_user = "line:U" + "1" * 32
    line = asker_of(_tracker(line_user, signed(line_user, {})), runtime)
    web = asker_of(_tracker("web:abc", signed("web:abc", {})), runtime)
    assert (line.channel, line.sender_id, line.sms_number) == ("line", line_user, None)
    assert web.channel == "web" and web.sender_id == "web:abc"


def test_a_rest_sender_id_is_never_taken_for_a_channel(tmp_path):
    runtime = build_case_runtime(_env(tmp_path))
    asker = asker_of(_tracker("somebody:0812345678", {}), runtime)
    assert asker.channel == "rest" and asker.sms_number is None
    rest = asker_of(_tracker("somebody", {}, input_channel="rest"), runtime)
    assert (rest.channel, rest.sender_id, rest.verified) == ("rest", "rest:somebody", False)
    assert not rest.can_receive_updates


def test_unsigned_or_foreign_metadata_makes_an_anonymous_asker(tmp_path, caplog: pytest.LogCaptureFixture):
    """What the REST channel, the tracker-events API or a co-tenant can send: a LINE sender id with
    LINE metadata, unsigned or signed under other keys, is not that LINE user."""
    runtime = build_case_runtime(_env(tmp_path))
    line_user = "line:U" + "2" * 32
    claims = [
        {"channel": "line", "user_id": line_user},
        signed(line_user, {}, keys=PrivacySettings.generate()),
    ]
    with caplog.at_level(logging.WARNING):
        askers = [asker_of(_tracker(line_user, claim, input_channel="line"), runtime) for claim in claims]
    assert [(a.channel, a.sender_id, a.verified) for a in askers] == [
        ("rest", "rest:" + line_user, False)
    ] * 2
    assert line_user not in caplog.text


def test_without_a_runtime_the_asker_keeps_the_channel_for_wording_only(tmp_path):
    asker = asker_of(_tracker("line:U" + "3" * 32, {"channel": "line"}, input_channel="line"), None)
    assert (asker.channel, asker.verified, asker.can_receive_updates) == ("line", False, False)


async def test_a_rest_sender_is_never_asked_to_consent_to_updates(tmp_path):
    """Issue 11: over Rasa's REST channel a complaint cannot be followed by notices, so the form never
    asks for consent to them; a LINE citizen the gateway vouched for is asked."""
    from rasa_sdk.executor import CollectingDispatcher

    from actions.complaint import ValidateComplaintForm

    form = ValidateComplaintForm(build_case_runtime(_env(tmp_path)))
    domain_slots = ["complaint_category", "complaint_description", "complaint_location", "contact_consent"]
    line_user = "line:U" + "5" * 32
    asked = {}
    for who, tracker in {
        "rest": _tracker("me", {}, input_channel="rest"),
        "rest named like LINE": _tracker(line_user, {}, input_channel="rest"),
        "line": _tracker(line_user, signed(line_user, {}), input_channel="line"),
    }.items():
        slots = await form.required_slots(domain_slots, CollectingDispatcher(), tracker, {})
        asked[who] = "contact_consent" in slots
    assert asked == {"rest": False, "rest named like LINE": False, "line": True}
