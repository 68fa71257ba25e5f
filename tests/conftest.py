"""Fixtures shared by every test package: the browser (tests/browser.py). Package fixtures stay in
each package's own conftest.py; fake vendor servers in tests/fakes.py; the real processes in
tests/e2e/dialogue_servers.py (tests/README.md)."""

pytest_plugins = ("tests.browser",)
