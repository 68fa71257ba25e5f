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
        api = await self._messaging()
        request = ReplyMessageRequest(reply_token=reply_token, messages=list(messages))
        await self._call("reply", api.reply_message(request, _request_timeout=self._timeout))

    async def push(self, to: str, messages: Sequence[Message], retry_key: str) -> None:
        """Push; a 409 means LINE already accepted this retry key, i.e. the message went out before."""
        api = await self._messaging()
        request = PushMessageRequest(to=to, messages=list(messages))
        try:
            await self._call(
                "push", api.push_message(request, x_line_retry_key=retry_key, _request_timeout=self._timeout)
            )
        except LineApiError as exc:
            if exc.status == 409:
                log.info("line: push with retry key already accepted; not sent again")
                return
            raise

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
