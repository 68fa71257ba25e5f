"""One configuration: every feature's typed settings, read once at start-up from the environment.

`AppSettings.from_environ(os.environ)` is called by the process entry points only (`python -m
channels`, `python -m actions`, `python -m cases`, `python -m staff`); everything else — the gateway's
app factory, the sub-apps mounted on it (staff console, open data, case API), the action server — is
handed the typed object and reads no environment (tests/test_configuration.py checks the gateway).

A feature whose secret is missing is not an error here: its part is None and `off[feature]` says why,
so the process that mounts it can run without it and say so in one log line. Malformed values are
errors (SettingsError): the process must not start with them.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

from actions.settings import ActionSettings
from cases.settings import CasesSettings
from channels.settings import Settings as GatewaySettings
from db.engine import database_url, default_url
from privacy import PrivacySettings
from staff.settings import StaffSettings

if TYPE_CHECKING:
    from knowledge.open_data import OpenDataSettings
    from knowledge.settings import KnowledgeSettings

log = logging.getLogger(__name__)

T = TypeVar("T")


class FeatureOff(ValueError):
    """A sub-app's settings are absent (its secret is not set): the gateway runs without it."""


@dataclass(frozen=True, slots=True)
class AppSettings:
    """The process's whole configuration, composed of the features' own settings objects."""

    database_url: str  # the one database every SQL store uses (one engine per process: db.engine)
    gateway: GatewaySettings = field(default_factory=GatewaySettings)
    privacy: PrivacySettings | None = None  # PERSONAL_DATA_KEYS (privacy/); None when no key is set
    cases: CasesSettings | None = None  # None: no case registry here (why: off["cases"])
    staff: StaffSettings | None = None  # None: no staff console here (why: off["staff"])
    open_data: OpenDataSettings | None = None
    knowledge: KnowledgeSettings | None = None
    actions: ActionSettings | None = None
    log_level: str = "INFO"
    log_format: str = "json"  # LOG_FORMAT: json lines with request ids (observability.logs), or text
    off: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> AppSettings:
        """Read every feature's settings from this mapping (an entry point passes os.environ).

        The gateway's own settings must be valid (SettingsError otherwise); any other feature whose
        settings are missing or unusable is None with the reason in `off`, for the process that
        needs it to refuse to start (`require`) and for the others to run without it.
        """
        from knowledge.open_data import OpenDataSettings
        from knowledge.settings import KnowledgeSettings

        env = dict(environ)
        off: dict[str, str] = {}

        def part(name: str, read: Callable[[Mapping[str, str]], T]) -> T | None:
            try:
                return read(env)
            except ValueError as exc:  # every feature's SettingsError is a ValueError
                off[name] = str(exc)
                return None

        gateway = GatewaySettings.from_env(env)
        privacy = part("privacy", PrivacySettings.from_environ_if_set)
        cases = part("cases", CasesSettings.from_environ)
        if privacy is not None:  # one key object for the whole process, not one per feature
            gateway = dataclasses.replace(gateway, privacy=privacy)
            cases = dataclasses.replace(cases, privacy=privacy) if cases is not None else None
        return cls(
            database_url=database_url(env),
            gateway=gateway,
            privacy=privacy,
            cases=cases,
            staff=part("staff", StaffSettings.from_env),
            open_data=part("open_data", OpenDataSettings.from_env),
            knowledge=part("knowledge", KnowledgeSettings.from_environ),
            actions=part("actions", ActionSettings.from_environ),
            log_level=(env.get("LOG_LEVEL", "").strip() or "INFO").upper(),
            log_format=(env.get("LOG_FORMAT", "").strip() or "json").lower(),
            off=MappingProxyType(off),
        )

    @classmethod
    def for_gateway(cls, gateway: GatewaySettings, *, cases: CasesSettings | None = None) -> AppSettings:
        """Only the gateway's part (tests, benchmarks); the database is the case registry's if given."""
        url = cases.database_url if cases is not None else default_url()
        return cls(database_url=url, gateway=gateway, cases=cases)

    def require(self, feature: str) -> None:
        """Raise FeatureOff(reason) when `feature` ("cases", "staff", …) has no settings here."""
        if getattr(self, feature) is None:
            raise FeatureOff(self.off.get(feature) or f"{feature} settings not given")


__all__ = ["AppSettings", "FeatureOff", "GatewaySettings"]
