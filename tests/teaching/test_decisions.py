"""Each decision's effect, on SQLite and the real PostgreSQL: approved examples searchable at once by a
running index, drafts for editors, a pending draft never published along, the new-service draft, the
out-of-scope referral, the wrong-answer field, dismissal; every decision audited and the rows marked."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions.unanswered_models import UnansweredMessage
from knowledge.agencies import AgencyDirectory
from knowledge.search import LiveIndex
from knowledge.store import KnowledgeStore
from staff.audit import Actor
from staff.models import AuditEntry
from teaching import decisions, referrals
from teaching.decisions import DecisionError
from tests.teaching.conftest import add_questions

REVIEWER = Actor(user_id=None, username="reviewer1", ip_hash="")
EDITOR = Actor(user_id=None, username="editor1", ip_hash="")
# Asked the way citizens ask; the untaught search puts another allowance first.
ELDERLY_QUESTIONS = ["แม่แก่แล้วได้ตังค์รายเดือนมั้ย", "ยายแก่แล้วได้ตังค์รายเดือนไหมคะ"]


@pytest.fixture
def db_url(both_db_url: str) -> str:
    return both_db_url


@pytest.fixture
def directory() -> AgencyDirectory:
    return AgencyDirectory.load()


def decide(sessions: sessionmaker[Session], who: Actor, decision: str, ids: list[int], **kw):  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        return decisions.decide(session, who, decision, ids, **kw)


def rows(sessions: sessionmaker[Session]) -> list[UnansweredMessage]:
    with sessions() as session:
        return list(session.scalars(select(UnansweredMessage).order_by(UnansweredMessage.id)))


def audit_entries(sessions: sessionmaker[Session]) -> list[AuditEntry]:
    with sessions() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_means_service_x_is_searchable_at_once(sessions, store: KnowledgeStore) -> None:
    live = LiveIndex(store, None, check_every=0.0)  # the bot's index, already built and running
    before = live.search(ELDERLY_QUESTIONS[0]).hits[0].id
    assert before != "elderly_allowance"
    ids = add_questions(sessions, ELDERLY_QUESTIONS, reason="low_confidence", bot_answer=before)

    outcome = decide(sessions, REVIEWER, "service", ids, target="elderly_allowance", may_publish=True)

    assert outcome.approval is not None and outcome.approval.added == tuple(ELDERLY_QUESTIONS)
    result = live.search(ELDERLY_QUESTIONS[0])  # no restart, no rebuild call: the revision moved
    assert result.hits[0].id == "elderly_allowance"
    published = store.get_published("elderly_allowance")
    assert published is not None and published.approved_questions == tuple(ELDERLY_QUESTIONS)
    history = store.history("elderly_allowance")
    assert history[0].is_live and history[0].created_by == "reviewer1"
    assert history[0].change_note.startswith("สอนบอท")
    for row in rows(sessions):
        assert row.review_decision == "service" and row.review_target == "elderly_allowance"
        assert row.reviewed_at is not None
    [entry] = audit_entries(sessions)
    assert (entry.action, entry.target_type, entry.target_id) == (
        "teaching.service",
        "service",
        "elderly_allowance",
    )
    assert entry.actor_username == "reviewer1"


def test_an_editors_decision_waits_for_a_reviewer(sessions, store: KnowledgeStore) -> None:
    live = LiveIndex(store, None, check_every=0.0)
    ids = add_questions(sessions, ELDERLY_QUESTIONS)
    outcome = decide(sessions, EDITOR, "service", ids, target="elderly_allowance", may_publish=False)

    assert outcome.approval is not None and outcome.approval.published_version == 1
    assert store.get("elderly_allowance").approved_questions == tuple(ELDERLY_QUESTIONS)  # the draft
    assert store.get_published("elderly_allowance").approved_questions == ()
    assert live.search(ELDERLY_QUESTIONS[0]).hits[0].id != "elderly_allowance"
    store.publish("elderly_allowance", author="reviewer1")  # the usual review
    assert live.search(ELDERLY_QUESTIONS[0]).hits[0].id == "elderly_allowance"


def test_a_pending_draft_is_not_published_along(sessions, store: KnowledgeStore) -> None:
    import dataclasses

    working = store.get("elderly_allowance")
    store.save_draft(dataclasses.replace(working, description="ร่างที่ยังไม่ตรวจ"), author="editor1")
    ids = add_questions(sessions, ELDERLY_QUESTIONS[:1])
    decide(sessions, REVIEWER, "service", ids, target="elderly_allowance", may_publish=True)

    live = store.get_published("elderly_allowance")
    assert live.approved_questions == tuple(ELDERLY_QUESTIONS[:1])
    assert live.description != "ร่างที่ยังไม่ตรวจ"
    draft = store.get("elderly_allowance")
    assert draft.status == "draft" and draft.description == "ร่างที่ยังไม่ตรวจ"
    assert draft.approved_questions == tuple(ELDERLY_QUESTIONS[:1])


def test_new_service_opens_a_prefilled_draft(sessions, store: KnowledgeStore) -> None:
    questions = ["ขอใบอนุญาตเลี้ยงไก่ชนต้องทำไง", "เลี้ยงไก่ชนต้องขออนุญาตที่ไหน"]
    ids = add_questions(sessions, questions)
    outcome = decide(
        sessions,
        EDITOR,
        "new_service",
        ids,
        target="fighting_cock_permit",
        may_publish=False,
        title_th="ขออนุญาตเลี้ยงไก่ชน",
    )
    draft = store.get("fighting_cock_permit")
    assert outcome.target == "fighting_cock_permit"
    assert draft is not None and draft.status == "draft" and draft.version == 1
    assert draft.title_th == "ขออนุญาตเลี้ยงไก่ชน" and draft.approved_questions == tuple(questions)
    assert store.get_published("fighting_cock_permit") is None
    assert [e.action for e in audit_entries(sessions)] == ["teaching.new_service"]
    more = add_questions(sessions, ["อีกคำถาม"])
    with pytest.raises(DecisionError) as exc:
        decide(sessions, EDITOR, "new_service", more, target="fighting_cock_permit", may_publish=False)
    assert exc.value.status == 409
    assert rows(sessions)[-1].reviewed_at is None  # the failed decision changed nothing


def test_out_of_scope_becomes_a_taught_referral(sessions, store: KnowledgeStore, directory) -> None:
    agency = next(a for a in directory.agencies if a.hotline)
    questions = ["ท่อประปาหน้าบ้านแตกน้ำไหลทั้งคืน", "ท่อประปาแตกหน้าบ้านต้องแจ้งใคร"]
    ids = add_questions(sessions, questions, reason="unanswered")
    live = referrals.LiveReferrals(sessions, directory, check_every=0.0)
    assert live.refer("ท่อประปาหน้าบ้านแตก น้ำไหลไม่หยุด") is None
    revision_before = store.revision().number

    decide(sessions, REVIEWER, "out_of_scope", ids, target=agency.id, may_publish=True, directory=directory)

    assert store.revision().number == revision_before + 1
    assert {(r.review_decision, r.review_target) for r in rows(sessions)} == {("out_of_scope", agency.id)}
    referral = live.refer("ท่อประปาหน้าบ้านแตก น้ำไหลไม่หยุด")
    assert referral is not None and referral.agency.id == agency.id
    answer = referrals.answer_th(referral)
    assert agency.name_th in answer and agency.hotline in answer and "ไม่ได้อยู่ในบริการ" in answer
    assert live.refer("ต่อใบขับขี่ใช้อะไรบ้าง") is None  # unrelated questions are not referred
    [entry] = audit_entries(sessions)
    assert (entry.action, entry.target_type, entry.target_id) == (
        "teaching.out_of_scope",
        "agency",
        agency.id,
    )


def test_out_of_scope_needs_a_reviewer_and_a_known_agency(sessions, store, directory) -> None:
    ids = add_questions(sessions, ["หมาข้างบ้านเห่าทั้งคืน"])
    agency = directory.agencies[0].id
    with pytest.raises(DecisionError) as exc:
        decide(sessions, EDITOR, "out_of_scope", ids, target=agency, may_publish=False, directory=directory)
    assert exc.value.status == 403
    with pytest.raises(DecisionError) as exc:
        decide(
            sessions,
            REVIEWER,
            "out_of_scope",
            ids,
            target="no_such_agency",
            may_publish=True,
            directory=directory,
        )
    assert exc.value.status == 400
    assert rows(sessions)[0].reviewed_at is None and audit_entries(sessions) == []


def test_wrong_answer_points_at_the_field_asked_about(sessions, store) -> None:
    ids = add_questions(
        sessions,
        ["ต่อภาษีรถต้องใช้เอกสารอะไรบ้าง", "ต่อภาษีรถเอกสารมีอะไรบ้าง"],
        reason="thumbs_down",
        service_id="vehicle_tax",
        bot_answer="vehicle_tax",
    )
    outcome = decide(sessions, EDITOR, "wrong_answer", ids, may_publish=False)
    assert (outcome.target, outcome.field) == ("vehicle_tax", "documents")
    assert {r.review_target for r in rows(sessions)} == {"vehicle_tax"}
    assert store.get("vehicle_tax").version == 1  # nothing edited yet: the editor opens the form
    assert [e.action for e in audit_entries(sessions)] == ["teaching.wrong_answer"]


def test_dismiss_and_decisions_that_cannot_apply(sessions, store) -> None:
    ids = add_questions(sessions, ["5555", "สวัสดีจ้า"])
    decide(sessions, EDITOR, "dismissed", ids[:1], may_publish=False)
    assert rows(sessions)[0].review_decision == "dismissed"
    cases = [
        ("dismissed", ids[:1], {}, 409),  # already decided
        ("service", [], {"target": "vehicle_tax"}, 400),
        ("service", [999999], {"target": "vehicle_tax"}, 404),
        ("promote", ids[1:], {}, 400),
        ("service", ids[1:], {"target": "no_such_service"}, 422),
        ("service", ids[1:], {"target": "DROP TABLE"}, 400),
        ("new_service", ids[1:], {"target": "ไทย"}, 400),
    ]
    for decision, chosen, kw, status in cases:
        with pytest.raises(DecisionError) as exc:
            decide(sessions, REVIEWER, decision, chosen, may_publish=True, **kw)
        assert exc.value.status == status, (decision, kw)
    assert rows(sessions)[1].reviewed_at is None
    assert [e.action for e in audit_entries(sessions)] == ["teaching.dismissed"]


def test_approved_examples_are_masked(sessions, store) -> None:
    """A row stored unmasked by a faulty writer still becomes masked knowledge."""
    ids = add_questions(sessions, ["เบอร์ 0812345678 บัตร 1101700230705 ต่อภาษีรถที่ไหน"])
    decide(sessions, REVIEWER, "service", ids, target="vehicle_tax", may_publish=True)
    [question] = store.get_published("vehicle_tax").approved_questions
    assert "0812345678" not in question and "1101700230705" not in question
    assert "5678" in question and "x-xxxx-xxxxx-xx-x" in question
