"""SMS end to end: signed callbacks (generic HMAC, Twilio), Thai segments, numbered options, opt-out."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import uuid
from typing import Any
from urllib.parse import urlencode

import redis.asyncio as aioredis
from twilio.request_validator import RequestValidator

from channels import keys
from channels.sms.render import MORE_FOOTER, segments
from privacy import PersonalData
from tests.channels.conftest import PRIVACY, REDIS_URL, SMS_SECRET, TWILIO_TOKEN, eventually
from tests.fakes import FakeRasa, FakeSms

NUMBER = "0812345678"
E164 = "+66812345678"


def generic_body(text: str, number: str = NUMBER, message_id: str | None = None) -> bytes:
    payload = {
        "id": message_id or uuid.uuid4().hex,
        "from": number,
        "to": "4567",
        "text": text,
        "received_at": "2026-11-25T12:00:00+07:00",
    }
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def generic_headers(body: bytes, secret: str = SMS_SECRET) -> dict[str, str]:
    signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return {"X-Signature": signature, "Content-Type": "application/json"}


async def post_sms(client: Any, text: str, number: str = NUMBER) -> int:
    body = generic_body(text, number)
    resp = await client.post("/webhooks/sms/generic", data=body, headers=generic_headers(body))
    return resp.status


async def test_generic_signature_valid_invalid_missing(
    make_sms_gateway, fake_sms: FakeSms, fake_rasa: FakeRasa
) -> None:
    client = await make_sms_gateway()
    body = generic_body("สวัสดีค่ะ ขอถามเรื่องบัตรสวัสดิการ")
    assert (await client.post("/webhooks/sms/generic", data=body)).status == 401
    bad = generic_headers(body, "wrong-secret")
    assert (await client.post("/webhooks/sms/generic", data=body, headers=bad)).status == 401
    tampered = body.replace(b"4567", b"4568")
    assert (
        await client.post("/webhooks/sms/generic", data=tampered, headers=generic_headers(body))
    ).status == 401
    await asyncio.sleep(0.2)
    assert fake_rasa.calls == [] and fake_sms.sent == []
    assert (
        await client.post("/webhooks/sms/generic", data=body, headers=generic_headers(body))
    ).status == 200
    await eventually(lambda: len(fake_sms.sent) == 1)
    assert fake_rasa.calls[0]["message"] == "สวัสดีค่ะ ขอถามเรื่องบัตรสวัสดิการ"
    assert fake_rasa.paths == ["/webhooks/sms/webhook"]
    sender = fake_rasa.calls[0]["sender"]
    assert sender.startswith("sms:") and "812345678" not in json.dumps(fake_rasa.calls[0])
    # The number reaches Rasa only sealed (a complaint filed by SMS needs it for its notices): the
    # action server opens it with the same key; Rasa and its tracker store see ciphertext.
    sealed = fake_rasa.calls[0]["metadata"]["extra"]["n"]
    assert "812345678" not in sealed and PersonalData(PRIVACY).open(sealed) == E164
    sent = fake_sms.sent[0]
    assert sent["to"] == E164 and sent["text"].startswith("ได้รับ: สวัสดีค่ะ")


async def test_bad_payloads_are_400(make_sms_gateway) -> None:
    client = await make_sms_gateway()
    for body in (
        b"{oops",
        b"[]",
        json.dumps({"id": "1", "from": "not a number", "text": "x"}).encode(),
        json.dumps({"id": "1", "from": NUMBER}).encode(),
    ):
        resp = await client.post("/webhooks/sms/generic", data=body, headers=generic_headers(body))
        assert resp.status == 400, body


async def test_twilio_signature_checked_against_public_url(
    make_sms_gateway, fake_sms: FakeSms, fake_rasa: FakeRasa
) -> None:
    public = "https://bot.example.go.th"
    client = await make_sms_gateway(public_base_url=public, sms_provider="twilio")
    params = {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "From": "+66891112222",
        "To": "+15005550006",
        "Body": "ขอเบอร์ อบต. ครับ",
    }
    body = urlencode(params).encode()
    validator = RequestValidator(TWILIO_TOKEN)
    good = validator.compute_signature(f"{public}/webhooks/sms/twilio", params)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    internal = validator.compute_signature(str(client.make_url("/webhooks/sms/twilio")), params)
    resp = await client.post(
        "/webhooks/sms/twilio", data=body, headers={**headers, "X-Twilio-Signature": internal}
    )
    assert resp.status == 401  # signed for the internal host, but Twilio signs the public URL
    assert (await client.post("/webhooks/sms/twilio", data=body, headers=headers)).status == 401
    resp = await client.post(
        "/webhooks/sms/twilio", data=body, headers={**headers, "X-Twilio-Signature": good}
    )
    assert resp.status == 200 and resp.content_type == "text/xml"
    assert "<Response>" in await resp.text()
    await eventually(lambda: len(fake_sms.sent) == 1)
    assert fake_rasa.calls[0]["message"] == "ขอเบอร์ อบต. ครับ"
    assert fake_sms.sent[0]["api"] == "twilio" and fake_sms.sent[0]["to"] == "+66891112222"


def test_segment_counting_follows_ucs2_rules() -> None:
    assert segments("ก" * 70) == 1 and segments("ก" * 71) == 2
    assert segments("ก" * 134) == 2 and segments("ก" * 135) == 3  # 67 per part when concatenated
    assert segments("😀" * 35) == 1 and segments("😀" * 36) == 2  # an emoji costs two units
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2  # GSM-7 when there is no Thai


async def test_numbered_options_map_digits_to_payloads(
    make_sms_gateway, fake_sms: FakeSms, fake_rasa: FakeRasa
) -> None:
    client = await make_sms_gateway()
    assert await post_sms(client, "สวัสดี") == 200
    await eventually(lambda: len(fake_sms.sent) == 1)
    text = fake_sms.sent[0]["text"]
    assert "1) ถามเรื่องบริการ" in text and "2) คุยกับเจ้าหน้าที่" in text
    assert "[" not in text and "*" not in text
    assert await post_sms(client, "๒") == 200  # a Thai digit picks option 2
    await eventually(lambda: len(fake_rasa.calls) == 2)
    assert fake_rasa.calls[1]["message"] == "/request_human"


async def test_long_answer_respects_budget_and_offers_the_rest(
    make_sms_gateway, fake_sms: FakeSms, fake_rasa: FakeRasa
) -> None:
    long_text = "ขั้นตอนการขอบัตรประชาชนใหม่ เตรียมทะเบียนบ้านและบัตรเดิม ติดต่อสำนักงานเขตใกล้บ้าน " * 12
    fake_rasa.responder = lambda body: (
        [{"text": long_text, "buttons": [{"title": "ถามต่อ", "payload": "/ask_service"}]}]
        if body["message"] != "/ask_service"
        else [{"text": "ถามได้เลยค่ะ"}]
    )
    client = await make_sms_gateway(sms_segment_budget=3)
    assert await post_sms(client, "ทำบัตรประชาชนใหม่") == 200
    await eventually(lambda: len(fake_sms.sent) == 1)
    first = fake_sms.sent[0]["text"]
    assert segments(first) <= 3 and first.endswith(MORE_FOOTER)
    calls_before = len(fake_rasa.calls)
    pieces = [first.removesuffix(MORE_FOOTER).strip()]
    for _ in range(10):
        count = len(fake_sms.sent)
        assert await post_sms(client, "1") == 200
        await eventually(lambda c=count: len(fake_sms.sent) == c + 1)
        latest = fake_sms.sent[-1]["text"]
        assert segments(latest) <= 3
        if not latest.endswith(MORE_FOOTER):
            pieces.append(latest)
            break
        pieces.append(latest.removesuffix(MORE_FOOTER).strip())
    assert len(fake_rasa.calls) == calls_before  # read-more is answered by the gateway, not Rasa
    joined = "".join(p.replace("\n", "").replace(" ", "") for p in pieces)
    assert long_text.replace(" ", "") in joined  # nothing lost between the parts
    assert pieces[-1].endswith("1) ถามต่อ")  # options come with the last part and work
    assert await post_sms(client, "1") == 200
    await eventually(lambda: fake_rasa.calls[-1]["message"] == "/ask_service")


async def test_stop_start_help(
    make_sms_gateway, fake_sms: FakeSms, fake_rasa: FakeRasa, aiohttp_client
) -> None:
    client = await make_sms_gateway()
    assert await post_sms(client, "หยุด") == 200
    await eventually(lambda: len(fake_sms.sent) == 1)
    assert "ยกเลิกการรับข้อความแล้ว" in fake_sms.sent[0]["text"]
    assert fake_rasa.calls == []  # keywords never reach Rasa
    assert await post_sms(client, "สอบถามหน่อย") == 200
    await eventually(lambda: len(fake_rasa.calls) == 1)
    await asyncio.sleep(0.3)
    assert len(fake_sms.sent) == 1  # Rasa answered, but nothing goes to an opted-out number
    sms = client.app[keys.CHANNELS]["sms"]
    assert await sms.sender.send("+66 81 234 5678", "แจ้งสถานะเรื่อง", key="notice-1") is False  # proactive too
    for word in ("START", "help"):
        assert await post_sms(client, word) == 200
    await eventually(lambda: len(fake_sms.sent) == 3)
    assert "เริ่มรับข้อความอีกครั้ง" in fake_sms.sent[1]["text"] and "STOP" in fake_sms.sent[2]["text"]
    assert await sms.sender.send(NUMBER, "แจ้งสถานะเรื่อง", key="notice-2") is True
    for word in ("ยกเลิก", "STOP", " stop. "):
        assert await post_sms(client, word) == 200
    await eventually(lambda: len(fake_sms.sent) == 7)
    assert all("ยกเลิกการรับข้อความแล้ว" in m["text"] for m in fake_sms.sent[4:])


async def test_phone_numbers_never_in_logs_or_redis_in_clear(
    make_sms_gateway, fake_sms: FakeSms, redis_prefix: str, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    client = await make_sms_gateway()
    await post_sms(client, "หยุด")
    await post_sms(client, "สวัสดี")
    await eventually(lambda: len(fake_sms.sent) >= 1)
    await asyncio.sleep(0.3)
    for fragment in ("812345678", "0812345678"):
        assert fragment not in caplog.text
    redis = aioredis.from_url(REDIS_URL)
    try:
        dump = []
        async for key in redis.scan_iter(match=f"{redis_prefix}:*"):
            dump.append(key.decode())
            kind = (await redis.type(key)).decode()
            if kind == "string":
                dump.append((await redis.get(key)).decode())
            elif kind == "stream":
                dump.extend(
                    json.dumps({k.decode(): v.decode() for k, v in f.items()})
                    for _, f in await redis.xrange(key)
                )
        assert dump and not any("812345678" in item for item in dump)
    finally:
        await redis.aclose()


async def test_provider_failures_are_retried_with_the_same_idempotency_key(
    make_sms_gateway, fake_sms: FakeSms
) -> None:
    fake_sms.fail_first = 2
    client = await make_sms_gateway()
    await post_sms(client, "ทดสอบ")
    await eventually(lambda: len(fake_sms.sent) == 1)
    assert fake_sms.requests == 3 and fake_sms.sent[0]["key"]


async def test_provider_timeout_is_bounded_and_ends_in_dead_letter(
    make_sms_gateway, fake_sms: FakeSms
) -> None:
    from channels.settings import Timeouts

    fake_sms.latency = 3.0
    client = await make_sms_gateway(timeouts=Timeouts(sms_total=0.2), max_attempts=2)
    await post_sms(client, "ช้า")
    queue = client.app[keys.QUEUE]
    letters: list[Any] = []

    async def dead() -> bool:
        letters[:] = await queue.dead_letters()
        return bool(letters)

    for _ in range(100):
        if await dead():
            break
        await asyncio.sleep(0.05)
    assert letters and "delivery failed for good" in letters[0].error
    assert "812345678" not in json.dumps(letters[0].event)


async def test_sms_disabled_without_secrets(base_settings, aiohttp_client, caplog) -> None:
    from channels.app import create_app

    caplog.set_level(logging.WARNING, logger="channels.app")
    app = create_app(base_settings, channel_factories={"sms": "channels.sms.adapter:build"}, subapps={})
    assert [r.getMessage() for r in caplog.records] == [
        "channel sms disabled: neither SMS_WEBHOOK_SECRET nor TWILIO_AUTH_TOKEN is set"
    ]
    client = await aiohttp_client(app)
    assert (await client.post("/webhooks/sms/generic", data=b"{}")).status == 404


async def test_direct_address_is_the_number_sealed_on_arrival(make_sms_gateway) -> None:
    """What a staff reply is later sent to (channels.base.Channel.direct_address): the E.164 number,
    opened from the event's sealed copy; nothing when that copy is missing or foreign."""
    from channels import keys
    from channels.messages import Inbound

    client = await make_sms_gateway()
    sms = client.app[keys.CHANNELS]["sms"]
    sealed = sms._vault.seal("+66812345678")

    def event(extra: dict[str, str]) -> Inbound:
        return Inbound(channel="sms", event_id="e1", sender_id="sms:x", kind="text", text="hi", extra=extra)

    assert sms.direct_address(event({"n": sealed})) == "+66812345678"
    assert sms.direct_address(event({})) is None
    assert sms.direct_address(event({"n": "not-sealed-by-us"})) is None
