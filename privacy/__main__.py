"""`python -m privacy generate | new-key KID | rotate-keys [--url URL] [--check]`.

Keys come from the environment only (PERSONAL_DATA_KEYS, legacy CASES_SECRET_KEY / PHONE_HASH_KEY).
"""

from __future__ import annotations

import argparse
import base64
import logging
import os
import secrets
import sys
from collections.abc import Mapping

from db.engine import database_url, make_engine
from privacy.personal_data import PersonalData
from privacy.rotation import census, rotate
from privacy.settings import HASH_ENTRY, PrivacyConfigError, PrivacySettings, new_key


def generate(environ: Mapping[str, str]) -> str:
    """A fresh PERSONAL_DATA_KEYS value. An existing CASES_SECRET_KEY becomes the hash root, so the
    hashes already stored (lookups, opt-outs) keep matching; otherwise the root is random too."""
    legacy = PrivacySettings.from_environ_if_set({"CASES_SECRET_KEY": environ.get("CASES_SECRET_KEY", "")})
    root = legacy.hash_root if legacy is not None else secrets.token_bytes(32)
    return f"{HASH_ENTRY}:{base64.b64encode(root).decode('ascii')},{new_key('k1')}"


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="python -m privacy", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("generate", help="print a fresh PERSONAL_DATA_KEYS value (hash root + key k1)")
    add = sub.add_parser(
        "new-key", help="print one new sealing key entry, to put first in PERSONAL_DATA_KEYS"
    )
    add.add_argument("kid")
    rot = sub.add_parser("rotate-keys", help="re-seal every stored value under the current key")
    rot.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or the SQLite file)")
    rot.add_argument("--check", action="store_true", help="only count stored values per key id")
    args = parser.parse_args(argv)

    try:
        if args.command == "generate":
            print(generate(os.environ))
            return 0
        if args.command == "new-key":
            print(new_key(args.kid))
            return 0
        settings = PrivacySettings.from_environ(os.environ)
    except PrivacyConfigError as exc:
        print(f"privacy: {exc}", file=sys.stderr)
        return 2
    keyring = PersonalData(settings).keyring
    engine = make_engine(args.url or database_url(dict(os.environ)))
    try:
        if args.check:
            found = census(engine, keyring)
            print(", ".join(f"{kid}: {n}" for kid, n in sorted(found.items())) or "no sealed values")
            return 0
        report = rotate(engine, keyring)
    finally:
        engine.dispose()
    print(f"rotate-keys (current key {keyring.current_kid!r}): {report.line()}")
    return 1 if report.unreadable else 0


if __name__ == "__main__":
    raise SystemExit(main())
