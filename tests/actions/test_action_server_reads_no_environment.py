"""Issue 9, "one configuration": the action server's actions read no environment.

`python -m actions` reads the environment once (`appconfig.AppSettings.from_environ`) and hands the
typed parts (action server, knowledge, cases with the process's one PrivacySettings, LINE content)
to every action module through `ActionContext`. Here the configuration is built from a plain dict;
then any read of os.environ by the project's own code raises while every action is built and some
are run (the guard is tests/channels/test_gateway_reads_no_environment.py's). A second test imports
every action module in a fresh interpreter under the same guard.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.context import ActionContext
from actions.registry import ACTION_MODULES, build_executor, load_actions
from appconfig import AppSettings
from db.migrate import upgrade
from privacy import PrivacySettings
from tests.actions.conftest import make_tracker
from tests.channels.test_gateway_reads_no_environment import (  # noqa: F401 (guarded_environ is a fixture)
    ROOT,
    guard_source,
    guarded_environ,
)


def _config(tmp_path: Path) -> AppSettings:
    url = f"sqlite:///{tmp_path / 'actions.db'}"
    upgrade(url)
    return AppSettings.from_environ(
        {
            "DATABASE_URL": url,
            **PrivacySettings.generate().to_environ(),
            "CASES_PHOTO_DIR": str(tmp_path / "photos"),
            "KNOWLEDGE_EMBEDDER": "none",  # BM25 only: no model to load here
            "KNOWLEDGE_CACHE_DIR": str(tmp_path / "emb"),
            "LINE_CHANNEL_ACCESS_TOKEN": "token",
        }
    )


@pytest.mark.usefixtures("guarded_environ")
async def test_every_action_is_built_and_run_without_reading_the_environment(tmp_path: Path) -> None:
    config = _config(tmp_path)  # what the entry point does with os.environ, done with a dict
    context = ActionContext.create(config)
    try:
        assert context.cases is not None and context.knowledge.backend == "none"
        assert context.cases.settings.privacy is config.privacy  # one key object per process
        assert context.settings.line_content.access_token == "token"
        executor = build_executor(context)
        actions = {action.name(): action for action in load_actions(context)}
        assert set(actions) == set(executor.actions)
        for name, text in (
            ("action_answer_service", "ทำบัตรประชาชนใหม่ใช้อะไรบ้าง"),
            ("action_delete_contact_data", "ลบข้อมูลของฉัน"),
            ("action_fallback_rephrase", "อะไรนะ"),
        ):
            dispatcher = CollectingDispatcher()
            await actions[name].run(dispatcher, make_tracker(text, channel="web"), {})
            assert dispatcher.messages, name
    finally:
        context.close()


def test_no_action_module_reads_the_environment_at_import_time() -> None:
    modules = ", ".join([*ACTION_MODULES, "actions.server", "actions.context", "appconfig"])
    script = guard_source() + textwrap.dedent(
        f"""
        os.environ = GuardedEnviron(os.environ)
        import {modules}
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
