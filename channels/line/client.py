"""Thin wrapper over line-bot-sdk v3's async Messaging API client.

Two changes to the SDK's defaults, both deliberate: the SDK opens its own aiohttp session per client,
which we swap for the gateway's shared session (one connection pool per process), and every call
carries an explicit timeout (the SDK's default is five minutes).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

import aiohttp
from linebot import __version__ as linebot_version
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    Message,
    PushMessageRequest,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
)
from linebot.v3.messaging.exceptions import ApiException

log = logging.getLogger(__name__)


class LineApiError(Exception):
    def __init__(self, message: str, *, status: int | None, retryable: bool) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable


class LineClient:
    def __init__(
        self,
        *,
        api_base: str,
        access_token: str,
        data_api_base: str = "https://api-data.line.me",
        session: Callable[[], aiohttp.ClientSession],
        timeout_seconds: float,
    ) -> None:
        self._config = Configuration(host=api_base, access_token=access_token)
        self._data_config = Configuration(host=data_api_base, access_token=access_token)
        self._blob: AsyncMessagingApiBlob | None = None
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._api: AsyncMessagingApi | None = None
        self._lock = asyncio.Lock()
        self._reply_url = api_base.rstrip("/") + "/v2/bot/message/reply"
        self._authorization = f"Bearer {access_token}"
        self._user_agent = f"line-bot-sdk-python/{linebot_version}"

    async def _client(self, config: Configuration) -> AsyncApiClient:
        client = AsyncApiClient(config)
        await client.rest_client.pool_manager.close()
        client.rest_client.pool_manager = self._session()
        return client

    async def _messaging(self) -> AsyncMessagingApi:
        if self._api is None:
            async with self._lock:
                if self._api is None:
                    self._api = AsyncMessagingApi(await self._client(self._config))
        return self._api

    async def fetch_content(self, message_id: str, max_bytes: int = 10 * 1024 * 1024) -> bytes:
        """An image (or other media) a citizen sent, by the message id kept in Inbound.media_id.

        Content lives on LINE's data host (LINE_DATA_API_BASE) for a limited time; fetch it soon.
        """
        if self._blob is None:
            async with self._lock:
                if self._blob is None:
                    self._blob = AsyncMessagingApiBlob(await self._client(self._data_config))
        try:
            data = await self._blob.get_message_content(message_id, _request_timeout=self._timeout)
        except ApiException as exc:
            raise LineApiError(
                f"LINE content fetch failed with {exc.status}", status=exc.status, retryable=False
            ) from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise LineApiError(
                f"LINE content unreachable: {exc.__class__.__name__}", status=None, retryable=True
            ) from None
        if len(data) > max_bytes:
            raise LineApiError("content larger than allowed", status=None, retryable=False)
        return bytes(data)

    async def reply(self, reply_token: str, messages: Sequence[Message]) -> None:
        """Reply with the SDK's own request model, posted on the shared session.

        Why not `AsyncMessagingApi.reply_message`: the messages are SDK models already validated as
        `render` built them, and the request model validates them once more; the SDK's call path then
        re-validates every argument and deserializes a response nobody reads. On the worker's hot path
        (every answer) that was the largest share of its CPU after the network itself.
        """
        request = ReplyMessageRequest(reply_token=reply_token, messages=list(messages))
        body = request.to_json().encode("utf-8")
        headers = {
            "Authorization": self._authorization,
            "Content-Type": "application/json",
            "User-Agent": self._user_agent,
        }
        try:
            async with self._session().post(
                self._reply_url, data=body, headers=headers, timeout=self._timeout
            ) as resp:
                if resp.status >= 400:
                    status = resp.status
                    raise LineApiError(
                        f"LINE reply failed with {status}",
                        status=status,
                        retryable=status >= 500 or status == 429,
                    )
                await resp.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise LineApiError(
                f"LINE reply unreachable: {exc.__class__.__name__}", status=None, retryable=True
            ) from None

    async def push(self, to: str, messages: Sequence[Message], retry_key: str) -> bool:
        """Push; a 409 means LINE already accepted this retry key, i.e. the message went out before.

        Returns True when LINE took the push now, False when it had accepted this retry key before.
        """
        api = await self._messaging()
        request = PushMessageRequest(to=to, messages=list(messages))
        try:
            await self._call(
                "push", api.push_message(request, x_line_retry_key=retry_key, _request_timeout=self._timeout)
            )
        except LineApiError as exc:
            if exc.status == 409:
                log.info("line: push with retry key already accepted; not sent again")
                return False
            raise
        return True

    async def show_loading(self, chat_id: str, seconds: int = 20) -> None:
        api = await self._messaging()
        request = ShowLoadingAnimationRequest(chat_id=chat_id, loading_seconds=seconds)
        await self._call("loading", api.show_loading_animation(request, _request_timeout=self._timeout))

    @staticmethod
    async def _call(what: str, call: object) -> None:
        try:
            await call  # type: ignore[misc]
        except ApiException as exc:
            status = exc.status if isinstance(exc.status, int) else None
            retryable = status is None or status >= 500 or status == 429
            raise LineApiError(
                f"LINE {what} failed with {status}", status=status, retryable=retryable
            ) from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise LineApiError(
                f"LINE {what} unreachable: {exc.__class__.__name__}", status=None, retryable=True
            ) from None
