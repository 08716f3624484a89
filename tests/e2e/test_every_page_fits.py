"""Every page, as every kind of visitor, fits a phone and a laptop, and staff pages pass axe.

The pages are the app's own GET routes (downloads, feeds, calendars, files and the JSON API
left out), with ids from the demo data of Kabupaten Paser (its OPD accounts have findings).
Each role (anonymous, OPD, the regent's office, an observer, the superadmin) logs in once and
opens each page in one tab:
at 390x844 and then, resized in place, at 1366x768. A page fails when the document is wider
than the viewport (``document.documentElement.scrollWidth``), when it answers with a server
error, or when it asks for something that answers 404 (a favicon did, on every page). axe-core
runs once per page, as the first role that may open it, at the phone size: any violation of any
impact fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page
from sqlalchemy import func, select

from tests.e2e.conftest import inject_axe
from tests.live import serving, sqlite_app
from tracker.agencies.models import Agency
from tracker.assessments.models import Assessment, AssessmentScheme
from tracker.auth.models import User
from tracker.clock import get_clock
from tracker.commitments.models import Commitment, RegencyEvent
from tracker.demo import data
from tracker.demo.accounts import admin_email
from tracker.demo.services import load_demo
from tracker.extensions import db
from tracker.findings.models import Evidence, Finding
from tracker.notifications.models import Notification
from tracker.regencies.models import Regency

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
REGENCY = "paser"

# Endpoints that are not pages: files, feeds, calendars, exports, the API, one-time links.
NOT_PAGES = {
    "static",
    "favicon",
    "portal.evidence_file",
    "portal.outcome_document",
    "findings.evidence_file",
    "findings.evidence_preview",
    "notifications.attachment",
    "monthly.monthly_report",
    "opendata.snapshot_file",
    "pacts.scan",
    "follow.confirm",
    "follow.unsubscribe",
    "health.ping",
}
DOWNLOAD = re.compile(r"\.(csv|xlsx|atom|ics|pdf|json|<[^>]+>)$")


@dataclass(frozen=True)
class Site:
    url: str
    pages: tuple[str, ...]  # paths, public first
    roles: dict[str, str | None]  # role -> email (None: anonymous)


def _sample_ids(app: Flask) -> dict[str, Any]:
    """One id of each kind from the demo regency, chosen so that its OPD account may open them."""
    session = db.session
    regency = session.scalars(select(Regency).where(Regency.slug == REGENCY)).one()
    # The OPD account whose agency has a finding with evidence (else any finding).
    staffed = (
        select(Finding, User)
        .join(User, User.agency_id == Finding.agency_id)
        .where(User.email.like(f"opd-%@{REGENCY}.demo"))
    )
    chosen = (
        session.execute(
            staffed.join(Evidence, Evidence.finding_id == Finding.id).order_by(Finding.id)
        ).first()
        or session.execute(staffed.order_by(Finding.id)).first()
    )
    assert chosen is not None, "the demo has no finding of an agency with an OPD account"
    finding, opd = chosen
    year = session.scalar(
        select(func.max(Assessment.year)).where(Assessment.regency_id == regency.id)
    )
    return {
        "slug": REGENCY,
        "pact_id": finding.pact_id,
        "finding_id": finding.id,
        "agency_id": opd.agency_id,
        "user_id": opd.id,
        "notification_id": session.scalar(
            select(func.min(Notification.id)).where(Notification.regency_id == regency.id)
        ),
        "commitment_id": session.scalar(
            select(func.min(Commitment.id)).where(Commitment.regency_id == regency.id)
        ),
        "event_id": session.scalar(
            select(func.min(RegencyEvent.id)).where(RegencyEvent.regency_id == regency.id)
        ),
        "scheme_id": session.scalar(select(func.min(AssessmentScheme.id))),
        "year": year,
        "agency": session.get_one(Agency, opd.agency_id).slug,
        "opd_email": opd.email,
    }


def _pages(app: Flask, ids: dict[str, Any]) -> tuple[str, ...]:
    paths: list[str] = []
    with app.test_request_context():
        from flask import url_for

        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_PAGES:
                continue
            if rule.endpoint.startswith("api.") or DOWNLOAD.search(rule.rule):
                continue
            args = {name: ids[name] for name in rule.arguments}
            if any(value is None for value in args.values()):
                continue  # the demo has no record of that kind
            paths.append(url_for(rule.endpoint, **args))
    return tuple(sorted(paths, key=lambda p: (p.startswith("/staf"), p)))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    app = sqlite_app(tmp_path_factory.mktemp("e2e-fit"), "fit.sqlite3")
    with app.app_context():
        load_demo(db.session, now=get_clock().now())
        db.session.commit()
        ids = _sample_ids(app)
    pages = _pages(app, ids)
    roles: dict[str, str | None] = {
        "anonymous": None,
        "opd": ids["opd_email"],
        "admin": admin_email(REGENCY),
        "observer": f"observer@{REGENCY}.demo",
        "superadmin": data.DEMO_SUPERADMIN_EMAIL,
    }
    with serving(app, "e2e-fit-server") as port:
        yield Site(f"http://127.0.0.1:{port}", pages, roles)


def _log_in(page: Page, url: str, email: str) -> None:
    page.goto(url + "/masuk")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", data.DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/masuk" not in page.url, f"{email} could not log in"


WIDTH = "() => document.documentElement.scrollWidth"


def test_every_page_fits_the_viewport_for_every_role_and_staff_pages_pass_axe(
    browser: Browser, site: Site
) -> None:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make axe` (npm install axe-core).", pytrace=False)
    axe = AXE_JS.read_text(encoding="utf-8")
    too_wide: list[str] = []
    broken: list[str] = []
    violations: list[str] = []
    checked_by_axe: set[str] = set()
    opened = 0
    for role, email in site.roles.items():
        context = browser.new_context(locale="id-ID", viewport=PHONE)
        try:
            page = context.new_page()
            missing: list[str] = []
            page.on(
                "response",
                lambda r, missing=missing: missing.append(r.url) if r.status == 404 else None,
            )
            if email is None:
                # Browsers ask for it on their own, out of sight of page.on("response").
                assert page.request.get(site.url + "/favicon.ico").status == 200
            else:
                _log_in(page, site.url, email)
            for path in site.pages:
                if email is None and path.startswith("/staf"):
                    continue  # the login form, measured once as /masuk
                page.set_viewport_size(PHONE)
                missing.clear()
                response = page.goto(site.url + path)
                assert response is not None
                opened += 1
                if response.status >= 500:
                    broken.append(f"{role} {path}: {response.status}")
                    continue
                stray = [u for u in missing if u.rstrip("/") != (site.url + path).rstrip("/")]
                if stray:
                    broken.append(f"{role} {path}: 404 for {stray}")
                for size in (PHONE, LAPTOP):
                    page.set_viewport_size(size)
                    width = page.evaluate(WIDTH)
                    if width > size["width"]:
                        too_wide.append(f"{role} {path} at {size['width']}: {width} px")
                if response.status == 200 and path not in checked_by_axe:
                    checked_by_axe.add(path)
                    page.set_viewport_size(PHONE)
                    inject_axe(page, axe)
                    result = page.evaluate("async () => await axe.run(document)")
                    for v in result["violations"]:
                        targets = [", ".join(map(str, n["target"])) for n in v["nodes"][:3]]
                        violations.append(f"{role} {path}: {v['impact']} {v['id']} at {targets}")
        finally:
            context.close()
    assert opened > 100, f"only {opened} pages opened"
    assert not broken, "\n".join(broken)
    assert not too_wide, "pages wider than the viewport:\n" + "\n".join(too_wide)
    assert not violations, "axe violations:\n" + "\n".join(violations)
