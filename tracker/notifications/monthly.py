"""The monthly report for the regent: the dashboard's figures of a regency as a letter-style PDF.

It is attached to the first digest of each month (the digest whose Monday falls in the month's
first seven days) and downloadable on demand from the staff area (/staf/laporan-bulanan). It
shows, as of the day it is made: how many pacts are overdue and due soon (each listed), how many
findings await verification, and each agency's open findings and overdue pacts.

The figures come from the same read models as the regency's overview (``list_pacts``,
``count_verification_queue``). Seam: when the dashboard's own figures
(``tracker.dashboard.queries``) grow a per-agency league table, ``load_monthly_figures`` should
take them from there rather than count them here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.clock import local_today
from tracker.findings.queries import count_verification_queue
from tracker.i18n import format_number
from tracker.notifications.report import FONT, _day, _Letter, _para, _Table, new_letter
from tracker.pacts.queries import PactRow, list_pacts
from tracker.pacts.rules import PactStatus
from tracker.regencies.models import Regency


@dataclass(frozen=True)
class AgencyFigures:
    """One agency's line of the report."""

    name: str
    pacts: int
    open_findings: int
    overdue_pacts: int


@dataclass(frozen=True)
class MonthlyFigures:
    """Everything the monthly report prints."""

    regency_name: str
    province: str
    today: date
    pacts_total: int
    overdue: tuple[PactRow, ...]
    due_soon: tuple[PactRow, ...]
    due_soon_days: int
    awaiting_verification: int
    agencies: tuple[AgencyFigures, ...]


def is_first_digest_of_month(monday: date) -> bool:
    """Tell whether the weekly digest of ``monday`` is the first of its month."""
    return monday.day <= 7


def load_monthly_figures(
    session: Session, *, regency_id: int, now: datetime, due_soon_days: int
) -> MonthlyFigures:
    """Read a regency's figures as the overview shows them at ``now``."""
    regency = session.get_one(Regency, regency_id)
    pacts = list_pacts(session, now=now, regency_id=regency_id, due_soon_days=due_soon_days)
    by_days = sorted(pacts, key=lambda r: (r.days_left if r.days_left is not None else 0, r.id))
    per_agency: dict[int, list[PactRow]] = defaultdict(list)
    for row in pacts:
        per_agency[row.agency_id].append(row)
    agencies = [
        AgencyFigures(
            name=name,
            pacts=len(per_agency[agency_id]),
            open_findings=sum(r.findings_open for r in per_agency[agency_id]),
            overdue_pacts=sum(r.status is PactStatus.OVERDUE for r in per_agency[agency_id]),
        )
        for agency_id, name in session.execute(
            select(Agency.id, Agency.name).where(Agency.regency_id == regency_id)
        )
    ]
    agencies.sort(key=lambda a: (-a.open_findings, -a.overdue_pacts, a.name))
    return MonthlyFigures(
        regency_name=regency.name,
        province=regency.province,
        today=local_today(now, ZoneInfo(regency.timezone)),
        pacts_total=len(pacts),
        overdue=tuple(r for r in by_days if r.status is PactStatus.OVERDUE),
        due_soon=tuple(r for r in by_days if r.status is PactStatus.DUE_SOON),
        due_soon_days=due_soon_days,
        awaiting_verification=count_verification_queue(session, regency_id=regency_id),
        agencies=tuple(a for a in agencies if a.pacts),
    )


_OVERDUE = _Table(
    _l("Overdue pacts"),
    ((_l("Agency"), 70), (_l("Deadline"), 36), (_l("Days overdue"), 30), (_l("Open findings"), 34)),
    _l("None."),
)
_DUE_SOON = _Table(
    _l("Pacts due soon"),
    ((_l("Agency"), 70), (_l("Deadline"), 36), (_l("Days left"), 30), (_l("Open findings"), 34)),
    _l("None."),
)
_AGENCIES = _Table(
    _l("Open findings by agency"),
    ((_l("Agency"), 94), (_l("Pacts"), 22), (_l("Overdue"), 26), (_l("Open findings"), 28)),
    _l("None."),
)


def month_name(day: date) -> str:
    """The month of ``day`` in words, e.g. "Maret 2025"."""
    return str(format_date(day, "MMMM y"))


def monthly_pdf(figures: MonthlyFigures, *, generated_at: datetime | None = None) -> bytes:
    """Typeset the monthly report in the current locale and return the PDF's bytes."""
    title = gettext("Monthly report, %(month)s", month=month_name(figures.today))
    pdf: _Letter = new_letter(
        title=title,
        regency_name=figures.regency_name,
        subject=gettext("Integrity pacts of %(regency)s", regency=figures.regency_name),
        generated_at=generated_at,
        province=figures.province,
        today=figures.today,
    )
    pdf.set_font(FONT, "B", 12)
    _para(pdf, 7, title)
    pdf.set_font(FONT, "", 10)
    lines = [
        gettext("Pacts recorded: %(num)s", num=format_number(figures.pacts_total)),
        gettext("Overdue: %(num)s", num=format_number(len(figures.overdue))),
        gettext(
            "Due within %(days)s days: %(num)s",
            days=format_number(figures.due_soon_days),
            num=format_number(len(figures.due_soon)),
        ),
        gettext(
            "Findings awaiting verification: %(num)s",
            num=format_number(figures.awaiting_verification),
        ),
    ]
    for line in lines:
        _para(pdf, 5.5, line)
    pdf.ln(4)
    _OVERDUE.typeset(
        pdf,
        [
            (
                r.agency_name,
                _day(r.deadline_on),
                format_number(-(r.days_left or 0)),
                format_number(r.findings_open),
            )
            for r in figures.overdue
        ],
    )
    pdf.ln(4)
    _DUE_SOON.typeset(
        pdf,
        [
            (
                r.agency_name,
                _day(r.deadline_on),
                format_number(r.days_left or 0),
                format_number(r.findings_open),
            )
            for r in figures.due_soon
        ],
    )
    pdf.ln(4)
    _AGENCIES.typeset(
        pdf,
        [
            (
                a.name,
                format_number(a.pacts),
                format_number(a.overdue_pacts),
                format_number(a.open_findings),
            )
            for a in figures.agencies
        ],
    )
    pdf.ln(5)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(90)
    _para(
        pdf,
        4,
        gettext(
            "Prepared by Pantau Pakta on %(date)s from the figures of the regency's overview.",
            date=_day(figures.today),
        ),
    )
    return bytes(pdf.output())


def attachment_name(today: date) -> str:
    """Return the file name of the monthly report made on ``today``."""
    return f"laporan-bulanan-{today:%Y-%m}.pdf"
