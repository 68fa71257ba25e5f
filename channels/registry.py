"""Which channel adapters and extra sub-applications the gateway knows about: explicit dicts.

A channel factory takes the `ChannelContext` and returns its adapter, or raises `ChannelDisabled` with
a reason (usually a missing secret); the gateway then logs one line and runs without that channel.
Factories are named by import path so a broken or absent optional adapter cannot stop the others.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web
from sqlalchemy import Engine

if TYPE_CHECKING:
    from appconfig import AppSettings

CHANNEL_FACTORIES: dict[str, str] = {
    "line": "channels.line.adapter:build",
    "sms": "channels.sms.adapter:build",
    "web": "channels.web.adapter:build",
}

# A sub-app factory gets the process's configuration and its one database engine, reads no
# environment, opens no engine of its own, and raises ValueError (appconfig.FeatureOff) when its
# settings are absent: the gateway then runs without it and says so in one log line.
SubAppFactory = Callable[["AppSettings", Engine], web.Application]

# Mount point -> factory of an aiohttp sub-application (the staff console, open data, the case API).
# Sub-apps reach the gateway's shared resources through request.config_dict[keys.HTTP] and friends.
SUBAPPS: dict[str, str] = {
    "/staff/": "staff.web:gateway_subapp",
    "/open-data/": "knowledge.open_data:gateway_subapp",
    "/api/v1": "cases.api:gateway_subapp",
}
