"""Gateway + Rasa against Rasa's REST channel alone: throughput ratio and webhook acknowledgement time.

    .venv/bin/python -m bench.gateway.throughput [--senders 100] [--messages 400] [--rounds 2] [--write]

Same machine, same run, same Rasa process and model, same Thai messages. Each of the `--senders`
concurrent citizens sends its messages one after another and waits for the answer before the next:
  baseline  POST /webhooks/rest/webhook on Rasa and wait for the JSON answer;
  gateway   POST a signed LINE webhook to the gateway (acknowledgement timed), then wait until the
            answer reaches the fake LINE API (reply API, counted there).
Rounds alternate baseline and gateway so drift in machine load hits both. Throughput is messages
answered per second; the ratio is gateway / baseline (target >= 0.9). A burst phase then fires
messages from all senders without waiting for answers and reports acknowledgement percentiles while
the queue fills (target p95 < 20 ms), and how long the backlog takes to drain.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

from bench.gateway.stack import LINE_SECRET, ROOT, Stack, line_body, percentile, running_stack
from bench.readme import write_section
from channels.line.adapter import sign

README = ROOT / "bench" / "README.md"
START, END = "<!-- gateway:start -->", "<!-- gateway:end -->"
MESSAGES = ["สวัสดีค่ะ", "ขอบคุณมากครับ", "สวัสดีครับ มีเรื่องสอบถาม", "ขอบคุณค่ะ"]


def cpu_seconds(pid: int) -> float:
    """User+system CPU time of a process and its waited-for children, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def redis_pid() -> int | None:
    import redis as redis_sync

    from bench.gateway.stack import REDIS_URL

    try:
        return int(redis_sync.from_url(REDIS_URL).info("server")["process_id"])
    except Exception:
        return None


def processes(stack: Stack) -> dict[str, int]:
    found = {
        "rasa": stack.rasa.process,
        "actions": stack.actions.process,
        "gateway front": stack.gateway.process,
    }
    if stack.gateway_worker is not None:
        found["gateway worker"] = stack.gateway_worker.process
    pids = {name: p.pid for name, p in found.items() if p is not None}
    pids["benchmark client + fake LINE"] = os.getpid()
    rpid = redis_pid()
    if rpid:
        pids["redis (shared)"] = rpid
    return pids


def cpu_snapshot(pids: dict[str, int]) -> dict[str, float]:
    snapshot = {}
    for name, pid in pids.items():
        try:
            snapshot[name] = cpu_seconds(pid)
        except OSError:
            continue
    return snapshot


def cpu_per_message(before: dict[str, float], after: dict[str, float], messages: int) -> dict[str, float]:
    return {
        name: round((after[name] - before[name]) * 1000 / messages, 2) for name in before if name in after
    }


async def worker_stats(session: aiohttp.ClientSession, stack: Stack) -> dict:
    """Counters of the process that does the work (retries would explain a slow round)."""
    process = stack.gateway_worker or stack.gateway
    async with session.get(process.ready_url.replace("/healthz", "/readyz")) as resp:
        return (await resp.json()).get("stats", {})


def stagger(i: int, senders: int) -> float:
    """Citizens start within the first second (evenly spread), not all in the same millisecond."""
    return i / senders


async def rest_phase(
    session: aiohttp.ClientSession, stack: Stack, senders: int, per_sender: int, tag: str
) -> dict:
    url = f"http://127.0.0.1:{stack.rasa_port}/webhooks/rest/webhook"
    latencies: list[float] = []
    failures = 0

    async def citizen(i: int) -> None:
        nonlocal failures
        await asyncio.sleep(stagger(i, senders))
        for n in range(per_sender):
            started = time.perf_counter()
            body = {"sender": f"bench-rest-{tag}-{i}", "message": MESSAGES[(i + n) % len(MESSAGES)]}
            async with session.post(url, json=body) as resp:
                answer = await resp.json()
                if resp.status != 200 or not answer:
                    failures += 1
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(citizen(i) for i in range(senders)))
    elapsed = time.perf_counter() - started
    return {
        "throughput": senders * per_sender / elapsed,
        "p50_ms": percentile(latencies, 0.5),
        "failures": failures,
    }


async def gateway_phase(
    session: aiohttp.ClientSession,
    stack: Stack,
    senders: int,
    per_sender: int,
    tag: str,
    wait_answers: bool = True,
) -> dict:
    url = f"http://127.0.0.1:{stack.gateway_port}/webhooks/line"
    acks: list[float] = []
    round_trips: list[float] = []
    failures = 0
    loop = asyncio.get_running_loop()
    pending: list[asyncio.Future[float]] = []

    async def citizen(i: int) -> None:
        nonlocal failures
        user = "U" + uuid.uuid5(uuid.NAMESPACE_URL, f"{tag}-{i}").hex
        if wait_answers:
            await asyncio.sleep(stagger(i, senders))
        for n in range(per_sender):
            token = uuid.uuid4().hex
            waiter: asyncio.Future[float] = loop.create_future()
            stack.line.waiters[token] = waiter
            body = line_body(MESSAGES[(i + n) % len(MESSAGES)], user, token, uuid.uuid4().hex)
            headers = {"X-Line-Signature": sign(body, LINE_SECRET), "Content-Type": "application/json"}
            started = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as resp:
                await resp.read()
                if resp.status != 200:
                    failures += 1
            acks.append((time.perf_counter() - started) * 1000)
            if wait_answers:
                try:
                    answered = await asyncio.wait_for(waiter, 120)
                    round_trips.append((answered - started) * 1000)
                except TimeoutError:
                    failures += 1
            else:
                pending.append(waiter)

    started = time.perf_counter()
    await asyncio.gather(*(citizen(i) for i in range(senders)))
    accepted_in = time.perf_counter() - started
    if pending:
        _, not_done = await asyncio.wait(pending, timeout=600)
        failures += len(not_done)
    elapsed = time.perf_counter() - started
    return {
        "throughput": senders * per_sender / elapsed,
        "ack_p50_ms": percentile(acks, 0.5),
        "ack_p95_ms": percentile(acks, 0.95),
        "ack_p99_ms": percentile(acks, 0.99),
        "round_trip_p50_ms": percentile(round_trips, 0.5) if round_trips else None,
        "accept_seconds": accepted_in,
        "drain_seconds": elapsed,
        "failures": failures,
        "acks": len(acks),
    }


async def main_async(args: argparse.Namespace) -> dict:
    per_sender = max(1, args.messages // args.senders)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="gwbench-") as tmp:
        async with running_stack(
            Path(tmp),
            split=not args.single_process,
            nice_work=args.nice_work,
            validate_line=args.validate_line,
        ) as stack:
            connector = aiohttp.TCPConnector(limit=args.senders * 2)
            async with aiohttp.ClientSession(
                connector=connector, timeout=aiohttp.ClientTimeout(total=300)
            ) as session:
                # Warm-up: model caches, connections, Redis groups; not measured.
                await rest_phase(session, stack, 10, 2, "warm")
                await gateway_phase(session, stack, 10, 2, "warm")
                rounds = []
                pids = processes(stack)
                total = per_sender * args.senders
                for r in range(args.rounds):
                    before = cpu_snapshot(pids)
                    base = await rest_phase(session, stack, args.senders, per_sender, f"r{r}")
                    middle = cpu_snapshot(pids)
                    gate = await gateway_phase(session, stack, args.senders, per_sender, f"r{r}")
                    base["cpu_ms_per_msg"] = cpu_per_message(before, middle, total)
                    gate["cpu_ms_per_msg"] = cpu_per_message(middle, cpu_snapshot(pids), total)
                    gate["worker_stats"] = await worker_stats(session, stack)
                    rounds.append(
                        {"baseline": base, "gateway": gate, "ratio": gate["throughput"] / base["throughput"]}
                    )
                    print(json.dumps(rounds[-1], default=round), flush=True)
                burst = await gateway_phase(
                    session, stack, args.senders, per_sender, "burst", wait_answers=False
                )
                print(json.dumps({"burst": burst}, default=round), flush=True)
            line_errors = list(stack.line.errors)
    baseline = statistics.median(r["baseline"]["throughput"] for r in rounds)
    gateway = statistics.median(r["gateway"]["throughput"] for r in rounds)
    # Each round is a paired comparison under the same machine load: the ratio is the median of them.
    ratio = statistics.median(r["ratio"] for r in rounds)
    return {
        "load_average": f"{load_before:.1f} at start, {os.getloadavg()[0]:.1f} at end",
        "layout": ("one gateway process" if args.single_process else "front (ack) + worker gateway processes")
        + (f", Rasa/actions/worker at nice {args.nice_work}" if args.nice_work else "")
        + (
            ""
            if args.validate_line
            else ", fake LINE API parses JSON only (SDK validation: tests, fault bench)"
        ),
        "senders": args.senders,
        "messages_per_phase": per_sender * args.senders,
        "rounds": args.rounds,
        "baseline_msgs_per_s": round(baseline, 1),
        "gateway_msgs_per_s": round(gateway, 1),
        "ratio": round(ratio, 3),
        "round_ratios": [round(r["ratio"], 2) for r in rounds],
        "closed_loop_ack_p50_ms": round(statistics.median(r["gateway"]["ack_p50_ms"] for r in rounds), 2),
        "closed_loop_ack_p95_ms": round(max(r["gateway"]["ack_p95_ms"] for r in rounds), 2),
        "burst_ack_p50_ms": round(burst["ack_p50_ms"], 2),
        "burst_ack_p95_ms": round(burst["ack_p95_ms"], 2),
        "burst_ack_p99_ms": round(burst["ack_p99_ms"], 2),
        "burst_accept_s": round(burst["accept_seconds"], 2),
        "burst_drain_s": round(burst["drain_seconds"], 2),
        "cpu_ms_per_msg_baseline": rounds[len(rounds) // 2]["baseline"]["cpu_ms_per_msg"],
        "cpu_ms_per_msg_gateway": rounds[len(rounds) // 2]["gateway"]["cpu_ms_per_msg"],
        "failures": sum(r["gateway"]["failures"] + r["baseline"]["failures"] for r in rounds)
        + burst["failures"],
        "line_api_errors": len(line_errors),
    }


def write_readme(result: dict) -> None:
    write_section("gateway", render(result), README)


def render(r: dict) -> str:
    met = r["ratio"] >= 0.9
    ack_met = r["closed_loop_ack_p95_ms"] < 20
    return f"""{START}
## Gateway: LINE webhooks through the gateway vs Rasa's REST channel

Measured by `.venv/bin/python -m bench.gateway.throughput --write` ({time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())})
on this 2-core machine shared by several people (1-min load average {r.get("load_average", "not recorded")}
during the run, from other people's work too: absolute numbers are noisy). One run, same Rasa process and model (newest in models/, real action server),
same Thai messages; layout: {r["layout"]}; {r["senders"]} concurrent senders, each waiting for its
answer before sending the next (they start spread over the first second); {r["messages_per_phase"]} messages per phase; median of {r["rounds"]}
alternating rounds (baseline, gateway, baseline, ...). The gateway path is the whole production path:
signed LINE webhook -> signature check -> SDK parse -> Redis Streams (rate limit, dedupe, XADD in one
Lua call) -> 200; worker: XREADGROUP -> Rasa `line` channel (LINE loading animation if Rasa takes
more than 0.8 s) -> SDK-built reply to the fake LINE API -> done marker -> XACK.

| measure | value | target |
|---|---|---|
| Rasa REST channel alone (baseline) | {r["baseline_msgs_per_s"]} msg/s | |
| gateway + Redis + Rasa `line` channel + fake LINE reply API | {r["gateway_msgs_per_s"]} msg/s | |
| throughput ratio gateway / baseline, median of the paired rounds ({r["round_ratios"]}) | **{r["ratio"]}** | >= 0.9 ({"met" if met else "NOT met"}) |
| webhook ack p50 (median round) / p95 (worst round), {r["senders"]} senders waiting for answers | {r["closed_loop_ack_p50_ms"]} / **{r["closed_loop_ack_p95_ms"]} ms** | p95 < 20 ms ({"met" if ack_met else "NOT met"}) |
| webhook ack p50 / p95 / p99, burst: all senders fire, nobody waits | {r["burst_ack_p50_ms"]} / {r["burst_ack_p95_ms"]} / {r["burst_ack_p99_ms"]} ms | (saturation, for information) |
| burst: all accepted after / all answered after | {r["burst_accept_s"]} s / {r["burst_drain_s"]} s | |
| failed or unanswered messages; requests the fake LINE API rejected | {r["failures"]}; {r["line_api_errors"]} | 0; 0 |

CPU per message (ms of user+system time per answered message, middle round):

{cpu_table(r)}
{cpu_note(r)}

Per round (JSON lines) are printed by the script. Reproduce: `make train`, then the command above.
{END}"""  # noqa: E501 (a Markdown table)


def cpu_note(r: dict) -> str:
    base, gate = r.get("cpu_ms_per_msg_baseline", {}), r.get("cpu_ms_per_msg_gateway", {})
    if not base or not gate:
        return ""
    own = sum(v for k, v in gate.items() if k.startswith(("gateway", "redis")))
    rasa_extra = gate.get("rasa", 0.0) - base.get("rasa", 0.0)
    return (
        f"\nThe gateway's own processes (front, worker, Redis) cost {own:.1f} ms of CPU per message, and Rasa"
        f" spends {rasa_extra:+.1f} ms per message more on the `line` channel than on REST. A py-spy profile"
        " of Rasa (2026-11-25) found no `line`-only work: per request, both channels split their time alike"
        " (sentence encoder ~25%, policies ~22%, tracker load ~10%, tracker save ~9%):"
        " the difference looks like the same code running slower while the gateway's processes share"
        " the cores, not the metadata."
        " Everything shares the same 2 cores with Rasa,"
        " whose single-threaded event loop is the bottleneck, so on this machine that overhead shows up"
        " directly in the ratio;"
        " with the gateway on its own cores (its usual deployment) only Rasa's extra cost would remain."
    )


def cpu_table(r: dict) -> str:
    base, gate = r.get("cpu_ms_per_msg_baseline", {}), r.get("cpu_ms_per_msg_gateway", {})
    names = list(dict.fromkeys([*base, *gate]))
    rows = [f"| {n} | {base.get(n, 0.0)} | {gate.get(n, 0.0)} |" for n in names]
    total = f"| total | {round(sum(base.values()), 1)} | {round(sum(gate.values()), 1)} |"
    return "\n".join(["| process | baseline | gateway |", "|---|---:|---:|", *rows, total])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--senders", type=int, default=100)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--single-process", action="store_true", help="acknowledge and work in one process")
    parser.add_argument(
        "--nice-work", type=int, default=0, help="nice value for Rasa, actions and the worker"
    )
    parser.add_argument(
        "--validate-line",
        action="store_true",
        help="validate every request at the fake LINE API with the SDK models (costs the harness CPU)",
    )
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    print(json.dumps(result, ensure_ascii=False))
    if args.write:
        write_readme(result)


if __name__ == "__main__":
    main()
