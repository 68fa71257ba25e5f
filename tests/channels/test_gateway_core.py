"""Settings, stores and the gateway without Redis (the embedded default)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from channels import keys
from channels.settings import Settings, SettingsError
from channels.sqlite_queue import SqliteQueue
from channels.store import MemoryStore, RedisStore, SqliteStore
from tests.channels.conftest import LINE_SECRET, REDIS_URL, eventually
from tests.channels.line_payloads import body_of, signed_headers, text_event
from tests.fakes import FakeLine, FakeRasa


def test_settings_from_environment_defaults_and_errors() -> None:
    settings = Settings.from_env({})
    assert settings.port == 8080 and settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.line_api_base == "https://api.line.me" and settings.sms_segment_budget == 3
    assert settings.redis_url == "" and settings.sms_provider == "generic"
    custom = Settings.from_env(
        {
            "GATEWAY_PORT": "9000",
            "SMS_PROVIDER": "Twilio",
            "LINE_API_BASE": "http://127.0.0.1:1/",
            "SMS_SEGMENT_BUDGET": "2",
        }
    )
    assert (custom.port, custom.sms_provider, custom.line_api_base, custom.sms_segment_budget) == (
        9000,
        "twilio",
        "http://127.0.0.1:1",
        2,
    )
    for bad in (
        {"GATEWAY_PORT": "eighty"},
        {"SMS_PROVIDER": "pigeon"},
        {"SMS_SEGMENT_BUDGET": "0"},
        {"GATEWAY_PORT": "70000"},
    ):
        with pytest.raises(SettingsError):
            Settings.from_env(bad)


def test_secrets_never_appear_in_the_settings_repr() -> None:
    settings = Settings.from_env(
        {
            "LINE_CHANNEL_SECRET": "line-secret-xyz",
            "TWILIO_AUTH_TOKEN": "twilio-secret-xyz",
            "REDIS_URL": "redis://:pw-xyz@h/0",
        }
    )
    assert "xyz" not in repr(settings)


@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
async def test_stores_set_nx_ttl_delete(kind: str, tmp_path, redis_prefix: str) -> None:
    redis = None
    if kind == "memory":
        store = MemoryStore()
    elif kind == "sqlite":
        store = SqliteStore(tmp_path / "state.db")
    else:
        import redis.asyncio as aioredis

        redis = aioredis.from_url(REDIS_URL)
        store = RedisStore(redis, redis_prefix)
    assert await store.set_nx("k", "ไทย", 60) is True
    assert await store.set_nx("k", "other", 60) is False
    assert await store.get("k") == "ไทย"
    await store.set("short", "1", 1)
    await asyncio.sleep(1.2)
    assert await store.get("short") is None
    assert await store.set_nx("short", "2", 1) is True  # an expired key can be claimed again
    await store.delete("k")
    assert await store.get("k") is None
    await store.close()
    if redis is not None:
        await redis.aclose()


async def test_sqlite_store_survives_a_restart(tmp_path) -> None:
    first = SqliteStore(tmp_path / "state.db")
    await first.set("optout:sms:abc", "1")
    await first.close()
    second = SqliteStore(tmp_path / "state.db")
    assert await second.get("optout:sms:abc") == "1"
    await second.close()


async def test_gateway_without_redis_keeps_its_queue_in_the_sqlite_state_file(
    make_gateway, fake_line: FakeLine, fake_rasa: FakeRasa, tmp_path
) -> None:
    client = await make_gateway(redis_url="")
    queue = client.app[keys.QUEUE]
    assert isinstance(queue, SqliteQueue) and queue.durable is True
    assert (tmp_path / "gateway-state.db").exists()
    body = body_of(text_event("ทดสอบไม่มี redis", token="t-sqlite"))
    for _ in range(2):  # the second is a redelivery: stored once, answered once
        resp = await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
        assert resp.status == 200
    await eventually(lambda: len(fake_line.deliveries) == 1)
    await asyncio.sleep(0.2)
    assert len(fake_rasa.calls) == 1 and fake_rasa.calls[0]["message"] == "ทดสอบไม่มี redis"
    assert await queue.backlog() == 0
    ready = await (await client.get("/readyz")).json()
    assert ready["checks"]["queue"] is True and ready["checks"]["store"] is True


async def test_the_memory_backend_only_when_asked_and_it_says_it_is_not_durable(
    make_gateway, fake_line: FakeLine, fake_rasa: FakeRasa, caplog
) -> None:
    caplog.set_level(logging.WARNING)
    client = await make_gateway(redis_url="", backend="memory")
    assert client.app[keys.QUEUE].durable is False
    assert any("lost if the gateway stops" in r.getMessage() for r in caplog.records)
    body = body_of(text_event("ทดสอบในหน่วยความจำ", token="t-memory"))
    for _ in range(2):
        resp = await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
        assert resp.status == 200
    await eventually(lambda: len(fake_line.deliveries) == 1)
    await asyncio.sleep(0.2)
    assert len(fake_rasa.calls) == 1


async def test_acknowledgement_does_not_wait_for_rasa(
    make_gateway, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    fake_rasa.delay = 3.0  # a slow dialogue turn
    client = await make_gateway()
    body = body_of(text_event("ช้าหน่อยนะ"))
    loop = asyncio.get_running_loop()
    started = loop.time()
    resp = await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    assert resp.status == 200 and loop.time() - started < 1.0
    await eventually(lambda: len(fake_line.deliveries) == 1, timeout=10)


async def test_rasa_timeout_is_bounded_and_retried(
    make_gateway, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    from channels.settings import Timeouts

    fake_rasa.delay = 1.0
    client = await make_gateway(timeouts=Timeouts(rasa_total=0.3))
    body = body_of(text_event("หมดเวลา"))
    await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    await eventually(lambda: len(fake_rasa.calls) >= 2, timeout=5)  # each call cut at 0.3 s, then retried
    assert fake_line.deliveries == []
    fake_rasa.delay = 0.0
    await eventually(lambda: len(fake_line.deliveries) == 1, timeout=5)


async def test_sub_apps_are_mounted_and_share_the_gateway_resources(base_settings, aiohttp_client) -> None:
    from aiohttp import web

    from channels.app import create_app

    async def whoami(request: web.Request) -> web.Response:
        session = request.config_dict[keys.HTTP]  # the gateway's one shared session
        return web.json_response(
            {"shared_session": not session.closed, "port": request.config_dict[keys.SETTINGS].port}
        )

    def staff(config, engine) -> web.Application:
        sub = web.Application()
        sub.router.add_get("/whoami", whoami)
        return sub

    app = create_app(base_settings, channel_factories={}, subapps={"/staff/": staff})
    client = await aiohttp_client(app)
    resp = await client.get("/staff/whoami")
    assert resp.status == 200 and await resp.json() == {"shared_session": True, "port": 8080}


@pytest.mark.parametrize("backend", ["redis", "sqlite"])
async def test_dead_letters_cli_lists_failures_without_personal_data(
    make_gateway, fake_rasa, monkeypatch, capsys, redis_prefix, tmp_path, backend: str
) -> None:
    from channels import deadletters

    fake_rasa.status = 400  # Rasa rejects this event every time: it ends in the dead letters
    client = await make_gateway(max_attempts=2, **({"redis_url": ""} if backend == "sqlite" else {}))
    body = body_of(text_event("ข้อความลับของประชาชน"))
    await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    letters: list = []
    for _ in range(100):
        letters = await client.app[keys.QUEUE].dead_letters()
        if letters:
            break
        await asyncio.sleep(0.05)
    assert letters
    if backend == "redis":
        env = {"REDIS_URL": REDIS_URL, "GATEWAY_REDIS_PREFIX": redis_prefix}
    else:
        env = {"GATEWAY_STATE_DIR": str(tmp_path)}  # the running gateway's state file
    rows = await deadletters.list_dead_letters(deadletters.Settings.from_env(env), 10)
    assert rows[0]["channel"] == "line" and "rejected" in str(rows[0]["error"])
    assert "ข้อความลับ" not in str(rows) and "U1234567890" not in str(rows)


async def test_ack_only_process_and_worker_process_share_the_queue(
    base_settings, aiohttp_client, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    """GATEWAY_WORKER=0 acknowledges only; a second process (same Redis) answers."""
    from channels.app import create_app

    factories = {"line": "channels.line.adapter:build"}
    front = await aiohttp_client(
        create_app(base_settings.with_(worker_enabled=False), channel_factories=factories)
    )
    assert keys.WORKER not in front.app
    body = body_of(text_event("แยกโปรเซส", token="t-split"))
    assert (
        await front.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    ).status == 200
    await asyncio.sleep(0.3)
    assert fake_rasa.calls == []  # nobody works in the front process
    await aiohttp_client(create_app(base_settings, channel_factories=factories))
    await eventually(lambda: len(fake_line.deliveries) == 1)
    with pytest.raises(SettingsError):
        Settings.from_env({"GATEWAY_WORKER": "0"})  # without Redis nobody else could do the work


def test_backend_is_chosen_from_the_settings_by_an_explicit_registry(tmp_path) -> None:
    from channels.backends import BACKENDS

    assert set(BACKENDS) == {"redis", "sqlite", "memory"}
    assert Settings.from_env({}).backend_name == "sqlite"  # the default is durable
    assert Settings.from_env({"REDIS_URL": REDIS_URL}).backend_name == "redis"
    assert Settings.from_env({"GATEWAY_BACKEND": "memory"}).backend_name == "memory"
    for bad in ({"GATEWAY_BACKEND": "redis"}, {"GATEWAY_BACKEND": "kafka"}, {"GATEWAY_WORKER": "0"}):
        with pytest.raises(SettingsError):
            Settings.from_env(bad)
