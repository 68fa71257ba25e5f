"""Our Rasa input channels (rasa_plugins/channels.py) served by a real Sanic server inside Rasa 3.6.

The channels are mounted with Rasa's own `register()`, answers are produced by Rasa's own
TemplatedNaturalLanguageGenerator from a domain with `channel:` variants, and requests travel over a
real loopback socket, so the test checks what the gateway relies on: the route, the body format, the
channel name that picks response variants, the loopback/token guard and the error statuses.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import uuid
from typing import Any

import pytest
import requests
from rasa.core.channels.channel import UserMessage, register
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from rasa_plugins.channels import LineInput, LocalRestInput, SmsInput, WebInput
from rasa_plugins.server import rasa_arguments

DOMAIN = Domain.from_dict(
    {
        "responses": {
            "utter_greet": [
                {"text": "สวัสดีค่ะ (ทั่วไป)"},
                {
                    "text": "สวัสดีค่ะ แตะปุ่มด้านล่างได้เลย",
                    "channel": "line",
                    "buttons": [{"title": "ถามเรื่องบริการ", "payload": "/ask_service"}],
                },
                {"text": "สวัสดีค่ะ ตอบ 1 เพื่อถามเรื่องบริการ", "channel": "sms"},
                {"text": "สวัสดีค่ะ (เว็บ)", "channel": "web"},
            ]
        }
    }
)


class NlgAgent:
    """Stands in for rasa.core.agent.Agent.handle_message: utters with Rasa's real NLG."""

    def __init__(self) -> None:
        self.nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
        self.seen: list[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.seen.append(message)
        if message.text == "/boom":
            raise RuntimeError("action server exploded")
        tracker = DialogueStateTracker(message.sender_id, DOMAIN.slots)
        response = await self.nlg.generate("utter_greet", tracker, message.output_channel.name())
        await message.output_channel.send_response(message.sender_id, response)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TokenLineInput(LineInput):
    """A second `line` channel, mounted elsewhere, that demands the gateway token."""

    def url_prefix(self) -> str:
        return "line-token"


@pytest.fixture(scope="module")
def rasa_server() -> Any:
    """One real Sanic server for the module (Sanic 21.12 cannot start two apps in one process)."""
    app = Sanic(f"channels_test_{uuid.uuid4().hex[:8]}")
    agent = NlgAgent()
    app.ctx.agent = agent
    channels = [
        LineInput(),
        SmsInput(),
        WebInput(),
        TokenLineInput.from_credentials({"token": "s3cret-token"}),
        LocalRestInput(),
    ]
    register(channels, app, route="/webhooks/")
    port = _free_port()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, Any] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)

        async def start() -> None:
            server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
            await server.startup()
            holder["server"] = server
            ready.set()

        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(30)
    yield f"http://127.0.0.1:{port}", agent

    async def stop() -> None:
        holder["server"].close()
        await holder["server"].wait_closed()

    asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def _post(base: str, path: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    resp = requests.post(base + path, json=body, headers=headers or {}, timeout=10)
    return resp.status_code, resp.json()


def _body(sender: str, message: str, channel: str) -> dict[str, Any]:
    return {
        "sender": sender,
        "message": message,
        "metadata": {
            "channel": channel,
            "user_id": sender,
            "display_name": "สมชาย",
            "locale": "th",
            "event_id": "e1",
        },
    }


def test_each_channel_is_named_so_channel_variants_are_chosen(rasa_server: Any) -> None:
    base, agent = rasa_server
    s1, line = _post(base, "/webhooks/line/webhook", _body("line:U1", "สวัสดี", "line"))
    s2, sms = _post(base, "/webhooks/sms/webhook", _body("sms:abc", "สวัสดี", "sms"))
    s3, web = _post(base, "/webhooks/web/webhook", _body("web:s1", "สวัสดี", "web"))
    assert (s1, s2, s3) == (200, 200, 200)
    assert line == [
        {
            "recipient_id": "line:U1",
            "text": "สวัสดีค่ะ แตะปุ่มด้านล่างได้เลย",
            "buttons": [{"title": "ถามเรื่องบริการ", "payload": "/ask_service"}],
        }
    ]
    assert sms[0]["text"] == "สวัสดีค่ะ ตอบ 1 เพื่อถามเรื่องบริการ"
    assert web[0]["text"] == "สวัสดีค่ะ (เว็บ)"
    seen = agent.seen[-3:]
    assert [m.input_channel for m in seen] == ["line", "sms", "web"]
    assert seen[0].metadata["display_name"] == "สมชาย" and seen[0].text == "สวัสดี"


def test_route_decides_the_channel_not_the_body(rasa_server: Any) -> None:
    base, agent = rasa_server
    status, _ = _post(base, "/webhooks/line/webhook", _body("line:U1", "สวัสดี", "web"))  # lying metadata
    assert status == 200
    assert agent.seen[-1].metadata["channel"] == "line" and agent.seen[-1].input_channel == "line"


def test_bad_bodies_are_400_and_failures_are_500(rasa_server: Any) -> None:
    base, _ = rasa_server
    assert _post(base, "/webhooks/line/webhook", {"message": "x"})[0] == 400
    assert _post(base, "/webhooks/line/webhook", {"sender": "line:U1", "message": 5})[0] == 400
    assert (
        _post(base, "/webhooks/line/webhook", {"sender": "line:U1", "message": "x", "metadata": "no"})[0]
        == 400
    )
    assert _post(base, "/webhooks/line/webhook", ["not", "an", "object"])[0] == 400
    assert _post(base, "/webhooks/line/webhook", _body("line:U1", "/boom", "line"))[0] == 500


def test_token_is_required_when_configured(rasa_server: Any) -> None:
    base, _ = rasa_server
    body = _body("line:U1", "สวัสดี", "line")
    assert _post(base, "/webhooks/line-token/webhook", body)[0] == 403
    assert _post(base, "/webhooks/line-token/webhook", body, {"X-Gateway-Token": "wrong"})[0] == 403
    status, answer = _post(base, "/webhooks/line-token/webhook", body, {"X-Gateway-Token": "s3cret-token"})
    assert status == 200 and answer[0]["text"] == "สวัสดีค่ะ แตะปุ่มด้านล่างได้เลย"


def test_token_falls_back_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_RASA_TOKEN", "from-env")
    assert SmsInput.from_credentials(None).token == "from-env"
    assert WebInput.from_credentials({"token": "explicit"}).token == "explicit"


def test_names() -> None:
    assert (LineInput.name(), SmsInput.name(), WebInput.name()) == ("line", "sms", "web")
    assert LineInput.output_channel_class.name() == "line"


def test_rest_senders_talk_in_their_own_namespace_of_conversations(rasa_server: Any) -> None:
    """Issue 14, finding 3: "line:U…" typed as a REST sender must not write into that LINE user's
    conversation; the REST channel's conversations are "rest:<sender>"."""
    base, agent = rasa_server
    for sender, conversation in (("line:U1", "rest:line:U1"), ("me", "rest:me"), ("rest:me", "rest:me")):
        status, replies = _post(base, "/webhooks/rest/webhook", {"sender": sender, "message": "สวัสดี"})
        assert status == 200 and replies[0]["text"] == "สวัสดีค่ะ (ทั่วไป)"
        assert agent.seen[-1].sender_id == conversation
        assert agent.seen[-1].input_channel == "rest"


def test_rasa_is_started_with_the_api_token_from_the_environment_only() -> None:
    args = rasa_arguments(["--enable-api", "-p", "5005"], {"RASA_AUTH_TOKEN": "tok"})
    assert args == ["run", "--enable-api", "-p", "5005", "--auth-token=tok"]
    # secrets.token_urlsafe can start with "-": still the token, not an option
    dashed = rasa_arguments(["--enable-api"], {"RASA_AUTH_TOKEN": "-x_Yz9"})
    assert dashed[-1] == "--auth-token=-x_Yz9"
    with pytest.raises(SystemExit, match="RASA_AUTH_TOKEN"):
        rasa_arguments(["--enable-api"], {})  # an open API: refused
    with pytest.raises(SystemExit, match="not on the command line"):
        rasa_arguments(["--enable-api", "--auth-token", "visible-in-ps"], {"RASA_AUTH_TOKEN": "tok"})
    assert rasa_arguments(["-p", "5005"], {}) == ["run", "-p", "5005"]  # no API, nothing to lock
