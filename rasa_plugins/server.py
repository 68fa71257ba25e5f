"""`python -m rasa_plugins.server [rasa run options]`: `rasa run` with its HTTP API locked by a token.

Rasa's HTTP API (`--enable-api`: read and write any conversation, run actions, replace the model) is
closed with `--auth-token`, but a token on the command line is readable by every local user in `ps`
(/proc/<pid>/cmdline). So the token comes from RASA_AUTH_TOKEN in the environment, which only the
process's own user can read, and is added to the arguments inside this process. With --enable-api
and no token the server refuses to start: an open API would hand every citizen's conversation to
anyone who can reach the port.

Callers then pass `?token=<RASA_AUTH_TOKEN>` on API calls. Rasa's input channels (/webhooks/…) are
not covered by it: the REST channel stays open on loopback for local use (it can never act as a
citizen, see privacy/identity.py) and our line/sms/web channels check GATEWAY_RASA_TOKEN.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

TOKEN_VARIABLE = "RASA_AUTH_TOKEN"  # noqa: S105 (a variable name)


def rasa_arguments(argv: list[str], environ: Mapping[str, str]) -> list[str]:
    """`rasa run …` arguments with --auth-token from the environment; SystemExit when the API
    would be open, or when a token is given on the command line (where `ps` shows it)."""
    if any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in argv):
        raise SystemExit(f"rasa_plugins.server: pass the token in {TOKEN_VARIABLE}, not on the command line")
    token = str(environ.get(TOKEN_VARIABLE, "")).strip()
    if "--enable-api" in argv and not token:
        raise SystemExit(
            f"rasa_plugins.server: --enable-api needs {TOKEN_VARIABLE} "
            "(`make run` generates one into var/secrets/)"
        )
    args = ["run", *argv]
    if token:
        args.append(f"--auth-token={token}")  # one argument: a token starting with "-" is no option
    return args


def main() -> None:
    sys.argv = ["rasa", *rasa_arguments(sys.argv[1:], os.environ)]
    from rasa.__main__ import main as rasa_main  # imported late: Rasa's import takes seconds

    rasa_main()


if __name__ == "__main__":
    main()
