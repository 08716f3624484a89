"""The monthly report prints the dashboard's own figures: one rule in one place.

``load_monthly_figures`` reads ``tracker.dashboard.queries.dashboard``; the report lists every
overdue and due-soon pact (the page shows the first twenty), the escalation rung each overdue
pact reached, and the agencies' league table with its method, in the reader's language.
"""

from __future__ import annotations

import io
from datetime import date

from flask import Flask
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact
from tests.integration.notifications.sweep_helpers import local, make_office, run_sweep
from tests.integration.office import Office
from tests.integration.pages import client_of, read_page
from tests.pdf_layout import outside
from tracker.dashboard.queries import dashboard
from tracker.findings.rules import FindingStatus
from tracker.notifications.monthly import load_monthly_figures, monthly_pdf
from tracker.pacts.rules import PactStatus

# Monday 3 March 2025: rung 1 of the pact due on Friday 28 February went out at 08:00.
NOW = local("2025-03-04T09:00:00+08:00")
RECORDED = local("2024-11-30T09:00:00+08:00")


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def test_the_monthly_report_prints_the_dashboards_figures(app: Flask, session: Session) -> None:
    office = make_office(session, now=RECORDED)
    other = make_agency(session, regency=office.regency, now=RECORDED)
    other.name = "Badan Pendapatan Daerah Uji"
    late = make_pact(session, agency=office.agency, now=RECORDED, signed_on=date(2024, 11, 30))
    # 23 overdue pacts in all: more than the page's twenty, every one in the report.
    for day in range(1, 23):
        make_pact(session, agency=other, now=RECORDED, signed_on=date(2024, 11, day), findings=1)
    make_pact(session, agency=other, now=RECORDED, signed_on=date(2024, 12, 10), findings=4)
    late.findings[0].status = FindingStatus.SUBMITTED
    late.findings[0].submitted_at = local("2025-03-03T10:00:00+08:00")
    session.flush()
    run_sweep(app, session, local("2025-03-03T08:00:00+08:00"))

    with app.app_context():
        figures = load_monthly_figures(
            session, regency_id=office.regency.id, now=NOW, due_soon_days=14
        )
        board = dashboard(session, regency_id=office.regency.id, now=NOW, due_soon_days=14)
        assert figures.league == board.league
        assert figures.board.counts == board.counts
        assert figures.awaiting_verification == board.queue_total == 1
        assert figures.overdue[:20] == board.overdue
        assert len(figures.overdue) == board.counts[PactStatus.OVERDUE] == 23
        assert [o.rung for o in figures.overdue if o.pact.id == late.id] == [1]
        assert len(figures.due_soon) == board.counts[PactStatus.DUE_SOON] == 1
        with force_locale("id"):
            pdf = monthly_pdf(figures, generated_at=NOW)
        with force_locale("en"):
            english = _text(monthly_pdf(figures, generated_at=NOW))

    assert not outside(pdf, side_mm=20)
    text = _text(pdf)
    assert "Laporan bulanan" in text or "Maret 2025" in text
    assert "Tingkat 1 dari 3" in text  # the rung the outbox recorded, as the dashboard says it
    assert "Median hari penyelesaian" in text and "Peringkat" in text
    assert "Badan Pendapatan Daerah Uji" in text
    # The league table's method and its period, in the dashboard's words.
    assert "Rung 1 of 3: the regent's office and the Inspektorat" in english
    assert "Agencies ranked by open findings (the most first)" in english
    assert "It counts every finding recorded for the agencies' pacts from" in english
    assert "too few to rank" in english  # the pact's agency: 2 findings, below the sample


def test_a_superadmin_downloads_a_regencys_report_or_every_regencys(
    app: Flask, office: Office
) -> None:
    superadmin = client_of(app, office.superadmin)
    board = read_page(superadmin, f"/staf/?regency={office.x.slug}&lang=en")
    assert f'href="/staf/laporan-bulanan/?regency={office.x.slug}"' in board
    picked = superadmin.get(f"/staf/laporan-bulanan/?regency={office.x.slug}&lang=en")
    assert picked.status_code == 200 and picked.mimetype == "application/pdf"
    text = _text(picked.data)
    assert office.x.name.upper() in text and office.a.name in text
    assert office.y.name.upper() not in text
    every = superadmin.get("/staf/laporan-bulanan/?lang=en")
    assert every.status_code == 200
    assert "EVERY REGENCY" in _text(every.data)
    assert not outside(every.data, side_mm=20)
    assert superadmin.get("/staf/laporan-bulanan/?regency=no-such-place").status_code == 404
    # The regent's office reads its own regency's, never another's; OPD staff none.
    admin = client_of(app, office.admin_x)
    assert 'href="/staf/laporan-bulanan/"' in read_page(admin, "/staf/?lang=en")
    assert admin.get(f"/staf/laporan-bulanan/?regency={office.y.slug}").status_code == 404
    assert client_of(app, office.opd_a).get("/staf/laporan-bulanan/").status_code == 403
