"""`python -m teaching export-nlu [--out var/teaching/nlu.yml] [--url URL]`: the approved examples as
NLU training data (scripts/train.sh runs it before computing the training fingerprint).

The database is --url, else DATABASE_URL, else the default SQLite file. A database that does not exist
yet (fresh checkout) or predates the review queue gives an empty file: training never fails for want of
taught examples.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from sqlalchemy.exc import OperationalError, ProgrammingError

log = logging.getLogger("teaching")


def cmd_export_nlu(args: argparse.Namespace) -> int:
    from db.engine import database_url, default_url, make_engine, make_sessionmaker
    from knowledge.store import KnowledgeStore
    from teaching import nlu_export

    out = Path(args.out)
    url = args.url or database_url(dict(os.environ))
    if url == default_url() and not Path(url.split("///", 1)[-1]).exists():
        counts = _write_empty(out)
    else:
        engine = make_engine(url)
        try:
            sessions = make_sessionmaker(engine)
            records = KnowledgeStore(sessions).list_published()
            with sessions() as session:
                counts = nlu_export.export(session, records, out)
        except (OperationalError, ProgrammingError):
            log.warning("teaching: no review queue in this database yet; no taught examples")
            counts = _write_empty(out)
        finally:
            engine.dispose()
    print(f"teaching: {out}: " + ", ".join(f"{n} {intent}" for intent, n in counts.items()))
    return 0


def _write_empty(out: Path) -> dict[str, int]:
    from teaching import nlu_export

    empty: dict[str, list[str]] = {"ask_service": [], "out_of_scope": []}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(nlu_export.render(empty), encoding="utf-8")
    return {intent: 0 for intent in empty}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m teaching", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export-nlu", help="write the approved examples as Rasa NLU data")
    export.add_argument("--out", default="var/teaching/nlu.yml")
    export.add_argument("--url", default=None)
    export.set_defaults(run=cmd_export_nlu)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
