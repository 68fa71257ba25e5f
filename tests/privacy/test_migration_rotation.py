"""Stored sealed values: migration 0007 gives old ones their key id; rotate-keys re-seals under the
current key. Old data still opens, and after rotation only the new key is needed."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.orm import Session

from cases.agency_keys import issue_key
from cases.models import CaseContact
from cases.photos import PhotoStore
from cases.registry import CaseTools, NewCase, NewConsent, NewContact, create_case
from db.migrate import alembic_config
from privacy import PersonalData, PrivacySettings, SealError
from privacy.rotation import census, rotate
from tests.privacy.test_keys import old_vault_seal

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
LINE_USER = "line:U4af4980629a1b2c3d4e5f60718293a4b"
PHONE = "+66897654321"


@contextlib.contextmanager
def database(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path}/privacy.db"
        return
    name = f"privacy_mig_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def file_case(engine: Engine, personal_data: PersonalData) -> int:
    tools = CaseTools(vault=personal_data, photos=PhotoStore(Path("/nonexistent")))
    with Session(engine) as session, session.begin():
        issue_key(session, "dla", "กรมการปกครอง")
        case = create_case(
            session,
            "dla",
            NewCase(
                "application",
                "id_card_renew",
                contacts=(
                    NewContact("line", sender_id=LINE_USER, notify=True),
                    NewContact("sms", phone=PHONE, notify=True),
                ),
                consent=NewConsent("ยินยอมรับแจ้งความคืบหน้า", dt.datetime.now(dt.UTC)),
            ),
            tools,
        )
        return case.id


def stored(engine: Engine) -> list[tuple[str | None, str | None]]:
    with Session(engine) as session:
        rows = session.execute(select(CaseContact.sender_enc, CaseContact.phone_enc).order_by(CaseContact.id))
        return [tuple(r) for r in rows]  # type: ignore[misc]


def opened(engine: Engine, personal_data: PersonalData) -> list[str]:
    return [personal_data.open(v) for row in stored(engine) for v in row if v is not None]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_old_values_open_after_0007_and_rotation_leaves_only_the_new_key_needed(
    backend: str, tmp_path: Path
) -> None:
    legacy_key = secrets.token_bytes(32)
    legacy = PrivacySettings.from_environ({"CASES_SECRET_KEY": legacy_key.hex()})
    with database(backend, tmp_path) as url:
        cfg = alembic_config(url)
        command.upgrade(cfg, "0006_staff_agency")
        engine = create_engine(url)
        try:
            file_case(engine, PersonalData(legacy))
            # What PersonalDataVault stored before key ids: bare base64 under CASES_SECRET_KEY.
            old = (old_vault_seal(legacy_key, LINE_USER), old_vault_seal(legacy_key, PHONE))
            with engine.begin() as conn:
                conn.execute(
                    text("UPDATE case_contacts SET sender_enc = :s WHERE channel = 'line'"), {"s": old[0]}
                )
                conn.execute(
                    text("UPDATE case_contacts SET phone_enc = :p WHERE channel = 'sms'"), {"p": old[1]}
                )

            command.upgrade(cfg, "head")
            command.upgrade(cfg, "head")  # a no-op at head
            assert stored(engine) == [(f"v1.legacy.{old[0]}", None), (None, f"v1.legacy.{old[1]}")]
            assert opened(engine, PersonalData(legacy)) == [LINE_USER, PHONE]

            # The operator adds PERSONAL_DATA_KEYS (k1 current) beside the legacy key, then rotates.
            k1 = secrets.token_bytes(32)
            env = {"PERSONAL_DATA_KEYS": f"k1:{k1.hex()}", "CASES_SECRET_KEY": legacy_key.hex()}
            with_k1 = PersonalData(PrivacySettings.from_environ(env))
            report = rotate(engine, with_k1.keyring, batch=1)
            assert (report.resealed, report.unreadable, dict(report.by_kid)) == (2, 0, {"legacy": 2})
            assert census(engine, with_k1.keyring) == {"k1": 2}
            assert rotate(engine, with_k1.keyring).resealed == 0  # idempotent

            # Then k2 in front; k1 stays readable until rotate-keys (the command) has run.
            k2 = secrets.token_bytes(32)
            env["PERSONAL_DATA_KEYS"] = f"k2:{k2.hex()},k1:{k1.hex()}"
            cli = subprocess.run(
                [sys.executable, "-m", "privacy", "rotate-keys", "--url", url],
                env={**os.environ, **env},
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert cli.returncode == 0, cli.stderr
            assert "re-sealed 2, already current 0, unreadable 0" in cli.stdout
            only_k2 = PersonalData(
                PrivacySettings.from_environ({"PERSONAL_DATA_KEYS": f"hash:{legacy_key.hex()},k2:{k2.hex()}"})
            )
            assert opened(engine, only_k2) == [LINE_USER, PHONE]
            assert all(v is None or v.startswith("v1.k2.") for row in stored(engine) for v in row)
            # The hash root did not move: lookups made under the legacy key still match.
            assert only_k2.sender_hash(LINE_USER) == PersonalData(legacy).sender_hash(LINE_USER)
            with pytest.raises(SealError):
                PersonalData(PrivacySettings.from_environ({"CASES_SECRET_KEY": legacy_key.hex()})).open(
                    stored(engine)[0][0] or ""
                )
        finally:
            engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_downgrade_gives_legacy_values_back_their_old_form(backend: str, tmp_path: Path) -> None:
    legacy_key = secrets.token_bytes(32)
    with database(backend, tmp_path) as url:
        cfg = alembic_config(url)
        command.upgrade(cfg, "0006_staff_agency")
        engine = create_engine(url)
        try:
            file_case(
                engine, PersonalData(PrivacySettings.from_environ({"CASES_SECRET_KEY": legacy_key.hex()}))
            )
            old = old_vault_seal(legacy_key, LINE_USER)
            with engine.begin() as conn:
                conn.execute(
                    text("UPDATE case_contacts SET sender_enc = :s WHERE channel = 'line'"), {"s": old}
                )
            command.upgrade(cfg, "head")
            command.downgrade(cfg, "0006_staff_agency")
            assert stored(engine)[0][0] == old
        finally:
            engine.dispose()


def test_rotate_keys_without_keys_says_which_setting_is_missing(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PERSONAL_DATA_KEYS", "CASES_SECRET_KEY", "PHONE_HASH_KEY")
    }
    cli = subprocess.run(
        [sys.executable, "-m", "privacy", "rotate-keys", "--url", f"sqlite:///{tmp_path}/x.db"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 2 and "PERSONAL_DATA_KEYS is not set" in cli.stderr
