"""The follow-up workflow in a real Chromium, from the recorded pact to its fulfilment.

The regent's office records a pact with two findings, the agency uploads photos and sends
them for verification, one finding is returned and fixed again, and the pact ends fulfilled,
on the staff page and on the public page. Everything goes through the pages, as a user would.

Labels are looked up in the compiled Indonesian catalogue (falling back to the English msgid,
as the server does), so the test holds while the catalogue is being completed; assertions are
on data-* attributes and on what the test typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from babel.support import Translations
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import DESKTOP, shoot

pytestmark = pytest.mark.e2e

TRANSLATIONS = Path(__file__).resolve().parents[2] / "tracker" / "translations"
_ID = Translations.load(str(TRANSLATIONS), ["id"])

PASSWORD = "pantau-demo-2024"
ADMIN = "admin@paser.demo"
OPD_HEAD = "opd-dinkes@paser.demo"
DINKES_PASER = "Dinas Kesehatan (Dinkes)"

PLEDGE = "E2E alur tindak lanjut: kami berjanji memperbaiki sudut bermain dan papan tarif."
SIGNATORY = "dr. Ratna Wulandari (E2E)"
SIGNATORY_TITLE = "Kepala Dinas Kesehatan"
FREE_TITLE = "Papan tarif layanan belum dipasang (E2E)"
RETURN_COMMENT = "Foto belum menunjukkan mainan anak di sudut bermain; kirim foto yang lebih jelas."


def t(msgid: str) -> str:
    """What the Indonesian page shows for an English msgid (the msgid while untranslated)."""
    return str(_ID.gettext(msgid))


class Album:
    """Numbered full-page screenshots of each page the scenario passes through."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        self.names: list[str] = []
        for old in folder.glob("workflow-*.png"):
            old.unlink()

    def shoot(self, page: Page, name: str) -> None:
        self.count += 1
        filename = f"workflow-{self.count:02d}-{name}.png"
        shoot(page, self.folder / filename)
        self.names.append(filename)


@pytest.fixture
def album(screenshots: Path) -> Album:
    return Album(screenshots)


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    """Three real, different PNG photos."""
    paths = []
    for n, colour in enumerate(["#2e7d32", "#1565c0", "#ef6c00"], start=1):
        image = Image.new("RGB", (640, 480), "#f5f5f5")
        draw = ImageDraw.Draw(image)
        draw.rectangle((80 * n, 60, 80 * n + 260, 360), fill=colour)
        draw.ellipse((400, 200 + 20 * n, 560, 360 + 20 * n), fill="#fdd835")
        path = tmp_path / f"bukti-{n}.png"
        image.save(path, format="PNG")
        paths.append(path)
    return paths


@contextmanager
def logged_in(browser: Browser, server: str, album: Album, email: str, who: str) -> Iterator[Page]:
    """A fresh browser context for one user: log in at /masuk, yield, then log out."""
    context = browser.new_context(locale="id-ID", viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(server + "/masuk")
        page.get_by_label(t("Email"), exact=True).fill(email)
        page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
        album.shoot(page, f"login-{who}")
        with page.expect_navigation():
            page.locator("main form").get_by_role("button", name=t("Log in")).click()
        expect(
            page.locator("nav.staff-nav").get_by_role("button", name=t("Log out"))
        ).to_be_visible()
        yield page
        page.get_by_role("button", name=t("Log out")).click()
        expect(
            page.locator("nav.staff-nav").get_by_role("link", name=t("Staff login"))
        ).to_be_visible()
    finally:
        context.close()


def _flash(page: Page, message: str) -> None:
    expect(page.locator(".flash.flash-success")).to_have_text(t(message))


def _finding_badge(page: Page) -> Locator:
    return page.locator("p.lead .badge[data-status]")


def _upload_and_submit(page: Page, album: Album, photo: Path, caption: str, who: str) -> None:
    """On a finding page: upload a photo with its caption, then send it for verification."""
    evidence = page.locator("#evidence-form")
    evidence.get_by_label(t("File"), exact=True).set_input_files(photo)
    evidence.get_by_label(t("What the file shows")).fill(caption)
    album.shoot(page, f"{who}-evidence-form")
    evidence.get_by_role("button", name=t("Upload evidence")).click()
    _flash(page, "The evidence has been added.")
    expect(page.locator("table.evidence tbody tr[data-evidence-id]").last).to_contain_text(caption)
    album.shoot(page, f"{who}-evidence-added")

    page.locator("#submit-form").get_by_role("button", name=t("Send for verification")).click()
    _flash(page, "The finding has been sent for verification.")
    expect(_finding_badge(page)).to_have_attribute("data-status", "submitted")
    expect(page.locator("#evidence-form")).to_have_count(0)
    album.shoot(page, f"{who}-submitted")


def _open_from_queue(page: Page, album: Album, finding_id: str, who: str) -> None:
    page.locator("nav.staff-sections").get_by_role("link", name=t("Verification")).click()
    expect(page).to_have_url(re.compile(r"/staf/temuan/verifikasi$"))
    row = page.locator(f'table.queue tr[data-finding-id="{finding_id}"]')
    expect(row).to_have_count(1)
    album.shoot(page, f"{who}-queue")
    row.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/staf/temuan/{finding_id}$"))


def _review(page: Page, album: Album, *, decision: str, comment: str, who: str) -> None:
    form = page.locator("#review-form")
    form.locator(f'input[name="decision"][value="{decision}"]').check()
    if comment:
        form.get_by_label(t("Comment"), exact=True).fill(comment)
    album.shoot(page, f"{who}-review-form")
    form.get_by_role("button", name=t("Record the decision")).click()
    if decision == "approve":
        _flash(page, "The finding is verified and closed.")
        expect(_finding_badge(page)).to_have_attribute("data-status", "closed")
    else:
        _flash(page, "The finding has been returned to the agency.")
        expect(_finding_badge(page)).to_have_attribute("data-status", "returned")
    expect(page.locator("ol.reviews li[data-decision]").last).to_have_attribute(
        "data-decision", decision
    )
    album.shoot(page, f"{who}-reviewed")


def test_a_pact_is_recorded_followed_up_returned_fixed_and_ends_fulfilled(
    browser: Browser, writing_live_server: str, album: Album, photos: list[Path]
) -> None:
    # 1. The regent's office records the pact with a catalogue finding and a free one.
    with logged_in(browser, writing_live_server, album, ADMIN, "admin") as page:
        expect(page).to_have_url(re.compile(r"/staf/?$"))
        album.shoot(page, "admin-overview")
        page.locator("nav.staff-sections").get_by_role("link", name=t("Pacts"), exact=True).click()
        album.shoot(page, "admin-pacts")
        page.get_by_role("link", name=t("Record a pact")).click()
        expect(page).to_have_url(re.compile(r"/staf/pakta/baru$"))

        page.get_by_label(t("Agency (OPD)")).select_option(label=DINKES_PASER)
        page.get_by_label(t("Signatory's name")).fill(SIGNATORY)
        page.get_by_label(t("Signatory's title")).fill(SIGNATORY_TITLE)
        page.get_by_label(t("Signing date")).fill("2019-03-01")
        page.get_by_label(t("Pledge")).fill(PLEDGE)
        first = page.locator('fieldset.finding-row[data-row="0"]')
        first.get_by_label(t("From the catalogue")).select_option("IN-FAC-PLAY")
        second = page.locator('fieldset.finding-row[data-row="1"]')
        second.get_by_label(t("Title")).fill(FREE_TITLE)
        second.get_by_label(t("Dimension")).select_option("output")
        album.shoot(page, "pact-form")
        page.get_by_role("button", name=t("Record the pact")).click()

        expect(page).to_have_url(re.compile(r"/staf/pakta/\d+$"))
        _flash(page, "The pact has been recorded.")
        match = re.search(r"/staf/pakta/(\d+)$", page.url)
        assert match is not None
        pact_id = match.group(1)
        expect(page.locator("dd.prewrap")).to_have_text(PLEDGE)
        findings = page.locator("ul.findings li[data-finding-id]")
        expect(findings).to_have_count(2)
        play_title = t("No children's play corner")
        expect(findings.nth(0)).to_contain_text(play_title)
        expect(findings.nth(1)).to_contain_text(FREE_TITLE)
        for i in range(2):
            expect(findings.nth(i).locator("[data-status]")).to_have_attribute(
                "data-status", "open"
            )
        play_id = findings.nth(0).get_attribute("data-finding-id")
        free_id = findings.nth(1).get_attribute("data-finding-id")
        assert play_id and free_id
        expect(page.locator("[data-pact-status] .badge")).to_have_attribute(
            "data-status", "on_track"
        )
        album.shoot(page, "pact-recorded")

    # 2. The head of Dinkes adds a photo to each finding and sends both for verification.
    with logged_in(browser, writing_live_server, album, OPD_HEAD, "opd") as page:
        expect(page).to_have_url(re.compile(r"/staf/opd$"))
        for finding_id in (play_id, free_id):
            expect(page.locator(f'li.open-finding[data-finding-id="{finding_id}"]')).to_have_count(
                1
            )
        album.shoot(page, "opd-dashboard")
        for n, (finding_id, title) in enumerate(
            [(play_id, play_title), (free_id, FREE_TITLE)], start=1
        ):
            page.goto(writing_live_server + "/staf/opd")
            item = page.locator(f'li.open-finding[data-finding-id="{finding_id}"]')
            item.get_by_role("link", name=title).click()
            expect(page).to_have_url(re.compile(rf"/staf/temuan/{finding_id}$"))
            expect(page.get_by_role("heading", level=1)).to_have_text(title)
            expect(_finding_badge(page)).to_have_attribute("data-status", "open")
            _upload_and_submit(
                page, album, photos[n - 1], f"Foto perbaikan temuan {n} (E2E)", f"opd-finding{n}"
            )

    # 3. The regent's office returns the first finding and approves the second.
    with logged_in(browser, writing_live_server, album, ADMIN, "admin") as page:
        _open_from_queue(page, album, play_id, "admin-1")
        _review(page, album, decision="return", comment=RETURN_COMMENT, who="admin-finding1")
        expect(page.locator("ol.reviews blockquote.review-comment").last).to_have_text(
            RETURN_COMMENT
        )
        _open_from_queue(page, album, free_id, "admin-2")
        _review(page, album, decision="approve", comment="", who="admin-finding2")

    # 4. The agency reads the comment, adds a better photo and sends the finding again.
    with logged_in(browser, writing_live_server, album, OPD_HEAD, "opd") as page:
        item = page.locator(f'li.open-finding[data-finding-id="{play_id}"]')
        expect(item.locator("[data-status]")).to_have_attribute("data-status", "returned")
        expect(item.locator("blockquote.review-comment")).to_contain_text(RETURN_COMMENT)
        # The approved finding is closed, so no longer among those to follow up.
        expect(page.locator(f'li.open-finding[data-finding-id="{free_id}"]')).to_have_count(0)
        album.shoot(page, "opd-dashboard-returned")
        item.get_by_role("link", name=play_title).click()
        expect(page).to_have_url(re.compile(rf"/staf/temuan/{play_id}$"))
        returned = page.locator('ol.reviews li[data-decision="return"]')
        expect(returned.locator("blockquote.review-comment")).to_have_text(RETURN_COMMENT)
        _upload_and_submit(page, album, photos[2], "Sudut bermain dengan mainan (E2E)", "opd-again")
        expect(page.locator("table.evidence tbody tr[data-evidence-id]")).to_have_count(2)

    # 5. The regent's office approves it: the pact is fulfilled, with its whole history.
    with logged_in(browser, writing_live_server, album, ADMIN, "admin") as page:
        _open_from_queue(page, album, play_id, "admin-3")
        _review(page, album, decision="approve", comment="", who="admin-finding1-again")
        page.locator("dl.facts").get_by_role(
            "link", name=re.compile(re.escape(DINKES_PASER))
        ).click()
        expect(page).to_have_url(re.compile(rf"/staf/pakta/{pact_id}$"))
        badge = page.locator("[data-pact-status] .badge")
        expect(badge).to_have_attribute("data-status", "fulfilled")
        expect(badge).to_have_text(t("Fulfilled"))
        findings = page.locator("ul.findings li[data-finding-id]")
        for i in range(2):
            expect(findings.nth(i).locator("[data-status]")).to_have_attribute(
                "data-status", "closed"
            )
        actions = page.locator("ol.timeline li[data-action]")
        expect(actions.first).to_be_visible()
        recorded = actions.evaluate_all("els => els.map(e => e.dataset.action)")
        for action, times in [
            ("pact.recorded", 1),
            ("evidence.added", 3),
            ("finding.submitted", 3),
            ("finding.returned", 1),
            ("finding.approved", 2),
        ]:
            assert recorded.count(action) == times, (action, recorded)
        album.shoot(page, "admin-pact-fulfilled")

        page.get_by_role("link", name=t("Public page")).click()
        expect(page).to_have_url(re.compile(rf"/pakta/{pact_id}$"))
        expect(page.locator("p.lead .badge[data-status]")).to_have_attribute(
            "data-status", "fulfilled"
        )
        expect(page.locator("p.lead .badge[data-status]")).to_have_text(t("Fulfilled"))
        expect(page.locator("ul.findings li[data-finding-id] [data-status]")).to_have_count(2)
        for finding_id in (play_id, free_id):
            expect(
                page.locator(f'ul.findings li[data-finding-id="{finding_id}"] [data-status]')
            ).to_have_attribute("data-status", "closed")
        album.shoot(page, "public-pact-fulfilled")
