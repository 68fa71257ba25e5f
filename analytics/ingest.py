"""Rasa broker events -> analytics rows, idempotently and in order.

`Ingestor.ingest(session, events)` takes a batch in broker order (the consumer commits it, with the
source's read position, in one transaction) and adds:
- user events -> analytics_messages "in": intent, confidence, fallback (Rasa's `nlu_fallback`);
- bot events -> analytics_messages "out": the response chosen (metadata `utter_action`), else the
  custom action that sent it;
- action events -> analytics_actions (`action_listen` skipped: it only marks a turn's end);
- `service_id` slot events -> the conversation's current service, stamped on every row of the turn
  (a turn starts at the citizen's message; the answering action sets the slot after its message).
Everything else (slots, session starts, forms) only advances the conversation's last-seen time.

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

from analytics.models import IN, OUT, AnalyticsAction, AnalyticsConversation, AnalyticsMessage

CHANNELS = frozenset({"line", "sms", "web", "rest"})
FALLBACK_INTENT = "nlu_fallback"
# Names stored must be identifiers (intent, response, action, service ids): anything else is dropped,
# so no free text can reach a column even if an event were malformed.
_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,80}$")
_SKIPPED_ACTIONS = frozenset({"action_listen"})
SERVICE_SLOT = "service_id"


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


def _at(event: Mapping[str, Any]) -> dt.datetime:
    stamp = _number(event.get("timestamp"))
    return dt.datetime.fromtimestamp(stamp, dt.UTC) if stamp is not None else dt.datetime.now(dt.UTC)


@dataclass
class IngestStats:
    events: int = 0
    messages: int = 0
    actions: int = 0
    duplicates: int = 0


class Ingestor:
    """Turns batches of events into rows; `conversation_hash` is PersonalData.sender_hash."""

    def __init__(self, conversation_hash: Callable[[str], str]) -> None:
        self._hash = conversation_hash

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
        # PostgreSQL), created below when new.
        hashes = {sender: self._hash(sender) for sender in {e["sender_id"] for _, e in keyed}}
        conversations: dict[str, AnalyticsConversation] = {}
        wanted = list(set(hashes.values()))
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            query = select(AnalyticsConversation).where(AnalyticsConversation.conversation.in_(chunk))
            conversations.update((c.conversation, c) for c in session.scalars(query))
        # Rows of each conversation's current turn added in this batch (not yet inserted).
        turn_rows: dict[str, list[dict[str, Any]]] = {}
        turn_in_batch: set[str] = set()
        messages: list[dict[str, Any]] = []
        actions: list[dict[str, Any]] = []
        for key, event in keyed:
            sender_id: str = event["sender_id"]
            conversation = hashes[sender_id]
            channel = channel_of(sender_id)
            at = _at(event)
            state = conversations.get(conversation)
            if state is None:
                state = AnalyticsConversation(
                    conversation=conversation, channel=channel, service_id=None, first_at=at, last_at=at
                )
                session.add(state)
            conversations[conversation] = state
            pending = turn_rows.setdefault(conversation, [])
            state.last_at = max(state.last_at, at)
            kind = event.get("event")
            name = _name(event.get("name"))
            if kind == "user":
                state.turn_at = at
                pending.clear()
                turn_in_batch.add(conversation)
            elif kind == "action" and name is not None and name not in _SKIPPED_ACTIONS:
                state.last_action = name
            elif kind == "slot" and name == SERVICE_SLOT:
                self._set_service(
                    session, state, _name(event.get("value")), pending, conversation in turn_in_batch
                )
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
        if messages:
            session.execute(insert(AnalyticsMessage), messages)
        if actions:
            session.execute(insert(AnalyticsAction), actions)
        stats.messages, stats.actions = len(messages), len(actions)
        return stats

    @staticmethod
    def _set_service(
        session: Session,
        state: AnalyticsConversation,
        service_id: str | None,
        pending: list[dict[str, Any]],
        turn_in_batch: bool,
    ) -> None:
        """The service slot is set by the action answering, after its message: the whole turn (the
        citizen's message, the actions, the answers) is attributed to it, including rows of the turn
        committed in an earlier batch."""
        state.service_id = service_id
        for row in pending:
            row["service_id"] = service_id
        if not turn_in_batch and state.turn_at is not None:
            for table in (AnalyticsMessage, AnalyticsAction):
                session.execute(
                    update(table)
                    .where(table.conversation == state.conversation, table.at >= state.turn_at)
                    .values(service_id=service_id)
                )
