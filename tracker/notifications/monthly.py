"""The monthly report for the regent: the dashboard's figures of a regency as a letter-style PDF.

It is attached to the first digest of each month (the digest whose Monday falls in the month's
first seven days) and downloadable on demand from the staff area (/staf/laporan-bulanan; a
superadmin picks a regency with ?regency=<slug>, or reads every regency at once). It shows, as
of the day it is made, what the dashboard shows: the pacts by status, every overdue pact with
its days overdue and the escalation rung it reached, the pacts due soon, how many findings
await verification, and the agencies' league table with its method.

Every figure is read by the dashboard's own queries (``tracker.dashboard.queries.dashboard``):
one rule in one place, so the report and the page can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date, gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from tracker.dashboard.queries import Dashboard, League, OverdueRow, dashboard
from tracker.i18n import format_number
from tracker.notifications.report import FONT, _day, _Letter, _para, _Table, new_letter
from tracker.pacts.queries import PactRow
from tracker.pacts.rules import PactStatus


@dataclass(frozen=True)
class MonthlyFigures:
    """Everything the monthly report prints: the dashboard of a regency (None: every regency)."""

    board: Dashboard
    due_soon_days: int

    @property
    def regency_name(self) -> str:
        """The regency's name, or "every regency" in the current language."""
        return self.board.regency.name if self.board.regency else str(gettext("Every regency"))

    @property
    def province(self) -> str:
        """The regency's province (nothing for every regency)."""
        return self.board.regency.province if self.board.regency else ""

    @property
    def today(self) -> date:
        """The regency's local date the figures are of."""
        return self.board.today

    @property
    def pacts_total(self) -> int:
        """How many pacts the regency has recorded."""
        return self.board.pacts_total

    @property
    def overdue(self) -> list[OverdueRow]:
        """Every overdue pact, the longest overdue first."""
        return self.board.overdue

    @property
    def due_soon(self) -> list[PactRow]:
        """Every pact due within ``due_soon_days``, the soonest first."""
        return self.board.due_soon

    @property
    def awaiting_verification(self) -> int:
        """How many findings wait for verification."""
        return self.board.queue_total

    @property
    def league(self) -> League:
        """The agencies' league table."""
        return self.board.league


def is_first_digest_of_month(monday: date) -> bool:
    """Tell whether the weekly digest of ``monday`` is the first of its month."""
    return monday.day <= 7


def load_monthly_figures(
    session: Session, *, regency_id: int | None, now: datetime, due_soon_days: int
) -> MonthlyFigures:
    """Read a regency's figures (None: every regency's) as the dashboard shows them at ``now``,
    every overdue and due-soon pact listed (the page shows the first twenty)."""
    board = dashboard(
        session,
        regency_id=regency_id,
        now=now,
        due_soon_days=due_soon_days,
        queue_limit=0,
        list_limit=None,
    )
    return MonthlyFigures(board=board, due_soon_days=due_soon_days)


_OVERDUE = _Table(
    _l("Overdue pacts"),
    (
        (_l("Agency"), 52),
        (_l("Deadline"), 32),
        (_l("Days overdue"), 24),
        (_l("Escalation"), 38),
        (_l("Open findings"), 24),
    ),
    _l("None."),
)
_DUE_SOON = _Table(
    _l("Pacts due soon"),
    ((_l("Agency"), 70), (_l("Deadline"), 36), (_l("Days left"), 30), (_l("Open findings"), 34)),
    _l("None."),
)
_LEAGUE = _Table(
    _l("Agencies by open findings"),
    (
        (_l("Rank"), 24),
        (_l("Agency"), 62),
        (_l("Open findings"), 26),
        (_l("Days overdue"), 24),
        (_l("Median days to close"), 34),
    ),
    _l("None."),
)


def _agency(row: PactRow, every_regency: bool) -> str:
    return f"{row.agency_name} ({row.regency_name})" if every_regency else row.agency_name


def _rung(rung: int | None) -> str:
    """The escalation rung a pact reached, as the dashboard says it."""
    if not rung:
        return str(gettext("none sent yet"))
    who = {
        1: gettext("the regent's office and the Inspektorat"),
        2: gettext("the Sekda"),
    }.get(rung, gettext("the Bupati"))
    return str(gettext("Rung %(rung)s of 3: %(who)s", rung=rung, who=who))


def _league_method(league: League) -> list[str]:
    """The league table's method, in the dashboard's words."""
    lines = [
        gettext(
            "Agencies ranked by open findings (the most first), then by the days their "
            "longest-overdue pact is past its deadline."
        ),
        gettext(
            "It counts every finding recorded for the agencies' pacts from %(start)s to "
            "%(end)s: %(findings)s findings of %(agencies)s agencies, %(closed)s of them closed.",
            start=_day(league.period_start),
            end=_day(league.period_end),
            findings=format_number(league.findings_total),
            agencies=format_number(league.agencies_total),
            closed=format_number(league.findings_closed),
        ),
        gettext(
            "Median days to close runs from the pact's signing to the day the finding was "
            "closed. An agency with fewer than %(n)s findings gets no rank, and fewer than "
            "%(n)s closed findings give no median: too few to rank.",
            n=league.min_sample,
        ),
    ]
    if league.demo_pacts:
        lines.append(
            ngettext(
                "%(num)s of the %(total)s pacts counted is an invented demo record.",
                "%(num)s of the %(total)s pacts counted are invented demo records.",
                league.demo_pacts,
                num=format_number(league.demo_pacts),
                total=format_number(league.pacts_total),
            )
        )
    return lines


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
    every_regency = figures.board.regency is None
    counts = figures.board.counts
    lines = [
        gettext("Pacts recorded: %(num)s", num=format_number(figures.pacts_total)),
        gettext("Overdue: %(num)s", num=format_number(counts[PactStatus.OVERDUE])),
        gettext(
            "Due within %(days)s days: %(num)s",
            days=format_number(figures.due_soon_days),
            num=format_number(counts[PactStatus.DUE_SOON]),
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
                _agency(o.pact, every_regency),
                _day(o.pact.deadline_on),
                format_number(o.days_overdue),
                _rung(o.rung),
                format_number(o.pact.findings_open),
            )
            for o in figures.overdue
        ],
    )
    pdf.ln(4)
    _DUE_SOON.typeset(
        pdf,
        [
            (
                _agency(r, every_regency),
                _day(r.deadline_on),
                format_number(r.days_left or 0),
                format_number(r.findings_open),
            )
            for r in figures.due_soon
        ],
    )
    pdf.ln(4)
    league = figures.league
    _LEAGUE.typeset(
        pdf,
        [
            (
                format_number(r.rank) if r.rank else gettext("too few to rank"),
                f"{r.agency_name} ({r.regency_name})" if every_regency else r.agency_name,
                f"{format_number(r.findings_open)} / {format_number(r.findings_total)}",
                format_number(r.days_overdue),
                (
                    gettext("too few to rank")
                    if r.median_days_to_close is None
                    else format_number(r.median_days_to_close)
                ),
            )
            for r in league.rows
        ],
    )
    pdf.set_font(FONT, "", 8)
    for line in _league_method(league):
        _para(pdf, 4, line)
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
