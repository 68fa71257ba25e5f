"""Starts `make cluster`'s script (scripts/cluster.sh) on free ports with a database and Redis prefixes
of its own, a fake LINE API in this process, and drives LINE citizens through HAProxy.

Shared by bench/cluster/fault.py, bench/cluster/soak.py and tests/cluster/. The cluster is the real
one: HAProxy from Debian, Rasa servers on PostgreSQL with the Redis lock store, action servers and
gateways on one Redis Streams queue. Processes are found through CLUSTER_DIR/pids.json (written by
cluster.sh once everything is ready) and killed by pid; the script itself is stopped with TERM and
stops the rest. The databases and Redis keys it made are dropped at the end.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
from aiohttp import web

from bench.gateway.stack import LINE_SECRET, LINE_TOKEN, CountingLine, line_body
from channels.line.adapter import retry_key, sign
from channels.line.parse import event_key
from privacy.__main__ import generate

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from dialogue_servers import newest_model  # noqa: E402

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql://127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
START_TIMEOUT = 900.0  # two Rasa servers loading the model on a busy 2-core machine
# Variables of the caller's shell that would point the cluster somewhere else.
_FOREIGN = (
    "REDIS_",
    "RASA_",
    "ACTION_",
    "GATEWAY_",
    "DATABASE_URL",
    "RABBITMQ_",
    "LINE_",
    "SMS_",
    "CLUSTER_",
)


def _free_block(size: int) -> int:
    """A base port with base..base+size all free on loopback (HAProxy's listener plus one per replica)."""
    # Below Linux's ephemeral range (32768-60999), where the OS picks outgoing ports and other tests'
    # free_port() binds: a block found free there can be taken before the cluster binds it.
    for _ in range(200):
        base = secrets.randbelow(10000) + 20000
        socks = []
        try:
            for port in range(base, base + size + 1):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError("no free block of ports")


@dataclass
class Cluster:
    """A running `scripts/cluster.sh` and what a benchmark needs to reach and hurt it."""

    script: subprocess.Popen[bytes]
    directory: Path
    replicas: int
    gateway_port: int
    rasa_port: int
    action_port: int
    database_url: str
    rasa_database_url: str
    env: dict[str, str]
    pids: dict[str, int] = field(default_factory=dict)
    killed: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        """HAProxy's public listener (what LINE, SMS providers and browsers reach)."""
        return f"http://127.0.0.1:{self.gateway_port}"

    def kill(self, name: str) -> None:
        """SIGKILL one process by its pid from pids.json: no graceful shutdown, requests cut mid-flight."""
        os.kill(self.pids[name], signal.SIGKILL)
        self.killed.append(name)

    def rss_kib(self, name: str) -> int | None:
        """Resident memory of one process (VmRSS from /proc), None once it is gone."""
        try:
            for line in Path(f"/proc/{self.pids[name]}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.directory / "log" / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text("utf-8", "replace").splitlines()[-lines:])


def cluster_env(
    directory: Path, replicas: int, line_url: str, db: str, prefix: str, ports: tuple[int, int, int]
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN)}
    env.update(
        {
            "CLUSTER_REPLICAS": str(replicas),
            "CLUSTER_DIR": str(directory),
            "GATEWAY_PORT": str(ports[0]),
            "RASA_PORT": str(ports[1]),
            "ACTION_PORT": str(ports[2]),
            "DATABASE_URL": f"{PG_SERVER}/{db}",
            "REDIS_URL": REDIS_URL,
            "RASA_REDIS_PREFIX": f"{prefix}r",
            "GATEWAY_REDIS_PREFIX": f"{prefix}g",
            "RASA_MODEL": str(newest_model()),
            "WEB_SESSION_SECRET": secrets.token_hex(32),
            "STAFF_SESSION_SECRET": secrets.token_hex(32),
            "RASA_AUTH_TOKEN": secrets.token_urlsafe(24),
            "ACTION_SERVER_TOKEN": secrets.token_urlsafe(24),
            "GATEWAY_RASA_TOKEN": secrets.token_urlsafe(24),
            "PERSONAL_DATA_KEYS": generate({}),
            "LINE_CHANNEL_SECRET": LINE_SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
            "LINE_API_BASE": line_url,
            "RATE_LIMIT_EVENTS": "100000",  # one sender id writes many messages in a benchmark
            # A dead gateway's unacknowledged queue entries are taken over after this long (default 60 s).
            "GATEWAY_CLAIM_IDLE_SECONDS": "5",
            "LOG_LEVEL": "WARNING",
            "OFFICE_HOURS": "always",  # a handover is queued for staff at any hour, not a call-back offer
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        }
    )
    return env


def _drop(db: str, prefix: str) -> None:
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        for name in (db, f"{db}_rasa"):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        for pattern in (f"{prefix}r:*", f"{prefix}g:*", f"{prefix}r*", f"{prefix}g*"):
            keys = list(client.scan_iter(match=pattern, count=1000))
            for i in range(0, len(keys), 500):
                client.delete(*keys[i : i + 500])
    finally:
        client.close()


@asynccontextmanager
async def running_cluster(
    workdir: Path, line: CountingLine, replicas: int = 2, extra_env: dict[str, str] | None = None
) -> AsyncIterator[Cluster]:
    """scripts/cluster.sh with `replicas` of each, ready (pids.json written); stopped and cleaned after."""
    directory = workdir / f"cluster-{replicas}"
    directory.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    db, prefix = f"govbot_cl_{tag}", f"cl{tag}"
    ports = (_free_block(replicas), _free_block(replicas), _free_block(replicas))
    env = cluster_env(directory, replicas, line.url, db, prefix, ports) | (extra_env or {})
    out = (directory / "cluster.out").open("ab")
    script = subprocess.Popen(["bash", "scripts/cluster.sh"], cwd=ROOT, env=env, stdout=out, stderr=out)
    out.close()
    cluster = Cluster(
        script, directory, replicas, *ports, env["DATABASE_URL"], env["DATABASE_URL"] + "_rasa", env
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        pids_file = directory / "pids.json"
        while not pids_file.exists():
            if script.poll() is not None or time.monotonic() > deadline:
                output = (directory / "cluster.out").read_text("utf-8", "replace")[-4000:]
                raise RuntimeError(f"cluster did not start (exit {script.returncode}):\n{output}")
            await asyncio.sleep(1)
        cluster.pids = json.loads(pids_file.read_text())
        yield cluster
    finally:
        if script.poll() is None:
            script.terminate()  # cluster.sh's trap stops every process it started, by pid
            try:
                await asyncio.to_thread(script.wait, 90)
            except subprocess.TimeoutExpired:
                for name, pid in cluster.pids.items():
                    if name not in cluster.killed:
                        with suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)
                script.kill()
                script.wait(10)
        await asyncio.to_thread(_drop, db, prefix)


@asynccontextmanager
async def fake_line() -> AsyncIterator[CountingLine]:
    """The fake LINE API (tests/fakes.py, bodies checked with line-bot-sdk's models) on a free port."""
    line = CountingLine(validate=True)
    runner = web.AppRunner(line.app(), access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    line.url = f"http://127.0.0.1:{port}"
    try:
        yield line
    finally:
        await runner.cleanup()


@dataclass
class Sent:
    """One message a citizen sent (accepted with 200 by the cluster), and how its answer is found."""

    user: str
    n: int
    token: str  # reply token: the fake LINE API records the answer under it
    push_key: str  # retry key of a push, if the answer came too late for the token
    accepted_at: float


async def send_line(
    http: aiohttp.ClientSession, url: str, user: str, text: str, retry_for: float = 120.0
) -> tuple[str, str, int]:
    """POST one signed LINE webhook until the cluster answers 200, as LINE redelivers (same event,
    isRedelivery); returns (reply token, push retry key, attempts)."""
    token, event_id = uuid.uuid4().hex, uuid.uuid4().hex
    body = line_body(text, user, token, event_id)
    key = retry_key(event_key(json.loads(body)["events"][0]))
    attempts = 0
    deadline = time.monotonic() + retry_for
    while True:
        attempts += 1
        if attempts > 1:
            event = json.loads(body)
            event["events"][0]["deliveryContext"]["isRedelivery"] = True
            body = json.dumps(event, ensure_ascii=False).encode("utf-8")
        headers = {"X-Line-Signature": sign(body, LINE_SECRET), "Content-Type": "application/json"}
        try:
            async with http.post(f"{url}/webhooks/line", data=body, headers=headers) as resp:
                if resp.status == 200:
                    return token, key, attempts
        except aiohttp.ClientError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"webhook not accepted after {attempts} attempts")
        await asyncio.sleep(0.5)


def answers_of(line: CountingLine, sent: Sent) -> list[float]:
    """When the fake LINE API accepted an answer to this message (by its reply token or push key)."""
    return line.answered_at.get(sent.token, []) + line.answered_at.get(f"push:{sent.push_key}", [])


MARKER = re.compile(r"ครั้งที่ (\d+)")


def tracker_order(rasa_database_url: str, users: list[str]) -> dict[str, list[int]]:
    """Per LINE user: the message numbers (MARKER) of the user events in Rasa's PostgreSQL tracker
    store, in the order Rasa stored them (the events table's id)."""
    wanted = {f"line:{u}": u for u in users}
    found: dict[str, list[int]] = {u: [] for u in users}
    with psycopg.connect(rasa_database_url) as conn:
        rows = conn.execute("SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id")
        for sender, data in rows:
            user = wanted.get(sender)
            if user is None:
                continue
            match = MARKER.search(json.loads(data).get("text") or "")
            if match:
                found[user].append(int(match.group(1)))
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def cpu_count() -> int:
    return len(os.sched_getaffinity(0))


def machine_load() -> float:
    return os.getloadavg()[0]


def as_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)
