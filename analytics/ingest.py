"""Rasa broker events -> analytics rows, idempotently and in order.

`Ingestor.ingest(session, events)` takes a batch in broker order (the consumer commits it, with the
source's read position, in one transaction) and adds:
- user events -> analytics_messages "in": intent, confidence, fallback (Rasa's `nlu_fallback`);
- bot events -> analytics_messages "out": the response chosen (metadata `utter_action`), else the
  custom action that sent it;
- action events -> analytics_actions (`action_listen` skipped: it only marks a turn's end);
- `service_id` slot events -> the conversation's current service, stamped on every row of the turn
  (a turn starts at the citizen's message; the answering action sets the slot after its message).
- `service_aspect` slot events -> the aspect asked about (documents, fee, …), stamped the same way;
- every message -> a session (analytics_sessions: a "conversation" in the figures): a new one when the
  citizen's last message is more than SESSION_GAP old (Rasa's session_expiration_time), with whether
  the citizen came back, the agency (of the first service talked about, or of a handover), whether
  it was contained (no handover, no new session of the same citizen within 24 h) and whether some
  citizen message of it was understood (what the drill-down reads for that figure);
- the hours touched -> analytics_dirty_hours, so analytics/rollup.py recomputes their counts.
Everything else (session starts, forms) only advances the conversation's last-seen time.

What is kept is a closed set of names and numbers: the masked text the tracker store lets through
(rasa_plugins/tracker_store.py), entities and metadata are never read. The conversation is the keyed
hash of the sender id; the channel is the sender id's namespace (`line:`, `sms:`, `web:`, `rest:`).
`event_key` is sha256 of the event's canonical JSON: the same event redelivered (RabbitMQ after a
crash before the ack) is recognised and skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from analytics.models import (
    IN,
    OUT,
    AnalyticsAction,
    AnalyticsConversation,
    AnalyticsHandover,
    AnalyticsMessage,
    AnalyticsSession,
)
from analytics.rollup import hours_between, mark_dirty, understood

CHANNELS = frozenset({"line", "sms", "web", "rest"})
FALLBACK_INTENT = "nlu_fallback"
# Names stored must be identifiers (intent, response, action, service ids): anything else is dropped,
# so no free text can reach a column even if an event were malformed.
_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,80}$")
_SKIPPED_ACTIONS = frozenset({"action_listen"})
SERVICE_SLOT = "service_id"
ASPECT_SLOT = "service_aspect"
ASPECTS = frozenset({"documents", "fee", "place", "time", "eligibility", "online"})
SESSION_GAP = dt.timedelta(minutes=60)  # bot/domain/session.yml session_expiration_time
CONTAINMENT_WINDOW = dt.timedelta(hours=24)


def event_key(event: Mapping[str, Any]) -> str:
    canonical = json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def channel_of(sender_id: str) -> str:
    prefix = sender_id.split(":", 1)[0] if ":" in sender_id else ""
    return prefix if prefix in CHANNELS else "other"


def _name(value: Any) -> str | None:
    return value if isinstance(value, str) and _NAME.match(value) else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def session_key(conversation: str, started_at: dt.datetime) -> str:
    """A session's key: sha256 of the conversation hash and its start in milliseconds (64 hex digits,
    like every other id in these tables)."""
    return hashlib.sha256(f"{conversation}:{int(started_at.timestamp() * 1000)}".encode()).hexdigest()


def _at(event: Mapping[str, Any]) -> dt.datetime:
    stamp = _number(event.get("timestamp"))
    return dt.datetime.fromtimestamp(stamp, dt.UTC) if stamp is not None else dt.datetime.now(dt.UTC)


@dataclass
class IngestStats:
    events: int = 0
    messages: int = 0
    actions: int = 0
    duplicates: int = 0


@dataclass
class _Batch:
    """What one batch changed: sessions (by key), hours whose counts moved, sessions whose attributes
    changed (all their hours move), and sessions created (to be linked to handovers read earlier)."""

    sessions: dict[str, AnalyticsSession]
    hours: set[dt.datetime]
    changed: set[str]
    created: list[AnalyticsSession]


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def contained(session: AnalyticsSession) -> bool:
    """No handover, and no next session of the same citizen within 24 h of this one's last message."""
    if session.handover:
        return False
    if session.next_started_at is None:
        return True
    return _as_utc(session.next_started_at) - _as_utc(session.last_at) > CONTAINMENT_WINDOW


class Ingestor:
    """Turns batches of events into rows; `conversation_hash` is PersonalData.sender_hash;
    `agency_for_service` names the agency (knowledge/agencies.yml id) of a service id, or None."""

    def __init__(
        self,
        conversation_hash: Callable[[str], str],
        agency_for_service: Callable[[Session, str], str | None] | None = None,
    ) -> None:
        self._hash = conversation_hash
        self._agency_for = agency_for_service

    def ingest(self, session: Session, events: Sequence[Mapping[str, Any]]) -> IngestStats:
        stats = IngestStats(events=len(events))
        keyed = [(event_key(e), e) for e in events if isinstance(e.get("sender_id"), str)]
        keys = [k for k, _ in keyed]
        seen: set[str] = set()
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            seen.update(
                session.scalars(
                    select(AnalyticsMessage.event_key).where(AnalyticsMessage.event_key.in_(chunk))
                )
            )
            seen.update(
                session.scalars(select(AnalyticsAction.event_key).where(AnalyticsAction.event_key.in_(chunk)))
            )
        # Every conversation of the batch read in one query (a get per conversation was the cost on
        # PostgreSQL), created below when new; their current sessions likewise.
        hashes = {sender: self._hash(sender) for sender in {e["sender_id"] for _, e in keyed}}
        conversations: dict[str, AnalyticsConversation] = {}
        wanted = list(set(hashes.values()))
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            query = select(AnalyticsConversation).where(AnalyticsConversation.conversation.in_(chunk))
            conversations.update((c.conversation, c) for c in session.scalars(query))
        batch = _Batch(sessions={}, hours=set(), changed=set(), created=[])
        current = [c.session_key for c in conversations.values() if c.session_key]
        for i in range(0, len(current), 500):
            sessions = select(AnalyticsSession).where(AnalyticsSession.key.in_(current[i : i + 500]))
            batch.sessions.update((s.key, s) for s in session.scalars(sessions))
        # Rows of each conversation's current turn added in this batch (not yet inserted).
        turn_rows: dict[str, list[dict[str, Any]]] = {}
        turn_in_batch: set[str] = set()
        messages: list[dict[str, Any]] = []
        actions: list[dict[str, Any]] = []
        # How far each known conversation was ingested: an older event is a redelivery (RabbitMQ
        # after a crash before the ack) and must not move the conversation's turn, service or session
        # state again; its rows are recognised by event_key as before.
        ingested_until = {c: _as_utc(state.last_at) for c, state in conversations.items()}
        for key, event in keyed:
            sender_id: str = event["sender_id"]
            conversation = hashes[sender_id]
            channel = channel_of(sender_id)
            at = _at(event)
            replay = conversation in ingested_until and at < ingested_until[conversation]
            state = conversations.get(conversation)
            if state is None:
                state = AnalyticsConversation(
                    conversation=conversation, channel=channel, service_id=None, first_at=at, last_at=at
                )
                session.add(state)
            conversations[conversation] = state
            pending = turn_rows.setdefault(conversation, [])
            state.last_at = max(_as_utc(state.last_at), at)
            kind = event.get("event")
            name = _name(event.get("name"))
            if replay and kind == "slot":
                continue
            if replay:
                pass
            elif kind == "user":
                state.turn_at = at
                pending.clear()
                turn_in_batch.add(conversation)
            elif kind == "action" and name is not None and name not in _SKIPPED_ACTIONS:
                state.last_action = name
            elif kind == "slot" and name == SERVICE_SLOT:
                service_id = _name(event.get("value"))
                state.service_id = service_id
                self._set_turn(
                    session, state, "service_id", service_id, pending, conversation in turn_in_batch
                )
                self._attribute(session, batch, state, service_id)
                self._turn_hour(batch, state)
                continue
            elif kind == "slot" and name == ASPECT_SLOT:
                value = event.get("value")
                aspect = value if isinstance(value, str) and value in ASPECTS else None
                self._set_turn(session, state, "aspect", aspect, pending, conversation in turn_in_batch)
                self._turn_hour(batch, state)
                continue
            if kind not in ("user", "bot", "action") or name in _SKIPPED_ACTIONS:
                continue
            if key in seen:
                stats.duplicates += 1
                continue
            seen.add(key)
            row: dict[str, Any] = {
                "event_key": key,
                "conversation": conversation,
                "channel": channel,
                "service_id": state.service_id,
                "at": at,
            }
            if kind in ("user", "bot"):
                current_session = self._session_for(session, batch, state, channel, at)
                row |= {"session_key": current_session.key, "aspect": None}
                batch.hours.add(at.replace(minute=0, second=0, microsecond=0))
            if kind == "user":
                parse = _mapping(event.get("parse_data"))
                intent = _mapping(parse.get("intent"))
                intent_name = _name(intent.get("name"))
                row |= {
                    "direction": IN,
                    "intent": intent_name,
                    "confidence": _number(intent.get("confidence")),
                    "fallback": intent_name == FALLBACK_INTENT,
                }
                if understood(row["fallback"], row["intent"], row["confidence"]):
                    current_session.understood = True  # the drill-down's "understood" reads the flag
                messages.append(row)
            elif kind == "bot":
                # The response chosen, else the custom action that sent the text.
                answer = _name(_mapping(event.get("metadata")).get("utter_action")) or state.last_action
                row |= {
                    "direction": OUT,
                    "intent": answer,
                    "confidence": None,
                    "fallback": bool(answer and "fallback" in answer),
                }
                messages.append(row)
            else:
                if name is None:
                    continue
                row |= {"name": name, "confidence": _number(event.get("confidence"))}
                actions.append(row)
            pending.append(row)
        # render_nulls: one executemany per table (the ORM otherwise splits rows by which values are
        # None, and interleaved citizen/bot rows became one INSERT each).
        if messages:
            session.execute(insert(AnalyticsMessage).execution_options(render_nulls=True), messages)
        if actions:
            session.execute(insert(AnalyticsAction).execution_options(render_nulls=True), actions)
        self._link_handovers(session, batch)
        for changed in batch.changed:
            s = batch.sessions[changed]
            batch.hours.update(hours_between(_as_utc(s.started_at), _as_utc(s.last_at)))
        mark_dirty(session, batch.hours)
        stats.messages, stats.actions = len(messages), len(actions)
        return stats

    def _session_for(
        self, session: Session, batch: _Batch, state: AnalyticsConversation, channel: str, at: dt.datetime
    ) -> AnalyticsSession:
        """The citizen's current session, or a new one after a pause longer than SESSION_GAP (the
        previous one then learns when the citizen came back: its containment)."""
        previous = batch.sessions.get(state.session_key) if state.session_key else None
        if previous is not None and at - _as_utc(previous.last_at) <= SESSION_GAP:
            if at > _as_utc(previous.last_at):
                previous.last_at = at
            return previous
        started = AnalyticsSession(
            key=session_key(state.conversation, at),
            conversation=state.conversation,
            channel=channel,
            agency=None,
            service_id=None,
            started_at=at,
            last_at=at,
            returning_citizen=state.session_key is not None,
            handover=False,
            next_started_at=None,
            contained=True,
            understood=False,
        )
        session.add(started)
        batch.sessions[started.key] = started
        batch.created.append(started)
        batch.changed.add(started.key)
        if previous is not None:
            previous.next_started_at = at
            previous.contained = contained(previous)
            batch.changed.add(previous.key)
        state.session_key = started.key
        return started

    def _attribute(
        self, session: Session, batch: _Batch, state: AnalyticsConversation, service_id: str | None
    ) -> None:
        """The first service talked about names the session's agency (unless a handover named one)."""
        current = batch.sessions.get(state.session_key) if state.session_key else None
        if current is None or service_id is None or current.service_id is not None:
            return
        current.service_id = service_id
        if not current.handover and self._agency_for is not None:
            current.agency = self._agency_for(session, service_id)
        batch.changed.add(current.key)

    @staticmethod
    def _turn_hour(batch: _Batch, state: AnalyticsConversation) -> None:
        if state.turn_at is not None:
            batch.hours.add(_as_utc(state.turn_at).replace(minute=0, second=0, microsecond=0))

    @staticmethod
    def _link_handovers(session: Session, batch: _Batch) -> None:
        """Handovers ingested before the messages of their session (the sources are read apart)."""
        if not batch.created:
            return
        by_conversation: dict[str, list[AnalyticsSession]] = {}
        for s in batch.created:
            by_conversation.setdefault(s.conversation, []).append(s)
        waiting = session.scalars(
            select(AnalyticsHandover).where(
                AnalyticsHandover.conversation.in_(list(by_conversation)),
                AnalyticsHandover.session_key.is_(None),
            )
        )
        for handover in waiting:
            requested = _as_utc(handover.requested_at)
            candidates = [
                s for s in by_conversation[handover.conversation] if _as_utc(s.started_at) <= requested
            ]
            if not candidates:
                continue
            target = max(candidates, key=lambda s: _as_utc(s.started_at))
            handover.session_key = target.key
            target.handover, target.contained, target.agency = True, False, handover.agency
            batch.changed.add(target.key)

    @staticmethod
    def _set_turn(
        session: Session,
        state: AnalyticsConversation,
        column: str,
        value: str | None,
        pending: list[dict[str, Any]],
        turn_in_batch: bool,
    ) -> None:
        """A slot (service, aspect) is set by the action answering, after its message: the whole turn
        (the citizen's message, the actions, the answers) is attributed to it, including rows of the
        turn committed in an earlier batch."""
        for row in pending:
            if column in row or column == "service_id":
                row[column] = value
        if not turn_in_batch and state.turn_at is not None:
            tables: tuple[type[AnalyticsMessage] | type[AnalyticsAction], ...] = (
                (AnalyticsMessage, AnalyticsAction) if column == "service_id" else (AnalyticsMessage,)
            )
            for table in tables:
                session.execute(
                    update(table)
                    .where(table.conversation == state.conversation, table.at >= state.turn_at)
                    .values({column: value})
                )
