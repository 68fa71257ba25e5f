"""How the browser tests start Debian's Chromium: never a downloaded browser, never the network."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Kept by CI as artefacts: what a citizen or a staff member actually saw.
SHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
