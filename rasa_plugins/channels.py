"""Rasa input channels `line`, `sms` and `web`: the gateway's door into Rasa (runs inside Rasa 3.6).

Why not Rasa's REST channel: Rasa picks `channel:` response variants by the output channel's name,
and the REST channel's collector is always called "collector". Each class here names both its input
and its output channel after the platform, so `channel: line` variants and per-channel behaviour work.

The gateway posts `{"sender", "message", "metadata": {channel, user_id, display_name, locale,
event_id, ...}}` to /webhooks/<name>/webhook and gets the collected bot messages back as a JSON list.
Only the gateway may call: requests must come from loopback, and when a token is configured
(`token:` in credentials.yml, else the GATEWAY_RASA_TOKEN variable read when Rasa builds the channel)
they must carry it in X-Gateway-Token. Failures are reported with a status the gateway can act on:
503 while Rasa cannot process now (retry later), 500 when processing this message failed.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from observability import request_id  # stdlib only: importable in Rasa's environment too

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Gateway-Token"  # noqa: S105 (a header name)
MAX_MESSAGE_CHARS = 5000  # the gateway trims longer texts; this guards against anyone else


def _is_loopback(address: str | None) -> bool:
    if not address:
        return False
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class GatewayOutputChannel(CollectingOutputChannel):
    """Collects the bot's messages for one request; subclasses only change the name Rasa sees."""

    channel_name = "gateway"

    @classmethod
    def name(cls) -> str:
        return cls.channel_name


class GatewayInput(InputChannel):
    """Shared behaviour of the three input channels; subclasses set `channel_name`."""

    channel_name = "gateway"
    output_channel_class = GatewayOutputChannel

    def __init__(self, token: str | None = None) -> None:
        self.token = token or ""

    @classmethod
    def name(cls) -> str:
        return cls.channel_name

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        token = str(credentials.get("token") or os.environ.get("GATEWAY_RASA_TOKEN", "")).strip()
        return cls(token=token)

    def _authorised(self, request: Request) -> bool:
        if not _is_loopback(request.ip):
            return False
        if not self.token:
            return True
        supplied = request.headers.get(TOKEN_HEADER, "")
        return hmac.compare_digest(supplied.encode("utf-8"), self.token.encode("utf-8"))

    @staticmethod
    def _parse(request: Request) -> dict[str, Any] | None:
        try:
            body = request.json
        except Exception:  # sanic raises its own error on bad JSON
            return None
        if not isinstance(body, dict):
            return None
        sender, message = body.get("sender"), body.get("message")
        metadata = body.get("metadata") or {}
        if not isinstance(sender, str) or not sender.strip() or not isinstance(message, str):
            return None
        if not isinstance(metadata, dict):
            return None
        return {"sender": sender, "message": message[:MAX_MESSAGE_CHARS], "metadata": metadata}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint(f"gateway_{type(self).__name__}_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "channel": self.channel_name})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "forbidden"}, status=403)
            parsed = self._parse(request)
            if parsed is None:
                return response.json({"error": "expected {sender, message, metadata}"}, status=400)
            metadata = dict(parsed["metadata"])
            metadata["channel"] = self.channel_name  # the route, not the body, decides the channel
            # The gateway's request id (observability.request_id) stays on the user event for the
            # action server's logs; here it tags this process's own lines about the message.
            rid = request_id.well_formed(metadata.get(request_id.METADATA_KEY)) or "-"
            collector = self.output_channel_class()
            message = UserMessage(
                parsed["message"],
                collector,
                parsed["sender"],
                input_channel=self.channel_name,
                metadata=metadata,
            )
            try:
                await on_new_message(message)
            except asyncio.CancelledError:
                logger.error("%s channel: processing timed out [request %s]", self.channel_name, rid)
                return response.json({"error": "timed out"}, status=503)
            except Exception:
                logger.exception("%s channel: processing failed [request %s]", self.channel_name, rid)
                return response.json({"error": "processing failed"}, status=500)
            messages: list[dict[str, Any]] = collector.messages
            logger.debug("%s channel: answered [request %s]", self.channel_name, rid)
            return response.json(messages, headers={request_id.HEADER: rid} if rid != "-" else None)

        return blueprint


class LineOutput(GatewayOutputChannel):
    channel_name = "line"


class SmsOutput(GatewayOutputChannel):
    channel_name = "sms"


class WebOutput(GatewayOutputChannel):
    channel_name = "web"


class LineInput(GatewayInput):
    channel_name = "line"
    output_channel_class = LineOutput


class SmsInput(GatewayInput):
    channel_name = "sms"
    output_channel_class = SmsOutput


class WebInput(GatewayInput):
    channel_name = "web"
    output_channel_class = WebOutput


REST_NAMESPACE = "rest:"


class LocalRestInput(RestInput):
    """Rasa's REST channel (/webhooks/rest/webhook, kept for local use and scripts) in its own
    namespace of conversations: sender "me" talks in conversation "rest:me".

    A REST sender id is free text, so without this "line:U…" posted here would write into that LINE
    user's very conversation and inherit its state (the case just answered, a form half filled).
    The actions treat every REST sender as anonymous anyway (privacy/identity.py); this keeps the
    conversations apart too.
    """

    async def _extract_sender(self, req: Request) -> str | None:
        sender = await super()._extract_sender(req)
        if not isinstance(sender, str) or not sender:
            return sender
        return sender if sender.startswith(REST_NAMESPACE) else REST_NAMESPACE + sender
