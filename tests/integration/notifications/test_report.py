"""The escalation report opens as a PDF and names the pact, its open findings, the notices sent."""

from __future__ import annotations

import io
from datetime import date

from flask import Flask
from flask_babel import force_locale, gettext, ngettext
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.notifications.sweep_helpers import local, make_office, run_sweep
from tracker.clock import FixedClock
from tracker.findings.models import Evidence, Finding
from tracker.findings.rules import EvidenceKind, FindingStatus
from tracker.notifications.models import Notification

TITLES = [
    "Belum ada jalur landai (ramp) bagi pengguna kursi roda di pintu masuk utama",
    "Maklumat pelayanan “janji layanan” belum dipajang — ruang tunggu lantai 2",
    "Ruang laktasi & pojok bermain anak belum tersedia (Puskesmas Taliwang)",
]


def text_of(pdf: bytes) -> str:
    """Return the PDF's text with whitespace collapsed (table cells wrap their lines)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def test_escalation_report_names_the_pact_every_open_finding_and_the_notices_sent_before(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    recorded = local("2024-11-30T09:00:00+08:00")
    office = make_office(session, now=recorded)
    office.agency.name = "Dinas Kesehatan, Pengendalian Penduduk & KB"
    pact = make_pact(
        session,
        agency=office.agency,
        now=recorded,
        signed_on=date(2024, 11, 30),
        findings=4,
        signatory_name="dr. Hélène Sitompul, M.Kes.",
    )
    pact.pledge = "Menyelesaikan seluruh temuan Ombudsman dalam tiga bulan atau mengundurkan diri."
    findings = list(session.scalars(select(Finding).where(Finding.pact_id == pact.id)))
    for finding, title in zip(
        findings, [*TITLES, "Papan alur pelayanan sudah dipasang"], strict=True
    ):
        finding.title = title
    findings[1].status = FindingStatus.SUBMITTED
    session.add(
        Evidence(
            finding_id=findings[1].id,
            kind=EvidenceKind.LINK,
            caption="Foto maklumat",
            url="https://example.org/foto.jpg",
            uploaded_at=local("2025-02-20T15:00:00+08:00"),
        )
    )
    findings[3].status = FindingStatus.CLOSED
    findings[3].closed_at = local("2025-01-10T10:00:00+08:00")
    session.flush()

    # reminder-30d: due on 29 January (Imlek), sent on the next working day
    run_sweep(app, session, local("2025-01-30T08:00:00+08:00"))
    run_sweep(app, session, local("2025-02-14T08:00:00+08:00"))  # reminder-14d
    report = run_sweep(app, session, local("2025-03-14T09:00:00+08:00"))  # rungs 1 and 2
    assert report.errors == []

    def notice(key: str) -> Notification:
        return session.scalars(select(Notification).where(Notification.key == key)).one()

    second = notice(f"escalation-2:pact:{pact.id}:2025-02-28")
    assert second.attachment_name == f"eskalasi-2-pakta-{pact.id}.pdf"
    assert second.attachment is not None
    text = text_of(second.attachment)
    with app.app_context(), force_locale("id"):
        # Catalogue strings as the Indonesian reader gets them (English until translated).
        summary = ngettext(
            "The integrity pact of %(agency)s is %(num)s day past its deadline, "
            "and %(open)s of its %(total)s findings are still open.",
            "The integrity pact of %(agency)s is %(num)s days past its deadline, "
            "and %(open)s of its %(total)s findings are still open.",
            14,
            agency=office.agency.name,
            open=3,
            total=4,
        )
        level_1 = gettext("Escalation report, level %(rung)s", rung=1)
    for expected in [
        office.regency.name.upper(),
        "Dinas Kesehatan, Pengendalian Penduduk & KB",
        "dr. Hélène Sitompul, M.Kes., Kepala Dinas Uji",
        "30 November 2024",
        pact.pledge,
        "28 Februari 2025",  # the deadline, in the regency's calendar and Indonesian
        summary,
        *TITLES,
        "20 Februari 2025",  # the last evidence of the submitted finding
        "30 Januari 2025",  # the reminders sent before, from the outbox
        "14 Februari 2025",
        office.opd.email,
        "kepala.dinas@uji.go.id",
        office.contacts[1].email,  # rung 1, written a moment earlier in the same sweep
    ]:
        assert expected in text, expected
    assert "Papan alur pelayanan sudah dipasang" not in text  # closed: not an open finding
    assert len(PdfReader(io.BytesIO(second.attachment)).pages) >= 1

    # The Sekda reads English: the same letter in English, attached to the English copy.
    english = notice(f"escalation-2:pact:{pact.id}:2025-02-28:en")
    assert english.attachment is not None
    english_text = text_of(english.attachment)
    for expected in ["February 28, 2025", "Days overdue", "Notices sent before", *TITLES]:
        assert expected in english_text, expected

    first = notice(f"escalation-1:pact:{pact.id}:2025-02-28")
    assert first.attachment is not None
    first_text = text_of(first.attachment)
    assert level_1 in first_text
    assert office.contacts[1].email not in first_text  # nothing of rung 1 was sent before it
