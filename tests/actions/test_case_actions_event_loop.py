"""Case actions do their database work off the event loop.

rasa-sdk runs every conversation's actions on one asyncio loop. On SQLite the case engine starts each
transaction with BEGIN IMMEDIATE and waits (up to 30 s) for the write lock, so a case action that ran
its session on the loop would freeze every other conversation while another process writes. Here
another connection holds the write lock for about a second while a case action runs: the action must
wait for the lock (its answer comes only after the lock is let go) and the loop must keep serving a
ticker meanwhile.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session, sessionmaker

from actions.case_runtime import CaseRuntime
from actions.case_status import ActionSubmitCaseStatus, CaseLookup
from actions.complaint import ActionSubmitComplaint
from actions.subscriptions import ActionUnsubscribeUpdates
from cases.database import make_cases_engine, make_cases_sessionmaker
from cases.models import Agency, utcnow
from cases.registry import NewCase, NewConsent, NewContact, create_case
from cases.settings import CasesSettings
from db.migrate import upgrade
from privacy import PrivacySettings
from privacy.identity import GatewayIdentity
from tests.actions.conftest import make_tracker, runtime_for

OWNER = "web:owner-0123456789"
HOLD_SECONDS = 1.0
TICK_SECONDS = 0.02


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "govbot.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sessions(db_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_cases_engine(f"sqlite:///{db_path}")
    yield make_cases_sessionmaker(engine)
    engine.dispose()


def signed_tracker(runtime: CaseRuntime, text: str, **kwargs: Any) -> Tracker:
    """A tracker whose latest message carries the gateway's signed identity (privacy/identity.py)."""
    claim = {"channel": kwargs["channel"], "user_id": kwargs["sender_id"]}
    return make_tracker(text, metadata=GatewayIdentity(runtime.settings.privacy).sign(claim), **kwargs)


@pytest.fixture
def runtime(tmp_path: Path) -> CaseRuntime:
    settings = CasesSettings(
        database_url="unused", privacy=PrivacySettings.generate(), photo_dir=tmp_path / "photos"
    )
    return runtime_for(settings)


@pytest.fixture
def reference(sessions: sessionmaker[Session], runtime: CaseRuntime) -> str:
    """A case filed on web chat by OWNER, who gets its updates."""
    with sessions() as session, session.begin():
        session.add(Agency(id="dla", name="กรมส่งเสริมการปกครองท้องถิ่น", created_at=utcnow()))
        session.flush()
        contact = NewContact("web", sender_id=OWNER, notify=True)
        new = NewCase("application", "id_card_renew", (contact,), NewConsent("ยินยอมรับแจ้ง", utcnow()))
        return create_case(session, "dla", new, runtime.tools).reference


def _status(sessions: sessionmaker[Session], runtime: CaseRuntime, ref: str) -> tuple[Action, Tracker]:
    tracker = signed_tracker(runtime, "", channel="web", sender_id=OWNER, slots={"case_id": ref})
    return ActionSubmitCaseStatus(CaseLookup(sessions=sessions, runtime=runtime)), tracker


def _unsubscribe(sessions: sessionmaker[Session], runtime: CaseRuntime, ref: str) -> tuple[Action, Tracker]:
    tracker = signed_tracker(
        runtime, "ยกเลิกแจ้งเตือน", intent="unsubscribe_updates", channel="web", sender_id=OWNER
    )
    return ActionUnsubscribeUpdates(CaseLookup(sessions=sessions, runtime=runtime)), tracker


def _complaint(sessions: sessionmaker[Session], runtime: CaseRuntime, ref: str) -> tuple[Action, Tracker]:
    slots = {
        "complaint_category": "streetlight",
        "complaint_description": "ไฟถนนดับทั้งซอยมาสามวันแล้ว",
        "complaint_location": "ซอยพหลโยธิน 24 เขตจตุจักร",
        "complaint_photo": "none",
        "contact_consent": False,
        "complaint_confirm": "yes",
    }
    tracker = signed_tracker(runtime, "ยืนยัน", channel="web", sender_id=OWNER, slots=slots)
    return ActionSubmitComplaint(runtime, sessions), tracker


# What each action says once its database work is done.
CASES: dict[str, tuple[Callable[..., tuple[Action, Tracker]], Callable[[str, str], bool]]] = {
    "case status": (_status, lambda text, ref: ref in text and "ขั้นต่อไป" in text),
    "unsubscribe": (_unsubscribe, lambda text, ref: ref in text and "ปิดการแจ้งความคืบหน้าแล้ว" in text),
    "complaint": (_complaint, lambda text, ref: "ส่งเรื่องถึง" in text and "เลขที่เรื่อง CM69-" in text),
}


def _hold_write_lock(db_path: Path, locked: threading.Event, released: threading.Event) -> None:
    """Another writer: holds the SQLite write lock for HOLD_SECONDS, then lets it go."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        locked.set()
        threading.Event().wait(HOLD_SECONDS)
        conn.execute("ROLLBACK")
    finally:
        released.set()
        conn.close()


@pytest.mark.parametrize("case", list(CASES))
async def test_a_case_action_waiting_for_the_sqlite_write_lock_leaves_the_loop_free(
    case: str, db_path: Path, sessions: sessionmaker[Session], runtime: CaseRuntime, reference: str
) -> None:
    build, answered = CASES[case]
    action, tracker = build(sessions, runtime, reference)
    locked, released = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(db_path, locked, released))
    holder.start()
    assert locked.wait(10)
    ticks_under_lock = 0

    async def ticker() -> None:
        nonlocal ticks_under_lock
        while not released.is_set():
            await asyncio.sleep(TICK_SECONDS)
            ticks_under_lock += not released.is_set()

    ticking = asyncio.create_task(ticker())
    dispatcher = CollectingDispatcher()
    await asyncio.wait_for(action.run(dispatcher, tracker, {}), timeout=20)
    answered_after_release = released.is_set()
    await asyncio.wait_for(ticking, timeout=5)
    holder.join(5)

    texts = "\n".join(m.get("text") or "" for m in dispatcher.messages)
    assert answered(texts, reference), texts
    assert answered_after_release  # the action really waited for the other writer
    # About HOLD_SECONDS / TICK_SECONDS (50) ticks; a loop blocked by the action gets one or two.
    assert ticks_under_lock >= 10
