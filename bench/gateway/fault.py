"""Fault test under load: kill Rasa (SIGKILL) in the middle of a run, start it again, count answers.

    .venv/bin/python -m bench.gateway.fault [--senders 50] [--messages 300] [--rate 20] [--write]

Citizens keep sending signed LINE webhooks at `--rate` messages per second while Rasa is killed after a
third of them and restarted (loading the model again takes a while, so many messages wait). The fake
LINE API counts every answer per message, whether it came by reply (token) or by push (retry key).
Pass: every accepted message answered exactly once (none lost, none twice), in order per citizen.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import aiohttp

from bench.gateway.stack import LINE_SECRET, ROOT, line_body, percentile, running_stack
from bench.readme import write_section
from channels.line.adapter import retry_key, sign
from channels.line.parse import event_key

README = ROOT / "bench" / "README.md"
START, END = "<!-- gateway-fault:start -->", "<!-- gateway-fault:end -->"


async def main_async(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="gwfault-") as tmp:
        async with running_stack(Path(tmp), nice_work=args.nice_work) as stack:
            url = f"http://127.0.0.1:{stack.gateway_port}/webhooks/line"
            messages: list[tuple[str, str, str, int]] = []  # (user, token, push key, n)
            statuses: Counter[int] = Counter()
            acks_during_outage: list[float] = []
            outage = {"down": False, "killed_at": 0.0, "back_at": 0.0}
            interval = args.senders / args.rate
            per_sender = args.messages // args.senders

            async def citizen(session: aiohttp.ClientSession, i: int) -> None:
                user = "U" + uuid.uuid5(uuid.NAMESPACE_URL, f"fault-{i}").hex
                await asyncio.sleep(i * interval / args.senders)
                for n in range(per_sender):
                    token = uuid.uuid4().hex
                    body = line_body(f"สวัสดีค่ะ ครั้งที่ {n}", user, token, uuid.uuid4().hex)
                    key = retry_key(event_key(json.loads(body)["events"][0]))
                    headers = {
                        "X-Line-Signature": sign(body, LINE_SECRET),
                        "Content-Type": "application/json",
                    }
                    started = time.perf_counter()
                    async with session.post(url, data=body, headers=headers) as resp:
                        statuses[resp.status] += 1
                        if resp.status == 200:
                            messages.append((user, token, key, n))
                    if outage["down"]:
                        acks_during_outage.append((time.perf_counter() - started) * 1000)
                    await asyncio.sleep(interval)

            async def chaos() -> None:
                total = per_sender * args.senders
                while len(messages) < total // 3:
                    await asyncio.sleep(0.1)
                assert stack.rasa.process is not None
                stack.rasa.process.kill()  # SIGKILL: no graceful shutdown, requests cut mid-flight
                await asyncio.to_thread(stack.rasa.process.wait)
                outage.update(down=True, killed_at=time.perf_counter())
                await asyncio.sleep(args.down_seconds)
                await asyncio.to_thread(stack.rasa.start, 300)
                outage.update(down=False, back_at=time.perf_counter())

            async with aiohttp.ClientSession() as session:
                await asyncio.gather(chaos(), *(citizen(session, i) for i in range(args.senders)))
            sent_done = time.perf_counter()

            def counts() -> list[int]:
                answered = stack.line.answered_at
                return [
                    len(answered.get(t, [])) + len(answered.get(f"push:{k}", [])) for _, t, k, _ in messages
                ]

            deadline = time.monotonic() + args.drain_timeout
            while time.monotonic() < deadline and min(counts(), default=1) == 0:
                await asyncio.sleep(0.5)
            await asyncio.sleep(3)  # let any duplicate show up before counting
            final = counts()
            drained = time.perf_counter() - sent_done
            per_user: dict[str, list[tuple[float, int]]] = {}
            for user, token, key, n in messages:
                times = stack.line.answered_at.get(token, []) + stack.line.answered_at.get(f"push:{key}", [])
                if times:
                    per_user.setdefault(user, []).append((min(times), n))
            out_of_order = sum(
                1
                for answers in per_user.values()
                if [n for _, n in sorted(answers)] != sorted(n for _, n in answers)
            )
            kinds = Counter(d.kind for d in stack.line.deliveries)
            line_errors = list(stack.line.errors)
    return {
        "senders": args.senders,
        "rate": args.rate,
        "accepted": len(messages),
        "http_statuses": dict(statuses),
        "answered_once": sum(1 for c in final if c == 1),
        "lost": sum(1 for c in final if c == 0),
        "duplicated": sum(1 for c in final if c > 1),
        "citizens_out_of_order": out_of_order,
        "rasa_down_seconds": round(outage["back_at"] - outage["killed_at"], 1),
        "acks_during_outage": len(acks_during_outage),
        "ack_p95_during_outage_ms": round(percentile(acks_during_outage, 0.95), 2)
        if acks_during_outage
        else None,
        "drained_after_last_send_s": round(drained, 1),
        "replies": kinds.get("reply", 0),
        "pushes": kinds.get("push", 0),
        "line_api_errors": len(line_errors),
    }


def render(r: dict) -> str:
    ok = r["lost"] == 0 and r["duplicated"] == 0 and r["citizens_out_of_order"] == 0
    return f"""{START}
## Gateway: Rasa killed in the middle of a load run

Measured by `.venv/bin/python -m bench.gateway.fault --write` ({time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}):
Rasa killed with SIGKILL after a third of the messages and started again (model reload included) while
{r["senders"]} citizens kept sending signed LINE webhooks at {r["rate"]} msg/s; the fake LINE API counts
every answer per message, by reply token or by push retry key.

| measure | value |
|---|---|
| messages accepted (HTTP statuses) | {r["accepted"]} ({r["http_statuses"]}) |
| Rasa down for | {r["rasa_down_seconds"]} s; {r["acks_during_outage"]} webhooks acknowledged meanwhile, p95 {r["ack_p95_during_outage_ms"]} ms |
| answered exactly once / lost / twice | **{r["answered_once"]} / {r["lost"]} / {r["duplicated"]}** |
| citizens whose answers came out of order | {r["citizens_out_of_order"]} |
| answers by reply / by push (retry key, token stale after the outage) | {r["replies"]} / {r["pushes"]} |
| backlog drained after the last message | {r["drained_after_last_send_s"]} s |
| requests rejected by the fake LINE API (SDK model validation) | {r["line_api_errors"]} |
| result | {"PASS" if ok else "FAIL"} |
{END}"""  # noqa: E501 (a Markdown table)


def write_readme(result: dict) -> None:
    write_section("gateway-fault", render(result), README)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--senders", type=int, default=50)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--rate", type=float, default=20.0, help="messages per second, all senders together")
    parser.add_argument("--down-seconds", type=float, default=3.0)
    parser.add_argument("--drain-timeout", type=float, default=600.0)
    parser.add_argument(
        "--nice-work", type=int, default=0, help="nice value for Rasa, actions and the worker"
    )
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    print(json.dumps(result, ensure_ascii=False))
    if args.write:
        write_readme(result)
    if result["lost"] or result["duplicated"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
