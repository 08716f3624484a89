"""Under the Content-Security-Policy (no inline script or style), every page, as every kind of
visitor, loads its stylesheet and scripts and reports no violation.

The pages and roles are test_every_page_fits's: the app's own GET routes with ids from the demo
regency. Each page is listened to twice: the document's ``securitypolicyviolation`` events (a
script Playwright adds before the page's own, which the policy does not govern) and the
browser's console, where Chromium reports every blocked resource, frames included.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, ConsoleMessage

from tests.e2e import test_every_page_fits as every_page
from tests.e2e.test_every_page_fits import Site

pytestmark = pytest.mark.e2e

# The demo site: pages, roles and their accounts (a module-scoped fixture of its own).
site = every_page.site

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""
NOTICE_PAGE = re.compile(r"^/staf/kotak-keluar/\d+$")


def test_no_page_reports_a_content_security_policy_violation(browser: Browser, site: Site) -> None:
    violations: list[str] = []
    unstyled: list[str] = []
    opened = 0
    for role, email in site.roles.items():
        context = browser.new_context(locale="id-ID", viewport=every_page.LAPTOP)
        context.add_init_script(LISTEN)
        try:
            page = context.new_page()
            console: list[str] = []

            def note(message: ConsoleMessage, console: list[str] = console) -> None:
                if "Content Security Policy" in message.text:
                    console.append(message.text)

            page.on("console", note)
            if email is not None:
                every_page._log_in(page, site.url, email)
            for path in site.pages:
                if email is None and path.startswith("/staf"):
                    continue
                console.clear()
                response = page.goto(site.url + path)
                assert response is not None and response.status < 500, (role, path)
                page.wait_for_load_state("load")
                opened += 1
                reported = page.evaluate("() => window.__violations")
                violations += [f"{role} {path}: {v}" for v in [*reported, *console]]
                if not response.headers.get("content-type", "").startswith("text/html"):
                    continue  # a JSON answer among the routes (the health check)
                # The stylesheet came from /static and applies (the header is laid out by it).
                sheets = page.evaluate(
                    "() => [...document.styleSheets].map((s) => s.href || 'inline')"
                )
                if not any(str(href).endswith("/static/css/app.css") for href in sheets):
                    unstyled.append(f"{role} {path}: {sheets}")
                if email is not None and NOTICE_PAGE.match(path):
                    # The notice's own HTML shows in its sandboxed frame, styles and all.
                    frame = page.frame_locator("iframe.notice-html")
                    if page.locator("iframe.notice-html").count():
                        assert frame.locator("body").inner_text().strip(), path
        finally:
            context.close()
    assert opened > 100
    assert not violations, "\n".join(violations)
    assert not unstyled, "\n".join(unstyled)
