"""The SMS channel: signed callbacks in, plain numbered text out, opt-out honoured on every send."""

from __future__ import annotations

import dataclasses
import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from aiohttp import web

from channels.base import Channel, ChannelDisabled, DeliveryError, PayloadError
from channels.context import ChannelContext
from channels.messages import Button, Inbound, Outbound
from channels.settings import Settings
from channels.sms import optout
from channels.sms.providers import GenericHttpProvider, IncomingSms, SmsProvider, TwilioProvider
from channels.sms.render import compose, fit
from channels.webhook import make_webhook_handler
from nlu.characters import CLEAN_TABLE
from privacy import PersonalData, SealError, log_id, normalize_phone

if TYPE_CHECKING:
    from channels.sms.direct import SmsDirectSender

log = logging.getLogger(__name__)

STATE_TTL_SECONDS = 24 * 3600
_CONFIRMATION = "sms_optout_confirmation"
IDEMPOTENCY_NAMESPACE = uuid.UUID("0c9a51f4-8d5e-4f43-9a7e-3b7f8f1f6a10")


def digit_answer(text: str | None) -> int | None:
    """'2', ' ๒ ', '2.' -> 2; anything else -> None."""
    if not text:
        return None
    cleaned = text.translate(CLEAN_TABLE).strip().rstrip(".)")
    return int(cleaned) if cleaned.isdigit() and len(cleaned) == 1 and cleaned != "0" else None


class SmsSender:
    """The only way an SMS leaves the gateway: opt-out is checked here, for replies and notices alike."""

    def __init__(
        self, ctx: ChannelContext, provider: SmsProvider, vault: PersonalData, optouts: optout.OptOutRegistry
    ):
        self._ctx = ctx
        self._provider = provider
        self._vault = vault
        self._optouts = optouts

    async def send(self, number: str, text: str, *, key: str, confirming_opt_out: bool = False) -> bool:
        """Send unless the number opted out (the STOP confirmation itself is the one exception).

        Returns whether the provider has the message (now, or before under the same key). `key` makes
        retries idempotent.
        """
        return await self.deliver(number, text, key=key, confirming_opt_out=confirming_opt_out) != "opted_out"

    async def deliver(
        self, number: str, text: str, *, key: str, confirming_opt_out: bool = False
    ) -> Literal["sent", "duplicate", "opted_out"]:
        """`send`, telling a fresh send ("sent") from a key the provider had accepted ("duplicate")."""
        number = normalize_phone(number)
        sender_id = self._vault.sms_sender_id(number)
        if await self._optouts.is_opted_out(sender_id) and not confirming_opt_out:
            log.info("sms: %s has opted out; message not sent", log_id(sender_id))
            return "opted_out"
        idempotency_key = str(uuid.uuid5(IDEMPOTENCY_NAMESPACE, key))
        fresh = await self._provider.send(self._ctx.http, number, text, idempotency_key)
        return "sent" if fresh else "duplicate"


class SmsChannel(Channel):
    name = "sms"

    def __init__(
        self,
        ctx: ChannelContext,
        *,
        inbound: Sequence[SmsProvider],
        outbound: SmsProvider,
        vault: PersonalData,
        segment_budget: int,
    ) -> None:
        self._ctx = ctx
        self._inbound = {p.name: p for p in inbound}
        self._vault = vault
        self._budget = segment_budget
        self.optouts = optout.OptOutRegistry(lambda: ctx.store)
        self.sender = SmsSender(ctx, outbound, vault, self.optouts)

    # --- inbound
    def _provider(self, headers: Mapping[str, str]) -> SmsProvider:
        # Used only when called through the Channel interface directly; routes bind their provider.
        return next(iter(self._inbound.values()))

    def verify(self, body: bytes, headers: Mapping[str, str], url: str) -> None:
        self._provider(headers).verify(body, headers, url)

    def parse(self, body: bytes, headers: Mapping[str, str]) -> list[Inbound]:
        return self._to_inbound(self._provider(headers), self._provider(headers).parse(body, headers))

    def _to_inbound(self, provider: SmsProvider, messages: list[IncomingSms]) -> list[Inbound]:
        events = []
        for sms in messages:
            events.append(
                Inbound(
                    channel="sms",
                    event_id=f"{provider.name}:{sms.message_id}",
                    sender_id=self._vault.sms_sender_id(sms.number),
                    kind="text",
                    text=sms.text,
                    received_at=sms.received_at,
                    extra={"n": self._vault.seal(sms.number)},  # encrypted; the worker needs it to answer
                )
            )
        return events

    def routes(self) -> Sequence[Any]:
        routes = []
        for provider in self._inbound.values():

            def parse(body: bytes, headers: Mapping[str, str], p: SmsProvider = provider) -> list[Inbound]:
                return self._to_inbound(p, p.parse(body, headers))

            handler = make_webhook_handler(self, verify=provider.verify, parse=parse, ok=provider.webhook_ok)
            routes.append(web.post(provider.webhook_path, handler))
        return routes

    @property
    def segment_budget(self) -> int:
        """Most SMS parts one outgoing message may cost (SMS_SEGMENT_BUDGET)."""
        return self._budget

    def direct_sender(self) -> SmsDirectSender:
        from channels.sms.direct import SmsDirectSender

        return SmsDirectSender(self)

    async def accept(self, event: Inbound) -> None:
        # STOP stops every SMS at once and, when cases are configured, case notices on every case.
        # START resumes SMS replies but does NOT resubscribe case notices: those need fresh consent.
        word = optout.keyword(event.text)
        if word == "stop":
            await self.optouts.opt_out(event.sender_id)
            await self._case_opt_out(event)
            log.info("sms: %s opted out", log_id(event.sender_id))
        elif word == "start":
            await self.optouts.opt_in(event.sender_id)

    async def _case_opt_out(self, event: Inbound) -> None:
        notices = self._ctx.case_notices
        if notices is None or not event.extra.get("n"):
            return
        number = self.direct_address(event)
        if number is None:
            log.warning(
                "sms: STOP from %s without a readable number; case notices unchanged", log_id(event.sender_id)
            )
            return
        await notices.opt_out("sms", number)

    def direct_address(self, event: Inbound) -> str | None:
        """The E.164 number, sealed on arrival (`extra["n"]`) so queues and logs never hold it."""
        sealed = event.extra.get("n")
        if not isinstance(sealed, str) or not sealed:
            return None
        try:
            return self._vault.open(sealed)
        except SealError:
            return None

    # --- state kept per sender between messages (numbered options, the rest of a long answer)
    def _state_key(self, sender_id: str) -> str:
        return f"sms:state:{sender_id}"

    async def _load_state(self, sender_id: str) -> dict[str, Any]:
        raw = await self._ctx.store.get(self._state_key(sender_id))
        try:
            return json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            return {}

    async def prepare(self, event: Inbound) -> Inbound:
        choice = digit_answer(event.text)
        if choice is None:
            return event
        options = (await self._load_state(event.sender_id)).get("options") or []
        if 1 <= choice <= len(options):
            title, payload = options[choice - 1]
            return dataclasses.replace(
                event, kind="postback", payload=payload, extra={**event.extra, "chose": title}
            )
        return event

    async def local_reply(self, event: Inbound) -> Sequence[Outbound] | None:
        word = optout.keyword(event.text)
        if word == "stop":
            return [Outbound(text=optout.STOP_CONFIRMATION, custom={_CONFIRMATION: True})]
        if word == "start":
            return [Outbound(text=optout.START_CONFIRMATION)]
        if word == "help":
            return [Outbound(text=optout.HELP_TEXT)]
        if digit_answer(event.text) == 1:
            state = await self._load_state(event.sender_id)
            if state.get("rest"):
                buttons = tuple(Button(title=t, payload=p) for t, p in state.get("rest_options") or [])
                return [Outbound(text=state["rest"], buttons=buttons)]
        return None

    # --- outbound
    async def send(self, recipient: Inbound, messages: Sequence[Outbound]) -> None:
        sealed = recipient.extra.get("n")
        if not sealed:
            raise DeliveryError("no number for this SMS event", permanent=True)
        try:
            number = self._vault.open(sealed)
        except SealError as exc:
            raise DeliveryError(str(exc), permanent=True) from None
        confirming = any(m.custom and m.custom.get(_CONFIRMATION) for m in messages)
        text, options = compose(messages)
        if not text:
            return
        reply = fit(text, options, self._budget)
        state = {
            "options": [[b.title, b.payload] for b in reply.options],
            "rest": reply.rest,
            "rest_options": [[b.title, b.payload] for b in reply.rest_options],
        }
        await self._ctx.store.set(
            self._state_key(recipient.sender_id), json.dumps(state, ensure_ascii=False), STATE_TTL_SECONDS
        )
        await self.sender.send(
            number, reply.text, key=f"reply:{recipient.event_id}", confirming_opt_out=confirming
        )


def _personal_data(settings: Settings) -> PersonalData:
    """Numbers become sender ids (keyed hash) and travel sealed: both need PERSONAL_DATA_KEYS."""
    if settings.privacy is None:
        raise ChannelDisabled("PERSONAL_DATA_KEYS not set (it keys SMS sender ids and sealed numbers)")
    return PersonalData(settings.privacy)


def build(ctx: ChannelContext) -> SmsChannel:
    settings = ctx.settings
    timeout = settings.timeouts.sms_total
    inbound: list[SmsProvider] = []
    generic = GenericHttpProvider(
        secret=settings.sms_webhook_secret,
        api_base=settings.sms_api_base,
        api_key=settings.sms_api_key,
        sender=settings.sms_sender,
        timeout_seconds=timeout,
    )
    twilio = TwilioProvider(
        auth_token=settings.twilio_auth_token,
        account_sid=settings.twilio_account_sid,
        api_base=settings.sms_api_base,
        sender=settings.sms_sender,
        timeout_seconds=timeout,
    )
    if settings.sms_webhook_secret:
        inbound.append(generic)
    if settings.twilio_auth_token:
        inbound.append(twilio)
    if not inbound:
        raise ChannelDisabled("neither SMS_WEBHOOK_SECRET nor TWILIO_AUTH_TOKEN is set")
    outbound: SmsProvider = {"generic": generic, "twilio": twilio}[settings.sms_provider]
    if settings.sms_provider == "generic" and not settings.sms_api_base:
        raise ChannelDisabled("SMS_API_BASE not set (where replies are sent)")
    if settings.sms_provider == "twilio" and not (settings.twilio_account_sid and settings.twilio_auth_token):
        raise ChannelDisabled("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are needed to send through Twilio")
    return SmsChannel(
        ctx,
        inbound=inbound,
        outbound=outbound,
        vault=_personal_data(settings),
        segment_budget=settings.sms_segment_budget,
    )


__all__ = ["PayloadError", "SmsChannel", "SmsSender", "build"]
