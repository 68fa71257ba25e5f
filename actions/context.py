"""What every action module gets at start-up: settings, the process's one database engine, and the
case runtime (None when CASES_SECRET_KEY is not configured).

The engine is the cases feature's (cases.database): on SQLite every transaction starts with BEGIN
IMMEDIATE, so the case actions' read-then-write transactions (reference counter, lock-out counts,
erasure) wait for the write lock instead of failing with "database is locked"; on PostgreSQL it is
the plain shared engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from actions.case_runtime import CaseRuntime, build_case_runtime
from actions.settings import ActionSettings
from cases.database import make_cases_engine, make_cases_sessionmaker


@dataclass(frozen=True, slots=True)
class ActionContext:
    settings: ActionSettings
    engine: Engine
    sessionmaker: sessionmaker[Session]
    cases: CaseRuntime | None = None

    @classmethod
    def create(cls, settings: ActionSettings) -> ActionContext:
        engine = make_cases_engine(settings.database_url)
        return cls(
            settings=settings,
            engine=engine,
            sessionmaker=make_cases_sessionmaker(engine),
            cases=build_case_runtime(settings.environ),
        )

    def close(self) -> None:
        self.engine.dispose()
