"""A small known world for the measures tests: broker events of four citizens, a handover, two cases
and their notices, with the figures computed by hand in test_measures.py. Texts and metadata carry a
national id, a phone number and Thai text, so the same world serves the no-PII scan."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy.orm import Session

from analytics.consumer import Consumer
from cases.models import Agency, Case, CaseContact, CaseHistory, Delivery, OutboxMessage
from handover.models import Handover, HandoverEvent, HandoverMessage
from privacy import PersonalData, PrivacySettings

KEYS = PrivacySettings.generate()
PERSONAL = PersonalData(KEYS)
BKK = dt.timezone(dt.timedelta(hours=7))
CITIZEN_ID = "1101700230708"
CITIZEN_ID_DASHED = "1-1017-00230-70-8"
PHONE = "0812345678"
THAI = f"ขอเอกสารต่อบัตร เลขบัตร {CITIZEN_ID_DASHED} โทร {PHONE}"
AGENCIES = {"svc_dopa": "dopa"}

A, B, C, D = "line:UA1", "sms:UB2", "web:UC3", "line:UD4"


def bkk(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=BKK)


def agency_for(session: Session, service_id: str) -> str | None:
    return AGENCIES.get(service_id)


def turn(
    sender: str,
    at: dt.datetime,
    intent: str,
    confidence: float,
    *,
    service: str | None = None,
    aspect: str | None = None,
) -> list[dict[str, Any]]:
    """A turn as Rasa's broker publishes it (user, action, bot, slots, action_listen)."""
    t = at.timestamp()
    out: list[dict[str, Any]] = [
        {
            "sender_id": sender,
            "event": "user",
            "timestamp": t,
            "text": THAI,
            "parse_data": {
                "intent": {"name": intent, "confidence": confidence},
                "entities": [{"entity": "citizen_id", "value": CITIZEN_ID}],
                "text": THAI,
            },
            "input_channel": sender.split(":", 1)[0],
            "message_id": f"{sender}-{t}",
            "metadata": {"phone": PHONE, "name": "สมชาย ใจดี"},
        },
        {"sender_id": sender, "event": "action", "timestamp": t + 1, "name": "action_answer_service"},
        {
            "sender_id": sender,
            "event": "bot",
            "timestamp": t + 2,
            "text": f"ตอบ {PHONE}",
            "metadata": {"utter_action": "utter_answer"},
        },
    ]
    if service:
        out.append(
            {"sender_id": sender, "event": "slot", "timestamp": t + 3, "name": "service_id", "value": service}
        )
    if aspect:
        out.append(
            {
                "sender_id": sender,
                "event": "slot",
                "timestamp": t + 3,
                "name": "service_aspect",
                "value": aspect,
            }
        )
    out.append({"sender_id": sender, "event": "action", "timestamp": t + 4, "name": "action_listen"})
    return out


def broker_events() -> list[dict[str, Any]]:
    return [
        *turn(A, bkk(10, 9, 0), "ask_service", 0.95, service="svc_dopa", aspect="documents"),
        *turn(A, bkk(10, 9, 5), "nlu_fallback", 0.3),
        *turn(A, bkk(10, 15, 0), "feedback_positive", 0.99),  # 6 h later: a new conversation
        *turn(B, bkk(11, 23, 30), "ask_service", 0.5, service="svc_dopa", aspect="fee"),
        *turn(C, bkk(12, 10, 0), "greet", 0.9),
        *turn(D, bkk(1, 0, 10, month=12), "greet", 0.9),  # 30 Nov 17:10 UTC: December in Bangkok
    ]


def add_handover(session: Session) -> None:
    """B's handover: requested 23:31, claimed 23:33, first reply 23:34, closed 23:40, rated 4."""
    requested = bkk(11, 23, 31)
    row = Handover(
        agency_id="dopa",
        channel="sms",
        recipient_hash=PERSONAL.sender_hash(B),
        recipient_enc=PERSONAL.seal(B),
        status="closed",
        reason="request_human",
        intent="ask_service",
        service_id="svc_dopa",
        requested_at=requested,
        claimed_at=bkk(11, 23, 33),
        first_reply_at=bkk(11, 23, 34),
        closed_at=bkk(11, 23, 40),
        resolution="answered",
        csat=4,
        csat_at=bkk(11, 23, 41),
        version=5,
    )
    session.add(row)
    session.flush()
    session.add(
        HandoverMessage(handover_id=row.id, author="citizen", kind="text", text=THAI, created_at=requested)
    )
    steps: list[tuple[str, dt.datetime, dict[str, Any] | None, str | None]] = [
        ("requested", requested, {"reason": "request_human"}, "citizen"),
        ("queued", requested, {"agency": "dopa"}, None),
        ("position", requested, {"position": 1}, None),
        ("claimed", bkk(11, 23, 33), {"agent_id": 7}, "somchai.agent"),
        ("first_staff_reply", bkk(11, 23, 34), None, "somchai.agent"),
        ("note", bkk(11, 23, 35), None, "somchai.agent"),
        ("closed", bkk(11, 23, 40), {"resolution": "answered"}, "somchai.agent"),
        ("csat", bkk(11, 23, 41), {"score": 4}, "citizen"),
    ]
    for kind, at, detail, actor in steps:
        session.add(HandoverEvent(handover_id=row.id, kind=kind, at=at, actor=actor, detail=detail))
    # What the gateway's delivery worker writes (handover/delivery.py): the staff reply delivered at
    # 23:34 (its event twice, as a redelivery would), the rating question failed at 23:40.
    reply = HandoverMessage(
        handover_id=row.id,
        author="staff",
        kind="text",
        text=THAI,
        created_at=bkk(11, 23, 34),
        delivery_state="sent",
        delivered_at=bkk(11, 23, 34),
    )
    rating = HandoverMessage(
        handover_id=row.id, author="system", kind="rating", text=THAI, created_at=bkk(11, 23, 40)
    )
    rating.delivery_state, rating.last_error = "failed", f"rejected: {PHONE} stopped"
    session.add_all([reply, rating])
    session.flush()
    for kind, message, at in (
        ("reply_delivered", reply, bkk(11, 23, 34)),
        ("reply_delivered", reply, bkk(11, 23, 34)),
        ("reply_failed", rating, bkk(11, 23, 40)),
    ):
        detail = {"message_id": message.id, "author": message.author}
        session.add(HandoverEvent(handover_id=row.id, kind=kind, at=at, detail=detail))


def add_cases(session: Session) -> None:
    """A complaint (line, road, dopa) filed 12 Nov 11:00, resolved a day later; its notices: line
    delivered on the second attempt, sms given up. An application filed 20 Nov, still open."""
    if session.get(Agency, "dopa") is None:
        session.add(Agency(id="dopa", name="กรมการปกครอง"))
    complaint = Case(
        reference="CM-2569-0000001",
        kind="complaint",
        service_id="svc_dopa",
        agency_id="dopa",
        status="resolved",
        created_at=bkk(12, 11),
        updated_at=bkk(13, 11),
        closed_at=bkk(13, 11),
        category="road",
        description=THAI,
        address="99 ถนนพหลโยธิน",
    )
    application = Case(
        reference="AP-2569-0000002",
        kind="application",
        service_id="svc_dopa",
        agency_id="dopa",
        status="received",
        created_at=bkk(20, 8),
        updated_at=bkk(20, 8),
    )
    session.add_all([complaint, application])
    session.flush()
    session.add(
        CaseContact(
            case_id=complaint.id, channel="line", sender_hash=PERSONAL.sender_hash(A), phone_last4="5678"
        )
    )
    received = CaseHistory(case_id=complaint.id, at=bkk(12, 11), status="received", actor="citizen")
    resolved = CaseHistory(
        case_id=complaint.id, at=bkk(13, 11), status="resolved", actor="officer", public_note=THAI
    )
    session.add_all(
        [received, resolved, CaseHistory(case_id=application.id, at=bkk(20, 8), status="received", actor="x")]
    )
    session.flush()
    for channel, results in (("line", ["http_503", "sent"]), ("sms", ["http_503", "gave_up"])):
        key = str(uuid.uuid4())
        outbox = OutboxMessage(
            case_id=complaint.id,
            history_id=resolved.id,
            channel=channel,
            idempotency_key=key,
            payload={"reference": complaint.reference, "status": "resolved"},
            state="sent" if results[-1] == "sent" else "dead",
            created_at=bkk(13, 11),
        )
        session.add(outbox)
        session.flush()
        for attempt, result in enumerate(results, start=1):
            at = bkk(13, 11, attempt)
            session.add(
                Delivery(
                    outbox_id=outbox.id,
                    attempt=attempt,
                    channel=channel,
                    idempotency_key=key,
                    worker="w1",
                    started_at=at,
                    finished_at=at,
                    result=result,
                    detail=f"to {PHONE}",
                )
            )


def build(consumer: Consumer, *, handover_first: bool = False) -> None:
    """Write the world into the project tables and ingest it all (broker events, tables, rollups)."""
    with consumer.sessions.begin() as session:
        add_handover(session)
        add_cases(session)
    if handover_first:  # the handover read before the messages of its conversation
        consumer.catch_up()
    events = broker_events()
    for i in range(0, len(events), 7):  # batches that split turns
        consumer._commit_batch([json.dumps(e) for e in events[i : i + 7]])
    consumer.catch_up()
