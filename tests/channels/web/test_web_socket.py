"""The /chat/ws protocol end to end through the real gateway app (queue, worker, Rasa client) and a
fake Rasa `web` channel: Thai in, Thai out, and every kind of bad input refused without losing anything."""

from __future__ import annotations

import asyncio
import gzip
import re
import time
from dataclasses import replace
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from channels import keys
from channels.app import create_app
from channels.messages import Button, Inbound, Outbound
from channels.web.session import SessionSigner
from channels.worker import APOLOGY
from tests.channels.web.webchat_fakes import (
    BUTTONS,
    GREETING,
    SECRET,
    SERVICE_ANSWER,
    FakeRasa,
    echo_answer,
    make_settings,
    open_chat,
    origin_of,
)

pytestmark = pytest.mark.timeout(60)


def session_id(token: str) -> str:
    sid = SessionSigner(SECRET).verify(token)
    assert sid is not None
    return sid


async def test_new_visitor_gets_a_signed_session_and_empty_history(gateway: Any) -> None:
    client = await gateway()
    chat = await open_chat(client)
    assert SessionSigner(SECRET).verify(chat.session)
    assert chat.history == []
    await chat.close()


@pytest.mark.parametrize("token", ["made-up", "AAAAAAAAAAAAAAAAAAAAAA." + "A" * 43, ""])
async def test_forged_or_tampered_session_is_replaced(gateway: Any, token: str) -> None:
    client = await gateway()
    first = await open_chat(client)
    await first.ask("m1", "สวัสดีครับ")
    tampered = first.session[:-1] + ("A" if first.session[-1] != "A" else "B")
    for bad in (token, tampered):
        chat = await open_chat(client, bad)
        assert chat.session != first.session and chat.session != bad
        assert chat.history == []  # someone else's transcript is never shown
        await chat.close()


async def test_thai_message_gets_thai_answer_with_buttons(gateway: Any, web_rasa: FakeRasa) -> None:
    client = await gateway()
    chat = await open_chat(client)
    await chat.send({"type": "message", "id": "m1", "text": "สวัสดีครับ"})
    ack = await chat.recv()
    assert ack == {"type": "ack", "id": "m1", "duplicate": False}
    bot = await chat.until("bot")
    assert bot["reply_to"] == "m1"
    [entry] = bot["entries"]
    assert entry["text"] == GREETING
    assert entry["buttons"] == BUTTONS
    [request] = web_rasa.requests
    assert request["sender"] == "web:" + session_id(chat.session)
    assert request["message"] == "สวัสดีครับ"
    assert request["metadata"]["channel"] == "web"
    await chat.close()


async def test_quick_reply_sends_payload_and_shows_title(gateway: Any, web_rasa: FakeRasa) -> None:
    client = await gateway()
    chat = await open_chat(client)
    await chat.ask("m1", "สวัสดี")
    await chat.send(
        {"type": "message", "id": "m2", "payload": BUTTONS[0]["payload"], "title": BUTTONS[0]["title"]}
    )
    bot = await chat.until("bot")
    assert bot["entries"][0]["text"] == SERVICE_ANSWER
    assert web_rasa.texts()[-1] == BUTTONS[0]["payload"]
    await chat.close()
    again = await open_chat(client, chat.session)
    shown = [(e["role"], e["text"]) for e in again.history]
    assert shown == [
        ("user", "สวัสดี"),
        ("bot", GREETING),
        ("user", BUTTONS[0]["title"]),
        ("bot", SERVICE_ANSWER),
    ]
    await again.close()


async def test_history_is_restored_in_order_on_reconnect(gateway: Any) -> None:
    client = await gateway()
    chat = await open_chat(client)
    for n, text in enumerate(["ทำบัตรประชาชนใหม่", "ค่าธรรมเนียม ๑๐๐ บาทไหม", "ขอบคุณครับ"]):
        await chat.ask(f"m{n}", text)
    await chat.close()
    again = await open_chat(client, chat.session)
    assert again.session == chat.session
    assert [e["id"] for e in again.history] == ["m0", "m0#0", "m1", "m1#0", "m2", "m2#0"]
    assert again.history[3]["text"] == echo_answer("ค่าธรรมเนียม ๑๐๐ บาทไหม")
    await again.close()


@pytest.mark.parametrize("durable", [False, True], ids=["memory", "redis"])
async def test_duplicate_client_ids_get_one_answer(gateway: Any, web_rasa: FakeRasa, durable: bool) -> None:
    client = await gateway(durable=durable)
    web_rasa.delay = 0.3
    chat = await open_chat(client)
    frame = {"type": "message", "id": "same-id", "text": "ขอเอกสารทำบัตร"}
    for _ in range(3):  # a resend while the first is still being answered
        await chat.send(frame)
    acks = [await chat.until("ack") for _ in range(3)]
    assert [a["duplicate"] for a in acks] == [False, True, True]
    bot = await chat.until("bot")
    # a resend after the answer (e.g. the answer was lost with the connection) repeats it from the transcript
    reconnect = await open_chat(client, chat.session)
    await reconnect.send(frame)
    assert (await reconnect.until("ack"))["duplicate"] is True
    repeat = await reconnect.until("bot")
    assert repeat["entries"] == bot["entries"]
    await asyncio.sleep(0.5)
    assert web_rasa.texts() == ["ขอเอกสารทำบัตร"]
    assert [e["id"] for e in reconnect.history] == ["same-id", "same-id#0"]
    await chat.close()
    await reconnect.close()


async def test_answer_produced_while_offline_is_in_the_history(gateway: Any, web_rasa: FakeRasa) -> None:
    client = await gateway()
    web_rasa.delay = 0.3
    chat = await open_chat(client)
    await chat.send({"type": "message", "id": "m1", "text": "ติดตามคำร้อง"})
    await chat.until("ack")
    await chat.close()  # the tab is closed before the bot answers
    await asyncio.sleep(0.6)
    again = await open_chat(client, chat.session)
    assert [(e["role"], e["text"]) for e in again.history] == [
        ("user", "ติดตามคำร้อง"),
        ("bot", echo_answer("ติดตามคำร้อง")),
    ]
    await again.close()


async def test_every_tab_of_a_session_gets_the_answer(gateway: Any) -> None:
    client = await gateway()
    tab1 = await open_chat(client)
    tab2 = await open_chat(client, tab1.session)
    await tab1.send({"type": "message", "id": "m1", "text": "สวัสดี"})
    assert (await tab2.until("user"))["entry"]["text"] == "สวัสดี"
    assert (await tab2.until("bot"))["entries"][0]["text"] == GREETING
    assert (await tab1.until("bot"))["entries"][0]["text"] == GREETING
    await tab1.close()
    await tab2.close()


async def test_bad_json_is_refused_and_the_socket_keeps_working(gateway: Any) -> None:
    client = await gateway()
    chat = await open_chat(client)
    for raw in ["not json", "{", "[]", '{"type":"launch_missiles"}']:
        await chat.send(raw)
        error = await chat.recv()
        assert error["type"] == "error" and error["code"] in ("bad_json", "bad_frame")
        assert re.search("[\u0e00-\u0e7f]", error["message"])
    await chat.ws.send_bytes(b"\x00\x01")
    assert (await chat.recv())["code"] == "bad_frame"
    assert (await chat.ask("m1", "ยังใช้ได้ไหม"))["entries"][0]["text"] == echo_answer("ยังใช้ได้ไหม")
    await chat.close()


async def test_oversized_frames(gateway: Any, web_rasa: FakeRasa) -> None:
    client = await gateway()
    chat = await open_chat(client)
    await chat.send({"type": "message", "id": "big", "text": "ก" * 6000})  # 18 KB of UTF-8
    assert (await chat.recv())["code"] == "too_large"
    await chat.send({"type": "message", "id": "long", "text": "ทดสอบ" * 1000})  # 5000 characters
    error = await chat.recv()
    assert (error["code"], error["id"]) == ("too_long", "long")
    assert web_rasa.requests == []
    # far above any sane size: aiohttp closes the socket with 1009 without reading it into memory
    await chat.ws.send_str("x" * (2 * 1024 * 1024))
    closing = await chat.ws.receive(timeout=5)
    assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
    assert chat.ws.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200c\u200d", "\ufeff\n\t"])
async def test_empty_and_invisible_text_is_refused(gateway: Any, web_rasa: FakeRasa, text: str) -> None:
    client = await gateway()
    chat = await open_chat(client)
    await chat.send({"type": "message", "id": "e1", "text": text})
    error = await chat.recv()
    assert (error["code"], error["id"]) == ("empty", "e1")
    await asyncio.sleep(0.1)
    assert web_rasa.requests == []
    await chat.close()


@pytest.mark.parametrize(
    ("typed", "rasa_sees"),
    [
        ("👍🙏😊", "👍🙏😊"),  # emoji-only is a real message (thanks, ok): answered, not refused
        ("เลขคำร้อง ๑๒๓๔๕", "เลขคำร้อง ๑๒๓๔๕"),  # Thai digits reach the NLU unchanged
        ("ทำ\u200bบัตร\u200bประชาชน", "ทำบัตรประชาชน"),  # zero-width spaces removed
        ("ขอ passport ใหม่ค่ะ", "ขอ passport ใหม่ค่ะ"),
    ],
)
async def test_text_that_reaches_rasa(gateway: Any, web_rasa: FakeRasa, typed: str, rasa_sees: str) -> None:
    client = await gateway()
    chat = await open_chat(client)
    bot = await chat.ask("t1", typed)
    assert web_rasa.texts() == [rasa_sees]
    assert bot["entries"][0]["text"] == echo_answer(rasa_sees)
    await chat.close()


async def test_message_before_hello_is_refused(gateway: Any, web_rasa: FakeRasa) -> None:
    client = await gateway()
    chat = await open_chat(client, hello=False)
    await chat.send({"type": "message", "id": "m1", "text": "สวัสดี"})
    error = await chat.recv()
    assert (error["code"], error["id"]) == ("hello_first", "m1")
    assert web_rasa.requests == []
    await chat.close()


async def test_per_session_rate_limit_refuses_then_accepts_the_same_message(
    gateway: Any, web_rasa: FakeRasa
) -> None:
    limit, window = 3, 2
    client = await gateway(core={"rate_limit_events": limit, "rate_limit_window_seconds": window})
    chat = await open_chat(client)
    other = await open_chat(client)
    while time.time() % window > 0.2:  # start at the beginning of a fixed window
        await asyncio.sleep(0.02)
    for n in range(limit):
        await chat.ask(f"m{n}", f"คำถามที่ {n}")
    await chat.send({"type": "message", "id": "over", "text": "อีกข้อ"})
    error = await chat.until("error")
    assert (error["code"], error["id"]) == ("rate_limited", "over")
    assert 0 < error["retry_after"] <= window
    assert len(web_rasa.requests) == limit
    # another session is not affected
    assert (await other.ask("o1", "สวัสดี"))["entries"][0]["text"] == GREETING
    # after retry_after the widget sends the same id again; it is accepted, not taken for a duplicate
    await asyncio.sleep(error["retry_after"] + 0.1)
    await chat.send({"type": "message", "id": "over", "text": "อีกข้อ"})
    assert (await chat.until("ack"))["duplicate"] is False
    assert (await chat.until("bot"))["entries"][0]["text"] == echo_answer("อีกข้อ")
    await chat.close()
    await other.close()


async def test_rasa_down_then_up_delivers_once(gateway: Any, web_rasa: FakeRasa) -> None:
    client = await gateway()
    web_rasa.down = True
    chat = await open_chat(client)
    await chat.send({"type": "message", "id": "m1", "text": "ระบบล่มไหม"})
    await chat.until("ack")
    await asyncio.sleep(0.5)  # the worker retries with backoff meanwhile
    web_rasa.down = False
    bot = await chat.until("bot", timeout=10)
    assert bot["entries"][0]["text"] == echo_answer("ระบบล่มไหม")
    await asyncio.sleep(0.3)
    assert web_rasa.texts() == ["ระบบล่มไหม"]
    await chat.close()


async def test_durable_history_and_dedupe_survive_a_gateway_restart(gateway: Any, web_rasa: FakeRasa) -> None:
    first = await gateway(durable=True)
    chat = await open_chat(first)
    bot = await chat.ask("m1", "สวัสดีครับ")
    await chat.close()
    await first.close()
    second = await gateway(durable=True)
    again = await open_chat(second, chat.session)
    assert again.session == chat.session
    assert [e["id"] for e in again.history] == ["m1", "m1#0"]
    await again.send({"type": "message", "id": "m1", "text": "สวัสดีครับ"})
    assert (await again.until("ack"))["duplicate"] is True
    assert (await again.until("bot"))["entries"] == bot["entries"]
    assert web_rasa.texts() == ["สวัสดีครับ"]
    await again.close()


async def test_empty_rasa_answer_ends_the_turn_with_an_apology(gateway: Any) -> None:
    client = await gateway()
    chat = await open_chat(client)
    await chat.send({"type": "message", "id": "s1", "payload": "/silent", "title": "เงียบ"})
    bot = await chat.until("bot")
    assert bot["reply_to"] == "s1"
    assert [e["text"] for e in bot["entries"]] == [APOLOGY.text]
    await chat.close()


@pytest.mark.parametrize(
    ("origin", "allowed", "status"),
    [
        (None, (), 403),
        ("https://evil.example", (), 403),
        ("https://www.agency.go.th", ("https://www.agency.go.th",), 101),
        ("https://www.agency.go.th/", ("https://www.agency.go.th",), 101),
        ("https://evil.example", ("https://www.agency.go.th",), 403),
        ("https://anything.example", ("*",), 101),
        ("own", (), 101),
    ],
)
async def test_origin_check(gateway: Any, origin: str | None, allowed: tuple[str, ...], status: int) -> None:
    client = await gateway(allowed_origins=allowed)
    headers = {} if origin is None else {"Origin": origin_of(client) if origin == "own" else origin}
    if status == 101:
        ws = await client.ws_connect("/chat/ws", headers=headers)
        await ws.close()
    else:
        with pytest.raises(aiohttp.WSServerHandshakeError) as info:
            await client.ws_connect("/chat/ws", headers=headers)
        assert info.value.status == status


async def test_plain_get_on_the_socket_url_is_a_clear_400(gateway: Any) -> None:
    client = await gateway()
    resp = await client.get("/chat/ws", headers={"Origin": origin_of(client)})
    assert resp.status == 400


async def test_widget_is_served_gzipped_and_small(gateway: Any) -> None:
    client = await gateway()
    resp = await client.get("/chat/widget.js", headers={"Accept-Encoding": "gzip"}, auto_decompress=False)
    assert resp.status == 200
    assert resp.headers["Content-Encoding"] == "gzip"
    assert resp.content_type == "application/javascript"
    body = await resp.read()
    assert len(body) < 20 * 1024
    source = gzip.decompress(body).decode("utf-8")
    assert '"Sarabun","Noto Sans Thai","Leelawadee UI",Tahoma,sans-serif' in source
    etag = resp.headers["ETag"]
    cached = await client.get("/chat/widget.js", headers={"If-None-Match": etag})
    assert cached.status == 304


async def test_demo_page_embeds_the_widget_with_one_script_tag(gateway: Any) -> None:
    client = await gateway()
    resp = await client.get("/chat/demo")
    assert resp.status == 200
    html = await resp.text()
    assert '<html lang="th">' in html
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/chat/widget.js" defer>']
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]


async def test_channel_is_disabled_without_a_secret(web_rasa: FakeRasa, tmp_path: Any, caplog: Any) -> None:
    settings = make_settings(web_rasa.url, str(tmp_path), session_secret="")  # no WEB_SESSION_SECRET
    with caplog.at_level("WARNING"):
        app = create_app(settings, channel_factories={"web": "channels.web.adapter:build"})
    assert any(
        "channel web disabled" in r.getMessage() and "WEB_SESSION_SECRET" in r.getMessage()
        for r in caplog.records
    )
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        assert (await client.get("/chat/widget.js")).status == 404


async def test_an_answer_from_another_gateway_process_reaches_the_socket(gateway: Any) -> None:
    """Two replicas on one Redis: the socket is held by A, the worker of B answers."""
    replica_a = await gateway(durable=True)
    replica_b = await gateway(durable=True)
    chat = await open_chat(replica_a)
    sid = session_id(chat.session)
    answering = replica_b.server.app[keys.CHANNELS]["web"]
    event = Inbound(channel="web", event_id=f"{sid}:x1", sender_id=f"web:{sid}", kind="text", text="สวัสดี",
                    extra={"client_id": "x1"})  # fmt: skip
    await answering.send(event, [Outbound(text="ตอบจากอีกเครื่องหนึ่ง", buttons=(Button("เมนู", "/greet"),))])
    bot = await chat.until("bot")
    assert bot["reply_to"] == "x1"
    assert bot["entries"][0]["text"] == "ตอบจากอีกเครื่องหนึ่ง"
    assert bot["entries"][0]["buttons"] == [{"title": "เมนู", "payload": "/greet"}]
    again = await open_chat(replica_b, chat.session)  # and B's transcript is the shared one
    assert [e["text"] for e in again.history] == ["ตอบจากอีกเครื่องหนึ่ง"]
    # A's own answers reach its socket once: directly, not a second time through the relay
    local = replica_a.server.app[keys.CHANNELS]["web"]
    await local.send(replace(event, event_id=f"{sid}:x2", extra={"client_id": "x2"}), [Outbound(text="สอง")])
    assert (await chat.until("bot"))["reply_to"] == "x2"
    with pytest.raises(TimeoutError):
        await chat.until("bot", timeout=0.5)
    await chat.close()
    await again.close()
