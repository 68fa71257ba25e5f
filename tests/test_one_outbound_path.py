"""Issue 9, "one outbound path": the gateway's channel adapters are the only code that sends to a citizen.

A text scan, because the failure it guards against is someone writing a second HTTP sender: no module
outside `channels/` names a platform's send API, its idempotency header, or its SDK. The fake platform
APIs live in `tests/fakes.py` (servers the tests and the benchmark send to), outside the scanned packages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every package of the running system except channels/, which holds the adapters.
PACKAGES = ("actions", "appconfig", "cases", "db", "knowledge", "nlu", "privacy", "rasa_plugins", "staff")
SERVERS_NOT_SENDERS: set[Path] = set()
# What a sender to LINE or an SMS provider cannot do without.
MARKERS = (
    "api.line.me",
    "/v2/bot/message/push",
    "/v2/bot/message/reply",
    "X-Line-Retry-Key",
    "linebot",
    "api.twilio.com",
    "Messages.json",
    "from twilio",
    "I-Twilio-Idempotency-Token",
    "SMS_API_BASE",
    "SMS_API_KEY",
    "SMS_API_TOKEN",
)
# Fetching a citizen's photo from LINE (actions/line_content.py) reads; it sends nothing to anyone.


def modules() -> list[Path]:
    found = [
        path.relative_to(ROOT)
        for package in PACKAGES
        if (ROOT / package).is_dir()
        for path in sorted((ROOT / package).rglob("*.py"))
    ]
    return [path for path in found if path not in SERVERS_NOT_SENDERS]


def test_the_scan_sees_the_packages() -> None:
    scanned = {path.parts[0] for path in modules()}
    assert {"actions", "cases", "staff", "knowledge"} <= scanned


@pytest.mark.parametrize("marker", MARKERS)
def test_nothing_outside_channels_talks_to_a_platform(marker: str) -> None:
    offenders = [
        str(path) for path in modules() if marker.lower() in (ROOT / path).read_text("utf-8").lower()
    ]
    assert offenders == [], f"{marker!r} outside channels/: send through Channel.direct_sender() instead"


def test_the_adapters_do_name_them() -> None:
    """The scan would pass vacuously if the markers were misspelt: the adapters must contain them."""
    text = "\n".join(p.read_text("utf-8") for p in (ROOT / "channels").rglob("*.py")).lower()
    in_the_sdk = {"/v2/bot/message/push", "/v2/bot/message/reply"}  # line-bot-sdk builds those paths
    assert [m for m in MARKERS if m.lower() not in text and m not in in_the_sdk] == []
