"""handover.inbox, the staff side of a live handover, on SQLite and PostgreSQL: agency scope, the claim
race (real threads, real database), replies pending for delivery, notes, transfer, close with the
rating question, presence, transcript, canned answers from a published record."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, make_sessionmaker
from handover import inbox
from handover.inbox import Agent, Conflict, Forbidden, Invalid, NotFound
from handover.models import ACTIVE, CLOSED, WAITING, AgentPresence
from knowledge.seedfile import SEED_DIR, load_file
from staff.roles import Role
from tests.databases import throwaway_database
from tests.handover.inbox_helpers import (
    add_staff,
    clear,
    events,
    handover,
    is_staff_side,
    messages,
    new_handover,
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(request.param, tmp_path_factory.mktemp(f"inbox-{request.param}")) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    clear(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine, immediate=True)


def run(sessions: sessionmaker[Session], fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        return fn(session, *args, **kwargs)


def test_agents_see_only_their_agency_and_admins_see_all(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    somchai = add_staff(engine, "somchai", "dopa")
    other = add_staff(engine, "malee", "sso")
    admin = add_staff(engine, "boss", None, Role.ADMIN)
    nobody = add_staff(engine, "lonely", None)
    ours = new_handover(engine, "dopa")
    theirs = new_handover(engine, "sso")

    assert [h.id for h in run(sessions, inbox.list_handovers, somchai, WAITING)] == [ours]
    assert [h.id for h in run(sessions, inbox.list_handovers, other, WAITING)] == [theirs]
    assert {h.id for h in run(sessions, inbox.list_handovers, admin, WAITING)} == {ours, theirs}
    assert run(sessions, inbox.list_handovers, nobody, WAITING) == []
    for fn in (inbox.get_handover, inbox.transcript, inbox.claim):
        with pytest.raises(NotFound):
            run(sessions, fn, somchai, theirs)
    with pytest.raises(NotFound):
        run(sessions, inbox.reply, somchai, theirs, "สวัสดีค่ะ")
    with pytest.raises(Invalid):
        run(sessions, inbox.list_handovers, somchai, "bogus")


def test_claim_reply_note_close_record_every_step(engine: Engine, sessions: sessionmaker[Session]) -> None:
    agent = add_staff(engine, "somchai", "dopa")
    hid = new_handover(engine, "dopa")

    claimed = run(sessions, inbox.claim, agent, hid)
    assert (claimed.status, claimed.agent_username, claimed.mine) == (ACTIVE, "somchai", True)
    assert claimed.version > 1
    v0 = claimed.version
    mine = run(sessions, inbox.list_handovers, agent, ACTIVE, owner="mine")
    assert [h.id for h in mine] == [hid]
    assert run(sessions, inbox.list_handovers, agent, ACTIVE, owner="others") == []

    line = run(sessions, inbox.reply, agent, hid, "  สวัสดีค่ะ เจ้าหน้าที่ยินดีให้บริการ  ")
    assert line.text == "สวัสดีค่ะ เจ้าหน้าที่ยินดีให้บริการ" and line.delivery_state == "pending"
    run(sessions, inbox.reply, agent, hid, "ขอเลขที่เรื่องด้วยค่ะ")
    run(sessions, inbox.add_note, agent, hid, "ประชาชนถามเรื่องบัตรหาย")
    after = handover(engine, hid)
    assert after.first_reply_at is not None and after.version == v0 + 3

    stored = messages(engine, hid)
    staff_lines = [m for m in stored if m.author == "staff"]
    assert len(staff_lines) == 2
    for m in staff_lines:
        assert m.delivery_state == "pending" and m.next_attempt_at is not None and m.attempts == 0
        assert m.idempotency_key and len(m.idempotency_key) == 36 and m.staff_user_id == agent.user_id
    assert staff_lines[0].idempotency_key != staff_lines[1].idempotency_key
    note = [m for m in stored if m.author == "note"]
    assert len(note) == 1 and note[0].delivery_state is None

    closed = run(sessions, inbox.close, agent, hid, "answered")
    assert (closed.status, closed.resolution, closed.version) == (CLOSED, "answered", v0 + 4)
    system = messages(engine, hid)[-1]
    assert system.author == "system" and system.delivery_state == "pending"
    assert "1-5" in (system.text or "") and system.idempotency_key
    assert events(engine, hid) == ["claimed", "first_staff_reply", "note", "closed"]

    with pytest.raises(Conflict) as refused:
        run(sessions, inbox.reply, agent, hid, "ยังอยู่ไหมคะ")
    assert refused.value.code == "closed" and refused.value.status == 409
    with pytest.raises(Conflict):
        run(sessions, inbox.close, agent, hid, "answered")

    lines = run(sessions, inbox.transcript, agent, hid).lines
    authors = [line.author for line in lines if is_staff_side(line.author, line.text)]
    assert authors == ["citizen", "staff", "staff", "note", "system"]
    assert [line.id for line in lines] == sorted(line.id for line in lines)


def test_only_the_owner_of_an_active_handover_writes_to_the_citizen(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    owner = add_staff(engine, "somchai", "dopa")
    colleague = add_staff(engine, "somsri", "dopa")
    admin = add_staff(engine, "boss", None, Role.ADMIN)
    hid = new_handover(engine, "dopa")

    with pytest.raises(Conflict) as unclaimed:
        run(sessions, inbox.reply, owner, hid, "สวัสดีค่ะ")
    assert unclaimed.value.code == "not_claimed"
    run(sessions, inbox.claim, owner, hid)
    for who in (colleague, admin):
        with pytest.raises(Forbidden) as refused:
            run(sessions, inbox.reply, who, hid, "สวัสดีค่ะ")
        assert refused.value.code == "not_owner"
    with pytest.raises(Forbidden):
        run(sessions, inbox.close, colleague, hid, "answered")
    run(sessions, inbox.add_note, colleague, hid, "ฝากดูด้วยค่ะ")  # a colleague may leave a note
    assert [h.id for h in run(sessions, inbox.list_handovers, colleague, ACTIVE, owner="others")] == [hid]
    assert run(sessions, inbox.close, admin, hid, "other").status == CLOSED  # a supervisor may close


def test_bad_text_resolution_and_presence_are_refused(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    agent = add_staff(engine, "somchai", "dopa")
    hid = new_handover(engine, "dopa", status=ACTIVE, agent_id=agent.user_id)
    for text, code in (("", "empty_text"), ("   \u202e ", "empty_text"), ("ก" * 2001, "text_too_long")):
        with pytest.raises(Invalid) as refused:
            run(sessions, inbox.reply, agent, hid, text)
        assert refused.value.code == code
    assert run(sessions, inbox.reply, agent, hid, "ก" * 2000).text == "ก" * 2000
    with pytest.raises(Invalid):
        run(sessions, inbox.close, agent, hid, "nope")
    with pytest.raises(Invalid):
        run(sessions, inbox.set_presence, agent, "busy")
    with pytest.raises(NotFound):
        run(sessions, inbox.reply, agent, 999999, "สวัสดีค่ะ")


def test_transfer_moves_the_handover_to_another_queue(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    dopa = add_staff(engine, "somchai", "dopa")
    sso = add_staff(engine, "malee", "sso")
    hid = new_handover(engine, "dopa")
    run(sessions, inbox.claim, dopa, hid)
    with pytest.raises(Invalid):
        run(sessions, inbox.transfer, dopa, hid, "no_such_agency")
    with pytest.raises(Invalid):
        run(sessions, inbox.transfer, dopa, hid, "dopa")
    moved = run(sessions, inbox.transfer, dopa, hid, "sso")
    assert (moved.status, moved.agency_id, moved.agent_id) == (WAITING, "sso", None)
    row = handover(engine, hid)
    assert row.claimed_at is None and row.version == moved.version > 2
    with pytest.raises(NotFound):  # gone from the old agency's view
        run(sessions, inbox.get_handover, dopa, hid)
    assert [h.id for h in run(sessions, inbox.list_handovers, sso, WAITING)] == [hid]
    assert run(sessions, inbox.claim, sso, hid).agent_username == "malee"
    assert events(engine, hid) == ["claimed", "transferred", "claimed"]
    notes = [m for m in messages(engine, hid) if m.author == "note"]  # the move shows, never sent
    assert len(notes) == 1 and "โอนเรื่อง" in (notes[0].text or "") and notes[0].delivery_state is None


def test_presence_is_set_and_replaced(engine: Engine, sessions: sessionmaker[Session]) -> None:
    agent = add_staff(engine, "somchai", "dopa")
    assert run(sessions, inbox.presence_of, agent) == "away"
    run(sessions, inbox.set_presence, agent, "available")
    assert run(sessions, inbox.presence_of, agent) == "available"
    run(sessions, inbox.set_presence, agent, "away")
    with Session(engine) as session:
        row = session.get(AgentPresence, agent.user_id)
        assert row is not None and row.status == "away"


@pytest.mark.parametrize("rounds", [5])
def test_two_agents_claiming_at_once_exactly_one_wins(
    engine: Engine, sessions: sessionmaker[Session], rounds: int
) -> None:
    agents = [add_staff(engine, f"agent{i}", "dopa") for i in range(4)]
    for _ in range(rounds):
        hid = new_handover(engine, "dopa")
        barrier = threading.Barrier(len(agents))
        results: list[str] = []
        lock = threading.Lock()

        def attempt(agent: Agent, target: int = hid) -> None:
            barrier.wait()
            try:
                run(sessions, inbox.claim, agent, target)
                outcome = "won:" + agent.username
            except Conflict as exc:
                outcome = "conflict:" + exc.code
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=attempt, args=(a,)) for a in agents]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        winners = [r for r in results if r.startswith("won:")]
        assert len(winners) == 1, results
        assert sorted(r for r in results if not r.startswith("won:")) == ["conflict:taken"] * 3
        row = handover(engine, hid)
        assert row.status == ACTIVE and row.version > 1
        assert "won:" + next(a.username for a in agents if a.user_id == row.agent_id) == winners[0]
        assert events(engine, hid) == ["claimed"]


def test_live_state_changes_when_a_visible_handover_moves(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    agent = add_staff(engine, "somchai", "dopa")
    new_handover(engine, "sso")
    before = run(sessions, inbox.live_state, agent)
    assert before == []
    hid = new_handover(engine, "dopa")
    seen = run(sessions, inbox.live_state, agent)
    assert [s[0] for s in seen] == [hid]
    run(sessions, inbox.claim, agent, hid)
    assert run(sessions, inbox.live_state, agent) != seen


def test_canned_answers_come_from_the_published_record() -> None:
    record = load_file(next(p for p in sorted(SEED_DIR.glob("*.yml")) if p.stem == "birth_registration"))
    answers = inbox.canned_answers(record)
    assert 1 <= len(answers) <= inbox.CANNED_MAX
    assert all(0 < len(a) <= inbox.CANNED_CHARS for a in answers)
    assert any(record.documents[0] in a for a in answers)
    assert inbox.canned_answers(None) == []


def test_seed_dir_exists() -> None:
    assert Path(SEED_DIR).is_dir()
