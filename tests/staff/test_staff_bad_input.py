"""Bad input to the console gets a clear answer and loses nothing: empty, huge, Thai digits, zero-width
characters, emoji, mixed scripts, malformed bodies, wrong numbers in URLs."""

from __future__ import annotations

import pytest

from db.engine import make_sessionmaker
from knowledge.store import KnowledgeStore
from staff.roles import Role
from tests.staff.staff_helpers import add_user, page_token, post, service_form, sign_in


@pytest.fixture
async def editor(client, engine):
    add_user(engine, "ed1", Role.EDITOR)
    await sign_in(client, "ed1")
    return client


def store_of(engine) -> KnowledgeStore:
    return KnowledgeStore(make_sessionmaker(engine))


async def create(client, form):
    return await post(client, "/staff/services/new", form, token_page="/staff/services/new")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title_th", "", "title_th"),
        ("title_th", "\u200b\u200c\ufeff  ", "ต้องมีชื่อบริการภาษาไทย"),
        ("id", "", "2-64 lower-case"),
        ("id", "บัตร", "lower-case"),
        ("id", "new", "สงวนไว้"),
        ("last_reviewed", "2025-13-45", "last_reviewed must be a date"),
        ("last_reviewed", "๒๕๖๘-๐๑-๐๑", "last_reviewed must be a date"),
        ("e_service_url", "javascript:alert(1)", "https://"),
        ("fees", "a | b | c | d", "รายการ | จำนวนเงิน"),
        ("faqs", "คำถามที่ไม่มีคำตอบ", "คำถาม | คำตอบ"),
        ("agency_level", "national", "agency_level must be one of"),
        ("title_th", "ก" * 301, "ยาวเกิน 300"),
    ],
)
async def test_invalid_fields_are_explained_and_the_input_kept(editor, engine, field, value, message):
    form = service_form("bad_input_case", **{field: value})
    form["description"] = "ข้อความที่พิมพ์ไว้ต้องไม่หาย 🙏"
    response = await create(editor, form)
    assert response.status == 422
    html = await response.text()
    assert message in html
    assert "ข้อความที่พิมพ์ไว้ต้องไม่หาย 🙏" in html
    assert store_of(engine).list_services() == []


async def test_awkward_but_valid_text_is_stored_and_read_back_exactly(editor, engine):
    long_text = ("บริการนี้ใช้เวลา ๑๒๓ วัน " * 250)[:5000]
    form = service_form(
        "awkward_text",
        description=long_text,
        processing_time="๗ วันทำการ (7 working days)",
        synonyms="🪪\n📄📄\nบัตร\u200bประชาชน\nID card ใหม่",
        title_en="Mixed ไทย and English",
    )
    assert (await create(editor, form)).status == 303
    record = store_of(engine).get("awkward_text")
    assert record.description == long_text.strip()
    assert record.processing_time == "๗ วันทำการ (7 working days)"
    assert record.synonyms == ("🪪", "📄📄", "บัตร\u200bประชาชน", "ID card ใหม่")
    assert record.title_en == "Mixed ไทย and English"
    page = await (await editor.get("/staff/services/awkward_text")).text()
    assert "๗ วันทำการ" in page and "บัตร\u200bประชาชน" in page


async def test_windows_line_endings_and_blank_lines_in_lists(editor, engine):
    form = service_form("line_endings", documents="สูติบัตร\r\n\r\n  ทะเบียนบ้าน  \r\n", offices="\n\n")
    assert (await create(editor, form)).status == 303
    record = store_of(engine).get("line_endings")
    assert record.documents == ("สูติบัตร", "ทะเบียนบ้าน")
    assert record.where_to_apply.offices == ()


async def test_body_over_the_limit_is_413_and_nothing_saved(editor, engine):
    token = await page_token(editor, "/staff/services/new")
    form = {**service_form("too_big"), "description": "ก" * (6 * 1024 * 1024 // 3), "csrf_token": token}
    response = await editor.post("/staff/services/new", data=form)
    assert response.status == 413
    assert store_of(engine).get("too_big") is None


async def test_malformed_bodies_are_400_or_415(editor):
    token = await page_token(editor, "/staff/services/new")
    invalid_utf8 = await editor.post(
        "/staff/services/new",
        data=b"csrf_token=" + token.encode() + b"&title_th=%FF%FE",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert invalid_utf8.status == 400
    broken_multipart = await editor.post(
        "/staff/services/new",
        data=b'--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated',
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert broken_multipart.status == 400
    json_body = await editor.post("/staff/services/new", json={"csrf_token": token})
    assert json_body.status == 415


async def test_missing_or_odd_numbers_in_urls_and_forms(editor, engine):
    assert (await create(editor, service_form("numbers_case"))).status == 303
    for query in ("a=x&b=1", "a=-1&b=1", "a=๑&b=1", "a=1", "a=99999999999999&b=1"):
        response = await editor.get(f"/staff/services/numbers_case/diff?{query}")
        assert response.status == 400, query
    assert (await editor.get("/staff/services/numbers_case/diff?a=1&b=7")).status == 404
    assert (await editor.get("/staff/services/numbers_case/preview?version=9")).status == 404
    assert (await editor.get("/staff/services/no_such_service")).status == 404
    assert (await editor.get("/staff/services/UPPER")).status == 404
    no_version = await post(editor, "/staff/services/numbers_case/edit", service_form("numbers_case"))
    assert no_version.status == 400
    thai_version = await post(
        editor,
        "/staff/services/numbers_case/edit",
        {**service_form("numbers_case", title_th="x"), "expected_version": "๑"},
    )
    assert thai_version.status == 400
    assert store_of(engine).get("numbers_case").version == 1


async def test_a_changed_hidden_id_cannot_rename_or_overwrite_another_record(editor, engine):
    assert (await create(editor, service_form("first_one"))).status == 303
    assert (await create(editor, service_form("second_one"))).status == 303
    form = {**service_form("second_one", title_th="แก้ผ่านช่องทางลับ"), "expected_version": "1"}
    response = await post(editor, "/staff/services/first_one/edit", form)
    assert response.status == 303
    assert store_of(engine).get("second_one").title_th == "ขอมีบัตรประชาชนครั้งแรก"
    assert store_of(engine).get("first_one").title_th == "แก้ผ่านช่องทางลับ"
