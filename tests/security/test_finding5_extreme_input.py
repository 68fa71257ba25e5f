"""Issue 14, finding 5: well-formed but extreme input gave 500s. Each replay must now get a 4xx with an
RFC 9457 problem+json body (type, title, status, detail), or be accepted when it is valid after all
(RFC 3339 leap seconds and lower-case t/z); control and bidi characters never reach stored case text."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from cases.api import create_root_app
from cases.settings import CasesSettings
from channels.sms.providers import _received_at
from tests.cases.case_helpers import CONSENT, application_body, auth, complaint_body
from tests.channels.conftest import LINE_SECRET, SMS_SECRET, eventually
from tests.channels.line_payloads import signed_headers, text_event
from tests.fakes import FakeRasa, FakeSms

pytestmark = pytest.mark.timeout(60)

DEEP = 50_000
HUGE_INT = "9" * 5000


async def assert_problem(resp: Any, status: int = 400) -> dict[str, Any]:
    assert resp.status == status, await resp.text()
    assert resp.content_type == "application/problem+json"
    problem = await resp.json(content_type=None)
    assert {"type", "title", "status", "detail"} <= problem.keys()
    assert problem["status"] == status
    return problem


def line_body(events_json: str) -> bytes:
    return f'{{"destination": "U{"x" * 32}", "events": {events_json}}}'.encode()


@pytest.mark.parametrize(
    "events_json",
    [
        "[" * DEEP + "]" * DEEP,
        '[{"type": "message", "timestamp": ' + HUGE_INT + "}]",
        "[" + '{"a":' * DEEP + "1" + "}" * DEEP + "]",
    ],
    ids=["50k-deep-arrays", "5000-digit-integer", "50k-deep-objects"],
)
async def test_signed_extreme_line_bodies_are_problem_400s(make_gateway: Any, events_json: str) -> None:
    client = await make_gateway(max_body_bytes=1024 * 1024)
    body = line_body(events_json)
    resp = await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    await assert_problem(resp)


async def test_a_normal_line_body_is_still_accepted(make_gateway: Any) -> None:
    client = await make_gateway()
    body = line_body(json.dumps([text_event("สวัสดีค่ะ")], ensure_ascii=False))
    resp = await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    assert resp.status == 200


def sms_raw(received_at_json: str) -> bytes:
    head = json.dumps({"id": uuid.uuid4().hex, "from": "0812345678", "to": "4567", "text": "สวัสดีค่ะ"})
    return f'{head[:-1]}, "received_at": {received_at_json}}}'.encode()


def hmac_headers(body: bytes) -> dict[str, str]:
    signature = base64.b64encode(hmac.new(SMS_SECRET.encode(), body, hashlib.sha256).digest()).decode()
    return {"X-Signature": signature, "Content-Type": "application/json"}


@pytest.mark.parametrize("value", ["1e400", "-1e400", HUGE_INT, '"9999-99-99T99:99:99Z"', "-5", "1e300"])
async def test_sms_absurd_received_at_is_accepted_with_the_time_of_arrival(
    make_sms_gateway: Any, fake_sms: FakeSms, fake_rasa: FakeRasa, value: str
) -> None:
    client = await make_sms_gateway()
    body = sms_raw(value)
    resp = await client.post("/webhooks/sms/generic", data=body, headers=hmac_headers(body))
    if value == HUGE_INT:  # over Python's integer-string limit: not JSON we read
        await assert_problem(resp)
        return
    assert resp.status == 200, await resp.text()
    await eventually(lambda: len(fake_sms.sent) == 1)


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 10**400, 1e300, -5, "nonsense"])
def test_received_at_is_always_a_finite_plausible_time(value: object) -> None:
    import math
    import time

    seconds = _received_at(value)
    assert math.isfinite(seconds) and abs(seconds - time.time()) < 60


async def test_deep_sms_json_is_a_problem_400(make_sms_gateway: Any) -> None:
    client = await make_sms_gateway()
    body = ('{"id": "1", "from": "0812345678", "text": "x", "x": ' + "[" * DEEP + "]" * DEEP + "}").encode()
    await assert_problem(await client.post("/webhooks/sms/generic", data=body, headers=hmac_headers(body)))


@pytest.fixture
async def client(aiohttp_client: Any, settings: CasesSettings) -> Any:
    return await aiohttp_client(create_root_app(settings))


async def test_agency_api_50k_deep_json_is_a_problem_400(client: Any, agency_keys: dict) -> None:
    body = "[" * DEEP + "]" * DEEP
    headers = {**auth(agency_keys["dla"]), "Content-Type": "application/json"}
    problem = await assert_problem(await client.post("/api/v1/cases", data=body, headers=headers))
    assert problem["title"] == "Malformed JSON"


async def test_agency_api_huge_integer_is_a_problem_400(client: Any, agency_keys: dict) -> None:
    body = json.dumps(application_body())[:-1] + ', "n": ' + HUGE_INT + "}"
    headers = {**auth(agency_keys["dla"]), "Content-Type": "application/json"}
    await assert_problem(await client.post("/api/v1/cases", data=body, headers=headers))


@pytest.mark.parametrize(
    ("given_at", "stored"),
    [
        ("2016-12-31T23:59:60Z", "2016-12-31 23:59:59.999999"),
        ("2026-11-25t10:00:00z", "2026-11-25 10:00:00"),
        ("2026-11-25T17:00:00+07:00", "2026-11-25 10:00:00"),
    ],
    ids=["leap-second", "lower-case-t-z", "offset"],
)
async def test_agency_api_accepts_every_rfc3339_time(
    client: Any, agency_keys: dict, sessions: sessionmaker[Session], given_at: str, stored: str
) -> None:
    body = application_body(consent={**CONSENT, "given_at": given_at})
    resp = await client.post("/api/v1/cases", json=body, headers=auth(agency_keys["dla"]))
    assert resp.status == 201, await resp.text()
    with sessions() as session:
        value = session.execute(text("SELECT given_at FROM case_consents")).scalar_one()
    assert str(value).startswith(stored)


async def test_agency_api_stores_no_control_or_bidi_characters(
    client: Any, agency_keys: dict, sessions: sessionmaker[Session]
) -> None:
    dirty = "ไฟถนนดับ\u202eครับ\u2066\x1b[2J\x85\ud800 ซอย 5\nหน้าวัด"  # NUL: the schema's 400
    body = complaint_body(description=dirty, category="ไฟฟ้า\u202dส่องสว่าง")
    headers = {**auth(agency_keys["bma"]), "Content-Type": "application/json"}
    resp = await client.post("/api/v1/cases", data=json.dumps(body), headers=headers)
    assert resp.status == 201, await resp.text()
    view = json.dumps(await resp.json(), ensure_ascii=False)
    with sessions() as session:
        rows = session.execute(text("SELECT description, category FROM cases WHERE kind = 'complaint'")).all()
    for stored in [*rows[0], view]:
        assert not any(c in stored for c in "\u202e\u202d\u2066\x1b\x00\x85\ud800"), repr(stored)
    assert "ไฟถนนดับครับ" in rows[0][0] and "\nหน้าวัด" in rows[0][0]
