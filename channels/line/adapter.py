"""The LINE channel: verify -> parse -> (queue) -> render -> reply, or push when the token is spent.

Reply tokens are free but single-use and expire within about a minute; when the token is older than
`line_reply_token_max_age_seconds` or LINE rejects it, the answer is pushed with an X-Line-Retry-Key
derived from the event id, so however often a worker retries, LINE delivers the push once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from aiohttp import web

from channels.base import Channel, ChannelDisabled, DeliveryError, SignatureError
from channels.context import ChannelContext
from channels.line.client import LineApiError, LineClient
from channels.line.parse import parse_webhook
from channels.line.render import render
from channels.messages import Inbound, Outbound
from channels.webhook import make_webhook_handler
from privacy import hmac_hex, log_id

if TYPE_CHECKING:
    from channels.line.direct import LineDirectSender

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Line-Signature"
WEBHOOK_PATH = "/webhooks/line"
# Namespace for retry keys: uuid5(namespace, event id) is stable across processes and restarts.
RETRY_KEY_NAMESPACE = uuid.UUID("5b0f6f8e-3c1d-4e8a-9a52-6c1f0d2b7e41")


def retry_key(event_id: str) -> str:
    return str(uuid.uuid5(RETRY_KEY_NAMESPACE, f"line-push:{event_id}"))


def sign(body: bytes, channel_secret: str) -> str:
    """X-Line-Signature for a body: base64(HMAC-SHA256(channel secret, raw body))."""
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class LineChannel(Channel):
    name = "line"

    def __init__(self, ctx: ChannelContext) -> None:
        settings = ctx.settings
        self._ctx = ctx
        self._secret = settings.line_channel_secret
        self._max_token_age = settings.line_reply_token_max_age_seconds
        self.client = LineClient(
            api_base=settings.line_api_base,
            access_token=settings.line_channel_access_token,
            data_api_base=settings.line_data_api_base,
            session=lambda: ctx.http,
            timeout_seconds=settings.timeouts.line_total,
        )

    # --- inbound
    def verify(self, body: bytes, headers: Mapping[str, str], url: str) -> None:
        supplied = headers.get(SIGNATURE_HEADER)
        if not supplied:
            raise SignatureError("missing X-Line-Signature")
        if not hmac.compare_digest(
            supplied.encode("utf-8", "replace"), sign(body, self._secret).encode("ascii")
        ):
            raise SignatureError("X-Line-Signature does not match the body")

    def parse(self, body: bytes, headers: Mapping[str, str]) -> list[Inbound]:
        return parse_webhook(body).events

    def routes(self) -> Sequence[Any]:
        return [web.post(WEBHOOK_PATH, make_webhook_handler(self))]

    def _optout_key(self, sender_id: str) -> str:
        # Keyed by the channel secret since the first release; kept so existing unfollows still hold.
        return "optout:line:" + hmac_hex(self._secret, sender_id)[:32]

    async def accept(self, event: Inbound) -> None:
        # Unfollow stops pushes at once, before the queue, and case notices on every case (the case
        # registry's opt-out, when cases are configured). Follow (re-adding the bot) resumes pushes
        # but does NOT resubscribe case notices: those need the citizen's consent again.
        if event.kind == "unfollow":
            await self._ctx.store.set(self._optout_key(event.sender_id), str(int(time.time())))
            notices = self._ctx.case_notices
            if notices is not None:
                await notices.opt_out("line", event.sender_id)
            log.info("line: %s unfollowed; notifications stopped", log_id(event.sender_id))
        elif event.kind == "follow":
            await self._ctx.store.delete(self._optout_key(event.sender_id))

    async def is_opted_out(self, event: Inbound) -> bool:
        return await self.has_unfollowed(event.sender_id)

    def direct_sender(self) -> LineDirectSender:
        from channels.line.direct import LineDirectSender

        return LineDirectSender(self)

    async def has_unfollowed(self, sender_id: str) -> bool:
        """Whether this LINE user ("line:U…") blocked the bot (and has not re-added it since)."""
        return await self._ctx.store.get(self._optout_key(sender_id)) is not None

    async def local_reply(self, event: Inbound) -> Sequence[Outbound] | None:
        if event.kind == "unfollow":
            return []  # a blocked account cannot be messaged; nothing to ask Rasa either
        return None

    async def fetch_media(self, event: Inbound, max_bytes: int) -> bytes | None:
        if not event.media_id:
            return None
        try:
            return await self.client.fetch_content(event.media_id, max_bytes)
        except LineApiError as exc:  # expired, too large or unreachable: the agent is told, not crashed
            log.warning("line: photo of %s not fetched (%s)", log_id(event.sender_id), exc)
            return None

    async def typing(self, event: Inbound) -> None:
        # LINE shows the loading animation in one-to-one chats only.
        if event.sender_id.startswith("line:U"):
            try:
                await self.client.show_loading(event.extra.get("to") or event.sender_id[5:])
            except LineApiError as exc:
                log.debug("line: loading animation not shown (%s)", exc)

    # --- outbound
    async def send(self, recipient: Inbound, messages: Sequence[Outbound]) -> None:
        rendered = render(messages)
        if not rendered:
            return
        token_age = time.time() - recipient.received_at if recipient.received_at else 0.0
        if recipient.reply_token and token_age < self._max_token_age:
            try:
                await self.client.reply(recipient.reply_token, rendered)
                return
            except LineApiError as exc:
                if recipient.extra.get("resend") and exc.status == 400:
                    # A redelivered event whose answer was handed to LINE before the gateway stopped,
                    # with a token still fresh: LINE refuses a used reply token, so it went out already
                    # and a push would answer twice (channels.worker, "resend").
                    log.info("line: reply token of a resent answer already used; not pushing again")
                    return
                log.info("line: reply failed (%s); pushing instead", exc)
        to = recipient.extra.get("to") or recipient.sender_id.removeprefix("line:")
        if await self.is_opted_out(recipient):
            log.info("line: %s has unfollowed; push skipped", log_id(recipient.sender_id))
            return
        try:
            await self.client.push(to, rendered, retry_key(recipient.event_id))
        except LineApiError as exc:
            raise DeliveryError(str(exc), permanent=not exc.retryable) from None


def build(ctx: ChannelContext) -> LineChannel:
    settings = ctx.settings
    missing = [
        name
        for name, value in (
            ("LINE_CHANNEL_SECRET", settings.line_channel_secret),
            ("LINE_CHANNEL_ACCESS_TOKEN", settings.line_channel_access_token),
        )
        if not value
    ]
    if missing:
        raise ChannelDisabled(f"{' and '.join(missing)} not set")
    return LineChannel(ctx)
