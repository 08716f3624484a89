"""The public pages of a regency, an agency and a pact, as a journalist reads them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact, make_regency
from tests.integration.auth_helpers import login
from tests.integration.portal.public_world import PASSWORD, PublicWorld
from tracker.assessments.models import Assessment, UnitResult
from tracker.clock import FixedClock
from tracker.demo.services import DemoReport
from tracker.findings.models import Evidence
from tracker.findings.rules import EvidenceKind


def _text(html: str) -> str:
    """Return the visible text of a page, tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-pact-id="\d+">(.*?)</tr>', html, flags=re.S)


def _findings(html: str) -> dict[str, str]:
    """Return each finding's part of a pact page, by finding id."""
    section = html[html.index('id="findings-title"') : html.index('id="riwayat"')]
    chunks = re.split(r'<li data-finding-id="(\d+)"', section)[1:]
    return dict(zip(chunks[::2], chunks[1::2], strict=True))


# ------------------------------------------------------------------ home


def test_home_shows_each_regency_with_its_pacts_by_status_and_latest_zone(
    client: FlaskClient, demo: DemoReport
) -> None:
    html = client.get("/").get_data(as_text=True)
    card = re.search(
        r'<li class="card" data-regency="paser">(.*?)</li>\s*<li class="card"', html, re.S
    )
    assert card, "Paser has no card"
    text = _text(card.group(1))
    assert "4 pakta" in text
    assert "2 Sesuai jadwal" in text and "1 Mendekati tenggat" in text
    assert "1 Diputuskan Bupati" in text
    # 2023: 81.22 is green, grade B in the 2022-2024 scheme.
    # The official label with its grade, and the zone without repeating the grade.
    assert "81,22 · B, Kualitas Tinggi · Hijau" in text
    sumbawa = re.search(r'data-regency="sumbawa-barat">(.*?)</li>\s*</ul>\s*</li>', html, re.S)
    # The article reports no outcome of the seven pacts: never "due soon" or overdue.
    assert sumbawa and "7 Hasil tidak tercatat" in _text(sumbawa.group(1))
    assert "Mendekati tenggat" not in _text(sumbawa.group(1))


def test_home_lists_the_nearest_deadlines_and_the_most_overdue(
    client: FlaskClient, demo: DemoReport
) -> None:
    html = client.get("/").get_data(as_text=True)
    nearest = re.search(r'data-list="nearest">(.*?)</ol>', html, re.S)
    overdue = re.search(r'data-list="overdue">(.*?)</ol>', html, re.S)
    assert nearest and overdue
    items = re.findall(r"<li data-pact=.*?</li>", nearest.group(1), re.S)
    # Only running pacts: the Sumbawa Barat pacts, whose outcome no source reports, are not.
    assert len(items) == 3
    # Soonest first: Paser's Dinkes (10 days).
    assert "sisa 10 hari" in items[0] and "Kabupaten Paser" in items[0]
    assert not any("Sumbawa Barat" in item for item in items)
    late = _text(overdue.group(1))
    assert "Kabupaten Barito Selatan" in late and "lewat" in late


def test_home_still_has_the_filterable_list_of_every_pact(
    client: FlaskClient, demo: DemoReport
) -> None:
    assert len(_rows(client.get("/").get_data(as_text=True))) == 17
    assert len(_rows(client.get("/?regency=paser").get_data(as_text=True))) == 4


# ------------------------------------------------------------------ regency


def test_regency_page_lists_every_pact_by_agency(client: FlaskClient, world: PublicWorld) -> None:
    response = client.get(f"/kabupaten/{world.regency.slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    headings = re.findall(r'<h3 data-agency="(\d+)">', html)
    assert headings == [str(world.agency.id), str(world.other_agency.id)]
    # The pact, and the other agency's withdrawn and decided ones.
    assert len(_rows(html)) == 3
    assert f'href="/opd/{world.agency.id}"' in html
    assert (
        f'href="/pakta/{world.pact.id}"' in html and f'href="/pakta/{world.withdrawn.id}"' in html
    )


def test_regency_page_filters_by_status_and_signing_year(
    client: FlaskClient, world: PublicWorld
) -> None:
    base = f"/kabupaten/{world.regency.slug}"
    withdrawn = client.get(base + "?status=withdrawn").get_data(as_text=True)
    assert [re.search(r'href="/pakta/(\d+)"', r).group(1) for r in _rows(withdrawn)] == [  # type: ignore[union-attr]
        str(world.withdrawn.id)
    ]
    assert len(_rows(client.get(base + "?year=2018").get_data(as_text=True))) == 2
    assert len(_rows(client.get(base + "?year=2019").get_data(as_text=True))) == 1
    # A well-formed year without pacts is an empty list, not an error.
    empty = client.get(base + "?year=2012")
    assert empty.status_code == 200 and "Tidak ada pakta" in empty.get_data(as_text=True)


def test_regency_page_refuses_a_bad_filter_with_a_reason(
    client: FlaskClient, world: PublicWorld
) -> None:
    base = f"/kabupaten/{world.regency.slug}"
    for query, field in (
        ("?year=abc", "year"),
        ("?year=19", "year"),
        # Digits to str.isdigit(), but no year int() can read.
        ("?year=²²²²", "year"),
        ("?year=" + "2" * 5000, "year"),
        ("?status=late", "status"),
    ):
        response = client.get(base + query)
        assert response.status_code == 400, query
        html = response.get_data(as_text=True)
        assert f'id="{field}-error"' in html, query
        assert _rows(html) == []
    assert "Choose a year from the list" in client.get(base + "?year=abc&lang=en").get_data(
        as_text=True
    )


def test_unknown_regency_is_a_404(client: FlaskClient) -> None:
    assert client.get("/kabupaten/tidak-ada").status_code == 404


def test_regency_page_shows_the_assessment_history_with_a_chart(
    client: FlaskClient, session: Session, world: PublicWorld, now: datetime
) -> None:
    for year, score in ((2019, "49.50"), (2020, "60.00"), (2021, "64.80"), (2022, "78.34")):
        session.add(
            Assessment(regency_id=world.regency.id, year=year, score=Decimal(score), created_at=now)
        )
    session.commit()
    html = client.get(f"/kabupaten/{world.regency.slug}?lang=en").get_data(as_text=True)
    rows = {y: _text(r) for y, r in re.findall(r'<tr data-year="(\d+)">(.*?)</tr>', html, re.S)}
    assert set(rows) == {"2019", "2020", "2021", "2022"}
    assert "49.50" in rows["2019"] and "Red" in rows["2019"]
    # 2020 had no assessment scheme: no zone, said so.
    assert "no zone that year" in rows["2020"]
    assert "Yellow" in rows["2021"]
    assert "78.34" in rows["2022"] and "B, Kualitas Tinggi" in rows["2022"]
    assert "Green" in rows["2022"] and "Green · B" not in rows["2022"]
    svg = re.search(r"<svg .*?</svg>", html, re.S)
    assert svg, "no chart"
    assert 'role="img"' in svg.group(0) and "<title" in svg.group(0)
    assert svg.group(0).count("<rect") == 4
    # Drawn on the server: no script and nothing fetched from elsewhere.
    assert "<script" not in html and "https://" not in svg.group(0).replace(
        "http://www.w3.org/2000/svg", ""
    )


def test_regency_page_shows_the_median_days_to_verify_a_submitted_finding(
    client: FlaskClient, world: PublicWorld
) -> None:
    # The world's reviews, counted in working days: ramp submitted on Friday 15 February 2019 at
    # 09:00 and returned on Saturday (15 working hours, 0.625), resubmitted on Monday at 09:00 and
    # approved on Friday at 09:00 (4 working days). In calendar days it was 1 and 4 (2.5).
    html = client.get(f"/kabupaten/{world.regency.slug}?lang=en").get_data(as_text=True)
    box = re.search(r'<p class="verification" data-decisions="(\d+)">(.*?)</p>', html, re.S)
    assert box and box.group(1) == "2"
    assert "median of 2.3 working days" in _text(box.group(2))


def test_the_median_says_how_many_of_its_decisions_are_on_invented_demo_pacts(
    client: FlaskClient, session: Session, world: PublicWorld
) -> None:
    url = f"/kabupaten/{world.regency.slug}?lang=en"
    assert "invented demo" not in _text(client.get(url).get_data(as_text=True))
    world.pact.is_demo = True
    session.flush()
    html = client.get(url).get_data(as_text=True)
    box = re.search(r'<p class="verification" data-decisions="(\d+)">(.*?)</p>', html, re.S)
    assert box and "2 of these decisions are on invented demo pacts." in _text(box.group(2))


def test_regency_without_decisions_says_so(
    client: FlaskClient, session: Session, now: datetime
) -> None:
    regency = make_regency(session, now=now, slug="kab-sepi")
    make_pact(
        session, agency=make_agency(session, regency=regency, now=now), now=now, signed_on=None
    )
    html = client.get("/kabupaten/kab-sepi").get_data(as_text=True)
    assert "Belum ada keputusan verifikasi." in html


# ------------------------------------------------------------------ agency


def test_agency_page_shows_its_pacts_by_year_and_its_unit_scores(
    client: FlaskClient, session: Session, world: PublicWorld, now: datetime
) -> None:
    make_pact(session, agency=world.agency, now=now, signed_on=date(2017, 2, 1), findings=1)
    make_pact(session, agency=world.agency, now=now, signed_on=None, findings=1)
    session.add(
        UnitResult(agency_id=world.agency.id, year=2023, score=Decimal("90.10"), created_at=now)
    )
    session.commit()
    response = client.get(f"/opd/{world.agency.id}?lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.findall(r'<h3 data-year="(\d*)">', html) == ["2019", "2017", ""]
    assert "Signing date unknown" in html
    assert len(_rows(html)) == 3
    unit = re.search(r'<tr data-year="2023">(.*?)</tr>', html, re.S)
    assert (
        unit and "90.10" in unit.group(1) and "A, Kualitas Tertinggi Green" in _text(unit.group(1))
    )
    assert "<svg" in html


def test_unknown_agency_is_a_404(client: FlaskClient) -> None:
    assert client.get("/opd/999999").status_code == 404


# ------------------------------------------------------------------ pact


def test_pact_page_shows_the_promise_and_the_deadline_with_its_extension(
    client: FlaskClient, world: PublicWorld
) -> None:
    html = client.get(f"/pakta/{world.pact.id}?lang=en").get_data(as_text=True)
    text = _text(html)
    assert "Kepala Publik, Kepala Dinas Publik" in text
    assert f'href="/opd/{world.agency.id}"' in html
    assert "Memperbaiki temuan dalam tiga bulan." in text and "Mengundurkan diri." in text
    original, extended = world.pact.original_deadline_on, world.pact.deadline_on
    assert original is not None and extended is not None
    struck = re.findall(r"<del[^>]*>(.*?)</del>", html, re.S)
    assert any(original.strftime("%b %-d, %Y") in s for s in struck)
    assert extended.strftime("%b %-d, %Y") in text
    assert "Reason: Anggaran perubahan belum turun." in text


def test_pact_page_counts_down_in_the_regencys_local_date(
    client: FlaskClient, session: Session, clock: FixedClock
) -> None:
    now = clock.now()
    pacts = {}
    for tz in ("Asia/Makassar", "Asia/Jayapura"):
        regency = make_regency(session, now=now, timezone=tz)
        agency = make_agency(session, regency=regency, now=now)
        # Signed 25 December: the deadline is 25 March, the deadline day still in time.
        pacts[tz] = make_pact(session, agency=agency, now=now, signed_on=date(2018, 12, 25))
    session.commit()
    # 15:30 UTC: 23:30 on 25 March in Makassar, already 00:30 on 26 March in Jayapura.
    clock.set(datetime(2019, 3, 25, 15, 30, tzinfo=UTC))
    makassar = _text(
        client.get(f"/pakta/{pacts['Asia/Makassar'].id}?lang=en").get_data(as_text=True)
    )
    jayapura = _text(
        client.get(f"/pakta/{pacts['Asia/Jayapura'].id}?lang=en").get_data(as_text=True)
    )
    assert "due today" in makassar and "today is March 25, 2019" in makassar
    assert "overdue 1 days" in jayapura and "today is March 26, 2019" in jayapura


def test_pact_page_lists_findings_with_status_and_dates(
    client: FlaskClient, world: PublicWorld
) -> None:
    html = client.get(f"/pakta/{world.pact.id}?lang=en").get_data(as_text=True)
    items = _findings(html)
    ramp, sop, play = (str(f.id) for f in world.pact.findings)
    assert 'data-status="closed"' in items[ramp] and "closed Feb 22, 2019" in _text(items[ramp])
    assert 'data-status="submitted"' in items[sop]
    assert "sent for verification Feb 24, 2019" in _text(items[sop])
    assert 'data-status="unresolvable"' in items[play] and "recorded Feb 13, 2019" in _text(
        items[play]
    )
    assert "Cannot be followed up" in items[play]
    assert "Why it cannot be followed up: Pojok bermain menunggu APBD-P." in _text(items[play])


def test_pact_page_shows_published_evidence_with_the_hash_of_the_original(
    client: FlaskClient, world: PublicWorld
) -> None:
    html = client.get(f"/pakta/{world.pact.id}").get_data(as_text=True)
    for evidence in (world.published_photo, world.published_png, world.published_pdf):
        assert f'data-evidence-id="{evidence.id}"' in html
        assert f'href="/bukti/{evidence.id}"' in html
        assert evidence.sha256 and evidence.sha256 in html
    assert f'<img src="/bukti/{world.published_photo.id}" alt="Ramp di pintu masuk"' in html
    assert f'data-evidence-id="{world.private_photo.id}"' not in html
    assert f"/bukti/{world.private_photo.id}" not in html


def test_public_timeline_names_roles_never_people(client: FlaskClient, world: PublicWorld) -> None:
    html = client.get(f"/pakta/{world.pact.id}?lang=en").get_data(as_text=True)
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S)
    assert timeline
    actions = re.findall(r'data-action="([a-z_.]+)"', timeline.group(1))
    assert actions == [
        "pact.signed",  # by its date only: no source gives the hour of a signing
        "finding.recorded",
        "finding.recorded",
        "finding.recorded",
        "evidence.added",  # the published photo
        "finding.submitted",
        "finding.returned",
        "evidence.added",  # the published PNG
        "finding.submitted",
        "finding.unresolvable",  # the play corner: its reason is public
        "finding.reopened",  # the reason for reopening is not
        "finding.unresolvable",
        "finding.approved",
        "evidence.added",  # the published PDF
        "finding.submitted",
        "pact.extended",
    ]
    text = _text(timeline.group(1))
    assert "Regent's office" in text and "Agency (OPD)" in text
    assert world.admin.name not in text and world.opd.name not in text
    indonesian = client.get(f"/pakta/{world.pact.id}?lang=id").get_data(as_text=True)
    assert "Bagian Organisasi Setda" in indonesian


def test_unpublished_upload_shows_only_as_the_status_change_it_caused(
    client: FlaskClient, session: Session, world: PublicWorld
) -> None:
    world.published_photo.is_public = False
    session.commit()
    html = client.get(f"/pakta/{world.pact.id}?lang=en").get_data(as_text=True)
    actions = re.findall(r'data-action="([a-z_.]+)"', html)
    # The photo moved the finding from open to in progress: that much is public.
    assert actions[4] == "finding.in_progress"
    assert "Follow-up started" in html


def test_withdrawn_pact_shows_as_withdrawn_with_its_reason(
    client: FlaskClient, world: PublicWorld
) -> None:
    html = client.get(f"/pakta/{world.withdrawn.id}?lang=en").get_data(as_text=True)
    assert 'data-status="withdrawn"' in html
    notice = re.search(r'<div class="notice withdrawn"[^>]*>(.*?)</div>', html, re.S)
    assert notice
    text = _text(notice.group(1))
    assert "This pact was withdrawn on Feb 18, 2019" in text
    assert "OPD digabung dalam restrukturisasi." in text


def test_share_button_opens_whatsapp_with_the_title_and_the_absolute_url(
    app, client: FlaskClient, world: PublicWorld
) -> None:
    html = client.get(f"/pakta/{world.pact.id}").get_data(as_text=True)
    link = re.search(r'<a class="button share-whatsapp" href="([^"]+)"', html)
    assert link
    url = link.group(1).replace("&amp;", "&")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/")
    text = parse_qs(parts.query)["text"][0]
    assert world.agency.name in text and world.regency.name in text
    assert text.endswith(app.config["BASE_URL"].rstrip("/") + f"/pakta/{world.pact.id}")


def test_pact_page_carries_the_follow_form(client: FlaskClient, world: PublicWorld) -> None:
    html = client.get(f"/pakta/{world.pact.id}").get_data(as_text=True)
    assert f'action="/pakta/{world.pact.id}/ikuti"' in html


def test_unknown_pact_is_a_404_page(client: FlaskClient) -> None:
    response = client.get("/pakta/999999")
    assert response.status_code == 404
    assert "Pantau Pakta" in response.get_data(as_text=True)


def test_every_page_links_the_open_data_and_the_feed(
    client: FlaskClient, world: PublicWorld
) -> None:
    for url in ("/", f"/kabupaten/{world.regency.slug}", f"/pakta/{world.pact.id}", "/masuk"):
        html = client.get(url).get_data(as_text=True)
        footer = html[html.index("<footer") :]
        assert 'href="/data"' in footer and 'href="/feed.atom"' in footer, url


def test_regency_page_shows_pacts_fifty_at_a_time(
    client: FlaskClient, session: Session, now: datetime
) -> None:
    regency = make_regency(session, now=now, slug="kab-banyak")
    agencies = [make_agency(session, regency=regency, now=now) for _ in range(3)]
    for i in range(55):
        make_pact(session, agency=agencies[i % 3], now=now, signed_on=None, findings=0)
    session.commit()
    first = client.get("/kabupaten/kab-banyak").get_data(as_text=True)
    second = client.get("/kabupaten/kab-banyak?page=2").get_data(as_text=True)
    assert len(_rows(first)) == 50 and len(_rows(second)) == 5
    assert 'rel="next"' in first and 'rel="prev"' in second
    # Agencies stay together: each appears once per page, in name order.
    headings = re.findall(r'<h3 data-agency="(\d+)">', first)
    assert len(headings) == len(set(headings))
    assert client.get("/kabupaten/kab-banyak?page=x").status_code == 400


def test_only_a_web_address_of_evidence_becomes_a_link(
    client: FlaskClient, session: Session, world: PublicWorld
) -> None:
    # Link evidence arrives by import; a javascript: or data: address must never be clickable.
    finding = world.pact.findings[0]
    links = {
        "Tautan skrip": "javascript:alert(document.domain)",
        "Tautan skrip berspasi": " JavaScript:alert(2)",
        "Tautan data": "data:text/html,<script>alert(3)</script>",
        "Tautan web": "https://example.org/foto-ramp",
    }
    for caption, url in links.items():
        session.add(
            Evidence(
                finding_id=finding.id, kind=EvidenceKind.LINK, caption=caption, url=url,
                is_public=True, uploaded_at=world.pact.created_at,
            )
        )  # fmt: skip
    session.commit()

    html = client.get(f"/pakta/{world.pact.id}").get_data(as_text=True)
    assert '<a href="https://example.org/foto-ramp" rel="nofollow noopener">Tautan web</a>' in html
    for caption in ("Tautan skrip", "Tautan skrip berspasi", "Tautan data"):
        assert caption in html, "the caption is still shown, as text"
    assert "javascript:" not in html.lower() and "data:text" not in html

    login(client, world.admin, PASSWORD)
    staff = client.get(f"/staf/temuan/{finding.id}").get_data(as_text=True)
    assert 'href="https://example.org/foto-ramp"' in staff
    assert "javascript:" not in staff.lower() and "data:text" not in staff
