"""WEB_* settings: parsed once from the mapping given, with clear errors for unusable values."""

from __future__ import annotations

import pytest

from channels.web.config import WebSettings, WebSettingsError


def test_defaults_leave_the_channel_disabled() -> None:
    settings = WebSettings.from_env({})
    assert not settings.enabled
    assert settings.allowed_origins == ()


def test_values_are_read_from_the_mapping() -> None:
    settings = WebSettings.from_env(
        {
            "WEB_SESSION_SECRET": "s" * 32,
            "WEB_ALLOWED_ORIGINS": " https://www.dopa.go.th/ , https://bora.dopa.go.th,,",
            "WEB_MAX_TEXT_CHARS": "500",
            "WEB_HISTORY_TTL_SECONDS": "3600",
        }
    )
    assert settings.enabled
    assert settings.allowed_origins == ("https://www.dopa.go.th", "https://bora.dopa.go.th")
    assert (settings.max_text_chars, settings.history_ttl_seconds) == (500, 3600)


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"WEB_SESSION_SECRET": "short"}, "WEB_SESSION_SECRET"),
        ({"WEB_MAX_TEXT_CHARS": "many"}, "WEB_MAX_TEXT_CHARS"),
        ({"WEB_MAX_TEXT_CHARS": "0"}, "WEB_MAX_TEXT_CHARS"),
        ({"WEB_MAX_FRAME_BYTES": "100"}, "WEB_MAX_FRAME_BYTES"),
    ],
)
def test_unusable_values_name_the_variable(env: dict[str, str], name: str) -> None:
    with pytest.raises(WebSettingsError, match=name):
        WebSettings.from_env(env)


def test_the_secret_never_appears_in_a_repr() -> None:
    settings = WebSettings.from_env({"WEB_SESSION_SECRET": "very-secret-value-123"})
    assert "very-secret-value-123" not in repr(settings)
