"""bench/README.md sections written by the command that measured them.

Each benchmark with `--write` replaces its own section, between `<!-- NAME:start -->` and
`<!-- NAME:end -->`, and the section names its command, so every figure in bench/README.md and in
README.md's "Measured" table can be traced to (and reproduced by) one command. Sections written by
hand (context, earlier runs, bugs found) stay outside the markers.

| section | written by |
| --- | --- |
| `dialogue` | `python -m bench.rest_roundtrip --train --write` |
| `gateway` | `python -m bench.gateway.throughput --write` |
| `gateway-fault` | `python -m bench.gateway.fault --write` |
| `cluster-fault` | `python -m bench.cluster.fault --write` |
| `cluster-soak` | `python -m bench.cluster.soak --write` |
| `cases-run` | `python -m bench.cases.run --write` |
| `web-chat-run` | `python bench/web_chat.py --write` |
| `truevoice` | `.venv-rasa/bin/python -m nlu.benchmark --cv 5 … --write` |
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def write_section(name: str, section: str, readme: Path = README) -> None:
    """Put `section` between NAME's markers (added around it when missing), replacing what was there.

    A README without the markers gets the section appended at the end."""
    start, end = markers(name)
    if not section.startswith(start):
        section = f"{start}\n{section.strip()}\n{end}"
    text = readme.read_text("utf-8") if readme.exists() else "# Benchmarks\n"
    if start in text and end in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: section, text, count=1, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    readme.write_text(text, "utf-8")


def command_line(argv: Sequence[str] | None = None, module: str | None = None) -> str:
    """The command as it was run, e.g. `.venv/bin/python -m bench.cases.run --changes 10000 --write`."""
    args = list(sys.argv[1:] if argv is None else argv)
    python = os.path.relpath(sys.executable, README.parent.parent) if sys.executable else "python"
    head = [python, "-m", module] if module else [python, sys.argv[0]]
    return shlex.join([*head, *args])


def measured_by(command: str) -> str:
    """One line: which command, when, and how loaded the shared machine was at the end."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    machine = f"{os.cpu_count()} cores, 1-minute load average {load:.1f} at the end"
    return f"Measured by `{command}` ({when}, {machine})."


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
