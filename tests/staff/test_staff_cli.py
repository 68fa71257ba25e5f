"""The command line: `python -m staff create-admin` and `python -m staff serve`, run as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from staff.models import AuditEntry, StaffUser
from tests.e2e.dialogue_servers import free_port
from tests.staff.staff_helpers import SECRET

ROOT = Path(__file__).resolve().parents[2]


def run_staff(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "staff", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("STAFF_", "DATABASE_URL"))}
    return {**base, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}


def test_create_admin_takes_the_password_from_the_environment(env):
    result = run_staff(
        "create-admin", "--username", "Boss", env={**env, "STAFF_ADMIN_PASSWORD": "รหัสผ่าน-ผู้ดูแล-2025"}
    )
    assert result.returncode == 0, result.stderr
    assert "'boss' created" in result.stdout
    assert "รหัสผ่าน" not in result.stdout + result.stderr  # never echoed
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        user = conn.execute(select(StaffUser)).one()
        entry = conn.execute(select(AuditEntry)).one()
    engine.dispose()
    assert user.username == "boss" and user.role == "admin" and user.password_hash.startswith("$argon2id$")
    assert entry.action == "user.create" and entry.actor_username == "(command line)"


def test_create_admin_refuses_without_a_password_source_weak_passwords_and_duplicates(env):
    no_source = run_staff("create-admin", "--username", "boss", env=env)  # stdin is not a terminal
    assert no_source.returncode == 2 and "STAFF_ADMIN_PASSWORD" in no_source.stderr
    weak = run_staff("create-admin", "--username", "boss", env={**env, "STAFF_ADMIN_PASSWORD": "short"})
    assert weak.returncode == 2 and "12" in weak.stderr
    ok = {**env, "STAFF_ADMIN_PASSWORD": "long-enough-password"}
    assert run_staff("create-admin", "--username", "boss", env=ok).returncode == 0
    again = run_staff("create-admin", "--username", "BOSS", env=ok)
    assert again.returncode == 2 and "มีชื่อผู้ใช้นี้อยู่แล้ว" in again.stderr


def test_there_is_no_password_option():
    result = subprocess.run(
        [sys.executable, "-m", "staff", "create-admin", "--username", "x", "--password", "secret-on-argv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "unrecognized arguments" in result.stderr


def test_serve_refuses_to_start_without_a_session_secret(env):
    result = run_staff("serve", "--port", "1", env=env)
    assert result.returncode == 2 and "STAFF_SESSION_SECRET" in result.stderr


def test_serve_mounts_the_console_and_open_data(env):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "staff", "serve", "--port", str(port)],
        cwd=ROOT,
        env={**env, "STAFF_SESSION_SECRET": SECRET},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/staff/login", timeout=2) as page:
                    html = page.read().decode("utf-8")
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        process.stdout.read().decode() if process.stdout else "no output"
                    ) from None
                time.sleep(0.2)
        assert 'lang="th"' in html and "เข้าสู่ระบบ" in html
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/open-data/services.json", timeout=5) as data:
            assert data.status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()
