"""Gateway configuration, read once at start-up from the environment and then passed around.

Nothing in `channels/` reads `os.environ` anywhere else: `Settings.from_env(environ)` is called by
`appconfig.AppSettings.from_environ` in the process entry points (or a test builds `Settings(...)`
directly), so every value a component uses is visible in one place and tests never depend on the
shell they run in.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from channels.edge import EdgeSettings
from channels.web.config import WebSettings
from privacy import PrivacyConfigError, PrivacySettings

SmsProviderName = Literal["generic", "twilio"]
# Where accepted events, dedupe records, state and web transcripts live (channels.backends.BACKENDS).
BackendName = Literal["redis", "sqlite", "memory"]
BACKEND_NAMES: tuple[BackendName, ...] = ("redis", "sqlite", "memory")

log = logging.getLogger(__name__)


class SettingsError(ValueError):
    """A variable is present but unusable; start-up stops with the variable's name in the message."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from exc


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from exc


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be 1/0/true/false, got {raw!r}")


def _str(env: Mapping[str, str], name: str, default: str = "") -> str:
    return env.get(name, default).strip() or default


def _privacy(env: Mapping[str, str]) -> PrivacySettings | None:
    try:
        return PrivacySettings.from_environ_if_set(env)
    except PrivacyConfigError as exc:
        raise SettingsError(str(exc)) from exc


def _sms_api_key(env: Mapping[str, str]) -> str:
    """SMS_API_KEY; the case worker's old name SMS_API_TOKEN is still accepted, with one log line."""
    key = _str(env, "SMS_API_KEY")
    old = _str(env, "SMS_API_TOKEN")
    if old and not key:
        log.warning("SMS_API_TOKEN is deprecated: rename it to SMS_API_KEY (same value)")
        return old
    if old:
        log.warning("SMS_API_TOKEN is deprecated and ignored: SMS_API_KEY is set")
    return key


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds; every outbound call has one so a slow peer never holds a worker forever."""

    rasa_total: float = 30.0
    rasa_connect: float = 2.0
    line_total: float = 10.0
    sms_total: float = 10.0
    redis_socket: float = 5.0


@dataclass(frozen=True, slots=True)
class Settings:
    # --- server
    host: str = "127.0.0.1"
    port: int = 8080
    public_base_url: str = ""  # https://bot.example.go.th — what the platforms see (Twilio signs it)
    max_body_bytes: int = 256 * 1024  # LINE bodies are small; anything larger is refused with 413
    # GATEWAY_WORKER=0: this process only acknowledges webhooks; other processes (same Redis) do the
    # work. Keeps acknowledgements fast when Rasa and the workers saturate the CPU.
    worker_enabled: bool = True
    # --- Rasa (loopback only)
    rasa_url: str = "http://127.0.0.1:5005"
    gateway_rasa_token: str = field(
        default="", repr=False
    )  # optional shared secret our Rasa input channels check
    # --- queue and stores
    redis_url: str = field(default="", repr=False)  # empty: the SQLite state file (embedded default)
    # GATEWAY_BACKEND: "" = redis with REDIS_URL, else sqlite (durable, one machine); "memory" only
    # for tests that ask for it (lost on restart). See `backend_name`.
    backend: BackendName | Literal[""] = ""
    redis_prefix: str = "gw"
    redis_max_connections: int = 64
    queue_shards: int = 8  # streams; one citizen always lands on the same shard (ordering)
    max_inflight: int = 128  # events processed at once per gateway process
    # A replica silent this long is dead: its queue shards' leases and pending entries are taken over
    # (Redis), or an SQLite lease runs out (a gateway restarted on the same host takes its dead
    # predecessor's events back at once).
    claim_idle_seconds: float = 15.0
    # LINE redelivers for a while; ids are kept a day (pruned after), older LINE events are refused.
    dedupe_ttl_seconds: int = 24 * 3600
    max_attempts: int = 5  # non-transient failures before an event goes to the dead-letter stream
    retry_base_seconds: float = 0.5
    typing_delay_seconds: float = 0.8  # show LINE's loading animation only if Rasa takes longer
    retry_max_seconds: float = 15.0
    state_dir: str = "var"  # where the SQLite state file lives (channels.state_db)
    # --- per-citizen rate limit (events accepted per window; the rest are dropped and counted)
    rate_limit_events: int = 30
    rate_limit_window_seconds: int = 60
    # --- live handover: a queue place nobody claims in this long is given up with a call-back offer
    handover_claim_timeout_seconds: float = 600.0
    # --- LINE
    line_channel_secret: str = field(default="", repr=False)
    line_channel_access_token: str = field(default="", repr=False)
    line_api_base: str = "https://api.line.me"
    line_data_api_base: str = "https://api-data.line.me"
    line_reply_token_max_age_seconds: float = 50.0  # tokens expire within ~1 min; push after this
    # --- SMS
    sms_provider: SmsProviderName = "generic"
    sms_api_base: str = ""
    sms_api_key: str = field(default="", repr=False)  # bearer token for the generic provider's send API
    sms_sender: str = ""  # our short code / number, used as "from" on outbound messages
    sms_webhook_secret: str = field(default="", repr=False)
    twilio_account_sid: str = ""
    twilio_auth_token: str = field(default="", repr=False)
    sms_segment_budget: int = 3
    # --- personal data: PERSONAL_DATA_KEYS (privacy/README.md); None when no key is set (SMS is off)
    privacy: PrivacySettings | None = field(default=None, repr=False)
    # --- timeouts
    timeouts: Timeouts = field(default_factory=Timeouts)
    # --- web chat (channels/web owns these; repr hidden because it holds the session secret)
    web: WebSettings = field(default_factory=WebSettings, repr=False)
    # --- edge: trusted proxies, HSTS, /readyz details (channels/edge.py owns these)
    edge: EdgeSettings = field(default_factory=EdgeSettings, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        d = cls()  # defaults (slots dataclasses keep no class-level default values)
        dt = Timeouts()
        backend = _str(env, "GATEWAY_BACKEND").lower()
        if backend and backend not in BACKEND_NAMES:
            raise SettingsError(f"GATEWAY_BACKEND must be one of {', '.join(BACKEND_NAMES)}, got {backend!r}")
        provider = _str(env, "SMS_PROVIDER", "generic").lower()
        if provider not in ("generic", "twilio"):
            raise SettingsError(f"SMS_PROVIDER must be 'generic' or 'twilio', got {provider!r}")
        timeouts = Timeouts(
            rasa_total=_float(env, "RASA_TIMEOUT_SECONDS", dt.rasa_total),
            rasa_connect=_float(env, "RASA_CONNECT_TIMEOUT_SECONDS", dt.rasa_connect),
            line_total=_float(env, "LINE_TIMEOUT_SECONDS", dt.line_total),
            sms_total=_float(env, "SMS_TIMEOUT_SECONDS", dt.sms_total),
            redis_socket=_float(env, "REDIS_TIMEOUT_SECONDS", dt.redis_socket),
        )
        settings = cls(
            host=_str(env, "GATEWAY_HOST", "127.0.0.1"),
            port=_int(env, "GATEWAY_PORT", 8080),
            public_base_url=_str(env, "PUBLIC_BASE_URL").rstrip("/"),
            max_body_bytes=_int(env, "GATEWAY_MAX_BODY_BYTES", d.max_body_bytes),
            worker_enabled=_bool(env, "GATEWAY_WORKER", True),
            rasa_url=_str(env, "RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            gateway_rasa_token=_str(env, "GATEWAY_RASA_TOKEN"),
            redis_url=_str(env, "REDIS_URL"),
            backend=backend,
            redis_prefix=_str(env, "GATEWAY_REDIS_PREFIX", "gw"),
            redis_max_connections=_int(env, "GATEWAY_REDIS_MAX_CONNECTIONS", d.redis_max_connections),
            queue_shards=_int(env, "GATEWAY_QUEUE_SHARDS", d.queue_shards),
            max_inflight=_int(env, "GATEWAY_MAX_INFLIGHT", d.max_inflight),
            claim_idle_seconds=_float(env, "GATEWAY_CLAIM_IDLE_SECONDS", d.claim_idle_seconds),
            dedupe_ttl_seconds=_int(env, "GATEWAY_DEDUPE_TTL_SECONDS", d.dedupe_ttl_seconds),
            max_attempts=_int(env, "GATEWAY_MAX_ATTEMPTS", d.max_attempts),
            typing_delay_seconds=_float(env, "GATEWAY_TYPING_DELAY_SECONDS", d.typing_delay_seconds),
            state_dir=_str(env, "GATEWAY_STATE_DIR", "var"),
            rate_limit_events=_int(env, "RATE_LIMIT_EVENTS", d.rate_limit_events),
            rate_limit_window_seconds=_int(env, "RATE_LIMIT_WINDOW_SECONDS", d.rate_limit_window_seconds),
            handover_claim_timeout_seconds=_float(
                env, "HANDOVER_CLAIM_TIMEOUT_SECONDS", d.handover_claim_timeout_seconds
            ),
            line_channel_secret=_str(env, "LINE_CHANNEL_SECRET"),
            line_channel_access_token=_str(env, "LINE_CHANNEL_ACCESS_TOKEN"),
            line_api_base=_str(env, "LINE_API_BASE", "https://api.line.me").rstrip("/"),
            line_data_api_base=_str(env, "LINE_DATA_API_BASE", "https://api-data.line.me").rstrip("/"),
            sms_provider=provider,  # type: ignore[arg-type]
            sms_api_base=_str(env, "SMS_API_BASE").rstrip("/"),
            sms_api_key=_sms_api_key(env),
            sms_sender=_str(env, "SMS_SENDER"),
            sms_webhook_secret=_str(env, "SMS_WEBHOOK_SECRET"),
            twilio_account_sid=_str(env, "TWILIO_ACCOUNT_SID"),
            twilio_auth_token=_str(env, "TWILIO_AUTH_TOKEN"),
            sms_segment_budget=_int(env, "SMS_SEGMENT_BUDGET", 3),
            privacy=_privacy(env),
            timeouts=timeouts,
            web=WebSettings.from_env(env),
            edge=EdgeSettings.from_env(env),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Refuse values that would only fail later, far from their cause."""
        if not 0 < self.port < 65536:
            raise SettingsError(f"GATEWAY_PORT out of range: {self.port}")
        if self.max_body_bytes < 1024:
            raise SettingsError("GATEWAY_MAX_BODY_BYTES must be at least 1024")
        if self.queue_shards < 1 or self.max_inflight < 1:
            raise SettingsError("GATEWAY_QUEUE_SHARDS and GATEWAY_MAX_INFLIGHT must be positive")
        if self.sms_segment_budget < 1:
            raise SettingsError("SMS_SEGMENT_BUDGET must be at least 1")
        if self.backend_name == "redis" and not self.redis_url:
            raise SettingsError("GATEWAY_BACKEND=redis needs REDIS_URL")
        if self.dedupe_ttl_seconds < 60 or self.claim_idle_seconds <= 0:
            raise SettingsError("GATEWAY_DEDUPE_TTL_SECONDS must be >= 60, GATEWAY_CLAIM_IDLE_SECONDS > 0")
        if not self.worker_enabled and self.backend_name != "redis":
            raise SettingsError(
                "GATEWAY_WORKER=0 needs REDIS_URL: without it no other process can do the work"
            )
        if self.handover_claim_timeout_seconds <= 0:
            raise SettingsError("HANDOVER_CLAIM_TIMEOUT_SECONDS must be positive")
        if self.rate_limit_events < 1 or self.rate_limit_window_seconds < 1:
            raise SettingsError("RATE_LIMIT_EVENTS and RATE_LIMIT_WINDOW_SECONDS must be positive")

    @property
    def backend_name(self) -> BackendName:
        """The backend in use: GATEWAY_BACKEND if set, else redis with REDIS_URL, else sqlite."""
        if self.backend:
            return self.backend
        return "redis" if self.redis_url else "sqlite"

    def with_(self, **changes: object) -> Settings:
        """A modified copy (tests and benchmarks)."""
        return replace(self, **changes)  # type: ignore[arg-type]
