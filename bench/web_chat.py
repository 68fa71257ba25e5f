"""Web chat benchmark: what the gateway's socket path costs on top of Rasa, measured in one run.

Baseline: N concurrent clients POST each message straight to a Rasa `web` channel stand-in (an
aiohttp process answering instantly in Rasa's format, so the numbers show the gateway, not the
model). Gateway: N concurrent browser-like sockets on /chat/ws send the same messages through the
real gateway process (`python -m channels`: socket -> queue -> worker -> the same stand-in -> push).
Reported: time to ack (the socket's equivalent of a webhook's 200), time to answer, throughput,
and the ratios against the baseline; plus the widget's gzipped size.

    .venv/bin/python bench/web_chat.py [--clients 100] [--messages 10]
        [--redis redis://127.0.0.1:6379/0] [--rasa-url http://127.0.0.1:5005 (real Rasa, not the stand-in)]
        [--write]

`--write` puts the figures into bench/README.md between `<!-- web-chat-run:start -->` and
`<!-- web-chat-run:end -->` (README.md's "widget size" row).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
# With a real Rasa and no action server, pick texts answered by responses alone (--text ...).
TEXTS = ["สวัสดีครับ", "ทำบัตรประชาชนใหม่ใช้อะไรบ้าง", "ค่าธรรมเนียม ๑๐๐ บาทใช่ไหม", "ขอบคุณค่ะ 🙏"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_stub(port: int) -> None:
    """The Rasa stand-in: answers like rasa_plugins' `web` channel, in Thai, with buttons, at once."""

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        answer = {
            "recipient_id": body["sender"],
            "text": f"ได้รับข้อความ: {body['message']}",
            "buttons": [{"title": "ติดต่อเจ้าหน้าที่", "payload": "/request_human"}],
        }
        return web.json_response([answer])

    async def version(_request: web.Request) -> web.Response:
        return web.json_response({"version": "stub"})

    app = web.Application()
    app.router.add_post("/webhooks/{channel}/webhook", webhook)
    app.router.add_get("/version", version)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


async def wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with http.get(url) as resp:
                    if resp.status < 500:
                        return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


async def baseline(rasa_url: str, clients: int, messages: int) -> tuple[list[float], float]:
    latencies: list[float] = []

    async def one(http: aiohttp.ClientSession, n: int) -> None:
        sender = f"bench-{uuid.uuid4().hex[:8]}"
        for i in range(messages):
            start = time.perf_counter()
            body = {"sender": sender, "message": TEXTS[(n + i) % len(TEXTS)], "metadata": {"channel": "web"}}
            async with http.post(f"{rasa_url}/webhooks/web/webhook", json=body) as resp:
                assert resp.status == 200, resp.status
                await resp.json()
            latencies.append(time.perf_counter() - start)

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as http:
        start = time.perf_counter()
        await asyncio.gather(*(one(http, n) for n in range(clients)))
        return latencies, time.perf_counter() - start


async def through_gateway(
    gateway_url: str, clients: int, messages: int
) -> tuple[list[float], list[float], float]:
    acks: list[float] = []
    answers: list[float] = []
    retries: Counter[str] = Counter()
    origin = gateway_url
    ws_url = gateway_url.replace("http", "ws", 1) + "/chat/ws"

    async def connect(http: aiohttp.ClientSession) -> aiohttp.ClientWebSocketResponse:
        """Like the widget: a socket closed during hello (1013, store busy) is opened again."""
        for attempt in range(10):
            ws = await http.ws_connect(ws_url, headers={"Origin": origin})
            await ws.send_json({"type": "hello", "session": None})
            while True:
                msg = await ws.receive(timeout=60)
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                if json.loads(msg.data)["type"] == "history":
                    return ws
            await ws.close()
            retries["hello"] += 1
            await asyncio.sleep(0.1 * 2**attempt)
        raise RuntimeError("could not open a chat socket")

    async def one(http: aiohttp.ClientSession, n: int) -> None:
        ws = await connect(http)
        try:
            for i in range(messages):
                message_id = uuid.uuid4().hex
                frame_out = json.dumps(
                    {"type": "message", "id": message_id, "text": TEXTS[(n + i) % len(TEXTS)]}
                )
                start = time.perf_counter()
                await ws.send_str(frame_out)
                while True:
                    frame = await ws.receive_json(timeout=120)
                    if frame["type"] == "ack" and frame["id"] == message_id:
                        acks.append(time.perf_counter() - start)
                    elif frame["type"] == "bot" and frame["reply_to"] == message_id:
                        answers.append(time.perf_counter() - start)
                        break
                    elif frame["type"] == "error" and frame.get("retry_after"):  # as the widget does
                        retries[frame["code"]] += 1
                        await asyncio.sleep(frame["retry_after"])
                        await ws.send_str(frame_out)
                    elif frame["type"] == "error":
                        raise RuntimeError(f"gateway refused a message: {frame}")
        finally:
            await ws.close()

    connector = aiohttp.TCPConnector(limit=clients + 10)
    async with aiohttp.ClientSession(connector=connector) as http:
        start = time.perf_counter()
        await asyncio.gather(*(one(http, n) for n in range(clients)))
        elapsed = time.perf_counter() - start
    if retries:
        print(f"widget-style retries during the run: {dict(retries)}")
    return acks, answers, elapsed


async def run(args: argparse.Namespace) -> None:
    procs: list[subprocess.Popen[bytes]] = []
    state = tempfile.mkdtemp(prefix="bench-web-")
    prefix = f"bench-web-{uuid.uuid4().hex[:8]}"
    try:
        rasa_url = args.rasa_url
        if not rasa_url:
            port = free_port()
            procs.append(subprocess.Popen([PY, __file__, "--serve-stub", str(port)], cwd=ROOT))
            rasa_url = f"http://127.0.0.1:{port}"
            await wait_http(f"{rasa_url}/version")
        gw_port = free_port()
        env = {
            **os.environ,
            "GATEWAY_PORT": str(gw_port),
            "RASA_URL": rasa_url,
            "WEB_SESSION_SECRET": secrets.token_urlsafe(32),
            "GATEWAY_STATE_DIR": state,
            "REDIS_URL": args.redis or "",
            "GATEWAY_REDIS_PREFIX": prefix,
            # the benchmark's senders are not abusive: keep the per-session limit out of the measurement
            "RATE_LIMIT_EVENTS": str(args.messages * 10),
            "LOG_LEVEL": "WARNING",
        }
        env.pop("GATEWAY_RASA_TOKEN", None)
        procs.append(subprocess.Popen([PY, "-m", "channels"], cwd=ROOT, env=env))
        gateway_url = f"http://127.0.0.1:{gw_port}"
        await wait_http(f"{gateway_url}/healthz")
        await wait_http(f"{gateway_url}/chat/widget.js")

        await baseline(rasa_url, 5, 2)  # warm-up both paths
        await through_gateway(gateway_url, 5, 2)
        base_lat, base_time = await baseline(rasa_url, args.clients, args.messages)
        acks, answers, gw_time = await through_gateway(gateway_url, args.clients, args.messages)
    finally:
        for proc in reversed(procs):
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(10)
            if proc.poll() is None:
                proc.kill()
        if args.redis:
            import redis

            client = redis.Redis.from_url(args.redis)
            keys = list(client.scan_iter(match=prefix + "*"))
            if keys:
                client.delete(*keys)

    total = args.clients * args.messages
    widget = (ROOT / "channels" / "web" / "static" / "widget.js").read_bytes()
    rows = [
        (
            "Rasa stand-in, direct POST" if not args.rasa_url else "Rasa, direct POST",
            base_lat,
            total / base_time,
        ),
        ("gateway socket, answer", answers, total / gw_time),
    ]
    print(f"\n{args.clients} concurrent clients x {args.messages} messages ({total}), queue: "
          f"{'Redis' if args.redis else 'in-process'}")  # fmt: skip
    print(f"{'path':32} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} {'msg/s':>8}")
    for name, lat, rate in rows:
        mean = statistics.mean(lat) * 1000
        print(f"{name:32} {pct(lat, 0.5):8.1f} {pct(lat, 0.95):8.1f} {mean:8.1f} {rate:8.0f}")
    mean_ack = statistics.mean(acks) * 1000
    print(f"{'gateway socket, ack':32} {pct(acks, 0.5):8.1f} {pct(acks, 0.95):8.1f} {mean_ack:8.1f}")
    print(f"throughput ratio (gateway / direct): {base_time / gw_time:.2f}")
    print(f"answer p95 ratio (gateway / direct): {pct(answers, 0.95) / pct(base_lat, 0.95):.2f}")
    print(f"widget.js: {len(widget)} bytes, gzip -9: {len(gzip.compress(widget, 9))} bytes")
    if args.write:
        sys.path.insert(0, str(ROOT))  # run as a script: make the bench package importable
        from bench.readme import command_line, measured_by, table, write_section

        queue = "Redis" if args.redis else "in-process"
        lines = [
            (name, pct(lat, 0.5), pct(lat, 0.95), statistics.mean(lat) * 1000, rate)
            for name, lat, rate in rows
        ]
        lines.append(("gateway socket, ack", pct(acks, 0.5), pct(acks, 0.95), mean_ack, ""))
        gzipped = len(gzip.compress(widget, 9))
        section = [
            "### Latest run (written by the command)",
            "",
            measured_by(command_line()),
            "",
            f"{args.clients} concurrent clients x {args.messages} messages ({total}), queue: {queue}.",
            "",
            table(
                ["path", "p50 ms", "p95 ms", "mean ms", "msg/s"],
                [
                    (n, f"{a:.1f}", f"{b:.1f}", f"{c:.1f}", f"{r:.0f}" if r != "" else "")
                    for n, a, b, c, r in lines
                ],
            ),
            "",
            f"Throughput ratio (gateway / direct): {base_time / gw_time:.2f}; answer p95 ratio: "
            f"{pct(answers, 0.95) / pct(base_lat, 0.95):.2f}.",
            f"Widget: `channels/web/static/widget.js` {len(widget):,} bytes, **{gzipped:,} bytes gzipped** "
            f"(target < 20 KB: {'met' if gzipped < 20_000 else 'NOT met'}).",
        ]
        write_section("web-chat-run", "\n".join(section))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--redis", default="", help="REDIS_URL for a durable queue (default: in-process)")
    parser.add_argument("--rasa-url", default="", help="a running Rasa instead of the stand-in")
    parser.add_argument("--text", action="append", help="message texts to cycle through (repeatable)")
    parser.add_argument("--write", action="store_true", help="write the figures into bench/README.md")
    parser.add_argument("--serve-stub", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_stub:
        serve_stub(args.serve_stub)
        return
    if args.text:
        TEXTS[:] = args.text
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
