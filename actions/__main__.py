"""`python -m actions`: the action server on 127.0.0.1:$ACTION_PORT (default 5055)."""

from __future__ import annotations

import logging
import os

from actions.server import serve
from actions.settings import ActionSettings


def main() -> None:
    settings = ActionSettings.from_environ(os.environ)
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    serve(settings)


if __name__ == "__main__":
    main()
