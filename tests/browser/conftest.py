"""Fixtures for the browser suite: the built book served over loopback, and headless Chromium.

Run after `make book`: `make browser-test`. Uses Debian's chromium (Playwright's own browser
download is not needed); set CHROMIUM to use another binary, and NNBOOK_SITE to test a book
built elsewhere (the folder holding index.html, e.g. `<path-output>/_build/html`).
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

SITE = Path(os.environ.get("NNBOOK_SITE") or Path(__file__).resolve().parents[2] / "_build" / "html").resolve()
SCREENSHOTS = SITE.parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def book_pages() -> list[str]:
    """Every HTML page of the built book, relative to the site root (the redirect excluded)."""
    if not SITE.is_dir():
        return []
    pages = sorted(str(p.relative_to(SITE)) for p in SITE.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)
    return [p for p in pages if p != "index.html"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    """The book served by a loopback http.server, as a reader's web server would."""
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built book in {SITE}: run `make book` first (or set NNBOOK_SITE)")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"chromium not found at {CHROMIUM}: apt-get install chromium (or set CHROMIUM)")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
