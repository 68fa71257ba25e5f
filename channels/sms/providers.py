"""SMS providers: how a provider signs its callbacks, what they look like, and how to send through it.

Thai aggregators post mobile-originated messages as signed callbacks with fields like msisdn, message
and a transaction id; `GenericHttpProvider` is that shape with an HMAC-SHA256 signature of the raw body.
`TwilioProvider` speaks Twilio's form webhook and REST API, a format many providers copy.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import math
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web
from twilio.request_validator import RequestValidator

from channels.base import DeliveryError, PayloadError, SignatureError
from channels.text_input import MAX_JSON_DEPTH, json_too_deep, sanitize_json, sanitize_text
from privacy import PhoneError, normalize_phone

MAX_TEXT_CHARS = 5000

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IncomingSms:
    message_id: str
    number: str  # normalised E.164; never logged
    text: str
    received_at: float


class SmsProvider(ABC):
    name: str
    webhook_path: str

    @abstractmethod
    def verify(self, body: bytes, headers: Mapping[str, str], url: str) -> None: ...

    @abstractmethod
    def parse(self, body: bytes, headers: Mapping[str, str]) -> list[IncomingSms]: ...

    def webhook_ok(self) -> web.StreamResponse:
        return web.json_response({"ok": True})

    @abstractmethod
    async def send(self, session: aiohttp.ClientSession, to: str, text: str, idempotency_key: str) -> bool:
        """Deliver one SMS: True when the provider took it now, False when it had already accepted this
        idempotency key (409: it went out before); DeliveryError(permanent=...) when it did not go out."""


def _received_at(value: object) -> float:
    """The provider's timestamp in epoch seconds; now when it is missing, unparsable or absurd."""
    seconds: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            seconds = float(value) / (1000.0 if value > 1e11 else 1.0)
        except OverflowError:  # a 400-digit integer
            seconds = None
    elif isinstance(value, str) and value:
        try:
            seconds = datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except (ValueError, OverflowError):
            seconds = None
    if seconds is None or not math.isfinite(seconds) or not 0 <= seconds < 4_102_444_800:  # before 2100
        return time.time()
    return seconds


async def _post(
    session: aiohttp.ClientSession, url: str, timeout: aiohttp.ClientTimeout, **kwargs: object
) -> bool:
    try:
        async with session.post(url, timeout=timeout, **kwargs) as resp:  # type: ignore[arg-type]
            if resp.status < 300:
                return True
            if resp.status == 409:
                # The provider already accepted this idempotency key: a re-send after a timeout or a
                # crash (as LINE's 409). Delivered, for replies and direct messages alike; never retried.
                log.info("sms: provider already accepted this idempotency key; not sent again")
                return False
            detail = (await resp.text())[:200]
            permanent = 400 <= resp.status < 500 and resp.status not in (408, 429)
            raise DeliveryError(
                f"SMS provider answered {resp.status}: {detail}", permanent=permanent, status=resp.status
            )
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise DeliveryError(f"SMS provider unreachable: {exc.__class__.__name__}") from None


class GenericHttpProvider(SmsProvider):
    """Callback: JSON {"id","from","to","text","received_at"}, X-Signature = base64(HMAC-SHA256(body)).

    Send: POST {SMS_API_BASE}/messages JSON {"to","from","text","reference"} with a bearer key and an
    Idempotency-Key header, so a retried send is not billed or delivered twice by a careful provider.
    """

    name = "generic"
    webhook_path = "/webhooks/sms/generic"
    SIGNATURE_HEADER = "X-Signature"

    def __init__(
        self, *, secret: str, api_base: str, api_key: str, sender: str, timeout_seconds: float
    ) -> None:
        self._secret = secret.encode("utf-8")
        self._api_base = api_base
        self._api_key = api_key
        self._sender = sender
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    def sign(self, body: bytes) -> str:
        return base64.b64encode(hmac.new(self._secret, body, hashlib.sha256).digest()).decode("ascii")

    def verify(self, body: bytes, headers: Mapping[str, str], url: str) -> None:
        supplied = headers.get(self.SIGNATURE_HEADER)
        if not self._secret:
            raise SignatureError("SMS_WEBHOOK_SECRET not set")
        if not supplied:
            raise SignatureError("missing X-Signature")
        if not hmac.compare_digest(supplied.encode("utf-8", "replace"), self.sign(body).encode("ascii")):
            raise SignatureError("X-Signature does not match the body")

    def parse(self, body: bytes, headers: Mapping[str, str]) -> list[IncomingSms]:
        if json_too_deep(body):
            raise PayloadError(f"JSON nested deeper than {MAX_JSON_DEPTH}")
        try:
            data = sanitize_json(json.loads(body.decode("utf-8")))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise PayloadError("body is not UTF-8 JSON") from None
        if not isinstance(data, dict):
            raise PayloadError("expected a JSON object")
        message_id, number, text = data.get("id"), data.get("from"), data.get("text")
        if not isinstance(message_id, str | int) or not str(message_id).strip():
            raise PayloadError("'id' missing")
        if not isinstance(number, str) or not isinstance(text, str):
            raise PayloadError("'from' and 'text' must be strings")
        try:
            normalised = normalize_phone(number)
        except PhoneError:
            raise PayloadError("'from' is not a phone number") from None
        return [
            IncomingSms(
                str(message_id),
                normalised,
                sanitize_text(text, MAX_TEXT_CHARS),
                _received_at(data.get("received_at")),
            )
        ]

    async def send(self, session: aiohttp.ClientSession, to: str, text: str, idempotency_key: str) -> bool:
        body = {"to": to, "from": self._sender, "text": text, "reference": idempotency_key}
        headers = {"Authorization": f"Bearer {self._api_key}", "Idempotency-Key": idempotency_key}
        return await _post(session, f"{self._api_base}/messages", self._timeout, json=body, headers=headers)


class TwilioProvider(SmsProvider):
    """Twilio's form webhook (X-Twilio-Signature over the public URL and the form) and REST API."""

    name = "twilio"
    webhook_path = "/webhooks/sms/twilio"
    SIGNATURE_HEADER = "X-Twilio-Signature"

    def __init__(
        self, *, auth_token: str, account_sid: str, api_base: str, sender: str, timeout_seconds: float
    ) -> None:
        self._validator = RequestValidator(auth_token) if auth_token else None
        self._account_sid = account_sid
        self._auth_token = auth_token
        self._api_base = api_base or "https://api.twilio.com"
        self._sender = sender
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    def verify(self, body: bytes, headers: Mapping[str, str], url: str) -> None:
        supplied = headers.get(self.SIGNATURE_HEADER)
        if self._validator is None:
            raise SignatureError("TWILIO_AUTH_TOKEN not set")
        if not supplied:
            raise SignatureError("missing X-Twilio-Signature")
        try:
            params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            raise SignatureError("form body is not UTF-8") from None
        if not self._validator.validate(url, params, supplied):
            raise SignatureError("X-Twilio-Signature does not match URL and form")

    def parse(self, body: bytes, headers: Mapping[str, str]) -> list[IncomingSms]:
        params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        sid, number, text = (
            params.get("MessageSid") or params.get("SmsSid"),
            params.get("From"),
            params.get("Body"),
        )
        if not sid or number is None or text is None:
            raise PayloadError("MessageSid, From and Body are required")
        try:
            normalised = normalize_phone(number)
        except PhoneError:
            raise PayloadError("'From' is not a phone number") from None
        return [IncomingSms(sid, normalised, sanitize_text(text, MAX_TEXT_CHARS), time.time())]

    def webhook_ok(self) -> web.StreamResponse:
        # An empty TwiML document: "no reply from here", the answer follows through the REST API.
        return web.Response(
            text='<?xml version="1.0" encoding="UTF-8"?><Response></Response>', content_type="text/xml"
        )

    async def send(self, session: aiohttp.ClientSession, to: str, text: str, idempotency_key: str) -> bool:
        url = f"{self._api_base}/2010-04-01/Accounts/{self._account_sid}/Messages.json"
        credentials = base64.b64encode(f"{self._account_sid}:{self._auth_token}".encode()).decode("ascii")
        headers = {"Authorization": f"Basic {credentials}", "I-Twilio-Idempotency-Token": idempotency_key}
        form = {"To": to, "From": self._sender, "Body": text}
        return await _post(session, url, self._timeout, data=form, headers=headers)
