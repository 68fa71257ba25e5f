"""Records questions for the review queue (issue 13's teaching loop) with national ids and phone
numbers masked (nlu.pii.mask): unanswered ones (the fallback, an unsure search), answers given with low
confidence, questions that led to a handover and answers the citizen marked 👎 (`REASONS`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from actions.unanswered_models import REASONS, UnansweredMessage
from nlu.pii import mask
from privacy import log_id

logger = logging.getLogger(__name__)

# A review queue needs the gist, not a 5,000-character paste.
MAX_STORED_CHARS = 2000
NAME_CHARS = 80  # bot_answer and service_id columns


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
        reason: str = "unanswered",
        bot_answer: str | None = None,
        service_id: str | None = None,
    ) -> int | None:
        """Store one question for review; blocking (call it from a worker thread). `bot_answer` names
        what the bot gave (a response or action name, or the service id answered), `service_id` the
        service talked about. Returns the row id, or None if blank."""
        if reason not in REASONS:
            raise ValueError(f"unknown review reason {reason!r}")
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
            reason=reason,
            bot_answer=(bot_answer or None) and bot_answer[:NAME_CHARS],
            service_id=(service_id or None) and service_id[:NAME_CHARS],
        )
        with self.sessionmaker() as session, session.begin():
            session.add(row)
            session.flush()
            row_id = row.id
        logger.info("recorded a %s question %d for review (channel=%s)", reason, row_id, row.channel)
        return row_id
