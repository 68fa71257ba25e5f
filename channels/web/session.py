"""Server-issued, HMAC-signed web chat session tokens that expire and rotate.

The browser keeps its session token in localStorage and presents it on every connection. The token
decides whose conversation (and transcript) the socket gets, so a client must not be able to invent
one or guess another citizen's: the server alone mints session ids (random, 128 bits) and signs them
with `WEB_SESSION_SECRET`; anything that does not verify is treated as a new visitor.

Why tokens expire: a token copied off a shared computer or out of a page's storage must not open the
citizen's conversation (and the cases it looked up) for ever. Each token carries the time it was
issued and is refused `max_age_seconds` later ("session_expired": the widget is told, and gets a new
session). Why they rotate: so that a citizen who keeps coming back is never cut off, every connection
with a token older than `rotate_after_seconds` is handed a fresh token for the *same* session (same
transcript); only a session left idle for the whole `max_age_seconds` expires.

Token format: ``<id>.<issued>.<signature>`` where ``id`` is 22 url-safe base64 characters,
``issued`` the issue time in whole unix seconds (decimal) and ``signature`` the url-safe base64
HMAC-SHA256 of ``"web-session:v2:" + id + "." + issued``. Only ``id`` is used in sender ids and store
keys. The secret rotates too: tokens signed with a key in `WEB_SESSION_SECRET_PREVIOUS` still verify
(and are re-signed with the current secret at the next connection). Tokens of the earlier format
``<id>.<signature>`` (no time) verify but count as expired.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

_ID_BYTES = 16
_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22}$")
_SIG_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
_ISSUED_PATTERN = re.compile(r"^[0-9]{1,12}$")
_DOMAIN = b"web-session:v2:"  # keeps these MACs distinct from any other use of the same secret
_LEGACY_DOMAIN = b"web-session:"
MAX_TOKEN_LENGTH = 100
CLOCK_SKEW_SECONDS = 300  # a token "issued" further in the future than this is not ours

TokenStatus = Literal["valid", "expired", "invalid", "missing"]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass(frozen=True, slots=True)
class TokenCheck:
    """What a presented token is: `session_id` is set only when `status` is "valid"."""

    status: TokenStatus
    session_id: str | None = None
    issued_at: float = 0.0
    current_key: bool = True  # signed with the current secret (False: a previous one)


class SessionSigner:
    """Mints and checks session tokens; holds the secrets so nothing else needs to."""

    def __init__(
        self,
        secret: str | bytes,
        *,
        max_age_seconds: float = 7 * 24 * 3600,
        rotate_after_seconds: float = 3600,
        previous_secrets: Iterable[str | bytes] = (),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._keys = [self._key(secret), *(self._key(s) for s in previous_secrets)]
        if max_age_seconds <= 0 or rotate_after_seconds <= 0:
            raise ValueError("session max age and rotation interval must be positive")
        self.max_age_seconds = max_age_seconds
        self.rotate_after_seconds = rotate_after_seconds
        self._clock = clock

    @staticmethod
    def _key(secret: str | bytes) -> bytes:
        key = secret.encode("utf-8") if isinstance(secret, str) else secret
        if len(key) < 16:
            raise ValueError("WEB_SESSION_SECRET (and each previous secret) must be at least 16 bytes")
        return key

    @staticmethod
    def _sign(key: bytes, message: bytes) -> str:
        return _b64(hmac.new(key, message, hashlib.sha256).digest())

    def issue(self, session_id: str | None = None) -> tuple[str, str]:
        """A (session id, token) pair: a new session, or a fresh token for `session_id` (rotation)."""
        if session_id is None:
            session_id = _b64(secrets.token_bytes(_ID_BYTES))
        elif not _ID_PATTERN.match(session_id):
            raise ValueError("not a session id")
        issued = str(int(self._clock()))
        signature = self._sign(self._keys[0], _DOMAIN + f"{session_id}.{issued}".encode("ascii"))
        return session_id, f"{session_id}.{issued}.{signature}"

    def check(self, token: object) -> TokenCheck:
        """Classify a presented token (never raises)."""
        if token is None or token == "":
            return TokenCheck("missing")
        if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
            return TokenCheck("invalid")
        parts = token.split(".")
        if len(parts) == 2:  # the earlier format, without an issue time
            session_id, signature = parts
            if _ID_PATTERN.match(session_id) and self._matches(
                _LEGACY_DOMAIN + session_id.encode("ascii"), signature
            ):
                return TokenCheck("expired")
            return TokenCheck("invalid")
        if len(parts) != 3:
            return TokenCheck("invalid")
        session_id, issued, signature = parts
        if not (_ID_PATTERN.match(session_id) and _ISSUED_PATTERN.match(issued)):
            return TokenCheck("invalid")
        key_index = self._matching_key(_DOMAIN + f"{session_id}.{issued}".encode("ascii"), signature)
        if key_index is None:
            return TokenCheck("invalid")
        issued_at = float(issued)
        age = self._clock() - issued_at
        if age < -CLOCK_SKEW_SECONDS:
            return TokenCheck("invalid")
        if age > self.max_age_seconds:
            return TokenCheck("expired", issued_at=issued_at)
        return TokenCheck("valid", session_id, issued_at, current_key=key_index == 0)

    def needs_rotation(self, check: TokenCheck) -> bool:
        """A valid token old enough (or signed with a previous secret) to be replaced by a fresh one."""
        if check.status != "valid":
            return False
        return not check.current_key or self._clock() - check.issued_at >= self.rotate_after_seconds

    def verify(self, token: object) -> str | None:
        """The session id inside a genuine, unexpired token, or None for anything else."""
        return self.check(token).session_id

    def client_tag(self, address: str | None) -> str:
        """A pseudonym of the client's address (keyed, so stores never hold the address itself):
        transcript stores bound the sessions per client with it."""
        raw = hmac.new(self._keys[0], b"web-client:" + (address or "-").encode("utf-8"), hashlib.sha256)
        return _b64(raw.digest()[:12])

    def _matches(self, message: bytes, signature: str) -> bool:
        return self._matching_key(message, signature) is not None

    def _matching_key(self, message: bytes, signature: str) -> int | None:
        if not _SIG_PATTERN.match(signature):
            return None
        found = None
        for index, key in enumerate(self._keys):  # every key is tried: timing does not tell which
            if hmac.compare_digest(self._sign(key, message).encode("ascii"), signature.encode("ascii")):
                found = index if found is None else found
        return found
