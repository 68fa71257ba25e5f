"""The security replays reuse the gateway and case-API fixtures of tests/channels and tests/cases."""

from tests.cases.conftest import agency_keys, database_url, engine, sessions, settings
from tests.channels.conftest import (
    base_settings,
    fake_line,
    fake_rasa,
    fake_sms,
    make_gateway,
    make_sms_gateway,
    redis_prefix,
)
from tests.channels.web.conftest import gateway, web_rasa, web_redis_prefix

__all__ = [
    "agency_keys",
    "base_settings",
    "database_url",
    "engine",
    "fake_line",
    "fake_rasa",
    "fake_sms",
    "gateway",
    "make_gateway",
    "make_sms_gateway",
    "redis_prefix",
    "sessions",
    "settings",
    "web_rasa",
    "web_redis_prefix",
]
