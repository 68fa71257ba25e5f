"""The gateway's /metrics and request ids (issue 15): real gateway app, real Redis, fake LINE and Rasa.

Scraped with prometheus-client's own parser, so what is checked is what Prometheus would read.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
import socket

from prometheus_client.parser import text_string_to_metric_families

from appconfig import AppSettings
from channels import keys
from channels.app import create_app
from channels.edge import EdgeSettings
from db.engine import make_engine
from observability.logs import RequestIdFilter
from tests.channels.conftest import LINE_SECRET, eventually
from tests.channels.line_payloads import body_of, signed_headers, text_event
from tests.fakes import FakeRasa

OUTSIDER = "203.0.113.9"
TOKEN = "ops-" + "m" * 30


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict, name: str, **labels: str) -> float | None:
    return found.get((name, tuple(sorted(labels.items()))))


async def test_requests_are_counted_per_route_template_and_channel(make_gateway, fake_rasa: FakeRasa) -> None:
    client = await make_gateway()
    body = body_of(text_event("ต่อภาษีรถ"))
    assert (
        await client.post("/webhooks/line", data=body, headers=signed_headers(body, LINE_SECRET))
    ).status == 200
    assert (await client.post("/webhooks/line", data=body)).status == 401  # unsigned
    assert (await client.get("/no/such/page/12345")).status == 404
    await eventually(lambda: len(fake_rasa.calls) == 1)
    resp = await client.get("/metrics")
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/plain")
    found = samples(await resp.text())
    route = "/webhooks/line"
    assert value(found, "gateway_http_requests_total", route=route, channel="line", status="200") == 1
    assert value(found, "gateway_http_requests_total", route=route, channel="line", status="401") == 1
    # A scanner's path is not a label: every unmatched path lands in one series.
    assert value(found, "gateway_http_requests_total", route="unmatched", channel="none", status="404") == 1
    assert not any("12345" in str(key) for key in found)
    assert value(found, "gateway_http_request_seconds_count", route=route, channel="line") == 2
    assert value(found, "gateway_events_total", outcome="accepted") == 1
    assert value(found, "gateway_queue_backlog") is not None
    assert value(found, "gateway_rasa_call_errors_total", kind="unavailable") == 0
    assert value(found, "gateway_rasa_call_errors_total", kind="rejected") == 0


async def test_rasa_call_errors_are_counted_and_logged_with_the_request_id(
    make_gateway, fake_rasa: FakeRasa
) -> None:
    fake_rasa.status = 503
    client = await make_gateway(retry_base_seconds=0.02, retry_max_seconds=0.05)
    records = capture("channels.worker")
    try:
        body = body_of(text_event("ช่วยด้วย"))
        headers = {**signed_headers(body, LINE_SECRET), "X-Request-ID": "lb-req-down-0007"}
        await client.post("/webhooks/line", data=body, headers=headers)
        await eventually(lambda: client.app[keys.STATS]["rasa_retries"] >= 2)
    finally:
        release("channels.worker")
    found = samples(await (await client.get("/metrics")).text())
    assert value(found, "gateway_rasa_call_errors_total", kind="unavailable") >= 2
    # The worker's warning is written later, in another task, yet carries the webhook request's id.
    warnings = [r for r in records if "rasa unavailable" in r.getMessage()]
    assert warnings and all(r.request_id == "lb-req-down-0007" for r in warnings)
    fake_rasa.status = 200
    await eventually(lambda: len(fake_rasa.calls) == 1)
    assert fake_rasa.request_ids == ["lb-req-down-0007"]


_HANDLERS: dict[str, logging.Handler] = {}


def capture(logger: str) -> list[logging.LogRecord]:
    """Records of `logger` as a handler with the request-id filter sees them."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logging.getLogger(logger).addHandler(handler)
    _HANDLERS[logger] = handler
    return records


def release(logger: str) -> None:
    logging.getLogger(logger).removeHandler(_HANDLERS.pop(logger))


async def test_metrics_are_for_operators_only(make_gateway) -> None:
    client = await make_gateway(edge=EdgeSettings(readyz_token=TOKEN))
    outsider = await client.get("/metrics", headers={"X-Forwarded-For": OUTSIDER})
    assert outsider.status == 403
    wrong = await client.get("/metrics", headers={"X-Forwarded-For": OUTSIDER, "Authorization": "Bearer no"})
    assert wrong.status == 403
    scraper = await client.get(
        "/metrics", headers={"X-Forwarded-For": OUTSIDER, "Authorization": f"Bearer {TOKEN}"}
    )
    assert scraper.status == 200 and "gateway_http_requests_total" in await scraper.text()


async def test_a_request_id_is_given_kept_or_replaced_and_reaches_rasa(
    make_gateway, fake_rasa: FakeRasa
) -> None:
    client = await make_gateway()
    fresh = await client.get("/healthz")
    assert len(fresh.headers["X-Request-ID"]) == 32
    kept = await client.get("/healthz", headers={"X-Request-ID": "lb-req-0001abcd"})
    assert kept.headers["X-Request-ID"] == "lb-req-0001abcd"
    # Header values end up in logs: anything not shaped like an id is replaced, not repeated.
    for hostile in ("x" * 300, "a b c d e f g h", "ไทย-ไม่ใช่รหัส", "id\u200b12345678"):
        replaced = await client.get("/healthz", headers={"X-Request-ID": hostile})
        assert replaced.headers["X-Request-ID"] != hostile and len(replaced.headers["X-Request-ID"]) == 32
    missing = await client.get("/nowhere")
    assert missing.status == 404 and "X-Request-ID" in missing.headers

    body = body_of(text_event("ขอเบอร์ติดต่อ"))
    headers = {**signed_headers(body, LINE_SECRET), "X-Request-ID": "lb-req-line-0042"}
    resp = await client.post("/webhooks/line", data=body, headers=headers)
    assert resp.headers["X-Request-ID"] == "lb-req-line-0042"
    await eventually(lambda: len(fake_rasa.calls) == 1)
    assert fake_rasa.calls[0]["metadata"]["request_id"] == "lb-req-line-0042"
    assert fake_rasa.request_ids == ["lb-req-line-0042"]


class Forwarder:
    """A TCP door to the local PostgreSQL that the test opens and closes: the database "goes away"."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def open(self) -> None:
        async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, asyncio.CancelledError, OSError):
                pass
            finally:
                writer.close()

        async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", 5432)
            self._writers += [client_w, server_w]
            await asyncio.gather(pipe(client_r, server_w), pipe(server_r, client_w), return_exceptions=True)

        self._server = await asyncio.start_server(handle, "127.0.0.1", self.port)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in self._writers:
                writer.close()
            self._writers.clear()
            await self._server.wait_closed()
            self._server = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_readyz_fails_while_the_database_is_unreachable_and_recovers_by_itself(
    base_settings, aiohttp_client
) -> None:
    door = Forwarder(free_port())
    url = f"postgresql+psycopg://postgres@127.0.0.1:{door.port}/test?connect_timeout=1"
    engine = make_engine(url)
    config = dataclasses.replace(
        AppSettings.from_environ({"DATABASE_URL": url, "CASES_SECRET_KEY": secrets.token_hex(32)}),
        gateway=base_settings,
    )
    try:
        client = await aiohttp_client(
            create_app(config, channel_factories={}, subapps={}, run_notices=False, engine=engine)
        )
        down = await client.get("/readyz")
        assert down.status == 503 and (await down.json())["checks"]["database"] is False
        found = samples(await (await client.get("/metrics")).text())
        assert value(found, "gateway_dependency_up", dependency="database") == 0
        await door.open()
        up = await client.get("/readyz")
        assert up.status == 200 and (await up.json())["checks"]["database"] is True
        found = samples(await (await client.get("/metrics")).text())
        assert value(found, "gateway_dependency_up", dependency="database") == 1
        engine.dispose()  # drop pooled connections through the door before it closes
        await door.close()
        again = await client.get("/readyz")
        assert again.status == 503 and (await again.json())["checks"]["database"] is False
    finally:
        await door.close()
        engine.dispose()


async def test_citizens_waiting_for_a_person_are_reported(base_settings, tmp_path, aiohttp_client) -> None:
    from sqlalchemy.orm import Session

    from db.migrate import upgrade
    from handover.models import ACTIVE, WAITING, Handover

    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        for status in (WAITING, WAITING, ACTIVE):
            session.add(
                Handover(
                    agency_id="dopa",
                    channel="line",
                    recipient_hash="h" * 64,
                    recipient_enc="x",
                    status=status,
                    reason="request_human",
                )
            )
    config = dataclasses.replace(
        AppSettings.from_environ({"DATABASE_URL": url, "CASES_SECRET_KEY": secrets.token_hex(32)}),
        gateway=base_settings,
    )
    try:
        client = await aiohttp_client(
            create_app(config, channel_factories={}, subapps={}, run_notices=False, engine=engine)
        )
        found = samples(await (await client.get("/metrics")).text())
        assert value(found, "gateway_handovers_waiting") == 2
        assert value(found, "gateway_notices_pending") == 0
    finally:
        engine.dispose()
