"""`python -m staff serve --port N` (console and open data on loopback, for development and tests) and
`python -m staff create-admin --username NAME` (the first account; password from a prompt or the
STAFF_ADMIN_PASSWORD environment variable, never from the command line)."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Mapping, Sequence

from aiohttp import web
from sqlalchemy.orm import Session

from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade
from staff import accounts, audit
from staff.accounts import AccountError
from staff.audit import Actor
from staff.database import Database
from staff.roles import Role
from staff.settings import SettingsError, StaffSettings

CLI_ACTOR = Actor(user_id=None, username="(command line)", ip_hash="")


def create_admin(url: str, username: str, password: str, display_name: str = "") -> str:
    """Create an admin account; returns its normalised username. Raises AccountError if it exists."""
    upgrade(url)
    engine = make_engine(url)
    try:
        database = Database(make_sessionmaker(engine))

        def create(db: Session) -> str:
            user = accounts.create_user(
                db, username=username, password=password, role=Role.ADMIN, display_name=display_name
            )
            audit.record(
                db, CLI_ACTOR, "user.create", target_type="user", target_id=user.username, detail="admin"
            )
            return user.username

        return database.run_sync(create)
    finally:
        engine.dispose()


def _read_password(environ: Mapping[str, str]) -> str:
    from_env = environ.get("STAFF_ADMIN_PASSWORD")
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise AccountError("set STAFF_ADMIN_PASSWORD or run in a terminal to be asked for the password")
    first = getpass.getpass("รหัสผ่าน (อย่างน้อย 12 ตัวอักษร): ")
    second = getpass.getpass("ยืนยันรหัสผ่าน: ")
    if first != second:
        raise AccountError("รหัสผ่านทั้งสองครั้งไม่ตรงกัน")
    return first


def build_dev_app(settings: StaffSettings) -> web.Application:
    """The console at /staff/ and open data at /open-data/, as the gateway mounts them."""
    from knowledge.open_data import OpenDataSettings
    from knowledge.open_data import create_app as create_open_data
    from staff.web import create_app as create_staff

    root = web.Application()
    root.add_subapp("/staff/", create_staff(settings))
    root.add_subapp("/open-data/", create_open_data(OpenDataSettings.from_env(os.environ)))
    return root


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    env = dict(os.environ if environ is None else environ)
    parser = argparse.ArgumentParser(prog="python -m staff", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the console and open data on loopback")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8081)
    admin = sub.add_parser("create-admin", help="create an admin account")
    admin.add_argument("--username", required=True)
    admin.add_argument("--display-name", default="")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    if args.command == "create-admin":
        from db.engine import database_url

        try:
            name = create_admin(database_url(env), args.username, _read_password(env), args.display_name)
        except AccountError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"admin account {name!r} created")
        return 0

    try:
        settings = StaffSettings.from_env(env)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    upgrade(settings.database_url)
    web.run_app(build_dev_app(settings), host=args.host, port=args.port, print=None)
    return 0
