"""compose.yaml, checked by Docker Compose itself (v2's `config`, which needs no daemon) on a copy
of deploy/ with secrets made by the real make-secrets.sh, then held to the one-host rules: only the
gateway is published (on loopback by default), Rasa and the stores sit on an internal network, every
image is pinned, no secret is written into the file, every process is read-only and unprivileged."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.deploy_support import DEPLOY, ROOT

SECRETISH = re.compile(r"(TOKEN|SECRET|PASSWORD|KEYS)$")
APP_SERVICES = ("migrate", "rasa", "actions", "gateway", "consumer")


@pytest.fixture(scope="module")
def deploy_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """deploy/ copied beside a link to the repository's .venv, with real secrets generated in it."""
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(DEPLOY, root / "deploy", ignore=shutil.ignore_patterns("secrets"))
    (root / ".venv").symlink_to(ROOT / ".venv")
    for package in ("privacy", "db", "appconfig"):  # what `python -m privacy generate` imports
        (root / package).symlink_to(ROOT / package)
    run = subprocess.run(
        ["bash", str(root / "deploy" / "compose" / "make-secrets.sh")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return root / "deploy"


def compose_config(binary: Path, compose_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(binary), "-f", str(compose_file), "config", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(compose_file.parent)},
    )


@pytest.fixture(scope="module")
def config(docker_compose: Path, deploy_copy: Path) -> dict[str, Any]:
    run = compose_config(docker_compose, deploy_copy / "compose.yaml")
    assert run.returncode == 0, run.stderr
    return dict(json.loads(run.stdout))


def test_docker_compose_accepts_the_file(config: dict[str, Any]) -> None:
    assert set(config["services"]) == {"postgres", "redis", "rabbitmq", *APP_SERVICES}


def test_only_the_gateway_is_published_and_on_loopback_by_default(config: dict[str, Any]) -> None:
    published = {name: s["ports"] for name, s in config["services"].items() if s.get("ports")}
    assert list(published) == ["gateway"]
    (port,) = published["gateway"]
    assert port["host_ip"] == "127.0.0.1" and port["published"] == "8080" and port["target"] == 8080


def test_rasa_and_the_stores_have_no_route_out(config: dict[str, Any]) -> None:
    assert config["networks"]["backend"]["internal"] is True
    for name in ("rasa", "postgres", "redis", "rabbitmq", "consumer", "migrate"):
        assert set(config["services"][name]["networks"]) == {"backend"}, name


def test_every_image_is_pinned(config: dict[str, Any]) -> None:
    for name, service in config["services"].items():
        image = service["image"]
        if name in APP_SERVICES:
            assert image.startswith(("govbot-app:", "govbot-rasa:")), image  # built here, tag set
            continue
        # An exact release: x.y.z, or PostgreSQL's own two-part numbers (15.10 is a release, not a line).
        exact = r":\d+\.\d+\.\d+(-[a-z]+)?$" if not image.startswith("postgres:") else r":\d+\.\d+(-[a-z]+)?$"
        assert re.search(exact, image) or "@sha256:" in image, image


def test_no_secret_value_is_written_in_the_file(config: dict[str, Any], deploy_copy: Path) -> None:
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    for env_file in (DEPLOY / "compose").glob("*.env"):
        text += env_file.read_text(encoding="utf-8")
    for secret in (deploy_copy / "secrets").iterdir():
        value = secret.read_text(encoding="utf-8").strip()
        if len(value) >= 16:
            assert value not in text and value not in json.dumps(config["services"]), secret.name
    for name, service in config["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            assert not SECRETISH.search(variable) or variable.endswith("_FILE"), (name, variable)
            assert "@" not in str(value), (name, variable)  # no URL with credentials


def test_app_processes_are_read_only_and_unprivileged(config: dict[str, Any]) -> None:
    for name in APP_SERVICES:
        service = config["services"][name]
        assert service["read_only"] is True, name
        assert service["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in service["security_opt"], name


def test_each_process_gets_only_the_secrets_it_needs(config: dict[str, Any]) -> None:
    def secrets_of(name: str) -> set[str]:
        return {Path(s.get("target") or s["source"]).name for s in config["services"][name]["secrets"]}

    assert "PERSONAL_DATA_KEYS" not in secrets_of("rasa")  # Rasa never holds the personal-data keys
    assert "DATABASE_URL" not in secrets_of("rasa")
    assert secrets_of("migrate") == {"DATABASE_URL"}
    assert {"RASA_AUTH_TOKEN", "GATEWAY_RASA_TOKEN", "ACTION_SERVER_TOKEN", "RASA_DB_PASSWORD"} <= secrets_of(
        "rasa"
    )
    assert "RASA_AUTH_TOKEN" not in secrets_of("gateway")


def test_rasas_endpoints_get_every_variable_they_name(config: dict[str, Any]) -> None:
    """Rasa refuses to start when a ${VAR} in its endpoints file is unset."""
    names = endpoint_variables()
    assert {"ACTION_SERVER_URL", "RASA_DB_PASSWORD", "REDIS_PASSWORD"} <= names
    rasa = config["services"]["rasa"]
    given = set(rasa.get("environment") or {}) | {
        Path(s.get("target") or s["source"]).name for s in rasa["secrets"]
    }
    assert names - given == set()


def endpoint_variables() -> set[str]:
    """The ${VAR}s deploy/rasa/endpoints.yml names outside its comments."""
    lines = (DEPLOY / "rasa" / "endpoints.yml").read_text(encoding="utf-8").splitlines()
    code = "\n".join(line.split("#", 1)[0] for line in lines)
    return set(re.findall(r"\$\{([A-Z0-9_]+)\}", code))


def test_make_secrets_is_idempotent_and_consistent(deploy_copy: Path) -> None:
    secrets_dir = deploy_copy / "secrets"
    before = {p.name: p.read_text(encoding="utf-8") for p in secrets_dir.iterdir()}
    run = subprocess.run(
        ["bash", str(deploy_copy / "compose" / "make-secrets.sh")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert {p.name: p.read_text(encoding="utf-8") for p in secrets_dir.iterdir()} == before
    assert secrets_dir.stat().st_mode & 0o777 == 0o700
    password = before["POSTGRES_PASSWORD"]
    assert before["DATABASE_URL"] == f"postgresql://govbot:{password}@postgres:5432/govbot"
    assert f"default_pass = {before['RABBITMQ_PASSWORD']}" in before["rabbitmq.conf"]
    assert before["PERSONAL_DATA_KEYS"].startswith("hash:")


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda d: d["services"]["rasa"].update(networks=["public"]), "public"),
        (lambda d: d["services"]["rasa"].update(healthcheck={"tests": ["CMD", "true"]}), "tests"),
        (lambda d: d["services"]["gateway"]["secrets"].append("NO_SUCH_SECRET"), "NO_SUCH_SECRET"),
    ],
    ids=["undeclared-network", "misspelt-key", "undeclared-secret"],
)
def test_a_broken_copy_is_refused(
    docker_compose: Path, deploy_copy: Path, change: Any, complaint: str
) -> None:
    document = yaml.safe_load((deploy_copy / "compose.yaml").read_text(encoding="utf-8"))
    change(document)
    broken = deploy_copy / "broken-compose.yaml"
    broken.write_text(yaml.safe_dump(document), encoding="utf-8")
    run = compose_config(docker_compose, broken)
    assert run.returncode != 0
    assert complaint in run.stderr


def test_policy_checks_catch_a_published_rasa(config: dict[str, Any]) -> None:
    """The published-port rule above is not vacuous: a Rasa with ports would be listed."""
    changed = json.loads(json.dumps(config))
    changed["services"]["rasa"]["ports"] = [{"target": 5005, "published": "5005", "host_ip": "0.0.0.0"}]
    published = [name for name, s in changed["services"].items() if s.get("ports")]
    assert published == ["gateway", "rasa"]
