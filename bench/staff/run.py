"""Staff console and open data benchmark, measured in one run on a throw-away SQLite file.

With 31 seed services and with a synthetic base of 2,000 published services it reports:
- open data: rebuilding the JSON+CSV bodies (the baseline: what every request would cost without the
  revision-keyed cache), a cached GET, and a 304 revalidation — p50/p95 and the ratio to the baseline;
- the console: the list query (paged SQL vs the store's full `list_services`, the baseline), the
  service list page, a record's page and its chat preview (signed in), p50/p95;
- sign-in: one Argon2id verification (the deliberate cost of each password check).

    .venv/bin/python -m bench.staff.run [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer

from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade
from knowledge.open_data import OpenDataCache
from knowledge.seedfile import load_dir
from knowledge.store import KnowledgeStore
from staff import accounts
from staff.database import Database
from staff.passwords import hash_password, verify_password
from staff.roles import Role
from tests.staff.staff_helpers import PASSWORD, csrf_from, gateway_like_app


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.2f} / {pct(values, 0.95) * 1000:.2f}"


async def timed_get(
    session: ClientSession, url: str, n: int, headers: dict[str, str] | None = None
) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        async with session.get(url, headers=headers) as response:
            await response.read()
            assert response.status in (200, 304), (url, response.status)
        out.append(time.perf_counter() - start)
    return out


async def measure(size: int, requests: int, workdir: Path) -> dict[str, str]:
    url = f"sqlite:///{workdir / f'bench-{size}.db'}"
    upgrade(url)
    engine = make_engine(url)
    store = KnowledgeStore(make_sessionmaker(engine))
    seeds = load_dir()
    records = [
        seeds[i % len(seeds)]
        if i < len(seeds)
        else dataclasses.replace(seeds[i % len(seeds)], id=f"synthetic_{i:05d}")
        for i in range(size)
    ]
    store.import_records(records, author="bench", publish=True)
    Database(make_sessionmaker(engine)).run_sync(
        lambda db: accounts.create_user(db, username="bench", password=PASSWORD, role=Role.ADMIN)
    )

    cache = OpenDataCache(store)
    revision = store.revision()
    rebuild = []
    for _ in range(max(5, requests // 20)):
        start = time.perf_counter()
        cache._build(revision)
        rebuild.append(time.perf_counter() - start)

    full_list, paged_list = [], []
    for _ in range(max(5, requests // 20)):
        start = time.perf_counter()
        store.list_services()
        full_list.append(time.perf_counter() - start)
        start = time.perf_counter()
        store.page_services()
        paged_list.append(time.perf_counter() - start)

    server = TestServer(gateway_like_app(url, engine))
    await server.start_server()
    results: dict[str, str] = {}
    try:
        async with ClientSession(base_url=server.make_url(""), cookie_jar=CookieJar(unsafe=True)) as session:
            base = "/open-data/services.json"
            async with session.get(base) as first:
                etag = first.headers["ETag"]
                body_kb = len(await first.read()) / 1024
            cached = await timed_get(session, base, requests)
            revalidate = await timed_get(session, base, requests, {"If-None-Match": etag})
            csv_cached = await timed_get(session, "/open-data/services.csv", requests)

            page = await session.get("/staff/login")
            await session.post(
                "/staff/login",
                data={"csrf_token": csrf_from(await page.text()), "username": "bench", "password": PASSWORD},
            )
            n_pages = max(10, requests // 4)
            listing = await timed_get(session, "/staff/services", n_pages)
            detail = await timed_get(session, "/staff/services/id_card_new", n_pages)
            preview = await timed_get(session, "/staff/services/id_card_new/preview", n_pages)
    finally:
        await server.close()
        engine.dispose()

    base_p50 = statistics.median(rebuild)
    results = {
        "services": str(size),
        "services.json size KiB": f"{body_kb:.0f}",
        "rebuild JSON+CSV (baseline) p50/p95 ms": ms(rebuild),
        "cached GET services.json p50/p95 ms": ms(cached),
        "cached GET services.csv p50/p95 ms": ms(csv_cached),
        "304 revalidation p50/p95 ms": ms(revalidate),
        "cached GET / rebuild (p50 ratio)": f"{statistics.median(cached) / base_p50:.3f}",
        "list query: store.list_services (baseline) p50/p95 ms": ms(full_list),
        "list query: store.page_services p50/p95 ms": ms(paged_list),
        "list query ratio (p50)": f"{statistics.median(paged_list) / statistics.median(full_list):.3f}",
        "console list page p50/p95 ms": ms(listing),
        "console record page p50/p95 ms": ms(detail),
        "console chat preview p50/p95 ms": ms(preview),
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [asyncio.run(measure(size, args.requests, Path(tmp))) for size in (31, 2000)]
    stored = hash_password(PASSWORD)
    verify = []
    for _ in range(10):
        start = time.perf_counter()
        verify_password(stored, PASSWORD)
        verify.append(time.perf_counter() - start)
    keys = list(rows[0])
    print("| measure | " + " | ".join(r["services"] + " services" for r in rows) + " |")
    print("|---|" + "---|" * len(rows))
    for key in keys[1:]:
        print(f"| {key} | " + " | ".join(r[key] for r in rows) + " |")
    print(f"\nArgon2id verify (one sign-in attempt) p50/p95 ms: {ms(verify)}")


if __name__ == "__main__":
    main()
