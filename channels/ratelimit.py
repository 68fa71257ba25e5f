"""Per-citizen rate limit at the webhook: a flood from one account must not starve everyone else.

Fixed windows are enough here (the limit protects Rasa, it is not billing); Redis makes the count
shared by every gateway replica.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from typing import Any


class RateLimiter(ABC):
    @abstractmethod
    async def allow(self, sender_id: str) -> bool:
        """Count one event for this sender; False once the sender is over the limit in this window."""


class MemoryRateLimiter(RateLimiter):
    def __init__(self, limit: int, window_seconds: int) -> None:
        self._limit = limit
        self._window = window_seconds
        self._counts: dict[tuple[str, int], int] = {}

    async def allow(self, sender_id: str) -> bool:
        window = int(time.time() // self._window)
        if len(self._counts) > 100_000:  # old windows are dropped wholesale
            self._counts = {k: v for k, v in self._counts.items() if k[1] == window}
        key = (sender_id, window)
        self._counts[key] = self._counts.get(key, 0) + 1
        return self._counts[key] <= self._limit


# One command per event on the webhook's hot path (INCR, and EXPIRE only when the window opens).
_ALLOW_LUA = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class RedisRateLimiter(RateLimiter):
    def __init__(self, redis: Any, prefix: str, limit: int, window_seconds: int) -> None:
        self._prefix = prefix + ":rate:"
        self._limit = limit
        self._window = window_seconds
        self._script = redis.register_script(_ALLOW_LUA)

    def key_for(self, sender_id: str) -> tuple[str, int, int]:
        """(counter key, its time to live, limit): lets the queue count and enqueue in one command."""
        window = int(time.time() // self._window)
        return f"{self._prefix}{sender_id}:{window}", self._window * 2, self._limit

    async def allow(self, sender_id: str) -> bool:
        key, ttl, limit = self.key_for(sender_id)
        count = await self._script(keys=[key], args=[ttl])
        return int(count) <= limit
