"""LINE webhook end to end through the real gateway app, real Redis, the fake LINE API and a fake Rasa."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

from linebot.v3.webhook import SignatureValidator

from channels import keys
from channels.line.adapter import retry_key
from channels.line.parse import event_key
from tests.channels.conftest import LINE_SECRET, eventually
from tests.channels.line_payloads import FIXTURE, body_of, fixture_body, signed_headers, text_event
from tests.fakes import FakeLine, FakeRasa

USER = "U1234567890abcdef1234567890abcdef"


async def test_sdk_fixture_signed_is_accepted_and_every_event_handled_or_skipped(
    make_gateway, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    body = fixture_body()
    headers = signed_headers(body, LINE_SECRET)
    # Our signature is exactly what LINE's SDK validator expects.
    assert SignatureValidator(LINE_SECRET).validate(body.decode("utf-8"), headers["X-Line-Signature"])
    client = await make_gateway()
    resp = await client.post("/webhooks/line", data=body, headers=headers)
    assert resp.status == 200
    # 28 events: 14 the bot acts on, one of which is a redelivery of the first (deduplicated); the
    # unfollow is answered locally. 14 are skipped on purpose (join, beacon, video, unknown type...).
    await eventually(lambda: len(fake_rasa.calls) == 12)
    await asyncio.sleep(0.3)
    assert len(fake_rasa.calls) == 12
    messages = sorted(c["message"] for c in fake_rasa.calls)
    assert messages.count("Hello, world") == 3  # user, group, room (the redelivery is not here)
    assert "/greet" in messages and "/share_image" in messages and "/share_sticker" in messages
    assert any(m.startswith('/share_location{"latitude": 35.659') for m in messages)
    assert messages.count("action=buyItem&itemId=123123&color=red") == 4
    assert {p for p in fake_rasa.paths} == {"/webhooks/line/webhook"}
    assert all(c["metadata"]["channel"] == "line" for c in fake_rasa.calls)
    # The events are fresh (fixture_body), so answers go by reply token, or by push with a retry key
    # where the fixture reuses a token. The unfollow (8th event) is recorded before the 200, so pushes
    # to that user stop from then on: at most the four user events published before it may still have
    # been answered. Group and room get theirs.
    stats = client.app[keys.WORKER].stats
    await eventually(lambda: stats["answered"] == 13)
    targets = [d.target for d in fake_line.deliveries]
    assert "Ca56f94637cc4347f90a25382909b24b9" in targets
    assert targets.count("Ra8dbf4673c4c812cd491258042226c99") == 2
    assert targets.count("U206d25c2ea6bd87c17655609a1c37cb8") <= 4
    assert all(d.kind == "reply" or (d.kind == "push" and d.retry_key) for d in fake_line.deliveries)
    assert fake_line.errors == []
    assert stats["accepted"] == 13 and stats["duplicates"] == 1


async def test_tampered_body_is_rejected_and_nothing_processed(make_gateway, fake_rasa: FakeRasa) -> None:
    body = fixture_body()
    headers = signed_headers(body, LINE_SECRET)
    tampered = body.replace(b"Hello, world", b"Hello, World")
    client = await make_gateway()
    resp = await client.post("/webhooks/line", data=tampered, headers=headers)
    assert resp.status == 401
    await asyncio.sleep(0.3)
    assert fake_rasa.calls == []
    assert await client.app[keys.QUEUE].backlog() == 0


async def test_unsigned_and_wrongly_signed_bodies_are_rejected(make_gateway, fake_rasa: FakeRasa) -> None:
    body = body_of(text_event("สวัสดี"))
    client = await make_gateway()
    assert (await client.post("/webhooks/line", data=body)).status == 401
    wrong = signed_headers(body, "another-secret")
    assert (await client.post("/webhooks/line", data=body, headers=wrong)).status == 401
    garbage = {"X-Line-Signature": "not base64 ✗"}
    assert (await client.post("/webhooks/line", data=body, headers=garbage)).status == 401
    await asyncio.sleep(0.2)
    assert fake_rasa.calls == []


async def test_malformed_json_is_400_and_empty_events_is_200(make_gateway) -> None:
    client = await make_gateway()
    for bad in (b"{not json", b'["events"]', b'{"events": {}}', "ไม่ใช่ json".encode(), b"\xff\xfe"):
        resp = await client.post("/webhooks/line", data=bad, headers=signed_headers(bad, LINE_SECRET))
        assert resp.status == 400, bad
    check = b'{"destination":"Uxxx","events":[]}'  # LINE's "Verify" button sends this
    resp = await client.post("/webhooks/line", data=check, headers=signed_headers(check, LINE_SECRET))
    assert resp.status == 200


async def test_huge_body_is_refused_with_413(make_gateway, fake_rasa: FakeRasa) -> None:
    client = await make_gateway(max_body_bytes=64 * 1024)
    body = body_of(text_event("ก" * 100_000))
    resp = await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    assert resp.status == 413
    assert fake_rasa.calls == []


async def test_thai_text_round_trip_by_reply_with_quick_replies(
    make_gateway, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    text = "สวัสดีครับ ขอทำบัตรประชาชนใหม่ต้องใช้อะไรบ้าง"
    event = text_event(text, token="fresh-token-1")
    body = body_of(event)
    fake_rasa.delay = 0.6  # slower than the typing delay: the loading animation is shown first
    client = await make_gateway(typing_delay_seconds=0.2)
    resp = await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    assert resp.status == 200
    await eventually(lambda: len(fake_line.deliveries) == 1)
    assert fake_rasa.calls[0]["message"] == text
    assert fake_rasa.calls[0]["sender"] == f"line:{USER}"
    delivery = fake_line.deliveries[0]
    assert delivery.kind == "reply" and delivery.target == "fresh-token-1"
    assert delivery.messages[0]["text"] == f"ได้รับ: {text}"
    items = delivery.messages[-1]["quickReply"]["items"]
    assert [i["action"]["data"] for i in items] == ["/ask_service", "/request_human"]
    assert all(len(i["action"]["label"]) <= 20 for i in items)
    assert fake_line.loading == [USER]  # loading animation shown while the bot worked
    assert fake_line.errors == []


async def test_duplicate_delivery_is_processed_once(
    make_gateway, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    event = text_event("ขอเบอร์ติดต่อเขต", event_id="01HDUPLICATEEVENT0000000000")
    redelivered = {**event, "deliveryContext": {"isRedelivery": True}}
    client = await make_gateway()
    for payload in (event, event, redelivered):
        body = body_of(payload)
        resp = await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
        assert resp.status == 200
    await eventually(lambda: len(fake_line.deliveries) == 1)
    await asyncio.sleep(0.3)
    assert len(fake_rasa.calls) == 1 and len(fake_line.deliveries) == 1
    assert client.app[keys.WORKER].stats["duplicates"] == 2
    assert fake_line.loading == []  # a quick answer needs no loading animation


async def test_rejected_reply_token_falls_back_to_push_with_stable_retry_key(
    make_gateway, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    fake_line.fail_first = 2  # LINE hiccups twice: the worker retries with the same key
    event = text_event("ติดตามเรื่องร้องเรียน", token="expired-token")
    body = body_of(event)
    client = await make_gateway()
    resp = await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    assert resp.status == 200
    await eventually(lambda: len(fake_line.deliveries) == 1)
    await asyncio.sleep(0.3)
    pushes = [r for r in fake_line.bodies if r[0] == "/v2/bot/message/push"]
    assert len(pushes) == 3 and len(fake_line.deliveries) == 1
    delivery = fake_line.deliveries[0]
    assert delivery.kind == "push" and delivery.target == USER
    assert delivery.retry_key == retry_key(event_key(event))
    assert fake_line.errors == []


async def test_stale_reply_token_goes_straight_to_push(make_gateway, fake_line: FakeLine) -> None:
    event = text_event("ยังอยู่ไหม", token="old-token", age_seconds=120)
    body = body_of(event)
    client = await make_gateway()
    await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    await eventually(lambda: len(fake_line.deliveries) == 1)
    assert [r[0] for r in fake_line.bodies if "message" in r[0]] == ["/v2/bot/message/push"]


async def test_odd_texts_pass_through_unchanged(
    make_gateway, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    texts = ["😀🙏", "บัตร\u200bประชาชน\u200c", "๑๒๓๔", "ต่อ passport ได้ที่ไหน", "ก" * 5000, " "]
    client = await make_gateway()
    for i, text in enumerate(texts):
        body = body_of(text_event(text, user=f"U{i:032d}"))
        resp = await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
        assert resp.status == 200
    await eventually(lambda: len(fake_line.deliveries) == len(texts))
    assert sorted(c["message"] for c in fake_rasa.calls) == sorted(texts)
    long_reply = next(d for d in fake_line.deliveries if len(d.messages[0]["text"]) >= 5000)
    assert all(len(m["text"]) <= 5000 for m in long_reply.messages)  # split, LINE's per-message limit
    assert fake_line.errors == []


async def test_per_user_rate_limit_drops_the_flood_only(make_gateway, fake_rasa: FakeRasa) -> None:
    client = await make_gateway(rate_limit_events=3)
    flood = [text_event(f"ข้อความ {i}") for i in range(6)]
    body = body_of(*flood)
    assert (
        await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    ).status == 200
    other = body_of(text_event("คนอื่น", user="U" + "f" * 32))
    assert (
        await client.post("/webhooks/line", data=other, headers=signed_headers(other, LINE_SECRET))
    ).status == 200
    await eventually(lambda: len(fake_rasa.calls) == 4)
    await asyncio.sleep(0.3)
    assert fake_rasa.messages_of(f"line:{USER}") == ["ข้อความ 0", "ข้อความ 1", "ข้อความ 2"]
    assert client.app[keys.WORKER].stats["rate_limited"] == 3


async def test_messages_of_one_citizen_keep_their_order_while_rasa_is_down(
    make_gateway, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    fake_rasa.status = 503
    client = await make_gateway()
    for i in range(5):
        body = body_of(text_event(f"ลำดับ {i}"))
        resp = await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
        assert resp.status == 200  # accepted although Rasa is down
    await asyncio.sleep(0.5)
    assert fake_line.deliveries == []
    assert (await client.get("/readyz")).status == 503 or fake_rasa.status == 503
    fake_rasa.status = 200
    await eventually(lambda: len(fake_line.deliveries) == 5)
    assert fake_rasa.messages_of(f"line:{USER}") == [f"ลำดับ {i}" for i in range(5)]
    assert [d.messages[0]["text"] for d in fake_line.deliveries] == [f"ได้รับ: ลำดับ {i}" for i in range(5)]
    assert client.app[keys.WORKER].stats["rasa_retries"] > 0


async def test_line_api_timeout_falls_back_then_dead_letters(
    make_gateway, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    """A LINE API that never answers costs a bounded time per call, then the push path takes over."""
    fake_line.reply_delay = 2.0
    client = await make_gateway(timeouts=__import__("channels.settings").settings.Timeouts(line_total=0.3))
    body = body_of(text_event("ช้ามาก", token="slow-token"))
    await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    await eventually(lambda: any(d.kind == "push" for d in fake_line.deliveries), timeout=5)
    assert len([d for d in fake_line.deliveries if d.kind == "push"]) == 1


async def test_disabled_without_secrets_one_log_line(base_settings, aiohttp_client, caplog) -> None:
    from channels.app import create_app

    caplog.set_level(logging.WARNING, logger="channels.app")
    app = create_app(
        base_settings.with_(line_channel_secret=""), channel_factories={"line": "channels.line.adapter:build"}
    )
    lines = [r.getMessage() for r in caplog.records if "line" in r.getMessage()]
    assert lines == ["channel line disabled: LINE_CHANNEL_SECRET not set"]
    client = await aiohttp_client(app)
    assert (await client.post("/webhooks/line", data=b"{}")).status == 404
    assert (await client.get("/healthz")).status == 200


async def test_health_and_readiness(make_gateway, fake_rasa: FakeRasa) -> None:
    client = await make_gateway()
    assert (await client.get("/healthz")).status == 200
    resp = await client.get("/readyz")
    body = await resp.json()
    assert resp.status == 200
    assert body["checks"] == {"rasa": True, "queue": True, "store": True, "database": True}
    assert body["queue_durable"] is True and body["channels"] == ["line"]


async def test_readiness_fails_when_rasa_is_unreachable(make_gateway) -> None:
    client = await make_gateway(rasa_url="http://127.0.0.1:9")
    resp = await client.get("/readyz")
    assert resp.status == 503
    assert (await resp.json())["checks"]["rasa"] is False


def test_dedupe_key_ignores_only_the_delivery_context() -> None:
    event = json.loads(Path(FIXTURE).read_text())["events"][0]
    again = {**event, "deliveryContext": {"isRedelivery": True}}
    other = {**event, "message": {**event["message"], "text": "other"}}
    assert event_key(event) == event_key(again) != event_key(other)


async def test_image_content_can_be_fetched_later_by_its_message_id(
    make_gateway, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    client = await make_gateway(line_data_api_base=fake_line.url)
    fake_line.contents["325708"] = (b"\xff\xd8jpeg-bytes", "image/jpeg")
    channel = client.app[keys.CHANNELS]["line"]
    assert await channel.client.fetch_content("325708") == b"\xff\xd8jpeg-bytes"
    from channels.line.client import LineApiError

    try:
        await channel.client.fetch_content("missing")
    except LineApiError as exc:
        assert exc.status == 404 and not exc.retryable
    else:
        raise AssertionError("a missing image must raise")
