"""Container HEALTHCHECK of both images: ask the role's own health endpoint on loopback.

Why a script and not curl: the slim images have no curl, and one image serves several roles on
different ports. The role is GOVBOT_ROLE if set, else the role argument PID 1 (tini) was started
with (`tini -- entrypoint.sh gateway`). Workers without an HTTP side (consumer, notices, migrate)
have nothing to ask: they count as healthy while they run, and the runtime restarts them when they
exit. Exit status 0 = healthy, 1 = unhealthy (what Docker expects).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

# role -> (port variable, default port, path)
ENDPOINTS = {
    "rasa": ("RASA_PORT", 5005, "/"),  # answers only once the model is loaded; needs no token
    "gateway": ("GATEWAY_PORT", 8080, "/healthz"),
    "actions": ("ACTION_PORT", 5055, "/health"),  # the one path open without the bearer token
}
WORKERS = frozenset({"consumer", "notices", "migrate"})


def role_of(environ: Mapping[str, str], cmdline: bytes) -> str:
    """The container's role: GOVBOT_ROLE, else the argument after entrypoint.sh in PID 1's command line."""
    role = environ.get("GOVBOT_ROLE", "").strip()
    if role:
        return role
    args = [a.decode("utf-8", "replace") for a in cmdline.split(b"\0") if a]
    for i, arg in enumerate(args):
        if arg.endswith("entrypoint.sh") and i + 1 < len(args):
            return args[i + 1]
    return ""


def url_for(role: str, environ: Mapping[str, str]) -> str | None:
    """The loopback URL to ask, or None for a worker role (nothing to ask)."""
    if role in WORKERS:
        return None
    if role not in ENDPOINTS:
        raise ValueError(f"unknown role {role!r}")
    variable, default, path = ENDPOINTS[role]
    port = int(environ.get(variable, "").strip() or default)
    return f"http://127.0.0.1:{port}{path}"


def check(url: str, timeout: float = 4.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 (fixed http URL)
            return bool(200 <= answer.status < 300)
    except (urllib.error.URLError, OSError):
        return False


def main() -> int:
    try:
        cmdline = Path("/proc/1/cmdline").read_bytes()
    except OSError:
        cmdline = b""
    try:
        url = url_for(role_of(os.environ, cmdline), os.environ)
    except ValueError as exc:
        print(f"healthcheck: {exc}", file=sys.stderr)
        return 1
    return 0 if url is None or check(url) else 1


if __name__ == "__main__":
    sys.exit(main())
