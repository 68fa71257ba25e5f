"""Fetches the bytes of an image a citizen sent on LINE, from the LINE Messaging API content endpoint.

LINE delivers only a message id; the image itself must be downloaded (GET
{LINE_DATA_API_BASE}/v2/bot/message/{id}/content with the channel access token) and is kept by LINE
for a limited time, so the complaint form fetches it as soon as it arrives. The body is read in
chunks and the download stops as soon as it passes the size limit, so an oversized upload never
fills memory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import aiohttp

DEFAULT_DATA_BASE = "https://api-data.line.me"
_MESSAGE_ID = re.compile(r"[0-9]{1,32}")
_CHUNK = 64 * 1024


class ContentError(Exception):
    """The content could not be fetched (not configured, unknown id, LINE unreachable)."""


class ContentTooLarge(ContentError):
    """The content is larger than the limit; reading stopped at the limit."""


@dataclass(frozen=True, slots=True)
class LineContentSettings:
    data_base: str = DEFAULT_DATA_BASE
    access_token: str | None = None
    timeout_seconds: float = 15.0

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> LineContentSettings:
        """LINE_DATA_API_BASE is the gateway's name for the same base; LINE_API_DATA_BASE is the older
        name, still read. Called only by ActionSettings.from_environ (appconfig)."""
        base = environ.get("LINE_DATA_API_BASE") or environ.get("LINE_API_DATA_BASE") or DEFAULT_DATA_BASE
        return cls(
            data_base=base.rstrip("/"),
            access_token=environ.get("LINE_CHANNEL_ACCESS_TOKEN") or None,
        )


@dataclass(frozen=True, slots=True)
class Content:
    data: bytes
    content_type: str


class LineContentClient:
    def __init__(self, settings: LineContentSettings) -> None:
        self.settings = settings

    @property
    def configured(self) -> bool:
        return bool(self.settings.access_token)

    async def fetch(self, message_id: str, max_bytes: int) -> Content:
        if not self.configured:
            raise ContentError("LINE_CHANNEL_ACCESS_TOKEN is not set")
        if not _MESSAGE_ID.fullmatch(message_id):
            raise ContentError("not a LINE message id")
        url = f"{self.settings.data_base}/v2/bot/message/{message_id}/content"
        headers = {"Authorization": f"Bearer {self.settings.access_token}"}
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout_seconds)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.get(url, headers=headers) as response,
            ):
                if response.status != 200:
                    raise ContentError(f"LINE content API answered {response.status}")
                if response.content_length is not None and response.content_length > max_bytes:
                    raise ContentTooLarge(f"content is {response.content_length} bytes")
                body = bytearray()
                async for chunk in response.content.iter_chunked(_CHUNK):
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise ContentTooLarge(f"content is larger than {max_bytes} bytes")
                content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
                return Content(data=bytes(body), content_type=content_type)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ContentError(f"LINE content API unreachable: {type(exc).__name__}") from exc
