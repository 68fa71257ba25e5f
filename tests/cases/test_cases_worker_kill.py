"""Kill the real worker process (SIGKILL) in the middle of a fan-out, start another: the fake LINE and
SMS APIs must end up with every notice exactly once. Runs on PostgreSQL (SKIP LOCKED) and SQLite.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cases.agency_keys import issue_key
from cases.models import OutboxMessage
from cases.photos import PhotoStore
from cases.registry import (
    CaseTools,
    NewCase,
    NewConsent,
    NewContact,
    StatusChange,
    change_status,
    create_case,
)
from cases.settings import CasesSettings
from privacy import PersonalData
from tests.fakes import FakeLine, FakeSms, serve

CASES = 150  # x 2 contacts = 300 notices
TOKEN = "kill-test-token"


def queue_notices(sessions: sessionmaker[Session], settings: CasesSettings) -> None:
    tools = CaseTools(vault=PersonalData(settings.privacy), photos=PhotoStore(settings.photo_dir))
    with sessions() as session, session.begin():
        issue_key(session, "dla", "กรมการปกครอง")
        for i in range(CASES):
            case = create_case(
                session,
                "dla",
                NewCase(
                    kind="application",
                    service_id="id_card_renew",
                    contacts=(
                        NewContact("line", sender_id=f"line:U{i:032x}", notify=True),
                        NewContact("sms", phone=f"08{i:08d}", notify=True),
                    ),
                    consent=NewConsent("ยินยอมรับแจ้งความคืบหน้า", dt.datetime.now(dt.UTC)),
                ),
                tools,
            )
            # urgent: the test must not depend on the hour (SMS quiet hours are tested elsewhere)
            change_status(
                session,
                case,
                StatusChange(status="in_progress", actor="o", public_note=f"ครั้งที่ {i}", urgent=True),
            )


async def start_worker(settings: CasesSettings, line: FakeLine, sms: FakeSms, log: Path) -> Any:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        **settings.privacy.to_environ(),
        # The gateway's LINE and SMS adapters, as in the gateway itself (channels/README.md).
        "LINE_CHANNEL_SECRET": "kill-test-line-secret",
        "LINE_API_BASE": line.url,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "SMS_WEBHOOK_SECRET": "kill-test-sms-secret",
        "SMS_API_BASE": sms.url,
        "SMS_API_KEY": TOKEN,
        "GATEWAY_STATE_DIR": str(log.parent),
        "CASES_WORKER_LEASE_SECONDS": "2",
        "CASES_WORKER_BATCH": "20",
        "CASES_WORKER_CONCURRENCY": "8",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cases",
        "worker",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log.open("ab"),
    )


async def wait_for(check: Any, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)


@pytest.mark.timeout(240)
async def test_killed_worker_loses_nothing_and_duplicates_nothing(
    settings: CasesSettings, sessions: sessionmaker[Session], aiohttp_server: Any, tmp_path: Path
) -> None:
    line = await serve(aiohttp_server, FakeLine(token=TOKEN, latency=0.01))
    sms = await serve(aiohttp_server, FakeSms(token=TOKEN, latency=0.01))
    await asyncio.to_thread(queue_notices, sessions, settings)
    total = CASES * 2
    delivered = lambda: len(line.accepted) + len(sms.accepted)  # noqa: E731
    log = tmp_path / "worker.log"

    first = await start_worker(settings, line, sms, log)
    await wait_for(lambda: delivered() >= total // 3, timeout=90)
    first.kill()  # SIGKILL: no cleanup, claims left behind mid-batch
    await first.wait()
    at_kill = delivered()
    assert at_kill < total, "the worker finished before it could be killed"

    second = await start_worker(settings, line, sms, log)
    try:
        await wait_for(lambda: delivered() >= total, timeout=120)

        def pending() -> int:
            with sessions() as session:
                return session.scalar(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state != "sent")
                )

        for _ in range(200):
            if await asyncio.to_thread(pending) == 0:
                break
            await asyncio.sleep(0.05)
    finally:
        second.terminate()
        await second.wait()

    assert delivered() == total, log.read_text()
    assert max(line.per_message().values()) == 1 and max(sms.per_message().values()) == 1
    assert len(line.per_message()) + len(sms.per_message()) == total
    assert line.errors == [] and sms.errors == []
    assert await asyncio.to_thread(pending) == 0
