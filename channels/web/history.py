"""Web chat transcripts, so a reloaded page (or the next visit) shows the conversation so far.

Three stores with one interface: Redis (a capped list per session that expires after a period of
silence, shared by every gateway process) when `REDIS_URL` is set, the gateway's SQLite state file
for the single-machine default (`channels.web.history_sqlite`, survives restarts), and an in-process
dict for tests that ask for it (`GATEWAY_BACKEND=memory`). The store also remembers which client
message ids a session has sent and which of them have been answered. That is how a message resent
after a reconnect is recognised and answered from the transcript instead of reaching Rasa a second
time, and how an answer delivered twice by the at-least-once queue is stored once.

Both writes are one atomic step ("remember this id, and append these entries, unless the id is
known"), so two sockets or two workers racing on the same message cannot both get through, and in
Redis it costs one round trip.

Entries are small JSON objects::

    {"id": "<entry id>", "role": "user" | "bot", "text": str | None,
     "buttons": [{"title": str, "payload": str}], "reply_to": "<client message id>", "ts": float}

User entries use the client message id as their id; bot entries use ``<client id>#<n>`` so a
browser can drop anything it has already shown.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict, deque
from typing import Any, Protocol

from redis.asyncio import Redis

Entry = dict[str, Any]
ANSWERED = "#answered"  # suffix of the marker field; client ids cannot contain "#"


class HistoryStore(Protocol):
    durable: bool

    async def accept(self, session_id: str, entry: Entry, owner: str | None = None) -> bool:
        """Record a citizen's message (its id is the client message id); False if it was sent before.

        `owner` is the hashed client the socket came from: stores with a bound on transcripts evict
        within that client's own sessions, so one client's session flood never evicts another's.
        """

    async def add_answer(self, session_id: str, reply_to: str, entries: list[Entry]) -> list[Entry]:
        """Store the bot's answer to one message unless it has one; the answer the transcript holds."""

    async def retract(self, session_id: str, message_id: str) -> None:
        """Undo `accept` for a message that was refused after all (rate limit, queue down)."""

    async def recent(self, session_id: str, limit: int) -> list[Entry]:
        """The last `limit` entries, oldest first."""

    async def answers_to(self, session_id: str, message_id: str) -> list[Entry]:
        """Bot entries already produced for one client message (empty while it is pending)."""

    async def close(self) -> None: ...


def _is_answer(entry: Entry, message_id: str) -> bool:
    return entry.get("role") == "bot" and entry.get("reply_to") == message_id


class MemoryHistoryStore:
    """Per-process transcripts, lost on restart: for tests and `GATEWAY_BACKEND=memory` only.

    Memory is bounded twice: `max_sessions_per_client` per owner (the client's own longest-idle
    session goes), and `max_sessions` in all, where the longest-idle session *of the client holding
    the most* goes, so a flood from one client evicts that client's transcripts, not the citizens'.
    """

    durable = False

    def __init__(
        self,
        max_entries: int = 200,
        ttl_seconds: float = 7 * 24 * 3600,
        max_sessions: int = 10_000,
        max_sessions_per_client: int = 500,
    ) -> None:
        self._max_entries = max_entries
        self._ttl = ttl_seconds
        self._max_sessions = max_sessions
        self._per_client = max_sessions_per_client
        self._logs: OrderedDict[str, deque[Entry]] = OrderedDict()
        self._seen: dict[str, OrderedDict[str, None]] = {}
        self._touched: dict[str, float] = {}
        self._owner: dict[str, str] = {}
        self._by_owner: dict[str, OrderedDict[str, None]] = {}

    def _live(self, session_id: str) -> bool:
        touched = self._touched.get(session_id)
        if touched is None:
            return False
        if time.monotonic() - touched > self._ttl:
            self._forget(session_id)
            return False
        return True

    def _forget(self, session_id: str) -> None:
        self._logs.pop(session_id, None)
        self._seen.pop(session_id, None)
        self._touched.pop(session_id, None)
        owner = self._owner.pop(session_id, None)
        if owner is not None:
            sessions = self._by_owner.get(owner)
            if sessions is not None:
                sessions.pop(session_id, None)
                if not sessions:
                    del self._by_owner[owner]

    def _touch(self, session_id: str, owner: str | None) -> None:
        self._live(session_id)
        self._touched[session_id] = time.monotonic()
        if session_id not in self._logs:
            self._logs[session_id] = deque(maxlen=self._max_entries)
            self._seen[session_id] = OrderedDict()
            if owner is not None:
                self._owner[session_id] = owner
                self._by_owner.setdefault(owner, OrderedDict())[session_id] = None
        self._logs.move_to_end(session_id)
        known = self._owner.get(session_id)
        if known is not None:
            own = self._by_owner[known]
            own.move_to_end(session_id)
            while len(own) > self._per_client:  # the client's own longest-idle session
                self._forget(next(iter(own)))
        while len(self._logs) > self._max_sessions:
            self._forget(self._eviction_candidate(session_id))

    def _eviction_candidate(self, keep: str) -> str:
        """The longest-idle session of the client with the most; unowned sessions only as a last resort."""
        if self._by_owner:
            owner = max(self._by_owner, key=lambda o: len(self._by_owner[o]))
            for session_id in self._by_owner[owner]:
                if session_id != keep:
                    return session_id
        return next(s for s in self._logs if s != keep)

    def _claim_and_append(
        self, session_id: str, field: str, entries: list[Entry], owner: str | None = None
    ) -> bool:
        self._touch(session_id, owner)
        seen = self._seen[session_id]
        if field in seen:
            return False
        seen[field] = None
        while len(seen) > self._max_entries * 2:
            seen.popitem(last=False)
        # Copied through JSON so callers can't mutate what is stored, and so both stores reject the
        # same unserialisable values.
        self._logs[session_id].extend(json.loads(json.dumps(entries, ensure_ascii=False)))
        return True

    async def accept(self, session_id: str, entry: Entry, owner: str | None = None) -> bool:
        return self._claim_and_append(session_id, entry["id"], [entry], owner)

    async def add_answer(self, session_id: str, reply_to: str, entries: list[Entry]) -> list[Entry]:
        if self._claim_and_append(session_id, reply_to + ANSWERED, entries):
            return entries
        return await self.answers_to(session_id, reply_to)

    async def retract(self, session_id: str, message_id: str) -> None:
        if not self._live(session_id):
            return
        self._seen[session_id].pop(message_id, None)
        log = self._logs[session_id]
        kept = [e for e in log if not (e.get("role") == "user" and e.get("id") == message_id)]
        log.clear()
        log.extend(kept)

    async def recent(self, session_id: str, limit: int) -> list[Entry]:
        if not self._live(session_id) or limit <= 0:
            return []
        return [dict(e) for e in list(self._logs[session_id])[-limit:]]

    async def answers_to(self, session_id: str, message_id: str) -> list[Entry]:
        if not self._live(session_id):
            return []
        return [dict(e) for e in self._logs[session_id] if _is_answer(e, message_id)]

    async def close(self) -> None:
        self._logs.clear()
        self._seen.clear()
        self._touched.clear()
        self._owner.clear()
        self._by_owner.clear()


# KEYS: seen hash, log list. ARGV: field, now, ttl, max entries, entry... Returns 0 when the field was
# already known (nothing written), else the number of remembered ids (so the caller can trim).
_CLAIM_AND_APPEND = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('RPUSH', KEYS[2], unpack(ARGV, 5))
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return redis.call('HLEN', KEYS[1])
"""


class RedisHistoryStore:
    """Transcripts in Redis: ``<prefix>web:log:<sid>`` (list) and ``<prefix>web:seen:<sid>`` (hash).

    The Redis client is passed in (the process's one shared pool) and is not closed here. Each
    session's keys expire on their own and nothing evicts one session for another, so `owner` is not
    needed here (sessions per client are bounded where they are issued).
    """

    durable = True

    def __init__(
        self,
        redis: Redis,
        prefix: str = "govbot:",
        max_entries: int = 200,
        ttl_seconds: int = 7 * 24 * 3600,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._max_entries = max_entries
        self._ttl = ttl_seconds
        self._script = redis.register_script(_CLAIM_AND_APPEND)

    def _log_key(self, session_id: str) -> str:
        return f"{self._prefix}web:log:{session_id}"

    def _seen_key(self, session_id: str) -> str:
        return f"{self._prefix}web:seen:{session_id}"

    async def _claim_and_append(self, session_id: str, field: str, entries: list[Entry]) -> bool:
        if not entries:
            raise ValueError("nothing to append")
        encoded = [json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in entries]
        seen = self._seen_key(session_id)
        remembered = await self._script(
            keys=[seen, self._log_key(session_id)],
            args=[field, repr(time.time()), self._ttl, self._max_entries, *encoded],
        )
        if remembered and int(remembered) > self._max_entries * 2:
            await self._trim_seen(seen)
        return bool(remembered)

    async def _trim_seen(self, key: str) -> None:
        """Forget the oldest ids of a very long conversation (their messages left the transcript)."""
        seen = await self._redis.hgetall(key)
        oldest = sorted(seen, key=lambda f: float(seen[f]))[: len(seen) - self._max_entries]
        if oldest:
            await self._redis.hdel(key, *oldest)

    async def accept(self, session_id: str, entry: Entry, owner: str | None = None) -> bool:
        return await self._claim_and_append(session_id, entry["id"], [entry])

    async def add_answer(self, session_id: str, reply_to: str, entries: list[Entry]) -> list[Entry]:
        if await self._claim_and_append(session_id, reply_to + ANSWERED, entries):
            return entries
        return await self.answers_to(session_id, reply_to)

    async def retract(self, session_id: str, message_id: str) -> None:
        key = self._log_key(session_id)
        stored: list[Any] = await self._redis.lrange(key, -self._max_entries, -1)
        for raw in stored:
            entry = json.loads(raw)
            if entry.get("role") == "user" and entry.get("id") == message_id:
                await self._redis.lrem(key, -1, raw)
        await self._redis.hdel(self._seen_key(session_id), message_id)

    async def recent(self, session_id: str, limit: int) -> list[Entry]:
        if limit <= 0:
            return []
        raw = await self._redis.lrange(self._log_key(session_id), -limit, -1)
        return [json.loads(item) for item in raw]

    async def answers_to(self, session_id: str, message_id: str) -> list[Entry]:
        entries = await self.recent(session_id, self._max_entries)
        return [e for e in entries if _is_answer(e, message_id)]

    async def close(self) -> None:
        """Nothing to release: the Redis pool belongs to the app."""
