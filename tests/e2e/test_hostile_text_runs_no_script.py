"""In a browser, hostile text in every field runs no script and breaks no Content-Security-Policy.

A live server holds one regency per payload of the corpus that means something to a browser
(tests/xss_corpus.py, planted through the services by tests/xss_world.py, the notices swept).
Chromium opens every page that shows those fields: the portal anonymously, the staff pages as
each regency's regent's office, the superadmin's lists. Any script the text managed to run
sets ``window.__xss``; the page's ``securitypolicyviolation`` events (listened to by a script
Playwright adds first) and the console's Content Security Policy messages would tell of an
inline script or handler the policy had to block.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page
from sqlalchemy import select

from tests.e2e.conftest import DESKTOP
from tests.live import serving, sqlite_app
from tests.xss_corpus import PAYLOADS
from tests.xss_world import PASSWORD, YEAR, World, plant
from tracker.accounts.services import create_user
from tracker.clock import get_clock
from tracker.extensions import db
from tracker.notifications.jobs import run_sweep
from tracker.notifications.models import Notification
from tracker.storage import get_file_store

pytestmark = pytest.mark.e2e

# The payloads that try to become markup, an attribute or a script address. The others (a
# template, entities, a Markdown link, an RTL override, formulas, line and header breaks) run no
# script in a page even unescaped; the integration test reads them where they matter.
BROWSER_PAYLOADS = tuple(
    p for p in PAYLOADS
    if p.name in ("script", "img-onerror", "svg-onload", "javascript-url", "breakout",
                  "title-breakout")
)  # fmt: skip
# The lists every regency's records appear in, opened once as the superadmin.
LISTS = (
    "/staf/", "/staf/pakta/", "/staf/temuan/", "/staf/daftar-opd/",
    "/staf/akun/", "/staf/komitmen/", "/staf/kotak-keluar/", "/staf/kabupaten/",
    "/staf/hari-libur/", "/staf/penilaian/",
)  # fmt: skip
SUPERADMIN = "super@xss.uji.go.id"
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@dataclass(frozen=True)
class Tenant:
    """One planted regency: its admin's address, its public pages and its staff pages."""

    payload: str
    admin_email: str
    public: tuple[str, ...]
    staff: tuple[str, ...]


@dataclass(frozen=True)
class Site:
    url: str
    tenants: tuple[Tenant, ...]


def _tenant(world: World, notice_ids: list[int]) -> Tenant:
    slug = world.regency.slug
    public = (
        f"/kabupaten/{slug}",
        f"/opd/{world.agency.id}",
        f"/komitmen/{world.commitment.id}",
        *(f"/pakta/{p.id}" for p in world.pacts),
    )
    staff = (
        "/staf/akun/token", "/staf/temuan/verifikasi",
        *(f"/staf/pakta/{p.id}" for p in world.pacts),
        f"/staf/pakta/{world.running.id}/koreksi",
        *(f"/staf/temuan/{f.id}" for f in (world.returned, world.unresolvable, world.corrected)),
        f"/staf/temuan/{world.corrected.id}/koreksi",
        f"/staf/daftar-opd/{world.agency.id}/ubah", f"/staf/akun/{world.opd.id}/ubah",
        f"/staf/komitmen/{world.commitment.id}/ubah",
        f"/staf/komitmen/kegiatan/{world.event.id}/ubah",
        f"/staf/pengaturan/notifikasi/{slug}", f"/staf/penilaian/{slug}/{YEAR}",
        *(f"/staf/kotak-keluar/{n}" for n in notice_ids),
    )  # fmt: skip
    return Tenant(world.payload.name, world.admin.email, public, staff)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    app = sqlite_app(tmp_path_factory.mktemp("e2e-xss"), "xss.sqlite3")
    with app.app_context():
        session, now = db.session(), get_clock().now()
        superadmin = create_user(
            session, actor=None, email=SUPERADMIN, name="Superadmin", role="superadmin",
            password=PASSWORD, now=now,
        )  # fmt: skip
        worlds = [
            plant(session, payload=p, number=n, superadmin=superadmin, store=get_file_store(),
                  now=now)
            for n, p in enumerate(BROWSER_PAYLOADS)
        ]  # fmt: skip
        run_sweep(session, now + timedelta(hours=2))
        tenants = []
        for world in worlds:
            notices = session.scalars(
                select(Notification.id).where(
                    Notification.regency_id == world.regency.id,
                    Notification.kind.not_like("follow-%"),
                )
            ).all()
            tenants.append(_tenant(world, list(notices)))
        session.commit()
    with serving(app, "e2e-xss-server") as port:
        yield Site(f"http://127.0.0.1:{port}", tuple(tenants))


def _log_in(page: Page, url: str, email: str) -> None:
    page.goto(url + "/masuk")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/masuk" not in page.url, f"{email} could not log in"


class Visitor:
    """A browser context that listens for scripts run and policies broken on every page."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.url = url
        self.context = browser.new_context(locale="id-ID", viewport=DESKTOP)
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", self._note)
        # An alert() the text managed to call would block the page: note it and go on.
        self.page.on("dialog", self._dialog)
        self.opened: list[str] = []
        self.problems: list[str] = []

    def _dialog(self, dialog: Dialog) -> None:
        self.problems.append(f"a dialog opened: {dialog.message!r}")
        dialog.dismiss()

    def _note(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def open(self, who: str, path: str) -> None:
        self.console.clear()
        response = self.page.goto(self.url + path)
        assert response is not None and response.status == 200, (who, path, response)
        self.opened.append(path)
        ran = self.page.evaluate("() => window.__xss")
        if ran is not None:
            self.problems.append(f"{who} {path}: a script ran (window.__xss = {ran!r})")
        reported = self.page.evaluate("() => window.__violations")
        self.problems += [f"{who} {path}: {v}" for v in [*reported, *self.console]]

    def close(self) -> None:
        self.context.close()


def test_no_planted_text_runs_a_script_or_breaks_the_policy_on_any_page(
    browser: Browser, site: Site
) -> None:
    problems: list[str] = []
    opened = 0
    anonymous = Visitor(browser, site.url)
    try:
        for path in ("/", "/data", *(p for t in site.tenants for p in t.public)):
            anonymous.open("anonymous", path)
    finally:
        anonymous.close()
    problems += anonymous.problems
    opened += len(anonymous.opened)
    for tenant in site.tenants:
        admin = Visitor(browser, site.url)
        try:
            _log_in(admin.page, site.url, tenant.admin_email)
            for path in tenant.staff:
                admin.open(f"admin ({tenant.payload})", path)
        finally:
            admin.close()
        problems += admin.problems
        opened += len(admin.opened)
    superadmin = Visitor(browser, site.url)
    try:
        _log_in(superadmin.page, site.url, SUPERADMIN)
        for path in LISTS:
            superadmin.open("superadmin", path)
    finally:
        superadmin.close()
    problems += superadmin.problems
    opened += len(superadmin.opened)

    assert opened == 2 + sum(len(t.public) + len(t.staff) for t in site.tenants) + len(LISTS)
    assert not problems, "\n".join(problems)
