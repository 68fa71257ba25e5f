"""`python -m knowledge search`: JSON for scripts, a table for people, one model load per run."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from knowledge.record import ServiceRecord
from knowledge.search.cache import EmbeddingCache
from knowledge.search.embedders import Embedder, EmbedderConfig, make_embedder
from knowledge.search.index import SearchIndex, SearchResult, single_threaded_blas, stderr_progress

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE_DIR = ROOT / "var" / "embeddings"


def _records(args: argparse.Namespace) -> list[ServiceRecord]:
    if args.from_seed:
        from knowledge.seedfile import load_dir

        return load_dir()
    from knowledge.__main__ import _store
    from knowledge.seed_loader import load_seed

    store = _store(args.url)
    if not store.list_services():
        # A fresh checkout: behave like the action server's start-up and load the seed services.
        report = load_seed(store, only_missing=True)
        print(f"empty knowledge base: loaded {len(report.created)} seed services", file=sys.stderr)
    return store.list_published()


def _embedder(args: argparse.Namespace) -> Embedder | None:
    if args.backend == "none":
        return None
    return make_embedder(args.backend, EmbedderConfig(model_path=args.model_path))


def as_json(result: SearchResult) -> str:
    return json.dumps([{"id": h.id, "score": h.score} for h in result.hits], ensure_ascii=False)


def as_table(result: SearchResult, index: SearchIndex) -> str:
    if not result.hits:
        return f"no results ({result.reason})"
    lines = [f"{'#':<3}{'id':<32}{'score':>7}  title"]
    for n, hit in enumerate(result.hits, start=1):
        lines.append(f"{n:<3}{hit.id:<32}{hit.score:>7.3f}  {index.records[hit.id].title_th}")
    verdict = "confident" if result.confident else "NOT confident"
    lines.append(f"-- {verdict}: {result.reason}")
    return "\n".join(lines)


def run_search(args: argparse.Namespace) -> int:
    if args.query is None and args.batch is None:
        print("error: give a question or --batch FILE", file=sys.stderr)
        return 2
    if args.top < 1:
        print("error: --top must be at least 1", file=sys.stderr)
        return 2
    single_threaded_blas()
    embedder = _embedder(args)
    cache = EmbeddingCache(Path(args.cache_dir) if args.cache_dir else DEFAULT_CACHE_DIR)
    label = f"index ({embedder.name})" if embedder else "index (BM25 only)"
    index = SearchIndex.build(_records(args), embedder, cache=cache, progress=stderr_progress(label))
    if args.batch is not None:
        stream = sys.stdin if args.batch == "-" else open(args.batch, encoding="utf-8-sig")  # noqa: SIM115
        with stream:
            for line in stream:
                print(as_json(index.search(line.rstrip("\r\n"), top=args.top)), flush=True)
        return 0
    result = index.search(args.query, top=args.top)
    print(as_json(result) if args.json else as_table(result, index))
    return 0
