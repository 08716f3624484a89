"""The public home page in a real Chromium: what a visitor sees, filters, and switches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import shoot

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
NAKERTRANS = "Dinas Tenaga Kerja dan Transmigrasi (Nakertrans)"


def _rows(page: Page) -> Locator:
    return page.locator("table.pacts tbody tr[data-pact-id]")


def _nakertrans_row(page: Page) -> Locator:
    return _rows(page).filter(has=page.get_by_role("link", name=NAKERTRANS))


def _filter(page: Page, *, regency: str, status: str) -> None:
    form = page.locator("form.filters")
    form.locator("select[name=regency]").select_option(regency)
    form.locator("select[name=status]").select_option(status)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_home_page_shows_the_sumbawa_barat_pacts_in_indonesian(
    page: Page, live_server: str, screenshots: Path
) -> None:
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pakta integritas")
    expect(_rows(page)).to_have_count(17)
    row = _nakertrans_row(page)
    expect(row).to_have_count(1)
    cells = row.locator("td")
    expect(cells.nth(0)).to_have_text("Kabupaten Sumbawa Barat")
    expect(cells.nth(2)).to_contain_text("Ir. H. Muslimin")
    expect(cells.nth(3)).to_have_text("8 Jan 2019")
    expect(cells.nth(4)).to_have_text("8 Apr 2019")
    # The article reports no outcome: no countdown, never due soon or overdue.
    expect(cells.nth(5)).to_have_text("—")
    badge = cells.nth(7).locator(".badge")
    expect(badge).to_have_attribute("data-status", "not_recorded")
    expect(badge).to_have_text("Hasil tidak tercatat")
    expect(badge).to_be_visible()
    shoot(page, screenshots / "home-1366.png")


def test_choosing_a_regency_and_a_status_narrows_the_table(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    _filter(page, regency="sumbawa-barat", status="")
    expect(_rows(page)).to_have_count(7)
    expect(page.locator("select[name=regency]")).to_have_value("sumbawa-barat")
    expect(page.locator("select[name=status]")).to_have_value("")
    assert "regency=sumbawa-barat" in page.url

    _filter(page, regency="", status="withdrawn")
    expect(_rows(page)).to_have_count(1)
    expect(_rows(page).locator("[data-status]")).to_have_attribute("data-status", "withdrawn")
    expect(page.locator("select[name=regency]")).to_have_value("")
    expect(page.locator("select[name=status]")).to_have_value("withdrawn")


def test_english_link_switches_the_page_and_the_choice_persists(
    page: Page, live_server: str
) -> None:
    page.goto(live_server + "/")
    switch = page.locator("nav.lang-switch")
    switch.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Integrity pacts")
    expect(page.locator('.badge[data-status="due_soon"]').first).to_have_text("Due soon")

    # The choice sticks: the plain address, without ?lang, stays in English.
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Integrity pacts")
    expect(switch.locator('[aria-current="true"]')).to_have_text("English")

    switch.get_by_role("link", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pakta integritas")
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")


def test_agency_link_opens_the_pact_whose_notes_are_the_regencys_not_its_own(
    page: Page, live_server: str, screenshots: Path
) -> None:
    page.goto(live_server + "/?regency=sumbawa-barat")
    _nakertrans_row(page).get_by_role("link", name=NAKERTRANS).click()
    expect(page).to_have_url(re.compile(r"/pakta/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nakertrans")
    # The article's three notes are "in general": the regency's, not this pact's findings.
    expect(page.locator("ul.findings li[data-finding-id]")).to_have_count(0)
    shoot(page, screenshots / "pact-1366.png")


def test_on_a_phone_each_pact_is_a_card_with_its_status_in_view(
    browser: Browser, live_server: str, screenshots: Path
) -> None:
    context = browser.new_context(
        locale="id-ID", viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        expect(_rows(page)).to_have_count(17)
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= PHONE["width"], f"the page itself is {page_width}px wide"
        first = _rows(page).first
        badge = first.locator("[data-status]")
        box = badge.bounding_box()
        assert box is not None
        # The status is on screen without any sideways scrolling, and labelled.
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
        label = first.locator("td").last.evaluate("el => getComputedStyle(el, '::before').content")
        assert "Status" in label
        shoot(page, screenshots / "home-390.png")
    finally:
        context.close()
