"""Request ids at the gateway's edge: one per HTTP request, bound while it is handled.

A load balancer in front may already have set `X-Request-ID` (HAProxy's unique-id, nginx's
$request_id); a well-formed one is kept so its access log and ours agree, anything else is replaced.
The id goes back in the response, onto every event the request accepted (channels/webhook.py) and
from there to Rasa and the actions (observability.request_id).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from observability import request_id

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
REQUEST_ID: web.RequestKey[str] = web.RequestKey("request_id", str)


@web.middleware
async def request_id_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    rid = request_id.well_formed(request.headers.get(request_id.HEADER)) or request_id.new()
    request[REQUEST_ID] = rid
    token = request_id.bind(rid)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers[request_id.HEADER] = rid
        raise
    finally:
        request_id.reset(token)
    if not response.prepared:  # a streamed answer (SSE) has sent its headers already
        response.headers[request_id.HEADER] = rid
    return response
