"""What every action module gets at start-up: settings, the process's one database engine, and the
case runtime (None when PERSONAL_DATA_KEYS is not configured).

The engine is the process's one engine (db.engine), its sessions IMMEDIATE: on SQLite every
transaction starts with BEGIN IMMEDIATE, so the case actions' read-then-write transactions (reference
counter, lock-out counts, erasure) wait for the write lock instead of failing with "database is
locked"; on PostgreSQL it is the plain shared engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from actions.case_runtime import CaseRuntime, build_case_runtime
from actions.settings import ActionSettings
from db.engine import make_engine, make_sessionmaker


@dataclass(frozen=True, slots=True)
class ActionContext:
    settings: ActionSettings
    engine: Engine
    sessionmaker: sessionmaker[Session]
    cases: CaseRuntime | None = None

    @classmethod
    def create(cls, settings: ActionSettings) -> ActionContext:
        engine = make_engine(settings.database_url)
        return cls(
            settings=settings,
            engine=engine,
            sessionmaker=make_sessionmaker(engine, immediate=True),
            cases=build_case_runtime(settings.environ),
        )

    def close(self) -> None:
        self.engine.dispose()
