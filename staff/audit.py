"""The audit trail: every staff action, with who, what, which record, when and a keyed hash of the IP.

The IP is hashed with HMAC under the session secret so the log can link actions from one address
without storing the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from staff.models import AuditEntry, utcnow

MAX_DETAIL_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acted: a signed-in user, or (for sign-in attempts) only the name that was typed."""

    user_id: int | None
    username: str
    ip_hash: str


def hash_ip(secret: str, ip: str | None) -> str:
    if not ip:
        return ""
    return hmac.new(secret.encode(), ip.encode(), hashlib.sha256).hexdigest()[:32]


def record(
    db: Session,
    actor: Actor,
    action: str,
    *,
    target_type: str = "",
    target_id: str = "",
    detail: str = "",
    at: datetime | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=at or utcnow(),
        actor_id=actor.user_id,
        actor_username=actor.username[:64],
        action=action,
        target_type=target_type,
        target_id=target_id[:128],
        detail=detail[:MAX_DETAIL_CHARS],
        ip_hash=actor.ip_hash,
    )
    db.add(entry)
    return entry


def recent(
    db: Session, *, limit: int = 100, offset: int = 0, action: str = "", target_id: str = ""
) -> tuple[list[AuditEntry], int]:
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    if target_id:
        query = query.where(AuditEntry.target_id == target_id)
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.scalars(query.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)).all()
    return list(rows), total
