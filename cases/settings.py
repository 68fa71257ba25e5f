"""Typed settings of the cases feature, read once at start-up from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from db.engine import database_url
from privacy import PrivacyConfigError, PrivacySettings

ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """Start-up configuration is missing or malformed; the message names the variable."""


def _privacy(env: Mapping[str, str]) -> PrivacySettings:
    """PERSONAL_DATA_KEYS (privacy/README.md; legacy CASES_SECRET_KEY still accepted)."""
    try:
        privacy = PrivacySettings.from_environ(env)
    except PrivacyConfigError as exc:
        raise SettingsError(str(exc)) from exc
    if not privacy.can_store:
        raise SettingsError(
            "PERSONAL_DATA_KEYS is not set: it keys the hashes and encryption of citizens' contact data "
            "(make one with: python -m privacy generate)"
        )
    return privacy


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number") from exc
    if value < 1:
        raise SettingsError(f"{name} must be at least 1")
    return value


@dataclass(frozen=True)
class CasesSettings:
    database_url: str
    privacy: PrivacySettings  # key material for contact data (PERSONAL_DATA_KEYS)
    photo_dir: Path
    max_photo_bytes: int = 2_000_000
    max_photos: int = 3
    sms_max_segments: int = 2  # case texts by SMS; the SMS adapter's SMS_SEGMENT_BUDGET caps it further
    timezone: str = "Asia/Bangkok"
    quiet_start_hour: int = 21
    quiet_end_hour: int = 8
    worker_batch: int = 100
    worker_concurrency: int = 32
    lease_seconds: float = 60.0
    max_attempts: int = 8
    backoff_base_seconds: float = 2.0
    backoff_max_seconds: float = 3600.0
    idle_poll_seconds: float = 0.25
    # Agency API requests per key (cases.api_rate_limit): a sustained rate and a burst on top.
    api_rate_per_minute: int = 300
    api_burst: int = 60
    api_failed_auth_per_minute: int = 30  # wrong or missing keys per client address (burst the same)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> CasesSettings:
        env = dict(environ)
        return cls(
            database_url=database_url(env),
            privacy=_privacy(env),
            photo_dir=Path(env.get("CASES_PHOTO_DIR") or ROOT / "var" / "case-photos"),
            worker_batch=_int(env, "CASES_WORKER_BATCH", 100),
            worker_concurrency=_int(env, "CASES_WORKER_CONCURRENCY", 32),
            lease_seconds=float(_int(env, "CASES_WORKER_LEASE_SECONDS", 60)),
            idle_poll_seconds=_int(env, "CASES_WORKER_IDLE_POLL_MS", 250) / 1000,
            api_rate_per_minute=_int(env, "CASES_API_RATE_PER_MINUTE", 300),
            api_burst=_int(env, "CASES_API_BURST", 60),
        )
