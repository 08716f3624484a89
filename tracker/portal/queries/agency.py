"""The public page of an agency: its pacts over the years and its unit scores."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.assessments.models import UnitResult
from tracker.assessments.queries import ResultView, unit_results
from tracker.errors import NotFound
from tracker.pacts import queries as pact_queries
from tracker.pacts.queries import PactFilter, PactRow
from tracker.readmodels import from_row, prefixed
from tracker.regencies.models import Regency


@dataclass(frozen=True)
class AgencyPage:
    """Everything the public page of an agency shows."""

    id: int
    name: str
    kind: str
    is_demo: bool
    regency_slug: str
    regency_name: str
    pacts_by_year: list[tuple[int | None, list[PactRow]]]
    unit_scores: list[ResultView]
    # The pacts as the page's filter keeps and orders them (every pact, newest first, without).
    pacts: list[PactRow]


def agency_page(
    session: Session,
    *,
    agency_id: int,
    now: datetime,
    due_soon_days: int,
    where: PactFilter | None = None,
) -> AgencyPage:
    """Return an agency's pacts over the years and its unit scores; raise NotFound.

    ``where`` (the page's filter, its agency fixed) keeps and orders the pacts.
    """
    agency = session.execute(
        select(
            Agency.id,
            Agency.name,
            Agency.kind,
            Agency.is_demo,
            *prefixed("regency", Regency.slug, Regency.name),
        )
        .join(Regency, Agency.regency_id == Regency.id)
        .where(Agency.id == agency_id)
    ).first()
    if agency is None:
        raise NotFound(_l("There is no agency with id %(id)s.", id=agency_id))
    criteria = (where or PactFilter()).criteria() | {"agency_id": agency_id}
    rows = pact_queries.list_pacts(session, now=now, due_soon_days=due_soon_days, **criteria)
    years: dict[int | None, list[PactRow]] = defaultdict(list)
    for row in rows:
        years[row.signed_on.year if row.signed_on else None].append(row)
    # Newest year first; pacts with no known signing date last.
    order = sorted(years, key=lambda y: (y is None, -(y or 0)))
    return from_row(
        AgencyPage,
        agency,
        pacts_by_year=[(y, years[y]) for y in order],
        unit_scores=[r for _, r in unit_results(session, UnitResult.agency_id == agency_id)],
        pacts=rows,
    )
