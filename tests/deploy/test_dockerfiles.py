"""The two Dockerfiles: hadolint finds nothing, and the rules an agency's IT team checks hold —
pinned base images, a non-root user, a HEALTHCHECK, no secret baked in, the CPU build of torch, the
project's own pinned requirement files. A deliberately broken copy shows the checks can fail."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.deploy.deploy_support import DEPLOY, ROOT

DOCKERFILES = sorted((DEPLOY / "docker").glob("*.Dockerfile"))
SECRET_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|PASSWD|KEYS?|CREDENTIALS?)$", re.IGNORECASE)


def hadolint_findings(hadolint: Path, dockerfile: Path) -> list[dict[str, object]]:
    run = subprocess.run(
        [str(hadolint), "--format", "json", "--no-fail", str(dockerfile)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return list(json.loads(run.stdout or "[]"))


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text(encoding="utf-8"))
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


def policy_violations(dockerfile: Path) -> list[str]:
    """What an image built from this file would get wrong, beyond hadolint's rules."""
    found = []
    steps = instructions(dockerfile)
    for word, args in steps:
        if word == "FROM":
            image = args.split()[0]
            if image.startswith("$") or "@sha256:" in image:
                continue
            tag = image.rpartition(":")[2] if ":" in image else ""
            if not re.match(r"^\d+\.\d+\.\d+", tag):
                found.append(f"base image {image} is not pinned to an exact release or digest")
        if word in ("ENV", "ARG"):
            for name, value in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=(\S*)", args) or [(args.split()[0], "")]:
                if SECRET_NAME.search(name):
                    found.append(f"{word} {name}: secrets come from the environment at run time")
                if value.startswith(("postgresql://", "redis://", "amqp://")) and "@" in value:
                    found.append(f"{word} {name} holds credentials")
    last_stage = steps[max(i for i, (w, _) in enumerate(steps) if w == "FROM") :]
    users = [args for word, args in last_stage if word == "USER"]
    if not users:
        found.append("the final stage has no USER: the processes would run as root")
    elif users[-1].split(":")[0] in ("0", "root"):
        found.append(f"the final stage runs as {users[-1]}")
    if not any(word == "HEALTHCHECK" for word, _ in last_stage):
        found.append("no HEALTHCHECK")
    return found


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_hadolint_finds_nothing(hadolint: Path, dockerfile: Path) -> None:
    assert hadolint_findings(hadolint, dockerfile) == []


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_every_hadolint_ignore_says_why(dockerfile: Path) -> None:
    for line in dockerfile.read_text(encoding="utf-8").splitlines():
        if "hadolint ignore" in line:
            reason = line.split("ignore=", 1)[1].split(None, 1)[1:]  # text after the rule list
            assert reason and len(reason[0].strip("# ")) > 10, f"unexplained ignore: {line}"


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_images_are_pinned_non_root_with_healthcheck_and_no_secrets(dockerfile: Path) -> None:
    assert policy_violations(dockerfile) == []


def test_both_images_exist_and_use_the_projects_requirement_files() -> None:
    assert [p.name for p in DOCKERFILES] == ["app.Dockerfile", "rasa.Dockerfile"]
    app = (DEPLOY / "docker" / "app.Dockerfile").read_text(encoding="utf-8")
    rasa = (DEPLOY / "docker" / "rasa.Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11." in app and "FROM python:3.10." in rasa
    assert "COPY requirements/app.txt requirements/app-constraints.txt" in app
    assert "COPY requirements/rasa.txt requirements/rasa-constraints.txt" in rasa
    assert "rasa==3.6.21" in (ROOT / "requirements" / "rasa.txt").read_text(encoding="utf-8")


def test_torch_is_the_cpu_build_at_the_version_the_project_pins() -> None:
    app = (DEPLOY / "docker" / "app.Dockerfile").read_text(encoding="utf-8")
    pinned = re.search(r"^torch==([\d.]+)$", (ROOT / "requirements" / "app.txt").read_text(), re.M)
    assert pinned, "requirements/app.txt pins torch"
    installs = re.findall(r"pip install (.*torch\S*)", app)
    assert installs == [f"--index-url https://download.pytorch.org/whl/cpu torch=={pinned.group(1)}+cpu"]
    assert "torch.version.cuda is None" in app  # the build fails if a CUDA wheel slipped in


def test_the_runtime_requirements_leave_out_the_test_tools_only() -> None:
    """app.Dockerfile installs app.txt up to its '# tests and tooling' line (sed in the Dockerfile)."""
    text = (ROOT / "requirements" / "app.txt").read_text(encoding="utf-8")
    assert "\n# tests and tooling\n" in text
    runtime, _, tooling = text.partition("\n# tests and tooling\n")
    names = {re.split(r"[=<>\[ ;#]", line)[0].lower() for line in runtime.splitlines() if line[:1].isalpha()}
    assert {"torch", "rasa-sdk", "aiohttp", "sqlalchemy", "psycopg", "redis", "line-bot-sdk"} <= names
    assert not names & {"pytest", "ruff", "mypy", "playwright", "hypothesis", "schemathesis"}
    assert "pytest" in tooling


def test_no_build_context_carries_local_state_or_secrets() -> None:
    app_ignore = (DEPLOY / "docker" / "app.Dockerfile.dockerignore").read_text(encoding="utf-8").split()
    for entry in (".venv", ".venv-rasa", "var", "models", "tests", "bench", "deploy/secrets", ".git"):
        assert entry in app_ignore
    rasa_ignore = (DEPLOY / "docker" / "rasa.Dockerfile.dockerignore").read_text(encoding="utf-8").split()
    assert rasa_ignore[rasa_ignore.index("*") :][:1] == ["*"]  # everything out, then only what it copies
    assert "!models/*.tar.gz" in rasa_ignore and "!deploy/secrets" not in rasa_ignore


BROKEN = """\
FROM python:latest
ENV RASA_AUTH_TOKEN=s3cret
RUN apt-get update && apt-get install -y curl
COPY . /app
CMD ["python", "-m", "channels"]
"""


def test_a_broken_dockerfile_fails_both_checks(hadolint: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.Dockerfile"
    broken.write_text(BROKEN, encoding="utf-8")
    codes = {finding["code"] for finding in hadolint_findings(hadolint, broken)}
    assert {"DL3007", "DL3008", "DL3009", "DL3015"} <= codes  # latest tag, unpinned apt, no cleanup
    problems = policy_violations(broken)
    assert any("not pinned" in p for p in problems)
    assert any("RASA_AUTH_TOKEN" in p for p in problems)
    assert any("no USER" in p for p in problems)
    assert any("HEALTHCHECK" in p for p in problems)
