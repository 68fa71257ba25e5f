"""Commands (issue-key, purge-personal-data) run as real subprocesses, and the PDPA erasure paths."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cases.api import create_root_app
from cases.models import Case, CasePhoto, Consent
from cases.photos import PhotoStore
from cases.registry import (
    CaseTools,
    NewCase,
    NewComplaint,
    NewConsent,
    NewContact,
    NewPhoto,
    StatusChange,
    change_status,
    create_case,
)
from cases.settings import CasesSettings
from privacy import PersonalData
from tests.cases.case_helpers import LINE_USER, auth, tiny_png

NOW = dt.datetime(2026, 11, 25, 5, 0, tzinfo=dt.UTC)


def run_cli(settings: CasesSettings, *args: str, secret: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "CASES_SECRET_KEY", "PERSONAL_DATA_KEYS")
    }
    env.update(DATABASE_URL=settings.database_url, CASES_PHOTO_DIR=str(settings.photo_dir))
    if secret:
        env.update(settings.privacy.to_environ())
    return subprocess.run(
        [sys.executable, "-m", "cases", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def tools(settings: CasesSettings) -> CaseTools:
    return CaseTools(vault=PersonalData(settings.privacy), photos=PhotoStore(settings.photo_dir))


async def test_issue_key_prints_a_working_key_once(
    settings: CasesSettings, sessions: sessionmaker[Session], aiohttp_client: Any
) -> None:
    first = run_cli(settings, "issue-key", "--agency", "dopa", "--name", "กรมการปกครอง")
    second = run_cli(settings, "issue-key", "--agency", "dopa", "--name", "กรมการปกครอง", "--label", "backup")
    assert first.returncode == 0 and second.returncode == 0, first.stderr
    key1, key2 = first.stdout.strip(), second.stdout.strip()
    assert key1.startswith("gbk_") and key1 != key2 and "\n" not in key1
    assert key1 not in first.stderr and "not shown again" in first.stderr
    client = await aiohttp_client(create_root_app(settings))
    for key in (key1, key2):
        resp = await client.post(
            "/api/v1/cases", json={"kind": "application", "service_id": "passport_new"}, headers=auth(key)
        )
        assert resp.status == 201
    with sessions() as session:
        stored = " ".join(str(v) for v in session.execute(select(Case.agency_id)).scalars())
        assert stored == "dopa dopa"


def test_commands_refuse_to_start_without_the_secret_key(settings: CasesSettings, sessions: Any) -> None:
    result = run_cli(settings, "issue-key", "--agency", "x", "--name", "x", secret=False)
    assert result.returncode == 2 and "PERSONAL_DATA_KEYS" in result.stderr


def _complaint(session: Session, tools: CaseTools, now: dt.datetime, photo: bytes | None = None) -> Case:
    return create_case(
        session,
        "bma",
        NewCase(
            kind="complaint",
            service_id="street_light",
            contacts=(
                NewContact("line", sender_id=LINE_USER, phone="0812345678", notify=True),
                NewContact("sms", phone="0897654321", notify=True),
            ),
            consent=NewConsent("ยินยอมรับแจ้งความคืบหน้า", now),
            complaint=NewComplaint(
                category="ไฟฟ้าส่องสว่าง",
                description="ไฟดับหน้าบ้านเลขที่ 45/2",
                lat=13.756331,
                lon=100.501765,
                address="45/2 ถนนราชดำเนิน",
                photos=(NewPhoto("image/png", photo or tiny_png()),),
            ),
        ),
        tools,
        now=now,
    )


def test_purge_clears_personal_data_of_long_closed_cases_only(
    settings: CasesSettings, sessions: sessionmaker[Session], tools: CaseTools, agency_keys: dict
) -> None:
    old = NOW - dt.timedelta(days=400)
    with sessions() as session, session.begin():
        stale = _complaint(session, tools, old, photo=tiny_png() + b"only-in-the-stale-case")
        change_status(session, stale, StatusChange(status="resolved", actor="o"), now=old)
        recent = _complaint(session, tools, NOW)
        change_status(session, recent, StatusChange(status="resolved", actor="o"), now=NOW)
        still_open = _complaint(session, tools, old)
        refs = (stale.reference, recent.reference, still_open.reference)
    with sessions() as session:
        stale_photo, shared_photo = (
            session.scalars(select(CasePhoto.storage_ref).join(Case).where(Case.reference == ref)).one()
            for ref in refs[:2]
        )
    assert stale_photo != shared_photo and tools.photos.exists(stale_photo)

    result = run_cli(settings, "purge-personal-data", "--older-than-days", "365")
    assert result.returncode == 0, result.stderr
    assert "cleared personal data of 1 closed case(s)" in result.stdout

    assert not tools.photos.exists(stale_photo)
    assert tools.photos.exists(shared_photo)  # the same bytes still belong to two other cases
    with sessions() as session:
        by_ref = {c.reference: c for c in session.scalars(select(Case))}
        purged = by_ref[refs[0]]
        assert purged.personal_data_purged_at is not None
        assert purged.description is None and purged.address is None
        assert (purged.location_lat, purged.location_lon) == (13.76, 100.5)
        assert purged.contacts == [] and purged.photos == []
        assert [h.status for h in purged.history] == ["received", "resolved"]  # statistics stay
        assert (
            session.scalar(select(func.count()).select_from(Consent).where(Consent.case_id == purged.id)) == 1
        )
        for ref in refs[1:]:
            kept = by_ref[ref]
            assert kept.personal_data_purged_at is None and len(kept.contacts) == 2 and kept.description
    again = run_cli(settings, "purge-personal-data", "--older-than-days", "365")
    assert "cleared personal data of 0 closed case(s)" in again.stdout


def test_serve_command_runs_the_api_standalone(settings: CasesSettings, agency_keys: dict) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": settings.database_url, **settings.privacy.to_environ()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cases", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/openapi.json", timeout=2) as resp:
                    assert json.load(resp)["info"]["version"] == "1.0.0"
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "serve did not come up"
                time.sleep(0.2)
        request = urllib.request.Request(
            f"{base}/cases",
            data=json.dumps({"kind": "application", "service_id": "passport_new"}).encode(),
            headers={**auth(agency_keys["dla"]), "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as resp:
            assert resp.status == 201 and json.load(resp)["reference"].startswith("AP")
    finally:
        proc.terminate()
        proc.wait(10)
