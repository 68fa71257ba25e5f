"""Soak of `make cluster` (not in CI): N minutes of mixed traffic, memory, p95, nothing lost.

    .venv/bin/python -m bench.cluster.soak [--minutes 30] [--rate 2] [--traffic arrivals|fixed]
                                           [--drain 600] [--keep-logs DIR] [--write]

Starts scripts/cluster.sh (2 of each behind HAProxy, PostgreSQL, Redis) with the fake LINE API and a
fake SMS provider (generic HTTP API) in this process, then keeps about `--rate` messages per second
going through HAProxy: LINE citizens (signed webhooks), web chat citizens (the widget's socket,
/chat/ws, read all the time as the widget does), SMS citizens (signed generic-provider webhooks),
asking greetings, service questions, starting complaints; at minute 1 two LINE citizens ask for a
person (a handover). Each citizen waits for the answer to one message before sending the next, as
people do, and gives up waiting after 120 s.

Two traffic models (`--traffic`):
- `arrivals` (the default): citizens arrive at random (Poisson) and each has one conversation of a
  few messages (1 + a geometric number, mean 6, at most 40: a few in a hundred write more than 20),
  reading and typing between messages (exponential, mean 10 s), then leave; the arrival rate is
  `--rate` / 6, so about `--rate` messages per second overall. This is what a LINE official account
  sees: many people, each with a short conversation; Rasa's session (bot/domain/session.yml) ends
  after 60 minutes of silence, so a real conversation stays a few dozen turns long.
- `fixed` (the only model until 2026-12-06 20:00, and the one of the soak in bench/README.md): the
  same 60 citizens (40 LINE, 10 web, 10 SMS) for the whole run, each message sent by an idle one
  picked at random. None of them is ever silent long enough for a session to end, so every
  conversation grows for the whole run (about 60 turns each after 30 minutes, a tracker of
  300-400 kB that Rasa loads and sends to the action server with every action call). Kept to
  measure that worst case.

A message not answered within 120 s is not yet lost: after the run the benchmark waits up to
`--drain` seconds for late answers (the fake LINE API records replies and pushes, the web socket is
read on, the fake SMS provider records each reply's idempotency key), then counts it as answered late
(with its time, inside its minute's p95) or lost. "Nothing lost" is lost == 0.

Every minute: the RSS of each process in pids.json (VmRSS from /proc), the machine's load average,
and the answers of the messages sent that minute. Reported: memory of each process, first 5 minutes'
mean against the last 5 minutes' (flat means within 10 %), p95 per minute and per 5 minutes, load
average per minute, late and lost messages, and what the gateways logged about Rasa (a call that took
longer than RASA_TIMEOUT_SECONDS is sent again: "rasa unavailable"). Exit status 1 if a message was
lost or a process grew by more than 10 %.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import random
import re
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
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
from channels.sms.adapter import IDEMPOTENCY_NAMESPACE
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
TEXTS = {"line": LINE_TEXTS, "web": WEB_TEXTS, "sms": SMS_TEXTS}
KIND_WEIGHTS = {"line": 6, "web": 2, "sms": 2}
SMS_SECRET = "soak-sms-secret"
ANSWER_TIMEOUT = 120.0
TRAFFIC_MODELS = ("arrivals", "fixed")
# The arrivals model: conversation length 1 + geometric (mean MEAN_MESSAGES), capped; think time.
MEAN_MESSAGES = 6
MAX_MESSAGES = 40
THINK_SECONDS = 10.0
WINDOW = 5  # minutes per p95 window and per memory mean


@dataclass
class Message:
    """One message a citizen sent, and how to tell whether (and when) its answer reached them."""

    kind: str
    who: str
    minute: int  # 0-based minute of the run it was sent in
    started: float  # time.perf_counter()
    answered: Callable[[], float | None]  # perf_counter time the answer arrived, None while it has not
    why: str = ""  # why it was not answered in time (no text, no ids)

    def latency(self) -> float | None:
        """Seconds from sending to the answer, None while there is no answer."""
        at = self.answered()
        return None if at is None else at - self.started


@dataclass
class Minute:
    messages: list[Message] = field(default_factory=list)
    rss_kib: dict[str, int | None] = field(default_factory=dict)
    load: float = 0.0


class TimedSms(FakeSms):
    """The fake SMS provider, remembering when each idempotency key was first accepted."""

    def __init__(self, token: str) -> None:
        super().__init__(token=token)
        self.accepted_at: dict[str, float] = {}

    async def _generic(self, request: web.Request) -> web.Response:
        count = len(self.sent)
        response = await super()._generic(request)
        for message in self.sent[count:]:
            self.accepted_at.setdefault(message["key"], time.perf_counter())
        return response


def sms_answer_key(message_id: str) -> str:
    """The idempotency key of the gateway's reply to one generic-provider SMS (channels/sms/adapter.py)."""
    return str(uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"reply:generic:{message_id}"))


@dataclass
class WebCitizen:
    ws: aiohttp.ClientWebSocketResponse
    frames: asyncio.Queue[Any]
    reader: asyncio.Task[None]


class Traffic:
    """Sends one citizen's message on its channel and waits (up to 120 s) for the answer."""

    def __init__(
        self, cluster: Cluster, line: CountingLine, sms: TimedSms, http: aiohttp.ClientSession
    ) -> None:
        self.cluster, self.line, self.sms, self.http = cluster, line, sms, http
        self.started = time.monotonic()
        self.minutes: list[Minute] = [Minute()]
        self.sent: dict[str, int] = {"line": 0, "web": 0, "sms": 0, "handover": 0}
        self.citizens: dict[str, int] = {"line": 0, "web": 0, "sms": 0}
        self.web: dict[str, WebCitizen] = {}
        self.web_tokens: dict[str, str] = {}  # the session token each web citizen keeps, as the widget
        self.web_answered: dict[str, float] = {}  # client message id -> when its answer was read
        self.readers: set[asyncio.Task[None]] = set()

    def _message(self, kind: str, who: str, answered: Callable[[], float | None]) -> Message:
        message = Message(kind, who, len(self.minutes) - 1, time.perf_counter(), answered)
        self.minutes[-1].messages.append(message)
        return message

    async def _wait(self, message: Message, why: str = "no answer within 120 s") -> bool:
        deadline = time.monotonic() + ANSWER_TIMEOUT
        while message.answered() is None:
            if time.monotonic() > deadline:
                message.why = message.why or why
                return False
            await asyncio.sleep(0.1)
        return True

    async def say(self, kind: str, who: str, text: str, counted_as: str | None = None) -> bool:
        """One message; True when answered within 120 s. Every failure counts (the soak's point)."""
        self.sent[counted_as or kind] += 1
        try:
            if kind == "line":
                return await self._line(who, text)
            if kind == "web":
                return await self._web(who, text)
            return await self._sms(who, text)
        except Exception as exc:  # a failure to send: the message never reaches the bot
            self._message(kind, who, lambda: None).why = f"sending failed: {type(exc).__name__}"
            return False

    async def _line(self, user: str, text: str) -> bool:
        started = time.perf_counter()
        token, key, _ = await send_line(self.http, self.cluster.url, user, text)
        probe = Sent(user, 0, token, key, started)
        message = self._message("line", user, lambda: min(answers_of(self.line, probe), default=None))
        message.started = started
        return await self._wait(message)

    async def _sms(self, number: str, text: str) -> bool:
        message_id = uuid.uuid4().hex
        body = json.dumps(
            {
                "id": message_id,
                "from": number,
                "to": "4567",
                "text": text,
                "received_at": "2026-12-06T12:00:00+07:00",
            },
            ensure_ascii=False,
        ).encode("utf-8")
        signature = base64.b64encode(hmac.new(SMS_SECRET.encode(), body, hashlib.sha256).digest()).decode()
        headers = {"X-Signature": signature, "Content-Type": "application/json"}
        key = sms_answer_key(message_id)
        started = time.perf_counter()
        for _ in range(240):  # the provider retries a webhook that was not answered 200
            async with self.http.post(
                f"{self.cluster.url}/webhooks/sms/generic", data=body, headers=headers
            ) as resp:
                if resp.status == 200:
                    break
            await asyncio.sleep(0.5)
        else:
            raise RuntimeError("SMS webhook not accepted")
        message = self._message("sms", number, lambda: self.sms.accepted_at.get(key))
        message.started = started
        return await self._wait(message)

    async def web_socket(self, who: str) -> WebCitizen:
        """The citizen's open chat socket, read all the time (which also answers the gateway's heartbeat
        pings). A closed socket is opened again with the citizen's session token, as the widget does,
        and the history it gets counts the answers that arrived meanwhile."""
        citizen = self.web.get(who)
        if citizen is not None and not citizen.ws.closed:
            return citizen
        ws = await self.http.ws_connect(
            self.cluster.url.replace("http", "ws", 1) + "/chat/ws", headers={"Origin": self.cluster.url}
        )
        await ws.send_json({"type": "hello", "session": self.web_tokens.get(who)})
        frames: asyncio.Queue[Any] = asyncio.Queue()

        async def reader() -> None:
            async for msg in ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                now = time.perf_counter()
                if frame.get("type") == "session" and frame.get("session"):
                    self.web_tokens[who] = frame["session"]
                elif frame.get("type") == "bot" and frame.get("reply_to"):
                    self.web_answered.setdefault(frame["reply_to"], now)
                elif frame.get("type") == "history":
                    for entry in frame.get("entries") or ():
                        if entry.get("role") == "bot" and entry.get("reply_to"):
                            self.web_answered.setdefault(entry["reply_to"], now)
                frames.put_nowait(frame)
            frames.put_nowait({"type": "closed"})

        task = asyncio.create_task(reader())
        self.readers.add(task)
        task.add_done_callback(self.readers.discard)
        while (await asyncio.wait_for(frames.get(), 60))["type"] != "history":
            pass
        citizen = self.web[who] = WebCitizen(ws, frames, task)
        return citizen

    async def _web(self, who: str, text: str) -> bool:
        citizen = await self.web_socket(who)
        message_id = uuid.uuid4().hex
        message = self._message("web", who, lambda: self.web_answered.get(message_id))
        await citizen.ws.send_json({"type": "message", "id": message_id, "text": text})
        deadline = time.monotonic() + ANSWER_TIMEOUT
        while message.answered() is None:
            left = deadline - time.monotonic()
            if left <= 0:
                message.why = "no answer within 120 s"
                return False
            try:
                frame = await asyncio.wait_for(citizen.frames.get(), min(left, 1.0))
            except TimeoutError:
                continue
            if frame["type"] == "closed":  # reopened with the session token: history shows the answer
                citizen = await self.web_socket(who)
            elif frame["type"] == "error" and frame.get("retry_after"):
                await asyncio.sleep(frame["retry_after"])
                await citizen.ws.send_json({"type": "message", "id": message_id, "text": text})
            elif frame["type"] == "error":
                message.why = f"web error frame {frame.get('code')}"
                return False
        return True

    async def leave(self, who: str) -> None:
        """A web citizen closes the page: the socket closes (the transcript stays with the gateway)."""
        citizen = self.web.pop(who, None)
        if citizen is not None:
            await citizen.ws.close()

    async def drain(self, seconds: float) -> None:
        """Wait for the answers that had not arrived within 120 s (late, or lost)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            waiting = [m for minute in self.minutes for m in minute.messages if m.answered() is None]
            if not waiting:
                return
            # A web citizen who left (or whose socket closed) comes back to the page: the history
            # the gateway sends on the session token shows an answer that arrived meanwhile.
            for who in {m.who for m in waiting if m.kind == "web"}:
                citizen = self.web.get(who)
                if citizen is None or citizen.ws.closed:
                    with suppress(aiohttp.ClientError, TimeoutError):
                        await self.web_socket(who)
            await asyncio.sleep(1)

    async def close(self) -> None:
        for citizen in self.web.values():
            await citizen.ws.close()
        await asyncio.gather(*self.readers, return_exceptions=True)


def new_citizen(kind: str, traffic: Traffic) -> str:
    traffic.citizens[kind] += 1
    if kind == "line":
        return "U" + uuid.uuid4().hex
    if kind == "web":
        return f"web-{uuid.uuid4().hex[:12]}"
    return f"08{random.randint(10_000_000, 99_999_999)}"


def conversation_length() -> int:
    """1 + a geometric number of further messages with mean MEAN_MESSAGES - 1, at most MAX_MESSAGES."""
    n = 1
    more = (MEAN_MESSAGES - 1) / MEAN_MESSAGES
    while n < MAX_MESSAGES and random.random() < more:
        n += 1
    return n


async def handover(traffic: Traffic, user: str) -> None:
    await traffic.say("line", user, "ขอคุยกับเจ้าหน้าที่ค่ะ", "handover")  # the bot asks once: "…ใช่ไหม"
    await traffic.say("line", user, "ใช่ค่ะ", "handover")  # queued for staff, told the queue position


async def conversation(traffic: Traffic, kind: str, running: Callable[[], bool]) -> None:
    """The arrivals model: one citizen's conversation, then they leave (early when the run ends)."""
    who = new_citizen(kind, traffic)
    n = conversation_length()
    for i in range(n):
        await traffic.say(kind, who, random.choice(TEXTS[kind]))
        if i == n - 1 or not running():
            break
        await asyncio.sleep(random.expovariate(1 / THINK_SECONDS))
        if not running():
            break
    await traffic.leave(who)


class FixedPool:
    """The fixed model: the same 40 LINE, 10 web and 10 SMS citizens for the whole run."""

    def __init__(self, traffic: Traffic) -> None:
        self.traffic = traffic
        self.pool = {
            kind: [new_citizen(kind, traffic) for _ in range(n)]
            for kind, n in (("line", 40), ("web", 10), ("sms", 10))
        }
        self.busy: set[str] = set()

    def handover_users(self) -> list[str]:
        return self.pool["line"][:2]

    async def one(self, kind: str) -> None:
        pool = self.pool[kind][2:] if kind == "line" else self.pool[kind]
        idle = [w for w in pool if w not in self.busy]
        if not idle:
            return
        who = random.choice(idle)
        self.busy.add(who)
        try:
            await self.traffic.say(kind, who, random.choice(TEXTS[kind]))
        finally:
            self.busy.discard(who)


async def soak(
    workdir: Path, minutes: int, rate: float, model: str, drain: float, keep_logs: Path | None
) -> dict[str, Any]:
    sms = TimedSms(token="soak-sms-key")
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
    result: dict[str, Any] = {
        "cores": cpu_count(),
        "load_at_start": round(machine_load(), 1),
        "rate": rate,
        "traffic": model,
        "drain_s": drain,
    }
    try:
        async with fake_line() as line, running_cluster(workdir, line, 2, sms_env) as cluster:
            tasks: set[asyncio.Task[None]] = set()

            def start(coro: Any) -> None:
                task = asyncio.create_task(coro)
                tasks.add(task)
                task.add_done_callback(tasks.discard)

            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=400)) as http:
                traffic = Traffic(cluster, line, sms, http)
                fixed = FixedPool(traffic) if model == "fixed" else None
                started = time.monotonic()
                next_minute = started + 60
                handovers_done = False
                arrival_rate = rate if fixed is not None else rate / MEAN_MESSAGES

                def running() -> bool:
                    return time.monotonic() - started < minutes * 60

                while running():
                    if not handovers_done and time.monotonic() - started > 60:
                        users = (
                            fixed.handover_users()
                            if fixed
                            else [new_citizen("line", traffic) for _ in range(2)]
                        )
                        for user in users:
                            start(handover(traffic, user))
                        handovers_done = True
                    kind = random.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
                    start(fixed.one(kind) if fixed is not None else conversation(traffic, kind, running))
                    await asyncio.sleep(random.expovariate(arrival_rate))
                    while time.monotonic() >= next_minute:
                        sample(traffic, cluster)
                        next_minute += 60
                # The run is over: conversations in progress end (their messages still count).
                await asyncio.gather(*tasks, return_exceptions=True)
                sample(traffic, cluster, last=True)
                await traffic.drain(drain)
                await traffic.close()
                result["gateway_counters"] = await gateway_counters(http, cluster)
            result.update(summary(traffic, minutes))
            result["line_api_errors"] = len(line.errors)
            result["sms_api_errors"] = sorted(set(sms.errors))
            result["logs"] = log_counts(cluster.directory / "log")
            if keep_logs is not None:
                shutil.copytree(cluster.directory / "log", keep_logs, dirs_exist_ok=True)
    finally:
        await runner.cleanup()
    result["load_at_end"] = round(machine_load(), 1)
    return result


def sample(traffic: Traffic, cluster: Cluster, last: bool = False) -> None:
    """End of a minute: memory of every process and the load average, then the next minute."""
    minute = traffic.minutes[-1]
    minute.rss_kib = {n: cluster.rss_kib(n) for n in cluster.pids}
    minute.load = round(machine_load(), 2)
    if last and not minute.messages:
        return  # the run ended on a minute boundary: nothing was sent in this one (not reported)
    answered = [m for m in minute.messages if m.answered() is not None]
    latencies = [x for m in answered if (x := m.latency()) is not None]
    print(
        f"soak: minute {len(traffic.minutes)}: {len(minute.messages)} sent, {len(answered)} answered so far, "
        f"p95 {percentile(latencies, 0.95):.2f} s, load {minute.load}, "
        f"RSS MiB {', '.join(f'{n} {(v or 0) // 1024}' for n, v in sorted(minute.rss_kib.items()))}",
        flush=True,
    )
    if not last:
        traffic.minutes.append(Minute())


COUNTER = re.compile(r'^(gateway_events|gateway_rasa_call_errors)_total\{\w+="([^"]+)"\} ([0-9.e+]+)$')


async def gateway_counters(http: aiohttp.ClientSession, cluster: Cluster) -> dict[str, int]:
    """The gateways' own counts (GET /metrics on each replica, summed): events by outcome, Rasa calls
    that failed and were retried ("unavailable": Rasa down, or slower than RASA_TIMEOUT_SECONDS)."""
    counts: dict[str, int] = {}
    for i in range(1, cluster.replicas + 1):
        async with http.get(f"http://127.0.0.1:{cluster.gateway_port + i}/metrics") as resp:
            text = await resp.text()
        for line in text.splitlines():
            match = COUNTER.match(line)
            if match:
                name = ("rasa " if match[1] == "gateway_rasa_call_errors" else "") + match[2]
                counts[name] = counts.get(name, 0) + int(float(match[3]))
    return dict(sorted(counts.items()))


def log_counts(directory: Path) -> dict[str, int]:
    """What the processes logged that bears on late or lost messages (counts only)."""
    counts = {"rasa unavailable lines": 0, "apology lines": 0, "errors/tracebacks": 0}
    for path in sorted(directory.glob("*.log")):
        for line in path.read_text("utf-8", "replace").splitlines():
            if path.name.startswith("gateway") and "rasa unavailable" in line:
                counts["rasa unavailable lines"] += 1
            if path.name.startswith("gateway") and "apology" in line:
                counts["apology lines"] += 1
            if '"level": "ERROR"' in line or line.startswith("Traceback"):
                counts["errors/tracebacks"] += 1
    return counts


def summary(traffic: Traffic, minutes: int) -> dict[str, Any]:
    done = [m for m in traffic.minutes if m.messages]
    window = max(1, min(WINDOW, len(done) // 2))
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

    def latencies(ms: list[Message]) -> list[float]:
        return [x for m in ms if (x := m.latency()) is not None]

    messages = [m for minute in done for m in minute.messages]
    late = [m for m in messages if (m.latency() or 0) > ANSWER_TIMEOUT]
    lost = [m for m in messages if m.answered() is None]
    windows = [done[i : i + WINDOW] for i in range(0, len(done), WINDOW)]
    return {
        "minutes_run": len(done),
        "minutes_asked": minutes,
        "window_minutes": window,
        "sent": traffic.sent,
        "citizens": traffic.citizens,
        "messages": len(messages),
        "answered_in_time": len(messages) - len(late) - len(lost),
        "late": len(late),
        "late_s": sorted(round(m.latency() or 0, 1) for m in late),
        "late_minutes": sorted({m.minute + 1 for m in late}),
        "lost": len(lost),
        "lost_why": [f"minute {m.minute + 1}, {m.kind}: {m.why or 'no answer'}" for m in lost],
        "p95_per_minute_s": [round(percentile(latencies(m.messages), 0.95), 2) for m in done],
        "p50_per_minute_s": [round(percentile(latencies(m.messages), 0.5), 2) for m in done],
        "p95_per_window_s": [
            round(percentile(latencies([x for m in w for x in m.messages]), 0.95), 2) for w in windows
        ],
        "load_per_minute": [m.load for m in done],
        "memory": memory,
        "memory_flat": all(v is not None and abs(v["change"]) <= 0.10 for v in memory.values()),
    }


def counts(by_kind: dict[str, int]) -> str:
    names = {"line": "LINE", "web": "web", "sms": "SMS", "handover": "handover"}
    return ", ".join(f"{names.get(k, k)} {v}" for k, v in by_kind.items())


def render(r: dict[str, Any], command: str) -> str:
    rows = [
        (name, v["first_mib"], v["last_mib"], f"{v['change'] * 100:+.1f} %")
        if v
        else (name, "-", "-", "gone")
        for name, v in r["memory"].items()
    ]
    p95 = r["p95_per_minute_s"]
    flat = "flat within 10 %" if r["memory_flat"] else "NOT flat within 10 %"
    windows = ", ".join(
        f"{i * WINDOW + 1}-{min((i + 1) * WINDOW, r['minutes_run'])}: {v}"
        for i, v in enumerate(r["p95_per_window_s"])
    )
    model = (
        "citizens arriving at random, each with one conversation of a few messages (mean 6, at most 40) "
        "and about 10 s between messages"
        if r["traffic"] == "arrivals"
        else "the same 60 citizens for the whole run, every conversation growing all along"
    )
    late = (
        f"{r['late']} answered after 120 s ({', '.join(str(s) for s in r['late_s'])} s; minutes "
        f"{', '.join(str(m) for m in r['late_minutes'])})"
        if r["late"]
        else "none answered after 120 s"
    )
    logs = "; ".join(f"{k}: {v}" for k, v in r["logs"].items())
    counters = ", ".join(f"{k} {v}" for k, v in r["gateway_counters"].items())
    return "\n".join(
        [
            "<!-- cluster-soak:start -->",
            "## Cluster soak: mixed traffic for a while",
            "",
            f"Measured by `{command}` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, this "
            f"{r['cores']}-core machine, shared: load average {r['load_at_start']} at the start, "
            f"{r['load_at_end']} at the end, per minute below). **Ran {r['minutes_run']} minutes** "
            f"(asked: {r['minutes_asked']}) at about {r['rate']} messages/s through HAProxy, traffic "
            f"`{r['traffic']}` ({model}): messages {counts(r['sent'])} from citizens {counts(r['citizens'])} "
            "(LINE, web chat socket, SMS generic provider; two LINE citizens asked for a person at minute "
            "1). Each citizen waits for its answer before writing again.",
            "",
            f"Messages: **{r['messages']} sent, {r['answered_in_time']} answered within 120 s, {late}, "
            f"{r['lost']} lost** (waited up to {r['drain_s']:.0f} s after the run for late answers). "
            f"Gateways' counters (/metrics, both replicas): {counters}. Logged: {logs}.",
            "",
            f"Memory (RSS from /proc), mean of the first {r['window_minutes']} minutes against the last "
            f"{r['window_minutes']}: **{flat}**.",
            "",
            table(("process", "first MiB", "last MiB", "change"), rows),
            "",
            f"Answer p95 per {WINDOW} minutes (s): {windows}.",
            "",
            f"Answer p95 per minute (s): {', '.join(str(x) for x in p95)} "
            f"(median of the minutes {statistics.median(p95) if p95 else float('nan'):.2f} s, "
            f"max {max(p95, default=float('nan')):.2f} s); p50 per minute: "
            f"{', '.join(str(x) for x in r['p50_per_minute_s'])}; load average (1 min) per minute: "
            f"{', '.join(str(x) for x in r['load_per_minute'])}.",
            "<!-- cluster-soak:end -->",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=int, default=30)
    parser.add_argument("--rate", type=float, default=2.0, help="messages per second, all citizens together")
    parser.add_argument("--traffic", choices=TRAFFIC_MODELS, default="arrivals")
    parser.add_argument(
        "--drain", type=float, default=600.0, help="seconds to wait for late answers after the run"
    )
    parser.add_argument("--keep-logs", type=Path, help="copy the cluster's logs here before they are removed")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clustersoak-") as tmp:
        result = asyncio.run(
            soak(Path(tmp), args.minutes, args.rate, args.traffic, args.drain, args.keep_logs)
        )
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.write:
        write_section("cluster-soak", render(result, command_line(module="bench.cluster.soak")))
    if result["lost"] or not result["memory_flat"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
