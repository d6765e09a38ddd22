"""Helpers for browser tests: the app on a loopback port, and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")


def require_chromium() -> None:
    """Skip loudly without Chromium; under CI=true a missing browser is a failure."""
    if CHROMIUM.exists():
        return
    message = f"!!! {CHROMIUM} is missing: browser tests NOT run (apt-get install chromium) !!!"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """The app served on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@contextmanager
def chromium_page() -> Iterator:
    """A headless Chromium tab; ``tab.problems`` collects console errors, page errors, dialogs."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking"])
        tab = browser.new_page(viewport={"width": 1200, "height": 900})
        tab.problems = []
        tab.on("console", lambda m: m.type == "error" and tab.problems.append(m.text))
        tab.on("pageerror", lambda e: tab.problems.append(str(e)))
        tab.on("dialog", lambda d: (tab.problems.append(f"dialog: {d.message}"), d.dismiss()))
        try:
            yield tab
        finally:
            browser.close()
