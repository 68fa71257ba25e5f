"""The service list: filters by status and agency, searches ids and titles, pages through many records."""

from __future__ import annotations

import dataclasses
import re

from db.engine import make_sessionmaker
from knowledge.seedfile import load_dir
from knowledge.store import KnowledgeStore
from staff.roles import Role
from tests.staff.staff_helpers import add_user, sign_in


def listed_ids(html: str) -> list[str]:
    return re.findall(r'<td><a href="/staff/services/([a-z0-9_]+)">', html)


async def test_filters_search_and_paging(client, engine):
    store = KnowledgeStore(make_sessionmaker(engine))
    seeds = load_dir()
    extra = [
        dataclasses.replace(seeds[0], id=f"bulk_{i:03d}", agency="หน่วยงานทดสอบ 100%") for i in range(150)
    ]
    store.import_records([*seeds, *extra], author="importer")
    store.publish("id_card_new", author="rev")
    store.publish("passport_new", author="rev")
    id_card = next(r for r in seeds if r.id == "id_card_new")
    store.save_draft(
        dataclasses.replace(id_card, title_th="แก้ใหม่"), author="ed"
    )  # id_card_new: live v1 + draft
    add_user(engine, "viewer1", Role.EDITOR)
    await sign_in(client, "viewer1")

    first = await (await client.get("/staff/services")).text()
    assert "บริการ (181 จาก 181)" in first
    assert len(listed_ids(first)) == 100 and "หน้า 1 / 2" in first
    second = await (await client.get("/staff/services?page=2")).text()
    assert len(listed_ids(second)) == 81
    assert set(listed_ids(first)).isdisjoint(listed_ids(second))

    published = await (await client.get("/staff/services?status=published")).text()
    assert listed_ids(published) == ["passport_new"]  # id_card_new's latest version is a draft
    live = await (await client.get("/staff/services?status=live")).text()
    assert listed_ids(live) == ["id_card_new", "passport_new"]

    agency = await (await client.get("/staff/services", params={"agency": "หน่วยงานทดสอบ 100%"})).text()
    assert "บริการ (150 จาก 181)" in agency

    by_title = await (await client.get("/staff/services", params={"q": "หนังสือเดินทาง"})).text()
    assert "passport_new" in listed_ids(by_title)
    by_id = await (await client.get("/staff/services", params={"q": "BULK_14"})).text()
    assert listed_ids(by_id) == [f"bulk_{i:03d}" for i in range(140, 150)]
    wildcard = await (await client.get("/staff/services", params={"q": "%"})).text()
    assert listed_ids(wildcard) == []  # % is a character here, not a wildcard
    for odd in ("page=0", "page=-3", "page=๒", "page=99999", "status=bogus", "q=" + "ก" * 500):
        response = await client.get(f"/staff/services?{odd}")
        assert response.status == 200, odd
