"""`python -m knowledge seed|import|export|search` — the knowledge base for people and scripts.

    seed [--dir DIR] [--only-missing] [--no-publish]   load knowledge/seed/*.yml (idempotent)
    import DIR [--publish]                              bulk import of the seed format
    export DIR [--published-only]                       bulk export of the seed format
    search "question" [--top N] [--json] [--backend NAME] [--batch FILE]

The database is DATABASE_URL or the default SQLite file (migrated to the newest schema first).
Search reads published records from the store, or straight from the seed files with --from-seed
(no database needed).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.record import RecordError

if TYPE_CHECKING:
    from knowledge.store import KnowledgeStore


def _store(url: str | None) -> KnowledgeStore:
    from db.engine import database_url
    from db.migrate import upgrade
    from knowledge.store import KnowledgeStore

    resolved = url or database_url(dict(os.environ))
    upgrade(resolved)
    return KnowledgeStore.from_url(resolved)


def cmd_seed(args: argparse.Namespace) -> int:
    from knowledge.seed_loader import load_seed

    report = load_seed(
        _store(args.url), Path(args.dir), publish=not args.no_publish, only_missing=args.only_missing
    )
    print(
        f"seed: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.published)} published",
        file=sys.stderr,
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from knowledge.seedfile import load_dir

    records = load_dir(Path(args.dir))
    report = _store(args.url).import_records(records, author=args.author, publish=args.publish)
    print(
        f"import: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.published)} published",
        file=sys.stderr,
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from knowledge.seedfile import write_dir

    records = _store(args.url).export_records(published_only=args.published_only)
    paths = write_dir(records, Path(args.dir))
    print(f"export: wrote {len(paths)} files to {args.dir}", file=sys.stderr)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from knowledge.search.cli import run_search

    return run_search(args)


def build_parser() -> argparse.ArgumentParser:
    from knowledge.search.embedders import BACKENDS, DEFAULT_BACKEND
    from knowledge.seedfile import SEED_DIR

    parser = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or the SQLite file)")
    sub = parser.add_subparsers(dest="command", required=True)

    seed = sub.add_parser("seed", help="load the seed files into the store (idempotent)")
    seed.add_argument("--dir", default=str(SEED_DIR))
    seed.add_argument("--no-publish", action="store_true", help="leave new versions as drafts")
    seed.add_argument(
        "--only-missing", action="store_true", help="add services not in the store; never touch staff edits"
    )
    seed.set_defaults(func=cmd_seed)

    imp = sub.add_parser("import", help="import a directory of <id>.yml files")
    imp.add_argument("dir")
    imp.add_argument("--publish", action="store_true", help="publish what was imported")
    imp.add_argument("--author", default="import")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", help="export every record as <id>.yml files")
    exp.add_argument("dir")
    exp.add_argument("--published-only", action="store_true")
    exp.set_defaults(func=cmd_export)

    search = sub.add_parser("search", help="find the services that answer a question")
    search.add_argument("query", nargs="?", default=None)
    search.add_argument("--top", type=int, default=3)
    search.add_argument("--json", action="store_true", help="JSON list of {id, score}, best first")
    search.add_argument("--batch", default=None, help="file with one question a line ('-' for stdin)")
    search.add_argument("--backend", default=DEFAULT_BACKEND, choices=[*BACKENDS, "none"])
    search.add_argument("--model-path", default=None, help="model directory for sentence-transformers")
    search.add_argument("--cache-dir", default=None, help="embedding cache (default var/embeddings)")
    search.add_argument("--from-seed", action="store_true", help="search the seed files, not the database")
    search.set_defaults(func=cmd_search)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except RecordError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
