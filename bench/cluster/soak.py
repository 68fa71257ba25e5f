"""Soak of `make cluster` (not in CI): N minutes of mixed traffic, memory and p95 per minute.

    .venv/bin/python -m bench.cluster.soak [--minutes 30] [--rate 2] [--write]

Starts scripts/cluster.sh (2 of each behind HAProxy, PostgreSQL, Redis) with the fake LINE API and a
fake SMS provider (generic HTTP API) in this process, then keeps `--rate` messages per second going
through HAProxy: LINE citizens (signed webhooks), web chat citizens (the widget's socket, /chat/ws),
SMS citizens (signed generic-provider webhooks), asking greetings, service questions, starting
complaints, and at minute 1 two LINE citizens asking for a person (a handover). Each citizen waits for
the answer to one message before sending the next, as people do; an answer that has not arrived
after 120 s counts as lost.

Every minute: the RSS of each process in pids.json (VmRSS from /proc) and the p95 of the answers
that minute. Reported: memory of each process, first 5 minutes' mean against the last 5 minutes'
(flat means within 10 %), p95 per minute, messages lost. Exit status 1 if a message was lost or a
process grew by more than 10 %.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import random
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bench.cluster.harness import (
    Cluster,
    CountingLine,
    Sent,
    answers_of,
    cpu_count,
    fake_line,
    machine_load,
    percentile,
    running_cluster,
    send_line,
)
from bench.readme import command_line, table, write_section
from tests.fakes import FakeSms

LINE_TEXTS = (
    "สวัสดีค่ะ",
    "ทำบัตรประชาชนใหม่ต้องใช้เอกสารอะไรบ้าง",
    "แจ้งเกิดลูกต้องทำยังไง",
    "อยากร้องเรียนเรื่องไฟถนนเสียค่ะ",
    "ขอบคุณค่ะ",
    "ต่อใบขับขี่ต้องไปที่ไหน",
)
WEB_TEXTS = ("สวัสดีครับ", "ทำพาสปอร์ตใช้เวลากี่วัน", "ขอบคุณครับ", "คุณเป็นบอทหรือเปล่า")
SMS_TEXTS = ("สวัสดีค่ะ", "ขอเลขคดีร้องเรียน", "ขอบคุณค่ะ")
SMS_SECRET = "soak-sms-secret"
ANSWER_TIMEOUT = 120.0


@dataclass
class Minute:
    latencies: list[float] = field(default_factory=list)
    lost: int = 0
    rss_kib: dict[str, int | None] = field(default_factory=dict)


class Traffic:
    """The citizens: each sends one message, waits for its answer, then may be picked again."""

    def __init__(
        self, cluster: Cluster, line: CountingLine, sms: FakeSms, http: aiohttp.ClientSession
    ) -> None:
        self.cluster, self.line, self.sms, self.http = cluster, line, sms, http
        self.busy: set[str] = set()
        self.minutes: list[Minute] = [Minute()]
        self.sent: dict[str, int] = {"line": 0, "web": 0, "sms": 0, "handover": 0}
        self.sockets: dict[str, tuple[aiohttp.ClientWebSocketResponse, asyncio.Queue[Any]]] = {}
        self.readers: set[asyncio.Task[None]] = set()
        self.failures: list[str] = []  # what each lost message was and why (no text, no ids)
        self.kind_of: dict[int, str] = {}

    def record(self, started: float, answered: bool, why: str = "no answer within 120 s") -> None:
        minute = self.minutes[-1]
        if answered:
            minute.latencies.append(time.perf_counter() - started)
        else:
            minute.lost += 1
            self.failures.append(
                f"minute {len(self.minutes)}, {self.kind_of.get(id(asyncio.current_task()), '?')}: {why}"
            )

    async def line_message(self, user: str, text: str) -> None:
        started = time.perf_counter()
        token, key, _ = await send_line(self.http, self.cluster.url, user, text)
        probe = Sent(user, 0, token, key, started)
        deadline = time.monotonic() + ANSWER_TIMEOUT
        while not answers_of(self.line, probe) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        self.record(started, bool(answers_of(self.line, probe)))

    async def sms_message(self, number: str, text: str) -> None:
        e164 = "+66" + number[1:]
        before = len(self.sms.texts_to(e164))
        body = json.dumps(
            {
                "id": uuid.uuid4().hex,
                "from": number,
                "to": "4567",
                "text": text,
                "received_at": "2026-12-06T12:00:00+07:00",
            },
            ensure_ascii=False,
        ).encode("utf-8")
        signature = base64.b64encode(hmac.new(SMS_SECRET.encode(), body, hashlib.sha256).digest()).decode()
        headers = {"X-Signature": signature, "Content-Type": "application/json"}
        started = time.perf_counter()
        for _ in range(20):
            async with self.http.post(
                f"{self.cluster.url}/webhooks/sms/generic", data=body, headers=headers
            ) as resp:
                if resp.status == 200:
                    break
            await asyncio.sleep(0.5)
        deadline = time.monotonic() + ANSWER_TIMEOUT
        while len(self.sms.texts_to(e164)) <= before and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        self.record(started, len(self.sms.texts_to(e164)) > before)

    async def web_socket(self, who: str) -> tuple[aiohttp.ClientWebSocketResponse, asyncio.Queue[Any]]:
        """The citizen's open chat socket, and the frames it received. Like the widget, the socket is
        read all the time (a reader task), which also answers the gateway's heartbeat pings: a socket
        nobody reads misses them and is closed by the gateway. A closed socket is opened again."""
        if who in self.sockets and not self.sockets[who][0].closed:
            return self.sockets[who]
        ws = await self.http.ws_connect(
            self.cluster.url.replace("http", "ws", 1) + "/chat/ws", headers={"Origin": self.cluster.url}
        )
        await ws.send_json({"type": "hello", "session": None})
        frames: asyncio.Queue[Any] = asyncio.Queue()

        async def reader() -> None:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    frames.put_nowait(json.loads(msg.data))
            frames.put_nowait({"type": "closed"})

        self.readers.add(asyncio.create_task(reader()))
        while (await asyncio.wait_for(frames.get(), 60))["type"] != "history":
            pass
        self.sockets[who] = (ws, frames)
        return ws, frames

    async def web_message(self, who: str, text: str) -> None:
        ws, frames = await self.web_socket(who)
        message_id = uuid.uuid4().hex
        started = time.perf_counter()
        await ws.send_json({"type": "message", "id": message_id, "text": text})
        why = "no answer within 120 s"
        answered = False
        try:
            async with asyncio.timeout(ANSWER_TIMEOUT):
                while True:
                    frame = await frames.get()
                    if frame["type"] == "bot" and frame.get("reply_to") == message_id:
                        answered = True
                        break
                    if frame["type"] == "closed":
                        why = "web socket closed before the answer"
                        break
                    if frame["type"] == "error" and frame.get("retry_after"):
                        await asyncio.sleep(frame["retry_after"])
                        await ws.send_json({"type": "message", "id": message_id, "text": text})
                    elif frame["type"] == "error":
                        why = f"web error frame {frame.get('code')}"
                        break
        except TimeoutError:
            pass
        self.record(started, answered, why)

    async def one(self, kind: str, who: str) -> None:
        self.busy.add(who)
        self.sent[kind] += 1
        self.kind_of[id(asyncio.current_task())] = kind
        try:
            if kind == "line":
                await self.line_message(who, random.choice(LINE_TEXTS))
            elif kind == "handover":
                await self.line_message(who, "ขอคุยกับเจ้าหน้าที่ค่ะ")  # the bot asks once: "…ใช่ไหม"
                await self.line_message(who, "ใช่ค่ะ")  # queued for staff, told the queue position
            elif kind == "web":
                await self.web_message(who, random.choice(WEB_TEXTS))
            else:
                await self.sms_message(who, random.choice(SMS_TEXTS))
        except Exception as exc:  # a soak counts every failure as a lost message
            self.record(time.perf_counter(), False, type(exc).__name__)
        finally:
            self.kind_of.pop(id(asyncio.current_task()), None)
            self.busy.discard(who)


async def soak(workdir: Path, minutes: int, rate: float) -> dict[str, Any]:
    sms = FakeSms(token="soak-sms-key")
    runner = web.AppRunner(sms.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    sms.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    sms_env = {
        "SMS_PROVIDER": "generic",
        "SMS_API_BASE": sms.url,
        "SMS_API_KEY": "soak-sms-key",
        "SMS_SENDER": "4567",
        "SMS_WEBHOOK_SECRET": SMS_SECRET,
    }
    result: dict[str, Any] = {"cores": cpu_count(), "load_at_start": round(machine_load(), 1), "rate": rate}
    try:
        async with fake_line() as line, running_cluster(workdir, line, 2, sms_env) as cluster:
            line_users = ["U" + uuid.uuid4().hex for _ in range(40)]
            web_users = [f"web-{i}" for i in range(10)]
            sms_users = [f"08{random.randint(10_000_000, 99_999_999)}" for _ in range(10)]
            tasks: set[asyncio.Task[None]] = set()
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as http:
                traffic = Traffic(cluster, line, sms, http)
                started = time.monotonic()
                next_minute = started + 60
                handovers_done = False
                while time.monotonic() - started < minutes * 60:
                    if not handovers_done and time.monotonic() - started > 60:
                        for user in line_users[:2]:
                            tasks.add(asyncio.create_task(traffic.one("handover", user)))
                        handovers_done = True
                    kind = random.choices(("line", "web", "sms"), weights=(6, 2, 2))[0]
                    pool = {"line": line_users[2:], "web": web_users, "sms": sms_users}[kind]
                    idle = [w for w in pool if w not in traffic.busy]
                    if idle:
                        task = asyncio.create_task(traffic.one(kind, random.choice(idle)))
                        tasks.add(task)
                        task.add_done_callback(tasks.discard)
                    await asyncio.sleep(random.expovariate(rate))
                    if time.monotonic() >= next_minute:
                        traffic.minutes[-1].rss_kib = {n: cluster.rss_kib(n) for n in cluster.pids}
                        traffic.minutes.append(Minute())
                        next_minute += 60
                        m = traffic.minutes[-2]
                        print(
                            f"soak: minute {len(traffic.minutes) - 1}: {len(m.latencies)} answered, "
                            f"p95 {percentile(m.latencies, 0.95):.2f} s, lost {m.lost}",
                            flush=True,
                        )
                await asyncio.gather(*tasks, return_exceptions=True)
                traffic.minutes[-1].rss_kib = {n: cluster.rss_kib(n) for n in cluster.pids}
                for ws, _ in traffic.sockets.values():
                    await ws.close()
                await asyncio.gather(*traffic.readers, return_exceptions=True)
            result.update(summary(traffic, minutes))
            result["line_api_errors"] = len(line.errors)
            result["sms_api_errors"] = sorted(set(sms.errors))
    finally:
        await runner.cleanup()
    result["load_at_end"] = round(machine_load(), 1)
    return result


def summary(traffic: Traffic, minutes: int) -> dict[str, Any]:
    done = [m for m in traffic.minutes if m.latencies or m.lost]
    window = max(1, min(5, len(done) // 2))
    names = sorted(done[0].rss_kib) if done else []
    memory: dict[str, dict[str, float] | None] = {}
    for name in names:
        first = [m.rss_kib.get(name) for m in done[:window]]
        last = [m.rss_kib.get(name) for m in done[-window:]]
        first_kib = [v for v in first if v is not None]
        last_kib = [v for v in last if v is not None]
        if len(first_kib) < len(first) or len(last_kib) < len(last):
            memory[name] = None  # the process was gone at a sample
            continue
        a, b = statistics.mean(first_kib), statistics.mean(last_kib)
        memory[name] = {
            "first_mib": round(a / 1024, 1),
            "last_mib": round(b / 1024, 1),
            "change": round(b / a - 1, 3),
        }
    p95 = [round(percentile(m.latencies, 0.95), 2) for m in done]
    p50 = [round(percentile(m.latencies, 0.5), 2) for m in done]
    return {
        "minutes_run": len(done),
        "minutes_asked": minutes,
        "window_minutes": window,
        "sent": traffic.sent,
        "answered": sum(len(m.latencies) for m in done),
        "lost": sum(m.lost for m in done),
        "failures": traffic.failures,
        "p95_per_minute_s": p95,
        "p50_per_minute_s": p50,
        "memory": memory,
        "memory_flat": all(v is not None and abs(v["change"]) <= 0.10 for v in memory.values()),
    }


def render(r: dict[str, Any], command: str) -> str:
    rows = [
        (name, v["first_mib"], v["last_mib"], f"{v['change'] * 100:+.1f} %")
        if v
        else (name, "-", "-", "gone")
        for name, v in r["memory"].items()
    ]
    p95 = r["p95_per_minute_s"]
    flat = "flat within 10 %" if r["memory_flat"] else "NOT flat within 10 %"
    return "\n".join(
        [
            "<!-- cluster-soak:start -->",
            "## Cluster soak: mixed traffic for a while",
            "",
            f"Measured by `{command}` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, this "
            f"{r['cores']}-core machine, shared: load average {r['load_at_start']} at the start, "
            f"{r['load_at_end']} at the end). **Ran {r['minutes_run']} minutes** "
            f"(asked: {r['minutes_asked']}) "
            f"at about {r['rate']} messages/s through HAProxy: {r['sent']} (LINE, web chat socket, SMS "
            "generic provider; two LINE citizens asked for a person at minute 1). Each citizen waits for "
            "its answer before writing again.",
            "",
            f"Messages answered / lost: **{r['answered']} / {r['lost']}**.",
            "",
            f"Memory (RSS from /proc), mean of the first {r['window_minutes']} minutes against the last "
            f"{r['window_minutes']}: **{flat}**.",
            "",
            table(("process", "first MiB", "last MiB", "change"), rows),
            "",
            f"Answer p95 per minute (s): {', '.join(str(x) for x in p95)} "
            f"(median of the minutes {statistics.median(p95) if p95 else float('nan'):.2f} s, "
            f"max {max(p95, default=float('nan')):.2f} s); p50 per minute: "
            f"{', '.join(str(x) for x in r['p50_per_minute_s'])}.",
            "<!-- cluster-soak:end -->",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=int, default=30)
    parser.add_argument("--rate", type=float, default=2.0, help="messages per second, all citizens together")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clustersoak-") as tmp:
        result = asyncio.run(soak(Path(tmp), args.minutes, args.rate))
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.write:
        write_section("cluster-soak", render(result, command_line(module="bench.cluster.soak")))
    if result["lost"] or not result["memory_flat"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
