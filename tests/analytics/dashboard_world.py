"""A month of traffic for the statistics page, drill-down and open statistics tests, written the way
production writes it: Rasa-shaped broker events (with a national id, a phone number and a name in
the text and metadata, which must never surface) ingested by the real consumer, a handover row, the
review queue's masked copy of a fallback question, and the rollups refreshed.

November 2026 (Asia/Bangkok):
- 14 LINE citizens ask about svc_dopa (agency dopa) documents, one message each, 3-13 Nov at 09:00;
  LINE citizen 0 also sends a fallback question the review queue kept (masked) and is handed over;
- 12 web citizens ask about svc_sso (agency sso) fees, 5-16 Nov at 14:00;
- 11 SMS citizens greet (no service, no agency), 2-12 Nov at 20:00;
- 3 LINE citizens ask about svc_sso, 20 Nov (a small cell: 3 conversations).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Engine

from actions.unanswered_models import UnansweredMessage
from analytics.consumer import Consumer
from handover.models import Handover, HandoverEvent, HandoverMessage
from knowledge.models import ServiceRow
from tests.analytics.measures_scenario import CITIZEN_ID, PERSONAL, PHONE, bkk, turn

AGENCIES = {"svc_dopa": "dopa", "svc_sso": "sso"}
TITLES = {"svc_dopa": "ทำบัตรประชาชนใหม่", "svc_sso": "ประกันสังคม มาตรา 40"}
MASKED = "เลขบัตร [เลขบัตรประชาชน] ทำหายต้องแจ้งที่ไหน"
HANDED_OVER = "line:UL00"
SENDERS = (
    [f"line:UL{n:02d}" for n in range(14)]
    + [f"web:UW{n:02d}" for n in range(12)]
    + [f"sms:+6681000{n:04d}" for n in range(11)]
    + [f"line:UX{n:02d}" for n in range(3)]
)
CLEAR_TEXTS = (CITIZEN_ID, "1-1017-00230-70-8", PHONE, "สมชาย", "ขอเอกสารต่อบัตร")


def agency_for(session: Any, service_id: str) -> str | None:
    return AGENCIES.get(service_id)


def events() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n in range(14):
        sender = f"line:UL{n:02d}"
        out += turn(
            sender, bkk(3 + n % 11, 9, n), "ask_service", 0.93, service="svc_dopa", aspect="documents"
        )
    out += turn(HANDED_OVER, bkk(3, 9, 2), "nlu_fallback", 0.31)
    for n in range(12):
        out += turn(f"web:UW{n:02d}", bkk(5 + n, 14, n), "ask_service", 0.88, service="svc_sso", aspect="fee")
    for n in range(11):
        out += turn(f"sms:+6681000{n:04d}", bkk(2 + n, 20, n), "greet", 0.97)
    for n in range(3):
        out += turn(f"line:UX{n:02d}", bkk(20, 10, n), "ask_service", 0.9, service="svc_sso")
    return out


def build(engine: Engine) -> Consumer:
    consumer = Consumer(engine, PERSONAL.sender_hash, agency_for)
    with consumer.sessions.begin() as session:
        for service_id, title in TITLES.items():
            session.add(ServiceRow(id=service_id, title_th=title, agency="", status="published"))
        handover = Handover(
            agency_id="dopa",
            channel="line",
            recipient_hash=PERSONAL.sender_hash(HANDED_OVER),
            recipient_enc=PERSONAL.seal(HANDED_OVER),
            status="closed",
            reason="fallback",
            intent="nlu_fallback",
            service_id="svc_dopa",
            requested_at=bkk(3, 9, 3),
            claimed_at=bkk(3, 9, 5),
            first_reply_at=bkk(3, 9, 6),
            closed_at=bkk(3, 9, 20),
            resolution="answered",
            csat=5,
            csat_at=bkk(3, 9, 21),
            version=5,
        )
        session.add(handover)
        session.flush()
        steps: list[tuple[str, dt.datetime, dict[str, Any] | None]] = [
            ("requested", bkk(3, 9, 3), {"reason": "fallback"}),
            ("queued", bkk(3, 9, 3), {"agency": "dopa"}),
            ("claimed", bkk(3, 9, 5), {"agent_id": 1}),
            ("first_staff_reply", bkk(3, 9, 6), None),
            ("closed", bkk(3, 9, 20), {"resolution": "answered"}),
            ("csat", bkk(3, 9, 21), {"score": 5}),
        ]
        for kind, at, detail in steps:
            session.add(HandoverEvent(handover_id=handover.id, kind=kind, at=at, actor="x", detail=detail))
        # The agent's reply reached the citizen on LINE (what handover/delivery.py records).
        reply = HandoverMessage(
            handover_id=handover.id,
            author="staff",
            text="ได้ค่ะ",
            delivery_state="sent",
            delivered_at=bkk(3, 9, 6),
        )
        session.add(reply)
        session.flush()
        session.add(
            HandoverEvent(
                handover_id=handover.id,
                kind="reply_delivered",
                at=bkk(3, 9, 6),
                detail={"message_id": reply.id, "author": "staff"},
            )
        )
        # The review queue's copy of the fallback question: masked, keyed by the same sender hash.
        session.add(
            UnansweredMessage(
                # as the recorder writes it: UTC (SQLite keeps the wall time of what it is given)
                created_at=(bkk(3, 9, 2) + dt.timedelta(seconds=1)).astimezone(dt.UTC),
                channel="line",
                sender_hash=PERSONAL.sender_hash(HANDED_OVER),
                masked_text=MASKED,
                top_intent="nlu_fallback",
                confidence=0.31,
                reason="unanswered",
            )
        )
    batch = events()
    for i in range(0, len(batch), 50):
        consumer._commit_batch([json.dumps(e) for e in batch[i : i + 50]])
    consumer.catch_up()
    return consumer
