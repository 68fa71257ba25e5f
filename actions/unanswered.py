"""Records unanswered messages with national ids and phone numbers masked (nlu.pii.mask)."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from actions.unanswered_models import UnansweredMessage
from nlu.pii import mask

logger = logging.getLogger(__name__)

# A review queue needs the gist, not a 5,000-character paste.
MAX_STORED_CHARS = 2000


def sender_hash(sender_id: str, key: bytes) -> str:
    if key:
        return hmac.new(key, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class UnansweredRecorder:
    sessionmaker: sessionmaker[Session]
    hash_key: bytes = b""

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
            sender_hash=sender_hash(sender_id, self.hash_key),
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
