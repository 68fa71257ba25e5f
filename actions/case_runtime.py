"""What the case actions share, built once at start-up: case settings and tools, and who is asking.

The cases feature needs PERSONAL_DATA_KEYS (privacy/README.md: it keys the hashes and encryption of
contact data; the legacy CASES_SECRET_KEY is still accepted). Without it the runtime is None and every
case action says plainly that the service is not available here, instead of failing the whole action
server. `make run` generates the key under var/secrets/.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker

from cases.photos import PhotoStore
from cases.registry import CaseTools
from cases.settings import CasesSettings
from privacy import PersonalData, SealError
from privacy.identity import GatewayIdentity

log = logging.getLogger(__name__)

# The gateway's SMS adapter seals the citizen's number with the same PersonalData keyring (one
# setting, PERSONAL_DATA_KEYS, read by both processes) and passes the sealed token to Rasa as
# metadata["extra"]["n"]; only a case that must be answered by SMS opens it.
#
# Who is asking is the gateway's signed word (privacy/identity.py), never the sender id: on Rasa's
# REST channel (and its HTTP API) the sender id is free text, so "line:U…" typed there is no LINE
# user. An asker without a valid signature is anonymous: channel "rest", and a sender id in the
# "rest:" namespace, whose keyed hash can never equal a LINE, SMS or web contact's.
ANONYMOUS_CHANNEL = "rest"
UPDATE_CHANNELS = frozenset({"line", "sms", "web"})  # where the gateway can deliver a case notice


@dataclass(frozen=True, slots=True)
class CaseRuntime:
    settings: CasesSettings
    tools: CaseTools
    # Checks the gateway's signature on who sent a message (a key derived from the same settings).
    identity: GatewayIdentity = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "identity", GatewayIdentity(self.settings.privacy))

    @property
    def personal_data(self) -> PersonalData:
        return self.tools.vault


def build_case_runtime(settings: CasesSettings | None, *, why_off: str = "") -> CaseRuntime | None:
    """The runtime for these case settings (AppSettings.cases); None, logged once, when they are
    absent (why_off: AppSettings.off["cases"], e.g. no PERSONAL_DATA_KEYS)."""
    if settings is None:
        log.warning("case actions unavailable: %s", why_off or "cases settings not given")
        return None
    tools = CaseTools(
        vault=PersonalData(settings.privacy),
        photos=PhotoStore(settings.photo_dir),
        max_photo_bytes=settings.max_photo_bytes,
        max_photos=settings.max_photos,
    )
    return CaseRuntime(settings=settings, tools=tools)


@dataclass(frozen=True, slots=True)
class Asker:
    """The citizen behind a tracker: channel, namespaced sender id ("line:U…", "sms:<hash>",
    "web:<session>", or "rest:<anything>" when the gateway did not vouch for it) and, on SMS only,
    the phone number opened from the gateway's sealed token. `verified`: the gateway signed it."""

    channel: str
    sender_id: str
    sms_number: str | None = None
    verified: bool = False

    @property
    def can_receive_updates(self) -> bool:
        """Whether a case notice could reach this asker: only a channel the gateway vouched for (an
        SMS asker only with the number), so a REST sender is never offered updates."""
        if not self.verified or self.channel not in UPDATE_CHANNELS:
            return False
        return self.channel != "sms" or self.sms_number is not None


def latest_metadata(tracker: Tracker) -> dict[str, Any]:
    """What the gateway sent with the citizen's latest message (channel, kind, location, media_id…).

    Only the latest user message counts: an older message's photo or location must never be taken
    for the current answer.
    """
    metadata = (tracker.latest_message or {}).get("metadata")
    if isinstance(metadata, dict) and metadata:
        return metadata
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            found = event.get("metadata")
            return found if isinstance(found, dict) else {}
    return {}


def channel_of(tracker: Tracker) -> str:
    """The channel Rasa received the latest message on, for presentation only (whether to ask for a
    photo, which wording): our input channels set metadata["channel"] from their route; Rasa's REST
    channel sets nothing, so it is "rest". Never a proof of identity: use asker_of for that."""
    channel = latest_metadata(tracker).get("channel") or tracker.get_latest_input_channel()
    return str(channel) if channel in UPDATE_CHANNELS else ANONYMOUS_CHANNEL


def anonymous(tracker: Tracker) -> Asker:
    return Asker(channel=ANONYMOUS_CHANNEL, sender_id=f"{ANONYMOUS_CHANNEL}:{tracker.sender_id}")


def asker_of(tracker: Tracker, runtime: CaseRuntime | None) -> Asker:
    """Who is asking, as far as the gateway's signature on the latest message proves it.

    Without a runtime (cases not configured) nothing can be verified: the asker is anonymous but
    keeps the channel Rasa recorded, for presentation only.
    """
    if runtime is None:
        return Asker(channel=channel_of(tracker), sender_id=anonymous(tracker).sender_id)
    verdict = runtime.identity.verify(latest_metadata(tracker), tracker.sender_id)
    identity = verdict.identity
    if identity is None:
        if verdict.rejection != "missing" or channel_of(tracker) != ANONYMOUS_CHANNEL:
            # A gateway channel without a valid signature: a forgery, a replay, or a gateway that
            # runs without PERSONAL_DATA_KEYS. Logged without the sender id or the metadata.
            log.warning("identity not vouched for (%s): the asker counts as anonymous", verdict.rejection)
        return anonymous(tracker)
    number = None
    if identity.channel == "sms" and identity.sealed_number:
        try:
            number = runtime.personal_data.open(identity.sealed_number)
        except SealError:
            log.warning("sms: sealed number could not be opened (key mismatch with the gateway?)")
    return Asker(channel=identity.channel, sender_id=identity.user_id, sms_number=number, verified=True)
