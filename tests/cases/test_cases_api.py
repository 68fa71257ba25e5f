"""Agency API behaviour against the real app, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
import re
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from cases.api import create_root_app
from cases.models import Case, CaseContact, CaseHistory, IdempotencyRecord, OutboxMessage
from cases.settings import CasesSettings
from nlu.case_ref import check_case_ref, make_case_ref
from tests.cases.case_helpers import (
    LINE_USER,
    application_body,
    auth,
    b64,
    complaint_body,
    status_body,
    tiny_png,
)

REF = re.compile(r"(AP|CM)\d{2}-\d{4}-\d{4}")


@pytest.fixture
async def client(aiohttp_client: Any, settings: CasesSettings) -> Any:
    return await aiohttp_client(create_root_app(settings))


async def create(client: Any, key: str, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    resp = await client.post("/api/v1/cases", json=body, headers={**auth(key), **headers})
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def test_create_read_and_change_status_round_trip_thai_text(client: Any, agency_keys: dict) -> None:
    created = await create(client, agency_keys["dla"], application_body())
    ref = created["reference"]
    assert REF.fullmatch(ref) and ref.startswith("AP") and check_case_ref(ref) == "valid"
    assert created["status"] == "received"
    assert created["contacts"] == [
        {"channel": "line", "notify": True, "opted_out": False, "phone_last4": "5678"}
    ]

    resp = await client.post(
        f"/api/v1/cases/{ref}/status",
        json=status_body(),
        headers={**auth(agency_keys["dla"]), "Idempotency-Key": "k-1"},
    )
    assert resp.status == 200, await resp.text()
    changed = await resp.json()
    assert changed["status"] == "in_progress"
    last = changed["history"][-1]
    assert last["public_note"] == "เจ้าหน้าที่รับเรื่องแล้ว กำลังตรวจสอบเอกสาร"
    assert last["next_step"] == "นัดรับบัตรที่สำนักงานเขต" and last["next_step_due"] == "2026-12-05"

    resp = await client.get(f"/api/v1/cases/{ref.lower()}", headers=auth(agency_keys["dla"]))
    assert resp.status == 200
    assert await resp.json() == changed


async def test_references_name_the_kind_pass_their_check_and_do_not_follow_each_other(
    client: Any, agency_keys: dict
) -> None:
    refs = [(await create(client, agency_keys["dla"], application_body()))["reference"] for _ in range(6)]
    complaint = (await create(client, agency_keys["bma"], complaint_body()))["reference"]
    assert all(ref.startswith("AP69-") and check_case_ref(ref) == "valid" for ref in refs)
    assert complaint.startswith("CM69-") and check_case_ref(complaint) == "valid"
    serials = [int(ref[5:9] + ref[10:13]) for ref in refs]
    # Random serials: never the previous one plus one (each pair: 1 in 10 million by chance).
    assert all(b != a + 1 for a, b in itertools.pairwise(serials))
    assert len(set(serials)) == len(serials)


async def test_other_agency_case_looks_exactly_like_an_unknown_one(
    client: Any, agency_keys: dict, sessions: sessionmaker[Session]
) -> None:
    ref = (await create(client, agency_keys["dla"], application_body()))["reference"]
    other_get = await client.get(f"/api/v1/cases/{ref}", headers=auth(agency_keys["bma"]))
    other_post = await client.post(
        f"/api/v1/cases/{ref}/status",
        json=status_body(status="rejected"),
        headers={**auth(agency_keys["bma"]), "Idempotency-Key": "evil-1"},
    )
    assert other_get.status == 404 and other_post.status == 404
    # Same answer as a reference that exists nowhere, so nothing leaks about other agencies' cases.
    absent = make_case_ref("AP", 2569, 9_999_999)
    absent_get = await client.get(f"/api/v1/cases/{absent}", headers=auth(agency_keys["bma"]))
    assert absent_get.status == 404
    assert await other_get.json() == await absent_get.json()
    with sessions() as session:
        case = session.scalars(select(Case).where(Case.reference == ref)).one()
        assert case.status == "received" and len(case.history) == 1
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Basic dXNlcjpwYXNz",
        "Bearer ",
        "Bearer not-a-key",
        "Bearer gbk_abcdefghij_wrongsecretwrongsecretwrongsecret",
    ],
)
async def test_wrong_keys_are_refused(client: Any, agency_keys: dict, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    resp = await client.post("/api/v1/cases", json=application_body(), headers=headers)
    assert resp.status == 401
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


async def test_a_stray_expect_header_meets_authentication_not_a_417(client: Any, agency_keys: dict) -> None:
    """Schemathesis sent "Expect: BO9=~y.no": aiohttp had answered 417, a status the API does not
    document, before authentication. Any expectation but 100-continue is ignored (RFC 9110)."""
    refused = await client.post("/api/v1/cases", json=application_body(), headers={"Expect": "BO9=~y.no"})
    assert refused.status == 401
    created = await client.post(
        "/api/v1/cases",
        json=application_body(),
        headers={**auth(agency_keys["dla"]), "Expect": "100-continue"},
    )
    assert created.status == 201, await created.text()
    ref = (await created.json())["reference"]
    looked = await client.get(f"/api/v1/cases/{ref}", headers={**auth(agency_keys["dla"]), "Expect": "x"})
    assert looked.status == 200


async def test_right_prefix_with_wrong_secret_is_refused(client: Any, agency_keys: dict) -> None:
    prefix = agency_keys["dla"].rsplit("_", 1)[0]
    resp = await client.get("/api/v1/cases/AP69-0000-0018", headers=auth(prefix + "_" + "A" * 43))
    assert resp.status == 401


@pytest.mark.parametrize(
    ("ref", "detail"),
    [
        ("hello", "look like"),
        ("CM69-0000-0019", "check digit"),
        ("XX69-0000-0018", "look like"),
        ("CM69-0000-001", "look like"),
        ("๑๒๓", "look like"),
    ],
)
async def test_malformed_references_get_a_clear_400(
    client: Any, agency_keys: dict, ref: str, detail: str
) -> None:
    resp = await client.get(f"/api/v1/cases/{ref}", headers=auth(agency_keys["dla"]))
    assert resp.status == 400
    assert detail in (await resp.json())["detail"]


async def test_thai_digit_reference_finds_the_case(client: Any, agency_keys: dict) -> None:
    ref = (await create(client, agency_keys["dla"], application_body()))["reference"]
    thai = ref.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    resp = await client.get(f"/api/v1/cases/{thai}", headers=auth(agency_keys["dla"]))
    assert resp.status == 200 and (await resp.json())["reference"] == ref


async def test_replayed_idempotency_key_changes_nothing_twice(
    client: Any, agency_keys: dict, sessions: sessionmaker[Session]
) -> None:
    ref = (await create(client, agency_keys["dla"], application_body()))["reference"]
    headers = {**auth(agency_keys["dla"]), "Idempotency-Key": "change-42"}
    first = await client.post(f"/api/v1/cases/{ref}/status", json=status_body(), headers=headers)
    second = await client.post(f"/api/v1/cases/{ref}/status", json=status_body(), headers=headers)
    assert first.status == second.status == 200
    assert await first.json() == await second.json()

    different = await client.post(
        f"/api/v1/cases/{ref}/status", json=status_body(status="resolved"), headers=headers
    )
    assert different.status == 422
    assert "Idempotency-Key" in (await different.json())["title"]

    other_ref = (await create(client, agency_keys["dla"], application_body()))["reference"]
    elsewhere = await client.post(f"/api/v1/cases/{other_ref}/status", json=status_body(), headers=headers)
    assert elsewhere.status == 422

    with sessions() as session:
        case = session.scalars(select(Case).where(Case.reference == ref)).one()
        assert [h.status for h in case.history] == ["received", "in_progress"]
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


async def test_concurrent_twins_with_one_key_apply_once(
    client: Any, agency_keys: dict, sessions: sessionmaker[Session]
) -> None:
    ref = (await create(client, agency_keys["dla"], application_body()))["reference"]
    headers = {**auth(agency_keys["dla"]), "Idempotency-Key": "race-1"}
    responses = await asyncio.gather(
        *(client.post(f"/api/v1/cases/{ref}/status", json=status_body(), headers=headers) for _ in range(6))
    )
    bodies = [await r.json() for r in responses]
    assert {r.status for r in responses} == {200}
    assert all(b == bodies[0] for b in bodies)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(CaseHistory)) == 2
        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


async def test_missing_idempotency_key_is_refused(client: Any, agency_keys: dict) -> None:
    ref = (await create(client, agency_keys["dla"], application_body()))["reference"]
    resp = await client.post(
        f"/api/v1/cases/{ref}/status", json=status_body(), headers=auth(agency_keys["dla"])
    )
    assert resp.status == 400 and (await resp.json())["field"] == "Idempotency-Key"


async def test_create_with_idempotency_key_creates_one_case(
    client: Any, agency_keys: dict, sessions: sessionmaker[Session]
) -> None:
    a = await create(client, agency_keys["dla"], application_body(), **{"Idempotency-Key": "create-1"})
    b = await create(client, agency_keys["dla"], application_body(), **{"Idempotency-Key": "create-1"})
    assert a == b
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 1


@pytest.mark.parametrize(
    ("location", "ok"),
    [
        ({"lat": 18.7883, "lon": 98.9853}, True),  # Chiang Mai
        ({"lat": 7.8804, "lon": 98.3923}, True),  # Phuket
        ({"lat": 17.9757, "lon": 102.6331}, False),  # Vientiane, across the Mekong
        ({"lat": 11.5564, "lon": 104.9282}, False),  # Phnom Penh
        ({"lat": 3.139, "lon": 101.6869}, False),  # Kuala Lumpur
        ({"lat": 35.6762, "lon": 139.6503}, False),  # Tokyo
        ({"lat": 0.0, "lon": 0.0}, False),
    ],
)
async def test_locations_outside_thailand_are_rejected(
    client: Any, agency_keys: dict, location: dict, ok: bool
) -> None:
    resp = await client.post(
        "/api/v1/cases", json=complaint_body(location=location), headers=auth(agency_keys["bma"])
    )
    if ok:
        assert resp.status == 201, await resp.text()
    else:
        assert resp.status == 422
        assert (await resp.json())["field"] == "complaint.location"


@pytest.mark.parametrize(
    ("photo", "expected"),
    [
        ({"content_type": "image/png", "data_base64": b64(b"GIF89a" + b"\x00" * 50)}, "not a JPEG or PNG"),
        ({"content_type": "image/jpeg", "data_base64": b64(tiny_png())}, "not image/jpeg"),
        ({"content_type": "image/png", "data_base64": b64(b"%PDF-1.7 not a photo")}, "not a JPEG or PNG"),
        ({"content_type": "image/png", "data_base64": b64(tiny_png() + b"\x00" * 200_001)}, "larger than"),
        ({"content_type": "image/png", "data_base64": "!!!not base64!!!"}, "base64"),
    ],
)
async def test_bad_photos_are_rejected_and_nothing_is_stored(
    client: Any,
    agency_keys: dict,
    settings: CasesSettings,
    sessions: sessionmaker[Session],
    photo: dict,
    expected: str,
) -> None:
    resp = await client.post(
        "/api/v1/cases", json=complaint_body(photos=[photo]), headers=auth(agency_keys["bma"])
    )
    assert resp.status == 422
    problem = await resp.json()
    assert expected in problem.get("detail", "") + problem["title"]
    assert not settings.photo_dir.exists() or not any(settings.photo_dir.rglob("*.*"))
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0


async def test_body_over_the_limit_is_413(client: Any, agency_keys: dict) -> None:
    huge = "A" * 2_000_000
    resp = await client.post(
        "/api/v1/cases",
        data=('{"kind":"complaint","service_id":"x","junk":"' + huge + '"}').encode(),
        headers={**auth(agency_keys["bma"]), "Content-Type": "application/json"},
    )
    assert resp.status == 413


async def test_photo_is_stored_by_content_hash(
    client: Any, agency_keys: dict, settings: CasesSettings
) -> None:
    created = await create(client, agency_keys["bma"], complaint_body())
    photo = created["complaint"]["photos"][0]
    assert photo["content_type"] == "image/png" and photo["size_bytes"] == len(tiny_png())
    stored = list(settings.photo_dir.rglob(photo["sha256"] + ".png"))
    assert len(stored) == 1 and stored[0].read_bytes() == tiny_png()


async def test_national_ids_and_phones_in_free_text_are_masked_before_storage(
    client: Any, agency_keys: dict, sessions: sessionmaker[Session]
) -> None:
    body = complaint_body(
        description="ผมชื่อสมชาย เลขบัตร 1-1017-00230-70-5 โทร ๐๘๑๒๓๔๕๖๗๘ ไฟดับหน้าบ้าน 1101700230705",
        location={"address": "บ้านเลขที่ 12 ซอยสุขุมวิท 11 โทร 0891112222"},
    )
    created = await create(client, agency_keys["bma"], body)
    description = created["complaint"]["description"]
    assert "1101700230705" not in description and "1-1017-00230-70-5" not in description
    assert "ผมชื่อสมชาย" in description and "ไฟดับหน้าบ้าน" in description
    ref = created["reference"]
    note = "ติดต่อผู้ร้อง 3101700230701 แล้ว"
    resp = await client.post(
        f"/api/v1/cases/{ref}/status",
        json=status_body(public_note=note),
        headers={**auth(agency_keys["bma"]), "Idempotency-Key": "mask-1"},
    )
    assert resp.status == 200
    with sessions() as session:
        dump = " ".join(
            str(v)
            for row in session.execute(text("SELECT description, address FROM cases")).all()
            for v in row
        ) + " ".join(str(r[0]) for r in session.execute(text("SELECT public_note FROM case_history")).all())
        payloads = " ".join(str(r[0]) for r in session.execute(text("SELECT payload FROM outbox")).all())
    for digits in ("1101700230705", "3101700230701", "0812345678", "0891112222", "๐๘๑๒๓๔๕๖๗๘"):
        assert digits not in dump and digits not in payloads
    assert not re.search(r"\d{13}", dump + payloads)


async def test_contact_identifiers_are_never_stored_in_clear(
    client: Any, agency_keys: dict, sessions: sessionmaker[Session]
) -> None:
    await create(client, agency_keys["dla"], application_body())
    await create(client, agency_keys["bma"], complaint_body())
    with sessions() as session:
        rows = session.execute(text("SELECT * FROM case_contacts")).all()
        contacts = session.scalars(select(CaseContact)).all()
    dump = repr(rows)
    for secret in (LINE_USER, LINE_USER.split(":")[1], "0812345678", "812345678", "0897654321", "897654321"):
        assert secret not in dump
    line, sms = sorted(contacts, key=lambda c: c.channel)
    assert line.phone_enc is None and line.phone_last4 == "5678"  # phone only for verification
    assert sms.phone_enc is not None and sms.phone_last4 == "4321"  # SMS updates need the number


async def test_updates_without_consent_are_refused(client: Any, agency_keys: dict) -> None:
    body = application_body()
    del body["consent"]
    resp = await client.post("/api/v1/cases", json=body, headers=auth(agency_keys["dla"]))
    assert resp.status == 422 and (await resp.json())["field"] == "consent"


async def test_consent_is_recorded_with_wording_and_time(
    client: Any, agency_keys: dict, sessions: sessionmaker[Session]
) -> None:
    await create(client, agency_keys["dla"], application_body())
    with sessions() as session:
        row = session.execute(text("SELECT purpose, wording, given_at FROM case_consents")).one()
    assert row[0] == "case_updates"
    assert row[1] == "ยินยอมให้หน่วยงานติดต่อกลับและส่งความคืบหน้าเรื่องนี้ทาง LINE/SMS"
    assert str(row[2]).startswith("2026-11-25")


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"\xff\xfe\x00", "application/json", 400),
        (b"[]", "application/json", 400),
        (b'{"kind":"application","service_id":"id_card_renew","extra":1}', "application/json", 400),
        (b'{"kind":"application","service_id":"x"}', "text/plain", 415),
        (b"", "application/json", 400),
    ],
)
async def test_malformed_bodies_get_clear_errors(
    client: Any, agency_keys: dict, data: bytes, content_type: str, status: int
) -> None:
    resp = await client.post(
        "/api/v1/cases", data=data, headers={**auth(agency_keys["dla"]), "Content-Type": content_type}
    )
    assert resp.status == status
    assert (await resp.json())["status"] == status


@pytest.mark.parametrize("description", ["   ", "\u200b\u200b", ""])
async def test_blank_descriptions_are_refused(client: Any, agency_keys: dict, description: str) -> None:
    resp = await client.post(
        "/api/v1/cases", json=complaint_body(description=description), headers=auth(agency_keys["bma"])
    )
    assert resp.status in (400, 422)


async def test_emoji_and_long_thai_descriptions_are_kept(client: Any, agency_keys: dict) -> None:
    long_text = "ถนนเป็นหลุมใหญ่ 🚧 " * 250
    created = await create(client, agency_keys["bma"], complaint_body(description=long_text[:5000]))
    assert created["complaint"]["description"] == long_text[:5000].strip()


async def test_openapi_document_is_served_without_a_key(client: Any) -> None:
    resp = await client.get("/api/v1/openapi.json")
    assert resp.status == 200
    doc = await resp.json()
    assert doc["openapi"].startswith("3.1") and "/api/v1/cases/{ref}/status" in doc["paths"]


async def test_nul_characters_are_refused_before_they_reach_the_database(
    client: Any, agency_keys: dict
) -> None:
    # PostgreSQL cannot store NUL in text; schemathesis found this as a 500 before the schema said so.
    resp = await client.post(
        "/api/v1/cases", json=complaint_body(description="ไฟดับ\x00"), headers=auth(agency_keys["bma"])
    )
    assert resp.status == 400 and "description" in (await resp.json())["detail"]
