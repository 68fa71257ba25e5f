"""Property-based tests of the agency API against its own OpenAPI file (schemathesis), over HTTP on a
local port, on SQLite and PostgreSQL. Every generated request must get a documented status code and a
body that matches the documented schema; no input may cause a server error.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Iterator

import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy.orm import Session, sessionmaker

from cases.api import create_root_app
from cases.photos import PhotoStore
from cases.registry import CaseTools, NewCase, create_case
from cases.schema import OPENAPI_PATH
from cases.settings import CasesSettings
from privacy import PersonalData
from tests.cases.case_helpers import auth

schema = schemathesis.openapi.from_path(OPENAPI_PATH)
# Every check stays on except "schema-valid data must be accepted": the API enforces rules that JSON
# Schema cannot express (a reference's Damm check digit, a location inside Thailand's outline, photo
# bytes that really are an image, consent before notifications). Each of those rejections has its own
# explicit test in test_cases_api.py.
EXCLUDED = [positive_data_acceptance]


@pytest.fixture
def live_api(settings: CasesSettings) -> Iterator[str]:
    """The real app on a free loopback port, served from its own thread and event loop."""
    loop = asyncio.new_event_loop()
    # The rate limits (finding 6) would answer many generated requests with 429: lift them here.
    unlimited = dataclasses.replace(
        settings, api_rate_per_minute=1_000_000, api_burst=1_000_000, api_failed_auth_per_minute=1_000_000
    )
    runner = web.AppRunner(create_root_app(unlimited))
    ready = threading.Event()
    url: list[str] = []

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        host, port = runner.addresses[0][:2]
        url.append(f"http://{host}:{port}")
        ready.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(10), "API did not start"
    yield url[0]
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.fixture
def existing_ref(
    sessions: sessionmaker[Session], settings: CasesSettings, agency_keys: dict[str, str]
) -> str:
    """A real case of agency "dla", so generated status changes also hit the success path."""
    tools = CaseTools(vault=PersonalData(settings.privacy), photos=PhotoStore(settings.photo_dir))
    with sessions() as session, session.begin():
        return create_case(
            session, "dla", NewCase(kind="application", service_id="passport_new"), tools
        ).reference


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(
    case: schemathesis.Case, live_api: str, agency_keys: dict[str, str], existing_ref: str
) -> None:
    # A case whose headers were generated to be invalid keeps its own (bad) Authorization; every other
    # case is sent with a real key, so the handlers behind the authentication are exercised too.
    bad_headers = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    headers = {} if bad_headers else auth(agency_keys["dla"])
    case.call_and_validate(base_url=live_api, headers=headers, excluded_checks=EXCLUDED)
    positive = case.meta is None or not case.meta.generation.mode.is_negative
    if positive and case.path_parameters and "ref" in case.path_parameters:
        # The same generated body and headers against a case that exists.
        case.path_parameters["ref"] = existing_ref
        case.call_and_validate(base_url=live_api, headers=headers, excluded_checks=EXCLUDED)
