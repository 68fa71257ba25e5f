"""Web chat against the real stack: socket -> gateway -> Rasa's `web` input channel -> action server.

Uses the e2e helpers of tests/e2e (free ports, own state, stop by process id, newest model in models/
or GOVBOT_MODEL) and, like the dialogue e2e test, fails rather than skips without a trained model.
The answers are compared with the domain's own `channel: web` (or default) response variants.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.channels.web.webchat_fakes import SECRET, open_chat
from tests.e2e.dialogue_servers import (
    ACTIONS_START_TIMEOUT,
    RASA_START_TIMEOUT,
    ManagedProcess,
    action_server,
    free_port,
    http_json,
    newest_model,
    rasa_server,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[3]


def web_variant(response: str) -> dict[str, Any]:
    """The variant Rasa picks for the `web` output channel: `channel: web` if any, else the plain one."""
    domain: dict[str, Any] = {}
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        domain.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses", {}))
    variants = domain[response]
    return next((v for v in variants if v.get("channel") == "web"), None) or next(
        v for v in variants if not v.get("channel")
    )


class RealStack:
    def __init__(self, workdir: Path) -> None:
        try:
            model = newest_model()
        except RuntimeError as exc:
            pytest.fail(f"{exc} (the web chat end-to-end test needs a trained model)")
        action_port, self.rasa_port = free_port(), free_port()
        self.actions: ManagedProcess = action_server(
            workdir, action_port, f"sqlite:///{workdir / 'govbot.db'}"
        )
        self.rasa: ManagedProcess = rasa_server(
            workdir,
            self.rasa_port,
            action_port,
            "bot/endpoints.yml",
            model,
            {"RASA_TRACKER_DB": str(workdir / "rasa" / "tracker.db")},
        )
        (workdir / "rasa").mkdir()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def token(self) -> str:
        return self.rasa.env["GATEWAY_RASA_TOKEN"]  # Rasa's input channels require it from the gateway

    def tracker(self, sender: str) -> dict[str, Any]:
        quoted = urllib.parse.quote(sender, safe=":")
        token = urllib.parse.quote(self.rasa.env["RASA_AUTH_TOKEN"])  # Rasa's HTTP API needs it
        status, body = http_json("GET", f"{self.url}/conversations/{quoted}/tracker?token={token}")
        assert status == 200, (status, body)
        return body


@pytest.fixture
def real_stack(tmp_path: Path) -> Iterator[RealStack]:
    stack = RealStack(tmp_path)
    try:
        stack.actions.start(ACTIONS_START_TIMEOUT)
        stack.rasa.start(RASA_START_TIMEOUT)
        yield stack
    finally:
        stack.rasa.stop()
        stack.actions.stop()


async def test_web_chat_through_the_real_bot(real_stack: RealStack, gateway: Any) -> None:
    client = await gateway(rasa_url=real_stack.url, core={"gateway_rasa_token": real_stack.token})
    chat = await open_chat(client)
    greet = web_variant("utter_greet")

    await chat.send({"type": "message", "id": "g1", "payload": "/greet", "title": "สวัสดี"})
    first = (await chat.until("bot", timeout=60))["entries"][0]
    assert first["text"] == greet["text"]
    assert [b["title"] for b in first["buttons"]] == [b["title"] for b in greet.get("buttons", [])]

    # typed Thai goes through the Thai NLU
    await chat.send({"type": "message", "id": "t1", "text": "สวัสดีค่ะ"})
    assert (await chat.until("bot", timeout=60))["entries"][0]["text"] == greet["text"]

    # a service question reaches the action server; whatever the knowledge base says comes back in Thai
    await chat.send({"type": "message", "id": "s1", "text": "ทำบัตรประชาชนใหม่ใช้เอกสารอะไรบ้าง"})
    answer = [e["text"] for e in (await chat.until("bot", timeout=90))["entries"] if e["text"]]
    assert answer and all(any("\u0e00" <= ch <= "\u0e7f" for ch in text) for text in answer)
    await chat.close()

    # Rasa saw the conversation under the namespaced sender id, through the `web` input channel
    from channels.web.session import SessionSigner

    sender = "web:" + str(SessionSigner(SECRET).verify(chat.session))
    tracker = real_stack.tracker(sender)
    users = [e for e in tracker["events"] if e["event"] == "user"]
    assert users, tracker
    assert [e["text"] for e in users] == ["/greet", "สวัสดีค่ะ", "ทำบัตรประชาชนใหม่ใช้เอกสารอะไรบ้าง"]
    assert {e["input_channel"] for e in users} == {"web"}

    # and a reload shows the whole conversation from the gateway's transcript
    again = await open_chat(client, chat.session)
    assert [e["id"] for e in again.history if e["role"] == "user"] == ["g1", "t1", "s1"]
    await again.close()
