"""Alembic environment: the URL comes from db.migrate (never from an ini file with secrets)."""

from __future__ import annotations

from alembic import context

from db.base import Base
from db.engine import make_engine
from db.models_registry import import_all_models

import_all_models()
target_metadata = Base.metadata


def run_migrations_online() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "db.migrate sets sqlalchemy.url"
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
