"""Builders of LINE webhook bodies as LINE sends them (shape of the SDK's own fixture)."""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

from channels.line.adapter import sign

# LINE's own SDK test body (28 events of every kind), kept beside the repository: ../shared/data/.
FIXTURE = Path(__file__).resolve().parents[3] / "shared" / "data" / "line-webhook" / "webhook.json"


def fixture_body() -> bytes:
    """LINE's recorded body with its event times moved into the last minutes (equal times stay equal),
    byte for byte otherwise: the gateway refuses LINE events older than its dedupe window (replays)."""
    raw = FIXTURE.read_bytes()
    newest = max(int(m) for m in re.findall(rb'"timestamp": *([0-9]+)', raw))
    now = int(time.time() * 1000)

    def recent(match: re.Match[bytes]) -> bytes:
        return match.group(1) + str(now - 1000 - (newest - int(match.group(2))) % 600_000).encode()

    return re.sub(rb'("timestamp": *)([0-9]+)', recent, raw)


def text_event(
    text: str,
    *,
    user: str = "U1234567890abcdef1234567890abcdef",
    token: str | None = None,
    age_seconds: float = 0.0,
    event_id: str | None = None,
    redelivery: bool = False,
) -> dict[str, Any]:
    return {
        "type": "message",
        "mode": "active",
        "timestamp": int((time.time() - age_seconds) * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": event_id or uuid.uuid4().hex.upper()[:26],
        "deliveryContext": {"isRedelivery": redelivery},
        "replyToken": token or uuid.uuid4().hex,
        "message": {"id": str(uuid.uuid4().int)[:18], "type": "text", "quoteToken": "q", "text": text},
    }


def body_of(*events: dict[str, Any]) -> bytes:
    return json.dumps(
        {"destination": "Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "events": list(events)}, ensure_ascii=False
    ).encode("utf-8")


def signed_headers(body: bytes, secret: str) -> dict[str, str]:
    return {"X-Line-Signature": sign(body, secret), "Content-Type": "application/json"}
