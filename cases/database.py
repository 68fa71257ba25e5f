"""The cases feature uses the process's one engine (db.engine); its sessions begin IMMEDIATE on SQLite
(the serial counter and the outbox claim read, then write). Names kept from before the move."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, make_sessionmaker


def make_cases_engine(url: str) -> Engine:
    return make_engine(url)


def make_cases_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine, immediate=True)
