"""The analytics consumers of a running cluster: which one is active, and whether the analytics tables
count every event Rasa published exactly once (after the active consumer was SIGKILLed and the
standby took over).

The cluster's broker is Rasa's SQL broker (CLUSTER_DIR/rasa/events.db, a database of the run's own),
so what Rasa published is known exactly: each user and bot event is one analytics_messages row, each
action other than action_listen one analytics_actions row (identical events, by event_key, once), and
the hourly rollup counts every message once.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from typing import Any

import psycopg

from analytics.ingest import event_key
from bench.cluster.harness import Cluster

ACTIVE_LINE = "analytics: active ("


def active_consumer(cluster: Cluster) -> str | None:
    """The consumer whose log says it holds the lease last (a standby that took over says it later)."""
    holders = [n for n in cluster.pids if n.startswith("analytics-") and n not in cluster.killed]
    holders = [n for n in holders if ACTIVE_LINE in cluster.log_tail(n, lines=10_000)]
    return holders[0] if len(holders) == 1 else None


def _published(cluster: Cluster) -> tuple[int, int, int]:
    """(last broker id, messages, actions) Rasa published."""
    path = cluster.directory / "rasa" / "events.db"
    messages: set[str] = set()
    actions: set[str] = set()
    last = 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        for row_id, data in conn.execute("SELECT id, data FROM events ORDER BY id"):
            last = int(row_id)
            event = json.loads(data)
            if not isinstance(event, dict) or not isinstance(event.get("sender_id"), str):
                continue
            kind = event.get("event")
            if kind in ("user", "bot"):
                messages.add(event_key(event))
            elif kind == "action" and event.get("name") != "action_listen":
                actions.add(event_key(event))
    return last, len(messages), len(actions)


def _ingested(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:

        def one(sql: str) -> int:
            row = conn.execute(sql).fetchone()
            return int(row[0] or 0) if row else 0

        return {
            "position": one("SELECT max(position) FROM analytics_cursors WHERE source LIKE 'sql:%'"),
            "dirty_hours": one("SELECT count(*) FROM analytics_dirty_hours"),
            "messages": one("SELECT count(*) FROM analytics_messages"),
            "actions": one("SELECT count(*) FROM analytics_actions"),
            "rolled_up": one("SELECT sum(citizen_messages + bot_messages) FROM analytics_hourly"),
        }


async def analytics_result(cluster: Cluster, killed: str | None, timeout: float = 120.0) -> dict[str, Any]:
    """Waits until the consumers caught up with the broker (or `timeout`), then compares."""
    deadline = time.monotonic() + timeout
    while True:
        last, messages, actions = await asyncio.to_thread(_published, cluster)
        got = await asyncio.to_thread(_ingested, cluster.database_url)
        if (got["position"] >= last and got["dirty_hours"] == 0) or time.monotonic() > deadline:
            break
        await asyncio.sleep(1.0)
    return {
        "killed": killed,
        "took_over": active_consumer(cluster),
        "published_messages": messages,
        "published_actions": actions,
        "caught_up": got["position"] >= last,
        "messages": got["messages"],
        "actions": got["actions"],
        "rolled_up_messages": got["rolled_up"],
        "lost": max(messages - got["messages"], 0) + max(actions - got["actions"], 0),
        "counted_twice": max(got["messages"] - messages, 0)
        + max(got["actions"] - actions, 0)
        + abs(got["rolled_up"] - got["messages"]),
    }


def analytics_passed(result: dict[str, Any]) -> bool:
    return bool(
        result["took_over"]
        and result["took_over"] != result["killed"]
        and result["caught_up"]
        and result["lost"] == 0
        and result["counted_twice"] == 0
        and result["messages"] > 0
    )
