"""The review queue: alike questions grouped with counts, reasons and the bot's answers; filters by
reason and agency; masked text only; decided rows leave the queue."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from staff.audit import Actor
from teaching import decisions, queue
from teaching.similarity import group
from tests.teaching.conftest import add_questions

PASSPORT = ["ทำพาสปอร์ตต้องใช้อะไรบ้าง", "ทำพาสปอร์ตใช้อะไรบ้างคะ", "จะทำพาสปอร์ตต้องเตรียมอะไร"]
TAX = ["ต่อภาษีรถมอไซค์ที่ไหน", "ต่อภาษีรถมอไซค์ได้ที่ไหนบ้าง"]


def load(sessions: sessionmaker[Session], **kw):  # type: ignore[no-untyped-def]
    with sessions() as session:
        return queue.load_items(session, **kw)


def test_similar_questions_form_one_group() -> None:
    texts = [PASSPORT[0], TAX[0], PASSPORT[1], "หมาหาย", TAX[1], PASSPORT[2]]
    groups = group(texts)
    as_text = sorted(sorted(texts[i] for i in g) for g in groups)
    assert sorted(PASSPORT) in as_text and sorted(TAX) in as_text and ["หมาหาย"] in as_text
    assert group([]) == []


def test_groups_carry_counts_reasons_and_the_bots_answer(sessions, store) -> None:
    add_questions(sessions, PASSPORT[:2], reason="unanswered", bot_answer="utter_fallback")
    add_questions(
        sessions, PASSPORT[2:], reason="thumbs_down", bot_answer="passport_new", service_id="passport_new"
    )
    add_questions(sessions, TAX, reason="low_confidence", bot_answer="vehicle_tax")
    groups = queue.group_items(load(sessions))
    first = groups[0]  # largest first
    assert first.count == 3 and {i.text for i in first.items} == set(PASSPORT)
    assert dict(first.reasons) == {"unanswered": 2, "thumbs_down": 1}
    assert dict(first.answers) == {"utter_fallback": 2, "passport_new": 1}
    assert first.services == [("passport_new", 1)]
    assert first.examples == PASSPORT
    assert groups[1].count == 2 and dict(groups[1].reasons) == {"low_confidence": 2}


def test_filters_by_reason_and_agency(sessions, store) -> None:
    add_questions(sessions, PASSPORT, reason="handover", service_id="passport_new")
    add_questions(sessions, TAX, reason="thumbs_down", service_id="vehicle_tax")
    agency_of = {r.id: r.agency for r in store.list_published()}
    assert {i.text for i in load(sessions, reason="handover")} == set(PASSPORT)
    tax_agency = agency_of["vehicle_tax"]
    assert {i.text for i in load(sessions, agency=tax_agency, agency_of=agency_of)} == set(TAX)
    assert load(sessions, agency="ไม่มีหน่วยงานนี้", agency_of=agency_of) == []
    assert load(sessions, reason="no_such_reason") == []


def test_only_masked_text_leaves_the_queue(sessions, store) -> None:
    add_questions(sessions, ["โทร 081-234-5678 เลขบัตร 1101700230705 ทำพาสปอร์ตยังไง"])
    [item] = load(sessions)
    assert "081-234-5678" not in item.text and "1101700230705" not in item.text
    assert "5678" in item.text and "x-xxxx-xxxxx-xx-x" in item.text


def test_decided_rows_leave_the_queue(sessions, store) -> None:
    ids = add_questions(sessions, PASSPORT + TAX)
    with sessions.begin() as session:
        decisions.decide(session, Actor(None, "r", ""), "dismissed", ids[:3], may_publish=True)
    assert {i.text for i in load(sessions)} == set(TAX)


def test_thai_text_edge_cases_group_without_error(sessions, store) -> None:
    odd = ["😀😀", "\u200bต่อ\u200bภาษี\u200bรถ\u200bที่ไหน", "๕๕๕๕", "   ", "ต่อภาษีรถที่ไหน"]
    add_questions(sessions, odd)
    items = load(sessions)
    groups = queue.group_items(items)
    assert sum(g.count for g in groups) == len(odd)
    together = next(g for g in groups if any(i.text == "ต่อภาษีรถที่ไหน" for i in g.items))
    assert together.count == 2  # the zero-width spaces do not split the question from its twin
