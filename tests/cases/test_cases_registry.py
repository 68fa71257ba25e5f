"""Registry internals: random references under concurrency, migrations up and down, the Thai outline."""

from __future__ import annotations

import os
import secrets
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from alembic import command
from sqlalchemy import create_engine, inspect
from sqlalchemy.orm import Session, sessionmaker

from cases.agency_keys import issue_key
from cases.geo import inside_thailand
from cases.photos import PhotoStore
from cases.registry import CaseTools, NewCase, create_case
from cases.settings import CasesSettings
from db.migrate import alembic_config
from nlu.case_ref import parse_case_ref
from privacy import PersonalData

CASE_TABLES = {
    "agencies",
    "agency_api_keys",
    "case_counters",
    "cases",
    "case_photos",
    "case_contacts",
    "case_consents",
    "case_history",
    "idempotency_records",
    "outbox",
    "notification_optouts",
    "deliveries",
}


def test_concurrent_creators_get_unique_references_that_do_not_follow_each_other(
    sessions: sessionmaker[Session], settings: CasesSettings
) -> None:
    tools = CaseTools(vault=PersonalData(settings.privacy), photos=PhotoStore(settings.photo_dir))
    with sessions() as session, session.begin():
        issue_key(session, "dla", "กรมการปกครอง")

    def create_five(_: int) -> list[str]:
        refs = []
        for _ in range(5):
            with sessions() as session, session.begin():
                refs.append(
                    create_case(session, "dla", NewCase("application", "passport_new"), tools).reference
                )
        return refs

    with ThreadPoolExecutor(max_workers=8) as pool:
        refs = [ref for batch in pool.map(create_five, range(8)) for ref in batch]
    parsed = [parse_case_ref(ref) for ref in refs]
    assert all(p is not None and p.canonical == ref for p, ref in zip(parsed, refs, strict=True))
    serials = sorted(p.serial for p in parsed if p is not None)
    assert len(set(refs)) == 40
    # Not a sequence: 40 references in a row spread over the serial space (drawn uniformly from ten
    # million, all 40 within one million of each other has probability below 1e-37).
    assert serials[-1] - serials[0] > 1_000_000


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_migration_upgrades_and_downgrades_cleanly(backend: str, tmp_path: os.PathLike) -> None:
    name = None
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path}/migrate.db"
    else:
        name = f"cases_mig_{os.getpid()}_{secrets.token_hex(3)}"
        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True
        ) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        cfg = alembic_config(url)
        command.upgrade(cfg, "0004_cases")
        engine = create_engine(url)
        assert set(inspect(engine).get_table_names()) >= CASE_TABLES
        command.downgrade(cfg, "0003_staff")
        assert not CASE_TABLES & set(inspect(engine).get_table_names())
        command.upgrade(cfg, "head")
        assert set(inspect(engine).get_table_names()) >= CASE_TABLES
        engine.dispose()
    finally:
        if name:
            with psycopg.connect(
                "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True
            ) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize(
    ("place", "lat", "lon", "inside"),
    [
        ("Bangkok", 13.7563, 100.5018, True),
        ("Chiang Rai", 19.9105, 99.8406, True),
        ("Ubon Ratchathani", 15.2448, 104.8473, True),
        ("Nong Khai", 17.8783, 102.7420, True),
        ("Ko Samui", 9.5120, 100.0136, True),
        ("Ko Lipe", 6.4886, 99.3050, True),
        ("Betong", 5.7730, 101.0720, True),
        ("Aranyaprathet", 13.6930, 102.5010, True),
        ("Ranong", 9.9658, 98.6348, True),
        ("Mae Sot", 16.7131, 98.5747, True),
        ("Vientiane", 17.9757, 102.6331, False),
        ("Poipet", 13.6590, 102.5630, False),
        ("Kawthaung", 9.9820, 98.5500, False),
        ("Myawaddy", 16.6880, 98.5050, False),
        ("Siem Reap", 13.3671, 103.8448, False),
        ("Pakse", 15.1202, 105.7990, False),
        ("Kota Bharu", 6.1254, 102.2381, False),
        ("Yangon", 16.8409, 96.1735, False),
    ],
)
def test_thailand_outline_separates_border_towns(place: str, lat: float, lon: float, inside: bool) -> None:
    assert inside_thailand(lat, lon) is inside, place
