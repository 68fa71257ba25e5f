"""What every action module gets at start-up: the typed settings it needs, the process's one database
engine, and the case runtime (None when PERSONAL_DATA_KEYS is not configured).

`ActionContext.create` is given the process's `appconfig.AppSettings` (read once by `python -m
actions`) and hands each part on: the action server's own settings, the knowledge settings, the case
runtime built from the cases settings (with the process's one PrivacySettings). Action modules read
no environment (tests/actions/test_action_server_reads_no_environment.py).

The engine is the process's one engine (db.engine), its sessions IMMEDIATE: on SQLite every
transaction starts with BEGIN IMMEDIATE, so the case actions' read-then-write transactions (reference
counter, lock-out counts, erasure) wait for the write lock instead of failing with "database is
locked"; on PostgreSQL it is the plain shared engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from actions.case_runtime import CaseRuntime, build_case_runtime
from actions.settings import ActionSettings
from db.engine import make_engine, make_sessionmaker
from privacy import PersonalData, log_id

if TYPE_CHECKING:
    from appconfig import AppSettings
    from knowledge.settings import KnowledgeSettings


@dataclass(frozen=True, slots=True)
class ActionContext:
    settings: ActionSettings
    knowledge: KnowledgeSettings
    engine: Engine
    sessionmaker: sessionmaker[Session]
    cases: CaseRuntime | None = None
    # The process's one keyed hash of identifiers (PERSONAL_DATA_KEYS); None when no key is set.
    personal_data: PersonalData | None = None

    @classmethod
    def create(cls, config: AppSettings) -> ActionContext:
        """The context for this configuration; FeatureOff when the action server's own settings or
        the knowledge settings are unusable (the server must not start with them)."""
        config.require("actions")
        config.require("knowledge")
        assert config.actions is not None and config.knowledge is not None
        engine = make_engine(config.database_url)
        return cls(
            settings=config.actions,
            knowledge=config.knowledge,
            engine=engine,
            sessionmaker=make_sessionmaker(engine, immediate=True),
            cases=build_case_runtime(config.cases, why_off=config.off.get("cases", "")),
            personal_data=PersonalData(config.privacy) if config.privacy is not None else None,
        )

    def sender_hash(self, sender_id: str) -> str:
        """Keyed hash of a sender id for stored records; without a key (a bare developer run) only
        the short log pseudonym, which is not reversible from the record alone either."""
        if self.personal_data is None:
            return log_id(sender_id)
        return self.personal_data.sender_hash(sender_id)

    def close(self) -> None:
        self.engine.dispose()
