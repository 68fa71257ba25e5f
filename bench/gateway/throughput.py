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
import re
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

from bench.gateway.stack import LINE_SECRET, ROOT, Stack, line_body, percentile, running_stack
from channels.line.adapter import sign

README = ROOT / "bench" / "README.md"
START, END = "<!-- gateway:start -->", "<!-- gateway:end -->"
MESSAGES = ["สวัสดีค่ะ", "ขอบคุณมากครับ", "สวัสดีครับ มีเรื่องสอบถาม", "ขอบคุณค่ะ"]


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
    with tempfile.TemporaryDirectory(prefix="gwbench-") as tmp:
        async with running_stack(Path(tmp), split=not args.single_process, nice_work=args.nice_work) as stack:
            connector = aiohttp.TCPConnector(limit=args.senders * 2)
            async with aiohttp.ClientSession(
                connector=connector, timeout=aiohttp.ClientTimeout(total=300)
            ) as session:
                # Warm-up: model caches, connections, Redis groups; not measured.
                await rest_phase(session, stack, 10, 2, "warm")
                await gateway_phase(session, stack, 10, 2, "warm")
                rounds = []
                for r in range(args.rounds):
                    base = await rest_phase(session, stack, args.senders, per_sender, f"r{r}")
                    gate = await gateway_phase(session, stack, args.senders, per_sender, f"r{r}")
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
        "layout": ("one gateway process" if args.single_process else "front (ack) + worker gateway processes")
        + (f", Rasa/actions/worker at nice {args.nice_work}" if args.nice_work else ""),
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
        "failures": sum(r["gateway"]["failures"] + r["baseline"]["failures"] for r in rounds)
        + burst["failures"],
        "line_api_errors": len(line_errors),
    }


def write_readme(result: dict) -> None:
    text = README.read_text("utf-8") if README.exists() else "# Benchmarks\n"
    section = render(result)
    if START in text and END in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    README.write_text(text, "utf-8")


def render(r: dict) -> str:
    met = r["ratio"] >= 0.9
    ack_met = r["closed_loop_ack_p95_ms"] < 20
    return f"""{START}
## Gateway: LINE webhooks through the gateway vs Rasa's REST channel

Measured by `.venv/bin/python -m bench.gateway.throughput --write` ({time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())})
on this 2-core machine shared by several people (load average 7-10 during the run: absolute numbers are
pessimistic and noisy). One run, same Rasa process and model (newest in models/, real action server),
same Thai messages; layout: {r["layout"]}; {r["senders"]} concurrent senders, each waiting for its
answer before sending the next (they start spread over the first second); {r["messages_per_phase"]} messages per phase; median of {r["rounds"]}
alternating rounds (baseline, gateway, baseline, ...). The gateway path is the whole production path:
signed LINE webhook -> signature check -> SDK parse -> Redis Streams (rate limit, dedupe, XADD in one
Lua call) -> 200; worker: XREADGROUP -> loading animation -> Rasa `line` channel -> SDK-validated
reply to the fake LINE API -> done marker -> XACK.

| measure | value | target |
|---|---|---|
| Rasa REST channel alone (baseline) | {r["baseline_msgs_per_s"]} msg/s | |
| gateway + Redis + Rasa `line` channel + fake LINE reply API | {r["gateway_msgs_per_s"]} msg/s | |
| throughput ratio gateway / baseline, median of the paired rounds ({r["round_ratios"]}) | **{r["ratio"]}** | >= 0.9 ({"met" if met else "NOT met"}) |
| webhook ack p50 (median round) / p95 (worst round), {r["senders"]} senders waiting for answers | {r["closed_loop_ack_p50_ms"]} / **{r["closed_loop_ack_p95_ms"]} ms** | p95 < 20 ms ({"met" if ack_met else "NOT met"}) |
| webhook ack p50 / p95 / p99, burst: all senders fire, nobody waits | {r["burst_ack_p50_ms"]} / {r["burst_ack_p95_ms"]} / {r["burst_ack_p99_ms"]} ms | (saturation, for information) |
| burst: all accepted after / all answered after | {r["burst_accept_s"]} s / {r["burst_drain_s"]} s | |
| failed or unanswered messages; requests the fake LINE API rejected | {r["failures"]}; {r["line_api_errors"]} | 0; 0 |

Per round (JSON lines) are printed by the script. Reproduce: `make train`, then the command above.
{END}"""  # noqa: E501 (a Markdown table)


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
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    print(json.dumps(result, ensure_ascii=False))
    if args.write:
        write_readme(result)


if __name__ == "__main__":
    main()
