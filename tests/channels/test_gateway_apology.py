"""When Rasa answers a citizen with nothing (the action server is down, Rasa logs it and answers []),
the gateway apologises instead of leaving them in silence, on every channel."""

from __future__ import annotations

import uuid

from channels import keys
from channels.worker import APOLOGY
from tests.channels.conftest import LINE_SECRET, eventually
from tests.channels.line_payloads import body_of, signed_headers, text_event
from tests.channels.test_sms_webhook import post_sms
from tests.fakes import FakeLine, FakeRasa, FakeSms


async def test_an_empty_rasa_answer_becomes_an_apology_on_line(
    make_gateway, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    fake_rasa.responder = lambda body: []
    client = await make_gateway()
    user = "U" + uuid.uuid4().hex
    body = body_of(text_event("ขอเช็คสถานะเรื่อง", user=user, token="apology-token"))
    assert (
        await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    ).status == 200
    await eventually(lambda: len(fake_line.deliveries) == 1)
    assert fake_line.texts() == [APOLOGY.text]
    assert "คุยกับเจ้าหน้าที่" in (APOLOGY.text or "")
    assert client.app[keys.WORKER].stats["apologies"] == 1
    assert fake_line.errors == []


async def test_an_empty_rasa_answer_becomes_an_apology_on_sms(
    make_sms_gateway, fake_sms: FakeSms, fake_rasa: FakeRasa
) -> None:
    fake_rasa.responder = lambda body: []
    client = await make_sms_gateway()
    assert await post_sms(client, "ขอเช็คสถานะเรื่อง", number="0811112222") == 200
    await eventually(lambda: len(fake_sms.sent) == 1)
    assert fake_sms.texts_to("+66811112222") == [APOLOGY.text]


async def test_a_real_answer_gets_no_apology(make_gateway, fake_line: FakeLine, fake_rasa: FakeRasa) -> None:
    client = await make_gateway()
    body = body_of(text_event("สวัสดีค่ะ", token="fine-token"))
    assert (
        await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    ).status == 200
    await eventually(lambda: len(fake_line.deliveries) == 1)
    assert APOLOGY.text not in fake_line.texts()
    assert client.app[keys.WORKER].stats["apologies"] == 0
