"""Agency API keys: shown once, stored as SHA-256 (the key is 256 random bits, so no slow hash is needed).

Format `gbk_<prefix>_<secret>`: the prefix is public and finds the row without scanning; the whole key
is compared by hash in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import Agency, AgencyApiKey

_PREFIX_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class IssuedKey:
    agency_id: str
    prefix: str
    key: str


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(session: Session, agency_id: str, agency_name: str, label: str = "") -> IssuedKey:
    """Create the agency if it is new and add a key to it. The caller commits."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        session.add(Agency(id=agency_id, name=agency_name))
    elif agency_name and agency.name != agency_name:
        agency.name = agency_name
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(10))
    key = f"gbk_{prefix}_{secrets.token_urlsafe(32)}"
    session.add(AgencyApiKey(agency_id=agency_id, prefix=prefix, key_hash=_hash(key), label=label))
    session.flush()
    return IssuedKey(agency_id=agency_id, prefix=prefix, key=key)


def agency_for_key(session: Session, presented: str) -> str | None:
    """The agency id a presented key belongs to, or None (unknown, malformed or revoked)."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != "gbk" or len(parts[1]) != 10:
        return None
    row = session.scalars(select(AgencyApiKey).where(AgencyApiKey.prefix == parts[1])).first()
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.key_hash, _hash(presented)):
        return None
    return row.agency_id
