"""Runs blocking SQLAlchemy work in a worker thread so a slow query never stalls the event loop."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session, sessionmaker

P = ParamSpec("P")
T = TypeVar("T")


class Database:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    async def run(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Call fn(session, ...) in one transaction (committed on return, rolled back on error)."""
        return await asyncio.to_thread(functools.partial(self.run_sync, fn, *args, **kwargs))

    def run_sync(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        with self._sessions.begin() as session:
            return fn(session, *args, **kwargs)
