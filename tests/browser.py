"""The one way browser tests start Chromium: Debian's build, never a downloaded browser, never the network.

tests/conftest.py registers this module as a plugin, so every test can ask for the `chromium`
fixture; screenshots go through `screenshot`:

    from tests.browser import screenshot

    async def test_page(chromium: Browser) -> None:
        page = await chromium.new_page()
        ...
        await screenshot(page, "staff-login")

Screenshots land in artifacts/screenshots/ (CI keeps the folder): what a citizen or a staff member
actually saw.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

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
SHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"


@asynccontextmanager
async def launch() -> AsyncIterator[Browser]:
    """Headless Chromium driven by Playwright, closed on exit."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def chromium() -> AsyncIterator[Browser]:
    async with launch() as browser:
        yield browser


async def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """artifacts/screenshots/<name>.png"""
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)
