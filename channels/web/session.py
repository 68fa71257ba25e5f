"""Server-issued, HMAC-signed web chat session ids.

The browser keeps its session id in localStorage and presents it on every connection. The id
decides whose conversation (and transcript) the socket gets, so a client must not be able to
invent one or guess another citizen's: the server alone mints ids (random, 128 bits) and signs
them with `WEB_SESSION_SECRET`; anything that does not verify is treated as a new visitor.

Token format: ``<id>.<signature>`` where ``id`` is 22 url-safe base64 characters and
``signature`` is the url-safe base64 HMAC-SHA256 of ``"web-session:" + id``. Only ``id`` is used
in sender ids and store keys, so the secret can rotate (old sessions then start afresh) without
any stored key changing shape.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

_ID_BYTES = 16
_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22}$")
_SIG_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
_DOMAIN = b"web-session:"  # keeps these MACs distinct from any other use of the same secret
MAX_TOKEN_LENGTH = 80


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class SessionSigner:
    """Mints and checks session tokens; holds the secret so nothing else needs to."""

    def __init__(self, secret: str | bytes) -> None:
        key = secret.encode("utf-8") if isinstance(secret, str) else secret
        if len(key) < 16:
            raise ValueError("WEB_SESSION_SECRET must be at least 16 bytes")
        self._key = key

    def _sign(self, session_id: str) -> str:
        mac = hmac.new(self._key, _DOMAIN + session_id.encode("ascii"), hashlib.sha256)
        return _b64(mac.digest())

    def issue(self) -> tuple[str, str]:
        """A fresh (session id, token) pair."""
        session_id = _b64(secrets.token_bytes(_ID_BYTES))
        return session_id, f"{session_id}.{self._sign(session_id)}"

    def verify(self, token: object) -> str | None:
        """The session id inside a genuine token, or None for anything else (never raises)."""
        if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
            return None
        session_id, dot, signature = token.partition(".")
        if not dot or not _ID_PATTERN.match(session_id) or not _SIG_PATTERN.match(signature):
            return None
        expected = self._sign(session_id)
        if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii")):
            return None
        return session_id
