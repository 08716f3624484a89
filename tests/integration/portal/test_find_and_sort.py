"""A visitor finds pacts by agency, signatory or text on the public lists, sorts them by any
column, and downloads exactly the list on screen: the CSV, Excel and Atom links carry its filter."""

from __future__ import annotations

import csv
import html
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests.integration.office import Office
from tests.integration.opendata.conftest import record
from tracker.pacts.models import Pact

ATOM = {"atom": "http://www.w3.org/2005/Atom"}


@dataclass
class Lists:
    office: Office
    aminah: Pact  # agency A (regency X), signed 8 January 2019: due soon
    yani: Pact  # agency B (regency X), signed 1 March 2019, a finding "Ramp kursi roda 100% rusak"
    old: Pact  # agency B (regency X), signed 1 June 2018, no signatory's name: overdue
    dahlan: Pact  # agency C (regency Y), signed 8 January 2019


@pytest.fixture
def lists(session: Session, office: Office) -> Lists:
    x, y, now = office.admin_x, office.admin_y, office.now
    return Lists(
        office=office,
        aminah=record(
            session,
            actor=x,
            agency=office.a,
            now=now,
            signed_on=date(2019, 1, 8),
            signatory_name="Hj. Siti ÁMINAH",
            findings=("Belum ada ramp",),
        ),
        yani=record(
            session,
            actor=x,
            agency=office.b,
            now=now,
            signed_on=date(2019, 3, 1),
            signatory_name="Ahmad Yani",
            findings=("Ramp kursi roda 100% rusak", "SOP tidak dipajang", "Loket sempit"),
        ),
        old=record(
            session,
            actor=x,
            agency=office.b,
            now=now,
            signed_on=date(2018, 6, 1),
            signatory_name=None,
            findings=("Belum ada ramp",),
        ),
        dahlan=record(
            session,
            actor=y,
            agency=office.c,
            now=now,
            signed_on=date(2019, 1, 8),
            signatory_name="Ahmad Dahlan",
            findings=("Belum ada ramp",),
        ),
    )


def _page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
    return response.get_data(as_text=True)


def _ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-pact-id="(\d+)"', page)]


def _link(page: str, fmt: str) -> str:
    """The address of the list's download in ``fmt`` (csv, xlsx, atom)."""
    found = re.search(
        rf'<p class="downloads"[^>]*>.*?href="([^"]+)" data-format="{fmt}"', page, re.S
    )
    assert found is not None, f"no {fmt} download on the page"
    return html.unescape(found.group(1))


def _csv_ids(client: FlaskClient, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
    rows = csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"), newline=""))
    return [int(r["pact_id"]) for r in rows]


def _xlsx_ids(client: FlaskClient, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).worksheets[0]
    return [int(str(r[0])) for r in list(sheet.iter_rows(values_only=True))[1:]]


def _feed_pacts(client: FlaskClient, url: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
    feed = ET.fromstring(response.get_data())  # noqa: S314 - our own feed
    links = [e.find("atom:link", ATOM) for e in feed.findall("atom:entry", ATOM)]
    return {int(link.get("href", "").rsplit("/", 1)[-1]) for link in links if link is not None}


def test_the_home_list_finds_pacts_by_signatory_agency_or_finding_whatever_the_case(
    client: FlaskClient, lists: Lists
) -> None:
    every = {lists.aminah.id, lists.yani.id, lists.old.id, lists.dahlan.id}
    assert set(_ids(_page(client, "/"))) == every
    assert sorted(_ids(_page(client, "/?q=AHMAD"))) == sorted([lists.yani.id, lists.dahlan.id])
    # Every word must be found; the accent is kept ("aminah" is not "áminah").
    assert _ids(_page(client, "/?q=siti+%C3%A1minah")) == [lists.aminah.id]
    assert _ids(_page(client, "/?q=siti+aminah")) == []
    # A finding's title, with % taken as a letter.
    assert _ids(_page(client, "/?q=kursi+RODA+100%25")) == [lists.yani.id]
    # The agency's name, narrowed by regency and status as well.
    agency_b = lists.office.b.name.lower()
    assert sorted(_ids(_page(client, f"/?q={agency_b}"))) == sorted([lists.yani.id, lists.old.id])
    assert _ids(_page(client, f"/?q={agency_b}&status=overdue")) == [lists.old.id]
    page = _page(client, f"/?q=ahmad&regency={lists.office.y.slug}")
    assert _ids(page) == [lists.dahlan.id]
    assert 'value="ahmad"' in page


def test_the_home_list_sorts_by_each_column_both_ways_with_aria_sort(
    client: FlaskClient, lists: Lists
) -> None:
    aminah, yani, old, dahlan = lists.aminah.id, lists.yani.id, lists.old.id, lists.dahlan.id
    # The default: newest signing first, the id breaking the tie.
    assert _ids(_page(client, "/")) == [yani, dahlan, aminah, old]
    assert _ids(_page(client, "/?sort=signed&dir=asc")) == [old, aminah, dahlan, yani]
    assert _ids(_page(client, "/?sort=findings&dir=desc"))[0] == yani
    assert _ids(_page(client, "/?sort=status&dir=desc")) != _ids(_page(client, "/?sort=status"))
    # Sorted by regency: X's pacts, by agency then newest first, before Y's.
    by_regency = _ids(_page(client, "/?sort=regency"))
    assert by_regency == [aminah, yani, old, dahlan]
    page = _page(client, "/?q=a&sort=agency&dir=asc")
    header = re.search(r'<th[^>]*data-sort-key="agency"[^>]*>.*?</th>', page, re.S)
    assert header is not None and 'aria-sort="ascending"' in header.group(0)
    # The header turns the order round, keeps the search and comes back to the list.
    link = html.unescape(re.search(r'href="([^"]+)"', header.group(0)).group(1))  # type: ignore[union-attr]
    assert "q=a" in link and "dir=desc" in link and link.endswith("#daftar")
    assert page.count("aria-sort=") == 1
    # A new search keeps the order chosen.
    assert '<input type="hidden" name="sort" value="agency">' in page


def test_the_home_downloads_hold_exactly_the_filtered_list_in_its_order(
    client: FlaskClient, lists: Lists
) -> None:
    page = _page(client, "/?q=ahmad&sort=signed&dir=asc")
    shown = _ids(page)
    assert shown == [lists.dahlan.id, lists.yani.id]
    csv_url, xlsx_url, atom_url = _link(page, "csv"), _link(page, "xlsx"), _link(page, "atom")
    for url in (csv_url, xlsx_url):
        assert "q=ahmad" in url and "sort=signed" in url and "dir=asc" in url
    assert _csv_ids(client, csv_url) == shown
    assert _xlsx_ids(client, xlsx_url) == shown
    # The feed: the status changes of these pacts only (each was recorded).
    assert atom_url.startswith("/feed.atom?") and "q=ahmad" in atom_url
    assert _feed_pacts(client, atom_url) == set(shown)
    # Unfiltered, every pact.
    everything = _page(client, "/")
    assert _link(everything, "csv") == "/data/pakta.csv"
    assert sorted(_csv_ids(client, "/data/pakta.csv")) == sorted(_ids(everything))
    # Filtered by regency, the regency's own feed.
    page = _page(client, f"/?regency={lists.office.x.slug}&status=overdue")
    assert _ids(page) == [lists.old.id]
    assert _csv_ids(client, _link(page, "csv")) == [lists.old.id]
    assert _link(page, "atom") == f"/kabupaten/{lists.office.x.slug}/feed.atom?status=overdue"
    assert _feed_pacts(client, _link(page, "atom")) == {lists.old.id}


def test_the_regency_list_is_searched_sorted_and_downloaded_as_shown(
    client: FlaskClient, lists: Lists
) -> None:
    base = f"/kabupaten/{lists.office.x.slug}"
    aminah, yani, old = lists.aminah.id, lists.yani.id, lists.old.id
    # By agency (the page's default), each agency under its name, newest first within it.
    page = _page(client, base)
    assert _ids(page) == [aminah, yani, old]
    assert page.count("<h3 data-agency=") == 2
    # Another regency's pact is never listed, nor downloaded.
    assert _csv_ids(client, _link(page, "csv")) == [aminah, yani, old]
    assert f"regency={lists.office.x.slug}" in _link(page, "csv")
    # Sorted otherwise: one table in that order, no agency headings.
    page = _page(client, base + "?sort=signed&dir=desc")
    assert _ids(page) == [yani, aminah, old] and "<h3 data-agency=" not in page
    assert _csv_ids(client, _link(page, "csv")) == [yani, aminah, old]
    page = _page(client, base + "?q=ahmad")
    assert _ids(page) == [yani]
    assert _xlsx_ids(client, _link(page, "xlsx")) == [yani]
    assert _feed_pacts(client, _link(page, "atom")) == {yani}
    page = _page(client, base + "?year=2018")
    assert _ids(page) == [old] and _csv_ids(client, _link(page, "csv")) == [old]
    header = re.search(r'<th[^>]*data-sort-key="signed"[^>]*>.*?</th>', page, re.S)
    assert header is not None and "#pakta" in header.group(0) and "year=2018" in header.group(0)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        pytest.param("/?sort=password", "password", id="home-sort"),
        pytest.param("/?sort=agency&dir=sideways", "asc", id="home-dir"),
        pytest.param("/?agency=x", "number", id="home-agency"),
        pytest.param("/?year=abc", "1990", id="home-year"),
        pytest.param("/kabupaten/{x}?sort=__class__", "__class__", id="regency-sort"),
        pytest.param("/kabupaten/{x}?dir=up", "asc", id="regency-dir"),
        pytest.param("/data/pakta.csv?sort=pledge", "pledge", id="csv-sort"),
        pytest.param("/data/pakta.xlsx?dir=random", "asc", id="xlsx-dir"),
        pytest.param("/data/pakta.csv?agency=1;drop", "number", id="csv-agency"),
        pytest.param("/data/pakta.csv?q=" + "x" * 101, "100", id="csv-long-search"),
        pytest.param("/data/temuan.csv?q=" + "x" * 101, "100", id="findings-long-search"),
        pytest.param("/feed.atom?status=late", "on_track", id="feed-status"),
        pytest.param("/kabupaten/{x}/feed.atom?sort=x", "agency", id="regency-feed-sort"),
        pytest.param("/data?year=dua", "1990", id="data-year"),
        pytest.param("/data?regency=atlantis", "atlantis", id="data-regency"),
    ],
)
def test_a_bad_sort_or_filter_is_a_400_that_says_why_never_a_500(
    client: FlaskClient, lists: Lists, url: str, reason: str
) -> None:
    url = url.format(x=lists.office.x.slug)
    response = client.get(url + ("&" if "?" in url else "?") + "lang=en")
    assert response.status_code == 400, url
    assert reason in response.get_data(as_text=True)


def test_the_findings_download_is_searched_as_the_lists_are(
    client: FlaskClient, lists: Lists
) -> None:
    response = client.get("/data/temuan.csv?q=KURSI+roda")
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == ["Ramp kursi roda 100% rusak"]
    # The signatory finds the findings of that signatory's pacts.
    response = client.get(f"/data/temuan.csv?q=dahlan&regency={lists.office.y.slug}")
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [int(r["pact_id"]) for r in rows] == [lists.dahlan.id]


def test_the_data_page_filter_goes_into_every_download_link(
    client: FlaskClient, lists: Lists
) -> None:
    slug = lists.office.x.slug
    page = _page(client, f"/data?regency={slug}&year=2019&q=ahmad&status=ignored")
    for stem in ("pakta", "temuan", "komitmen", "kegiatan"):
        for suffix in ("csv", "xlsx"):
            found = re.search(rf'href="(/data/{stem}\.{suffix}[^"]*)"', page)
            assert found is not None, (stem, suffix)
            url = html.unescape(found.group(1))
            assert f"regency={slug}" in url and "year=2019" in url and "q=ahmad" in url, url
            assert "status" not in url
    assert _csv_ids(client, f"/data/pakta.csv?regency={slug}&year=2019&q=ahmad") == [lists.yani.id]
    assert 'value="ahmad"' in page and f'value="{slug}" selected' in page


def test_the_agency_page_sorts_its_pacts_and_downloads_them(
    client: FlaskClient, lists: Lists
) -> None:
    base = f"/opd/{lists.office.b.id}"
    yani, old = lists.yani.id, lists.old.id
    # By signing year (the page's default), newest year first, each year under its heading.
    page = _page(client, base)
    assert _ids(page) == [yani, old] and page.count("<h3 data-year=") == 2
    csv_url = _link(page, "csv")
    assert f"agency={lists.office.b.id}" in csv_url
    assert _csv_ids(client, csv_url) == [yani, old]
    assert _feed_pacts(client, _link(page, "atom")) == {yani, old}
    # Sorted by a column: one table in that order, its download in the same order.
    page = _page(client, base + "?sort=signed&dir=asc")
    assert _ids(page) == [old, yani] and "<h3 data-year=" not in page
    assert _csv_ids(client, _link(page, "csv")) == [old, yani]
    assert client.get(base + "?sort=nope").status_code == 400
