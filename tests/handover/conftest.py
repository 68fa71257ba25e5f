"""The gateway fixtures (fake LINE API, fake Rasa, real Redis key prefix) shared with tests/channels."""

from tests.channels.conftest import base_settings, fake_line, fake_rasa, redis_prefix

__all__ = ["base_settings", "fake_line", "fake_rasa", "redis_prefix"]
