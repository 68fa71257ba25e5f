"""`python -m channels`: run the gateway with settings from the environment."""

from __future__ import annotations

import logging
import os

from aiohttp import web

from cases.settings import CasesSettings
from cases.settings import SettingsError as CasesSettingsError
from channels.app import create_app
from channels.settings import Settings


def _case_settings() -> CasesSettings | None:
    """The case registry's settings when CASES_SECRET_KEY is set: then this process also delivers
    case notices (channels.notices); without it the gateway runs as before, with one log line."""
    try:
        return CasesSettings.from_environ(os.environ)
    except CasesSettingsError as exc:
        logging.getLogger("channels").warning("case notices off: %s", str(exc).split(":")[0])
        return None


def main() -> None:
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    settings = Settings.from_env()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    app = create_app(settings, cases=_case_settings())
    logging.getLogger("channels").info(
        "gateway on http://%s:%d (Rasa at %s)", settings.host, settings.port, settings.rasa_url
    )
    web.run_app(app, host=settings.host, port=settings.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
