"""`python -m cases worker` delivers through the gateway's adapters, taken from the channel registry.

Issue 9, "one outbound path": the separate worker has no HTTP sender of its own. It builds the
registry's adapters from the same settings as the gateway (so SMS goes through the configured
provider, generic or Twilio, and the gateway's STOP records apply), asks each for its direct sender,
and leaves web chat notices to a gateway (a process without the chat's sockets cannot reach them).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from appconfig import AppSettings
from cases.__main__ import _work
from cases.agency_keys import issue_key
from cases.models import Agency, Case, OutboxMessage
from cases.photos import PhotoStore
from cases.registry import (
    CaseTools,
    NewCase,
    NewConsent,
    NewContact,
    StatusChange,
    change_status,
    create_case,
)
from cases.settings import CasesSettings
from channels import keys, registry
from channels.app import create_app
from channels.base import Channel, ChannelDisabled
from channels.context import ChannelContext
from channels.delivery import SendResult
from channels.messages import Inbound, Outbound
from channels.sms.adapter import SmsChannel
from privacy import PersonalData
from tests.fakes import FakeLine, FakeSms, serve

TOKEN = "registry-test-token"
LINE_USER = "line:U" + "ab" * 16
PHONE, E164 = "0812345678", "+66812345678"
CONTACTS = (
    NewContact("line", sender_id=LINE_USER, notify=True),
    NewContact("sms", phone=PHONE, notify=True),
    NewContact("web", sender_id="web:session-registry", notify=True),
)


def queue_notices(sessions: sessionmaker[Session], settings: CasesSettings) -> None:
    """One urgent change (SMS quiet hours do not apply) notifying a LINE, an SMS and a web contact."""
    tools = CaseTools(vault=PersonalData(settings.privacy), photos=PhotoStore(settings.photo_dir))
    with sessions() as session, session.begin():
        if session.get(Agency, "dla") is None:
            issue_key(session, "dla", "กรมการปกครอง")
        case = create_case(
            session,
            "dla",
            NewCase(
                kind="application",
                service_id="id_card_renew",
                contacts=CONTACTS,
                consent=NewConsent("ยินยอมรับแจ้งความคืบหน้า", dt.datetime.now(dt.UTC)),
            ),
            tools,
        )
        change_status(session, case, StatusChange(status="in_progress", actor="o", urgent=True))


def environ(settings: CasesSettings, line: FakeLine, sms: FakeSms, state: Path) -> dict[str, str]:
    """What an operator sets for `python -m cases worker`: the gateway's own variables."""
    return {
        "DATABASE_URL": settings.database_url,
        **settings.privacy.to_environ(),
        "GATEWAY_STATE_DIR": str(state),
        "LINE_CHANNEL_SECRET": "line-secret",
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE": line.url,
        "SMS_WEBHOOK_SECRET": "sms-secret",
        "SMS_API_BASE": sms.url,
        "SMS_API_KEY": TOKEN,
        "WEB_SESSION_SECRET": "w" * 40,
    }


def states(sessions: sessionmaker[Session]) -> dict[str, str]:
    with sessions() as session:
        return {
            channel: state
            for channel, state in session.execute(select(OutboxMessage.channel, OutboxMessage.state))
        }


@pytest.fixture
def fakes(aiohttp_server: Any) -> Any:
    async def start() -> tuple[FakeLine, FakeSms]:
        return (
            await serve(aiohttp_server, FakeLine(token=TOKEN)),
            await serve(aiohttp_server, FakeSms(token=TOKEN)),
        )

    return start


async def test_worker_sends_through_the_registry_adapters_and_leaves_web_to_the_gateway(
    settings: CasesSettings, sessions: sessionmaker[Session], fakes: Any, tmp_path: Path
) -> None:
    line, sms = await fakes()
    queue_notices(sessions, settings)
    config = AppSettings.from_environ(environ(settings, line, sms, tmp_path))

    await _work(config, once=True)

    assert len(line.accepted) == 1 and len(sms.accepted) == 1
    (to_sms,) = sms.accepted.values()
    assert to_sms.recipient == E164
    assert line.errors == [] and sms.errors == []
    assert states(sessions) == {"line": "sent", "sms": "sent", "web": "pending"}


async def test_the_gateways_stop_record_holds_for_the_separate_worker(
    settings: CasesSettings, sessions: sessionmaker[Session], fakes: Any, tmp_path: Path
) -> None:
    line, sms = await fakes()
    queue_notices(sessions, settings)
    config = AppSettings.from_environ(environ(settings, line, sms, tmp_path))
    # The citizen texted STOP to the gateway: its adapter recorded that in the gateway's state.
    gateway = create_app(
        config.gateway, channel_factories={"sms": registry.CHANNEL_FACTORIES["sms"]}, subapps={}
    )
    runner = web.AppRunner(gateway)
    await runner.setup()
    adapter = gateway[keys.CHANNELS]["sms"]
    assert isinstance(adapter, SmsChannel)
    await adapter.optouts.opt_out(PersonalData(settings.privacy).sms_sender_id(E164))
    await runner.cleanup()

    await _work(config, once=True)

    assert sms.requests == 0 and len(line.accepted) == 1
    assert states(sessions)["sms"] in ("failed", "dead", "skipped", "rejected")


class RecordingSender:
    channel = "line"
    quiet_hours = False
    segment_budget: int | None = None

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[str], str]] = []

    async def send_to(self, recipient: str, messages: Sequence[Outbound], idempotency_key: str) -> SendResult:
        self.sent.append((recipient, [m.text or "" for m in messages], idempotency_key))
        return SendResult("sent", 200)


RECORDER = RecordingSender()


class RecordingChannel(Channel):
    """A stand-in adapter registered under "line": the worker must use whatever the registry builds."""

    name = "line"

    def verify(self, body: bytes, headers: Any, url: str) -> None:
        raise NotImplementedError

    def parse(self, body: bytes, headers: Any) -> list[Inbound]:
        raise NotImplementedError

    async def send(self, recipient: Inbound, messages: Sequence[Outbound]) -> None:
        raise NotImplementedError

    def direct_sender(self) -> RecordingSender:
        return RECORDER


def build_recording(_ctx: ChannelContext) -> Channel:
    return RecordingChannel()


def build_disabled(_ctx: ChannelContext) -> Channel:
    raise ChannelDisabled("not in this test")


async def test_the_worker_takes_its_senders_from_the_channel_registry(
    settings: CasesSettings,
    sessions: sessionmaker[Session],
    fakes: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line, sms = await fakes()
    queue_notices(sessions, settings)
    monkeypatch.setitem(registry.CHANNEL_FACTORIES, "line", f"{__name__}:build_recording")
    monkeypatch.setitem(registry.CHANNEL_FACTORIES, "sms", f"{__name__}:build_disabled")
    RECORDER.sent.clear()

    await _work(AppSettings.from_environ(environ(settings, line, sms, tmp_path)), once=True)

    ((recipient, texts, key),) = RECORDER.sent
    with sessions() as session:
        ref = session.scalars(select(Case.reference)).one()
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "line")).one()
    assert recipient == LINE_USER and ref in texts[0] and key == row.idempotency_key
    assert line.requests == 0 and sms.requests == 0
    assert states(sessions) == {"line": "sent", "sms": "pending", "web": "pending"}


def test_the_old_sms_token_name_still_works_with_one_log_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="channels.settings")
    config = AppSettings.from_environ({"SMS_API_TOKEN": "old-name"})
    assert config.gateway.sms_api_key == "old-name"
    assert [r.getMessage() for r in caplog.records if "SMS_API_TOKEN" in r.getMessage()] == [
        "SMS_API_TOKEN is deprecated: rename it to SMS_API_KEY (same value)"
    ]
    assert (
        AppSettings.from_environ({"SMS_API_KEY": "new", "SMS_API_TOKEN": "old"}).gateway.sms_api_key == "new"
    )


def test_settings_for_the_worker_are_one_object(settings: CasesSettings) -> None:
    config = AppSettings.from_environ(
        {"DATABASE_URL": settings.database_url, **settings.privacy.to_environ()}
    )
    assert config.cases is not None and config.cases.database_url == config.database_url
    assert config.privacy is not None and config.cases.privacy is config.privacy is config.gateway.privacy
    assert dataclasses.is_dataclass(config.gateway) and config.gateway.worker_enabled
