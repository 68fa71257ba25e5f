"""`python -m staff serve --port N` (console and open data on loopback, for development and tests),
`python -m staff create-admin --username NAME [--agency ID]` (the first account; password from a prompt
or the STAFF_ADMIN_PASSWORD environment variable, never from the command line),
`python -m staff create-user --username NAME --role ROLE [--agency ID]` (password from a prompt or
STAFF_USER_PASSWORD), `python -m staff set-agency --username NAME (--agency ID | --none)` and
`python -m staff issue-token --username NAME [--label TEXT]` (a bearer token for the staff API at
/staff/api/, printed once; only its SHA-256 is stored) and `python -m staff revoke-tokens --username
NAME` (every token of the account stops working at once).

The agency decides whose cases and handed-over conversations the account sees in the console; it must
exist in the case registry (`python -m cases issue-key --agency ID --name …` creates it) or in
knowledge/agencies.yml (the handover queues: `--role agent --agency dopa`)."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Mapping, Sequence

from aiohttp import web
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from appconfig import AppSettings
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade
from staff import accounts, agencies, api_tokens, audit
from staff.accounts import AccountError
from staff.audit import Actor
from staff.database import Database
from staff.models import utcnow
from staff.roles import ROLE_LABELS_TH, Role, parse_role

CLI_ACTOR = Actor(user_id=None, username="(command line)", ip_hash="")


def create_admin(
    url: str, username: str, password: str, display_name: str = "", agency: str | None = None
) -> str:
    """Create an admin account; returns its normalised username. Raises AccountError if it exists."""
    return create_account(url, username, password, Role.ADMIN, display_name, agency)


def create_account(
    url: str, username: str, password: str, role: Role, display_name: str = "", agency: str | None = None
) -> str:
    """Create an account with a role and (optionally) an agency, audited as the command line."""
    upgrade(url)
    engine = make_engine(url)
    try:
        database = Database(make_sessionmaker(engine))

        def create(db: Session) -> str:
            agency_id = agencies.checked_agency(db, agency)
            user = accounts.create_user(
                db,
                username=username,
                password=password,
                role=role,
                display_name=display_name,
                agency_id=agency_id,
            )
            detail = role.value + (f" agency={agency_id}" if agency_id else "")
            audit.record(
                db, CLI_ACTOR, "user.create", target_type="user", target_id=user.username, detail=detail
            )
            return user.username

        return database.run_sync(create)
    finally:
        engine.dispose()


def change_agency(url: str, username: str, agency: str | None) -> str | None:
    """Set or clear (agency None) an account's agency; returns what is stored now."""
    upgrade(url)
    engine = make_engine(url)
    try:
        database = Database(make_sessionmaker(engine))

        def change(db: Session) -> str | None:
            user = accounts.get_by_username(db, username)
            if user is None:
                raise AccountError(f"ไม่พบผู้ใช้ {accounts.normalise_username(username)!r}")
            return agencies.set_agency(db, user, agency, CLI_ACTOR)

        return database.run_sync(change)
    finally:
        engine.dispose()


def issue_token(url: str, username: str, label: str = "") -> str:
    """A bearer token for an active account's use of the staff API; returns the raw token."""
    upgrade(url)
    engine = make_engine(url)
    try:
        database = Database(make_sessionmaker(engine))

        def issue(db: Session) -> str:
            user = accounts.get_by_username(db, username)
            if user is None or not user.active:
                raise AccountError(f"ไม่พบผู้ใช้ที่ใช้งานได้ชื่อ {accounts.normalise_username(username)!r}")
            token = api_tokens.issue(db, user, label)
            audit.record(
                db, CLI_ACTOR, "token.issue", target_type="user", target_id=user.username, detail=label[:200]
            )
            return token

        return database.run_sync(issue)
    finally:
        engine.dispose()


def revoke_tokens(url: str, username: str) -> int:
    """Revoke every token of an account; returns how many were still valid."""
    upgrade(url)
    engine = make_engine(url)
    try:
        database = Database(make_sessionmaker(engine))

        def revoke(db: Session) -> int:
            user = accounts.get_by_username(db, username)
            if user is None:
                raise AccountError(f"ไม่พบผู้ใช้ {accounts.normalise_username(username)!r}")
            count = api_tokens.revoke_all(db, user.id, now=utcnow())
            audit.record(
                db, CLI_ACTOR, "token.revoke", target_type="user", target_id=user.username, detail=str(count)
            )
            return count

        return database.run_sync(revoke)
    finally:
        engine.dispose()


def _read_password(environ: Mapping[str, str], variable: str = "STAFF_ADMIN_PASSWORD") -> str:
    from_env = environ.get(variable)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise AccountError(f"set {variable} or run in a terminal to be asked for the password")
    first = getpass.getpass("รหัสผ่าน (อย่างน้อย 12 ตัวอักษร): ")
    second = getpass.getpass("ยืนยันรหัสผ่าน: ")
    if first != second:
        raise AccountError("รหัสผ่านทั้งสองครั้งไม่ตรงกัน")
    return first


def build_dev_app(config: AppSettings, engine: Engine) -> web.Application:
    """The console at /staff/ and open data at /open-data/, as the gateway mounts them (one engine)."""
    from knowledge.open_data import gateway_subapp as open_data_subapp
    from staff.web import gateway_subapp as staff_subapp

    root = web.Application()
    root.add_subapp("/staff/", staff_subapp(config, engine))
    root.add_subapp("/open-data/", open_data_subapp(config, engine))

    async def dispose(_app: web.Application) -> None:
        engine.dispose()

    root.on_cleanup.append(dispose)
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
    admin.add_argument("--agency", default=None, help="agency id whose cases this admin handles")
    user = sub.add_parser("create-user", help="create an account with any role")
    user.add_argument("--username", required=True)
    user.add_argument("--role", required=True, choices=[r.value for r in ROLE_LABELS_TH])
    user.add_argument("--display-name", default="")
    user.add_argument("--agency", default=None, help="agency id whose cases this user handles")
    move = sub.add_parser("set-agency", help="change (or clear) the agency of an account")
    move.add_argument("--username", required=True)
    which = move.add_mutually_exclusive_group(required=True)
    which.add_argument("--agency", help="agency id")
    which.add_argument("--none", action="store_true", help="no agency: no access to cases")
    token = sub.add_parser("issue-token", help="issue a bearer token for the staff API (printed once)")
    token.add_argument("--username", required=True)
    token.add_argument("--label", default="", help="what the token is for, e.g. the contact-centre tool")
    revoke = sub.add_parser("revoke-tokens", help="revoke every staff API token of an account")
    revoke.add_argument("--username", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    if args.command in ("create-admin", "create-user", "set-agency", "issue-token", "revoke-tokens"):
        return _account_command(args, env)

    try:
        config = AppSettings.from_environ(env)
        config.require("staff")
        config.require("open_data")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    upgrade(config.database_url)
    app = build_dev_app(config, make_engine(config.database_url))
    web.run_app(app, host=args.host, port=args.port, print=None)
    return 0


def _account_command(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from db.engine import database_url

    url = database_url(dict(env))
    try:
        if args.command == "issue-token":
            print(issue_token(url, args.username, args.label))
            print("(shown once: only its SHA-256 is stored)", file=sys.stderr)
            return 0
        if args.command == "revoke-tokens":
            count = revoke_tokens(url, args.username)
            print(f"{count} token(s) of {accounts.normalise_username(args.username)!r} revoked")
            return 0
        if args.command == "set-agency":
            stored = change_agency(url, args.username, None if args.none else args.agency)
            print(f"agency of {accounts.normalise_username(args.username)!r}: {stored or '(none)'}")
            return 0
        if args.command == "create-admin":
            role, password = Role.ADMIN, _read_password(env)
        else:
            role, password = parse_role(args.role), _read_password(env, "STAFF_USER_PASSWORD")
        name = create_account(url, args.username, password, role, args.display_name, args.agency)
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    label = "admin account" if role is Role.ADMIN else f"{role.value} account"
    print(f"{label} {name!r} created" + (f" for agency {args.agency.strip()!r}" if args.agency else ""))
    return 0
