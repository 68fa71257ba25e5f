"""Benchmark: staff replies in many live handovers reach the fake LINE API once, fast, and survive a
gateway killed mid-run; while staff own a conversation the bot says nothing and every citizen message
reaches the agent once; after close the bot is back and the rating stored.

    .venv/bin/python -m bench.handover.run [--handovers 200] [--agents 5] [--replies 1000]
                                           [--rate 10] [--backend sqlite|postgresql|both]
                                           [--line-latency 0.05] [--write [--section NAME]]

The gateway is production's: `python -m channels` with PERSONAL_DATA_KEYS and STAFF_SESSION_SECRET,
serving the staff API (/staff/api/) and running the delivery worker (handover/delivery.py) through its
LINE adapter (line-bot-sdk) to the fake LINE API in this process (every body checked with the SDK's
models, a retry key accepted once, 409 after; `--line-latency` seconds per push, like LINE's API).
No Redis (the embedded state file). RASA_URL is a fake Rasa in this process (tests/fakes.py FakeRasa)
answering "ขอคุยกับเจ้าหน้าที่ค่ะ" as the action server does (a text and the custom message
{"handover": {"reason": "request_human", "agency": ...}}) and anything else with an echo; every call
is logged with its time and sender.

Citizens act as LINE delivers them: signed webhooks (line-bot-sdk's signature, tests/channels/
line_payloads.py) to /webhooks/line, the same event again with isRedelivery until the gateway answers
200. `--handovers` citizens ask for a person (each must be told a queue position, "คิวที่ N"); while
the agents own the conversations every citizen writes WHILE_OWNED messages spread over the replies
(so also across the kill); the agents close; each citizen answers the rating question with "5" and
asks the bot a question. Counted: citizen messages lost or duplicated in the staff API's transcripts,
Rasa calls while staff own, bot replies while staff own (a reply to a citizen's token, or a push that
is not a handover line), conversations the bot answered again, ratings stored (the staff API's csat).

Per backend, three runs on a fresh database each:
  - api: `--agents` agents (role agent, bearer tokens from staff.api_tokens) claim the `--handovers`
    waiting LINE handovers the citizens opened, through the API, then post `--replies` replies
    spread over them at `--rate` per second in all (POST /staff/api/handovers/{id}/messages). The
    API commits the reply and wakes the worker in its process: reply committed (the line's
    created_at) -> fake LINE accepted the push, p50/p95/p99/max;
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
Exit status 1 if anything was lost, duplicated or out of order, or the bot spoke (or Rasa was asked)
while staff owned a conversation, or a conversation did not return to the bot with its rating.
`--write` puts the figures into bench/README.md between `<!-- handover-run:start -->` and
`<!-- handover-run:end -->` (`--section` names another, e.g. handover-run-stress for a run at 50
replies per second).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
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
from handover.models import Handover, HandoverMessage
from privacy import PersonalData, PrivacySettings
from staff import api_tokens
from staff.models import StaffUser
from staff.roles import Role
from tests.channels.line_payloads import body_of, signed_headers, text_event
from tests.e2e.dialogue_servers import free_port
from tests.fakes import FakeLine, FakeRasa

AGENCY = "dopa"
KILL_AT = 0.4
LEASE_SECONDS = 15  # handover.delivery.DeliverySettings.lease_seconds
REQUEST_TEXT = "ขอคุยกับเจ้าหน้าที่ค่ะ"
HANDED_OVER = "กำลังต่อเจ้าหน้าที่ให้ค่ะ"
BOT = "บอทตอบ: "  # the fake Rasa's answer to anything else
RESUME_TEXT = "ต่อภาษีรถยนต์ต้องใช้อะไรคะ"
RATING_THANKS = "ขอบคุณสำหรับคะแนน"
QUEUE_POSITION = re.compile(r"คิวที่ (\d+)")
WHILE_OWNED = 3  # messages each citizen writes while an agent owns the conversation
SETTLE_SECONDS = 60.0  # how long citizens' messages may take to reach the transcript after the run


@dataclass
class Seeded:
    handovers: list[int]  # ids; agent i % agents owns handover i, opened by citizen i
    agents: list[tuple[int, str, str]]  # (user id, username, bearer token)
    users: list[str] = field(default_factory=list)  # LINE user id of citizen i


@dataclass
class Said:
    """One citizen message as LINE delivered it to the gateway."""

    citizen: int
    text: str
    token: str  # the event's reply token: any reply to it is the gateway answering this message
    phase: str  # request | owned | rating | resume
    at: float


@dataclass
class Citizens:
    """LINE delivering citizens' messages: signed webhooks (line-bot-sdk's signature), and the same
    event again with `isRedelivery` until the gateway answers 200 (what LINE does after a failure)."""

    http: aiohttp.ClientSession
    gateway: Gateway
    secret: str
    users: list[str]
    said: list[Said] = field(default_factory=list)
    redeliveries: int = 0

    async def say(self, citizen: int, text: str, phase: str) -> Said:
        event = text_event(text, user=self.users[citizen])
        said = Said(citizen, text, event["replyToken"], phase, time.time())
        self.said.append(said)
        while True:
            body = body_of(event)
            try:
                async with self.http.post(
                    f"{self.gateway.url}/webhooks/line", data=body, headers=signed_headers(body, self.secret)
                ) as resp:
                    if resp.status == 200:
                        return said
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            self.redeliveries += 1
            event["deliveryContext"] = {"isRedelivery": True}
            await asyncio.sleep(0.5)


@dataclass
class Rasa:
    """The fake Rasa answering as the dialogue does: a request for a person gets the action server's
    custom handover message, anything else an echo. Every call is logged with its time."""

    fake: FakeRasa = field(default_factory=FakeRasa)
    log: list[tuple[float, str, str]] = field(default_factory=list)  # (time, sender, message)

    def __post_init__(self) -> None:
        self.fake.responder = self.answer

    def answer(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        self.log.append((time.time(), str(body["sender"]), str(body["message"])))
        if body["message"] == REQUEST_TEXT:
            handover = {"reason": "request_human", "agency": AGENCY, "service": "id_card_lost"}
            return [{"text": HANDED_OVER}, {"custom": {"handover": handover}}]
        return [{"text": BOT + str(body["message"])}]


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


def seed(url: str, agents: int) -> list[tuple[int, str, str]]:
    """`agents` agents of one agency with API tokens (the citizens open their handovers themselves)."""
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
    engine.dispose()
    return users


def handover_ids(url: str, secret: bytes, users: list[str]) -> dict[str, int]:
    """LINE user id -> the id of the handover that citizen opened (found by the sender hash)."""
    vault = PersonalData(PrivacySettings.from_environ(keys_env(secret)))
    wanted = {vault.sender_hash(f"line:{u}"): u for u in users}
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            rows = session.execute(
                select(Handover.recipient_hash, Handover.id).where(Handover.channel == "line")
            )
            return {wanted[h]: i for h, i in rows if h in wanted}
    finally:
        engine.dispose()


def replies_to(line: FakeLine) -> dict[str, str]:
    """Reply token -> the texts the gateway replied with (LINE reply API; handover lines are pushes)."""
    return {
        d.target: "\n".join(str(m.get("text", "")) for m in d.messages)
        for d in line.deliveries
        if d.kind == "reply"
    }


async def answered(line: FakeLine, gateway: Gateway, tokens: list[str], timeout: float) -> None:
    """Until the gateway has replied to every one of `tokens`."""
    deadline = time.time() + timeout
    while not set(tokens) <= line.used_tokens:
        if time.time() > deadline:
            missing = len(set(tokens) - line.used_tokens)
            raise TimeoutError(f"{missing} of {len(tokens)} citizen messages got no reply")
        if gateway.process.returncode is not None:
            raise RuntimeError(f"the gateway exited with status {gateway.process.returncode}; see its log")
        await asyncio.sleep(0.1)


async def open_by_citizens(
    citizens: Citizens, line: FakeLine, url: str, secret: bytes, agents: list[tuple[int, str, str]]
) -> tuple[Seeded, list[int | None]]:
    """Every citizen writes REQUEST_TEXT; the fake Rasa answers with the handover message and the
    gateway queues them. Returns the handovers (citizen order) and the queue position each was told."""
    said = await asyncio.gather(
        *(citizens.say(i, REQUEST_TEXT, "request") for i in range(len(citizens.users)))
    )
    await answered(line, citizens.gateway, [s.token for s in said], timeout=300)
    texts = replies_to(line)
    told = []
    for s in said:
        found = QUEUE_POSITION.search(texts[s.token])
        told.append(int(found.group(1)) if found and HANDED_OVER in texts[s.token] else None)
    ids = await asyncio.to_thread(handover_ids, url, secret, citizens.users)
    if len(ids) != len(citizens.users):
        raise RuntimeError(f"{len(ids)} handovers opened for {len(citizens.users)} citizens")
    return Seeded([ids[u] for u in citizens.users], agents, citizens.users), told


def gateway_env(url: str, secret: bytes, line: FakeLine, rasa: FakeRasa, workdir: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "WEB_SESSION_SECRET")},
        "DATABASE_URL": url,
        **keys_env(secret),
        "GATEWAY_HOST": "127.0.0.1",
        "GATEWAY_PORT": str(free_port()),
        "GATEWAY_STATE_DIR": str(workdir / "gateway-state"),
        "RASA_URL": rasa.url,
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


async def close_all(http: aiohttp.ClientSession, gateway: Gateway, seeded: Seeded) -> None:
    """Each agent closes its handovers (the gateway then asks each citizen for a 1-5 rating)."""
    agents = len(seeded.agents)

    async def close(a: int) -> None:
        token = seeded.agents[a][2]
        for handover_id in seeded.handovers[a::agents]:
            url = f"{gateway.url}/staff/api/handovers/{handover_id}/close"
            while True:
                headers = {"Authorization": f"Bearer {token}"}
                async with http.post(url, json={"resolution": "answered"}, headers=headers) as resp:
                    if await throttled(resp):
                        continue
                    if resp.status != 200:
                        raise RuntimeError(f"close answered {resp.status}: {await resp.text()}")
                    break

    await asyncio.gather(*(close(a) for a in range(agents)))


async def staff_get(http: aiohttp.ClientSession, gateway: Gateway, token: str, path: str) -> Any:
    while True:
        async with http.get(f"{gateway.url}{path}", headers={"Authorization": f"Bearer {token}"}) as resp:
            if await throttled(resp):
                continue
            if resp.status != 200:
                raise RuntimeError(f"GET {path} answered {resp.status}: {await resp.text()}")
            return await resp.json()


def citizen_texts(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return set(
                session.scalars(select(HandoverMessage.text).where(HandoverMessage.author == "citizen"))
            )
    finally:
        engine.dispose()


async def settle(url: str, gateway: Gateway, texts: set[str], timeout: float) -> None:
    """Until every citizen message is in a transcript (or `timeout`: what is missing is then lost)."""
    deadline = time.time() + timeout
    while time.time() < deadline and gateway.process.returncode is None:
        if texts <= await asyncio.to_thread(citizen_texts, url):
            return
        await asyncio.sleep(0.2)


async def transcripts(
    http: aiohttp.ClientSession, gateway: Gateway, seeded: Seeded, said: list[Said]
) -> tuple[int, int]:
    """(lost, duplicated) citizen messages written while owned, read back through the staff API's
    transcript as the owning agent sees it."""
    agents = len(seeded.agents)
    counts: dict[tuple[int, str], int] = {}
    for i, handover_id in enumerate(seeded.handovers):
        token = seeded.agents[i % agents][2]
        found = await staff_get(http, gateway, token, f"/staff/api/handovers/{handover_id}/transcript")
        for row in found["lines"]:
            if row["author"] == "citizen":
                counts[(i, row["text"])] = counts.get((i, row["text"]), 0) + 1
    wanted = [(s.citizen, s.text) for s in said if s.phase == "owned"]
    lost = sum(1 for w in wanted if not counts.get(w))
    duplicated = sum(counts.get(w, 1) - 1 for w in wanted if counts.get(w))
    return lost, duplicated


async def resume_and_rate(
    citizens: Citizens, line: FakeLine, http: aiohttp.ClientSession, seeded: Seeded
) -> tuple[int, int, int]:
    """After close each citizen taps 5 (the rating) and asks the bot a question. Returns (thanked for
    the rating, bot answered the question, csat 5 stored as the staff API shows it)."""

    async def one(i: int) -> tuple[Said, Said]:
        rating = await citizens.say(i, "5", "rating")
        await answered(line, citizens.gateway, [rating.token], timeout=120)
        return rating, await citizens.say(i, f"{RESUME_TEXT} ({i})", "resume")

    pairs = await asyncio.gather(*(one(i) for i in range(len(seeded.handovers))))
    await answered(line, citizens.gateway, [q.token for _, q in pairs], timeout=120)
    texts = replies_to(line)
    thanked = sum(1 for r, _ in pairs if RATING_THANKS in texts.get(r.token, ""))
    resumed = sum(1 for _, q in pairs if texts.get(q.token, "") == BOT + q.text)
    agents = len(seeded.agents)
    stored = 0
    for i, handover_id in enumerate(seeded.handovers):
        view = await staff_get(
            http, citizens.gateway, seeded.agents[i % agents][2], f"/staff/api/handovers/{handover_id}"
        )
        stored += view.get("csat") == 5
    return thanked, resumed, stored


async def post_replies(
    via: str,
    url: str,
    http: aiohttp.ClientSession,
    gateway: Gateway,
    seeded: Seeded,
    replies: int,
    rate: float,
    kill: bool,
    citizens: Citizens,
) -> tuple[list[Posted], int | None]:
    """Agents reply round the handovers at `rate` per second in all; with `kill`, SIGKILL the gateway
    at KILL_AT of the replies and start it again at once. Meanwhile every citizen writes WHILE_OWNED
    messages, spread evenly over the replies (so also across the kill)."""
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

    n = len(seeded.handovers)
    writes = WHILE_OWNED * n
    written = 0
    began = time.perf_counter()
    for k in range(replies):
        await asyncio.sleep(max(0.0, began + k / rate - time.perf_counter()))
        while written < writes * (k + 1) / replies:
            who, nth = written % n, written // n + 1
            text = f"ประชาชน {who} ข้อความที่ {nth} ระหว่างคุยกับเจ้าหน้าที่"
            tasks.append(asyncio.create_task(_say(citizens, who, text)))
            written += 1
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


async def _say(citizens: Citizens, who: int, text: str) -> None:
    await citizens.say(who, text, "owned")


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
    rasa = Rasa()
    runner = await start_fake(line)
    rasa_runner = await start_fake(rasa.fake)  # type: ignore[arg-type]  # served like the vendor fakes
    gateway = Gateway(gateway_env(url, secret, line, rasa.fake, workdir), workdir / "gateway.log", 0)
    gateway.port = int(gateway.env["GATEWAY_PORT"])
    try:
        agents = await asyncio.to_thread(seed, url, args.agents)
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=100)) as http:
            await gateway.start()
            await gateway.ready(http)
            users = [f"U{uuid.uuid4().hex}" for _ in range(args.handovers)]
            citizens = Citizens(http, gateway, gateway.env["LINE_CHANNEL_SECRET"], users)
            opening = time.time()
            seeded, told = await open_by_citizens(citizens, line, url, secret, agents)
            opening_seconds = time.time() - opening
            await claim_all(http, gateway, seeded)
            owned_from, owned_delivery = time.time(), len(line.deliveries)
            # The gateway tells each citizen a person took the conversation (system lines): let those
            # go out first, so the replies are measured on their own.
            await wait_delivered(url, gateway, 0, timeout=120)
            before = len(line.accepted)
            started = time.time()
            posted, killed_after = await post_replies(
                via, url, http, gateway, seeded, args.replies, args.rate, kill, citizens
            )
            posting_seconds = time.time() - started
            await wait_delivered(url, gateway, before + args.replies, timeout=LEASE_SECONDS * 4 + 120)
            owned_texts = {s.text for s in citizens.said if s.phase == "owned"}
            await settle(url, gateway, owned_texts, SETTLE_SECONDS)
            await asyncio.sleep(1.0)  # anything still in flight would show up as a duplicate now
            transcript_lost, transcript_duplicated = await transcripts(http, gateway, seeded, citizens.said)
            owned_until, owned_end = time.time(), len(line.deliveries)
            await close_all(http, gateway, seeded)
            await wait_delivered(url, gateway, 0, timeout=120)  # the rating questions
            thanked, resumed, ratings = await resume_and_rate(citizens, line, http, seeded)
            await asyncio.sleep(1.0)
        stop_seconds, exit_status = await stop_worker(gateway.process)

        rows = await asyncio.to_thread(lines_of, url)
        accepted = line.accepted
        # While agents owned the conversations: Rasa asked for any of those citizens (there are no
        # others), and anything LINE got from the gateway that is not one of the handovers' own lines
        # (a reply to a citizen's token, or a push without a handover line's retry key).
        handover_keys = {platform_key(r[3]) for r in rows}
        owned_tokens = {s.token for s in citizens.said if s.phase == "owned"}
        rasa_while_owned = [c for c in rasa.log if owned_from <= c[0] <= owned_until]
        rasa_owned_texts = [c for c in rasa.log if c[2] in owned_texts]
        bot_while_owned = sum(
            1
            for n, d in enumerate(line.deliveries)
            if (owned_delivery <= n < owned_end and (d.kind == "reply" or d.retry_key not in handover_keys))
            or (d.kind == "reply" and d.target in owned_tokens)
        )
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
            "opened_by_citizens": len(seeded.handovers),
            "open_seconds": round(opening_seconds, 1),
            "told_position": sum(1 for t in told if t is not None and 1 <= t <= len(told)),
            "distinct_positions_told": len({t for t in told if t is not None}),
            "citizen_messages_while_owned": len(owned_texts),
            "webhook_redeliveries": citizens.redeliveries,
            "transcript_lost": transcript_lost,
            "transcript_duplicated": transcript_duplicated,
            "rasa_calls_while_owned": len(rasa_while_owned),
            "rasa_calls_max_per_sender_while_owned": max(
                (
                    sum(1 for c in rasa_while_owned if c[1] == sender)
                    for sender in {c[1] for c in rasa_while_owned}
                ),
                default=0,
            ),
            "owned_texts_reaching_rasa": len(rasa_owned_texts),
            "bot_replies_while_owned": bot_while_owned,
            "rating_thanked": thanked,
            "resumed": resumed,
            "ratings_stored": ratings,
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
        await rasa_runner.cleanup()
        drop_database(pg_name)


def _tail(path: Path, n: int = 30) -> list[str]:
    return path.read_text(errors="replace").splitlines()[-n:] if path.exists() else []


ROWS: tuple[tuple[str, str], ...] = (
    ("handovers opened by citizens (signed LINE webhooks → Rasa)", "opened_by_citizens"),
    ("citizens told a queue position (distinct positions told)", "told"),
    ("citizen messages while staff own (LINE redeliveries)", "owned_written"),
    ("**citizen messages lost in transcripts**", "transcript_lost"),
    ("**citizen messages duplicated in transcripts**", "transcript_duplicated"),
    ("**Rasa calls while staff own** (owned messages reaching Rasa ever)", "rasa"),
    ("**bot replies while staff own**", "bot_replies_while_owned"),
    ("after close: rating 5 stored (thanked)", "ratings"),
    ("after close: bot answered the next question (resumed)", "resumed"),
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
        if key == "told":
            return f"{r['told_position']} ({r['distinct_positions_told']})"
        if key == "owned_written":
            return f"{r['citizen_messages_while_owned']} ({r['webhook_redeliveries']})"
        if key == "rasa":
            return f"{r['rasa_calls_while_owned']} ({r['owned_texts_reaching_rasa']})"
        if key == "ratings":
            return f"{r['ratings_stored']} ({r['rating_thanked']})"
        return r[key]

    rows = [(label, *(cell(r, key) for r in results)) for label, key in ROWS]
    exact = not any(r["lost"] or r["duplicated"] or r["out_of_order"] for r in results)
    woken = [r for r in results if r["run"] == "api"]
    fast = all(r["p95_ms"] < 300 for r in woken)
    silent = all(owner_kept(r) for r in results)
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
            f"API: **{'met' if fast else 'NOT met'}**. While staff own a conversation the bot says nothing "
            f"and every citizen message reaches the agent once (0 bot replies, 0 Rasa calls, 0 lost or "
            f"duplicated in transcripts), and after close every conversation returns to the bot and "
            f"stores its rating: **{'met' if silent else 'NOT met'}**.",
        ]
    )


def owner_kept(r: dict[str, Any]) -> bool:
    """The conversation-owner properties of one run: bot silent and transcripts exact while staff
    own, every citizen told a position, bot back and rating stored after close."""
    n = r["opened_by_citizens"]
    return (
        r["told_position"] == n
        and not r["transcript_lost"]
        and not r["transcript_duplicated"]
        and not r["rasa_calls_while_owned"]
        and not r["owned_texts_reaching_rasa"]
        and not r["bot_replies_while_owned"]
        and r["resumed"] == n
        and r["ratings_stored"] == n
    )


def failed(r: dict[str, Any]) -> bool:
    return bool(r["lost"] or r["duplicated"] or r["out_of_order"]) or not owner_kept(r)


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
    if any(failed(r) for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
