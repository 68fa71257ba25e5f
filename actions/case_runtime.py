"""What the case actions share, built once at start-up: case settings and tools, and who is asking.

The cases feature needs PERSONAL_DATA_KEYS (privacy/README.md: it keys the hashes and encryption of
contact data; the legacy CASES_SECRET_KEY is still accepted). Without it the runtime is None and every
case action says plainly that the service is not available here, instead of failing the whole action
server. `make run` generates the key under var/secrets/.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker

from cases.photos import PhotoStore
from cases.registry import CaseTools
from cases.settings import CasesSettings
from privacy import PersonalData, SealError

log = logging.getLogger(__name__)

# The gateway's SMS adapter seals the citizen's number with the same PersonalData keyring (one
# setting, PERSONAL_DATA_KEYS, read by both processes) and passes the sealed token to Rasa as
# metadata["extra"]["n"]; only a case that must be answered by SMS opens it.
NAMESPACED_CHANNELS = frozenset({"line", "sms", "web"})  # the gateway's sender ids: "<channel>:<id>"


@dataclass(frozen=True, slots=True)
class CaseRuntime:
    settings: CasesSettings
    tools: CaseTools

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
    "web:<session>") and, on SMS only, the phone number opened from the gateway's sealed token."""

    channel: str
    sender_id: str
    sms_number: str | None = None


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


def asker_of(tracker: Tracker, runtime: CaseRuntime | None) -> Asker:
    metadata = latest_metadata(tracker)
    sender_id = tracker.sender_id
    # The gateway names the channel in the metadata; without it, a namespaced sender id ("web:…")
    # names it, else what Rasa recorded. Never an arbitrary prefix: on Rasa's REST channel the sender
    # id is free text, and it would end up in logs as a "channel".
    prefix = sender_id.split(":", 1)[0] if ":" in sender_id else ""
    fallback = prefix if prefix in NAMESPACED_CHANNELS else tracker.get_latest_input_channel()
    channel = str(metadata.get("channel") or fallback or "rest")
    number = None
    sealed = (metadata.get("extra") or {}).get("n") if isinstance(metadata.get("extra"), dict) else None
    if channel == "sms" and sealed and runtime is not None:
        try:
            number = runtime.personal_data.open(str(sealed))
        except SealError:
            log.warning("sms: sealed number could not be opened (key mismatch with the gateway?)")
    return Asker(channel=channel, sender_id=sender_id, sms_number=number)
