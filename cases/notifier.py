"""One small interface per delivery channel, and the HTTP implementations of LINE push and SMS.

The gateway's channel adapters (channels/) will plug in through the same `Notifier` protocol; these
HTTP senders are what the worker uses until then, and what tests and the benchmark point at fake
APIs. Each send carries the outbox row's idempotency key, so a retry after a crash is recognised
by the provider (LINE answers 409 to a repeated X-Line-Retry-Key) instead of reaching the citizen twice.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Literal, Protocol

import aiohttp

from cases.settings import CasesSettings

log = logging.getLogger(__name__)

Outcome = Literal["sent", "duplicate", "retry", "rejected"]


@dataclass(frozen=True)
class Notice:
    idempotency_key: str
    recipient: str  # LINE user id, E.164 phone, web session: never logged
    text: str


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    http_status: int | None = None
    detail: str | None = None
    retry_after: float | None = None


class Notifier(Protocol):
    channel: str

    async def send(self, notice: Notice) -> SendResult: ...


def _retry_after(resp: aiohttp.ClientResponse) -> float | None:
    try:
        return float(resp.headers.get("Retry-After", ""))
    except ValueError:
        return None


def classify(status: int, retry_after: float | None = None) -> SendResult:
    """Map a provider's HTTP answer to what the worker should do next."""
    if 200 <= status < 300:
        return SendResult("sent", status)
    if status == 409:  # the provider already accepted this idempotency key
        return SendResult("duplicate", status, "already accepted")
    if status in (401, 403, 408, 425, 429) or status >= 500:
        return SendResult("retry", status, f"http {status}", retry_after)
    return SendResult("rejected", status, f"http {status}")


class LinePushNotifier:
    """LINE Messaging API push (POST /v2/bot/message/push) with X-Line-Retry-Key."""

    channel = "line"

    def __init__(self, http: aiohttp.ClientSession, api_base: str, access_token: str) -> None:
        self._http, self._url, self._token = http, api_base.rstrip("/") + "/v2/bot/message/push", access_token

    async def send(self, notice: Notice) -> SendResult:
        user_id = notice.recipient.removeprefix("line:")
        body = {"to": user_id, "messages": [{"type": "text", "text": notice.text}]}
        headers = {"Authorization": f"Bearer {self._token}", "X-Line-Retry-Key": notice.idempotency_key}
        try:
            async with self._http.post(self._url, json=body, headers=headers) as resp:
                await resp.read()
                return classify(resp.status, _retry_after(resp))
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            return SendResult("retry", None, type(exc).__name__)


class HttpSmsNotifier:
    """A generic SMS provider API: POST {base}/messages {"to", "text", "reference"} + Idempotency-Key."""

    channel = "sms"

    def __init__(self, http: aiohttp.ClientSession, api_base: str, token: str | None) -> None:
        self._http, self._url, self._token = http, api_base.rstrip("/") + "/messages", token

    async def send(self, notice: Notice) -> SendResult:
        headers = {"Idempotency-Key": notice.idempotency_key}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        body = {"to": notice.recipient, "text": notice.text, "reference": notice.idempotency_key}
        try:
            async with self._http.post(self._url, json=body, headers=headers) as resp:
                await resp.read()
                return classify(resp.status, _retry_after(resp))
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            return SendResult("retry", None, type(exc).__name__)


def build_notifiers(settings: CasesSettings, http: aiohttp.ClientSession) -> dict[str, Notifier]:
    """The channels this deployment can deliver on; a channel without credentials is left out
    (its notices wait in the outbox) with one log line, rather than failing the worker."""
    notifiers: dict[str, Notifier] = {}
    if settings.line_access_token:
        notifiers["line"] = LinePushNotifier(http, settings.line_api_base, settings.line_access_token)
    else:
        log.warning("LINE notices disabled: LINE_CHANNEL_ACCESS_TOKEN is not set")
    if settings.sms_api_base:
        notifiers["sms"] = HttpSmsNotifier(http, settings.sms_api_base, settings.sms_api_token)
    else:
        log.warning("SMS notices disabled: SMS_API_BASE is not set")
    return notifiers
