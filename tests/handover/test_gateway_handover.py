"""The owner check inside the real gateway: signed LINE webhooks (line-bot-sdk's signature), the real
queue and worker on Redis, the handover tables on SQLite and PostgreSQL. A person's conversation
never reaches Rasa; the bot resumes after close and takes the rating."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from cases.settings import CasesSettings
from channels.app import create_app
from channels.settings import Settings
from handover.models import ACTIVE, CLOSED, WAITING, Handover, HandoverMessage
from privacy import PrivacySettings
from tests.channels.conftest import LINE_SECRET, eventually
from tests.channels.line_payloads import body_of, signed_headers, text_event
from tests.databases import throwaway_database
from tests.fakes import FakeLine, FakeRasa

PRIVACY = PrivacySettings.generate()
CHANNELS = {"line": "channels.line.adapter:build"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with throwaway_database(request.param, tmp_path, "handover_gw") as url:
        yield url


def rasa_answers(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Rasa as action_handover answers a request for a person; anything else gets an echo."""
    if "เจ้าหน้าที่" in body["message"]:
        return [
            {"text": "กำลังต่อเจ้าหน้าที่ให้ค่ะ"},
            {
                "custom": {
                    "handover": {"reason": "request_human", "agency": "dopa", "service": "id_card_lost"}
                }
            },
        ]
    return [{"text": f"บอทตอบ: {body['message']}"}]


async def start(base: Settings, database_url: str, tmp_path: Path, aiohttp_client: Any) -> TestClient:
    settings = base.with_(privacy=PRIVACY)
    cases = CasesSettings(database_url=database_url, privacy=PRIVACY, photo_dir=tmp_path / "photos")
    app = create_app(settings, channel_factories=CHANNELS, subapps={}, cases=cases)
    return await aiohttp_client(app)


async def say(client: TestClient, user: str, text: str) -> None:
    body = body_of(text_event(text, user=user, token=uuid.uuid4().hex))
    response = await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    assert response.status == 200


def rows(url: str) -> list[Handover]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(Handover)))
    finally:
        engine.dispose()


def update(url: str, **fields: Any) -> None:
    engine = create_engine(url)
    try:
        with Session(engine) as session, session.begin():
            row = session.scalars(select(Handover)).one()
            for name, value in fields.items():
                setattr(row, name, value)
    finally:
        engine.dispose()


def citizen_lines(url: str) -> list[str | None]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return list(
                session.scalars(
                    select(HandoverMessage.text)
                    .where(HandoverMessage.author == "citizen")
                    .order_by(HandoverMessage.id)
                )
            )
    finally:
        engine.dispose()


async def test_staff_owned_conversation_never_reaches_rasa(
    base_settings: Settings,
    fake_line: FakeLine,
    fake_rasa: FakeRasa,
    database_url: str,
    tmp_path: Path,
    aiohttp_client: Any,
) -> None:
    fake_rasa.responder = rasa_answers
    client = await start(base_settings, database_url, tmp_path, aiohttp_client)
    user = "U" + uuid.uuid4().hex

    await say(client, user, "ขอคุยกับเจ้าหน้าที่ค่ะ")
    await eventually(lambda: any("คิวที่ 1" in t for t in fake_line.texts()))
    assert "กำลังต่อเจ้าหน้าที่ให้ค่ะ" in fake_line.texts()
    [handover] = rows(database_url)
    assert (handover.status, handover.agency_id, handover.channel) == (WAITING, "dopa", "line")
    calls = len(fake_rasa.calls)

    update(database_url, status=ACTIVE)  # an agent claimed it (the staff side's job)
    for text in ("สวัสดีค่ะ", "บัตรประชาชนหาย", "ต้องทำยังไงคะ"):
        await say(client, user, text)
    await eventually(lambda: citizen_lines(database_url)[-3:] == ["สวัสดีค่ะ", "บัตรประชาชนหาย", "ต้องทำยังไงคะ"])
    answered = len(fake_line.deliveries)
    assert len(fake_rasa.calls) == calls  # none of the three reached Rasa
    assert not any(t.startswith("บอทตอบ") for t in fake_line.texts())

    update(
        database_url, status=CLOSED, closed_at=dt.datetime.now(dt.UTC)
    )  # the agent closed; the close message asked for 1-5
    await say(client, user, "5")
    await eventually(lambda: any("ขอบคุณสำหรับคะแนน" in t for t in fake_line.texts()))
    assert rows(database_url)[0].csat == 5
    assert len(fake_rasa.calls) == calls
    await say(client, user, "ต่อภาษีรถยนต์ต้องใช้อะไร")
    await eventually(lambda: "บอทตอบ: ต่อภาษีรถยนต์ต้องใช้อะไร" in fake_line.texts())
    assert len(fake_rasa.calls) == calls + 1
    assert len(fake_line.deliveries) == answered + 2  # thanks, then the bot's answer
