"""App factory and start-up of the action server.

rasa-sdk's own CLI binds 0.0.0.0 and forks workers; here the same Sanic app (rasa_sdk.endpoint's
create_app) is served by one process on loopback, after migrations and action construction.
"""

from __future__ import annotations

import logging

from rasa_sdk.endpoint import create_app as create_sdk_app
from sanic import Sanic

from actions.context import ActionContext
from actions.registry import build_executor
from appconfig import AppSettings
from db.migrate import upgrade

logger = logging.getLogger(__name__)


def create_app(context: ActionContext) -> Sanic:
    """Build the Sanic app; all actions are constructed here, before any request."""
    executor = build_executor(context)
    # No browser ever calls the action server, so no CORS origins.
    return create_sdk_app(executor, cors_origins=None)


def serve(config: AppSettings) -> None:
    """Migrate, build every action from the process's one configuration, serve until stopped."""
    upgrade(config.database_url)
    context = ActionContext.create(config)
    settings = context.settings
    app = create_app(context)
    logger.info("action server on http://%s:%d", settings.host, settings.port)
    try:
        app.run(
            host=settings.host,
            port=settings.port,
            single_process=True,
            access_log=False,
            motd=False,
        )
    finally:
        context.close()
