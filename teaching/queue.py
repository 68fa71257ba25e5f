"""The review queue as reviewers see it: unreviewed questions, filtered, grouped by similarity.

Rows come from `unanswered_messages` (written by the action server: masked at intake). The text is
masked again here before anything leaves this module, so a row stored by an older or buggy writer still
shows no national id or phone number. Grouping is computed on every read (`teaching.similarity`), never
stored: a decision on a group marks its rows, and the next read groups what is left.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.unanswered_models import REASONS, UnansweredMessage
from nlu.pii import mask
from teaching.similarity import GROUP_THRESHOLD, group

# The newest this many unreviewed questions are grouped per page view: enough for a day of misses on a
# busy bot, and grouping stays well under a second (bench/teaching/learning_curve.py times it).
MAX_QUEUE = 500
EXAMPLES_SHOWN = 5

REASON_LABELS_TH: dict[str, str] = {
    "unanswered": "ตอบไม่ได้",
    "low_confidence": "ไม่มั่นใจ",
    "handover": "ส่งต่อเจ้าหน้าที่",
    "thumbs_down": "ผู้ใช้กดไม่ชอบ",
}
assert set(REASON_LABELS_TH) == set(REASONS)


@dataclass(frozen=True, slots=True)
class QueueItem:
    id: int
    created_at: datetime
    channel: str
    reason: str
    text: str  # masked
    bot_answer: str | None
    service_id: str | None


@dataclass(frozen=True, slots=True)
class QueueGroup:
    """Alike questions: decided together (the reviewer may untick any of them)."""

    items: tuple[QueueItem, ...]

    @property
    def key(self) -> int:
        return self.items[0].id

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def reasons(self) -> list[tuple[str, int]]:
        return Counter(i.reason for i in self.items).most_common()

    @property
    def answers(self) -> list[tuple[str, int]]:
        """What the bot gave (a response/action name or a service id), most frequent first."""
        return Counter(i.bot_answer for i in self.items if i.bot_answer).most_common()

    @property
    def services(self) -> list[tuple[str, int]]:
        """The services being talked about, most frequent first."""
        return Counter(i.service_id for i in self.items if i.service_id).most_common()

    @property
    def examples(self) -> list[str]:
        return list(dict.fromkeys(i.text for i in self.items))[:EXAMPLES_SHOWN]


def load_items(
    session: Session,
    *,
    reason: str = "",
    agency: str = "",
    agency_of: Mapping[str, str] | None = None,
    limit: int = MAX_QUEUE,
) -> list[QueueItem]:
    """Unreviewed rows, oldest first. `agency`: only questions about a service of that agency
    (`agency_of` maps service id to the record's agency text); unknown filters match nothing."""
    query = select(UnansweredMessage).where(UnansweredMessage.reviewed_at.is_(None))
    if reason:
        query = query.where(UnansweredMessage.reason == reason)
    if agency:
        ids = [sid for sid, name in (agency_of or {}).items() if name == agency]
        if not ids:
            return []
        query = query.where(UnansweredMessage.service_id.in_(ids))
    newest = query.order_by(UnansweredMessage.id.desc()).limit(limit)
    rows = sorted(session.scalars(newest), key=lambda r: r.id)
    return [item_of(row) for row in rows]


def item_of(row: UnansweredMessage) -> QueueItem:
    return QueueItem(
        id=row.id,
        created_at=row.created_at,
        channel=row.channel,
        reason=row.reason,
        text=mask(row.masked_text),
        bot_answer=row.bot_answer,
        service_id=row.service_id,
    )


def group_items(items: Sequence[QueueItem], threshold: float = GROUP_THRESHOLD) -> list[QueueGroup]:
    """Groups, largest first (ties: oldest first): what to teach first is what most citizens asked."""
    groups = [
        QueueGroup(tuple(items[i] for i in members)) for members in group([i.text for i in items], threshold)
    ]
    return sorted(groups, key=lambda g: (-g.count, g.key))
