"""How many new web-chat sessions one client may be given: a speed bump for session farming.

Why: a web-chat session is an identity (its own conversation, its own tries at a case's last 4
digits), and before this limit any client got a fresh one per connection — 300 in 0.3 s, 2,000 to
try every code on a case (issue 14, finding 1). The per-case and per-asker budgets in the database
(cases/verification.py) are what make guessing fail; this limit makes farming sessions slow and
visible. Only minting counts: a browser that presents its own valid token is never refused.

The client is its address (IPv6: the /64 a host can pick addresses from), kept only as a keyed hash.
Counts live where the gateway's other rate limits live (channels/ratelimit.py): Redis when the
gateway has it, else this process's memory. Many citizens behind one carrier NAT share an address,
so the default is generous for people and still far below what guessing needs.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time

from aiohttp import web

from channels import keys
from channels.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter

NEW_SESSIONS_PER_CLIENT = 30
NEW_SESSION_WINDOW_SECONDS = 600


def client_key(address: str | None) -> str:
    """What identifies a client for this budget: the IPv4 address, or the /64 of an IPv6 one."""
    if not address:
        return "-"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


class SessionIssueBudget:
    """`limit` new sessions per client per fixed window; the limiter is made on first use, when the
    gateway's Redis (or its absence) is known."""

    def __init__(
        self,
        secret: str,
        limit: int = NEW_SESSIONS_PER_CLIENT,
        window_seconds: int = NEW_SESSION_WINDOW_SECONDS,
    ) -> None:
        self._key = secret.encode("utf-8")
        self.limit = limit
        self.window_seconds = window_seconds
        self._limiter: RateLimiter | None = None

    def _limiter_for(self, request: web.Request) -> RateLimiter:
        if self._limiter is None:
            redis = request.config_dict.get(keys.REDIS)
            if redis is not None:
                prefix = request.config_dict[keys.SETTINGS].redis_prefix + ":web-new-session"
                self._limiter = RedisRateLimiter(redis, prefix, self.limit, self.window_seconds)
            else:
                self._limiter = MemoryRateLimiter(self.limit, self.window_seconds)
        return self._limiter

    def subject(self, address: str | None) -> str:
        """The keyed hash the count is kept under (the address itself is never stored)."""
        mac = hmac.new(self._key, b"web-new-session:" + client_key(address).encode("utf-8"), hashlib.sha256)
        return mac.hexdigest()[:32]

    async def allow(self, request: web.Request) -> bool:
        """Count one new session for this request's client; False once over the budget."""
        return await self._limiter_for(request).allow(self.subject(request.remote))

    def retry_after(self) -> float:
        """Seconds until the current window ends."""
        return self.window_seconds - time.time() % self.window_seconds
