"""The home page: every regency with its pacts by status, the nearest and most overdue deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
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
class HomeOverview:
    """The home page: regencies, the nearest deadlines, the most overdue."""

    regencies: list[RegencySummary]
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
    latest_year = (
        select(Assessment.regency_id, func.max(Assessment.year).label("year"))
        .group_by(Assessment.regency_id)
        .subquery()
    )
    latest = {
        a.regency_id: a
        for a in session.execute(
            select(Assessment).join(
                latest_year,
                and_(
                    latest_year.c.regency_id == Assessment.regency_id,
                    latest_year.c.year == Assessment.year,
                ),
            )
        ).scalars()
    }
    specs = scheme_specs(session) if latest else []
    summaries = []
    for r in regencies:
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
    return HomeOverview(regencies=summaries, nearest=nearest, most_overdue=overdue)
