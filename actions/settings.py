"""Typed settings of the action server, read once from the environment at start-up.

Only `appconfig.AppSettings.from_environ` (called by `python -m actions`) reads them; the features'
own parts (knowledge, cases, privacy) are AppSettings' other fields, handed to the actions through
`actions.context.ActionContext`. No action module reads the environment.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field

from actions.line_content import LineContentSettings
from db.engine import database_url
from handover.settings import OfficeHoursSettings

DEFAULT_PORT = 5055
# Rasa's action calls carry whole trackers and are never meant for the outside world.
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class ActionSettings:
    port: int = DEFAULT_PORT
    host: str = LOOPBACK
    database_url: str = ""
    log_level: str = "INFO"
    # What Rasa must send as "Authorization: Bearer …" on every action call (ACTION_SERVER_TOKEN, in
    # bot/endpoints*.yml); the server refuses to start without it, so it never answers just anyone.
    webhook_token: str = field(default="", repr=False)
    # Where the complaint form downloads a photo a citizen sent on LINE (token and data API base).
    line_content: LineContentSettings = field(default_factory=LineContentSettings)
    # OFFICE_HOURS=always opens every handover queue at all hours (actions/handover.py).
    office_hours: OfficeHoursSettings = field(default_factory=OfficeHoursSettings)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ActionSettings:
        raw_port = environ.get("ACTION_PORT", "").strip() or str(DEFAULT_PORT)
        try:
            port = int(raw_port)
        except ValueError as exc:
            raise ValueError(f"ACTION_PORT must be a number, got {raw_port!r}") from exc
        if not 0 < port < 65536:
            raise ValueError(f"ACTION_PORT out of range: {port}")
        host = environ.get("ACTION_HOST", "").strip() or LOOPBACK
        try:
            ipaddress.ip_address(host)
        except ValueError as exc:
            raise ValueError(f"ACTION_HOST must be an IP address to listen on, got {host!r}") from exc
        return cls(
            port=port,
            host=host,  # 0.0.0.0 in a container; Rasa alone reaches it (deploy/ NetworkPolicy, token)
            database_url=database_url(dict(environ)),
            log_level=(environ.get("LOG_LEVEL", "").strip() or "INFO").upper(),
            webhook_token=environ.get("ACTION_SERVER_TOKEN", "").strip(),
            line_content=LineContentSettings.from_environ(environ),
            office_hours=OfficeHoursSettings.from_environ(environ),
        )
