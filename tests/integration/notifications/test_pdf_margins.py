"""Every PDF the app makes keeps its text inside the page margins, with long names and titles.

The letters (escalation levels 1 to 3, each language) and the monthly report (attached to the
first digest of a month, and downloaded from /staf/laporan-bulanan) are read back with pypdf and
each character's box is checked against the 20 mm side margins and a 10 mm top and bottom.
"""

from __future__ import annotations

import io
from datetime import date

from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact
from tests.integration.auth_helpers import login
from tests.integration.notifications.sweep_helpers import local, make_office, run_sweep
from tests.pdf_layout import glyphs, outside
from tracker.clock import FixedClock
from tracker.findings.models import Finding
from tracker.findings.rules import FindingStatus
from tracker.notifications.models import Notification

LONG_AGENCY = (
    "Dinas Pemberdayaan Masyarakat dan Desa, Pengendalian Penduduk dan Keluarga Berencana, "
    "Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Sumbawa Barat"
)
LONG_TITLE = (
    "Belum tersedia jalur landai (ramp), pegangan tangan dan toilet yang dapat digunakan "
    "pengguna kursi roda di pintu masuk utama Mal Pelayanan Publik lantai dasar dan lantai dua"
)
LONG_SIGNATORY = (
    "Dr. Ir. Hj. Nurul Fitriyaningsih Wijayakusumaningrat-Panjaitan, S.T., M.Sc., M.Kes."
)
LONG_WORD = "Kepala" + "X" * 90  # a word wider than its column must be broken, not run off


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def _assert_inside(pdf: bytes, name: str) -> None:
    assert glyphs(pdf), f"{name}: no text found"
    stray = outside(pdf, side_mm=20)
    assert not stray, f"{name}: {len(stray)} characters outside the printable area:\n" + "\n".join(
        map(str, stray[:10])
    )


def test_escalation_letters_and_the_monthly_report_keep_every_character_inside_the_margins(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    recorded = local("2024-11-30T09:00:00+08:00")
    office = make_office(session, now=recorded)
    office.agency.name = LONG_AGENCY
    other = make_agency(session, regency=office.regency, now=recorded)
    other.name = LONG_AGENCY.replace("Dinas", "Badan")
    pact = make_pact(
        session,
        agency=office.agency,
        now=recorded,
        signed_on=date(2024, 11, 30),
        findings=8,
        signatory_name=LONG_SIGNATORY,
    )
    pact.signatory_title = LONG_WORD
    pact.pledge = "Menyelesaikan seluruh temuan Ombudsman dalam tiga bulan. " * 6
    make_pact(session, agency=other, now=recorded, signed_on=date(2025, 1, 20), findings=3)
    findings = list(session.scalars(select(Finding).where(Finding.pact_id == pact.id)))
    for number, finding in enumerate(findings):
        finding.title = f"{LONG_TITLE} ({number})"
    findings[0].status = FindingStatus.SUBMITTED
    findings[0].submitted_at = local("2025-03-03T10:00:00+08:00")
    session.flush()

    # Rung by rung (each in Indonesian and English); the first Mondays of March and April have
    # the month's first digest, with the monthly report attached. Rung 3 (Sunday 30 March) and
    # the digest of Monday 7 April (cuti bersama) wait for the end of the Idul Fitri closure.
    for when in (
        "2025-03-03T08:00:00+08:00",
        "2025-03-14T09:00:00+08:00",
        "2025-04-08T08:00:00+08:00",
    ):
        assert run_sweep(app, session, local(when)).errors == []
    made = session.scalars(
        select(Notification).where(
            Notification.regency_id == office.regency.id, Notification.attachment.is_not(None)
        )
    ).all()
    kinds = {n.kind for n in made}
    assert {"escalation-1", "escalation-2", "escalation-3", "digest"} <= kinds
    for notice in made:
        assert notice.attachment is not None
        _assert_inside(notice.attachment, f"{notice.key} ({notice.attachment_name})")
    letter = next(n for n in made if n.kind == "escalation-3" and n.lang == "id")
    assert letter.attachment is not None
    text = _text(letter.attachment)
    assert "Dinas Pemberdayaan Masyarakat dan Desa" in text
    assert "Wijayakusumaningrat" in text
    # Left-aligned: no line stretched with runs of spaces between its words.
    assert "  " not in PdfReader(io.BytesIO(letter.attachment)).pages[0].extract_text()

    digest = next(n for n in made if n.kind == "digest" and n.due_on == date(2025, 4, 7))
    assert digest.attachment is not None
    assert digest.attachment_name == "laporan-bulanan-2025-04.pdf"
    assert "laporan bulanan" in digest.body_text.lower() or "monthly report" in digest.body_text
    monthly = _text(digest.attachment)
    assert "Badan Pemberdayaan Masyarakat" in monthly

    # A later digest of the month carries no report.
    run_sweep(app, session, local("2025-04-14T08:00:00+08:00"))
    later = session.scalars(
        select(Notification).where(
            Notification.regency_id == office.regency.id,
            Notification.kind == "digest",
            Notification.due_on == date(2025, 4, 14),
        )
    ).all()
    assert later
    assert all(n.attachment is None for n in later)

    # On demand, from the staff area, as of the suite's clock.
    session.commit()
    client = app.test_client()
    login(client, office.admin)
    response = client.get("/staf/laporan-bulanan/")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    _assert_inside(response.data, "monthly report on demand")
    opd = app.test_client()
    login(opd, office.opd)
    assert opd.get("/staf/laporan-bulanan/").status_code == 403
