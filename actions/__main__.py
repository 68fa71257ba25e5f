"""`python -m actions`: the action server on 127.0.0.1:$ACTION_PORT (default 5055)."""

from __future__ import annotations

import os

import observability.logs
from actions.server import serve
from appconfig import AppSettings


def main() -> None:
    config = AppSettings.from_environ(os.environ)  # the only environment read of the action server
    config.require("actions")  # a malformed ACTION_PORT stops the start with its message
    config.require("knowledge")  # so does a malformed KNOWLEDGE_* setting
    observability.logs.configure(config.log_level, config.log_format)
    serve(config)


if __name__ == "__main__":
    main()
