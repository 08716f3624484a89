"""Browser fixtures: a live server on its own demo database, and Debian's Chromium.

The live server has its own SQLite file (never the `app` fixture's database): its demo data is
committed once for the whole session, and the integration tests' rolled-back transactions never
see it. Playwright cannot download browsers here, so Chromium is Debian's (`make chromium`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from config import TestConfig
from tracker import create_app
from tracker.clock import get_clock
from tracker.demo.services import load_demo
from tracker.extensions import db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 768}

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"


@contextmanager
def _serve(folder: Path) -> Iterator[str]:
    """Serve the app from a SQLite file in `folder` with the demo data committed; yield its URL."""
    app = create_app(TestConfig, DATABASE_URL="sqlite:///" + str(folder / "e2e.sqlite3"))
    app.instance_path = str(folder / "instance")
    with app.app_context():
        flask_migrate.upgrade()
        load_demo(db.session, now=get_clock().now())
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            # Close the pooled SQLite connections now, not at garbage collection.
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app with the demo data committed; yield its base URL (no trailing slash)."""
    with _serve(tmp_path_factory.mktemp("e2e")) as url:
        yield url


@pytest.fixture(scope="module")
def writing_live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server on a demo database of its own, for a module whose tests add records.

    What such tests write (a new pact, reviews...) would otherwise change what the read-only
    tests on `live_server` count, depending on which runs first.
    """
    with _serve(tmp_path_factory.mktemp("e2e-writing")) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, for the whole session."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Run `make chromium` to install it, then run the tests again.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh context per test (no cookies carried over): Indonesian browser, desktop size."""
    context = browser.new_context(locale="id-ID", viewport=DESKTOP)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder the README's screenshots are written to (overwritten on each run)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
