"""The one webhook handler every platform shares: verify, parse, accept, enqueue, answer.

The answer never waits for Rasa: LINE counts a webhook as failed after about two seconds, and SMS
aggregators retry slow callbacks. If the queue cannot store an event the platform gets a 503 so it
delivers again later; nothing is acknowledged that was not stored.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

from channels import keys
from channels.base import Channel, PayloadError, SignatureError
from channels.messages import Inbound
from channels.tracing import REQUEST_ID
from observability import request_id
from privacy import log_id

log = logging.getLogger(__name__)

Verify = Callable[[bytes, Mapping[str, str], str], None]
Parse = Callable[[bytes, Mapping[str, str]], list[Inbound]]


def problem(status: int, title: str, detail: str) -> web.Response:
    """An RFC 9457 problem+json answer (type, title, status, detail)."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return web.json_response(body, status=status, content_type="application/problem+json")


def public_url(request: web.Request) -> str:
    """The URL the platform signed: PUBLIC_BASE_URL + path when behind a proxy, else the request's."""
    base = request.config_dict[keys.SETTINGS].public_base_url
    return f"{base}{request.path_qs}" if base else str(request.url)


def make_webhook_handler(
    channel: Channel,
    *,
    verify: Verify | None = None,
    parse: Parse | None = None,
    ok: Callable[[], web.StreamResponse] = lambda: web.json_response({"ok": True}),
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Build the POST handler for one channel (verify/parse default to the channel's own)."""
    do_verify = verify or channel.verify
    do_parse = parse or channel.parse

    async def handler(request: web.Request) -> web.StreamResponse:
        body = await request.read()  # client_max_size turns an oversized body into 413 here
        try:
            do_verify(body, request.headers, public_url(request))
        except SignatureError as exc:
            log.warning("%s webhook: signature rejected (%s)", channel.name, exc)
            raise web.HTTPUnauthorized(text="invalid signature") from None
        try:
            events = do_parse(body, request.headers)
        except (PayloadError, ValueError, RecursionError) as exc:
            # ValueError/RecursionError: a parser that let a huge integer or deep nesting through.
            log.warning("%s webhook: bad payload (%s)", channel.name, exc.__class__.__name__)
            return problem(400, "Bad payload", f"bad payload: {exc}"[:300])
        stats = request.config_dict[keys.STATS]
        limiter = request.config_dict[keys.RATE_LIMITER]
        queue = request.config_dict[keys.QUEUE]
        rid = request.get(REQUEST_ID)
        for event in events:
            if rid is not None:  # carried with the event to the worker, Rasa and the actions
                event.extra[request_id.METADATA_KEY] = rid
            try:
                # Before the rate limit: an opt-out ("STOP", unfollow) must take effect even from a flood.
                await channel.accept(event)
                outcome = await queue.admit(event, limiter)
            except Exception as exc:
                log.error(
                    "%s webhook: could not store an event (%r); asking for redelivery", channel.name, exc
                )
                raise web.HTTPServiceUnavailable(text="try again later") from None
            if outcome == "rate_limited":
                log.warning("%s: rate limit hit by %s; event dropped", channel.name, log_id(event.sender_id))
            stats[{"accepted": "accepted", "duplicate": "duplicates"}.get(outcome, outcome)] += 1
        return ok()

    return handler
