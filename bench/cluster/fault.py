"""Fault test of `make cluster`: one Rasa server and one gateway SIGKILLed at 40 % of a LINE load.

    .venv/bin/python -m bench.cluster.fault [--citizens 100] [--messages 10] [--handovers 3]
                                            [--no-throughput] [--write]

The cluster is scripts/cluster.sh itself (HAProxy, 2 Rasa servers on PostgreSQL with the Redis lock
store, 2 action servers, 2 gateways sharing the Redis Streams queue), on free ports with a database of
its own; LINE's API is the fake in this process (bodies checked with line-bot-sdk's models, a reply
token used once, a push retry key accepted once).

Citizens send signed LINE webhooks (line-bot-sdk's signature) through HAProxy, each message tagged
"ครั้งที่ n", a short pause between messages without waiting for the answer, so several of one
citizen's messages are queued at once; a webhook that is not answered 200 is sent again as LINE
redelivers it. When 40 % of the messages are accepted, rasa-1 and gateway-1 are SIGKILLed (pids from
pids.json), and the analytics consumer holding the lease.

What proves the result:
- exactly once: the fake counts every answer under the message's own reply token or push retry key;
- order: per citizen, the fake accepted the answers in the order the messages were sent, AND Rasa's
  PostgreSQL tracker holds the citizen's messages in sent order (a message Rasa processed twice, its
  answer cut by the kill, shows as a repeat of the same n and is reported, not an order error);
- handovers: `--handovers` citizens ask for a person before the load, an agent (seeded in the
  database) claims them, and staff replies are committed before the kill and at the kill; after it
  each handover is still active and owned by the same agent, and every staff reply reached the
  citizen's LINE exactly once;
- analytics: the standby consumer took the lease, and every event Rasa's broker published is counted
  once in the analytics tables and their hourly rollup (bench/cluster/analytics_check.py).
Throughput with 1 and 2 replicas of each (`--no-throughput` skips it) is measured in the same run: a
1-replica cluster and then the 2-replica cluster take the same load without kills (messages answered
per second from the first accepted to the last answered). On this 2-core machine two replicas share
the same two cores, so about 1x is expected.
Exit status 1 if a message is lost, answered twice or out of order, or a handover reply is lost,
doubled or its handover lost its owner.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import select

from bench.cases.run import keys_env, produce, seed_cases
from bench.cluster.analytics_check import active_consumer, analytics_passed, analytics_result
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
    tracker_order,
)
from bench.readme import table, write_section
from db.engine import make_engine, make_sessionmaker
from handover import inbox
from handover.models import ACTIVE, Handover
from privacy import PersonalData, PrivacySettings
from staff.models import StaffUser
from staff.roles import Role

TEXTS = ("สวัสดีค่ะ", "ขอบคุณค่ะ", "คุณเป็นบอทหรือเปล่า")
HANDOVER_ASK = "ขอคุยกับเจ้าหน้าที่ค่ะ"
HANDOVER_YES = "ใช่ค่ะ"


def user_id(tag: str, i: int) -> str:
    return "U" + uuid.uuid5(uuid.NAMESPACE_URL, f"cluster-{tag}-{i}").hex


async def load(
    cluster: Cluster,
    line: CountingLine,
    citizens: int,
    messages: int,
    *,
    tag: str,
    kill_at: float | None = None,
    on_kill: Any = None,
    pause: float = 0.3,
    drain_timeout: float = 600.0,
) -> dict[str, Any]:
    """`citizens` x `messages` LINE messages through HAProxy; SIGKILL rasa-1 and gateway-1 once
    `kill_at` of them are accepted (then await `on_kill()`). Counts answers, order, throughput."""
    users = [user_id(tag, i) for i in range(citizens)]
    sent: list[Sent] = []
    total = citizens * messages
    killed = asyncio.Event()
    redeliveries = 0
    kill_info: dict[str, Any] = {}

    async def citizen(http: aiohttp.ClientSession, i: int) -> None:
        nonlocal redeliveries
        await asyncio.sleep(random.random() * pause * 2)
        for n in range(messages):
            text = f"{TEXTS[n % len(TEXTS)]} ครั้งที่ {n}"
            token, key, attempts = await send_line(http, cluster.url, users[i], text)
            redeliveries += attempts - 1
            sent.append(Sent(users[i], n, token, key, time.perf_counter()))
            await asyncio.sleep(pause * (0.5 + random.random()))

    async def chaos() -> None:
        if kill_at is None:
            return
        while len(sent) < total * kill_at:
            await asyncio.sleep(0.05)
        cluster.kill("rasa-1")
        cluster.kill("gateway-1")
        kill_info.update(at_accepted=len(sent), at=time.perf_counter())
        killed.set()
        if on_kill is not None:
            await on_kill()

    started = time.perf_counter()
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector) as http:
        await asyncio.gather(chaos(), *(citizen(http, i) for i in range(citizens)))
    sent_done = time.perf_counter()
    deadline = time.monotonic() + drain_timeout
    while time.monotonic() < deadline and any(not answers_of(line, s) for s in sent):
        await asyncio.sleep(0.5)
    await asyncio.sleep(5)  # let a duplicate show up before counting
    counts = [len(answers_of(line, s)) for s in sent]
    answered_times = [min(answers_of(line, s)) for s in sent if answers_of(line, s)]
    per_user: dict[str, list[tuple[float, int]]] = {}
    for s in sent:
        times = answers_of(line, s)
        if times:
            per_user.setdefault(s.user, []).append((min(times), s.n))
    delivery_out_of_order = sum(
        1 for answers in per_user.values() if [n for _, n in sorted(answers)] != sorted(n for _, n in answers)
    )
    stored = await asyncio.to_thread(tracker_order, cluster.rasa_database_url, users)
    tracker_out_of_order, tracker_repeats, tracker_missing = 0, 0, 0
    for numbers in stored.values():
        collapsed = [n for k, n in enumerate(numbers) if k == 0 or numbers[k - 1] != n]
        tracker_repeats += len(numbers) - len(collapsed)
        if collapsed != sorted(set(collapsed)):
            tracker_out_of_order += 1
        tracker_missing += messages - len(set(collapsed))
    latency = [min(answers_of(line, s)) - s.accepted_at for s in sent if answers_of(line, s)]
    last_answer = max(answered_times, default=sent_done)
    return {
        "citizens": citizens,
        "messages_each": messages,
        "accepted": len(sent),
        "redeliveries": redeliveries,
        "answered_once": sum(1 for c in counts if c == 1),
        "lost": sum(1 for c in counts if c == 0),
        "duplicated": sum(1 for c in counts if c > 1),
        "citizens_answered_out_of_order": delivery_out_of_order,
        "citizens_stored_out_of_order": tracker_out_of_order,
        "messages_missing_from_tracker": tracker_missing,
        "messages_processed_twice_by_rasa": tracker_repeats,
        "killed_at_accepted": kill_info.get("at_accepted"),
        "answer_p50_s": round(percentile(latency, 0.5), 2),
        "answer_p95_s": round(percentile(latency, 0.95), 2),
        "seconds": round(last_answer - started, 1),
        "throughput_msg_s": round(sum(1 for c in counts if c) / max(last_answer - started, 1e-9), 1),
        "line_api_errors": len(line.errors),
    }


class Handovers:
    """Handovers opened by citizens before the load, claimed by one agent, replied to around the kill."""

    def __init__(self, cluster: Cluster, line: CountingLine, count: int) -> None:
        self.cluster, self.line, self.count = cluster, line, count
        self.users = [user_id("handover", i) for i in range(count)]
        self.engine = make_engine(cluster.database_url)
        self.sessions = make_sessionmaker(self.engine, immediate=True)
        self.ids: dict[str, int] = {}
        self.agent: inbox.Agent | None = None
        self.replies: dict[str, list[str]] = {u: [] for u in self.users}

    async def open(self) -> None:
        if not self.count:
            return
        async with aiohttp.ClientSession() as http:
            # The bot asks once whether a person is wanted ("…ใช่ไหม"); the citizen says yes.
            for text in (HANDOVER_ASK, HANDOVER_YES):
                asked = []
                for u in self.users:
                    token, key, _ = await send_line(http, self.cluster.url, u, text)
                    asked.append(Sent(u, 0, token, key, time.perf_counter()))
                deadline = time.monotonic() + 180
                while any(not answers_of(self.line, s) for s in asked):
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"no answer to {text!r} within 180 s")
                    await asyncio.sleep(0.2)
        vault = PersonalData(PrivacySettings.from_environ(self.cluster.env))
        wanted = {vault.sender_hash(f"line:{u}"): u for u in self.users}
        deadline = time.monotonic() + 180
        while len(self.ids) < self.count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {len(self.ids)} of {self.count} handovers opened")
            with self.sessions() as session:
                for h, i in session.execute(select(Handover.recipient_hash, Handover.id)):
                    if h in wanted:
                        self.ids[wanted[h]] = i
            await asyncio.sleep(1)
        with self.sessions.begin() as session:
            agency = session.get_one(Handover, next(iter(self.ids.values()))).agency_id
            user = StaffUser(
                username="agent-cluster",
                display_name="เจ้าหน้าที่ทดสอบ",
                password_hash="!bench",
                role=Role.AGENT.value,
                agency_id=agency,
            )
            session.add(user)
            session.flush()
            self.agent = inbox.Agent(user.id, user.username, Role.AGENT.value, agency)
            for handover_id in self.ids.values():
                inbox.claim(session, self.agent, handover_id)

    def reply(self, label: str) -> None:
        """One staff reply to every handover, committed as the staff API does (a gateway delivers it)."""
        assert self.agent is not None
        with self.sessions.begin() as session:
            for u, handover_id in self.ids.items():
                text = f"เจ้าหน้าที่ตอบ {label} ถึง {u[-6:]}"
                inbox.reply(session, self.agent, handover_id, text)
                self.replies[u].append(text)

    async def result(self, timeout: float = 120.0) -> dict[str, Any]:
        def delivered() -> dict[tuple[str, str], int]:
            counts = self.line.per_message()
            return {(u, t): counts.get((u, t), 0) for u in self.users for t in self.replies[u]}

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and min(delivered().values(), default=1) == 0:
            await asyncio.sleep(0.5)
        await asyncio.sleep(3)
        counts = delivered()
        with self.sessions() as session:
            rows = [session.get_one(Handover, i) for i in self.ids.values()]
            owned = sum(
                1 for r in rows if r.status == ACTIVE and self.agent and r.agent_id == self.agent.user_id
            )
        self.engine.dispose()
        return {
            "handovers": self.count,
            "still_owned": owned,
            "staff_replies": len(counts),
            "replies_delivered_once": sum(1 for c in counts.values() if c == 1),
            "replies_lost": sum(1 for c in counts.values() if c == 0),
            "replies_duplicated": sum(1 for c in counts.values() if c > 1),
        }


class Notices:
    """Case notices: cases filed over LINE (seeded in the database, bench/cases/run.py's seed), status
    changes committed as the agency API does, each with its outbox row, before the kill and at it;
    the gateways' notice workers deliver them (outbox leases). Counted at the fake LINE API."""

    def __init__(
        self, cluster: Cluster, line: CountingLine, secret: bytes, count: int, workdir: Path
    ) -> None:
        self.cluster, self.line, self.count = cluster, line, count
        # seed_cases alternates LINE and SMS contacts: only the LINE cases (even) get status changes.
        refs = seed_cases(cluster.database_url, secret, 2 * count, workdir / "photos") if count else []
        self.line_refs = refs[::2]
        self.expected: list[tuple[str, str]] = []  # (LINE user, marker in the notice)

    def change(self, tag: str) -> None:
        if not self.count:
            return
        produce(self.cluster.database_url, self.line_refs, 1, tag, None)
        for k in range(len(self.line_refs)):
            i = 2 * k  # the case's index in seed_cases: its LINE user is U{i:032x}
            self.expected.append((f"U{i:032x}", f"{tag} ครั้งที่ {k}"))

    async def result(self, timeout: float = 120.0) -> dict[str, Any]:
        def delivered() -> list[int]:
            accepted = list(self.line.accepted.values())
            return [
                sum(1 for r in accepted if r.recipient == u and marker in r.text)
                for u, marker in self.expected
            ]

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and min(delivered(), default=1) == 0:
            await asyncio.sleep(0.5)
        await asyncio.sleep(3)
        counts = delivered()
        return {
            "notices": len(counts),
            "delivered_once": sum(1 for c in counts if c == 1),
            "lost": sum(1 for c in counts if c == 0),
            "duplicated": sum(1 for c in counts if c > 1),
        }


def passed(fault: dict[str, Any], handovers: dict[str, Any] | None, notices: dict[str, Any] | None) -> bool:
    ok = (
        fault["lost"] == 0
        and fault["duplicated"] == 0
        and fault["citizens_answered_out_of_order"] == 0
        and fault["citizens_stored_out_of_order"] == 0
        and fault["messages_missing_from_tracker"] == 0
    )
    if handovers is not None:
        ok = ok and handovers["still_owned"] == handovers["handovers"]
        ok = ok and handovers["replies_lost"] == 0 and handovers["replies_duplicated"] == 0
    if notices is not None:
        ok = ok and notices["lost"] == 0 and notices["duplicated"] == 0
    return ok


async def fault_run(
    workdir: Path,
    citizens: int,
    messages: int,
    handovers: int = 0,
    throughput: bool = False,
    notices: int = 0,
) -> dict[str, Any]:
    """The whole experiment; returns every figure (see the module docstring)."""
    result: dict[str, Any] = {"cores": cpu_count(), "load_at_start": round(machine_load(), 1)}
    async with fake_line() as line:
        if throughput:
            async with running_cluster(workdir, line, replicas=1) as one:
                result["throughput_1"] = await load(one, line, citizens, messages, tag="tp1", pause=0.05)
        secret = os.urandom(32)  # PERSONAL_DATA_KEYS of the cluster, also sealing the seeded cases' contacts
        async with running_cluster(workdir, line, replicas=2, extra_env=keys_env(secret)) as cluster:
            if throughput:
                result["throughput_2"] = await load(cluster, line, citizens, messages, tag="tp2", pause=0.05)
            desk = Handovers(cluster, line, handovers)
            await desk.open()
            if handovers:
                desk.reply("ก่อนหยุด")
            outbox = await asyncio.to_thread(Notices, cluster, line, secret, notices, workdir)
            await asyncio.to_thread(outbox.change, "ก่อนหยุด")

            consumer_killed: list[str] = []

            async def at_kill() -> None:
                active = active_consumer(cluster)  # the analytics consumer holding the lease, too
                if active is not None:
                    cluster.kill(active)
                    consumer_killed.append(active)
                if handovers:
                    await asyncio.to_thread(desk.reply, "ตอนหยุด")
                await asyncio.to_thread(outbox.change, "ตอนหยุด")

            result["fault"] = await load(
                cluster, line, citizens, messages, tag="fault", kill_at=0.4, on_kill=at_kill
            )
            result["handovers"] = await desk.result() if handovers else None
            result["notices"] = await outbox.result() if notices else None
            result["analytics"] = await analytics_result(
                cluster, consumer_killed[0] if consumer_killed else None
            )
            result["killed"] = list(cluster.killed)
            result["died_unexpectedly"] = [
                n for n in cluster.pids if n not in cluster.killed and cluster.rss_kib(n) is None
            ]
            result["survivors_alive"] = not result["died_unexpectedly"]
    result["load_at_end"] = round(machine_load(), 1)
    result["passed"] = (
        passed(result["fault"], result["handovers"], result["notices"])
        and result["survivors_alive"]
        and analytics_passed(result["analytics"])
    )
    return result


def render(r: dict[str, Any], command: str) -> str:
    f, h = r["fault"], r["handovers"]
    rows = [
        (
            "messages accepted (citizens x messages)",
            f"{f['accepted']} ({f['citizens']} x {f['messages_each']})",
        ),
        ("killed (SIGKILL) when accepted", f"{', '.join(r['killed'])} at {f['killed_at_accepted']}"),
        ("webhooks sent again after a non-200 (LINE's redelivery)", f["redeliveries"]),
        (
            "answered exactly once / lost / twice",
            f"**{f['answered_once']} / {f['lost']} / {f['duplicated']}**",
        ),
        ("citizens whose answers reached LINE out of order", f["citizens_answered_out_of_order"]),
        ("citizens whose messages Rasa stored out of order", f["citizens_stored_out_of_order"]),
        ("messages missing from Rasa's tracker", f["messages_missing_from_tracker"]),
        (
            "messages Rasa processed twice (answer cut by the kill, retried; one answer sent)",
            f["messages_processed_twice_by_rasa"],
        ),
        ("answer latency p50 / p95 (s)", f"{f['answer_p50_s']} / {f['answer_p95_s']}"),
    ]
    if h:
        rows += [
            (
                "handovers still active and owned by their agent after the kill",
                f"{h['still_owned']} / {h['handovers']}",
            ),
            (
                "staff replies delivered once / lost / twice",
                f"{h['replies_delivered_once']} / {h['replies_lost']} / {h['replies_duplicated']}",
            ),
        ]
    n = r.get("notices")
    if n:
        rows.append(
            (
                "case notices (committed before the kill and at it) delivered once / lost / twice",
                f"{n['delivered_once']} / {n['lost']} / {n['duplicated']}",
            )
        )
    a = r.get("analytics")
    if a:
        rows.append(
            (
                "analytics: active consumer killed -> standby took over; events counted once / lost / twice",
                f"{a['killed']} -> {a['took_over']}; {a['messages'] + a['actions']} / {a['lost']} / "
                f"{a['counted_twice']}",
            )
        )
    rows.append(("processes not killed that stopped anyway", ", ".join(r["died_unexpectedly"]) or "none"))
    rows.append(("result", "**PASS**" if r["passed"] else "**FAIL**"))
    text = [
        "<!-- cluster-fault:start -->",
        "## Cluster: a Rasa server and a gateway killed under load",
        "",
        f"Measured by `{command}` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, this "
        f"{r['cores']}-core machine, shared: load average {r['load_at_start']} at the start, "
        f"{r['load_at_end']} at the end). `make cluster`'s script with HAProxy in front; LINE citizens "
        "through HAProxy, rasa-1 and gateway-1 SIGKILLed at 40 % (bench/cluster/fault.py says what "
        "proves each line).",
        "",
        table(("measure", "value"), rows),
    ]
    if "throughput_1" in r:
        one, two = r["throughput_1"], r["throughput_2"]
        ratio = two["throughput_msg_s"] / max(one["throughput_msg_s"], 1e-9)
        text += [
            "",
            "Throughput, same load without kills, in the same run (1-replica cluster first, then the "
            "2-replica one):",
            "",
            table(
                (
                    "replicas of each",
                    "messages",
                    "answered/s",
                    "answer p50 s",
                    "answer p95 s",
                    "lost / twice",
                ),
                [
                    (
                        n,
                        x["accepted"],
                        x["throughput_msg_s"],
                        x["answer_p50_s"],
                        x["answer_p95_s"],
                        f"{x['lost']} / {x['duplicated']}",
                    )
                    for n, x in ((1, one), (2, two))
                ],
            ),
            "",
            f"Ratio 2 replicas / 1: **{ratio:.2f}x** on {r['cores']} cores. One Rasa server works on one "
            "core at a time (one Python process, one event loop; NLU and policies are CPU-bound), so a "
            "second replica of each can only add the second core: up to about 2x when it is free, about "
            "1x when other work already fills it (this machine is shared). More throughput needs more "
            "cores or machines; on one machine the replicas mainly buy availability.",
        ]
    text.append("<!-- cluster-fault:end -->")
    return "\n".join(text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--citizens", type=int, default=100)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--handovers", type=int, default=3)
    parser.add_argument("--notices", type=int, default=5, help="LINE cases whose status changes, twice each")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clusterfault-") as tmp:
        result = asyncio.run(
            fault_run(
                Path(tmp), args.citizens, args.messages, args.handovers, not args.no_throughput, args.notices
            )
        )
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.write:
        from bench.readme import command_line

        write_section("cluster-fault", render(result, command_line(module="bench.cluster.fault")))
    if not result["passed"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
