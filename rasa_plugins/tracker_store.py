"""Rasa tracker stores that never keep a national id or phone number in clear (runs inside Rasa 3.6).

Rasa stores every event of a conversation: the citizen's text, the entities the NLU found, slot
values and the bot's answers. These subclasses of Rasa's SQL and Redis stores pass each event
through nlu.pii.mask on its way to storage (and to an event broker, if one is configured). The
tracker Rasa is working with in this turn keeps the real values; the next turn reads the masked
copy back, which is all the dialogue needs (a case reference is not masked).

One answer is a secret even though it is not an id: the last 4 digits of the phone number that prove
access to a case (asked while `requested_slot` is phone_last4). Stored next to the case reference it
would let anyone who reads the tracker through the check, so every digit of that user message is hidden.

Point endpoints at them with `type: rasa_plugins.tracker_store.MaskingSQLTrackerStore` or
`type: rasa_plugins.tracker_store.MaskingRedisTrackerStore`.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy
import sqlalchemy.event
import sqlalchemy.orm
import sqlalchemy.pool
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import RedisTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import AllSlotsReset, Event, Restarted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from nlu.pii import mask

logger = logging.getLogger(__name__)

# Event fields that never carry what a citizen typed; left alone so ids and names stay intact.
_UNTOUCHED_KEYS = frozenset({"event", "timestamp", "message_id", "input_channel", "name", "policy"})
# Slots whose typed answer is itself a secret: the user message answering them keeps no digit.
SECRET_ANSWER_SLOTS = frozenset({"phone_last4"})
_DIGIT = re.compile(r"[0-9\u0E50-\u0E59]")


def _mask_strings(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [_mask_strings(v) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in _UNTOUCHED_KEYS else _mask_strings(v)) for k, v in value.items()}
    return value


def _mask_parse_data(parse_data: dict[str, Any]) -> dict[str, Any]:
    masked = dict(parse_data)
    for key in ("text", "entities", "metadata"):
        if key in masked:
            masked[key] = _mask_strings(masked[key])
    return masked


def mask_event(event: dict[str, Any]) -> dict[str, Any]:
    """A copy of one serialised event with ids and phone numbers masked wherever text can appear.

    Only the parts that are replaced are copied; the event passed in is never modified.
    """
    kind = event.get("event")
    masked = dict(event)
    if kind == "user":
        for key in ("text", "metadata"):
            if key in masked:
                masked[key] = _mask_strings(masked[key])
        if isinstance(masked.get("parse_data"), dict):
            masked["parse_data"] = _mask_parse_data(masked["parse_data"])
    elif kind == "bot":
        for key in ("text", "data", "metadata"):
            if key in masked:
                masked[key] = _mask_strings(masked[key])
    elif kind == "slot":
        masked["value"] = _mask_strings(masked.get("value"))
    elif kind == "entities":
        masked["entities"] = _mask_strings(masked.get("entities"))
    return masked


def secret_answers(events: Sequence[Event]) -> list[bool]:
    """For each event: is it a user message answering a secret question (see SECRET_ANSWER_SLOTS)?

    Follows `requested_slot` through the events (a cheap pass: no text is looked at).
    """
    requested: Any = None
    flags = []
    for event in events:
        if isinstance(event, SlotSet) and event.key == "requested_slot":
            requested = event.value
        elif isinstance(event, (AllSlotsReset, Restarted, SessionStarted)):
            requested = None
        flags.append(isinstance(event, UserUttered) and requested in SECRET_ANSWER_SLOTS)
    return flags


def _hide_digits(value: Any) -> Any:
    if isinstance(value, str):
        return _DIGIT.sub("x", value)
    if isinstance(value, list):
        return [_hide_digits(v) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in _UNTOUCHED_KEYS else _hide_digits(v)) for k, v in value.items()}
    return value


def hide_secret_answer(masked_user_event: dict[str, Any]) -> dict[str, Any]:
    """A copy of a (masked) user event with every digit of what was typed replaced by "x"."""
    hidden = dict(masked_user_event)
    if "text" in hidden:
        hidden["text"] = _hide_digits(hidden["text"])
    if isinstance(hidden.get("parse_data"), dict):
        parse_data = dict(hidden["parse_data"])
        for key in ("text", "entities"):
            if key in parse_data:
                parse_data[key] = _hide_digits(parse_data[key])
        hidden["parse_data"] = parse_data
    return hidden


def mask_events(events: Sequence[Event], start: int = 0) -> list[dict[str, Any]]:
    """Masked copies of events[start:], with secret answers hidden (decided over all the events)."""
    flags = secret_answers(events)
    out = []
    for event, secret in zip(itertools.islice(events, start, None), flags[start:], strict=True):
        data = mask_event(event.as_dict())
        out.append(hide_secret_answer(data) if secret else data)
    return out


def masked_tracker(tracker: DialogueStateTracker, domain: Domain | None) -> DialogueStateTracker:
    """Rebuild the tracker from masked events (same timestamps and order)."""
    events = mask_events(list(tracker.events))
    slots = list(domain.slots) if domain else list(tracker.slots.values())
    return DialogueStateTracker.from_dict(
        tracker.sender_id, events, slots, max_event_history=tracker._max_event_history
    )


def publish_events(broker: EventBroker, sender_id: str, events: list[dict[str, Any]]) -> None:
    """Publish masked events, in one call when the broker takes a batch (publish_many)."""
    bodies = [{"sender_id": sender_id, **data} for data in events]
    publish_many = getattr(broker, "publish_many", None)
    if publish_many is not None:
        publish_many(bodies)
    else:
        for body in bodies:
            broker.publish(body)


class _MaskingBrokerMixin:
    """Events reach an event broker masked like the stored ones (secret answers hidden too)."""

    event_broker: EventBroker | None

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """TrackerStore.stream_events, deciding secret answers with the whole session in view."""
        if self.event_broker is None:
            return
        old_tracker = await self.retrieve(tracker.sender_id)  # type: ignore[attr-defined]
        start = len(old_tracker.events) if old_tracker else 0
        publish_events(self.event_broker, tracker.sender_id, mask_events(list(tracker.events), start))


# The queries of SQLTrackerStore._event_query, as plain SQL: events of the latest session (those at or
# after the last session_started, or all when there is none), in insertion order.
_LATEST_SESSION_FILTER = """
    sender_id = :sender_id AND (
        timestamp >= (SELECT max(timestamp) FROM events
                      WHERE sender_id = :sender_id AND type_name = 'session_started')
        OR (SELECT max(timestamp) FROM events
            WHERE sender_id = :sender_id AND type_name = 'session_started') IS NULL)
"""
# Constant SQL with bound parameters only.
_SESSION_EVENTS = sqlalchemy.text(f"SELECT data FROM events WHERE {_LATEST_SESSION_FILTER} ORDER BY id")  # noqa: S608
_SESSION_COUNT = sqlalchemy.text(f"SELECT count(*) FROM events WHERE {_LATEST_SESSION_FILTER}")  # noqa: S608
_ALL_EVENTS = sqlalchemy.text("SELECT data FROM events WHERE sender_id = :sender_id ORDER BY id")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL with synchronous=NORMAL: no fsync per message (an fsync per commit tripled the round trip);
    a committed turn survives a crash of Rasa, only an OS crash may lose the last moments."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class MaskingSQLTrackerStore(_MaskingBrokerMixin, SQLTrackerStore):
    """SQLTrackerStore (SQLite file by default) that stores masked events."""

    def __init__(
        self,
        domain: Domain | None = None,
        dialect: str = "sqlite",
        host: str | None = None,
        port: int | None = None,
        db: str = "rasa.db",
        **kwargs: Any,
    ) -> None:
        if dialect == "sqlite" and db and db != ":memory:":
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        super().__init__(domain=domain, dialect=dialect, host=host, port=port, db=db, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # Rasa's engine opens and closes a SQLite connection per query (NullPool), and closing
            # the last connection of a WAL database checkpoints it: keep one connection open instead.
            url = self.engine.url
            self.engine.dispose()
            self.engine = sqlalchemy.create_engine(
                url,
                poolclass=sqlalchemy.pool.QueuePool,
                pool_size=1,
                max_overflow=4,
                connect_args={"check_same_thread": False},
            )
            sqlalchemy.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.engine)

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """SQLTrackerStore._retrieve with plain SQL: building Rasa's ORM query (cache key of its
        subquery) cost more than the query itself on every message."""
        query = _ALL_EVENTS if fetch_events_from_all_sessions else _SESSION_EVENTS
        with self.session_scope() as session:
            rows = session.execute(query, {"sender_id": sender_id}).all()
        if not self.domain or not rows:
            return None
        return DialogueStateTracker.from_dict(sender_id, [json.loads(r[0]) for r in rows], self.domain.slots)

    def _stored_session_event_count(self, session: Any, sender_id: str) -> int:
        return int(session.execute(_SESSION_COUNT, {"sender_id": sender_id}).scalar_one())

    async def save(self, tracker: DialogueStateTracker) -> None:
        """SQLTrackerStore.save, writing masked copies of the new events and publishing the same
        copies to the event broker (the count of stored events spares stream_events a second read
        of the session), before the commit as Rasa's own save does."""
        with self.session_scope() as session:
            stored = self._stored_session_event_count(session, tracker.sender_id)
            new_events = mask_events(list(tracker.events), stored)
            if self.event_broker is not None:
                publish_events(self.event_broker, tracker.sender_id, new_events)
            rows = []
            for data in new_events:
                intent = data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY)
                rows.append(
                    {
                        "sender_id": tracker.sender_id,
                        "type_name": data["event"],
                        "timestamp": data.get("timestamp"),
                        "intent_name": intent,
                        "action_name": data.get("name"),
                        "data": json.dumps(data),
                    }
                )
            if rows:
                # One executemany instead of an ORM object per event.
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()


class MaskingRedisTrackerStore(_MaskingBrokerMixin, RedisTrackerStore):
    """RedisTrackerStore that stores a masked copy of the tracker (with record expiry)."""

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        """RedisTrackerStore.save, merging and storing the masked tracker.

        Masking before the merge matters: the stored tracker is masked, and comparing it with an
        unmasked one would append this session's events a second time.
        """
        await self.stream_events(tracker)
        expiry = timeout or self.record_exp
        key = self.key_prefix + tracker.sender_id
        to_store = masked_tracker(tracker, self.domain)
        stored = self.red.get(key)
        if stored is not None:
            prior = self.deserialise_tracker(tracker.sender_id, stored)
            if prior is not None:
                to_store = self._merge_trackers(prior, to_store)
        self.red.set(key, self.serialise_tracker(to_store), ex=int(float(expiry)) if expiry else None)
