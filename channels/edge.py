"""The gateway's edge: who the client really is behind a trusted proxy, HSTS over TLS, and who may
read `/readyz`'s details (issue 14, finding 6).

- A reverse proxy that terminates TLS names the client in X-Forwarded-For and the scheme in
  X-Forwarded-Proto; those headers are believed only from a peer in `TRUSTED_PROXIES` (default:
  loopback, where `make run`'s or an operator's nginx sits). The request is then cloned with the
  real address and scheme, so every sub-app (the console's sign-in throttle, its audit hashes, its
  Secure cookies) sees them without parsing headers itself. From any other peer they are ignored.
- `Strict-Transport-Security` goes on every answer to a request that came over TLS (directly or as a
  trusted proxy says); browsers ignore it over plain http anyway (RFC 6797 §8.1).
- `/readyz` gives load balancers its status code to everyone, its checks and counters only to
  loopback or to `Authorization: Bearer $READYZ_TOKEN`.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Middleware

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

DEFAULT_TRUSTED = ("127.0.0.1/32", "::1/128")
DEFAULT_HSTS_MAX_AGE_S = 365 * 24 * 3600


class EdgeSettingsError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class EdgeSettings:
    trusted_proxies: tuple[IPNetwork, ...] = tuple(ipaddress.ip_network(n) for n in DEFAULT_TRUSTED)
    hsts_max_age_s: int = DEFAULT_HSTS_MAX_AGE_S  # 0: no HSTS header
    readyz_token: str = field(default="", repr=False)  # empty: details on loopback only

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> EdgeSettings:
        raw = env.get("TRUSTED_PROXIES", "").strip()
        names = [n.strip() for n in raw.split(",") if n.strip()] if raw else list(DEFAULT_TRUSTED)
        try:
            proxies = tuple(ipaddress.ip_network(n, strict=False) for n in names)
        except ValueError as exc:
            raise EdgeSettingsError(f"TRUSTED_PROXIES: {exc}") from exc
        max_age_raw = env.get("HSTS_MAX_AGE_S", "").strip()
        try:
            max_age = int(max_age_raw) if max_age_raw else DEFAULT_HSTS_MAX_AGE_S
        except ValueError:
            raise EdgeSettingsError(f"HSTS_MAX_AGE_S must be whole seconds, got {max_age_raw!r}") from None
        if max_age < 0:
            raise EdgeSettingsError("HSTS_MAX_AGE_S must not be negative")
        return cls(
            trusted_proxies=proxies,
            hsts_max_age_s=max_age,
            readyz_token=env.get("READYZ_TOKEN", "").strip(),
        )


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not text:
        return None
    try:
        return ipaddress.ip_address(text.strip().split("%", 1)[0])
    except ValueError:
        return None


def _trusted(settings: EdgeSettings, text: str | None) -> bool:
    address = _address(text)
    return address is not None and any(address in net for net in settings.trusted_proxies)


def real_client(settings: EdgeSettings, request: web.Request) -> tuple[str | None, str]:
    """(client address, scheme): the peer's own, or what a trusted proxy says. X-Forwarded-For is read
    right to left, skipping trusted hops, so a client cannot pass off a forged left-most entry."""
    remote, scheme = request.remote, request.scheme
    if not _trusted(settings, remote):
        return remote, scheme
    hops = [h.strip() for h in ",".join(request.headers.getall("X-Forwarded-For", [])).split(",")]
    for hop in reversed([h for h in hops if h]):
        if _address(hop) is None:
            break  # garbage: keep the proxy's own address rather than guess
        remote = hop
        if not _trusted(settings, hop):
            break
    proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    if proto in ("http", "https"):
        scheme = proto
    return remote, scheme


def edge_middleware(settings: EdgeSettings) -> Middleware:
    @web.middleware
    async def edge(request: web.Request, handler: Handler) -> web.StreamResponse:
        remote, scheme = real_client(settings, request)
        if (remote is not None and remote != request.remote) or scheme != request.scheme:
            request = request.clone(remote=remote or request.remote or "", scheme=scheme)
        hsts = settings.hsts_max_age_s > 0 and request.secure
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            if hsts:
                exc.headers["Strict-Transport-Security"] = f"max-age={settings.hsts_max_age_s}"
            raise
        if hsts:
            response.headers["Strict-Transport-Security"] = f"max-age={settings.hsts_max_age_s}"
        return response

    return edge


def readyz_details_allowed(settings: EdgeSettings, request: web.Request) -> bool:
    """Loopback (after a trusted proxy is resolved: a proxied outsider is not loopback), or the token."""
    address = _address(request.remote)
    if address is not None and address.is_loopback:
        return True
    if not settings.readyz_token:
        return False
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), settings.readyz_token.encode()
    )
