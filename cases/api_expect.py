"""The `Expect` request header on the JSON APIs (case API, staff handover API).

aiohttp answers any expectation but `100-continue` with 417 before the request reaches the API, so
a client that sends a stray `Expect` gets a status no API documents, not the 401 / 4xx its request
earns. RFC 9110 (10.1.1) lets a server ignore an expectation it does not know: these routes honour
`100-continue` and ignore the rest, so every request meets authentication and validation.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.http import HttpVersion11


async def expect_continue_only(request: web.Request) -> None:
    """Send the interim 100 for `Expect: 100-continue` (as aiohttp does); ignore any other value."""
    if (
        request.version == HttpVersion11
        and request.headers.get("Expect", "").strip().lower() == "100-continue"
    ):
        await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        request.writer.output_size = 0  # the interim response is not part of the answer's size
