"""Mounted in the real gateway through its sub-app registry: the console and open data answer under
/staff/ and /open-data/ on the gateway's port, and the console's own upload limit applies even though
the gateway refuses webhook bodies over 256 KiB."""

from __future__ import annotations

import dataclasses

import aiohttp

from appconfig import AppSettings
from channels.app import create_app as create_gateway
from channels.settings import Settings
from knowledge.seedfile import dump_record, load_dir
from staff.roles import Role
from tests.staff.staff_helpers import SECRET, add_user, page_token, post, sign_in

SUBAPPS = {"/staff/": "staff.web:gateway_subapp", "/open-data/": "knowledge.open_data:gateway_subapp"}


async def test_console_and_open_data_through_the_gateway(aiohttp_client, db_url, engine, tmp_path):
    environ = {"DATABASE_URL": db_url, "STAFF_SESSION_SECRET": SECRET, "STAFF_COOKIE_SECURE": "false"}
    settings = Settings(redis_url="", state_dir=str(tmp_path))
    config = dataclasses.replace(AppSettings.from_environ(environ), gateway=settings)
    # The gateway's one engine is the test's: the console and open data open none of their own.
    gateway = create_gateway(config, channel_factories={}, subapps=SUBAPPS, run_worker=False, engine=engine)
    client = await aiohttp_client(gateway)
    add_user(engine, "rev1", Role.REVIEWER)
    assert (await sign_in(client, "rev1")).status == 303

    record = dataclasses.replace(
        next(r for r in load_dir() if r.id == "student_loan"), description="รายละเอียดยาว " * 8_000
    )
    text = dump_record(record).encode("utf-8")
    assert settings.max_body_bytes < len(text) < 512 * 1024
    form = aiohttp.FormData()
    form.add_field("csrf_token", await page_token(client, "/staff/transfer"))
    form.add_field("files", text, filename="student_loan.yml")
    imported = await client.post("/staff/transfer/import", data=form)
    assert imported.status == 200, await imported.text()
    assert (await post(client, "/staff/services/student_loan/publish", {"version": "1"})).status == 303

    data = await (await client.get("/open-data/services.json")).json()
    assert [s["id"] for s in data["services"]] == ["student_loan"]
    assert data["services"][0]["description"] == record.description.strip()
    assert (await client.get("/healthz")).status == 200  # the gateway's own routes are untouched
