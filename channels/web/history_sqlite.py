"""Web chat transcripts in the gateway's SQLite state file: the default without Redis.

Same contract as the Redis and memory stores (`channels.web.history`): "remember this id and append
these entries unless the id is known" is one transaction, so a resend or a redelivered answer is
stored once, and everything survives a restart of the gateway (a citizen's open tab reconnects and
finds the conversation, including answers produced while it was away).

Bounds, so a flood of sessions cannot push other citizens' conversations out:
- per session: the last `max_entries` entries, forgotten after `ttl_seconds` of silence (pruned);
- per client (the hashed address the session was first used from, `owner`): at most
  `max_sessions_per_client` transcripts; beyond that the client's own longest-idle transcript is
  dropped. Sessions of other clients are never touched, and there is no global cap to fill (the file
  grows on disk, bounded by the session budget per client and the expiry).
"""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

from channels.state_db import StateDb, immediate
from channels.web.history import ANSWERED, Entry

SCHEMA = """
CREATE TABLE IF NOT EXISTS web_sessions (
    session TEXT PRIMARY KEY, owner TEXT, touched REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS web_sessions_owner ON web_sessions (owner, touched);
CREATE INDEX IF NOT EXISTS web_sessions_touched ON web_sessions (touched);
CREATE TABLE IF NOT EXISTS web_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    session TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    role TEXT NOT NULL,
    reply_to TEXT,
    entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS web_log_session ON web_log (session, seq);
CREATE TABLE IF NOT EXISTS web_seen (
    session TEXT NOT NULL, field TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (session, field)
) WITHOUT ROWID;
"""

PRUNE_EVERY_SECONDS = 300.0


def _forget(conn: sqlite3.Connection, session_id: str) -> None:
    conn.execute("DELETE FROM web_log WHERE session = ?", (session_id,))
    conn.execute("DELETE FROM web_seen WHERE session = ?", (session_id,))
    conn.execute("DELETE FROM web_sessions WHERE session = ?", (session_id,))


class SqliteHistoryStore:
    """Transcripts in three tables of the state file; the `StateDb` belongs to the app (not closed here)."""

    durable = True

    def __init__(
        self,
        db: StateDb,
        *,
        max_entries: int = 200,
        ttl_seconds: float = 7 * 24 * 3600,
        max_sessions_per_client: int = 500,
    ) -> None:
        self._db = db
        self._max_entries = max_entries
        self._ttl = ttl_seconds
        self._per_client = max_sessions_per_client
        self._last_prune = 0.0
        db.create_schema(SCHEMA)

    def _live(self, conn: sqlite3.Connection, session_id: str, now: float) -> bool:
        row = conn.execute("SELECT touched FROM web_sessions WHERE session = ?", (session_id,)).fetchone()
        return row is not None and now - float(row[0]) <= self._ttl

    def _claim_and_append(
        self, conn: sqlite3.Connection, session_id: str, field: str, entries: list[Entry], owner: str | None
    ) -> bool:
        now = time.time()
        encoded = [json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in entries]
        with immediate(conn):
            row = conn.execute("SELECT touched FROM web_sessions WHERE session = ?", (session_id,)).fetchone()
            if row is not None and now - float(row[0]) > self._ttl:
                _forget(conn, session_id)  # expired: starts afresh, like a Redis key that timed out
                row = None
            inserted = conn.execute(
                "INSERT OR IGNORE INTO web_seen (session, field, at) VALUES (?, ?, ?)",
                (session_id, field, now),
            )
            if inserted.rowcount != 1:
                return False
            conn.executemany(
                "INSERT INTO web_log (session, entry_id, role, reply_to, entry) VALUES (?, ?, ?, ?, ?)",
                [
                    (session_id, str(e.get("id")), str(e.get("role")), e.get("reply_to"), raw)
                    for e, raw in zip(entries, encoded, strict=True)
                ],
            )
            self._trim(conn, session_id)
            conn.execute(
                "INSERT INTO web_sessions (session, owner, touched) VALUES (?, ?, ?) "
                "ON CONFLICT (session) DO UPDATE SET touched = excluded.touched, "
                "owner = coalesce(web_sessions.owner, excluded.owner)",
                (session_id, owner, now),
            )
            if row is None and owner is not None:
                self._cap_client(conn, owner, session_id)
            if now - self._last_prune > PRUNE_EVERY_SECONDS:
                self._last_prune = now
                self._prune(conn, now)
        return True

    def _trim(self, conn: sqlite3.Connection, session_id: str) -> None:
        conn.execute(
            "DELETE FROM web_log WHERE session = ? AND seq <= ("
            " SELECT seq FROM web_log WHERE session = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)",
            (session_id, session_id, self._max_entries),
        )
        # Ids of messages long gone from the transcript are forgotten too (as in the Redis store).
        conn.execute(
            "DELETE FROM web_seen WHERE session = ? AND field IN ("
            " SELECT field FROM web_seen WHERE session = ? ORDER BY at DESC LIMIT -1 OFFSET ?)",
            (session_id, session_id, self._max_entries * 2),
        )

    def _cap_client(self, conn: sqlite3.Connection, owner: str, keep: str) -> None:
        """A client over its budget loses its own longest-idle transcripts, nobody else's."""
        surplus = conn.execute(
            "SELECT session FROM web_sessions WHERE owner = ? AND session != ? "
            "ORDER BY touched DESC LIMIT -1 OFFSET ?",
            (owner, keep, max(self._per_client - 1, 0)),
        ).fetchall()
        for (session_id,) in surplus:
            _forget(conn, str(session_id))

    def _prune(self, conn: sqlite3.Connection, now: float) -> None:
        expired = conn.execute(
            "SELECT session FROM web_sessions WHERE touched < ? LIMIT 5000", (now - self._ttl,)
        ).fetchall()
        for (session_id,) in expired:
            _forget(conn, str(session_id))

    async def accept(self, session_id: str, entry: Entry, owner: str | None = None) -> bool:
        return await self._db.run(
            lambda conn: self._claim_and_append(conn, session_id, str(entry["id"]), [entry], owner)
        )

    async def add_answer(self, session_id: str, reply_to: str, entries: list[Entry]) -> list[Entry]:
        if not entries:
            raise ValueError("nothing to append")
        stored = await self._db.run(
            lambda conn: self._claim_and_append(conn, session_id, reply_to + ANSWERED, entries, None)
        )
        if stored:
            return entries
        return await self.answers_to(session_id, reply_to)

    async def retract(self, session_id: str, message_id: str) -> None:
        def undo(conn: sqlite3.Connection) -> None:
            with immediate(conn):
                conn.execute(
                    "DELETE FROM web_log WHERE session = ? AND role = 'user' AND entry_id = ?",
                    (session_id, message_id),
                )
                conn.execute("DELETE FROM web_seen WHERE session = ? AND field = ?", (session_id, message_id))

        await self._db.run(undo)

    async def recent(self, session_id: str, limit: int) -> list[Entry]:
        if limit <= 0:
            return []

        def read(conn: sqlite3.Connection) -> list[Any]:
            if not self._live(conn, session_id, time.time()):
                return []
            return conn.execute(
                "SELECT entry FROM web_log WHERE session = ? ORDER BY seq DESC LIMIT ?", (session_id, limit)
            ).fetchall()

        rows = await self._db.run(read)
        return [json.loads(row[0]) for row in reversed(rows)]

    async def answers_to(self, session_id: str, message_id: str) -> list[Entry]:
        def read(conn: sqlite3.Connection) -> list[Any]:
            if not self._live(conn, session_id, time.time()):
                return []
            return conn.execute(
                "SELECT entry FROM web_log WHERE session = ? AND role = 'bot' AND reply_to = ? ORDER BY seq",
                (session_id, message_id),
            ).fetchall()

        return [json.loads(row[0]) for row in await self._db.run(read)]

    async def sessions_of(self, owner: str) -> int:
        """How many transcripts one client holds (tests, operators)."""
        row = await self._db.run(
            lambda conn: conn.execute(
                "SELECT count(*) FROM web_sessions WHERE owner = ?", (owner,)
            ).fetchone()
        )
        return int(row[0])

    async def close(self) -> None:
        """Nothing to release: the state file belongs to the app."""
