"""The embedded default (no REDIS_URL): the durable SQLite backend against the in-process queue it
replaced, and both against Rasa's REST channel, in one run.

    .venv/bin/python -m bench.gateway.embedded [--senders 100] [--messages 600] [--rounds 3] [--write]

One Rasa process and model, one fake LINE API, two single-process gateways started side by side
(`GATEWAY_BACKEND=sqlite`, what `make run` uses, and `GATEWAY_BACKEND=memory`, the former default
that lost everything on a crash). Each round runs the REST baseline, then the SQLite gateway, then
the memory gateway, with the closed-loop citizens of `bench.gateway.throughput`; the ratios are the
medians of the rounds. A burst (everyone fires, nobody waits) then measures acknowledgements while
the queue fills, for each gateway.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.gateway.stack import ROOT, free_port, gateway_process, running_stack
from bench.gateway.throughput import gateway_phase, rest_phase
from bench.readme import write_section

README = ROOT / "bench" / "README.md"
START, END = "<!-- gateway-embedded:start -->", "<!-- gateway-embedded:end -->"
BACKENDS = ("sqlite", "memory")


async def main_async(args: argparse.Namespace) -> dict:
    per_sender = max(1, args.messages // args.senders)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="gwembedded-") as tmp:
        async with running_stack(
            Path(tmp), nice_work=args.nice_work, validate_line=False, backend="sqlite"
        ) as sqlite_stack:
            port = free_port()
            memory = gateway_process(
                Path(tmp),
                port,
                sqlite_stack.rasa_port,
                sqlite_stack.line.url,
                sqlite_stack.rasa.env["GATEWAY_RASA_TOKEN"],
                sqlite_stack.redis_prefix,
                backend="memory",
            )
            await asyncio.to_thread(memory.start, 60)
            stacks = {
                "sqlite": sqlite_stack,
                "memory": dataclasses.replace(sqlite_stack, gateway=memory, gateway_port=port),
            }
            try:
                connector = aiohttp.TCPConnector(limit=args.senders * 2)
                async with aiohttp.ClientSession(
                    connector=connector, timeout=aiohttp.ClientTimeout(total=300)
                ) as session:
                    await rest_phase(session, sqlite_stack, 10, 2, "warm")
                    for name, stack in stacks.items():
                        await gateway_phase(session, stack, 10, 2, f"warm-{name}")
                    rounds = []
                    for r in range(args.rounds):
                        row = {
                            "baseline": await rest_phase(
                                session, sqlite_stack, args.senders, per_sender, f"r{r}"
                            )
                        }
                        for name, stack in stacks.items():
                            row[name] = await gateway_phase(
                                session, stack, args.senders, per_sender, f"r{r}-{name}"
                            )
                        rounds.append(row)
                        print(json.dumps(row, default=round), flush=True)
                    bursts = {
                        name: await gateway_phase(
                            session, stack, args.senders, per_sender, f"burst-{name}", wait_answers=False
                        )
                        for name, stack in stacks.items()
                    }
                    print(json.dumps({"burst": bursts}, default=round), flush=True)
            finally:
                await asyncio.to_thread(memory.stop)
            line_errors = len(sqlite_stack.line.errors)

    def median(name: str, key: str) -> float:
        return statistics.median(r[name][key] for r in rounds)

    def ratios(name: str) -> list[float]:
        return [r[name]["throughput"] / r["baseline"]["throughput"] for r in rounds]

    result: dict = {
        "load_average": f"{load_before:.1f} at start, {os.getloadavg()[0]:.1f} at end",
        "senders": args.senders,
        "messages_per_phase": per_sender * args.senders,
        "rounds": args.rounds,
        "nice_work": args.nice_work,
        "baseline_msgs_per_s": round(median("baseline", "throughput"), 1),
        "line_api_errors": line_errors,
    }
    for name in BACKENDS:
        result[name] = {
            "msgs_per_s": round(median(name, "throughput"), 1),
            "ratio_to_rest": round(statistics.median(ratios(name)), 3),
            "ack_p50_ms": round(median(name, "ack_p50_ms"), 2),
            "ack_p95_ms": round(max(r[name]["ack_p95_ms"] for r in rounds), 2),
            "burst_ack_p95_ms": round(bursts[name]["ack_p95_ms"], 2),
            "burst_drain_s": round(bursts[name]["drain_seconds"], 2),
            "failures": sum(r[name]["failures"] for r in rounds) + bursts[name]["failures"],
        }
    result["sqlite_to_memory_rounds"] = [
        round(r["sqlite"]["throughput"] / r["memory"]["throughput"], 2) for r in rounds
    ]
    result["sqlite_to_memory"] = round(
        statistics.median(r["sqlite"]["throughput"] / r["memory"]["throughput"] for r in rounds), 3
    )
    return result


def render(r: dict) -> str:
    s, m = r["sqlite"], r["memory"]
    return f"""{START}
## Gateway without Redis: the durable SQLite default vs the in-process queue it replaced

Measured by `.venv/bin/python -m bench.gateway.embedded --write` ({time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}),
2-core machine shared with other work (1-min load average {r["load_average"]}). One Rasa process and
model, two single-process gateways side by side (`GATEWAY_BACKEND=sqlite`, the default of `make run`:
queue, dedupe record and transcripts in `gateway-state.db`; and `GATEWAY_BACKEND=memory`, the former
default that lost accepted events on a crash), {r["senders"]} closed-loop senders, {r["messages_per_phase"]}
messages per phase, median of {r["rounds"]} rounds (REST, SQLite, memory in turn){", Rasa/actions at nice " + str(r["nice_work"]) if r["nice_work"] else ""}.

| measure | SQLite (default, durable) | memory (not durable) |
|---|---|---|
| answered messages per second (REST alone: {r["baseline_msgs_per_s"]}) | {s["msgs_per_s"]} | {m["msgs_per_s"]} |
| ratio to Rasa's REST channel | **{s["ratio_to_rest"]}** | {m["ratio_to_rest"]} |
| webhook ack p50 / p95 (worst round), closed loop | {s["ack_p50_ms"]} / **{s["ack_p95_ms"]} ms** | {m["ack_p50_ms"]} / {m["ack_p95_ms"]} ms |
| burst: ack p95 / all answered after | {s["burst_ack_p95_ms"]} ms / {s["burst_drain_s"]} s | {m["burst_ack_p95_ms"]} ms / {m["burst_drain_s"]} s |
| failed or unanswered | {s["failures"]} | {m["failures"]} |

SQLite / memory throughput, median of the paired rounds ({r.get("sqlite_to_memory_rounds", "")}):
**{r["sqlite_to_memory"]}**. Crash safety of the
SQLite default: `tests/security/test_finding6_durable.py` (SIGKILL of the gateway mid-load).
{END}"""  # noqa: E501 (a Markdown table)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--senders", type=int, default=100)
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--nice-work", type=int, default=5, help="nice value for Rasa and the action server")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    print(json.dumps(result, ensure_ascii=False))
    if args.write:
        write_section("gateway-embedded", render(result), README)


if __name__ == "__main__":
    main()
