"""axe-core over the public pages in Debian's Chromium, at a phone and a desktop size.

axe-core comes from the npm registry (`make axe`); it is injected into each page and run
with its default rules (WCAG 2 A/AA and best practices). Any violation rated serious or
critical fails the test, with the rule, the help text and the offending nodes. Each page
is also photographed at 390x844 and 1366x768; pictures and summaries go under `.cache/`
(`make screenshots` writes them into docs/screenshots/ and docs/axe/ for the README).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import inject_axe, shoot

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"390": {"width": 390, "height": 844}, "1366": {"width": 1366, "height": 768}}
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make axe` (npm install axe-core).", pytrace=False)
    return AXE_JS.read_text(encoding="utf-8")


def _first_href(page: Page, pattern: str) -> str:
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
        if href and re.fullmatch(pattern, href.split("?")[0]):
            return str(href.split("?")[0])
    raise AssertionError(f"no link matching {pattern} on {page.url}")


@pytest.fixture(scope="module")
def public_pages(browser: Browser, live_server: str) -> dict[str, str]:
    """Find one page of each kind by following links from the home page, as a visitor would."""
    context = browser.new_context(locale="id-ID")
    try:
        page = context.new_page()
        page.goto(live_server + "/kabupaten/sumbawa-barat")
        pact = _first_href(page, r"/pakta/\d+")
        agency = _first_href(page, r"/opd/\d+")
    finally:
        context.close()
    return {
        "home": "/",
        "regency": "/kabupaten/sumbawa-barat",
        "pact": pact,
        "agency": agency,
        "data": "/data",
    }


def _serious(result: dict[str, Any]) -> list[str]:
    problems = []
    for v in result["violations"]:
        if v.get("impact") in BLOCKING:
            targets = [", ".join(map(str, n["target"])) for n in v["nodes"][:5]]
            problems.append(f"{v['impact']}: {v['id']} ({v['help']}) at {targets}")
    return problems


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("name", ["home", "regency", "pact", "agency", "data"])
def test_public_page_has_no_serious_accessibility_violation(
    browser: Browser,
    live_server: str,
    public_pages: dict[str, str],
    axe_source: str,
    screenshots: Path,
    axe_results: Path,
    name: str,
    size: str,
) -> None:
    context = browser.new_context(locale="id-ID", viewport=SIZES[size])
    try:
        page = context.new_page()
        response = page.goto(live_server + public_pages[name])
        assert response is not None
        assert response.status == 200, f"{public_pages[name]} answered {response.status}"
        inject_axe(page, axe_source)
        result = page.evaluate("async () => await axe.run(document)")
        shoot(page, screenshots / f"public-{name}-{size}.png")
        summary = {v["id"]: v.get("impact") for v in result["violations"]}
        (axe_results / f"{name}-{size}.json").write_text(
            json.dumps(
                {
                    "url": public_pages[name],
                    "passes": len(result["passes"]),
                    "violations": summary,
                },
                indent=2,
                sort_keys=True,
            )
            + "\n",
            encoding="utf-8",
        )
        problems = _serious(result)
        assert not problems, "\n".join(problems)
    finally:
        context.close()
