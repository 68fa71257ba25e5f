"""`python -m channels`: run the gateway with the configuration read once from the environment."""

from __future__ import annotations

import logging
import os

from aiohttp import web

import observability.logs
from appconfig import AppSettings
from channels.app import create_app


def main() -> None:
    config = AppSettings.from_environ(os.environ)
    observability.logs.configure(config.log_level, config.log_format)
    log = logging.getLogger("channels")
    if config.cases is None:
        # Without the case registry's key the gateway runs as before: no notices, no registry opt-outs.
        log.warning("case notices off: %s", config.off.get("cases", "").split(":")[0])
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    app = create_app(config)
    settings = config.gateway
    log.info("gateway on http://%s:%d (Rasa at %s)", settings.host, settings.port, settings.rasa_url)
    web.run_app(app, host=settings.host, port=settings.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
