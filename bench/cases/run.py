"""Benchmark: status changes fan out through the outbox to fake LINE and SMS APIs, with a worker kill.

    .venv/bin/python -m bench.cases.run [--changes 10000] [--live-changes 1000]
                                        [--backend sqlite|postgresql|both] [--no-kill]
                                        [--worker gateway|cases] [--write]

The worker is production's by default: `python -m channels` with PERSONAL_DATA_KEYS set, i.e. the
gateway delivering notices through its own adapters (channels/notices.py: LINE push through
line-bot-sdk, SMS through the generic provider's sender with its STOP check and segment budget), with
no Redis (the embedded state file, as `make run` without REDIS_URL) and Rasa unreachable (no message
goes to it). `--worker cases` runs `python -m cases worker` (the same adapters, without the listener) instead.

Per backend, in one run (fake APIs in this process; producers and workers in their own processes):
  0. baseline: the same number of messages posted straight to the fake APIs (no database, no outbox),
     at the worker's concurrency: the ceiling the outbox path is compared against;
  1. queue: `--changes` status changes (half to LINE, half to SMS contacts), 50 per transaction, each
     with its outbox row, while no worker runs: a backlog, as after an outage;
  2. drain: a real worker process delivers the backlog; at 40% it gets SIGKILL and a new one starts
     at once (its rows come back when the dead worker's 5 s lease ends);
  3. live: `--live-changes` more changes, one per transaction as the API makes them, paced at
     `--live-rate` per second, with the worker running: change-to-delivery latency (outbox row
     created -> fake API accepted) p50/p95/p99.
Counted at the fake APIs over all phases: lost (an outbox row whose key the fake never accepted),
duplicated (the same message accepted twice), and repeated idempotency keys the fakes refused (the
cost of the crash: re-sends that reach nobody). At the end the worker gets SIGTERM; how long it takes
to stop, and its exit status, are reported too.
Exit status 1 if anything was lost or duplicated. `--write` puts the figures into bench/README.md
between `<!-- cases-run:start -->` and `<!-- cases-run:end -->` (README.md's "case notices" row).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
from aiohttp import web
from sqlalchemy import select

from bench.readme import command_line, measured_by, table, write_section
from cases.agency_keys import issue_key
from cases.database import make_cases_engine, make_cases_sessionmaker
from cases.models import Case, OutboxMessage, as_utc
from cases.photos import PhotoStore
from cases.registry import (
    CaseTools,
    NewCase,
    NewConsent,
    NewContact,
    StatusChange,
    change_status,
    create_case,
)
from channels.sms.adapter import IDEMPOTENCY_NAMESPACE as SMS_IDEMPOTENCY_NAMESPACE
from db.migrate import upgrade
from privacy import PersonalData, PrivacySettings
from tests.e2e.dialogue_servers import free_port
from tests.fakes import FakeApi, FakeLine, FakeSms

TOKEN = "bench-token"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
CONCURRENCY = 32
BATCH = 200
LEASE_SECONDS = 5


async def start_fake(fake: FakeApi) -> web.AppRunner:
    runner = web.AppRunner(fake.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    fake.url = f"http://{host}:{port}"
    return runner


async def baseline(n: int) -> float:
    """Notices/s when posting straight to the fakes: no database, no outbox, same concurrency."""
    line, sms = FakeLine(token=TOKEN), FakeSms(token=TOKEN)
    runners = [await start_fake(line), await start_fake(sms)]
    gate = asyncio.Semaphore(CONCURRENCY)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY)) as http:

            async def one(i: int) -> None:
                key = f"{i:08x}-0000-4000-8000-000000000000"
                async with gate:
                    if i % 2:
                        body: dict[str, Any] = {"to": f"+66{i:09d}", "text": f"เรื่อง {i}", "reference": key}
                        await (
                            await http.post(
                                f"{sms.url}/messages", json=body, headers={**headers, "Idempotency-Key": key}
                            )
                        ).read()
                    else:
                        body = {"to": f"U{i:032x}", "messages": [{"type": "text", "text": f"เรื่อง {i}"}]}
                        url = f"{line.url}/v2/bot/message/push"
                        await (
                            await http.post(url, json=body, headers={**headers, "X-Line-Retry-Key": key})
                        ).read()

            started = time.perf_counter()
            await asyncio.gather(*(one(i) for i in range(n)))
            elapsed = time.perf_counter() - started
    finally:
        for runner in runners:
            await runner.cleanup()
    assert len(line.accepted) + len(sms.accepted) == n
    return n / elapsed


def make_database(backend: str, workdir: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'bench.db'}"
        upgrade(url)
        return url, None
    name = f"cases_bench_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    upgrade(url)
    return url, name


def drop_database(name: str | None) -> None:
    if name:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def keys_env(secret: bytes) -> dict[str, str]:
    """PERSONAL_DATA_KEYS for the run: hash root and sealing key k1 from one random secret."""
    return {"PERSONAL_DATA_KEYS": f"hash:{secret.hex()},k1:{secret.hex()}"}


def seed_cases(url: str, secret: bytes, n: int, photo_dir: Path) -> list[str]:
    """One case per change; even ones reach the citizen on LINE, odd ones by SMS."""
    engine = make_cases_engine(url)
    sessions = make_cases_sessionmaker(engine)
    tools = CaseTools(
        vault=PersonalData(PrivacySettings.from_environ(keys_env(secret))), photos=PhotoStore(photo_dir)
    )
    refs: list[str] = []
    now = dt.datetime.now(dt.UTC)
    with sessions() as session, session.begin():
        issue_key(session, "dla", "กรมการปกครอง")
        for i in range(n):
            contact = (
                NewContact("line", sender_id=f"line:U{i:032x}", notify=True)
                if i % 2 == 0
                else NewContact("sms", phone=f"08{i:08d}", notify=True)
            )
            case = create_case(
                session,
                "dla",
                NewCase(
                    kind="application",
                    service_id="id_card_renew",
                    contacts=(contact,),
                    consent=NewConsent("ยินยอมรับแจ้งความคืบหน้า", now),
                ),
                tools,
                now=now,
            )
            refs.append(case.reference)
    engine.dispose()
    return refs


def produce(url: str, refs: list[str], per_transaction: int, tag: str, rate: float | None) -> None:
    """The agency side: status changes, each committed with its outbox row (`per_transaction` per commit:
    1 is what the API does; the queue phase batches them so seeding 10,000 does not take minutes).
    `rate` paces commits per second (None: as fast as the database takes them)."""
    engine = make_cases_engine(url)
    sessions = make_cases_sessionmaker(engine)
    began = time.perf_counter()
    try:
        for n, start in enumerate(range(0, len(refs), per_transaction)):
            if rate:
                time.sleep(max(0.0, began + n / rate - time.perf_counter()))
            with sessions() as session, session.begin():
                for i, ref in enumerate(refs[start : start + per_transaction], start):
                    case = session.scalars(select(Case).where(Case.reference == ref)).one()
                    # urgent: SMS quiet hours would otherwise defer half the run to 08:00 Bangkok time
                    change = StatusChange(
                        status="in_progress", actor="bench", public_note=f"{tag} ครั้งที่ {i}", urgent=True
                    )
                    change_status(session, case, change)
    finally:
        engine.dispose()


def run_producer(url: str, refs: list[str], per_transaction: int, tag: str, rate: float | None = None) -> Any:
    """A separate process, so the producer shares neither the GIL nor the loop with the fake APIs."""
    process = multiprocessing.get_context("spawn").Process(
        target=produce, args=(url, refs, per_transaction, tag, rate), daemon=True
    )
    process.start()
    return process


def worker_env(
    kind: str, url: str, secret: bytes, line: FakeApi, sms: FakeApi, state: Path
) -> dict[str, str]:
    """The environment each kind of worker reads: the outbox settings are the same for both."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "WEB_SESSION_SECRET")},
        "DATABASE_URL": url,
        **keys_env(secret),
        "CASES_WORKER_LEASE_SECONDS": str(LEASE_SECONDS),
        "CASES_WORKER_BATCH": str(BATCH),
        "CASES_WORKER_CONCURRENCY": str(CONCURRENCY),
        "CASES_WORKER_IDLE_POLL_MS": "100",
        "LINE_API_BASE": line.url,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "SMS_API_BASE": sms.url,
    }
    # `python -m cases worker` is the gateway's notice worker without its listener: same variables.
    return {
        **env,
        "GATEWAY_HOST": "127.0.0.1",
        "GATEWAY_PORT": str(free_port()),
        "GATEWAY_STATE_DIR": str(state),
        "RASA_URL": "http://127.0.0.1:9",  # the discard port: nothing here talks to Rasa
        "LINE_CHANNEL_SECRET": secrets.token_hex(16),
        "LINE_DATA_API_BASE": line.url,
        "SMS_PROVIDER": "generic",
        "SMS_API_KEY": TOKEN,
        "SMS_SENDER": "GOVBOT",
        "SMS_WEBHOOK_SECRET": secrets.token_hex(16),
        "LOG_LEVEL": "WARNING",  # one INFO line per 409 after the kill would only fill the log
    }


async def spawn_worker(kind: str, url: str, secret: bytes, line: FakeApi, sms: FakeApi, workdir: Path) -> Any:
    """`python -m channels` (the gateway, production's notice worker) or `python -m cases worker`."""
    command = ["-m", "channels"] if kind == "gateway" else ["-m", "cases", "worker"]
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *command,
        env=worker_env(kind, url, secret, line, sms, workdir / "gateway-state"),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=(workdir / f"worker-{kind}.log").open("ab"),
    )


def provider_key(kind: str, channel: str, key: str) -> str:
    """The idempotency key the fake sees for an outbox row: the row's own, except that the gateway's
    SMS sender derives the provider's key from "notice:<row key>" (channels/sms/adapter.py)."""
    if channel == "sms":
        return str(uuid.uuid5(SMS_IDEMPOTENCY_NAMESPACE, f"notice:{key}"))
    return key


async def stop_worker(worker: Any) -> tuple[float, int | None]:
    """SIGTERM, as a deployment stops it; (seconds until it exited, exit status; None: had to SIGKILL)."""
    started = time.perf_counter()
    worker.terminate()
    try:
        code = await asyncio.wait_for(worker.wait(), timeout=30)
    except TimeoutError:
        worker.kill()
        await worker.wait()
        code = None
    return round(time.perf_counter() - started, 2), code


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def wait_until(check: Any, worker: Any = None, timeout: float = 900) -> None:
    deadline = time.time() + timeout
    while not check():
        if time.time() > deadline:
            raise TimeoutError("benchmark stalled")
        if worker is not None and worker.returncode is not None:
            raise RuntimeError(f"the worker exited with status {worker.returncode}; see its log")
        await asyncio.sleep(0.01)


async def outbox_run(
    kind: str, backend: str, n: int, live_n: int, live_rate: float, kill: bool, workdir: Path
) -> dict[str, Any]:
    secret = secrets.token_bytes(32)
    url, pg_name = make_database(backend, workdir)
    line, sms = FakeLine(token=TOKEN), FakeSms(token=TOKEN)
    runners = [await start_fake(line), await start_fake(sms)]
    delivered = lambda: len(line.accepted) + len(sms.accepted)  # noqa: E731
    try:
        refs = await asyncio.to_thread(seed_cases, url, secret, n, workdir / "photos")

        # Phase 1: queue n changes while no worker runs (a backlog, as after an outage).
        started = time.time()
        producer = run_producer(url, refs, 50, "queued")
        await asyncio.to_thread(producer.join)
        queue_seconds = time.time() - started

        # Phase 2: drain the backlog; SIGKILL the worker at 40% and start another at once.
        drain_start = time.time()
        worker = await spawn_worker(kind, url, secret, line, sms, workdir)
        killed_at = None
        if kill:
            await wait_until(lambda: delivered() >= n * 0.4, worker)
            worker.kill()
            await worker.wait()
            killed_at = delivered()
            worker = await spawn_worker(kind, url, secret, line, sms, workdir)
        await wait_until(lambda: delivered() >= n, worker)
        drain_end = max(r.at for f in (line, sms) for r in f.accepted.values())

        # Phase 3: live changes, one per transaction as the API makes them, with the worker running.
        live_refs = refs[:live_n]
        producer = run_producer(url, live_refs, 1, "live", live_rate)
        live_start = time.time()
        await wait_until(lambda: delivered() >= n + live_n, worker)
        live_end = time.time()
        await asyncio.to_thread(producer.join)
        await asyncio.sleep(1.0)  # anything still in flight would show up as a duplicate now
        stop_seconds, exit_status = await stop_worker(worker)

        engine = make_cases_engine(url)
        with make_cases_sessionmaker(engine)() as session:
            created = {
                provider_key(kind, m.channel, m.idempotency_key): as_utc(m.created_at).timestamp()  # type: ignore[union-attr]
                for m in session.scalars(select(OutboxMessage))
            }
            states = list(session.scalars(select(OutboxMessage.state)))
        engine.dispose()
        accepted = {k: r for f in (line, sms) for k, r in f.accepted.items()}
        live = [r.at - created[k] for k, r in accepted.items() if k in created and r.text.find("live ") >= 0]
        per_message = line.per_message() + sms.per_message()
        return {
            "worker": kind,
            "backend": backend,
            "status_changes": n + live_n,
            "notices": len(created),
            "delivered_distinct": len(per_message),
            "lost": sum(1 for k in created if k not in accepted),
            "duplicated": sum(c - 1 for c in per_message.values()),
            "refused_repeated_keys": line.repeated_keys + sms.repeated_keys,
            "killed_after_deliveries": killed_at,
            "outbox_not_sent": sum(1 for s in states if s != "sent"),
            "queue_changes_per_s": round(n / queue_seconds, 1),
            "drain_seconds": round(drain_end - drain_start, 2),
            "drain_per_s": round(n / (drain_end - drain_start), 1),
            "live_changes": live_n,
            "live_changes_per_s": round(live_n / (live_end - live_start), 1),
            "live_latency_p50_ms": round(statistics.median(live) * 1000, 1),
            "live_latency_p95_ms": round(percentile(live, 0.95) * 1000, 1),
            "live_latency_p99_ms": round(percentile(live, 0.99) * 1000, 1),
            "fake_api_errors": line.errors + sms.errors,
            "stop_seconds": stop_seconds,
            "exit_status_after_sigterm": exit_status,
        }
    finally:
        for runner in runners:
            await runner.cleanup()
        drop_database(pg_name)


ROWS: tuple[tuple[str, str], ...] = (
    ("notices (queued + live)", "notices"),
    ("**lost** (counted at the fake APIs)", "lost"),
    ("**duplicated** (same message accepted twice)", "duplicated"),
    ("re-sends after the kill refused by key (409)", "refused_repeated_keys"),
    ("outbox rows not `sent` at the end", "outbox_not_sent"),
    ("drain: seconds (incl. kill, restart, lease)", "drain_seconds"),
    ("drain: notices per second", "drain_per_s"),
    ("baseline, direct posts (same run) per second", "baseline_direct_per_s"),
    ("**drain / baseline**", "drain_ratio_to_baseline"),
    ("queueing changes per second (50 per transaction)", "queue_changes_per_s"),
    ("live changes per second achieved", "live_changes_per_s"),
    ("change → delivery p50 ms", "live_latency_p50_ms"),
    ("**change → delivery p95 ms**", "live_latency_p95_ms"),
    ("change → delivery p99 ms", "live_latency_p99_ms"),
    ("stop after SIGTERM: seconds (exit status)", "stop"),
)


def render(results: list[dict[str, Any]]) -> str:
    """The cases-run section of bench/README.md: one column per worker and backend."""
    header = ["", *(f"{r['worker']}, {r['backend']}" for r in results)]

    def cell(r: dict[str, Any], key: str) -> object:
        if key == "stop":
            return f"{r['stop_seconds']} ({r['exit_status_after_sigterm']})"
        return r[key]

    rows = [(label, *(cell(r, key) for r in results)) for label, key in ROWS]
    verdict = "met" if not any(r["lost"] or r["duplicated"] for r in results) else "NOT met"
    return "\n".join(
        [
            "### Latest run (written by the command)",
            "",
            measured_by(command_line(module="bench.cases.run")),
            "",
            table(header, rows),
            "",
            f"Exactly once (0 lost, 0 duplicated): **{verdict}**.",
        ]
    )


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = []
    with tempfile.TemporaryDirectory(prefix="cases-bench-") as tmp:
        for backend in backends:
            workdir = Path(tmp) / backend
            workdir.mkdir()
            base = await baseline(args.changes)
            try:
                run = await outbox_run(
                    args.worker,
                    backend,
                    args.changes,
                    args.live_changes,
                    args.live_rate,
                    not args.no_kill,
                    workdir,
                )
            except (RuntimeError, TimeoutError):
                for log in workdir.glob("worker-*.log"):  # the directory goes with the run: show why
                    print(f"--- {log.name} (last lines)", *log.read_text().splitlines()[-20:], sep="\n")
                raise
            run["baseline_direct_per_s"] = round(base, 1)
            run["drain_ratio_to_baseline"] = round(run["drain_per_s"] / base, 3)
            print(json.dumps(run, ensure_ascii=False), flush=True)
            results.append(run)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--live-changes", type=int, default=1000, help="changes made while the worker runs")
    parser.add_argument(
        "--live-rate",
        type=float,
        default=50.0,
        help="status changes per second in the live phase (0: unpaced)",
    )
    parser.add_argument("--no-kill", action="store_true", help="do not kill the worker mid-run")
    parser.add_argument(
        "--worker",
        choices=["gateway", "cases"],
        default="gateway",
        help="gateway: `python -m channels` (production); cases: `python -m cases worker`",
    )
    parser.add_argument("--write", action="store_true", help="write the figures into bench/README.md")
    args = parser.parse_args()
    results = asyncio.run(main_async(args))
    if args.write:
        write_section("cases-run", render(results))
    if any(r["lost"] or r["duplicated"] or r["outbox_not_sent"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
