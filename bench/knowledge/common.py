"""Shared by the knowledge benchmarks: the question sets and index building."""

from __future__ import annotations

import sys
from pathlib import Path

from knowledge.search.cache import EmbeddingCache
from knowledge.search.embedders import Embedder, EmbedderConfig, make_embedder
from knowledge.search.index import SearchIndex, single_threaded_blas, stderr_progress
from knowledge.seedfile import load_dir

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CACHE = EmbeddingCache(ROOT / "var" / "embeddings")


def read_tsv(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def paraphrases() -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in read_tsv(HERE / "paraphrases.tsv")]


def training() -> list[tuple[str, str]]:
    """bench/knowledge/training.tsv: (expect, question); expect `service:<id>` is returned as the id."""
    rows = [(row[0], row[1]) for row in read_tsv(HERE / "training.tsv")]
    return [(e.removeprefix("service:"), q) for e, q in rows]


def out_of_scope() -> list[str]:
    return [row[0] for row in read_tsv(HERE / "out_of_scope.tsv")]


def embedder(name: str) -> Embedder | None:
    return None if name == "none" else make_embedder(name, EmbedderConfig())


def seed_index(backend: Embedder | None) -> SearchIndex:
    single_threaded_blas()  # as the action server and the CLI do
    label = f"index ({backend.name})" if backend else "index (BM25)"
    return SearchIndex.build(load_dir(), backend, cache=CACHE, progress=stderr_progress(label))


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
