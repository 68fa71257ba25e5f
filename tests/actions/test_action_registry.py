"""Every action the domain names is served; handover and restart emit what Rasa and the gateway need."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml
from rasa_sdk.events import Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import ActionContext
from actions.handover import ActionHandover
from actions.registry import ACTION_MODULES, build_executor
from actions.restart import ActionRestart
from actions.settings import ActionSettings
from appconfig import AppSettings, FeatureOff
from db.migrate import upgrade
from tests.actions.desks import IN_HOURS, make_desk

ROOT = Path(__file__).resolve().parents[2]


def _domain_actions() -> set[str]:
    """Custom actions of every domain file (features declare theirs in their own file)."""
    names: set[str] = set()
    for path in sorted((ROOT / "bot/domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names.update(a for a in data.get("actions", []) if not a.startswith("utter_"))
    return names


def test_executor_serves_every_custom_action_of_the_domain(tmp_path):
    config = AppSettings.from_environ({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    upgrade(config.database_url)  # as the server does before building actions
    context = ActionContext.create(config)
    try:
        executor = build_executor(context)
    finally:
        context.close()
    served = set(executor.actions)
    expected = _domain_actions()
    if importlib.util.find_spec("actions.service") is None:
        # The knowledge base action is optional in a checkout without actions/service.py.
        expected.discard("action_answer_service")
    assert expected <= served, expected - served
    assert served <= expected | {"action_answer_service"}, served - expected


def test_duplicate_action_names_fail_at_start_up(tmp_path):
    config = AppSettings.from_environ({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    context = ActionContext.create(config)
    with pytest.raises(RuntimeError, match="registered twice"):
        build_executor(context, ("actions.handover", "actions.handover"))
    context.close()


def test_registry_lists_modules_explicitly():
    assert "actions.fallback" in ACTION_MODULES and "actions.service" in ACTION_MODULES


def test_settings_defaults_and_bad_port():
    settings = ActionSettings.from_environ({})
    assert (settings.host, settings.port) == ("127.0.0.1", 5055)
    assert settings.database_url.startswith("sqlite:///")
    with pytest.raises(ValueError, match="ACTION_PORT"):
        ActionSettings.from_environ({"ACTION_PORT": "abc"})


def test_line_content_base_has_the_gateways_name_and_the_older_one():
    base = ActionSettings.from_environ({"LINE_DATA_API_BASE": "http://a/", "LINE_API_DATA_BASE": "http://b"})
    assert base.line_content.data_base == "http://a"
    older = ActionSettings.from_environ({"LINE_API_DATA_BASE": "http://b/"})
    assert older.line_content.data_base == "http://b"


def test_the_context_refuses_unusable_knowledge_settings(tmp_path):
    config = AppSettings.from_environ(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "KNOWLEDGE_EMBEDDER": "nope"}
    )
    with pytest.raises(FeatureOff, match="KNOWLEDGE_EMBEDDER"):
        ActionContext.create(config)


async def test_handover_sets_the_slot_and_tells_the_gateway(make_tracker, sqlite_sessions):
    """In office hours (tests/actions/test_handover.py has the rest: out of hours, the call-back)."""
    dispatcher = CollectingDispatcher()
    action = ActionHandover(make_desk(sqlite_sessions, now=IN_HOURS))
    events = await action.run(dispatcher, make_tracker("ใช่", intent="affirm"), {})
    assert SlotSet("handover", True) in events
    request = dispatcher.messages[1]["custom"]["handover"]
    assert (request["reason"], request["agency"], request["service"]) == ("request_human", "gcc1111", None)


async def test_restart_answers_in_thai_with_the_menu(make_tracker):
    dispatcher = CollectingDispatcher()
    events = await ActionRestart().run(dispatcher, make_tracker("/restart", intent="restart"), {})
    assert events == [Restarted()]
    assert dispatcher.messages[0]["text"].startswith("เริ่มต้นใหม่แล้วค่ะ")
    assert len(dispatcher.messages[0]["buttons"]) == 4
