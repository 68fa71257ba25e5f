"""The case registry's fixtures (SQLite and PostgreSQL), reused for what privacy/ stores there."""

from tests.cases.conftest import agency_keys, database_url, engine, sessions, settings  # noqa: F401
