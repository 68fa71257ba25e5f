"""The images' entry point and HEALTHCHECK, run for real: secrets given as files become variables
(never overriding the environment, never from a file whose name is not a variable), a role is
required, and the health check asks the role's own endpoint on loopback."""

from __future__ import annotations

import http.server
import importlib.util
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.deploy.deploy_support import DEPLOY

ENTRYPOINT = DEPLOY / "docker" / "entrypoint.sh"
HEALTHCHECK = DEPLOY / "docker" / "healthcheck.py"


def run_entrypoint(
    secrets_dir: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {"PATH": os.environ["PATH"], "SECRETS_DIR": str(secrets_dir), **(env or {})}
    return subprocess.run(
        ["sh", str(ENTRYPOINT), *args], capture_output=True, text=True, env=environ, timeout=30, check=False
    )


def test_secret_files_become_variables_without_trailing_newline(tmp_path: Path) -> None:
    (tmp_path / "RASA_AUTH_TOKEN").write_text("tok-123\n", encoding="utf-8")
    (tmp_path / "DATABASE_URL").write_text("postgresql://govbot:p%40ss w0rd@db:5432/govbot", encoding="utf-8")
    (tmp_path / "LINE_CHANNEL_SECRET").write_text("", encoding="utf-8")  # an empty file: channel off
    run = run_entrypoint(
        tmp_path,
        "sh",
        "-c",
        'printf "%s|%s|%s|%s" "$RASA_AUTH_TOKEN" "$DATABASE_URL" '
        '"${LINE_CHANNEL_SECRET-unset}" "$GOVBOT_THAI"',
        env={"GOVBOT_THAI": "สวัสดี"},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "tok-123|postgresql://govbot:p%40ss w0rd@db:5432/govbot||สวัสดี"
    assert "tok-123" not in run.stderr  # nothing about the secrets is printed


def test_the_environment_wins_over_a_file_and_odd_names_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "REDIS_URL").write_text("redis://from-file", encoding="utf-8")
    (tmp_path / "..data").mkdir()  # Kubernetes' secret volume layout
    (tmp_path / "lower_case").write_text("x", encoding="utf-8")
    (tmp_path / "1ST").write_text("x", encoding="utf-8")
    (tmp_path / "A;touch pwned").write_text("x", encoding="utf-8")
    run = run_entrypoint(
        tmp_path,
        "sh",
        "-c",
        'printf "%s|%s|" "$REDIS_URL" "${lower_case-unset}"; env | grep -c "^1ST=" || true',
        env={"REDIS_URL": "redis://from-env"},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "redis://from-env|unset|0\n"
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_a_role_is_required(tmp_path: Path) -> None:
    run = run_entrypoint(tmp_path)
    assert run.returncode == 64
    assert "give a role" in run.stderr


def test_every_role_the_manifests_use_is_known_to_the_entrypoint() -> None:
    text = ENTRYPOINT.read_text(encoding="utf-8")
    for role, command in {
        "rasa": "python -m rasa_plugins.server --enable-api",
        "gateway": "python -m channels",
        "actions": "python -m actions",
        "consumer": "python -m analytics consume",
        "notices": "python -m cases worker",
        "migrate": "python -m db.migrate",
    }.items():
        assert f"{role})" in text and command in text, role


def load_healthcheck() -> ModuleType:
    spec = importlib.util.spec_from_file_location("govbot_healthcheck", HEALTHCHECK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_role_comes_from_the_environment_or_pid_1s_command_line() -> None:
    health = load_healthcheck()
    cmdline = b"tini\0--\0/app/deploy/docker/entrypoint.sh\0gateway\0"
    assert health.role_of({}, cmdline) == "gateway"
    assert health.role_of({"GOVBOT_ROLE": "actions"}, cmdline) == "actions"
    assert health.role_of({}, b"python\0-m\0channels\0") == ""
    assert health.url_for("gateway", {"GATEWAY_PORT": "9090"}) == "http://127.0.0.1:9090/healthz"
    assert health.url_for("actions", {}) == "http://127.0.0.1:5055/health"
    assert health.url_for("rasa", {}) == "http://127.0.0.1:5005/"
    assert health.url_for("consumer", {}) is None
    with pytest.raises(ValueError, match="unknown role"):
        health.url_for("", {})


class _Handler(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[tuple[http.server.HTTPServer, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"status": 200})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, handler
    finally:
        server.shutdown()
        server.server_close()


def run_healthcheck(env: dict[str, str]) -> int:
    environ = {"PATH": os.environ["PATH"], **env}
    return subprocess.run([sys.executable, str(HEALTHCHECK)], env=environ, timeout=30, check=False).returncode


def test_the_healthcheck_follows_the_endpoint(
    health_server: tuple[http.server.HTTPServer, type[_Handler]],
) -> None:
    server, handler = health_server
    port = str(server.server_address[1])
    assert run_healthcheck({"GOVBOT_ROLE": "gateway", "GATEWAY_PORT": port}) == 0
    handler.status = 503
    assert run_healthcheck({"GOVBOT_ROLE": "gateway", "GATEWAY_PORT": port}) == 1
    server.shutdown()
    server.server_close()
    assert run_healthcheck({"GOVBOT_ROLE": "gateway", "GATEWAY_PORT": port}) == 1  # nothing listening
    assert run_healthcheck({"GOVBOT_ROLE": "consumer"}) == 0  # a worker has nothing to ask
    assert run_healthcheck({"GOVBOT_ROLE": "nonsense"}) == 1


def test_the_migrate_role_brings_a_database_to_the_newest_schema(tmp_path: Path) -> None:
    """The role as the image runs it: `python` from the environment, the code on PYTHONPATH."""
    import sqlite3

    database = tmp_path / "govbot.db"
    run = run_entrypoint(
        tmp_path / "no-secrets",
        "migrate",
        env={
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "PYTHONPATH": str(DEPLOY.parent),
            "DATABASE_URL": f"sqlite:///{database}",
        },
    )
    assert run.returncode == 0, run.stderr
    (version,) = sqlite3.connect(database).execute("SELECT version_num FROM alembic_version").fetchone()
    newest = sorted(p.stem for p in (DEPLOY.parent / "migrations" / "versions").glob("0*.py"))[-1]
    assert version == newest


def test_the_rasa_role_refuses_to_open_its_api_without_a_token(tmp_path: Path) -> None:
    rasa_python = DEPLOY.parent / ".venv-rasa" / "bin"
    if not (rasa_python / "python").exists():
        pytest.fail("no .venv-rasa: run `make setup`")
    run = run_entrypoint(
        tmp_path / "no-secrets",
        "rasa",
        env={"PATH": f"{rasa_python}:{os.environ['PATH']}", "PYTHONPATH": str(DEPLOY.parent)},
    )
    assert run.returncode != 0
    assert "--enable-api needs RASA_AUTH_TOKEN" in run.stderr
