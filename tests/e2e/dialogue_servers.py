"""Starts the real processes — action server, Rasa server, gateway — for end-to-end tests and benchmarks.

The one definition of the gateway stack: every test and benchmark that runs the real processes
imports from here (tests/e2e, tests/channels/test_gateway_e2e.py, tests/channels/web, bench/gateway,
bench/conversations, bench/rest_roundtrip.py). Public names kept stable for them: `free_port`,
`newest_model`, `http_json`, `ManagedProcess`, `base_env`, `action_server`, `rasa_server`,
`gateway_server`, `dialogue_stack`, `RestClient`.

Each process gets a free port, its own log file and its own state (SQLite files, Redis prefix), and
is stopped by process id. The model is the newest one in models/ (GOVBOT_MODEL names another file).

Locked as in production (issue 14, finding 3): Rasa's HTTP API needs RASA_AUTH_TOKEN (`RestClient`
passes it), the action server needs ACTION_SERVER_TOKEN (Rasa sends it from bot/endpoints*.yml), and
a message counts as a LINE, SMS or web citizen only when it arrives through our input channels with
the gateway's signed identity (`ChannelClient` signs as the gateway does); over Rasa's REST channel
every sender is anonymous.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from privacy import PrivacySettings
from privacy.identity import GatewayIdentity

ROOT = Path(__file__).resolve().parents[2]
RASA_START_TIMEOUT = 240.0
ACTIONS_START_TIMEOUT = 120.0
# One pair per test process, shared by every Rasa and action server it starts (pass another value in
# the extra environment to test a mismatch).
RASA_AUTH_TOKEN = secrets.token_urlsafe(24)
ACTION_SERVER_TOKEN = secrets.token_urlsafe(24)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def newest_model() -> Path:
    override = os.environ.get("GOVBOT_MODEL", "").strip()
    if override:
        return Path(override)
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise RuntimeError("no trained model in models/: run `make train` first")
    return models[-1]


def http_json(method: str, url: str, body: Any = None, timeout: float = 30.0) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, raw.decode("utf-8", "replace")


@dataclass
class ManagedProcess:
    name: str
    args: list[str]
    env: dict[str, str]
    ready_url: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def start(self, timeout: float) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                status, _ = http_json("GET", self.ready_url, timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f}s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text("utf-8", "replace").splitlines()[-lines:])


def base_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "RASA_", "ACTION_"))}
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "GATEWAY_RASA_TOKEN": secrets.token_urlsafe(16),
            "RASA_AUTH_TOKEN": RASA_AUTH_TOKEN,
            "ACTION_SERVER_TOKEN": ACTION_SERVER_TOKEN,
        }
    )
    env.update(extra)
    return env


def action_server(
    workdir: Path, port: int, database_url: str, extra_env: dict[str, str] | None = None
) -> ManagedProcess:
    return ManagedProcess(
        name="action server",
        args=[str(ROOT / ".venv/bin/python"), "-m", "actions"],
        env=base_env({"ACTION_PORT": str(port), "DATABASE_URL": database_url, **(extra_env or {})}),
        ready_url=f"http://127.0.0.1:{port}/health",
        log_path=workdir / "actions.log",
    )


def rasa_server(
    workdir: Path, port: int, action_port: int, endpoints: str, model: Path, extra_env: dict[str, str]
) -> ManagedProcess:
    env = base_env({"ACTION_PORT": str(action_port), **extra_env})
    return ManagedProcess(
        name="Rasa",
        args=[
            str(ROOT / ".venv-rasa/bin/python"),
            "-m",
            "rasa_plugins.server",  # `rasa run` with --auth-token from RASA_AUTH_TOKEN
            "--enable-api",
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "-m",
            str(model),
            "--endpoints",
            endpoints,
            "--credentials",
            "bot/credentials.yml",
        ],
        env=env,
        ready_url=f"http://127.0.0.1:{port}/status?token={urllib.parse.quote(env['RASA_AUTH_TOKEN'])}",
        log_path=workdir / "rasa.log",
    )


def gateway_server(workdir: Path, port: int, env: dict[str, str], role: str = "all") -> ManagedProcess:
    """`python -m channels` on `port`; `env` adds its settings (RASA_URL, LINE_…, REDIS_URL, …).

    role names the process in its log file: "all", or "front" / "worker" when the benchmark splits
    acknowledging from working (GATEWAY_WORKER=0 / 1 in `env`)."""
    return ManagedProcess(
        name=f"gateway ({role})",
        args=[str(ROOT / ".venv/bin/python"), "-m", "channels"],
        env=base_env({"GATEWAY_PORT": str(port), **env}),
        ready_url=f"http://127.0.0.1:{port}/healthz",
        log_path=workdir / f"gateway-{role}.log",
    )


@dataclass
class DialogueStack:
    """A running action server and Rasa server (the gateway's backend)."""

    actions: ManagedProcess
    rasa: ManagedProcess
    action_port: int
    rasa_port: int

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def token(self) -> str:
        """GATEWAY_RASA_TOKEN: what a gateway needs to reach this Rasa's input channels."""
        return self.rasa.env["GATEWAY_RASA_TOKEN"]

    def logs(self, lines: int = 60) -> str:
        return self.actions.log_tail(lines) + "\n----\n" + self.rasa.log_tail(lines)


@contextmanager
def dialogue_stack(
    workdir: Path,
    database_url: str,
    *,
    action_env: dict[str, str] | None = None,
    rasa_env: dict[str, str] | None = None,
    model: Path | None = None,
    endpoints: str = "bot/endpoints.yml",
) -> Iterator[DialogueStack]:
    """Start the action server, then Rasa (newest model) on free ports; stop both on exit."""
    action_port, rasa_port = free_port(), free_port()
    actions = action_server(workdir, action_port, database_url, action_env)
    rasa = rasa_server(
        workdir,
        rasa_port,
        action_port,
        endpoints,
        model or newest_model(),
        {"RASA_TRACKER_DB": str(workdir / "tracker.db"), **(rasa_env or {})},
    )
    actions.start(ACTIONS_START_TIMEOUT)
    try:
        rasa.start(max(RASA_START_TIMEOUT, 300.0))  # a shared 2-core machine can be slow to load it
        try:
            yield DialogueStack(actions, rasa, action_port, rasa_port)
        finally:
            rasa.stop()
    finally:
        actions.stop()


def listening_addresses(port: int) -> set[str]:
    """IPv4/IPv6 addresses with a socket listening on `port`, read from /proc/net (Linux)."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.add(address)
    return found


LOOPBACK_HEX = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1


@dataclass
class RestClient:
    """Rasa's REST channel (anonymous senders) and its tracker API (with the API token) on loopback."""

    port: int
    token: str = RASA_AUTH_TOKEN

    def say(self, sender: str, message: str) -> list[dict[str, Any]]:
        status, body = http_json(
            "POST",
            f"http://127.0.0.1:{self.port}/webhooks/rest/webhook",
            {"sender": sender, "message": message},
        )
        assert status == 200, (status, body)
        assert isinstance(body, list), body
        return body

    def tracker(
        self, sender: str, include_events: str = "AFTER_RESTART", *, rest: bool = True
    ) -> dict[str, Any]:
        """The conversation of a REST `sender` ("rest:<sender>", rasa_plugins.channels.LocalRestInput);
        rest=False: the conversation named `sender` itself (a ChannelClient's)."""
        conversation = sender if not rest or sender.startswith("rest:") else "rest:" + sender
        quoted = urllib.request.quote(conversation, safe=":")
        url = (
            f"http://127.0.0.1:{self.port}/conversations/{quoted}/tracker"
            f"?include_events={include_events}&token={urllib.parse.quote(self.token)}"
        )
        status, body = http_json("GET", url)
        assert status == 200, (status, body)
        return body


@dataclass
class ChannelClient:
    """Talks to Rasa's `line`/`sms`/`web` input channels exactly as the gateway does: the gateway's
    token header and the identity signed with the gateway's key (privacy/identity.py), so the actions
    see a LINE, SMS or web citizen. `privacy` must be the action server's PERSONAL_DATA_KEYS."""

    port: int
    gateway_token: str
    privacy: PrivacySettings

    def say(
        self, sender: str, message: str, metadata: dict[str, Any] | None = None, *, signed: bool = True
    ) -> list[dict[str, Any]]:
        channel = sender.split(":", 1)[0]
        meta = {"channel": channel, "user_id": sender, "locale": "th", "kind": "text", **(metadata or {})}
        if signed:
            meta = GatewayIdentity(self.privacy).sign(meta)
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/webhooks/{channel}/webhook",
            data=json.dumps({"sender": sender, "message": message, "metadata": meta}).encode("utf-8"),
            method="POST",
            headers={"Content-Type": "application/json", "X-Gateway-Token": self.gateway_token},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            body = json.loads(response.read())
        assert isinstance(body, list), body
        return body
