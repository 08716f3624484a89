"""Browser fixtures: a live server on its own demo database, and Debian's Chromium.

The live server has its own SQLite file (never the `app` fixture's database): its demo data is
committed once for the whole session, and the integration tests' rolled-back transactions never
see it. Playwright cannot download browsers here, so Chromium is Debian's (`make chromium`).

What the tests capture (screenshots, axe-core results) goes under the ignored `.cache/screens/`
and `.cache/axe/`, so `make test` leaves the checkout as it found it. `make screenshots` runs the
same tests with TRACKER_SCREENSHOTS_DIR=docs/screenshots and TRACKER_AXE_DIR=docs/axe to refresh
the pictures the README shows; the clock, the data and the rendering are fixed, so two runs write
the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.live import serving, sqlite_app
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
    # Re-raster whole tiles: raster of only the changed part of a tile drew a field just filled
    # with its rounded corners anti-aliased a little differently, now and then (login pictures).
    "--disable-partial-raster",
]
DESKTOP = {"width": 1366, "height": 768}
SHOTS_TO_SETTLE = 6

REPO_ROOT = Path(__file__).resolve().parents[2]


def _capture_folder(variable: str, default: str) -> Path:
    """The folder named by `variable` (relative to the checkout), else the ignored `default`."""
    folder = REPO_ROOT / (os.environ.get(variable) or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def inject_axe(page: Page, source: str) -> None:
    """Run axe-core's source in the page as the browser's devtools would.

    A <script> tag with the source inline is what the pages' Content-Security-Policy forbids
    (and rightly refuses); evaluating through the devtools protocol is not subject to it, so
    the audit runs on the page exactly as its visitors get it, policy included.
    """
    page.evaluate(f"() => {{ {source}\n}}")
    assert page.evaluate("() => typeof window.axe"), "axe-core did not load"


def shoot(page: Page, path: Path) -> None:
    """A full-page screenshot that is the same bytes on every run.

    It waits for the network to go quiet (stylesheet, lazy images) and for the fonts, and moves
    the mouse to the top-left corner, so that nothing is drawn hovered where the last click left
    it (a radio button just checked was). No caret, no animation. Then, as Playwright's
    toHaveScreenshot does, it takes pictures until two in a row are the same, in case anything
    is still being drawn.
    """
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready.then(() => undefined)")
    page.mouse.move(0, 0)
    previous = b""
    for _ in range(SHOTS_TO_SETTLE):
        picture = page.screenshot(full_page=True, animations="disabled", caret="hide")
        if picture == previous:
            path.write_bytes(picture)
            return
        previous = picture
    pytest.fail(f"{path.name}: no two screenshots in a row were the same", pytrace=False)


@contextmanager
def _serve(folder: Path) -> Iterator[str]:
    """Serve the app from a SQLite file in `folder` with the demo data committed; yield its URL."""
    app = sqlite_app(folder, "e2e.sqlite3")
    with app.app_context():
        load_demo(db.session, now=get_clock().now())
        db.session.commit()
    with serving(app, "e2e-live-server") as port:
        yield f"http://127.0.0.1:{port}"


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
    """Where screenshots go: `.cache/screens/`, or TRACKER_SCREENSHOTS_DIR (`make screenshots`)."""
    return _capture_folder("TRACKER_SCREENSHOTS_DIR", ".cache/screens")


@pytest.fixture(scope="session")
def axe_results() -> Path:
    """Where axe-core summaries go: `.cache/axe/`, or TRACKER_AXE_DIR (`make screenshots`)."""
    return _capture_folder("TRACKER_AXE_DIR", ".cache/axe")
