"""The regent's office finds pacts by agency, signatory or text and sorts the list by any column."""

from __future__ import annotations

import re
from datetime import date

from flask import Flask
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.office import Office
from tests.integration.pages import client_of, read_page


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-pact-id="(\d+)"', html)]


def _three(session: Session, office: Office) -> tuple[int, int, int]:
    first = make_pact(
        session, agency=office.a, now=office.now, signed_on=date(2019, 1, 8),
        signatory_name="Hj. Siti ÁMINAH",
    )  # fmt: skip
    second = make_pact(
        session, agency=office.b, now=office.now, signed_on=date(2019, 3, 1),
        signatory_name="Ahmad Yani", findings=3,
    )  # fmt: skip
    third = make_pact(
        session, agency=office.b, now=office.now, signed_on=None, signatory_name=None, findings=0
    )
    second.findings[0].title = "Ramp kursi roda 100% rusak"
    # Another regency's pact is never found.
    make_pact(session, agency=office.c, now=office.now, signed_on=date(2019, 1, 8))
    session.commit()
    return first.id, second.id, third.id


def test_search_finds_pacts_by_signatory_agency_and_finding_whatever_the_case(
    app: Flask, session: Session, office: Office
) -> None:
    first, second, third = _three(session, office)
    client = client_of(app, office.admin_x)
    assert _ids(read_page(client, "/staf/pakta/?q=siti+aminah")) == []  # no accent folding
    assert _ids(read_page(client, "/staf/pakta/?q=siti+%C3%A1minah")) == [first]
    assert _ids(read_page(client, "/staf/pakta/?q=AHMAD")) == [second]
    assert _ids(read_page(client, "/staf/pakta/?q=kursi+RODA")) == [second]
    # % and _ are letters, not wildcards.
    assert _ids(read_page(client, "/staf/pakta/?q=100%25")) == [second]
    assert _ids(read_page(client, "/staf/pakta/?q=1_0")) == []
    agency_b = office.b.name.split()[-1].upper()
    assert sorted(_ids(read_page(client, f"/staf/pakta/?q={agency_b}"))) == sorted([second, third])
    html = read_page(client, "/staf/pakta/?q=ahmad")
    assert 'value="ahmad"' in html


def test_every_column_sorts_both_ways_with_a_stable_order_and_aria_sort(
    app: Flask, session: Session, office: Office
) -> None:
    first, second, third = _three(session, office)
    client = client_of(app, office.admin_x)
    # The default: newest signing first, unknown dates last.
    assert _ids(read_page(client, "/staf/pakta/")) == [second, first, third]
    assert _ids(read_page(client, "/staf/pakta/?sort=signed&dir=asc")) == [first, second, third]
    assert _ids(read_page(client, "/staf/pakta/?sort=findings&dir=desc")) == [second, first, third]
    assert _ids(read_page(client, "/staf/pakta/?sort=findings")) == [third, first, second]
    # Equal agencies: the id breaks the tie, the same way on every page.
    by_agency = _ids(read_page(client, "/staf/pakta/?sort=agency&dir=asc"))
    assert by_agency.index(second) < by_agency.index(third)
    # A derived key: no deadline (unknown signing date) comes last both ways.
    assert _ids(read_page(client, "/staf/pakta/?sort=deadline"))[-1] == third
    assert _ids(read_page(client, "/staf/pakta/?sort=deadline&dir=desc")) == [second, first, third]
    for key in ("signatory", "days_left", "status"):
        assert sorted(_ids(read_page(client, f"/staf/pakta/?sort={key}&dir=desc"))) == sorted(
            [first, second, third]
        )
    html = read_page(client, "/staf/pakta/?q=a&sort=agency&dir=asc&status=")
    header = re.search(r'<th[^>]*data-sort-key="agency"[^>]*>.*?</th>', html, re.S)
    assert header is not None and 'aria-sort="ascending"' in header.group(0)
    # The header link turns the order round and keeps the search.
    assert "q=a" in header.group(0) and "dir=desc" in header.group(0)
    assert html.count("aria-sort=") == 1


def test_a_bad_sort_or_direction_is_a_400_that_says_why(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.admin_x)
    response = client.get("/staf/pakta/?sort=password")
    assert response.status_code == 400
    assert "password" in response.get_data(as_text=True)
    assert client.get("/staf/pakta/?sort=agency&dir=sideways").status_code == 400
    assert client.get("/staf/pakta/?q=" + "x" * 101).status_code == 400
