"""Paths and tool look-up shared by the deployment tests (imported as tests.deploy.deploy_support)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent


def tool(name: str, how: str) -> Path:
    """The tool's path: the venv's own first, then PATH; a clear failure when it is absent."""
    local = VENV_BIN / name
    if local.exists():
        return local
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: {how}")
    return Path(found)
