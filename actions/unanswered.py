"""Records unanswered messages with national ids and phone numbers masked (nlu.pii.mask)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from actions.unanswered_models import UnansweredMessage
from nlu.pii import mask
from privacy import log_id

logger = logging.getLogger(__name__)

# A review queue needs the gist, not a 5,000-character paste.
MAX_STORED_CHARS = 2000


@dataclass(frozen=True, slots=True)
class UnansweredRecorder:
    """`hash_sender` pseudonymises the sender id: the process's keyed hash (ActionContext.sender_hash)
    so review records can be grouped per citizen without naming one; the log pseudonym by default."""

    sessionmaker: sessionmaker[Session]
    hash_sender: Callable[[str], str] = log_id

    def record(
        self,
        *,
        channel: str | None,
        sender_id: str,
        text: str | None,
        top_intent: str | None,
        confidence: float | None,
    ) -> int | None:
        """Store one miss; blocking (call it from a worker thread). Returns the row id, or None if blank."""
        masked = mask((text or "").strip())[:MAX_STORED_CHARS]
        if not masked:
            return None
        row = UnansweredMessage(
            created_at=datetime.now(UTC),
            channel=(channel or "unknown")[:32],
            sender_hash=self.hash_sender(sender_id),
            masked_text=masked,
            top_intent=(top_intent or None) and top_intent[:64],
            confidence=confidence,
        )
        with self.sessionmaker() as session, session.begin():
            session.add(row)
            session.flush()
            row_id = row.id
        logger.info("recorded unanswered message %d (channel=%s)", row_id, row.channel)
        return row_id
