"""Settings are read once from the environment and refuse to start on missing or wrong values."""

from __future__ import annotations

import pytest

from staff.settings import DEFAULT_IDLE_S, DEFAULT_LIFETIME_S, SettingsError, StaffSettings

SECRET = "s" * 40


def test_defaults_from_a_minimal_environment(tmp_path):
    settings = StaffSettings.from_env({"STAFF_SESSION_SECRET": SECRET, "DATABASE_URL": "postgresql://u@h/db"})
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.session_lifetime_s == DEFAULT_LIFETIME_S == 8 * 3600
    assert settings.session_idle_s == DEFAULT_IDLE_S == 30 * 60
    assert settings.cookie_secure is True


def test_sqlite_file_when_no_database_url():
    assert StaffSettings.from_env({"STAFF_SESSION_SECRET": SECRET}).database_url.startswith("sqlite:///")


def test_overrides():
    settings = StaffSettings.from_env(
        {
            "STAFF_SESSION_SECRET": SECRET,
            "STAFF_SESSION_LIFETIME_S": "3600",
            "STAFF_SESSION_IDLE_S": "600",
            "STAFF_COOKIE_SECURE": "false",
        }
    )
    assert (settings.session_lifetime_s, settings.session_idle_s, settings.cookie_secure) == (
        3600,
        600,
        False,
    )


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "STAFF_SESSION_SECRET"),
        ({"STAFF_SESSION_SECRET": "short"}, "STAFF_SESSION_SECRET"),
        (
            {"STAFF_SESSION_SECRET": SECRET, "STAFF_SESSION_LIFETIME_S": "eight hours"},
            "STAFF_SESSION_LIFETIME_S",
        ),
        ({"STAFF_SESSION_SECRET": SECRET, "STAFF_SESSION_IDLE_S": "0"}, "STAFF_SESSION_IDLE_S"),
        ({"STAFF_SESSION_SECRET": SECRET, "STAFF_COOKIE_SECURE": "maybe"}, "STAFF_COOKIE_SECURE"),
    ],
)
def test_bad_configuration_stops_start_up(environ, message):
    with pytest.raises(SettingsError, match=message):
        StaffSettings.from_env(environ)
