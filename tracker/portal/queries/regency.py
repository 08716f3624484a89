"""The public page of a regency: its pacts by agency, its assessments, its verification speed."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.assessments.queries import NoteView, ResultView, regency_notes, regency_results
from tracker.audit.models import AuditEvent
from tracker.clock import local_today
from tracker.errors import NotFound
from tracker.findings.models import Finding
from tracker.pacts import queries as pact_queries
from tracker.pacts.models import Pact
from tracker.pacts.queries import PactFilter, PactRow
from tracker.pacts.rules import PactStatus
from tracker.readmodels import from_row
from tracker.regencies.models import Regency
from tracker.workdays.rules import working_days_between
from tracker.workdays.services import closed_days

_DECISIONS = ("finding.approved", "finding.returned")


@dataclass(frozen=True)
class AgencyPacts:
    """One agency's pacts on the regency page."""

    agency_id: int
    agency_name: str
    pacts: list[PactRow]


@dataclass(frozen=True)
class VerificationSpeed:
    """How long the regent's office takes to decide on a submitted finding, in working days."""

    decisions: int
    median_days: float | None
    # Decisions on findings of invented demo pacts: the page says how many of them it counts.
    demo_decisions: int = 0


@dataclass(frozen=True)
class RegencyPage:
    """Everything the public page of a regency shows."""

    id: int
    slug: str
    name: str
    province: str
    timezone: str
    today: date
    counts: dict[PactStatus, int]
    total: int
    years: list[int]
    pacts: list[PactRow]
    assessments: list[ResultView]
    verification: VerificationSpeed
    # The notes the source gives in general, with whom they apply to (not each agency's own).
    notes: list[NoteView]
    # The pacts the page's filter keeps, in its order (None without a filter to apply).
    listed: list[PactRow] | None = None


def median_verification_days(durations: Sequence[float]) -> float | None:
    """Return the median of decision times in days, to one decimal, or None without any."""
    if not durations:
        return None
    return round(statistics.median(durations), 1)


def verification_speed(
    session: Session, *, regency_id: int, timezone: str = "Asia/Jakarta"
) -> VerificationSpeed:
    """Measure each decision from the submission it answers, in working days (DOMAIN.md 6).

    Only the hours of working days in the regency's zone count: a finding submitted on Friday
    afternoon and decided on Monday morning waited hours, not three days; Idul Fitri's week
    counts nothing (tracker.workdays.rules.working_days_between).

    A finding may be submitted, returned and submitted again: every decision is paired with
    the latest submission of the same finding before it (finding.submitted_at only keeps the
    last one, so the audit trail is the record to read).
    """
    events = session.execute(
        select(AuditEvent.target_id, AuditEvent.action, AuditEvent.at, Pact.is_demo)
        .outerjoin(Finding, Finding.id == AuditEvent.target_id)
        .outerjoin(Pact, Pact.id == Finding.pact_id)
        .where(
            AuditEvent.regency_id == regency_id,
            AuditEvent.target_type == "finding",
            AuditEvent.action.in_(("finding.submitted", *_DECISIONS)),
        )
        .order_by(AuditEvent.target_id, AuditEvent.at, AuditEvent.id)
    )
    closed = closed_days(session)
    pending: dict[int, datetime] = {}
    durations: list[float] = []
    demo = 0
    for finding_id, action, at, is_demo in events:
        if action == "finding.submitted":
            pending[finding_id] = at
        elif finding_id in pending:
            submitted = pending.pop(finding_id)
            durations.append(working_days_between(submitted, at, timezone, closed))
            demo += bool(is_demo)
    return VerificationSpeed(len(durations), median_verification_days(durations), demo)


def by_agency(rows: Iterable[PactRow]) -> list[AgencyPacts]:
    """Group pact rows by agency, in the order the agencies first appear."""
    groups: dict[int, list[PactRow]] = defaultdict(list)
    names: dict[int, str] = {}
    for row in rows:
        groups[row.agency_id].append(row)
        names[row.agency_id] = row.agency_name
    return [AgencyPacts(i, names[i], groups[i]) for i in groups]


def regency_page(
    session: Session,
    *,
    slug: str,
    now: datetime,
    due_soon_days: int,
    where: PactFilter | None = None,
) -> RegencyPage:
    """Return a regency's public page: every pact, its assessments and verification speed, and
    the pacts ``where`` (the list's filter, its regency aside) keeps, read with every pact."""
    regency = session.execute(
        select(Regency.id, Regency.slug, Regency.name, Regency.province, Regency.timezone).where(
            Regency.slug == slug
        )
    ).first()
    if regency is None:
        raise NotFound(_l("There is no regency %(slug)s.", slug=slug))
    listed = None
    if where is None:
        rows = pact_queries.list_pacts(
            session, now=now, regency_id=regency.id, due_soon_days=due_soon_days
        )
    else:
        rows, listed = pact_queries.list_and_keep(
            session,
            now=now,
            due_soon_days=due_soon_days,
            regency_id=regency.id,
            where=replace(where, regency_id=regency.id, regency_slug=regency.slug),
        )
    counts = Counter(r.status for r in rows)
    return from_row(
        RegencyPage,
        regency,
        today=local_today(now, ZoneInfo(regency.timezone)),
        counts={s: counts.get(s, 0) for s in PactStatus},
        total=len(rows),
        years=sorted({r.signed_on.year for r in rows if r.signed_on}, reverse=True),
        pacts=rows,
        assessments=regency_results(session, regency.id),
        notes=regency_notes(session, regency.id),
        verification=verification_speed(session, regency_id=regency.id, timezone=regency.timezone),
        listed=listed,
    )
