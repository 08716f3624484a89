"""Read models of findings for staff pages: the verification queue, open work, one finding."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, case, false, func, select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.audit.queries import TimelineEntry, finding_timeline
from tracker.auth import policy
from tracker.auth.models import User
from tracker.clock import local_today
from tracker.errors import NotFound
from tracker.findings.models import Evidence, Finding, Review
from tracker.findings.rules import (
    EvidenceKind,
    FindingCategory,
    FindingStatus,
    ReviewDecision,
)
from tracker.pacts.models import Pact
from tracker.pacts.queries import PactRow, get_pact, list_pacts
from tracker.readmodels import from_row, prefixed
from tracker.regencies.models import Regency
from tracker.sorting import Sort, matches, ordered, sort_rows


@dataclass(frozen=True)
class QueueRow:
    """A finding awaiting verification, with how long it has waited."""

    finding_id: int
    title: str
    code: str | None
    category: FindingCategory
    agency_id: int
    agency_name: str
    pact_id: int | None
    pact_signed_on: date | None
    submitted_at: datetime | None
    # The submission instant in the regency's time zone.
    submitted_local: datetime | None
    # Whole local days since the submission (0 on the same day).
    waiting_days: int | None
    # The pact's row (deadline in force, days left, status) when the caller asked for it.
    pact: PactRow | None = None


def finding_search(q: str) -> ColumnElement[bool]:
    """Findings whose title, code, agency or pact signatory has every word of ``q``.

    On a statement over Finding joined with its Agency and (outer) its Pact: the one search of
    the verification queue, the staff list of findings and the findings' open data.
    """
    return matches(
        q,
        Finding.title,
        func.coalesce(Finding.code, ""),
        Agency.name,
        func.coalesce(Pact.signatory_name, ""),
        func.coalesce(Pact.signatory_title, ""),
    )


# The columns the verification queue sorts by (default: the oldest submission first).
QUEUE_SORTS = ("finding", "agency", "deadline", "days_left", "submitted")


def _sorted_queue(rows: list[QueueRow], sort: Sort | None) -> list[QueueRow]:
    if sort is None or not sort.chosen:
        return rows
    keys: dict[str, Callable[[QueueRow], Any]] = {
        "finding": lambda r: r.title.lower(),
        "agency": lambda r: r.agency_name.lower(),
        "deadline": lambda r: r.pact.deadline_on if r.pact else None,
        "days_left": lambda r: r.pact.days_left if r.pact else None,
        "submitted": lambda r: r.submitted_at,
    }
    return sort_rows(rows, sort, keys, tie=lambda r: r.finding_id)


def list_verification_queue(
    session: Session,
    *,
    regency_id: int,
    now: datetime,
    limit: int | None = None,
    due_soon_days: int | None = None,
    q: str | None = None,
    sort: Sort | None = None,
) -> list[QueueRow]:
    """List the regency's findings awaiting verification, the oldest submission first.

    With ``due_soon_days`` each row carries its pact's row (deadline, days left, status);
    ``q`` keeps findings whose title, code, agency or pact signatory has every word of it.
    """
    stmt = (
        select(
            Finding.id.label("finding_id"),
            Finding.title,
            Finding.code,
            Finding.category,
            Finding.submitted_at,
            *prefixed("agency", Agency.id, Agency.name),
            Regency.timezone,
            *prefixed("pact", Pact.id, Pact.signed_on),
        )
        .join(Agency, Finding.agency_id == Agency.id)
        .join(Regency, Agency.regency_id == Regency.id)
        .outerjoin(Pact, Finding.pact_id == Pact.id)
        .where(Agency.regency_id == regency_id, Finding.status == FindingStatus.SUBMITTED)
        # Unknown submission times first (they can only be older), then oldest first.
        .order_by(Finding.submitted_at.is_not(None), Finding.submitted_at, Finding.id)
    )
    if q:
        stmt = stmt.where(finding_search(q))
    if limit is not None:
        stmt = stmt.limit(limit)
    pacts: dict[int, PactRow] = {}
    if due_soon_days is not None:
        pacts = {
            p.id: p
            for p in list_pacts(
                session, now=now, regency_id=regency_id, due_soon_days=due_soon_days
            )
        }
    rows = []
    for r in session.execute(stmt):
        zone = ZoneInfo(r.timezone)
        local = r.submitted_at.astimezone(zone) if r.submitted_at else None
        waiting = (local_today(now, zone) - local.date()).days if local else None
        pact = pacts.get(r.pact_id) if r.pact_id is not None else None
        rows.append(from_row(QueueRow, r, submitted_local=local, waiting_days=waiting, pact=pact))
    return _sorted_queue(rows, sort)


def count_verification_queue(session: Session, *, regency_id: int) -> int:
    """Count the regency's findings awaiting verification."""
    stmt = (
        select(func.count(Finding.id))
        .join(Agency, Finding.agency_id == Agency.id)
        .where(Agency.regency_id == regency_id, Finding.status == FindingStatus.SUBMITTED)
    )
    return int(session.execute(stmt).scalar_one())


@dataclass(frozen=True)
class OpenFindingRow:
    """A finding an agency still has to close, with its pact's countdown."""

    id: int
    title: str
    code: str | None
    category: FindingCategory
    status: FindingStatus
    pact: PactRow | None
    # The reviewer's latest comment an OPD may read, when the finding was returned.
    returned_comment: str | None
    # Status UNRESOLVABLE: why the regent's office says it cannot be followed up (public).
    unresolvable_reason: str | None = None


def list_open_findings(
    session: Session, *, agency_id: int, now: datetime, due_soon_days: int
) -> list[OpenFindingRow]:
    """List an agency's findings that are not closed, the nearest pact deadline first."""
    pacts = {
        p.id: p
        for p in list_pacts(session, now=now, agency_id=agency_id, due_soon_days=due_soon_days)
    }
    findings = list(
        session.execute(
            select(Finding)
            .where(Finding.agency_id == agency_id, Finding.status != FindingStatus.CLOSED)
            .order_by(Finding.id)
        ).scalars()
    )
    returned = [f.id for f in findings if f.status is FindingStatus.RETURNED]
    comments: dict[int, str] = {}
    if returned:
        reviews = session.execute(
            select(Review.finding_id, Review.comment)
            .where(
                Review.finding_id.in_(returned),
                Review.decision == ReviewDecision.RETURN,
                Review.is_internal == false(),
                Review.comment.is_not(None),
            )
            .order_by(Review.created_at, Review.id)
        )
        # The latest comment wins: later rows overwrite earlier ones.
        comments = {row.finding_id: row.comment for row in reviews}
    rows = [
        from_row(
            OpenFindingRow,
            f,
            pact=pacts.get(f.pact_id) if f.pact_id is not None else None,
            returned_comment=comments.get(f.id),
        )
        for f in findings
    ]

    def urgency(row: OpenFindingRow) -> tuple[bool, bool, int, int]:
        # A finding that cannot be followed up waits on others: after every one to work on.
        left = row.pact.days_left if row.pact is not None else None
        waiting = row.status is FindingStatus.UNRESOLVABLE
        return (waiting, left is None, left if left is not None else 0, row.id)

    return sorted(rows, key=urgency)


@dataclass(frozen=True)
class EvidenceRow:
    """One piece of evidence as the finding page lists it."""

    id: int
    caption: str
    kind: EvidenceKind
    content_type: str | None
    size_bytes: int | None
    sha256: str | None
    has_file: bool
    url: str | None
    uploaded_by: str | None
    uploaded_local: datetime
    is_public: bool
    # A PDF's page count (None: not a PDF, or not counted yet).
    page_count: int | None = None


@dataclass(frozen=True)
class ReviewRow:
    """One verification decision as the finding page lists it."""

    id: int
    decision: ReviewDecision
    comment: str | None
    is_internal: bool
    reviewer: str
    created_local: datetime


@dataclass(frozen=True)
class FindingPage:
    """Everything the staff page of one finding shows."""

    id: int
    title: str
    code: str | None
    category: FindingCategory
    description: str | None
    status: FindingStatus
    agency_id: int
    agency_name: str
    regency_name: str
    timezone: str
    pact: PactRow | None
    submitted_local: datetime | None
    closed_local: datetime | None
    # Status UNRESOLVABLE: when the regent's office said so, and its public reason.
    unresolvable_local: datetime | None
    unresolvable_reason: str | None
    evidence: tuple[EvidenceRow, ...]
    reviews: tuple[ReviewRow, ...]
    timeline: tuple[TimelineEntry, ...]


def get_finding_page(
    session: Session,
    *,
    finding: Finding,
    now: datetime,
    due_soon_days: int,
    include_internal: bool,
) -> FindingPage:
    """Build the page of a finding the caller has already loaded for its viewer.

    ``include_internal`` decides whether reviewer comments flagged internal are listed.
    """
    regency = finding.agency.regency
    zone = ZoneInfo(regency.timezone)
    pact = (
        get_pact(session, pact_id=finding.pact_id, now=now, due_soon_days=due_soon_days).row
        if finding.pact_id is not None
        else None
    )
    evidence = tuple(
        from_row(
            EvidenceRow,
            e,
            has_file=e.storage_key is not None,
            uploaded_by=e.uploaded_by.name if e.uploaded_by else None,
            uploaded_local=e.uploaded_at.astimezone(zone),
        )
        for e in finding.evidence
    )
    reviews = tuple(
        from_row(
            ReviewRow, r, reviewer=r.reviewer.name, created_local=r.created_at.astimezone(zone)
        )
        for r in finding.reviews
        if include_internal or not r.is_internal
    )
    return from_row(
        FindingPage,
        finding,
        agency_name=finding.agency.name,
        regency_name=regency.name,
        timezone=regency.timezone,
        pact=pact,
        submitted_local=finding.submitted_at.astimezone(zone) if finding.submitted_at else None,
        closed_local=finding.closed_at.astimezone(zone) if finding.closed_at else None,
        unresolvable_local=(
            finding.unresolvable_at.astimezone(zone) if finding.unresolvable_at else None
        ),
        evidence=evidence,
        reviews=reviews,
        timeline=tuple(finding_timeline(session, finding_id=finding.id, tz=regency.timezone)),
    )


def get_evidence(session: Session, *, actor: User, evidence_id: int) -> Evidence:
    """Return evidence whose finding the actor may read; NotFound otherwise (nothing leaks)."""
    evidence = session.get(Evidence, evidence_id)
    if evidence is None or not policy.can_view_agency(actor, evidence.finding.agency):
        raise NotFound(_l("There is no evidence with id %(id)s.", id=evidence_id))
    return evidence


@dataclass(frozen=True)
class FindingListRow:
    """A finding as the staff list of findings shows it."""

    id: int
    title: str
    code: str | None
    category: FindingCategory
    status: FindingStatus
    agency_id: int
    agency_name: str
    pact_id: int | None


# The statuses an agency still owes work on: neither closed nor impossible to follow up.
STILL_OPEN = tuple(
    s for s in FindingStatus if s not in (FindingStatus.CLOSED, FindingStatus.UNRESOLVABLE)
)


# The columns the staff list of findings sorts by (the default: by agency).
FINDING_SORTS = ("finding", "agency", "category", "status")


def list_findings(
    session: Session,
    *,
    scope: ColumnElement[bool],
    regency_id: int | None = None,
    agency_id: int | None = None,
    category: FindingCategory | None = None,
    status: FindingStatus | None = None,
    still_open: bool = False,
    q: str | None = None,
    sort: Sort | None = None,
) -> list[FindingListRow]:
    """List the findings of the agencies in ``scope`` (a policy scope on Agency), filtered,
    searched (finding_search) and sorted (FINDING_SORTS; by agency when None)."""
    stmt = (
        select(
            Finding.id,
            Finding.title,
            Finding.code,
            Finding.category,
            Finding.status,
            Finding.pact_id,
            *prefixed("agency", Agency.id, Agency.name),
        )
        .join(Agency, Finding.agency_id == Agency.id)
        .outerjoin(Pact, Finding.pact_id == Pact.id)
        .where(scope)
    )
    if regency_id is not None:
        stmt = stmt.where(Agency.regency_id == regency_id)
    if agency_id is not None:
        stmt = stmt.where(Finding.agency_id == agency_id)
    if category is not None:
        stmt = stmt.where(Finding.category == category)
    if status is not None:
        stmt = stmt.where(Finding.status == status)
    if still_open:
        stmt = stmt.where(Finding.status.in_(STILL_OPEN))
    if q:
        stmt = stmt.where(finding_search(q))
    stmt = ordered(
        stmt,
        sort or Sort("agency", descending=False, chosen=False),
        {
            "finding": func.lower(Finding.title),
            "agency": (func.lower(Agency.name), Agency.id),
            # The order of the workflow and of the catalogue, not of the stored words.
            "category": case({c: i for i, c in enumerate(FindingCategory)}, value=Finding.category),
            "status": case({s: i for i, s in enumerate(FindingStatus)}, value=Finding.status),
        },
        tie=Finding.id,
    )
    return [from_row(FindingListRow, r) for r in session.execute(stmt)]
