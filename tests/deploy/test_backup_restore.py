"""Backup and restore drill on the local PostgreSQL, with the scripts docs/operations.md tells the
operator to run (deploy/backup/pg-backup.sh, pg-restore.sh): a database at the newest migration,
filled by the project's own commands (the seed services, with their Thai text), is dumped, restored
into an empty database, and compared table by table, row by row; the application then reads it
back. A corrupted dump, a truncated one and a non-empty target are refused, and a failed restore
leaves its target empty."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.databases import PG_ADMIN, PG_URL, throwaway_database
from tests.deploy.deploy_support import DEPLOY, ROOT

pytestmark = pytest.mark.postgres

BACKUP = DEPLOY / "backup" / "pg-backup.sh"
RESTORE = DEPLOY / "backup" / "pg-restore.sh"


def libpq_url(url: str) -> str:
    """postgresql+psycopg://… as the tests write it -> the postgresql://… an operator's DATABASE_URL is."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def app_url(url: str) -> str:
    """The SQLAlchemy URL the application uses for the same database."""
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def script(path: Path, argument: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": database_url, "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        ["bash", str(path), argument], capture_output=True, text=True, env=env, timeout=300, check=False
    )


@pytest.fixture
def empty_database() -> Iterator[str]:
    name = f"drill_restore_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield libpq_url(PG_URL + name)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def filled_database(tmp_path: Path) -> Iterator[str]:
    with throwaway_database("postgresql", tmp_path, prefix="drill") as url:
        seed = subprocess.run(
            [sys.executable, "-m", "knowledge", "--url", url, "seed"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert seed.returncode == 0, seed.stderr
        yield libpq_url(url)


def fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and an md5 of its rows in a stable order."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        result = {}
        for table in tables:
            rows = "coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '')"
            count, digest = conn.execute(f'SELECT count(*), md5({rows}) FROM "{table}" t').fetchone()  # type: ignore[misc]
            result[table] = (count, digest)
    return result


def backup(url: str, out_dir: Path) -> Path:
    run = script(BACKUP, str(out_dir), url)
    assert run.returncode == 0, run.stderr
    dump = Path(run.stdout.strip().splitlines()[-1])
    assert dump.exists() and dump.with_name(dump.name + ".sha256").exists()
    assert dump.stat().st_mode & 0o077 == 0  # the operator's eyes only
    return dump


def test_a_dump_restores_into_an_empty_database_row_for_row(
    filled_database: str, empty_database: str, tmp_path: Path
) -> None:
    before = fingerprint(filled_database)
    assert before["alembic_version"][0] == 1
    assert before["kb_services"][0] >= 31 and before["kb_service_versions"][0] >= 31  # the seed services

    dump = backup(filled_database, tmp_path / "backups")
    run = script(RESTORE, str(dump), empty_database)
    assert run.returncode == 0, run.stderr

    assert fingerprint(empty_database) == before
    # The application reads the restored database: published services with their Thai text intact.
    from knowledge.store import KnowledgeStore

    original = {
        r.id: r
        for r in KnowledgeStore.from_url(
            filled_database.replace("postgresql://", "postgresql+psycopg://")
        ).list_published()
    }
    restored = {
        r.id: r
        for r in KnowledgeStore.from_url(
            empty_database.replace("postgresql://", "postgresql+psycopg://")
        ).list_published()
    }
    assert restored == original and len(restored) >= 31
    assert any("บัตรประจำตัวประชาชน" in record.title_th for record in restored.values())
    # And it is at the newest schema: migrating it changes nothing.
    migrate = subprocess.run(
        [
            sys.executable,
            "-m",
            "db.migrate",
            "--url",
            empty_database.replace("postgresql://", "postgresql+psycopg://"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    assert fingerprint(empty_database) == before


def test_a_non_empty_target_is_refused(filled_database: str, tmp_path: Path) -> None:
    dump = backup(filled_database, tmp_path / "backups")
    before = fingerprint(filled_database)
    run = script(RESTORE, str(dump), filled_database)
    assert run.returncode == 1
    assert "restore into an empty database" in run.stderr
    assert fingerprint(filled_database) == before


def test_a_corrupted_dump_is_refused_by_its_checksum(
    filled_database: str, empty_database: str, tmp_path: Path
) -> None:
    dump = backup(filled_database, tmp_path / "backups")
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    run = script(RESTORE, str(dump), empty_database)
    assert run.returncode == 1
    assert "does not match its checksum" in run.stderr
    assert fingerprint(empty_database) == {}


def test_a_truncated_dump_fails_and_leaves_the_target_empty(
    filled_database: str, empty_database: str, tmp_path: Path
) -> None:
    dump = backup(filled_database, tmp_path / "backups")
    dump.with_name(dump.name + ".sha256").unlink()  # no checksum to catch it: pg_restore must
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size * 2 // 3])
    run = script(RESTORE, str(dump), empty_database)
    assert run.returncode != 0
    assert fingerprint(empty_database) == {}  # one transaction: nothing half-restored


def test_backup_needs_a_database_and_never_puts_the_password_on_a_command_line() -> None:
    run = subprocess.run(
        ["bash", str(BACKUP), "/tmp/unused"],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"]},
        check=False,
    )
    assert run.returncode != 0 and "DATABASE_URL is not set" in run.stderr
    for path in (BACKUP, RESTORE):
        code = [line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()]
        uses = [line.strip() for line in code if "$DATABASE_URL" in line or "{DATABASE_URL" in line]
        # Only checked for presence and handed to pg_env_from_url (PG* variables), never to a tool.
        assert uses == [': "${DATABASE_URL:?DATABASE_URL is not set}"', 'pg_env_from_url "$DATABASE_URL"'], (
            uses
        )
