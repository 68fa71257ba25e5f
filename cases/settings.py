"""Typed settings of the cases feature, read once at start-up from the environment."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from db.engine import database_url

ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """Start-up configuration is missing or malformed; the message names the variable."""


def _secret_key(raw: str) -> bytes:
    """CASES_SECRET_KEY: at least 32 random bytes, hex or base64 (e.g. `openssl rand -hex 32`)."""
    raw = raw.strip()
    if not raw:
        raise SettingsError(
            "CASES_SECRET_KEY is not set: it keys the hashes and encryption of citizens' contact data "
            "(make one with: python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    try:
        key = bytes.fromhex(raw)
    except ValueError:
        try:
            key = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SettingsError("CASES_SECRET_KEY must be hex or base64") from exc
    if len(key) < 32:
        raise SettingsError("CASES_SECRET_KEY must hold at least 32 bytes")
    return key


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
    secret_key: bytes
    photo_dir: Path
    max_photo_bytes: int = 2_000_000
    max_photos: int = 3
    line_api_base: str = "https://api.line.me"
    line_access_token: str | None = None
    sms_api_base: str | None = None
    sms_api_token: str | None = None
    sms_max_segments: int = 2
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
    http_timeout_seconds: float = 10.0

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> CasesSettings:
        env = dict(environ)
        return cls(
            database_url=database_url(env),
            secret_key=_secret_key(env.get("CASES_SECRET_KEY", "")),
            photo_dir=Path(env.get("CASES_PHOTO_DIR") or ROOT / "var" / "case-photos"),
            line_api_base=(env.get("LINE_API_BASE") or "https://api.line.me").rstrip("/"),
            line_access_token=env.get("LINE_CHANNEL_ACCESS_TOKEN") or None,
            sms_api_base=(env.get("SMS_API_BASE") or "").rstrip("/") or None,
            sms_api_token=env.get("SMS_API_TOKEN") or None,
            worker_batch=_int(env, "CASES_WORKER_BATCH", 100),
            worker_concurrency=_int(env, "CASES_WORKER_CONCURRENCY", 32),
            lease_seconds=float(_int(env, "CASES_WORKER_LEASE_SECONDS", 60)),
            idle_poll_seconds=_int(env, "CASES_WORKER_IDLE_POLL_MS", 250) / 1000,
        )
