"""Typed settings for the staff console, read once from the environment at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from db.engine import database_url

# Where the agency API and the bot store complaint photos (cases.settings reads the same variable).
DEFAULT_CASE_PHOTO_DIR = Path(__file__).resolve().parent.parent / "var" / "case-photos"

MIN_SECRET_LENGTH = 32
DEFAULT_LIFETIME_S = 8 * 3600  # absolute: a sign-in is good for one working day at most
DEFAULT_IDLE_S = 30 * 60  # a console left alone signs itself out


class SettingsError(ValueError):
    """Configuration is missing or wrong; the process must not start."""


@dataclass(frozen=True, slots=True)
class StaffSettings:
    database_url: str
    session_secret: str  # keys the IP hashes in the audit log; never logged
    session_lifetime_s: int = DEFAULT_LIFETIME_S
    session_idle_s: int = DEFAULT_IDLE_S
    cookie_secure: bool = True  # off only for plain-http development on loopback
    cookie_name: str = "staff_session"
    max_upload_bytes: int = 5 * 1024 * 1024
    # Sign-in throttle (staff.signin_throttle): checks per run for an account name or a trusted
    # browser, and for a client address; blocks double from first_block_s up to lockout_s.
    lockout_threshold: int = 5
    client_threshold: int = 20
    first_block_s: int = 60
    lockout_s: int = 15 * 60
    case_photo_dir: Path = DEFAULT_CASE_PHOTO_DIR  # CASES_PHOTO_DIR: photos shown on the case pages

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> StaffSettings:
        secret = environ.get("STAFF_SESSION_SECRET", "")
        if len(secret) < MIN_SECRET_LENGTH:
            raise SettingsError(
                f"STAFF_SESSION_SECRET must be set to at least {MIN_SECRET_LENGTH} random characters"
            )
        return cls(
            database_url=database_url(dict(environ)),
            session_secret=secret,
            session_lifetime_s=_positive_int(environ, "STAFF_SESSION_LIFETIME_S", DEFAULT_LIFETIME_S),
            session_idle_s=_positive_int(environ, "STAFF_SESSION_IDLE_S", DEFAULT_IDLE_S),
            cookie_secure=_flag(environ, "STAFF_COOKIE_SECURE", default=True),
            case_photo_dir=Path(environ.get("CASES_PHOTO_DIR") or DEFAULT_CASE_PHOTO_DIR),
        )


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number of seconds, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value


def _flag(environ: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")
