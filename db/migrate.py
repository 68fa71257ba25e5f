"""Bring a database to the newest schema: `python -m db.migrate [--url URL]` (also called at start-up)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from alembic import command
from alembic.config import Config

from db.engine import database_url

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or the SQLite file)")
    args = parser.parse_args()
    upgrade(args.url or database_url(dict(os.environ)))


if __name__ == "__main__":
    main()
