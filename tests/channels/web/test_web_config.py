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


def test_session_lifetime_rotation_and_previous_secrets_are_read_and_checked() -> None:
    settings = WebSettings.from_env(
        {
            "WEB_SESSION_SECRET": "s" * 32,
            "WEB_SESSION_MAX_AGE_SECONDS": "86400",
            "WEB_SESSION_ROTATE_SECONDS": "900",
            "WEB_SESSION_SECRET_PREVIOUS": "p" * 20 + ", " + "q" * 20,
            "WEB_SESSIONS_PER_CLIENT": "50",
        }
    )
    assert (settings.session_max_age_seconds, settings.session_rotate_seconds) == (86400, 900)
    assert settings.previous_secrets == ("p" * 20, "q" * 20) and settings.sessions_per_client == 50
    assert "p" * 20 not in repr(settings)
    defaults = WebSettings.from_env({})
    assert (defaults.session_max_age_seconds, defaults.session_rotate_seconds) == (7 * 24 * 3600, 3600)
    for bad, name in (
        ({"WEB_SESSION_ROTATE_SECONDS": "700000"}, "WEB_SESSION_ROTATE_SECONDS"),
        ({"WEB_SESSION_SECRET_PREVIOUS": "short"}, "WEB_SESSION_SECRET_PREVIOUS"),
        ({"WEB_SESSION_MAX_AGE_SECONDS": "soon"}, "WEB_SESSION_MAX_AGE_SECONDS"),
    ):
        with pytest.raises(WebSettingsError, match=name):
            WebSettings.from_env(bad)
