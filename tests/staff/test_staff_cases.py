"""Console case pages (issue 5), on SQLite and the real PostgreSQL: the agency's list with filters, one
case with masked contacts and photos, the status form (history + outbox in one transaction), and what
is refused: another agency's case, a missing CSRF token, a role without the permission, bad input.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from markupsafe import escape
from sqlalchemy import Engine, select

from cases.database import make_cases_engine, make_cases_sessionmaker
from cases.models import Case, CaseContact, CaseHistory, CasePhoto, OutboxMessage
from cases.registry import CaseTools
from nlu.case_ref import make_case_ref
from staff import audit, case_list
from staff.models import AuditEntry
from staff.roles import Role
from tests.cases.case_helpers import LINE_USER, tiny_png
from tests.staff.case_seed import (
    add_agency,
    add_case,
    clear_cases,
    counts,
    make_tools,
    opt_out_phone,
    subscribed_contacts,
)
from tests.staff.staff_helpers import (
    add_user,
    csrf_from,
    gateway_like_app,
    page_token,
    set_user,
    sign_in,
)

PAYLOAD = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
NATIONAL_ID = "1101700230708"
T0 = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def db_url(both_db_url: str) -> str:  # a key flow: SQLite and the real PostgreSQL
    return both_db_url


@pytest.fixture
def photo_dir(tmp_path: Path) -> Path:
    return tmp_path / "photos"


@pytest.fixture
def cases_engine(db_url: str) -> Iterator[Engine]:
    eng = make_cases_engine(db_url)
    clear_cases(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def tools(photo_dir: Path) -> CaseTools:
    return make_tools(photo_dir)


@pytest.fixture
async def client(
    aiohttp_client, db_url: str, engine: Engine, cases_engine: Engine, photo_dir: Path
) -> TestClient:  # type: ignore[no-untyped-def]
    return await aiohttp_client(gateway_like_app(db_url, engine, case_photo_dir=photo_dir))


@pytest.fixture
def agencies(cases_engine: Engine) -> None:
    add_agency(cases_engine, "bma", "กรุงเทพมหานคร")
    add_agency(cases_engine, "dla", "กรมการปกครอง")


async def officer(
    client: TestClient, engine: Engine, username: str = "officer1", agency: str | None = "bma"
) -> None:
    add_user(engine, username, Role.CASE_OFFICER)
    set_user(engine, username, agency_id=agency)
    response = await sign_in(client, username)
    assert response.status == 303


async def post_status(client: TestClient, ref: str, **fields: str):  # type: ignore[no-untyped-def]
    token = await page_token(client, f"/staff/cases/{ref}")
    form = {"csrf_token": token, "status": "in_progress", **fields}
    return await client.post(f"/staff/cases/{ref}/status", data=form, allow_redirects=False)


def stored_history(cases_engine: Engine, ref: str) -> list[CaseHistory]:
    with make_cases_sessionmaker(cases_engine)() as session:
        case = session.scalars(select(Case).where(Case.reference == ref)).one()
        return list(case.history)


CASE_LINK = re.compile(r'href="/staff/cases/((?:AP|CM)\d{2}-\d{4}-\d{4})"')


def refs_in(page: str) -> list[str]:
    """The case references a list page links to, in order."""
    return CASE_LINK.findall(page)


# --- list and filters -------------------------------------------------------------------------


async def test_list_shows_only_the_agencys_cases_newest_update_first_with_filters(
    client, engine, cases_engine, tools, agencies, monkeypatch
):
    old = add_case(cases_engine, tools, "bma", category="ถนนชำรุด", at=T0)
    middle = add_case(
        cases_engine, tools, "bma", kind="application", service_id="id_card", at=T0 + dt.timedelta(hours=1)
    )
    new = add_case(cases_engine, tools, "bma", at=T0 + dt.timedelta(hours=2))
    foreign = add_case(cases_engine, tools, "dla", at=T0 + dt.timedelta(hours=3))
    await officer(client, engine)

    page = await (await client.get("/staff/cases")).text()
    assert refs_in(page) == [new, middle, old]  # newest update first; dla's case is not there
    assert foreign not in page
    assert "กรุงเทพมหานคร" in page and "3 จาก 3 เรื่อง" in page

    # Updating the oldest case moves it to the top.
    assert (await post_status(client, old, status="in_review")).status == 303
    assert refs_in(await (await client.get("/staff/cases")).text()) == [old, new, middle]

    async def listed(query: str) -> list[str]:
        response = await client.get("/staff/cases" + query)
        assert response.status == 200, query
        return refs_in(await response.text())

    assert await listed("?status=in_review") == [old]
    assert await listed("?status=received") == [new, middle]
    assert await listed("?kind=application") == [middle]
    assert await listed("?kind=complaint") == [old, new]
    assert await listed("?category=" + "ถนนชำรุด") == [old]
    assert await listed("?category=ไฟฟ้าส่องสว่าง&kind=complaint") == [new]
    assert await listed("?q=" + new) == [new]
    assert await listed("?q=" + new.lower().replace("-", "")) == [new]  # any case, no dashes
    assert await listed("?q=" + new[-9:]) == [new]  # a part of it
    thai_digits = new[-4:].translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert await listed("?q=" + thai_digits) == [new]
    assert await listed("?q=" + foreign) == []  # another agency's reference finds nothing

    # Paging: newest first across pages.
    monkeypatch.setattr(case_list, "PAGE_SIZE", 2)
    first = await client.get("/staff/cases")
    text = await first.text()
    assert refs_in(text) == [old, new] and "หน้า 1 / 2" in text and "ถัดไป" in text
    assert await listed("?page=2") == [middle]
    assert await listed("?page=99") == [middle]  # past the end: the last page
    assert await listed("?page=abc") == [old, new]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?status=done", "สถานะที่เลือกไม่มีในระบบ"),
        ("?kind=parcel", "ประเภทเรื่องต้องเป็นคำขอหรือเรื่องร้องเรียน"),
        ("?q=" + "ถนน", "ค้นหาได้ด้วยเลขที่เรื่อง"),
        ("?q=%25", "ค้นหาได้ด้วยเลขที่เรื่อง"),  # a LIKE wildcard is refused, not used
        ("?category=" + "x" * 61, "หมวดหมู่ยาวเกินไป"),
    ],
)
async def test_a_bad_filter_is_explained_and_ignored(
    client, engine, cases_engine, tools, agencies, query, message
):
    ref = add_case(cases_engine, tools, "bma", at=T0)
    await officer(client, engine)
    response = await client.get("/staff/cases" + query)
    assert response.status == 400
    page = await response.text()
    assert message in page and refs_in(page) == [ref]


# --- case page, photos, agency scoping -----------------------------------------------------------


async def test_case_page_shows_public_fields_history_photos_and_masked_contacts(
    client, engine, cases_engine, tools, agencies
):
    ref = add_case(cases_engine, tools, "bma", at=T0, contacts=subscribed_contacts(), photos=2)
    await officer(client, engine)
    response = await client.get(f"/staff/cases/{ref}")
    assert response.status == 200
    page = await response.text()
    assert ref in page and "เรื่องร้องเรียน" in page and "ไฟถนนดับทั้งซอยมา 3 คืนแล้ว" in page
    assert "ถนนดินสอ" in page and "13.75250, 100.50160" in page
    assert "ได้รับเรื่องแล้ว" in page  # the creation history row, with its Thai label
    assert page.count('class="thumb"') == 2 and "image/png" in page
    # Contacts: channel, notify and the last 4 digits of a phone only.
    assert "xxx-xxx-5678" in page and "xxx-xxx-4321" in page and "LINE" in page and "เว็บแชต" in page
    with make_cases_sessionmaker(cases_engine)() as session:
        contacts = session.scalars(select(CaseContact)).all()
        secrets_in_db = (
            [c.sender_hash for c in contacts]
            + [c.sender_enc for c in contacts]
            + [c.phone_hash for c in contacts]
            + [c.phone_enc for c in contacts]
        )
    for value in [
        LINE_USER,
        LINE_USER.split(":")[1],
        "0812345678",
        "812345678",
        "897654321",
        "089-765",
        *filter(None, secrets_in_db),
    ]:
        assert value not in page, value
    assert "ยินยอมให้หน่วยงานส่งความคืบหน้า" in page  # the consent wording, as shown to the citizen


async def test_photo_is_served_only_to_staff_of_the_cases_agency(
    client, engine, cases_engine, tools, agencies, browser, photo_dir
):
    ref = add_case(cases_engine, tools, "bma", at=T0, photos=1)
    foreign = add_case(cases_engine, tools, "dla", at=T0, photos=1)
    with make_cases_sessionmaker(cases_engine)() as session:
        photo_ids = {c.reference: [p.id for p in c.photos] for c in session.scalars(select(Case))}
        stored = session.scalars(select(CasePhoto)).first()
        assert stored is not None
        storage_ref = stored.storage_ref
    own = f"/staff/cases/{ref}/photos/{photo_ids[ref][0]}"

    signed_out = await client.get(own, allow_redirects=False)
    assert signed_out.status == 302 and "/staff/login" in signed_out.headers["Location"]

    await officer(client, engine)
    response = await client.get(own)
    assert response.status == 200
    assert response.content_type == "image/png" and await response.read() == tiny_png()
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"

    # Another agency's photo: through its own case, or by putting its id under our case: 404 both.
    assert (await client.get(f"/staff/cases/{foreign}/photos/{photo_ids[foreign][0]}")).status == 404
    assert (await client.get(f"/staff/cases/{ref}/photos/{photo_ids[foreign][0]}")).status == 404
    for bad in ("x", "-1", "99999999999999", "1.0"):
        assert (await client.get(f"/staff/cases/{ref}/photos/{bad}")).status == 404

    other = await browser()
    await officer(other, engine, "dla_officer", agency="dla")
    assert (await other.get(own)).status == 404

    # A photo file gone from the store (purged) is a 404, not a crash.
    tools.photos.delete(storage_ref)
    assert (await client.get(own)).status == 404


async def test_another_agencys_case_is_404_everywhere(client, engine, cases_engine, tools, agencies):
    foreign = add_case(cases_engine, tools, "dla", at=T0, contacts=subscribed_contacts())
    own = add_case(cases_engine, tools, "bma", at=T0)
    await officer(client, engine)
    assert (await client.get(f"/staff/cases/{foreign}")).status == 404
    token = await page_token(client, f"/staff/cases/{own}")
    response = await client.post(
        f"/staff/cases/{foreign}/status",
        data={"csrf_token": token, "status": "closed"},
        allow_redirects=False,
    )
    assert response.status == 404
    assert counts(cases_engine, foreign) == ("received", 1, 0)
    # Not a reference, a bad check digit, and a valid reference nobody has: the same 404.
    unused = make_case_ref("CM", 2569, 9_999_999)
    for ref in ("nonsense", own[:-1] + str((int(own[-1]) + 1) % 10), unused):
        assert (await client.get(f"/staff/cases/{ref}")).status == 404, ref
    # A reference typed in lower case without dashes finds the case (same canonical form as the API).
    assert (await client.get(f"/staff/cases/{own.lower().replace('-', '')}")).status == 200


async def test_staff_without_an_agency_get_an_explanation(client, engine, cases_engine, tools, agencies):
    ref = add_case(cases_engine, tools, "bma", at=T0, photos=1)
    add_user(engine, "boss", Role.ADMIN)  # an admin may handle cases, but this one has no agency
    await sign_in(client, "boss")
    for path in ("/staff/cases", f"/staff/cases/{ref}", f"/staff/cases/{ref}/photos/1"):
        response = await client.get(path)
        assert response.status == 403, path
        assert "ยังไม่ได้กำหนดหน่วยงานให้บัญชีนี้" in await response.text()
    token = await page_token(client, "/staff/services")
    response = await client.post(
        f"/staff/cases/{ref}/status", data={"csrf_token": token, "status": "closed"}, allow_redirects=False
    )
    assert response.status == 403
    assert counts(cases_engine, ref) == ("received", 1, 0)
    # Once an agency is set, the same session sees the cases at once.
    set_user(engine, "boss", agency_id="bma")
    assert ref in await (await client.get("/staff/cases")).text()


# --- status change ----------------------------------------------------------------------------


async def test_update_writes_history_and_one_outbox_row_per_subscribed_contact(
    client, engine, cases_engine, tools, agencies
):
    ref = add_case(cases_engine, tools, "bma", at=T0, contacts=subscribed_contacts())
    opt_out_phone(cases_engine, tools)  # the fourth contact said STOP
    await officer(client, engine)
    due = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    response = await post_status(
        client,
        ref,
        status="waiting_for_citizen",
        public_note="โปรดส่งสำเนาทะเบียนบ้านเพิ่มเติม",
        next_step="ส่งเอกสารที่สำนักงานเขต",
        next_step_due=due,
        urgent="1",
    )
    assert response.status == 303
    assert response.headers["Location"].endswith(f"/staff/cases/{ref}?done=updated")

    history = stored_history(cases_engine, ref)
    assert [h.status for h in history] == ["received", "waiting_for_citizen"]
    entry = history[-1]
    assert entry.public_note == "โปรดส่งสำเนาทะเบียนบ้านเพิ่มเติม" and entry.next_step == "ส่งเอกสารที่สำนักงานเขต"
    assert entry.next_step_due.isoformat() == due and entry.urgent is True and entry.actor == "staff:officer1"
    with make_cases_sessionmaker(cases_engine)() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        contacts = {c.id: c for c in session.scalars(select(CaseContact))}
        assert sorted(contacts[r.contact_id].channel for r in rows) == [
            "line",
            "sms",
        ]  # not web, not opted out
        assert all(
            contacts[r.contact_id].notify and contacts[r.contact_id].opted_out_at is None for r in rows
        )
        assert {r.history_id for r in rows} == {entry.id} and all(
            r.urgent and r.state == "pending" for r in rows
        )
        assert rows[0].payload["status"] == "waiting_for_citizen" and rows[0].payload["reference"] == ref
        assert len({r.idempotency_key for r in rows}) == 2
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.status")).all()
    assert [(e.actor_username, e.target_id) for e in entries] == [("officer1", ref)]
    assert "notices queued: 2" in entries[0].detail

    page = await (await client.get(response.headers["Location"])).text()
    assert "บันทึกสถานะแล้ว" in page and "รอเอกสาร/ข้อมูลจากท่าน" in page and "(ด่วน)" in page


async def test_a_failure_after_change_status_leaves_no_history_status_or_notice(
    client, engine, cases_engine, tools, agencies, monkeypatch
):
    ref = add_case(cases_engine, tools, "bma", at=T0, contacts=subscribed_contacts())
    await officer(client, engine)
    token = await page_token(client, f"/staff/cases/{ref}")

    def fail_after_the_change(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated crash after change_status, before commit")

    monkeypatch.setattr(audit, "record", fail_after_the_change)  # case_status.apply audits last
    response = await client.post(
        f"/staff/cases/{ref}/status",
        data={"csrf_token": token, "status": "resolved", "public_note": "เสร็จแล้ว"},
        allow_redirects=False,
    )
    assert response.status == 500
    assert counts(cases_engine, ref) == ("received", 1, 0)  # no history row, no status, no outbox row
    monkeypatch.undo()
    assert (await post_status(client, ref, status="resolved")).status == 303
    assert counts(cases_engine, ref) == ("resolved", 2, 3)


async def test_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(
    client, engine, cases_engine, tools, agencies, browser
):
    ref = add_case(cases_engine, tools, "bma", at=T0, contacts=subscribed_contacts())
    await officer(client, engine)
    other = await browser()
    await officer(other, engine, "officer2")
    foreign_token = await page_token(other, f"/staff/cases/{ref}")  # valid, but another session's
    for token in (None, "", "wrong", foreign_token):
        data = {"status": "closed"} if token is None else {"status": "closed", "csrf_token": token}
        response = await client.post(f"/staff/cases/{ref}/status", data=data, allow_redirects=False)
        assert response.status == 403, token
        assert "CSRF" in await response.text()
    assert counts(cases_engine, ref) == ("received", 1, 0)


async def test_a_role_without_the_case_permissions_is_refused(client, engine, cases_engine, tools, agencies):
    ref = add_case(cases_engine, tools, "bma", at=T0, contacts=subscribed_contacts(), photos=1)
    add_user(engine, "editor1", Role.EDITOR)
    set_user(engine, "editor1", agency_id="bma")  # an agency does not grant a permission
    await sign_in(client, "editor1")
    home = await (await client.get("/staff/services")).text()
    assert "เรื่องร้องเรียนและคำขอ" not in home  # not in the menu either
    for path in ("/staff/cases", f"/staff/cases/{ref}", f"/staff/cases/{ref}/photos/1"):
        response = await client.get(path)
        assert response.status == 403, path
        assert "ไม่มีสิทธิ์" in await response.text()
    token = csrf_from(home)
    response = await client.post(
        f"/staff/cases/{ref}/status", data={"csrf_token": token, "status": "closed"}, allow_redirects=False
    )
    assert response.status == 403
    assert counts(cases_engine, ref) == ("received", 1, 0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": "done"}, "สถานะไม่ถูกต้อง"),
        ({"status": ""}, "สถานะไม่ถูกต้อง"),
        ({"next_step_due": "5/12/2026"}, "ปปปป-ดด-วว"),
        ({"next_step_due": "2026-02-30"}, "ปปปป-ดด-วว"),
        ({"next_step_due": "2569-12-05"}, "ใช้ปี ค.ศ."),
        ({"next_step_due": "2020-01-01"}, "ต้องไม่ใช่วันที่ผ่านมาแล้ว"),
        ({"public_note": "ก" * 1001}, "ไม่เกิน 1000 ตัวอักษร"),
        ({"next_step": "ข" * 501}, "ไม่เกิน 500 ตัวอักษร"),
        ({"public_note": "a\x00b"}, "อักขระที่ใช้ไม่ได้"),
    ],
    ids=[
        "unknown-status",
        "empty-status",
        "date-format",
        "no-such-date",
        "buddhist-year",
        "past",
        "long-note",
        "long-step",
        "nul",
    ],
)
async def test_bad_input_gets_400_with_a_message_and_keeps_what_was_typed(
    client, engine, cases_engine, tools, agencies, fields, message
):
    ref = add_case(cases_engine, tools, "bma", at=T0, contacts=subscribed_contacts())
    await officer(client, engine)
    response = await post_status(client, ref, **{"public_note": "ข้อความที่พิมพ์ไว้", **fields})
    assert response.status == 400
    page = await response.text()
    assert message in page
    assert 'role="alert"' in page
    if "public_note" not in fields:
        assert "ข้อความที่พิมพ์ไว้" in page  # nothing typed is lost
    assert counts(cases_engine, ref) == ("received", 1, 0)


async def test_a_national_id_and_phone_in_a_note_are_masked_before_storage(
    client, engine, cases_engine, tools, agencies
):
    ref = add_case(cases_engine, tools, "bma", at=T0, contacts=subscribed_contacts())
    await officer(client, engine)
    note = f"ผู้ยื่นเลขบัตร {NATIONAL_ID} โทร 089-765-4321 ได้รับเอกสารแล้ว"
    response = await post_status(
        client,
        ref,
        public_note=note,
        next_step="ติดต่อ 1-1017-00230-70-8",  # the same id, written the way the card prints it
    )
    assert response.status == 303
    entry = stored_history(cases_engine, ref)[-1]
    assert NATIONAL_ID not in (entry.public_note or "") and "x-xxxx-xxxxx-xx-x" in (entry.public_note or "")
    assert "ผู้ยื่นเลขบัตร" in (entry.public_note or "") and "4321" in (entry.public_note or "")
    assert "0897654321" not in (entry.public_note or "").replace("-", "")
    assert "1-1017" not in (entry.next_step or "")
    with make_cases_sessionmaker(cases_engine)() as session:
        payloads = [str(r.payload) for r in session.scalars(select(OutboxMessage))]
        details = [e.detail for e in session.scalars(select(AuditEntry))]
    assert payloads and not any(NATIONAL_ID in p for p in payloads)
    assert not any(NATIONAL_ID in d for d in details)
    page = await (await client.get(f"/staff/cases/{ref}")).text()
    assert NATIONAL_ID not in page


async def test_hostile_text_in_a_note_is_shown_as_text(client, engine, cases_engine, tools, agencies):
    ref = add_case(cases_engine, tools, "bma", at=T0)
    await officer(client, engine)
    assert (await post_status(client, ref, public_note=PAYLOAD, next_step=PAYLOAD)).status == 303
    page = await (await client.get(f"/staff/cases/{ref}")).text()
    assert "<script>window.__xss" not in page and "<img src=x" not in page
    assert str(escape(PAYLOAD)) in page  # shown, as text
    # Refused input is echoed back escaped too.
    response = await post_status(client, ref, status=PAYLOAD, public_note=PAYLOAD)
    assert response.status == 400
    assert "<script>window.__xss" not in await response.text()
