"""The key flow, on SQLite and on the real PostgreSQL: an editor drafts, previews; a reviewer publishes;
the record appears in open data and in the store the bot reads (revision bumped); a second edit stays
invisible until published; history and diff say who changed what; unpublishing removes it again."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from db.engine import make_sessionmaker
from knowledge.store import KnowledgeStore
from staff.models import AuditEntry
from staff.roles import Role
from tests.staff.staff_helpers import add_user, post, service_form, sign_in


@pytest.fixture
def db_url(both_db_url: str) -> str:
    return both_db_url


async def open_data_ids(client) -> tuple[list[str], list[str]]:
    data = await (await client.get("/open-data/services.json")).json()
    raw = await (await client.get("/open-data/services.csv")).read()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    return [s["id"] for s in data["services"]], [r["id"] for r in rows]


async def test_draft_preview_publish_edit_history_diff_unpublish(client, engine, browser):
    add_user(engine, "editor1", Role.EDITOR, display_name="บรรณาธิการ หนึ่ง")
    add_user(engine, "reviewer1", Role.REVIEWER)
    store = KnowledgeStore(make_sessionmaker(engine))
    start_revision = store.revision().number

    # -- editor drafts ------------------------------------------------------------------------------
    await sign_in(client, "editor1")
    created = await post(
        client, "/staff/services/new", service_form("id_card_first"), token_page="/staff/services/new"
    )
    assert created.status == 303, await created.text()
    assert created.headers["Location"] == "/staff/services/id_card_first?done=created"
    detail = await (await client.get("/staff/services/id_card_first")).text()
    assert "ขอมีบัตรประชาชนครั้งแรก" in detail and "ร่าง" in detail
    assert "เผยแพร่ฉบับ" not in detail  # no publish button for an editor

    preview = await (await client.get("/staff/services/id_card_first/preview")).text()
    assert "1. สูติบัตร" in preview  # the bot's own wording for the documents answer
    assert "ค่าถ่ายรูป: 20 บาท (รอหน่วยงานยืนยัน)" in preview
    # a draft record says plainly that the agency has not confirmed it yet
    assert "รอ กรมการปกครอง ตรวจรับรอง" in preview and "15 ม.ค. 2568" in preview
    sms = await (await client.get("/staff/services/id_card_first/preview?channel=sms")).text()
    assert '<strong aria-current="page">SMS</strong>' in sms

    # a draft reaches neither open data nor the bot
    assert await open_data_ids(client) == ([], [])
    assert store.get_published("id_card_first") is None
    assert store.revision().number == start_revision

    # -- reviewer publishes ---------------------------------------------------------------------------
    reviewer = await browser()
    await sign_in(reviewer, "reviewer1")
    published = await post(reviewer, "/staff/services/id_card_first/publish", {"version": "1"})
    assert published.status == 303
    assert store.revision().number == start_revision + 1  # what the bot's index polls
    live = store.get_published("id_card_first")
    assert live is not None and live.title_th == "ขอมีบัตรประชาชนครั้งแรก" and live.version == 1
    assert await open_data_ids(client) == (["id_card_first"], ["id_card_first"])

    # -- a second edit by the reviewer stays a draft until published --------------------------------
    edit_page = await (await reviewer.get("/staff/services/id_card_first/edit")).text()
    assert 'name="expected_version" value="1"' in edit_page
    form = service_form("id_card_first", fees="ค่าธรรมเนียม | 100 บาท", note="แก้ค่าธรรมเนียม")
    saved = await post(reviewer, "/staff/services/id_card_first/edit", {**form, "expected_version": "1"})
    assert saved.status == 303 and saved.headers["Location"].endswith("done=saved")
    assert store.get_published("id_card_first").version == 1
    data = await (await client.get("/open-data/services.json")).json()
    assert data["services"][0]["fees"][0]["amount"] == "ไม่มีค่าธรรมเนียม"

    # -- history and diff say who changed what and when ------------------------------------------------
    history = await (await client.get("/staff/services/id_card_first/history")).text()
    rows = {
        int(m.group(1)): m.group(0)
        for m in re.finditer(r'<tr[^>]*>.*?preview\?version=(\d+)">.*?</tr>', history, flags=re.S)
    }
    assert sorted(rows) == [1, 2]
    assert "<td>reviewer1</td>" in rows[2] and "แก้ค่าธรรมเนียม" in rows[2] and "<td>fees</td>" in rows[2]
    assert "<td>editor1</td>" in rows[1] and "สร้างครั้งแรก" in rows[1]
    assert "reviewer1 · " in rows[1]  # published by the reviewer, with the time
    assert "(เผยแพร่อยู่)" in history
    diff = await (await client.get("/staff/services/id_card_first/diff?a=1&b=2")).text()
    assert "ช่องที่เปลี่ยน: fees" in diff
    assert "100 บาท" in diff and "ไม่มีค่าธรรมเนียม" in diff
    assert 'class="changed"' in diff or 'class="removed"' in diff

    # an unchanged save makes no new version
    again = await post(reviewer, "/staff/services/id_card_first/edit", {**form, "expected_version": "2"})
    assert again.headers["Location"].endswith("done=unchanged")
    assert len(store.history("id_card_first")) == 2

    # -- publish v2, then unpublish --------------------------------------------------------------------
    await post(reviewer, "/staff/services/id_card_first/publish", {"version": "2"})
    data = await (await client.get("/open-data/services.json")).json()
    assert data["services"][0]["fees"][0]["amount"] == "100 บาท"
    unpublished = await post(reviewer, "/staff/services/id_card_first/unpublish", {})
    assert unpublished.status == 303
    assert await open_data_ids(client) == ([], [])
    assert store.get_published("id_card_first") is None
    assert store.revision().number == start_revision + 3

    with engine.connect() as conn:
        trail = conn.execute(
            select(AuditEntry.actor_username, AuditEntry.action, AuditEntry.target_id, AuditEntry.ip_hash)
            .where(AuditEntry.target_type == "service")
            .order_by(AuditEntry.id)
        ).all()
    assert [(t.actor_username, t.action) for t in trail] == [
        ("editor1", "service.create"),
        ("reviewer1", "service.publish"),
        ("reviewer1", "service.save_draft"),
        ("reviewer1", "service.publish"),
        ("reviewer1", "service.unpublish"),
    ]
    assert {t.target_id for t in trail} == {"id_card_first"}
    assert all(len(t.ip_hash) == 32 and "127.0.0.1" not in t.ip_hash for t in trail)


async def test_two_editors_cannot_overwrite_each_other(client, engine, browser):
    add_user(engine, "editor1", Role.EDITOR)
    add_user(engine, "editor2", Role.EDITOR)
    await sign_in(client, "editor1")
    await post(client, "/staff/services/new", service_form("passport_x"), token_page="/staff/services/new")
    other = await browser()
    await sign_in(other, "editor2")
    # both open version 1; editor2 saves first
    first = await post(
        other,
        "/staff/services/passport_x/edit",
        {**service_form("passport_x", title_th="หนังสือเดินทาง ก"), "expected_version": "1"},
    )
    assert first.status == 303
    late = await post(
        client,
        "/staff/services/passport_x/edit",
        {**service_form("passport_x", title_th="หนังสือเดินทาง ข"), "expected_version": "1"},
    )
    assert late.status == 409
    html = await late.text()
    assert "มีผู้อื่นบันทึกฉบับใหม่" in html
    assert "หนังสือเดินทาง ข" in html  # the late editor's text is still in the form, not lost
    store = KnowledgeStore(make_sessionmaker(engine))
    assert store.get("passport_x").title_th == "หนังสือเดินทาง ก"


async def test_creating_an_existing_id_is_refused_and_keeps_the_input(client, engine):
    add_user(engine, "editor1", Role.EDITOR)
    await sign_in(client, "editor1")
    await post(client, "/staff/services/new", service_form("tax_x"), token_page="/staff/services/new")
    again = await post(
        client,
        "/staff/services/new",
        service_form("tax_x", title_th="อีกชื่อ"),
        token_page="/staff/services/new",
    )
    assert again.status == 409
    assert "อีกชื่อ" in await again.text()
    assert KnowledgeStore(make_sessionmaker(engine)).get("tax_x").title_th == "ขอมีบัตรประชาชนครั้งแรก"


async def test_reviewer_can_roll_back_to_an_older_version_from_the_history(client, engine):
    add_user(engine, "rev1", Role.REVIEWER)
    await sign_in(client, "rev1")
    await post(client, "/staff/services/new", service_form("rollback_x"), token_page="/staff/services/new")
    await post(client, "/staff/services/rollback_x/publish", {"version": "1"})
    changed = {**service_form("rollback_x", title_th="ชื่อที่ผิด"), "expected_version": "1"}
    await post(client, "/staff/services/rollback_x/edit", changed)
    await post(client, "/staff/services/rollback_x/publish", {"version": "2"})
    history = await (await client.get("/staff/services/rollback_x/history")).text()
    assert 'form="publish-1"' in history and 'id="publish-1"' in history
    assert 'id="publish-2"' not in history  # the live version has no button
    rolled = await post(
        client,
        "/staff/services/rollback_x/publish",
        {"version": "1"},
        token_page="/staff/services/rollback_x/history",
    )
    assert rolled.status == 303
    store = KnowledgeStore(make_sessionmaker(engine))
    assert store.get_published("rollback_x").title_th == "ขอมีบัตรประชาชนครั้งแรก"
    data = await (await client.get("/open-data/services.json")).json()
    assert data["services"][0]["title_th"] == "ขอมีบัตรประชาชนครั้งแรก"
    editor_view = await (await client.get("/staff/services/rollback_x/history")).text()
    assert "(เผยแพร่อยู่)" in editor_view
