"""Read models of the landing pages: a regency's overview and an agency's own work."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.findings.queries import (
    OpenFindingRow,
    QueueRow,
    count_verification_queue,
    list_open_findings,
    list_verification_queue,
)
from tracker.pacts.queries import PactRow, list_pacts, nearest_deadlines
from tracker.pacts.rules import PactStatus
from tracker.regencies.models import Regency

# Pacts whose deadline still lies ahead and whose findings are not all closed.


@dataclass(frozen=True)
class RegencyOverview:
    """The regent's office's landing page: pacts by status, the queue, the nearest deadlines."""

    regency: Regency
    pacts_total: int
    counts: dict[PactStatus, int]
    queue: list[QueueRow]
    queue_total: int
    nearest: list[PactRow]


@dataclass(frozen=True)
class AgencyOverview:
    """An OPD's landing page: its pacts and the findings it still has to close."""

    agency: Agency
    pacts: list[PactRow]
    open_findings: list[OpenFindingRow]


def regency_overview(
    session: Session,
    *,
    regency_id: int,
    now: datetime,
    due_soon_days: int,
    queue_limit: int = 10,
    nearest_limit: int = 10,
) -> RegencyOverview:
    """Count the regency's pacts by status; list its oldest submissions and nearest deadlines."""
    pacts = list_pacts(session, now=now, regency_id=regency_id, due_soon_days=due_soon_days)
    counts = Counter(p.status for p in pacts)
    return RegencyOverview(
        regency=session.get_one(Regency, regency_id),
        pacts_total=len(pacts),
        counts={status: counts.get(status, 0) for status in PactStatus},
        queue=list_verification_queue(session, regency_id=regency_id, now=now, limit=queue_limit),
        queue_total=count_verification_queue(session, regency_id=regency_id),
        nearest=nearest_deadlines(pacts, nearest_limit),
    )


def agency_overview(
    session: Session, *, agency_id: int, now: datetime, due_soon_days: int
) -> AgencyOverview:
    """List an agency's pacts (newest first) and its findings that are not closed."""
    return AgencyOverview(
        agency=session.get_one(Agency, agency_id),
        pacts=list_pacts(session, now=now, agency_id=agency_id, due_soon_days=due_soon_days),
        open_findings=list_open_findings(
            session, agency_id=agency_id, now=now, due_soon_days=due_soon_days
        ),
    )
