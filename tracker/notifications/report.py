"""The escalation report: a letter-style PDF attached to every escalation notice.

It names the regency, the agency, the signatory, the pledge, the deadline and the days overdue,
each open finding with its status and last evidence date, and the record of the notices sent
before (from the outbox: kind, date, recipients, state), which is the proof of notice.
Text is set in DejaVu Sans (vendored with its licence in ``fonts/``), so Indonesian names,
dashes and accented letters print as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import LazyString, format_date, gettext
from flask_babel import lazy_gettext as _l
from fpdf import FPDF, FontFace
from fpdf.enums import Align, XPos, YPos
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker import labels
from tracker.agencies.models import Agency
from tracker.clock import local_today
from tracker.findings.models import Evidence, Finding
from tracker.findings.rules import FindingStatus
from tracker.i18n import format_number, ngettext
from tracker.notifications.models import NoticeKind, Notification
from tracker.pacts.models import Pact
from tracker.pacts.queries import PactRow
from tracker.readmodels import from_row
from tracker.regencies.models import Regency

FONT_DIR = Path(__file__).parent / "fonts"
FONT = "DejaVu"

# The notices a report lists as sent before: the ladder's own, never a follower's mail.
HISTORY_KINDS: tuple[str, ...] = (
    NoticeKind.REMINDER_30D,
    NoticeKind.REMINDER_14D,
    NoticeKind.REMINDER_7D,
    NoticeKind.REMINDER_1D,
    NoticeKind.ESCALATION_1,
    NoticeKind.ESCALATION_2,
    NoticeKind.ESCALATION_3,
)

KIND_LABELS: dict[str, LazyString] = {
    NoticeKind.REMINDER_30D: _l("Reminder, 30 days before"),
    NoticeKind.REMINDER_14D: _l("Reminder, 14 days before"),
    NoticeKind.REMINDER_7D: _l("Reminder, 7 days before"),
    NoticeKind.REMINDER_1D: _l("Reminder, 1 day before"),
    NoticeKind.ESCALATION_1: _l("Escalation level 1"),
    NoticeKind.ESCALATION_2: _l("Escalation level 2"),
    NoticeKind.ESCALATION_3: _l("Escalation level 3"),
    NoticeKind.FULFILLED: _l("Fulfilment notice"),
    NoticeKind.DIGEST: _l("Weekly digest"),
}

STATE_LABELS: dict[str, LazyString] = {
    "pending": _l("Pending"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
}


@dataclass(frozen=True)
class OpenFinding:
    """A finding still open, with the local date of its last evidence."""

    id: int
    title: str
    code: str | None
    status: FindingStatus
    last_evidence_on: date | None


@dataclass(frozen=True)
class NoticeRecord:
    """One notice recorded in the outbox for the pact."""

    kind: str
    created_on: date
    recipients: tuple[str, ...]
    state: str


@dataclass(frozen=True)
class EscalationReport:
    """Everything the escalation letter prints."""

    pact_id: int
    rung: int
    today: date
    regency_name: str
    province: str
    agency_name: str
    signatory_name: str | None
    signatory_title: str
    signed_on: date | None
    pledge: str
    sanction: str | None
    original_deadline_on: date | None
    deadline_on: date | None
    days_overdue: int
    findings_total: int
    findings: tuple[OpenFinding, ...]
    history: tuple[NoticeRecord, ...]
    pact_url: str


def open_findings(session: Session, *, pact_id: int, tz: str) -> list[OpenFinding]:
    """List a pact's findings that are not closed, with their last evidence date (local)."""
    last = (
        select(Evidence.finding_id, func.max(Evidence.uploaded_at).label("last_at"))
        .group_by(Evidence.finding_id)
        .subquery()
    )
    rows = session.execute(
        select(Finding.id, Finding.title, Finding.code, Finding.status, last.c.last_at)
        .outerjoin(last, last.c.finding_id == Finding.id)
        # A finding that cannot be followed up is not open: never listed as a breach.
        .where(
            Finding.pact_id == pact_id,
            Finding.status.not_in((FindingStatus.CLOSED, FindingStatus.UNRESOLVABLE)),
        )
        .order_by(Finding.id)
    )
    zone = ZoneInfo(tz)
    return [
        OpenFinding(
            id=r.id,
            title=r.title,
            code=r.code,
            status=FindingStatus(r.status),
            last_evidence_on=local_today(r.last_at, zone) if r.last_at else None,
        )
        for r in rows
    ]


def notice_history(session: Session, *, pact_id: int, tz: str) -> list[NoticeRecord]:
    """List the reminders and escalations recorded for a pact, oldest first."""
    rows = session.execute(
        select(
            Notification.kind, Notification.created_at, Notification.recipients, Notification.state
        )
        .where(Notification.pact_id == pact_id, Notification.kind.in_(HISTORY_KINDS))
        .order_by(Notification.created_at, Notification.id)
    )
    zone = ZoneInfo(tz)
    return [
        NoticeRecord(
            kind=r.kind,
            created_on=local_today(r.created_at, zone),
            recipients=tuple(_address(item) for item in r.recipients or []),
            state=str(r.state),
        )
        for r in rows
    ]


def _address(item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    text = str(item.get("email", ""))
    if item.get("role") == "cc":
        text += " (cc)"
    if item.get("state") == "refused":
        text += " ✗"
    return text


def load_escalation_report(
    session: Session,
    *,
    pact: PactRow,
    rung: int,
    now: datetime,
    pact_url: str,
    findings: Sequence[OpenFinding] | None = None,
) -> EscalationReport:
    """Gather the letter's data for ``pact`` at ``now`` (dates in the regency's calendar)."""
    record = session.execute(
        select(Pact.pledge, Pact.sanction, Regency.province)
        .join(Agency, Pact.agency_id == Agency.id)
        .join(Regency, Agency.regency_id == Regency.id)
        .where(Pact.id == pact.id)
    ).one()
    tz = pact.regency_timezone
    today = local_today(now, ZoneInfo(tz))
    if findings is None:
        findings = open_findings(session, pact_id=pact.id, tz=tz)
    overdue = (today - pact.deadline_on).days if pact.deadline_on else 0
    return from_row(
        EscalationReport,
        pact,
        pact_id=pact.id,
        rung=rung,
        today=today,
        province=record.province,
        pledge=record.pledge,
        sanction=record.sanction,
        days_overdue=max(overdue, 0),
        findings=tuple(findings),
        history=tuple(notice_history(session, pact_id=pact.id, tz=tz)),
        pact_url=pact_url,
    )


def _para(pdf: FPDF, height: float, text: str, *, align: Align = Align.L) -> None:
    """Set ``text`` across the whole line width, wrapped, and go back to the left margin.

    Left-aligned unless told (fpdf2's default is justified, which stretched short lines), and
    every paragraph starts at the left margin: fpdf2 leaves the cursor at the right end of the
    last one, and the next then started beyond the right margin.
    """
    pdf.set_x(pdf.l_margin)
    pdf.multi_cell(pdf.epw, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _day(value: date | None) -> str:
    return str(format_date(value, "long")) if value else "—"


@dataclass(frozen=True)
class _Table:
    """A titled table of the letter: its columns (heading, width in mm) and its text when empty."""

    title: LazyString
    columns: tuple[tuple[str | LazyString, float], ...]
    empty: LazyString

    def typeset(self, pdf: FPDF, rows: Sequence[Sequence[str]]) -> None:
        """Print the title, then the headings and the rows (or the text for no rows)."""
        pdf.set_font(FONT, "B", 11)
        _para(pdf, 7, str(self.title))
        pdf.set_font(FONT, "", 9)
        if not rows:
            _para(pdf, 5, str(self.empty))
            return
        heading = FontFace(emphasis="BOLD", fill_color=(230, 232, 236))
        widths = [width for _, width in self.columns]
        with pdf.table(
            col_widths=widths,
            headings_style=heading,
            line_height=5,
            padding=1.5,
            text_align=Align.L,
        ) as t:
            for cells in ([str(text) for text, _ in self.columns], *rows):
                row = t.row()
                for text in cells:
                    row.cell(text)


_OPEN_FINDINGS = _Table(
    _l("Open findings"),
    (("#", 8), (_l("Finding"), 72), (_l("Status"), 30), (_l("Last evidence"), 30)),
    _l("None."),
)
_HISTORY = _Table(
    _l("Notices sent before"),
    ((_l("Date"), 26), (_l("Notice"), 36), (_l("Recipients"), 86), (_l("State"), 22)),
    _l("No notice was recorded before this one."),
)


class _Letter(FPDF):
    """A4 portrait, DejaVu Sans, page numbers in the footer."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-17)
        self.set_font(FONT, size=8)
        self.set_text_color(110)
        self.cell(0, 6, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


def new_letter(
    *,
    title: str,
    regency_name: str,
    subject: str,
    province: str,
    today: date,
    generated_at: datetime | None = None,
) -> _Letter:
    """Start an A4 letter of a regency: its fonts, metadata, margins and letterhead."""
    pdf = _Letter(format="A4")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    if generated_at is not None:
        # The file's date is the sweep's instant, not the wall clock: the same input, the same PDF.
        pdf.set_creation_date(generated_at)
    pdf.set_title(title)
    pdf.set_author(f"Pantau Pakta · {regency_name}")
    pdf.set_subject(subject)
    pdf.footer_text = f"Pantau Pakta · {regency_name}"
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(auto=True, margin=22)
    pdf.add_page()

    # Letterhead.
    pdf.set_font(FONT, "B", 13)
    _para(pdf, 7, regency_name.upper(), align=Align.C)
    pdf.set_font(FONT, "", 10)
    _para(pdf, 5, province, align=Align.C)
    pdf.set_draw_color(40)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y() + 2, pdf.l_margin + pdf.epw, pdf.get_y() + 2)
    pdf.ln(6)
    _para(pdf, 5, _day(today), align=Align.R)
    pdf.ln(2)
    return pdf


def escalation_pdf(report: EscalationReport, *, generated_at: datetime | None = None) -> bytes:
    """Typeset the escalation letter in the current locale and return the PDF's bytes."""
    title = gettext("Escalation report, level %(rung)s", rung=report.rung)
    pdf = new_letter(
        title=title,
        regency_name=report.regency_name,
        subject=gettext("Integrity pact of %(agency)s", agency=report.agency_name),
        province=report.province,
        today=report.today,
        generated_at=generated_at,
    )

    pdf.set_font(FONT, "B", 12)
    _para(pdf, 7, title)
    pdf.set_font(FONT, "", 10)
    _para(
        pdf,
        5,
        ngettext(
            "The integrity pact of %(agency)s is %(num)s day past its deadline, "
            "and %(open)s of its %(total)s findings are still open.",
            "The integrity pact of %(agency)s is %(num)s days past its deadline, "
            "and %(open)s of its %(total)s findings are still open.",
            report.days_overdue,
            agency=report.agency_name,
            open=format_number(len(report.findings)),
            total=format_number(report.findings_total),
        ),
    )
    pdf.ln(3)

    deadline = _day(report.deadline_on)
    if report.original_deadline_on and report.original_deadline_on != report.deadline_on:
        deadline += " " + gettext(
            "(extended from %(date)s)", date=_day(report.original_deadline_on)
        )
    signatory = report.signatory_name or gettext("Name not given in the source")
    facts: list[tuple[str, str]] = [
        (gettext("Regency"), report.regency_name),
        (gettext("Agency"), report.agency_name),
        (gettext("Signatory"), f"{signatory}, {report.signatory_title}"),
        (gettext("Signed"), _day(report.signed_on)),
        (gettext("Pledge"), report.pledge),
    ]
    if report.sanction:
        facts.append((gettext("Sanction"), report.sanction))
    facts += [
        (gettext("Deadline"), deadline),
        (gettext("Days overdue"), format_number(report.days_overdue)),
        (
            gettext("Open findings"),
            gettext(
                "%(open)s of %(total)s",
                open=format_number(len(report.findings)),
                total=format_number(report.findings_total),
            ),
        ),
    ]
    bold = FontFace(emphasis="BOLD")
    with pdf.table(
        col_widths=(32, 88),
        first_row_as_headings=False,
        borders_layout="NONE",
        line_height=5.5,
        text_align=Align.L,
        padding=(1, 2, 1, 0),
    ) as table:
        for label, value in facts:
            row = table.row()
            row.cell(label, style=bold)
            row.cell(value)
    pdf.ln(4)

    _OPEN_FINDINGS.typeset(
        pdf,
        [
            (
                str(number),
                finding.title,
                str(labels.FINDING_STATUS[finding.status]),
                _day(finding.last_evidence_on),
            )
            for number, finding in enumerate(report.findings, start=1)
        ],
    )
    pdf.ln(4)

    _HISTORY.typeset(
        pdf,
        [
            (
                _day(notice.created_on),
                labels.label_or_key(KIND_LABELS, notice.kind),
                ", ".join(notice.recipients) or "—",
                labels.label_or_key(STATE_LABELS, notice.state),
            )
            for notice in report.history
        ],
    )
    pdf.ln(5)

    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(90)
    _para(
        pdf,
        4,
        gettext(
            "Prepared by Pantau Pakta from its outbox, the record of every notice sent. "
            "The pact: %(url)s",
            url=report.pact_url,
        ),
    )
    return bytes(pdf.output())


def attachment_name(pact_id: int, rung: int) -> str:
    """Return the file name of the report attached to escalation ``rung`` of a pact."""
    return f"eskalasi-{rung}-pakta-{pact_id}.pdf"
