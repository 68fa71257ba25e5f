"""End to end with the real Rasa 3.6 (trained model from models/) and the real action server:
the gateway's LINE and SMS adapters reach Rasa through our own input channels, and Rasa answers with
the `channel: line` / `channel: sms` variants of bot/domain/responses.yml.

No model in models/ is a failure with the instruction to run `make train`, never a skip.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from dialogue_servers import dialogue_stack  # noqa: E402

from tests.channels.conftest import LINE_SECRET, PRIVACY, SMS_SECRET, eventually  # noqa: E402
from tests.channels.line_payloads import body_of, signed_headers, text_event  # noqa: E402
from tests.channels.test_sms_webhook import generic_body, generic_headers  # noqa: E402
from tests.fakes import FakeLine, FakeSms  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


def greet_variants() -> dict[str, str]:
    responses = yaml.safe_load((ROOT / "bot" / "domain" / "responses.yml").read_text("utf-8"))["responses"]
    return {v.get("channel", "default"): v["text"] for v in responses["utter_greet"]}


@pytest.fixture(scope="module")
def real_rasa() -> Iterator[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="gw-e2e-") as tmp:
        workdir = Path(tmp)
        with dialogue_stack(workdir, f"sqlite:///{workdir / 'e2e.db'}") as stack:
            yield {"url": stack.rasa_url, "token": stack.token}


async def test_line_and_sms_get_their_channel_variants_from_real_rasa(
    real_rasa, make_gateway, fake_line: FakeLine, fake_sms: FakeSms
) -> None:
    variants = greet_variants()
    client = await make_gateway(
        channels={"line": "channels.line.adapter:build", "sms": "channels.sms.adapter:build"},
        rasa_url=real_rasa["url"],
        gateway_rasa_token=real_rasa["token"],
        sms_webhook_secret=SMS_SECRET,
        sms_api_base=fake_sms.url,
        privacy=PRIVACY,
    )
    assert (await client.get("/readyz")).status == 200
    user = "U" + uuid.uuid4().hex
    body = body_of(text_event("สวัสดีค่ะ", user=user, token="e2e-token"))
    assert (
        await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    ).status == 200
    await eventually(lambda: len(fake_line.deliveries) == 1, timeout=60)
    line_messages = fake_line.deliveries[0].messages
    assert line_messages[0]["text"] == variants["line"]
    labels = [i["action"]["label"] for i in line_messages[-1]["quickReply"]["items"]]
    assert "สอบถามบริการ" in labels
    assert fake_line.errors == []

    sms = generic_body("สวัสดีค่ะ", number="0899990000")
    assert (await client.post("/webhooks/sms/generic", data=sms, headers=generic_headers(sms))).status == 200
    await eventually(lambda: len(fake_sms.sent) == 1, timeout=60)
    text = fake_sms.sent[0]["text"]
    assert text.startswith(variants["sms"]) and "1) สอบถามบริการ" in text
    choice = generic_body("1", number="0899990000")
    assert (
        await client.post("/webhooks/sms/generic", data=choice, headers=generic_headers(choice))
    ).status == 200
    await eventually(lambda: len(fake_sms.sent) == 2, timeout=60)
    assert fake_sms.sent[1]["text"] and fake_sms.sent[1]["text"] != text  # "1" became /ask_service
    await asyncio.sleep(0)
