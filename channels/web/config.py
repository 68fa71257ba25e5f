"""Web chat settings: a typed part of the gateway's `Settings`, read once at start-up.

`WebSettings.from_env` is called by `Settings.from_env` with the same mapping, so nothing here reads
`os.environ` itself. Without `WEB_SESSION_SECRET` the web channel is disabled with one log line (the
rule for every channel without its secrets); `scripts/run.sh` generates one for the local default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


class WebSettingsError(ValueError):
    """A WEB_* variable is present but unusable."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise WebSettingsError(f"{name} must be an integer, got {raw!r}") from exc
    if value < minimum:
        raise WebSettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


@dataclass(frozen=True, slots=True)
class WebSettings:
    session_secret: str = field(default="", repr=False)
    # Origins allowed to open the socket ("https://www.example.go.th"); empty = the gateway's own
    # origin only (its demo page); "*" = any page (the widget is public, but a deployment should list
    # the agency sites so other sites cannot embed the bot under their name).
    allowed_origins: tuple[str, ...] = ()
    max_text_chars: int = 1000
    max_frame_bytes: int = 16 * 1024  # a frame above this is refused without reading it as JSON
    history_entries: int = 200  # kept per session
    history_sent: int = 50  # sent to a reconnecting widget
    history_ttl_seconds: int = 7 * 24 * 3600  # a transcript expires after a week of silence
    heartbeat_seconds: float = 25.0  # websocket ping; keeps proxies from closing idle sockets
    # Session tokens (channels/web/session.py): refused this long after they were issued, replaced by
    # a fresh token for the same session on a connection once older than `session_rotate_seconds`.
    session_max_age_seconds: int = 7 * 24 * 3600
    session_rotate_seconds: int = 3600
    # Earlier secrets whose tokens still verify (re-signed at the next connection): secret rotation.
    previous_secrets: tuple[str, ...] = field(default=(), repr=False)
    # Transcripts one client (hashed address) may hold in the SQLite and memory stores; beyond it the
    # client's own longest-idle transcript goes, never another client's.
    sessions_per_client: int = 500

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WebSettings:
        origins = tuple(
            o.strip().rstrip("/") for o in env.get("WEB_ALLOWED_ORIGINS", "").split(",") if o.strip()
        )
        secret = env.get("WEB_SESSION_SECRET", "").strip()
        if secret and len(secret.encode("utf-8")) < 16:
            raise WebSettingsError("WEB_SESSION_SECRET must be at least 16 characters")
        previous = tuple(
            p.strip() for p in env.get("WEB_SESSION_SECRET_PREVIOUS", "").split(",") if p.strip()
        )
        if any(len(p.encode("utf-8")) < 16 for p in previous):
            raise WebSettingsError("each WEB_SESSION_SECRET_PREVIOUS secret must be at least 16 characters")
        defaults = cls()
        max_age = _int(env, "WEB_SESSION_MAX_AGE_SECONDS", defaults.session_max_age_seconds, minimum=60)
        rotate = _int(env, "WEB_SESSION_ROTATE_SECONDS", defaults.session_rotate_seconds, minimum=10)
        if rotate >= max_age:
            raise WebSettingsError("WEB_SESSION_ROTATE_SECONDS must be below WEB_SESSION_MAX_AGE_SECONDS")
        return cls(
            session_secret=secret,
            allowed_origins=origins,
            max_text_chars=_int(env, "WEB_MAX_TEXT_CHARS", defaults.max_text_chars),
            max_frame_bytes=_int(env, "WEB_MAX_FRAME_BYTES", defaults.max_frame_bytes, minimum=1024),
            history_entries=_int(env, "WEB_HISTORY_ENTRIES", defaults.history_entries),
            history_sent=_int(env, "WEB_HISTORY_SENT", defaults.history_sent),
            history_ttl_seconds=_int(env, "WEB_HISTORY_TTL_SECONDS", defaults.history_ttl_seconds),
            session_max_age_seconds=max_age,
            session_rotate_seconds=rotate,
            previous_secrets=previous,
            sessions_per_client=_int(env, "WEB_SESSIONS_PER_CLIENT", defaults.sessions_per_client),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.session_secret)
