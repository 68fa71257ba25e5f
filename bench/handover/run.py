"""Benchmark: staff replies in many live handovers reach the fake LINE API once, fast, and survive a
gateway killed mid-run.

    .venv/bin/python -m bench.handover.run [--handovers 200] [--agents 5] [--replies 1000]
                                           [--rate 10] [--backend sqlite|postgresql|both]
                                           [--line-latency 0.05] [--write [--section NAME]]

The gateway is production's: `python -m channels` with PERSONAL_DATA_KEYS and STAFF_SESSION_SECRET,
serving the staff API (/staff/api/) and running the delivery worker (handover/delivery.py) through its
LINE adapter (line-bot-sdk) to the fake LINE API in this process (every body checked with the SDK's
models, a retry key accepted once, 409 after; `--line-latency` seconds per push, like LINE's API).
No Redis (the embedded state file), Rasa unreachable (nothing here asks it).

Per backend, three runs on a fresh database each:
  - api: `--agents` agents (role agent, bearer tokens from staff.api_tokens) claim `--handovers`
    waiting LINE handovers through the API, then post `--replies` replies spread over them at
    `--rate` per second in all (POST /staff/api/handovers/{id}/messages). The API commits the reply
    and wakes the worker in its process: reply committed (the line's created_at) -> fake LINE
    accepted the push, p50/p95/p99/max;
  - api+kill: the same, with the gateway SIGKILLed when 40% of the replies are posted and started
    again at once. Agents whose request failed ask the database whether their reply was committed
    and post it again only if it was not (an agent seeing an error in the console does the same).
    Lines the dead process had leased go out when their lease ends (15 s), with the same retry key;
  - db: replies committed by another process (handover.inbox.reply in this one): the gateway finds
    them at its next poll (about 1 s), as a second gateway replica finds a reply committed by the
    first. The poll's cost, for comparison with the wake-up.
Counted at the fake over all lines the gateway had to deliver (staff replies and the system lines the
gateway adds, e.g. "a person took your conversation"): lost (a line the fake never accepted),
duplicated (the same text accepted twice), out of order (a handover's lines accepted in another order
than committed), retry keys refused with 409 (re-sends after the kill that reached nobody twice).
Baseline, in the same run: the same pushes posted straight to the fake from this process at the same
rate (no database, no gateway): its p95 and the ratio to it.
Exit status 1 if anything was lost, duplicated or out of order. `--write` puts the figures into
bench/README.md between `<!-- handover-run:start -->` and `<!-- handover-run:end -->` (`--section`
names another, e.g. handover-run-stress for a run at 50 replies per second).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import select

from bench.cases.run import (
    TOKEN,
    drop_database,
    keys_env,
    make_database,
    percentile,
    start_fake,
    stop_worker,
)
from bench.readme import command_line, measured_by, table, write_section
from db.engine import make_engine, make_sessionmaker
from handover import inbox
from handover.delivery import platform_key
from handover.models import WAITING, Handover, HandoverMessage
from privacy import PersonalData, PrivacySettings
from staff import api_tokens
from staff.models import StaffUser
from staff.roles import Role
from tests.e2e.dialogue_servers import free_port
from tests.fakes import FakeLine

AGENCY = "dopa"
KILL_AT = 0.4
LEASE_SECONDS = 15  # handover.delivery.DeliverySettings.lease_seconds


@dataclass
class Seeded:
    handovers: list[int]  # ids; agent i % agents owns handover i
    agents: list[tuple[int, str, str]]  # (user id, username, bearer token)


@dataclass
class Posted:
    """One staff reply as the agent saw it."""

    handover_id: int
    text: str
    sent_at: float  # wall clock when the agent first sent it
    confirmed: bool = False  # 201 from the API (or found committed after a failure)
    failures: int = 0
    throttled: int = 0


@dataclass
class Gateway:
    env: dict[str, str]
    log: Path
    port: int
    process: Any = None
    starts: list[float] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "channels",
            env=self.env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=self.log.open("ab"),
        )
        self.starts.append(time.time())

    async def ready(self, http: aiohttp.ClientSession, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.returncode is not None:
                raise RuntimeError(f"the gateway exited with status {self.process.returncode}; see its log")
            try:
                async with http.get(f"{self.url}/staff/api/openapi.json") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise TimeoutError("the gateway did not come up (or serves no staff API)")


def seed(url: str, secret: bytes, n: int, agents: int) -> Seeded:
    """`agents` agents of one agency with API tokens; `n` LINE citizens waiting for a person."""
    vault = PersonalData(PrivacySettings.from_environ(keys_env(secret)))
    engine = make_engine(url)
    sessions = make_sessionmaker(engine, immediate=True)
    with sessions() as session, session.begin():
        users = []
        for a in range(agents):
            user = StaffUser(
                username=f"agent{a}",
                display_name=f"เจ้าหน้าที่ {a}",
                password_hash="!bench",
                role=Role.AGENT.value,
                agency_id=AGENCY,
            )
            session.add(user)
            session.flush()
            users.append((user.id, user.username, api_tokens.issue(session, user, "bench")))
        rows = []
        for i in range(n):
            sender = f"line:U{i:032x}"
            rows.append(
                Handover(
                    agency_id=AGENCY,
                    channel="line",
                    recipient_hash=vault.sender_hash(sender),
                    recipient_enc=vault.seal(sender),
                    status=WAITING,
                    reason="request_human",
                )
            )
        session.add_all(rows)
        session.flush()
        ids = [r.id for r in rows]
    engine.dispose()
    return Seeded(ids, users)


def gateway_env(url: str, secret: bytes, line: FakeLine, workdir: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "WEB_SESSION_SECRET")},
        "DATABASE_URL": url,
        **keys_env(secret),
        "GATEWAY_HOST": "127.0.0.1",
        "GATEWAY_PORT": str(free_port()),
        "GATEWAY_STATE_DIR": str(workdir / "gateway-state"),
        "RASA_URL": "http://127.0.0.1:9",  # the discard port: nothing here talks to Rasa
        "LINE_CHANNEL_SECRET": secrets.token_hex(16),
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE": line.url,
        "LINE_DATA_API_BASE": line.url,
        "STAFF_SESSION_SECRET": secrets.token_hex(32),
        "OFFICE_HOURS": "always",
        "LOG_LEVEL": "WARNING",
    }


def committed(url: str, handover_id: int, text: str) -> bool:
    """Whether a reply the agent could not confirm is in the transcript after all."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            found = session.scalar(
                select(HandoverMessage.id).where(
                    HandoverMessage.handover_id == handover_id, HandoverMessage.text == text
                )
            )
            return found is not None
    finally:
        engine.dispose()


def reply_in_db(url: str, agent: tuple[int, str, str], handover_id: int, text: str) -> None:
    """What the staff API does, from another process than the gateway (no wake-up reaches it)."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine, immediate=True).begin() as session:
            who = inbox.Agent(agent[0], agent[1], Role.AGENT.value, AGENCY)
            inbox.reply(session, who, handover_id, text)
    finally:
        engine.dispose()


def delivery_state(url: str) -> tuple[int, int]:
    """(lines still pending, lines in all) among those the gateway delivers."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            states = list(
                session.scalars(
                    select(HandoverMessage.delivery_state).where(HandoverMessage.delivery_state.is_not(None))
                )
            )
    finally:
        engine.dispose()
    return sum(1 for s in states if s == "pending"), len(states)


async def wait_delivered(url: str, gateway: Gateway, expected: int, timeout: float) -> None:
    deadline = time.time() + timeout
    while True:
        pending, total = await asyncio.to_thread(delivery_state, url)
        if total >= expected and pending == 0:
            return
        if time.time() > deadline:
            raise TimeoutError(f"{pending} of {total} lines still pending")
        if gateway.process.returncode is not None:
            raise RuntimeError(f"the gateway exited with status {gateway.process.returncode}; see its log")
        await asyncio.sleep(0.1)


async def throttled(resp: aiohttp.ClientResponse) -> bool:
    """The staff API's 429 (it counts bearer-token checks per client address): wait as told."""
    if resp.status != 429:
        return False
    await asyncio.sleep(float(resp.headers.get("Retry-After", "1")))
    return True


async def claim_all(http: aiohttp.ClientSession, gateway: Gateway, seeded: Seeded) -> None:
    """Each agent claims its handovers one after another (as five people would, only faster)."""
    agents = len(seeded.agents)

    async def claim(a: int) -> None:
        token = seeded.agents[a][2]
        for handover_id in seeded.handovers[a::agents]:
            url = f"{gateway.url}/staff/api/handovers/{handover_id}/claim"
            while True:
                async with http.post(url, headers={"Authorization": f"Bearer {token}"}) as resp:
                    if await throttled(resp):
                        continue
                    if resp.status != 200:
                        raise RuntimeError(f"claim answered {resp.status}: {await resp.text()}")
                    break

    await asyncio.gather(*(claim(a) for a in range(agents)))


async def post_replies(
    via: str,
    url: str,
    http: aiohttp.ClientSession,
    gateway: Gateway,
    seeded: Seeded,
    replies: int,
    rate: float,
    kill: bool,
) -> tuple[list[Posted], int | None]:
    """Agents reply round the handovers at `rate` per second in all; with `kill`, SIGKILL the gateway
    at KILL_AT of the replies and start it again at once."""
    agents = len(seeded.agents)
    posted: list[Posted] = []
    tasks: list[asyncio.Task[None]] = []
    killed_after: int | None = None

    async def one(p: Posted, agent: tuple[int, str, str]) -> None:
        while not p.confirmed:
            try:
                if via == "db":
                    await asyncio.to_thread(reply_in_db, url, agent, p.handover_id, p.text)
                    p.confirmed = True
                    return
                target = f"{gateway.url}/staff/api/handovers/{p.handover_id}/messages"
                headers = {"Authorization": f"Bearer {agent[2]}"}
                async with http.post(target, json={"text": p.text}, headers=headers) as resp:
                    if resp.status == 201:
                        p.confirmed = True
                        return
                    if await throttled(resp):  # refused before anything was committed: send again
                        p.throttled += 1
                        continue
                    raise RuntimeError(f"reply answered {resp.status}: {await resp.text()}")
            except (aiohttp.ClientError, asyncio.TimeoutError):
                p.failures += 1
                if await asyncio.to_thread(committed, url, p.handover_id, p.text):
                    p.confirmed = True  # the commit happened; only the answer was lost
                    return
                await asyncio.sleep(0.2)

    began = time.perf_counter()
    for k in range(replies):
        await asyncio.sleep(max(0.0, began + k / rate - time.perf_counter()))
        index = k % len(seeded.handovers)
        handover_id = seeded.handovers[index]
        p = Posted(
            handover_id, f"ตอบครั้งที่ {k // len(seeded.handovers) + 1} เรื่อง {handover_id} #{k}", time.time()
        )
        posted.append(p)
        tasks.append(asyncio.create_task(one(p, seeded.agents[index % agents])))
        if kill and killed_after is None and k >= replies * KILL_AT:
            gateway.process.kill()
            await gateway.process.wait()
            killed_after = k
            await gateway.start()  # at once: agents' requests fail until it listens again
    await asyncio.gather(*tasks)
    return posted, killed_after


async def baseline(replies: int, rate: float, latency: float) -> list[float]:
    """Push latency straight to the fake from here (no database, no gateway), same rate and latency."""
    line = FakeLine(token=TOKEN, latency=latency)
    runner = await start_fake(line)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    sent: dict[str, float] = {}
    try:
        async with aiohttp.ClientSession() as http:

            async def one(i: int) -> None:
                key = str(uuid.uuid4())
                body = {"to": f"U{i:032x}", "messages": [{"type": "text", "text": f"ตอบครั้งที่ {i}"}]}
                sent[key] = time.time()
                url = f"{line.url}/v2/bot/message/push"
                async with http.post(url, json=body, headers={**headers, "X-Line-Retry-Key": key}) as resp:
                    await resp.read()

            began = time.perf_counter()
            tasks = []
            for i in range(replies):
                await asyncio.sleep(max(0.0, began + i / rate - time.perf_counter()))
                tasks.append(asyncio.create_task(one(i)))
            await asyncio.gather(*tasks)
    finally:
        await runner.cleanup()
    return [line.accepted[k].at - t for k, t in sent.items()]


def lines_of(url: str) -> list[tuple[int, int, str, str, str, dt.datetime, str | None]]:
    """(id, handover, author, key, text, created_at, state) of every line the gateway delivers."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            rows = session.scalars(
                select(HandoverMessage)
                .where(HandoverMessage.delivery_state.is_not(None))
                .order_by(HandoverMessage.id)
            )
            return [
                (
                    m.id,
                    m.handover_id,
                    m.author,
                    m.idempotency_key or "",
                    m.text or "",
                    m.created_at,
                    m.delivery_state,
                )
                for m in rows
            ]
    finally:
        engine.dispose()


def ms(values: list[float], q: float) -> float:
    return round(percentile(values, q) * 1000, 1) if values else float("nan")


async def handover_run(
    backend: str, via: str, kill: bool, args: argparse.Namespace, workdir: Path
) -> dict[str, Any]:
    secret = secrets.token_bytes(32)
    url, pg_name = make_database(backend, workdir)
    line = FakeLine(token=TOKEN, latency=args.line_latency)
    runner = await start_fake(line)
    gateway = Gateway(gateway_env(url, secret, line, workdir), workdir / "gateway.log", 0)
    gateway.port = int(gateway.env["GATEWAY_PORT"])
    try:
        seeded = await asyncio.to_thread(seed, url, secret, args.handovers, args.agents)
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=100)) as http:
            await gateway.start()
            await gateway.ready(http)
            await claim_all(http, gateway, seeded)
            # The gateway tells each citizen a person took the conversation (system lines): let those
            # go out first, so the replies are measured on their own.
            await wait_delivered(url, gateway, 0, timeout=120)
            before = len(line.accepted)
            started = time.time()
            posted, killed_after = await post_replies(
                via, url, http, gateway, seeded, args.replies, args.rate, kill
            )
            posting_seconds = time.time() - started
            await wait_delivered(url, gateway, before + args.replies, timeout=LEASE_SECONDS * 4 + 120)
            await asyncio.sleep(1.0)  # anything still in flight would show up as a duplicate now
        stop_seconds, exit_status = await stop_worker(gateway.process)

        rows = await asyncio.to_thread(lines_of, url)
        accepted = line.accepted
        by_key = {platform_key(key): row for row in rows for key in [row[3]]}
        lost = [k for k in by_key if k not in accepted]
        per_message = line.per_message()
        staff = [r for r in rows if r[2] == "staff"]
        latency = [
            accepted[platform_key(r[3])].at - r[5].timestamp()
            for r in staff
            if platform_key(r[3]) in accepted
        ]
        sent_at = {p.text: p.sent_at for p in posted}
        client_view = [
            accepted[platform_key(r[3])].at - sent_at[r[4]]
            for r in staff
            if platform_key(r[3]) in accepted and r[4] in sent_at
        ]
        # Order per handover: the fake's acceptance order of each handover's lines vs their ids.
        out_of_order = 0
        per_handover: dict[int, list[tuple[int, float]]] = {}
        for row in rows:
            got = accepted.get(platform_key(row[3]))
            if got is not None:
                per_handover.setdefault(row[1], []).append((row[0], got.at))
        for pairs in per_handover.values():
            ids_by_time = [i for i, _ in sorted(pairs, key=lambda p: (p[1], p[0]))]
            out_of_order += sum(1 for a, b in zip(ids_by_time, sorted(ids_by_time), strict=True) if a != b)
        return {
            "backend": backend,
            "run": via + ("+kill" if kill else ""),
            "handovers": args.handovers,
            "agents": args.agents,
            "replies": len(posted),
            "replies_confirmed": sum(1 for p in posted if p.confirmed),
            "replies_committed": len(staff),
            "lines_delivered_in_all": len(rows),
            "lost": len(lost),
            "duplicated": sum(c - 1 for c in per_message.values()),
            "out_of_order": out_of_order,
            "failed": sum(1 for r in rows if r[6] == "failed"),
            "refused_repeated_keys": line.repeated_keys,
            "killed_after_replies": killed_after,
            "replies_retried_by_agents": sum(1 for p in posted if p.failures),
            "replies_throttled_429": sum(1 for p in posted if p.throttled),
            "replies_per_s": round(len(posted) / posting_seconds, 1),
            "p50_ms": round(statistics.median(latency) * 1000, 1) if latency else float("nan"),
            "p95_ms": ms(latency, 0.95),
            "p99_ms": ms(latency, 0.99),
            "max_ms": round(max(latency) * 1000, 1) if latency else float("nan"),
            "client_p95_ms": ms(client_view, 0.95),
            "fake_api_errors": line.errors[:5],
            "stop_seconds": stop_seconds,
            "exit_status_after_sigterm": exit_status,
        }
    except BaseException:
        if gateway.process is not None and gateway.process.returncode is None:
            gateway.process.kill()
        print(f"--- {gateway.log.name} (last lines)", *_tail(gateway.log), sep="\n", file=sys.stderr)
        raise
    finally:
        await runner.cleanup()
        drop_database(pg_name)


def _tail(path: Path, n: int = 30) -> list[str]:
    return path.read_text(errors="replace").splitlines()[-n:] if path.exists() else []


ROWS: tuple[tuple[str, str], ...] = (
    ("staff replies posted (confirmed)", "replies_posted"),
    ("lines delivered in all (replies + system lines)", "lines_delivered_in_all"),
    ("**lost** (counted at the fake LINE API)", "lost"),
    ("**duplicated** (same text accepted twice)", "duplicated"),
    ("**out of order** within a handover", "out_of_order"),
    ("failed (given up)", "failed"),
    ("re-sends refused by retry key (409)", "refused_repeated_keys"),
    ("replies an agent had to send again (gateway down)", "replies_retried_by_agents"),
    ("replies the staff API refused with 429 first", "replies_throttled_429"),
    ("replies per second achieved", "replies_per_s"),
    ("commit → fake LINE p50 ms", "p50_ms"),
    ("**commit → fake LINE p95 ms**", "p95_ms"),
    ("commit → fake LINE p99 ms", "p99_ms"),
    ("commit → fake LINE max ms", "max_ms"),
    ("agent's POST → fake LINE p95 ms", "client_p95_ms"),
    ("baseline: direct push p95 ms (same run)", "baseline_p95_ms"),
    ("**p95 / baseline p95**", "ratio_to_baseline"),
    ("stop after SIGTERM: seconds (exit status)", "stop"),
)


def render(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    header = ["", *(f"{r['run']}, {r['backend']}" for r in results)]

    def cell(r: dict[str, Any], key: str) -> object:
        if key == "stop":
            return f"{r['stop_seconds']} ({r['exit_status_after_sigterm']})"
        if key == "replies_posted":
            return f"{r['replies']} ({r['replies_confirmed']})"
        return r[key]

    rows = [(label, *(cell(r, key) for r in results)) for label, key in ROWS]
    exact = not any(r["lost"] or r["duplicated"] or r["out_of_order"] for r in results)
    woken = [r for r in results if r["run"] == "api"]
    fast = all(r["p95_ms"] < 300 for r in woken)
    return "\n".join(
        [
            "### Latest run (written by the command)",
            "",
            measured_by(command_line(module="bench.handover.run")),
            "",
            f"{args.handovers} handovers on LINE, {args.agents} agents, {args.replies} replies at "
            f"{args.rate:g}/s, fake LINE API answering in {args.line_latency * 1000:g} ms.",
            "",
            table(header, rows),
            "",
            f"Exactly once and in order (0 lost, 0 duplicated, 0 out of order, also across the kill): "
            f"**{'met' if exact else 'NOT met'}**. Reply → fake LINE p95 under 300 ms through the staff "
            f"API: **{'met' if fast else 'NOT met'}**.",
        ]
    )


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    runs = [("api", False), ("api", True), ("db", False)]
    results = []
    with tempfile.TemporaryDirectory(prefix="handover-bench-") as tmp:
        for backend in backends:
            base = await baseline(args.replies, args.rate, args.line_latency)
            for via, kill in runs:
                workdir = Path(tmp) / f"{backend}-{via}-{kill}"
                workdir.mkdir()
                run = await handover_run(backend, via, kill, args, workdir)
                run["baseline_p95_ms"] = ms(base, 0.95)
                run["ratio_to_baseline"] = round(run["p95_ms"] / run["baseline_p95_ms"], 2)
                print(json.dumps(run, ensure_ascii=False), flush=True)
                results.append(run)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--handovers", type=int, default=200)
    parser.add_argument("--agents", type=int, default=5)
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument(
        "--rate",
        type=float,
        default=10.0,
        help="staff replies per second, all agents (10: each of 5 agents every half second)",
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--line-latency", type=float, default=0.05, help="seconds the fake LINE API takes per push"
    )
    parser.add_argument("--write", action="store_true", help="write the figures into bench/README.md")
    parser.add_argument(
        "--section", default="handover-run", help="bench/README.md section to write (handover-run-stress)"
    )
    args = parser.parse_args()
    results = asyncio.run(main_async(args))
    if args.write:
        write_section(args.section, render(results, args))
    if any(r["lost"] or r["duplicated"] or r["out_of_order"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
