"""Issue 14, finding 4: a lone UTF-16 surrogate in web chat or SMS text crashed Rasa's tokenizer five
times, the event was dead-lettered and the widget showed "typing" for ever.

Replayed through the real gateway with a Rasa stand-in that fails as Rasa's tokenizer does on a lone
surrogate; plus the other half of the promise: a turn that is dead-lettered anyway ends with an apology.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from channels import keys
from channels.text_input import sanitize_text
from channels.worker import APOLOGY
from tests.channels.conftest import LINE_SECRET, SMS_SECRET, TWILIO_TOKEN, eventually
from tests.channels.line_payloads import signed_headers, text_event
from tests.channels.web.webchat_fakes import open_chat
from tests.fakes import FakeLine, FakeRasa, FakeSms

pytestmark = pytest.mark.timeout(60)

SURROGATE_TEXT = "สวัสดี\ud800ครับ"
# Written by hand: json.dumps would refuse nothing, but we want exactly the escape a browser sends.
SURROGATE_JSON = '"สวัสดี\\ud800ครับ"'


def tokenizer_like(answer: Any) -> Any:
    """Rasa's stand-in: a lone surrogate in the message crashes it (HTTP 500), as the real one did."""

    def respond(body: dict[str, Any]) -> list[dict[str, Any]]:
        message = body.get("message") or ""
        message.encode("utf-8")  # UnicodeEncodeError on a lone surrogate -> 500
        return answer(body)

    return respond


def echo(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"recipient_id": body["sender"], "text": f"ได้รับ: {body['message']}"}]


def generic_raw(text_json: str, number: str = "0812345678") -> bytes:
    head = json.dumps({"id": uuid.uuid4().hex, "from": number, "to": "4567"})[:-1]
    return f'{head}, "text": {text_json}, "received_at": "2026-11-25T12:00:00+07:00"}}'.encode()


def hmac_headers(body: bytes) -> dict[str, str]:
    signature = base64.b64encode(hmac.new(SMS_SECRET.encode(), body, hashlib.sha256).digest()).decode()
    return {"X-Signature": signature, "Content-Type": "application/json"}


def test_the_sanitiser_removes_what_breaks_parsers_and_keeps_thai() -> None:
    dirty = "ไฟ\ud800ถนน\u202eดับ\u2066\x00\x1b[31m\x85\u200bครับ\nซอย\t5"
    clean = sanitize_text(dirty)
    clean.encode("utf-8")  # no lone surrogate left
    assert clean == "ไฟ\ufffdถนนดับ[31m\u200bครับ\nซอย\t5"  # zero-width: the NLU drops it
    assert sanitize_text(dirty, drop_invisible=True) == "ไฟ\ufffdถนนดับ[31mครับ\nซอย\t5"
    assert sanitize_text("ก" * 50, 10) == "ก" * 10
    assert sanitize_text("สวัสดีค่ะ 😀 ๑๒๓") == "สวัสดีค่ะ 😀 ๑๒๓"


async def test_web_chat_lone_surrogate_reaches_rasa_as_valid_text(gateway: Any, web_rasa: FakeRasa) -> None:
    web_rasa.responder = tokenizer_like(echo)
    client = await gateway()
    chat = await open_chat(client)
    await chat.send(f'{{"type": "message", "id": "m1", "text": {SURROGATE_JSON}}}')
    bot = await chat.until("bot")
    assert bot["reply_to"] == "m1"
    [request] = web_rasa.requests
    request["message"].encode("utf-8")
    assert request["message"].startswith("สวัสดี") and request["message"].endswith("ครับ")
    assert await client.app[keys.QUEUE].dead_letters() == []
    await chat.close()


async def test_sms_lone_surrogate_reaches_rasa_as_valid_text(
    make_sms_gateway: Any, fake_sms: FakeSms, fake_rasa: FakeRasa
) -> None:
    fake_rasa.responder = tokenizer_like(echo)
    client = await make_sms_gateway()
    body = generic_raw(SURROGATE_JSON)
    assert (await client.post("/webhooks/sms/generic", data=body, headers=hmac_headers(body))).status == 200
    await eventually(lambda: len(fake_sms.sent) == 1)
    fake_rasa.calls[0]["message"].encode("utf-8")
    assert fake_sms.sent[0]["text"].startswith("ได้รับ: สวัสดี")
    assert await client.app[keys.QUEUE].dead_letters() == []


async def test_twilio_lone_surrogate_reaches_rasa_as_valid_text(
    make_sms_gateway: Any, fake_sms: FakeSms, fake_rasa: FakeRasa
) -> None:
    fake_rasa.responder = tokenizer_like(echo)
    client = await make_sms_gateway()
    # A form body percent-encodes UTF-8, which cannot carry a surrogate; control and bidi characters
    # are what arrives this way. They must not reach Rasa.
    params = {"MessageSid": "SM" + uuid.uuid4().hex, "From": "+66812345678", "To": "4567"}
    params["Body"] = "ก\u202eข\x07ค"
    url = str(client.make_url("/webhooks/sms/twilio"))
    headers = {
        "X-Twilio-Signature": RequestValidator(TWILIO_TOKEN).compute_signature(url, params),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    resp = await client.post("/webhooks/sms/twilio", data=urlencode(params), headers=headers)
    assert resp.status == 200, await resp.text()
    await eventually(lambda: len(fake_rasa.calls) == 1)
    assert fake_rasa.calls[0]["message"] == "กขค"


async def test_line_text_with_a_lone_surrogate_and_bidi_reaches_rasa_clean(
    make_gateway: Any, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    fake_rasa.responder = tokenizer_like(echo)
    client = await make_gateway()
    event = text_event("PLACEHOLDER", token="surrogate-token")
    body = json.dumps({"destination": "U" + "x" * 32, "events": [event]}, ensure_ascii=True)
    body_bytes = body.replace('"PLACEHOLDER"', '"\\u202e\\u0000ok\\ud800"').encode("utf-8")
    headers = signed_headers(body_bytes, LINE_SECRET)
    resp = await client.post("/webhooks/line", data=body_bytes, headers=headers)
    assert resp.status == 200
    await eventually(lambda: len(fake_line.deliveries) == 1)
    assert fake_rasa.calls[0]["message"] == "ok\ufffd"


async def test_a_dead_lettered_web_turn_ends_with_an_apology(gateway: Any, web_rasa: FakeRasa) -> None:
    web_rasa.status = 500  # Rasa rejects the turn every time: the worker gives up and dead-letters it
    client = await gateway(core={"max_attempts": 2, "retry_base_seconds": 0.01, "retry_max_seconds": 0.02})
    chat = await open_chat(client)
    await chat.send({"type": "message", "id": "m1", "text": "สวัสดีครับ"})
    bot = await chat.until("bot", timeout=10)
    assert bot["reply_to"] == "m1"
    assert [entry["text"] for entry in bot["entries"]] == [APOLOGY.text]
    assert client.app[keys.WORKER].stats["dead_letter_apologies"] == 1
    for _ in range(200):
        if await client.app[keys.QUEUE].dead_letters():
            break
        await asyncio.sleep(0.02)
    assert len(await client.app[keys.QUEUE].dead_letters()) == 1
    await chat.close()


async def test_a_dead_lettered_sms_turn_ends_with_an_apology(
    make_sms_gateway: Any, fake_sms: FakeSms, fake_rasa: FakeRasa
) -> None:
    fake_rasa.status = 500
    client = await make_sms_gateway(max_attempts=2)
    body = generic_raw('"ขอเช็คสถานะเรื่อง"', number="0811112222")
    assert (await client.post("/webhooks/sms/generic", data=body, headers=hmac_headers(body))).status == 200
    await eventually(lambda: len(fake_sms.sent) == 1)
    assert fake_sms.texts_to("+66811112222") == [APOLOGY.text]
    await eventually(lambda: client.app[keys.WORKER].stats["dead_letter_apologies"] == 1)
