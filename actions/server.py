"""App factory and start-up of the action server.

rasa-sdk's own CLI binds 0.0.0.0 and forks workers; here the same Sanic app (rasa_sdk.endpoint's
create_app) is served by one process on loopback, after migrations and action construction.

Every action call carries the whole conversation and may read or change a citizen's cases, so only
Rasa may call: /webhook and /actions require `Authorization: Bearer <ACTION_SERVER_TOKEN>` (Rasa
sends it from bot/endpoints*.yml; rasa-sdk itself checks nothing). /health stays open for readiness
probes; it says nothing about anyone.
"""

from __future__ import annotations

import hmac
import logging

from rasa_sdk.endpoint import create_app as create_sdk_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.context import ActionContext
from actions.metrics import ActionMetrics, instrument
from actions.registry import build_executor
from appconfig import AppSettings
from db.migrate import upgrade

logger = logging.getLogger(__name__)


OPEN_PATHS = frozenset({"/health", "/metrics"})


def bearer_matches(authorization: str | None, token: str) -> bool:
    """Whether an Authorization header carries exactly this bearer token (an empty token: never)."""
    scheme, _, supplied = (authorization or "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(supplied.strip().encode("utf-8"), token.encode("utf-8"))


def require_token(app: Sanic, token: str) -> None:
    """Answer 401 to any request but /health without the bearer token, before rasa-sdk sees it."""

    @app.on_request
    async def check_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or bearer_matches(request.headers.get("authorization"), token):
            return None
        return response.json(
            {"error": "unauthorized"}, status=401, headers={"WWW-Authenticate": 'Bearer realm="actions"'}
        )


def release_answered_calls(app: Sanic) -> None:
    """Drop each request's body and parsed JSON once its response is ready.

    An action call carries the whole conversation (Rasa sends every event of the session and the
    domain: hundreds of kB for a long conversation, several MB once parsed). Sanic keeps the last
    request of each keep-alive connection reachable until the next request arrives on it (the
    connection's task holds it in the `Request._current` context variable), and Rasa's HTTP pool,
    or HAProxy in `make cluster`, keeps dozens of connections open. Without this, memory grew with
    (open connections x the largest recent trackers): +48 % in the 30-minute cluster soak
    (bench/README.md, "Cluster soak")."""

    @app.on_response
    async def release(request: Request, _response: HTTPResponse) -> None:
        request.body = b""
        request.parsed_json = None


def create_app(context: ActionContext) -> Sanic:
    """Build the Sanic app; all actions are constructed here, before any request. Without a token
    configured every call but /health is refused (serve() does not even start then)."""
    executor = build_executor(context)
    # No browser ever calls the action server, so no CORS origins.
    app = create_sdk_app(executor, cors_origins=None)
    require_token(app, context.settings.webhook_token)
    instrument(app, ActionMetrics(executor.actions))
    release_answered_calls(app)
    return app


def serve(config: AppSettings) -> None:
    """Migrate, build every action from the process's one configuration, serve until stopped."""
    if config.actions is not None and not config.actions.webhook_token:
        raise SystemExit(  # one clear line, not a traceback
            "action server: ACTION_SERVER_TOKEN is not set: the action server answers only Rasa, "
            "which sends it (bot/endpoints.yml); `make run` generates one into var/secrets/"
        )
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
