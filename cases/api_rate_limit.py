"""Requests per agency key on the agency API (issue 14, finding 6): a token bucket per key.

One agency's runaway script must not starve the others or the citizens' side of the process. The
bucket holds `burst` requests and refills at `per_minute`; an empty bucket means 429 with
Retry-After. Failed authentications are counted per client address in the same way, so guessing keys
is slow too. Buckets live in this process: with N gateway replicas a key gets N times the rate.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_BUCKETS = 50_000  # full buckets are forgotten first when this many keys are tracked


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class TokenBuckets:
    def __init__(self, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(max(1, burst))
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str) -> float:
        """0 when the request may go ahead (one token taken), else the seconds until one is back."""
        bucket = self._refilled(key)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return self._until_one(bucket)

    def wait(self, key: str) -> float:
        """Like `take` without taking: for counting only what fails (bad credentials). Valid requests
        never hold a token, so a contact-centre tool's many parallel calls from one address are never
        refused because of each other."""
        bucket = self._refilled(key)
        return 0.0 if bucket.tokens >= 1 else self._until_one(bucket)

    def _refilled(self, key: str) -> _Bucket:
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_BUCKETS:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(self._burst, now)
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.at) * self._rate)
        bucket.at = now
        return bucket

    def _until_one(self, bucket: _Bucket) -> float:
        return (1 - bucket.tokens) / self._rate if self._rate > 0 else math.inf

    def _forget_full(self, now: float) -> None:
        full = [k for k, b in self._buckets.items() if b.tokens + (now - b.at) * self._rate >= self._burst]
        for key in full or list(self._buckets)[: MAX_BUCKETS // 10]:
            del self._buckets[key]
