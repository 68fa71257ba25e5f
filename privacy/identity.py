"""The gateway's signed word on who sent a message: channel, user and time, checked by the actions.

Rasa cannot tell a LINE user from someone on the same host who posts to Rasa's REST channel with
`"sender": "line:U…"`: a sender id is just text. Only the gateway has verified the platform's
signature (LINE's, Twilio's, the web session's), so the gateway vouches for the identity with an HMAC
over (channel, user id, time, the sealed SMS number) in the message metadata, and the action server
believes a channel identity only when that signature checks out, is fresh, and names the very
conversation the action runs in. Rasa itself never holds the key, so neither its HTTP API nor its
REST channel can mint an identity.

The key is derived (HKDF, its own label) from the hash root of PERSONAL_DATA_KEYS, the one secret
the gateway and the action server already share and read once at start-up; a process without it
cannot sign or verify, and every message then counts as anonymous.

Metadata layout: `{"channel": …, "user_id": …, "extra": {"n": …}?, "identity": {"v": 1, "ts": …,
"sig": …}}`. The signature covers the canonical JSON of [v, channel, user_id, ts, n-or-null].
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from privacy.hashing import derive
from privacy.phones import SENDER_ID
from privacy.settings import PrivacySettings

log = logging.getLogger(__name__)

IDENTITY_FIELD = "identity"
VERSION = 1
# A turn's actions run within seconds of the gateway's signing (it signs when it sends to Rasa, not
# when the message was queued); five minutes leaves room for a slow turn and little for a replay.
MAX_AGE_SECONDS = 300
MAX_CLOCK_SKEW_SECONDS = 30
SIGNED_CHANNELS = frozenset({"line", "sms", "web"})
_INFO = b"govbot/gateway-identity/v1"

Rejection = Literal["missing", "malformed", "bad_signature", "expired", "future", "other_conversation"]


@dataclass(frozen=True, slots=True)
class ChannelIdentity:
    """A citizen the gateway vouched for: "line:U…", "sms:<hash>" or "web:<session>", and on SMS the
    number sealed for this turn (opened by the caller that needs it)."""

    channel: str
    user_id: str
    sealed_number: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    identity: ChannelIdentity | None
    rejection: Rejection | None = None


def _message(channel: str, user_id: str, ts: int, sealed_number: str | None) -> bytes:
    return json.dumps([VERSION, channel, user_id, ts, sealed_number], separators=(",", ":")).encode()


def _sealed_number(metadata: Mapping[str, Any]) -> str | None:
    extra = metadata.get("extra")
    number = extra.get("n") if isinstance(extra, Mapping) else None
    return number if isinstance(number, str) and number else None


class GatewayIdentity:
    """Signs (gateway) and verifies (action server) the identity in a message's metadata."""

    def __init__(self, settings: PrivacySettings, clock: Callable[[], float] = time.time) -> None:
        self._key = derive(settings.hash_root, _INFO)
        self._clock = clock

    def _mac(self, channel: str, user_id: str, ts: int, sealed_number: str | None) -> str:
        return hmac.new(self._key, _message(channel, user_id, ts, sealed_number), hashlib.sha256).hexdigest()

    def sign(self, metadata: Mapping[str, Any]) -> dict[str, Any]:
        """`metadata` (with channel, user_id, extra.n) plus the identity field, signed now."""
        channel, user_id = str(metadata.get("channel") or ""), str(metadata.get("user_id") or "")
        ts = int(self._clock())
        signed = dict(metadata)
        signed[IDENTITY_FIELD] = {
            "v": VERSION,
            "ts": ts,
            "sig": self._mac(channel, user_id, ts, _sealed_number(metadata)),
        }
        return signed

    def verify(self, metadata: Mapping[str, Any] | None, conversation_id: str) -> Verdict:
        """The identity in `metadata` if the gateway signed it recently for this conversation."""
        if not isinstance(metadata, Mapping) or IDENTITY_FIELD not in metadata:
            return Verdict(None, "missing")
        claim = metadata.get(IDENTITY_FIELD)
        channel, user_id = metadata.get("channel"), metadata.get("user_id")
        if (
            not isinstance(claim, Mapping)
            or claim.get("v") != VERSION
            or not isinstance(claim.get("sig"), str)
            or not isinstance(claim.get("ts"), int)
            or isinstance(claim.get("ts"), bool)
            or not isinstance(channel, str)
            or channel not in SIGNED_CHANNELS
            or not isinstance(user_id, str)
            or not SENDER_ID.fullmatch(user_id)
            or not user_id.startswith(channel + ":")
        ):
            return Verdict(None, "malformed")
        ts: int = claim["ts"]
        sealed = _sealed_number(metadata)
        if not hmac.compare_digest(str(claim["sig"]), self._mac(channel, user_id, ts, sealed)):
            return Verdict(None, "bad_signature")
        now = self._clock()
        if ts > now + MAX_CLOCK_SKEW_SECONDS:
            return Verdict(None, "future")
        if now - ts > MAX_AGE_SECONDS:
            return Verdict(None, "expired")
        if user_id != conversation_id:
            return Verdict(None, "other_conversation")
        return Verdict(ChannelIdentity(channel, user_id, sealed if channel == "sms" else None))


__all__ = [
    "IDENTITY_FIELD",
    "MAX_AGE_SECONDS",
    "ChannelIdentity",
    "GatewayIdentity",
    "Verdict",
]
