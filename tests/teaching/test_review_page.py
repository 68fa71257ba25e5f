"""The teaching page in the console (SQLite and PostgreSQL): who may see and decide, CSRF, masked text
only, groups with counts, and each decision through HTTP with its redirect, audit and effect; bad form
input answered with a clear 4xx that changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from actions.unanswered_models import UnansweredMessage
from knowledge.agencies import AgencyDirectory
from knowledge.search import LiveIndex
from staff.models import AuditEntry
from staff.roles import Role
from tests.staff.staff_helpers import add_user, csrf_from, sign_in
from tests.teaching.conftest import add_questions

QUESTIONS = ["แม่แก่แล้วได้ตังค์รายเดือนมั้ย", "ยายแก่แล้วได้ตังค์รายเดือนไหมคะ"]


@pytest.fixture
def db_url(both_db_url: str) -> str:
    return both_db_url


async def signed_in(client, engine, role: Role, name: str = "") -> None:  # type: ignore[no-untyped-def]
    name = name or role.value + "1"
    add_user(engine, name, role)
    response = await sign_in(client, name)
    assert response.status == 303


async def decide(client, data: dict[str, str], ids: list[int]):  # type: ignore[no-untyped-def]
    page = await client.get("/staff/review")
    assert page.status == 200
    form = [("csrf_token", csrf_from(await page.text())), *data.items(), *[("ids", str(i)) for i in ids]]
    return await client.post("/staff/review/decide", data=form, allow_redirects=False)


def review_rows(sessions) -> list[UnansweredMessage]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return list(session.scalars(select(UnansweredMessage).order_by(UnansweredMessage.id)))


def actions(sessions) -> list[str]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


async def test_who_may_open_the_page(client, engine) -> None:
    anonymous = await client.get("/staff/review", allow_redirects=False)
    assert anonymous.status == 302 and "/staff/login" in anonymous.headers["Location"]
    for role in (Role.CASE_OFFICER, Role.AGENT):
        client.session.cookie_jar.clear()
        await signed_in(client, engine, role)
        assert (await client.get("/staff/review")).status == 403
        assert "สอนบอท" not in await (await client.get("/staff/services")).text()
    for role in (Role.EDITOR, Role.REVIEWER, Role.ADMIN):
        client.session.cookie_jar.clear()
        await signed_in(client, engine, role)
        page = await client.get("/staff/review")
        assert page.status == 200
        assert "สอนบอท" in await (await client.get("/staff/services")).text()  # the menu entry


async def test_page_shows_groups_masked(client, engine, sessions) -> None:
    add_questions(sessions, QUESTIONS, reason="low_confidence", bot_answer="disability_allowance")
    add_questions(sessions, ["โทร 0812345678 บัตร 1101700230705 ต่อภาษีรถที่ไหน"], reason="handover")
    await signed_in(client, engine, Role.EDITOR)
    html = await (await client.get("/staff/review")).text()
    assert "3 คำถามรอตรวจ ใน 2 กลุ่ม" in html
    assert "(2 คำถาม)" in html and QUESTIONS[0] in html and "ไม่มั่นใจ 2" in html
    assert "ลงทะเบียนรับเบี้ยความพิการ" in html  # what the bot answered, by its title
    assert "0812345678" not in html and "1101700230705" not in html and "xxxxxx5678" in html
    assert 'value="out_of_scope"' not in html  # editors cannot refer at once
    handover_only = await (await client.get("/staff/review?reason=handover")).text()
    assert "1 คำถามรอตรวจ" in handover_only and QUESTIONS[0] not in handover_only


async def test_a_reviewer_teaches_a_service_and_the_bot_finds_it(client, engine, sessions, store) -> None:
    live = LiveIndex(store, None, check_every=0.0)
    assert live.search(QUESTIONS[0]).hits[0].id != "elderly_allowance"
    ids = add_questions(sessions, QUESTIONS)
    await signed_in(client, engine, Role.REVIEWER)
    response = await decide(client, {"decision": "service", "service": "elderly_allowance"}, ids)
    assert response.status == 303 and "done=service" in response.headers["Location"]
    assert live.search(QUESTIONS[0]).hits[0].id == "elderly_allowance"
    assert store.get_published("elderly_allowance").approved_questions == tuple(QUESTIONS)
    assert actions(sessions)[-1] == "teaching.service"
    after = await (await client.get(response.headers["Location"])).text()
    assert "บันทึกเป็นตัวอย่างคำถามของบริการแล้ว" in after and QUESTIONS[0] not in after


async def test_an_editor_teaches_a_draft(client, engine, sessions, store) -> None:
    ids = add_questions(sessions, QUESTIONS)
    await signed_in(client, engine, Role.EDITOR)
    response = await decide(client, {"decision": "service", "service": "elderly_allowance"}, ids)
    assert response.status == 303 and "done=service_draft" in response.headers["Location"]
    assert store.get_published("elderly_allowance").approved_questions == ()
    assert store.get("elderly_allowance").approved_questions == tuple(QUESTIONS)
    fresh = add_questions(sessions, ["หมาข้างบ้านเห่าทั้งคืน"])
    agency = AgencyDirectory.load().agencies[0].id
    refused = await decide(client, {"decision": "out_of_scope", "agency": agency}, fresh)
    assert refused.status == 403  # referring changes answers at once: reviewers only
    assert review_rows(sessions)[-1].reviewed_at is None


async def test_new_service_and_wrong_answer_open_the_edit_form(client, engine, sessions, store) -> None:
    first = add_questions(sessions, ["ขออนุญาตเลี้ยงไก่ชนที่ไหน"])
    second = add_questions(sessions, ["ต่อภาษีรถเสียค่าธรรมเนียมเท่าไหร่"], service_id="vehicle_tax")
    await signed_in(client, engine, Role.EDITOR)
    created = await decide(
        client, {"decision": "new_service", "new_id": "cock_permit", "new_title": "ไก่ชน"}, first
    )
    assert created.status == 303 and created.headers["Location"].endswith("/staff/services/cock_permit/edit")
    assert store.get("cock_permit").approved_questions == ("ขออนุญาตเลี้ยงไก่ชนที่ไหน",)
    edit = await client.get(created.headers["Location"])
    assert "ขออนุญาตเลี้ยงไก่ชนที่ไหน" in await edit.text()  # prefilled in the form
    wrong = await decide(client, {"decision": "wrong_answer", "service": ""}, second)
    assert wrong.status == 303
    assert wrong.headers["Location"].endswith("/staff/services/vehicle_tax/edit#field-fees")
    assert 'id="field-fees"' in await (await client.get(wrong.headers["Location"])).text()


async def test_out_of_scope_by_a_reviewer(client, engine, sessions, store) -> None:
    agency = AgencyDirectory.load().agencies[0]
    ids = add_questions(sessions, ["หมาข้างบ้านเห่าทั้งคืนแจ้งใคร"])
    await signed_in(client, engine, Role.REVIEWER)
    response = await decide(client, {"decision": "out_of_scope", "agency": agency.id}, ids)
    assert response.status == 303
    assert (review_rows(sessions)[0].review_decision, review_rows(sessions)[0].review_target) == (
        "out_of_scope",
        agency.id,
    )
    assert actions(sessions)[-1] == "teaching.out_of_scope"


async def test_csrf_is_required(client, engine, sessions) -> None:
    ids = add_questions(sessions, QUESTIONS)
    await signed_in(client, engine, Role.REVIEWER)
    forged = await client.post(
        "/staff/review/decide",
        data={"decision": "dismissed", "ids": str(ids[0]), "csrf_token": "forged"},
        allow_redirects=False,
    )
    assert forged.status == 403
    missing = await client.post(
        "/staff/review/decide", data={"decision": "dismissed", "ids": str(ids[0])}, allow_redirects=False
    )
    assert missing.status == 403
    assert all(r.reviewed_at is None for r in review_rows(sessions))


async def test_bad_input_is_refused_and_changes_nothing(client, engine, sessions) -> None:
    ids = add_questions(sessions, QUESTIONS)
    await signed_in(client, engine, Role.REVIEWER)
    bad = [
        ({"decision": "dismissed"}, ["๑"], 400),  # Thai digits are not an id here
        ({"decision": "dismissed"}, ["-1"], 400),
        ({"decision": "dismissed"}, ["1e3"], 400),
        ({"decision": "dismissed"}, ["9" * 40], 400),
        ({"decision": "dismissed"}, [], 400),
        ({"decision": "🤖"}, [str(ids[0])], 400),
        ({"decision": "service", "service": "no_such_service"}, [str(ids[0])], 422),
        ({"decision": "service", "service": "<script>"}, [str(ids[0])], 400),
        ({"decision": "out_of_scope", "agency": "\u200b"}, [str(ids[0])], 400),
        ({"decision": "dismissed"}, ["999999"], 404),
    ]
    for data, raw_ids, status in bad:
        page = await client.get("/staff/review")
        form = [("csrf_token", csrf_from(await page.text())), *data.items(), *[("ids", i) for i in raw_ids]]
        response = await client.post("/staff/review/decide", data=form, allow_redirects=False)
        assert response.status == status, (data, raw_ids, response.status)
    assert all(r.reviewed_at is None for r in review_rows(sessions))
    assert not [a for a in actions(sessions) if a.startswith("teaching.")]
    done = await decide(client, {"decision": "dismissed"}, ids)
    assert done.status == 303
    again = await decide(client, {"decision": "dismissed"}, ids)  # a second tab, a double click
    assert again.status == 409
    assert actions(sessions).count("teaching.dismissed") == 1


async def test_hostile_question_text_is_shown_as_text(client, engine, sessions) -> None:
    payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    add_questions(sessions, [payload + " ต่อภาษีรถ"], bot_answer="<b>x</b>", service_id="<svg>")
    await signed_in(client, engine, Role.REVIEWER)
    html = await (await client.get("/staff/review")).text()
    assert "<script>window.__xss" not in html and "<img src=x" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;window.__xss=2&lt;/script&gt;" in html
