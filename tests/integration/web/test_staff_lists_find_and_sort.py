"""Every staff list can be searched and sorted the same way: findings, agencies, accounts,
commitments and events, regencies, the holiday calendar (the pacts' and the outbox's lists
have their own tests). A search finds the right rows and only them, whatever the case; a header
link sorts by its column and says so (aria-sort); a bad sort is a 400 that says why."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.auth_helpers import make_user
from tests.integration.office import Office
from tests.integration.pages import client_of, read_page
from tracker.commitments.models import Commitment, RegencyEvent
from tracker.commitments.rules import CommitmentKind, EventKind
from tracker.findings.rules import FindingStatus


def _ids(page: str, attribute: str) -> list[int]:
    return [int(i) for i in re.findall(rf'<tr data-{attribute}="(\d+)"', page)]


def _header(page: str, key: str) -> str:
    found = re.search(rf'<th[^>]*data-sort-key="{key}"[^>]*>.*?</th>', page, re.S)
    assert found is not None, f"no sortable header {key}"
    return html.unescape(found.group(0))


def test_the_findings_list_finds_by_title_code_agency_or_signatory_and_sorts(
    app: Flask, session: Session, office: Office
) -> None:
    ramp = make_pact(
        session,
        agency=office.a,
        now=office.now,
        signed_on=date(2019, 1, 8),
        findings=1,
        signatory_name="Hj. Siti Aminah",
    )
    sop = make_pact(
        session, agency=office.b, now=office.now, signed_on=date(2019, 1, 8), findings=2
    )
    other = make_pact(session, agency=office.c, now=office.now, signed_on=date(2019, 1, 8))
    ramp.findings[0].title = "Ramp KURSI roda rusak"
    sop.findings[0].title, sop.findings[0].code = "Tidak ada SOP", "SOP-01"
    sop.findings[1].title, sop.findings[1].status = "Loket sempit", FindingStatus.CLOSED
    other.findings[0].title = "Kursi roda tidak ada"  # regency Y: never listed to X
    session.commit()
    client = client_of(app, office.admin_x)
    every = _ids(read_page(client, "/staf/temuan/"), "finding-id")
    assert sorted(every) == sorted(f.id for f in [*ramp.findings, *sop.findings])
    assert _ids(read_page(client, "/staf/temuan/?q=kursi+roda"), "finding-id") == [
        ramp.findings[0].id
    ]
    assert _ids(read_page(client, "/staf/temuan/?q=sop-01"), "finding-id") == [sop.findings[0].id]
    assert _ids(read_page(client, "/staf/temuan/?q=AMINAH"), "finding-id") == [ramp.findings[0].id]
    agency_b = office.b.name.upper()
    assert sorted(_ids(read_page(client, f"/staf/temuan/?q={agency_b}"), "finding-id")) == sorted(
        f.id for f in sop.findings
    )
    # The dashboard's narrowing stays when searching within it.
    page = read_page(client, "/staf/temuan/?open=1&q=a")
    assert sop.findings[1].id not in _ids(page, "finding-id")
    assert '<input type="hidden" name="open" value="1">' in page
    by_title = _ids(read_page(client, "/staf/temuan/?sort=finding"), "finding-id")
    assert by_title == [sop.findings[1].id, ramp.findings[0].id, sop.findings[0].id]
    assert _ids(read_page(client, "/staf/temuan/?sort=finding&dir=desc"), "finding-id") == list(
        reversed(by_title)
    )
    # By status, in the workflow's order (open before closed).
    by_status = _ids(read_page(client, "/staf/temuan/?sort=status"), "finding-id")
    assert by_status[-1] == sop.findings[1].id
    page = read_page(client, "/staf/temuan/?sort=status&dir=desc&q=a")
    header = _header(page, "status")
    assert 'aria-sort="descending"' in header and "q=a" in header and "dir=asc" in header


def test_the_agency_list_finds_by_name_or_head_and_sorts(
    app: Flask, session: Session, office: Office
) -> None:
    office.a.name, office.a.head_name = "Dinas Sosial", "Budi SANTOSO"
    office.b.name, office.b.kind = "Dinas Kependudukan", "badan"
    session.commit()
    client = client_of(app, office.admin_x)
    assert _ids(read_page(client, "/staf/daftar-opd/?q=santoso"), "agency-id") == [office.a.id]
    assert _ids(read_page(client, "/staf/daftar-opd/?q=KEPENDUDUKAN"), "agency-id") == [office.b.id]
    # Another regency's agency is never found.
    assert _ids(read_page(client, f"/staf/daftar-opd/?q={office.c.slug}"), "agency-id") == []
    assert _ids(read_page(client, "/staf/daftar-opd/?sort=name"), "agency-id") == [
        office.b.id,
        office.a.id,
    ]
    assert _ids(read_page(client, "/staf/daftar-opd/?sort=name&dir=desc"), "agency-id") == [
        office.a.id,
        office.b.id,
    ]
    assert _ids(read_page(client, "/staf/daftar-opd/?sort=kind"), "agency-id") == [
        office.b.id,
        office.a.id,
    ]
    # A superadmin sorts every regency's agencies by regency.
    page = read_page(client_of(app, office.superadmin), "/staf/daftar-opd/?sort=regency&dir=desc")
    assert _ids(page, "agency-id")[0] == office.c.id
    assert 'aria-sort="descending"' in _header(page, "regency")


def test_the_account_list_finds_by_name_address_or_agency_and_sorts(
    app: Flask, session: Session, office: Office
) -> None:
    ani = make_user(session, role="opd", agency=office.a, now=office.now, email="ani@dinsos.go.id")
    ani.name = "Ani Wulandari"
    session.commit()
    client = client_of(app, office.admin_x)
    assert _ids(read_page(client, "/staf/akun/?q=WULANDARI"), "user-id") == [ani.id]
    assert _ids(read_page(client, "/staf/akun/?q=ani%40dinsos"), "user-id") == [ani.id]
    by_agency = _ids(read_page(client, f"/staf/akun/?q={office.a.name}"), "user-id")
    assert sorted(by_agency) == sorted([office.opd_a.id, ani.id])
    # Regency Y's admin is not among X's accounts, whatever the search.
    assert office.admin_y.id not in _ids(read_page(client, "/staf/akun/?q=pengguna"), "user-id")
    by_name = _ids(read_page(client, "/staf/akun/?sort=name"), "user-id")
    assert by_name[0] == ani.id
    assert _ids(read_page(client, "/staf/akun/?sort=name&dir=desc"), "user-id")[-1] == ani.id
    # By role, in the order of their powers: the admin before the observer, OPD staff last.
    by_role = _ids(read_page(client, "/staf/akun/?sort=role"), "user-id")
    assert by_role.index(office.admin_x.id) < by_role.index(office.observer_x.id)
    assert by_role.index(office.observer_x.id) < by_role.index(ani.id)


def test_commitments_and_events_sort_each_table_on_its_own(
    app: Flask, session: Session, office: Office
) -> None:
    now = office.now

    def commitment(title: str, year: int | None, kind: CommitmentKind) -> Commitment:
        row = Commitment(
            regency_id=office.x.id,
            kind=kind,
            title=title,
            signed_year=year,
            created_at=now,
            signatories="Bupati Uji\nKepala Perwakilan",
        )
        session.add(row)
        return row

    def event(title: str, year: int | None) -> RegencyEvent:
        row = RegencyEvent(
            regency_id=office.x.id,
            kind=EventKind.MENTORING,
            title=title,
            happened_year=year,
            description="Pendampingan oleh perwakilan",
            created_at=now,
        )
        session.add(row)
        return row

    mou = commitment("MoU dengan Ombudsman", 2021, CommitmentKind.MOU)
    pact = commitment("Pakta integritas bupati", 2023, CommitmentKind.REGENCY_PACT)
    undated = commitment("Kerja sama pelayanan", None, CommitmentKind.MOU)
    visit = event("Kunjungan pendampingan", 2020)
    group = event("Grup koordinasi WhatsApp", 2022)
    session.commit()
    client = client_of(app, office.admin_x)
    page = read_page(client, "/staf/komitmen/")
    assert _ids(page, "commitment-id") == [pact.id, mou.id, undated.id]
    assert _ids(page, "event-id") == [group.id, visit.id]
    # Each table has its own order; sorting one leaves the other as it was.
    page = read_page(client, "/staf/komitmen/?sort=signed&dir=asc&esort=title")
    assert _ids(page, "commitment-id") == [mou.id, pact.id, undated.id]  # undated last
    assert _ids(page, "event-id") == [group.id, visit.id]
    header = _header(page[page.index('id="kegiatan"') :], "title")
    assert "sort=signed" in header and "esort=title" in header and "edir=desc" in header
    assert 'aria-sort="ascending"' in header and header.endswith("</th>")
    assert "#kegiatan" in header
    page = read_page(client, "/staf/komitmen/?sort=title")
    assert _ids(page, "commitment-id") == [undated.id, mou.id, pact.id]
    # One search over both tables: a commitment's signatory, an event's description.
    page = read_page(client, "/staf/komitmen/?q=BUPATI")
    assert _ids(page, "commitment-id") == [pact.id, mou.id, undated.id]
    assert _ids(page, "event-id") == []
    page = read_page(client, "/staf/komitmen/?q=whatsapp")
    assert _ids(page, "commitment-id") == [] and _ids(page, "event-id") == [group.id]
    assert client.get("/staf/komitmen/?esort=signed").status_code == 400


def test_regencies_and_holidays_sort(app: Flask, session: Session, office: Office) -> None:
    client = client_of(app, office.superadmin)
    page = read_page(client, "/staf/kabupaten/?sort=slug&dir=desc")
    assert _ids(page, "regency-id")[:2] == [office.y.id, office.x.id]
    assert _ids(read_page(client, f"/staf/kabupaten/?q={office.y.slug}"), "regency-id") == [
        office.y.id
    ]
    # The calendar of 2019 (seeded with the national holidays), by name from Z to A.
    page = read_page(client, "/staf/hari-libur/?tahun=2019&sort=name&dir=desc")
    names = [html.unescape(n) for n in re.findall(r'data-label="Nama">([^<]*)</td>', page)]
    assert len(names) > 5 and names == sorted(names, key=str.lower, reverse=True)
    days = re.findall(r'<tr data-day="([\d-]+)"', read_page(client, "/staf/hari-libur/?tahun=2019"))
    assert days == sorted(days)
    assert "tahun=2019" in _header(page, "date")


def test_the_staff_pact_list_downloads_its_rows_as_open_data(
    app: Flask, session: Session, office: Office
) -> None:
    mine = make_pact(
        session,
        agency=office.a,
        now=office.now,
        signed_on=date(2019, 1, 8),
        signatory_name="Ahmad Yani",
    )
    make_pact(session, agency=office.b, now=office.now, signed_on=date(2019, 2, 1))
    make_pact(session, agency=office.c, now=office.now, signed_on=date(2019, 1, 8),
              signatory_name="Ahmad Dahlan")  # fmt: skip
    session.commit()
    page = read_page(client_of(app, office.admin_x), "/staf/pakta/?q=ahmad&sort=signed")
    assert _ids(page, "pact-id") == [mine.id]
    found = re.search(r'href="(/data/pakta\.csv[^"]*)"', page)
    assert found is not None
    url = html.unescape(found.group(1))
    # The regency the account reads, the search and the order: another regency's Ahmad is out.
    assert f"regency={office.x.slug}" in url and "q=ahmad" in url and "sort=signed" in url
    rows = app.test_client().get(url).get_data().decode("utf-8-sig").splitlines()[1:]
    assert [int(r.split(",")[0]) for r in rows] == [mine.id]
    # An agency's staff download their agency's pacts.
    page = read_page(client_of(app, office.opd_a), "/staf/pakta/")
    assert f"/data/pakta.csv?agency={office.a.id}" in page


@pytest.mark.parametrize(
    "url",
    [
        "/staf/pakta/?sort=password",
        "/staf/temuan/?sort=id;drop",
        "/staf/temuan/?dir=up",
        "/staf/temuan/verifikasi?sort=__init__",
        "/staf/daftar-opd/?sort=head_email",
        "/staf/akun/?sort=password_hash",
        "/staf/akun/?q=" + "x" * 101,
        "/staf/kotak-keluar/?sort=body_html",
        "/staf/komitmen/?sort=x&esort=y",
        "/staf/kabupaten/?dir=sideways",
        "/staf/hari-libur/?sort=created_by_id",
    ],
)
def test_a_bad_sort_or_search_on_a_staff_list_is_a_400_never_a_500(
    app: Flask, office: Office, url: str
) -> None:
    user = office.superadmin if "kabupaten" in url else office.admin_x
    response = client_of(app, user).get(url)
    assert response.status_code == 400, url
