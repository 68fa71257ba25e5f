"""`make reload-model`: a running Rasa serves the newest trained model without a restart.

    .venv/bin/python scripts/reload_model.py [--model models/govbot-….tar.gz] [--rasa-url URL]

After `make train` (which calls this when it trained a new model) the teaching loop's approved
examples reach citizens without stopping the bot: Rasa 3.6's HTTP API `PUT /model {"model_file": …}`
loads the model and swaps its agent. Conversations live in the tracker store, not in the agent, so a
citizen midway through a form carries on with the same form and slots; the lock store is handed to
the new agent. Messages that arrive while the model loads wait for it and are then answered (Rasa
loads on its event loop); none is refused.

The API token is RASA_AUTH_TOKEN from the environment, else var/secrets/RASA_AUTH_TOKEN (what `make
run` generated), never a command-line argument (`ps` shows those). Which Rasa servers: every
`--rasa-url`, else RASA_URLS (comma-separated), else every replica of a running `make cluster` (the
list scripts/cluster.sh keeps in $CLUSTER_DIR/rasa-urls, default var/cluster/, while it runs), else
RASA_URL, else http://127.0.0.1:$RASA_PORT (5005). In a cluster each replica is asked directly, one
after the other: through the load balancer only one of them would swap, and the others would go on
answering with the old model; one at a time, the others answer while one loads.

Exit status 0: every server reloaded, already serving that model, or not running (nothing to reload;
the next start serves the newest model). 1: a server refused (wrong token, a model it cannot load) or
its swap could not be confirmed (the others are still tried).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOKEN_VARIABLE = "RASA_AUTH_TOKEN"  # noqa: S105 (a variable name)
LOAD_TIMEOUT = 600.0  # a large model on a busy 2-core machine


def newest_model(directory: Path) -> Path | None:
    models = sorted(directory.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def api_token(environ: Mapping[str, str], secrets_dir: Path) -> str:
    token = environ.get(TOKEN_VARIABLE, "").strip()
    if token:
        return token
    stored = secrets_dir / TOKEN_VARIABLE
    return stored.read_text(encoding="utf-8").strip() if stored.is_file() else ""


def rasa_url(environ: Mapping[str, str]) -> str:
    url = environ.get("RASA_URL", "").strip()
    return (url or f"http://127.0.0.1:{environ.get('RASA_PORT', '').strip() or '5005'}").rstrip("/")


def rasa_urls(environ: Mapping[str, str], root: Path = ROOT) -> list[str]:
    """Every Rasa server to reload (the order of the docstring, without --rasa-url)."""
    listed = [u.strip().rstrip("/") for u in environ.get("RASA_URLS", "").split(",") if u.strip()]
    if listed:
        return listed
    cluster_dir = Path(environ.get("CLUSTER_DIR", "").strip() or "var/cluster")
    replicas = cluster_dir if cluster_dir.is_absolute() else root / cluster_dir
    if _cluster_running(replicas):
        found = [u.strip().rstrip("/") for u in (replicas / "rasa-urls").read_text("utf-8").splitlines()]
        if any(found):
            return [u for u in found if u]
    return [rasa_url(environ)]


def _cluster_running(cluster_dir: Path) -> bool:
    """The replica list and a live HAProxy of that cluster (a SIGKILLed cluster leaves its files)."""
    try:
        pids = json.loads((cluster_dir / "pids.json").read_text("utf-8"))
        if not (cluster_dir / "rasa-urls").is_file():
            return False
        os.kill(int(pids["haproxy"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return True


def call(method: str, url: str, body: Any = None, timeout: float = 10.0) -> tuple[int, Any]:
    """One JSON request to Rasa's HTTP API; an HTTP error is returned as its status and body."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"Rasa's URL must be http(s), got {url[:40]!r}")
    data = None if body is None else json.dumps(body).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310 (checked)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) checked)
            return response.status, _body(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _body(error.read())


def _body(raw: bytes) -> Any:
    """JSON when it is JSON (the API), else the text (Rasa's "Hello from Rasa" on /)."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def reload(base: str, token: str, model: Path, timeout: float = LOAD_TIMEOUT) -> int:
    """Swap the running Rasa at `base` to `model`; the exit status described in the module docstring."""
    try:
        call("GET", f"{base}/", timeout=5.0)
    except OSError:
        print(f"reload-model: no Rasa at {base}; the next start serves {model.name}")
        return 0
    if not token:
        print(f"reload-model: no {TOKEN_VARIABLE} (environment or var/secrets/): cannot use Rasa's API")
        return 1
    query = "?token=" + urllib.parse.quote(token)
    status, body = call("GET", f"{base}/status{query}")
    if status != 200:
        print(f"reload-model: Rasa refused the status request ({status}): {_reason(body)}")
        return 1
    if Path(str((body or {}).get("model_file") or "")).name == model.name:
        print(f"reload-model: Rasa already serves {model.name}")
        return 0
    print(f"reload-model: loading {model.name} into the running Rasa at {base} …")
    status, body = call("PUT", f"{base}/model{query}", {"model_file": str(model.resolve())}, timeout=timeout)
    if status != 204:
        print(f"reload-model: Rasa did not load {model.name} ({status}): {_reason(body)}")
        return 1
    status, body = call("GET", f"{base}/status{query}")
    served = Path(str((body or {}).get("model_file") or "")).name if status == 200 else ""
    if served != model.name:
        print(f"reload-model: Rasa reports {served or 'no model'} after the swap, not {model.name}")
        return 1
    print(f"reload-model: Rasa now serves {model.name}; conversations carry on from the tracker store")
    return 0


def _reason(body: Any) -> str:
    if isinstance(body, dict):
        return str(body.get("message") or body.get("reason") or body)[:300]
    return str(body)[:300]


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] = os.environ) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, help="a model file (default: the newest in models/)")
    parser.add_argument(
        "--rasa-url",
        action="append",
        help="a Rasa server (repeatable); default: RASA_URLS, a running cluster's replicas, RASA_URL, :5005",
    )
    parser.add_argument("--timeout", type=float, default=LOAD_TIMEOUT, help="seconds to wait for the load")
    args = parser.parse_args(argv)
    model = args.model or newest_model(ROOT / "models")
    if model is None or not model.is_file():
        print(
            f"reload-model: no model file {'at ' + str(model) if model else 'in models/'}; run `make train`"
        )
        return 1
    token = api_token(environ, ROOT / "var" / "secrets")
    bases = [u.rstrip("/") for u in args.rasa_url] if args.rasa_url else rasa_urls(environ)
    return max(reload(base, token, model, args.timeout) for base in bases)


if __name__ == "__main__":
    sys.exit(main())
