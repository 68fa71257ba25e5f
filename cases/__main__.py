"""Command line of the case registry.

python -m cases serve --port 8090            the agency API alone (the gateway mounts it too)
python -m cases worker [--once]              deliver queued notices through the gateway's adapters
python -m cases issue-key --agency dla --name "กรมการปกครอง"   prints a new key once
python -m cases purge-personal-data --older-than-days 365
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys

from aiohttp import web

from appconfig import AppSettings
from cases.agency_keys import issue_key
from cases.api import create_root_app
from cases.database import make_cases_engine, make_cases_sessionmaker
from cases.photos import PhotoStore
from cases.retention import purge_personal_data
from cases.settings import CasesSettings
from db.engine import make_engine


def _serve(config: AppSettings, args: argparse.Namespace) -> None:
    assert config.cases is not None
    engine = make_engine(config.database_url)
    try:
        web.run_app(create_root_app(config.cases, engine=engine), host=args.host, port=args.port, print=None)
    finally:
        engine.dispose()


async def _work(config: AppSettings, once: bool) -> None:
    """The gateway's notice worker without its listener: the same adapters from the channel registry
    (LINE, SMS through the generic provider or Twilio with the gateway's STOP records), configured by
    the same settings. Web chat is reachable only through a gateway; its notices wait for one."""
    from channels import keys
    from channels.app import create_app

    app = create_app(config, run_worker=False, run_notices=not once, detached=True)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()  # opens the HTTP session, stores and adapters; starts the worker unless once
    try:
        if once:
            channels = app[keys.CHANNELS]
            worker = app[keys.CASE_NOTICES].worker(channels)
            while await worker.run_once():
                pass
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()  # the worker finishes its batch before the adapters close


def _issue_key(settings: CasesSettings, args: argparse.Namespace) -> None:
    engine = make_cases_engine(settings.database_url)
    try:
        with make_cases_sessionmaker(engine)() as session, session.begin():
            issued = issue_key(session, args.agency, args.name, args.label)
    finally:
        engine.dispose()
    print(issued.key)
    print(
        f"agency {issued.agency_id}, key prefix {issued.prefix}: store the key now, it is not shown again",
        file=sys.stderr,
    )


def _purge(settings: CasesSettings, args: argparse.Namespace) -> None:
    engine = make_cases_engine(settings.database_url)
    try:
        with make_cases_sessionmaker(engine)() as session, session.begin():
            refs = purge_personal_data(session, PhotoStore(settings.photo_dir), args.older_than_days)
    finally:
        engine.dispose()
    print(f"cleared personal data of {len(refs)} closed case(s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cases", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the agency API on its own")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8090)
    work = sub.add_parser("worker", help="deliver queued notices")
    work.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    key = sub.add_parser("issue-key", help="create an agency (if new) and print a new API key once")
    key.add_argument("--agency", required=True, help="agency id, e.g. dla")
    key.add_argument("--name", required=True, help="agency name, e.g. กรมการปกครอง")
    key.add_argument("--label", default="", help="what the key is for, e.g. back-office system")
    purge = sub.add_parser("purge-personal-data", help="clear personal data of long-closed cases")
    purge.add_argument("--older-than-days", type=int, required=True)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        config = AppSettings.from_environ(os.environ)
        config.require("cases")
    except ValueError as exc:  # a malformed variable, or the case registry's key is missing
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = config.cases
    assert settings is not None
    if args.command == "serve":
        _serve(config, args)
    elif args.command == "worker":
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_work(config, args.once))
    elif args.command == "issue-key":
        _issue_key(settings, args)
    elif args.command == "purge-personal-data":
        if args.older_than_days < 0:
            parser.error("--older-than-days must be 0 or more")
        _purge(settings, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
