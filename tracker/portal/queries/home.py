"""The home page: every regency with its pacts by status, the nearest and most overdue deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, and_, func, select
from sqlalchemy.orm import Session

from tracker.assessments.models import Assessment
from tracker.assessments.queries import ResultView, result_view
from tracker.assessments.services import scheme_specs
from tracker.pacts import queries as pact_queries
from tracker.pacts.queries import PactRow
from tracker.pacts.rules import PactStatus
from tracker.readmodels import from_row
from tracker.regencies.models import Regency


@dataclass(frozen=True)
class RegencySummary:
    """A regency on the home page: its pacts by status and its latest assessment."""

    slug: str
    name: str
    province: str
    total: int
    counts: dict[PactStatus, int]
    latest: ResultView | None


@dataclass(frozen=True)
class RegencyName:
    """A regency as the home page's filter offers it."""

    slug: str
    name: str


# Regency cards on the home page: every regency of a province's install; for the country, those
# with the most overdue pacts (the filter below them offers every regency).
HOME_CARDS = 24


@dataclass(frozen=True)
class HomeOverview:
    """The home page: regencies, the nearest deadlines, the most overdue."""

    # Every regency (the filter's choices), and the cards shown: all of them, or the
    # HOME_CARDS with the most overdue pacts when there are more.
    regencies: list[RegencyName]
    cards: list[RegencySummary]
    nearest: list[PactRow]
    most_overdue: list[PactRow]


def home_overview(
    session: Session, *, now: datetime, due_soon_days: int, limit: int = 5
) -> HomeOverview:
    """Summarise every regency and pick the nearest and the most overdue deadlines.

    Read in SQL from the pacts' stored facts, whatever the size of the country: the regencies,
    their pacts counted by status (one grouped statement over the pacts, no finding read), the
    pacts nearest their deadline and the longest overdue (a few rows each, by the deadline
    index), the latest assessment of each regency, the schemes.
    """
    regencies = list(
        session.execute(
            select(Regency.id, Regency.slug, Regency.name, Regency.province).order_by(
                Regency.name, Regency.id
            )
        )
    )
    counts = pact_queries.status_counts(session, now=now, due_soon_days=due_soon_days)
    shown = regencies
    if len(regencies) > HOME_CARDS:

        def overdue_of(r: Row[int, str, str, str]) -> int:
            return counts.get(r.id, {}).get(PactStatus.OVERDUE, 0)

        top = sorted(regencies, key=lambda r: (-overdue_of(r), r.name, r.id))[:HOME_CARDS]
        shown = sorted(top, key=lambda r: (r.name, r.id))
    latest_year = (
        select(Assessment.regency_id, func.max(Assessment.year).label("year"))
        .group_by(Assessment.regency_id)
        .subquery()
    )
    latest = {
        a.regency_id: a
        for a in session.execute(
            select(Assessment)
            .join(
                latest_year,
                and_(
                    latest_year.c.regency_id == Assessment.regency_id,
                    latest_year.c.year == Assessment.year,
                ),
            )
            .where(Assessment.regency_id.in_([r.id for r in shown]))
        ).scalars()
    }
    specs = scheme_specs(session) if latest else []
    summaries = []
    for r in shown:
        by_status = counts.get(r.id, {})
        a = latest.get(r.id)
        summaries.append(
            from_row(
                RegencySummary,
                r,
                total=sum(by_status.values()),
                counts={s: by_status.get(s, 0) for s in PactStatus},
                latest=result_view(a, specs) if a else None,
            )
        )
    nearest, overdue = pact_queries.deadline_extremes(
        session, now=now, due_soon_days=due_soon_days, limit=limit
    )
    return HomeOverview(
        regencies=[RegencyName(r.slug, r.name) for r in regencies],
        cards=summaries,
        nearest=nearest,
        most_overdue=overdue,
    )
