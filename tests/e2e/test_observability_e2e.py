"""End to end, observability (issue 15): one request id from the load balancer's header through the
gateway, the real Rasa 3.6 and the real action server; /metrics on the gateway and the action server.

A LINE citizen's signed webhook arrives with `X-Request-ID` (as HAProxy or nginx would set it). The
id must come back on the webhook's answer, sit on the user event in Rasa's tracker, and tag the action
server's JSON log line for each action the message ran — while neither the message text nor the
LINE user id appears in that log.
"""

from __future__ import annotations

import json
import secrets
import sys
import urllib.request
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from dialogue_servers import RASA_AUTH_TOKEN, dialogue_stack, http_json  # noqa: E402

from appconfig import AppSettings  # noqa: E402
from channels.app import create_app  # noqa: E402
from channels.settings import Settings  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from privacy import PrivacySettings  # noqa: E402
from tests.channels.conftest import LINE_SECRET, REDIS_URL, eventually  # noqa: E402
from tests.channels.line_payloads import body_of, signed_headers, text_event  # noqa: E402
from tests.databases import throwaway_redis_prefix  # noqa: E402
from tests.fakes import FakeLine, serve  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

KEYS = PrivacySettings.generate()
QUESTION = "ต่อใบขับขี่ต้องใช้เอกสารอะไรบ้าง"


def counters(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


async def test_one_request_id_from_the_webhook_to_the_actions(
    tmp_path: Path, aiohttp_server: Any, aiohttp_client: Any
) -> None:
    url = f"sqlite:///{tmp_path / 'govbot.db'}"
    upgrade(url)
    fake_line = await serve(aiohttp_server, FakeLine())
    user = "U" + uuid.uuid4().hex
    rid = f"lb-{uuid.uuid4().hex[:20]}"
    with dialogue_stack(tmp_path, url, action_env={**KEYS.to_environ(), "LOG_FORMAT": "json"}) as stack:
        async with throwaway_redis_prefix("observability-e2e", REDIS_URL) as prefix:
            gateway_settings = Settings(
                rasa_url=stack.rasa_url,
                gateway_rasa_token=stack.token,
                redis_url=REDIS_URL,
                redis_prefix=prefix,
                state_dir=str(tmp_path),
                line_channel_secret=LINE_SECRET,
                line_channel_access_token=fake_line.token,
                line_api_base=fake_line.url,
                privacy=KEYS,
            )
            config = replace(
                AppSettings.from_environ(
                    {**KEYS.to_environ(), "DATABASE_URL": url, "CASES_SECRET_KEY": secrets.token_hex(32)}
                ),
                gateway=gateway_settings,
            )
            gateway = await aiohttp_client(
                create_app(config, channel_factories={"line": "channels.line.adapter:build"}, subapps={})
            )
            body = body_of(text_event(QUESTION, user=user))
            resp = await gateway.post(
                "/webhooks/line",
                data=body,
                headers={**signed_headers(body, LINE_SECRET), "X-Request-ID": rid},
            )
            assert resp.status == 200 and resp.headers["X-Request-ID"] == rid
            await eventually(lambda: bool(fake_line.deliveries), timeout=60)
            assert any("ใบขับขี่" in text for text in fake_line.texts()), fake_line.texts()

            # Rasa keeps the id on the user event.
            status, tracker = http_json(
                "GET", f"{stack.rasa_url}/conversations/line:{user}/tracker?token={RASA_AUTH_TOKEN}"
            )
            assert status == 200
            users = [e for e in tracker["events"] if e["event"] == "user"]
            assert [e["metadata"].get("request_id") for e in users] == [rid]

            # The action server's JSON lines for this message carry it; no text, no user id.
            log_text = stack.actions.log_path.read_text("utf-8")
            lines = [json.loads(line) for line in log_text.splitlines() if line.startswith("{")]
            tagged = [line for line in lines if line.get("request_id") == rid]
            assert any(
                line["logger"] == "actions.metrics" and " ok in " in line["message"] for line in tagged
            ), tagged
            assert QUESTION not in log_text and user not in log_text

            # /metrics: the gateway counted the webhook, the action server the actions it ran.
            gateway_metrics = await (await gateway.get("/metrics")).text()
            requests = counters(gateway_metrics, "gateway_http_requests_total")
            assert requests[(("channel", "line"), ("route", "/webhooks/line"), ("status", "200"))] == 1
            with urllib.request.urlopen(
                f"http://127.0.0.1:{stack.action_port}/metrics", timeout=10
            ) as response:
                action_metrics = response.read().decode("utf-8")
            calls = counters(action_metrics, "actions_calls_total")
            ran = {labels: value for labels, value in calls.items() if ("outcome", "ok") in labels}
            assert ran and sum(ran.values()) >= 1, calls
            assert all(dict(labels)["action"] != "other" for labels in ran)
