"""A reviewer's decision on questions of the review queue: one transaction with its knowledge edit,
the queue rows marked and an audit entry — the console and the learning-curve benchmark both call
`decide`, so the benchmark measures exactly what the console does.

- "service" (means service X): the questions become `approved_questions` of X, a new version of the
  record (knowledge.store.approve_questions). A reviewer's is published at once (the bot's live index
  picks it up at its next revision check, seconds); an editor's waits as a draft for a reviewer.
- "new_service": a draft record prefilled with the questions, for the usual edit-review-publish.
- "out_of_scope" (refer to an agency of knowledge/agencies.yml): the rows keep the agency as their
  target; they are the taught referrals (`teaching.referrals`) and `out_of_scope` NLU examples.
  Reviewers only, since it changes answers at once (the revision counter is bumped).
- "wrong_answer": the rows point at the record; the console opens its edit form at the field the
  questions asked about.
- "dismissed": nothing is learnt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.unanswered_models import REVIEW_DECISIONS, UnansweredMessage
from knowledge.agencies import AgencyDirectory
from knowledge.aspects import detect_aspect
from knowledge.models import ServiceRow
from knowledge.record import ID_PATTERN, RecordError, ServiceRecord
from knowledge.store import (
    Approval,
    ConflictError,
    NotFoundError,
    approve_questions,
    bump_revision,
    save_draft_in,
)
from nlu.pii import mask
from staff import audit
from staff.audit import Actor

MAX_ROWS = 500  # one form never decides more than a page of the queue
NEW_SERVICE_TITLE_TH = "บริการใหม่ (ร่างจากคำถามของประชาชน)"
# The edit form's field for what the questions asked about (knowledge.aspects), else the FAQs.
ASPECT_FIELDS: dict[str, str] = {
    "documents": "documents",
    "fee": "fees",
    "place": "offices",
    "time": "processing_time",
    "eligibility": "eligibility",
    "online": "online",
}
DEFAULT_FIELD = "faqs"


class DecisionError(ValueError):
    """The decision cannot be applied; `status` is the HTTP status the console answers with."""

    def __init__(self, message_th: str, status: int = 422) -> None:
        super().__init__(message_th)
        self.status = status


@dataclass(frozen=True, slots=True)
class Outcome:
    decision: str
    rows: int
    target: str  # service id, agency id, or "" (dismissed)
    approval: Approval | None = None
    field: str = ""  # wrong_answer: the edit form's field to open


def decide(
    session: Session,
    who: Actor,
    decision: str,
    row_ids: Sequence[int],
    *,
    target: str = "",
    may_publish: bool,
    directory: AgencyDirectory | None = None,
    title_th: str = "",
    now: datetime | None = None,
) -> Outcome:
    """Apply one decision to the given unreviewed rows, inside the caller's transaction."""
    if decision not in REVIEW_DECISIONS:
        raise DecisionError("ไม่รู้จักการตัดสินใจนี้", 400)
    ids = sorted(set(row_ids))
    if not ids:
        raise DecisionError("เลือกคำถามอย่างน้อยหนึ่งข้อ", 400)
    if len(ids) > MAX_ROWS:
        raise DecisionError(f"เลือกได้ครั้งละไม่เกิน {MAX_ROWS} คำถาม", 400)
    rows = list(
        session.scalars(select(UnansweredMessage).where(UnansweredMessage.id.in_(ids)).with_for_update())
    )
    if len(rows) != len(ids):
        raise DecisionError("ไม่พบคำถามบางข้อ", 404)
    if any(row.reviewed_at is not None for row in rows):
        raise DecisionError("มีผู้ตัดสินคำถามบางข้อไปแล้ว โปรดโหลดหน้าใหม่", 409)
    texts = [mask(row.masked_text) for row in sorted(rows, key=lambda r: r.id)]
    target = target.strip()
    outcome = _apply(session, who, decision, texts, rows, target, may_publish, directory, title_th)
    at = now or datetime.now(UTC)
    for row in rows:
        row.reviewed_at = at
        row.review_decision = decision
        row.review_target = outcome.target or None
    detail = f"{len(rows)} คำถาม (id {ids[0]}…{ids[-1]})"
    if outcome.approval is not None:
        live = outcome.approval.published_version
        detail += f"; ฉบับ {outcome.approval.version}" + (
            f", เผยแพร่ฉบับ {live}" if may_publish and live else ""
        )
    target_type = {"out_of_scope": "agency", "dismissed": ""}.get(decision, "service")
    audit.record(
        session, who, f"teaching.{decision}", target_type=target_type, target_id=outcome.target, detail=detail
    )
    return outcome


def _apply(
    session: Session,
    who: Actor,
    decision: str,
    texts: list[str],
    rows: list[UnansweredMessage],
    target: str,
    may_publish: bool,
    directory: AgencyDirectory | None,
    title_th: str,
) -> Outcome:
    note = f"สอนบอท: {len(texts)} คำถามจากประชาชน"
    if decision == "service":
        if not ID_PATTERN.match(target):
            raise DecisionError("เลือกบริการ", 400)
        try:
            approval = approve_questions(
                session, target, texts, author=who.username, note=note, publish=may_publish
            )
        except NotFoundError:
            raise DecisionError("ไม่พบบริการนี้ หรือบริการยังไม่เผยแพร่", 422) from None
        return Outcome(decision, len(rows), target, approval=approval)
    if decision == "new_service":
        if not ID_PATTERN.match(target):
            raise DecisionError("รหัสบริการใหม่ใช้ a-z, 0-9 และ _ ขึ้นต้นด้วยตัวอักษร (2-64 ตัว)", 400)
        if session.get(ServiceRow, target) is not None:
            raise DecisionError(f"มีบริการรหัส {target} อยู่แล้ว", 409)
        title = " ".join(title_th.split())[:300] or NEW_SERVICE_TITLE_TH
        try:
            draft = ServiceRecord.from_dict(
                {"id": target, "title_th": title, "approved_questions": texts, "source": "คิวสอนบอท"}
            )
            saved = save_draft_in(session, draft, author=who.username, note=note, expected_version=0)
        except (RecordError, ConflictError) as exc:
            raise DecisionError(str(exc), 422) from None
        approval = Approval(target, draft.approved_questions, saved.record.version, None)
        return Outcome(decision, len(rows), target, approval=approval)
    if decision == "out_of_scope":
        if not may_publish:
            raise DecisionError("เฉพาะผู้ตรวจทานส่งต่อหน่วยงานอื่นได้ เพราะบอทจะตอบตามนี้ทันที", 403)
        if directory is None or directory.get(target) is None:
            raise DecisionError("เลือกหน่วยงานที่จะแนะนำ", 400)
        bump_revision(session)  # live referral look-ups reload, as after a publish
        return Outcome(decision, len(rows), target)
    if decision == "wrong_answer":
        # the service talked about, else the answer the bot gave when that names a service
        service = target or _most_common([r.service_id or r.bot_answer for r in rows]) or ""
        if not ID_PATTERN.match(service) or session.get(ServiceRow, service) is None:
            raise DecisionError("เลือกบริการที่ตอบผิด", 400)
        return Outcome(decision, len(rows), service, field=field_for(texts))
    return Outcome(decision, len(rows), "")


def field_for(texts: Sequence[str]) -> str:
    """The edit form's field most of the questions asked about."""
    aspect = _most_common([detect_aspect(t) for t in texts])
    return ASPECT_FIELDS.get(aspect or "", DEFAULT_FIELD)


def _most_common(values: Sequence[str | None]) -> str | None:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else None
