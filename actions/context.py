"""What every action module gets at start-up: settings and the process's one database engine."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from actions.settings import ActionSettings
from db.engine import make_engine, make_sessionmaker


@dataclass(frozen=True, slots=True)
class ActionContext:
    settings: ActionSettings
    engine: Engine
    sessionmaker: sessionmaker[Session]

    @classmethod
    def create(cls, settings: ActionSettings) -> ActionContext:
        engine = make_engine(settings.database_url)
        return cls(settings=settings, engine=engine, sessionmaker=make_sessionmaker(engine))

    def close(self) -> None:
        self.engine.dispose()
