"""After a case is filed with a phone number and a national id in its text, no table and no log line
holds either in clear (scanned on SQLite and PostgreSQL)."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, select

from cases.api import create_root_app
from cases.settings import CasesSettings
from tests.cases.case_helpers import BANGKOK_CITY_HALL, auth, complaint_body, status_body

NATIONAL_ID = "1101700203451"
TYPED_ID = "1-1017-00203-45-1"
PHONE_IN_TEXT = "081-234-5678"
CONTACT_PHONE = "+66 89 765 4321"
SECRETS = ("1101700203451", "812345678", "897654321")  # digits only: any spelling of them


def _digits_runs(value: Any) -> str:
    """The value with separators removed, so '081-234-5678' and '๐๘๑…' are caught as well."""
    text = str(value).translate({ord(c): str(i) for i, c in enumerate("๐๑๒๓๔๕๖๗๘๙")})
    return re.sub(r"[\s\-().\u200b]", "", text)


def _scan_database(engine: Engine) -> list[str]:
    found = []
    meta = MetaData()
    meta.reflect(bind=engine)
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(select(table)):
                for column, value in zip(table.columns, row, strict=True):
                    if value is not None and any(s in _digits_runs(value) for s in SECRETS):
                        found.append(f"{table.name}.{column.name}")
    return found


async def test_no_clear_phone_or_national_id_is_stored_or_logged(
    aiohttp_client: Any,
    settings: CasesSettings,
    agency_keys: dict[str, str],
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = await aiohttp_client(create_root_app(settings))
    body = complaint_body(
        description=f"ไฟถนนดับ ติดต่อกลับเบอร์ {PHONE_IN_TEXT} เลขบัตรประชาชน {TYPED_ID} ครับ",
        location={**BANGKOK_CITY_HALL, "address": f"ซอย 5 โทร ๐๘๑๒๓๔๕๖๗๘ บัตร {NATIONAL_ID}"},
    )
    body["contacts"] = [
        {"channel": "sms", "phone": CONTACT_PHONE, "notify": True},
        {"channel": "line", "sender_id": "line:U4af4980629a1b2c3d4e5f60718293a4b", "phone": PHONE_IN_TEXT},
    ]
    resp = await client.post("/api/v1/cases", json=body, headers=auth(agency_keys["bma"]))
    assert resp.status == 201, await resp.text()
    created = await resp.json()
    change = status_body(public_note=f"โทรหาเบอร์ {PHONE_IN_TEXT} แล้ว", actor=f"จนท. บัตร {NATIONAL_ID}")
    resp = await client.post(
        f"/api/v1/cases/{created['reference']}/status",
        json=change,
        headers={**auth(agency_keys["bma"]), "Idempotency-Key": "privacy-1"},
    )
    assert resp.status == 200, await resp.text()
    # What the agency reads back: the last 4 digits only.
    assert {c["phone_last4"] for c in created["contacts"]} == {"4321", "5678"}

    assert _scan_database(engine) == []
    assert not any(s in _digits_runs(caplog.text) for s in SECRETS)
