"""The portal's own public read models: only what DOMAIN.md section 10 makes public.

Every dataclass here is what a public template receives. None of them carries an account
name, an email address, a reviewer's comment, an unpublished evidence caption or any other
private field: the queries select public columns only, so a template cannot leak what it
never got. Each page costs a fixed number of statements, whatever the number of pacts.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, joinedload

from tracker.agencies.models import Agency
from tracker.assessments.models import Assessment, AssessmentScheme, UnitResult
from tracker.assessments.rules import SchemeSpec, Zone, classify
from tracker.audit.models import AuditEvent
from tracker.audit.public import PUBLIC_ACTIONS
from tracker.clock import local_today
from tracker.errors import NotFound
from tracker.findings.models import Evidence, Finding
from tracker.findings.rules import EvidenceKind, FindingCategory, FindingStatus
from tracker.pacts import queries as pact_queries
from tracker.pacts.models import Pact, PactExtension
from tracker.pacts.queries import PactRow
from tracker.pacts.rules import PactStatus
from tracker.regencies.models import Regency

# Pacts whose deadline lies ahead and whose findings are not all closed.
RUNNING = (PactStatus.ON_TRACK, PactStatus.DUE_SOON)

_DECISIONS = ("finding.approved", "finding.returned")


# ---------------------------------------------------------------- assessments


@dataclass(frozen=True)
class ScoreYear:
    """A published compliance score with the zone and grade of its year's scheme."""

    year: int
    score: Decimal
    zone: Zone | None
    grade: str | None
    band_label: str | None
    source: str | None
    is_demo: bool


def _schemes(session: Session) -> list[SchemeSpec]:
    """Read every assessment scheme with its bands in one statement."""
    schemes = session.execute(
        select(AssessmentScheme)
        .options(joinedload(AssessmentScheme.bands))
        .order_by(AssessmentScheme.first_year)
    )
    return [scheme.to_spec() for scheme in schemes.unique().scalars()]


def _score(
    year: int,
    score: Decimal,
    source: str | None,
    is_demo: bool,
    schemes: Sequence[SchemeSpec],
) -> ScoreYear:
    band = classify(Decimal(score), year, schemes)
    return ScoreYear(
        year=year,
        score=Decimal(score),
        zone=band.zone if band else None,
        grade=band.grade if band else None,
        band_label=band.label if band else None,
        source=source,
        is_demo=is_demo,
    )


# ---------------------------------------------------------------- home


@dataclass(frozen=True)
class RegencySummary:
    """A regency on the home page: its pacts by status and its latest assessment."""

    slug: str
    name: str
    province: str
    total: int
    counts: dict[PactStatus, int]
    latest: ScoreYear | None


@dataclass(frozen=True)
class HomeOverview:
    """The home page: regencies, the nearest deadlines, the most overdue, and every pact."""

    regencies: list[RegencySummary]
    nearest: list[PactRow]
    most_overdue: list[PactRow]
    pacts: list[PactRow]


def nearest_deadlines(rows: Iterable[PactRow], limit: int) -> list[PactRow]:
    """Return running pacts (deadline ahead, findings open) by days left, soonest first."""
    running = [r for r in rows if r.status in RUNNING and r.days_left is not None]
    return sorted(running, key=lambda r: (r.days_left, r.id))[:limit]


def most_overdue(rows: Iterable[PactRow], limit: int) -> list[PactRow]:
    """Return overdue pacts, the longest overdue first."""
    late = [r for r in rows if r.status is PactStatus.OVERDUE and r.days_left is not None]
    return sorted(late, key=lambda r: (r.days_left, r.id))[:limit]


def home_overview(
    session: Session, *, now: datetime, due_soon_days: int, limit: int = 5
) -> HomeOverview:
    """Summarise every regency and pick the nearest and the most overdue deadlines.

    Four statements whatever the size: regencies, every pact row (one aggregated query whose
    statuses are derived in Python), the latest assessment of each regency, the schemes.
    """
    regencies = list(
        session.execute(
            select(Regency.id, Regency.slug, Regency.name, Regency.province).order_by(
                Regency.name, Regency.id
            )
        )
    )
    rows = pact_queries.list_pacts(session, now=now, due_soon_days=due_soon_days)
    latest_year = (
        select(Assessment.regency_id, func.max(Assessment.year).label("year"))
        .group_by(Assessment.regency_id)
        .subquery()
    )
    latest = {
        a.regency_id: a
        for a in session.execute(
            select(
                Assessment.regency_id,
                Assessment.year,
                Assessment.score,
                Assessment.source,
                Assessment.is_demo,
            ).join(
                latest_year,
                and_(
                    latest_year.c.regency_id == Assessment.regency_id,
                    latest_year.c.year == Assessment.year,
                ),
            )
        )
    }
    schemes = _schemes(session) if latest else []
    counts: dict[str, Counter[PactStatus]] = defaultdict(Counter)
    for row in rows:
        counts[row.regency_slug][row.status] += 1
    summaries = []
    for r in regencies:
        by_status = counts[r.slug]
        a = latest.get(r.id)
        summaries.append(
            RegencySummary(
                slug=r.slug,
                name=r.name,
                province=r.province,
                total=sum(by_status.values()),
                counts={s: by_status.get(s, 0) for s in PactStatus},
                latest=_score(a.year, a.score, a.source, a.is_demo, schemes) if a else None,
            )
        )
    return HomeOverview(
        regencies=summaries,
        nearest=nearest_deadlines(rows, limit),
        most_overdue=most_overdue(rows, limit),
        pacts=rows,
    )


# ---------------------------------------------------------------- regency


@dataclass(frozen=True)
class AgencyPacts:
    """One agency's pacts on the regency page."""

    agency_id: int
    agency_name: str
    pacts: list[PactRow]


@dataclass(frozen=True)
class VerificationSpeed:
    """How long the regent's office takes to decide on a submitted finding."""

    decisions: int
    median_days: float | None


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
    assessments: list[ScoreYear]
    verification: VerificationSpeed


def median_verification_days(durations: Sequence[float]) -> float | None:
    """Return the median of decision times in days, to one decimal, or None without any."""
    if not durations:
        return None
    return round(statistics.median(durations), 1)


def verification_speed(session: Session, *, regency_id: int) -> VerificationSpeed:
    """Measure each decision from the submission it answers, using the audit trail.

    A finding may be submitted, returned and submitted again: every decision is paired with
    the latest submission of the same finding before it (finding.submitted_at only keeps the
    last one, so the audit trail is the record to read).
    """
    events = session.execute(
        select(AuditEvent.target_id, AuditEvent.action, AuditEvent.at)
        .where(
            AuditEvent.regency_id == regency_id,
            AuditEvent.target_type == "finding",
            AuditEvent.action.in_(("finding.submitted", *_DECISIONS)),
        )
        .order_by(AuditEvent.target_id, AuditEvent.at, AuditEvent.id)
    )
    pending: dict[int, datetime] = {}
    durations: list[float] = []
    for finding_id, action, at in events:
        if action == "finding.submitted":
            pending[finding_id] = at
        elif finding_id in pending:
            submitted = pending.pop(finding_id)
            durations.append(max(0.0, (at - submitted).total_seconds() / 86400))
    return VerificationSpeed(len(durations), median_verification_days(durations))


def _assessments(session: Session, regency_id: int) -> list[ScoreYear]:
    rows = list(
        session.execute(
            select(Assessment.year, Assessment.score, Assessment.source, Assessment.is_demo)
            .where(Assessment.regency_id == regency_id)
            .order_by(Assessment.year)
        )
    )
    schemes = _schemes(session)
    return [_score(r.year, r.score, r.source, r.is_demo, schemes) for r in rows]


def sort_by_agency(rows: Iterable[PactRow]) -> list[PactRow]:
    """Order pact rows by agency name, each agency's pacts keeping their order (newest first)."""
    return sorted(rows, key=lambda r: (r.agency_name.casefold(), r.agency_id))


def by_agency(rows: Iterable[PactRow]) -> list[AgencyPacts]:
    """Group pact rows by agency, in the order the agencies first appear."""
    groups: dict[int, list[PactRow]] = defaultdict(list)
    names: dict[int, str] = {}
    for row in rows:
        groups[row.agency_id].append(row)
        names[row.agency_id] = row.agency_name
    return [AgencyPacts(i, names[i], groups[i]) for i in groups]


def filter_pacts(
    rows: Iterable[PactRow], *, status: PactStatus | None, year: int | None
) -> list[PactRow]:
    """Keep the pacts with this status and signing year (None: any)."""
    return [
        r
        for r in rows
        if (status is None or r.status is status)
        and (year is None or (r.signed_on is not None and r.signed_on.year == year))
    ]


def regency_page(session: Session, *, slug: str, now: datetime, due_soon_days: int) -> RegencyPage:
    """Return a regency's public page: every pact, its assessments and verification speed."""
    regency = session.execute(
        select(Regency.id, Regency.slug, Regency.name, Regency.province, Regency.timezone).where(
            Regency.slug == slug
        )
    ).first()
    if regency is None:
        raise NotFound(_l("There is no regency %(slug)s.", slug=slug))
    rows = pact_queries.list_pacts(
        session, now=now, regency_id=regency.id, due_soon_days=due_soon_days
    )
    counts = Counter(r.status for r in rows)
    return RegencyPage(
        id=regency.id,
        slug=regency.slug,
        name=regency.name,
        province=regency.province,
        timezone=regency.timezone,
        today=local_today(now, ZoneInfo(regency.timezone)),
        counts={s: counts.get(s, 0) for s in PactStatus},
        total=len(rows),
        years=sorted({r.signed_on.year for r in rows if r.signed_on}, reverse=True),
        pacts=rows,
        assessments=_assessments(session, regency.id),
        verification=verification_speed(session, regency_id=regency.id),
    )


# ---------------------------------------------------------------- agency


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
    unit_scores: list[ScoreYear]


def agency_page(
    session: Session, *, agency_id: int, now: datetime, due_soon_days: int
) -> AgencyPage:
    """Return an agency's pacts over the years and its unit scores; raise NotFound."""
    agency = session.execute(
        select(
            Agency.id,
            Agency.name,
            Agency.kind,
            Agency.is_demo,
            Regency.slug.label("regency_slug"),
            Regency.name.label("regency_name"),
        )
        .join(Regency, Agency.regency_id == Regency.id)
        .where(Agency.id == agency_id)
    ).first()
    if agency is None:
        raise NotFound(_l("There is no agency with id %(id)s.", id=agency_id))
    rows = pact_queries.list_pacts(
        session, now=now, agency_id=agency_id, due_soon_days=due_soon_days
    )
    years: dict[int | None, list[PactRow]] = defaultdict(list)
    for row in rows:
        years[row.signed_on.year if row.signed_on else None].append(row)
    # Newest year first; pacts with no known signing date last.
    order = sorted(years, key=lambda y: (y is None, -(y or 0)))
    units = list(
        session.execute(
            select(UnitResult.year, UnitResult.score, UnitResult.source, UnitResult.is_demo)
            .where(UnitResult.agency_id == agency_id)
            .order_by(UnitResult.year)
        )
    )
    schemes = _schemes(session)
    return AgencyPage(
        id=agency.id,
        name=agency.name,
        kind=agency.kind,
        is_demo=agency.is_demo,
        regency_slug=agency.regency_slug,
        regency_name=agency.regency_name,
        pacts_by_year=[(y, years[y]) for y in order],
        unit_scores=[_score(u.year, u.score, u.source, u.is_demo, schemes) for u in units],
    )


# ---------------------------------------------------------------- pact


@dataclass(frozen=True)
class PublicExtension:
    """A deadline extension: the deadline it replaced, the new one, and why."""

    previous_deadline_on: date
    new_deadline_on: date
    reason: str
    granted_on: date


@dataclass(frozen=True)
class PublicFinding:
    """A finding as the public sees it: title, category, status and dates."""

    id: int
    title: str
    category: FindingCategory
    status: FindingStatus
    recorded_on: date
    submitted_on: date | None
    closed_on: date | None


@dataclass(frozen=True)
class PublicEvidence:
    """Evidence the regent's office has published, with the hash of the stored original."""

    id: int
    finding_id: int
    kind: EvidenceKind
    caption: str
    content_type: str | None
    size_bytes: int | None
    sha256: str | None
    url: str | None
    has_file: bool
    uploaded_on: date

    @property
    def is_image(self) -> bool:
        """Tell whether the file is a photo the page can show inline."""
        return self.has_file and self.kind is EvidenceKind.PHOTO


@dataclass(frozen=True)
class PublicEvent:
    """A step of the public timeline: when, which public action, by which role."""

    id: int
    local_at: datetime
    action: str
    role: str | None
    finding_id: int | None
    extended_from: date | None
    extended_to: date | None


@dataclass(frozen=True)
class PublicPact:
    """Everything the public page of a pact shows."""

    id: int
    row: PactRow
    regency_today: date
    pledge: str
    sanction: str | None
    witnesses: str | None
    withdrawal_reason: str | None
    withdrawn_on: date | None
    extensions: list[PublicExtension]
    findings: list[PublicFinding]
    evidence: dict[int, list[PublicEvidence]]
    timeline: list[PublicEvent]

    @property
    def title(self) -> str:
        """Return the pact's plain-text title (for the page title and the share link)."""
        return f"{self.row.agency_name}, {self.row.regency_name}"


def _local_date(at: datetime | None, zone: ZoneInfo) -> date | None:
    return local_today(at, zone) if at is not None else None


def _iso_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _timeline(
    session: Session, pact_id: int, zone: ZoneInfo, public_evidence: set[int]
) -> list[PublicEvent]:
    events = session.execute(
        select(
            AuditEvent.id,
            AuditEvent.at,
            AuditEvent.action,
            AuditEvent.actor_role,
            AuditEvent.target_type,
            AuditEvent.target_id,
            AuditEvent.changes,
        )
        .where(AuditEvent.pact_id == pact_id, AuditEvent.action.in_(PUBLIC_ACTIONS))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    timeline = []
    for e in events:
        changes: dict[str, Any] = e.changes if isinstance(e.changes, dict) else {}
        if e.action == "evidence.added" and changes.get("evidence_id") not in public_evidence:
            # Unpublished evidence stays private, even the fact that it exists; what the
            # public may see of that step is the finding's status change, if there was one.
            status = changes.get("status") or {}
            if not isinstance(status, dict) or status.get("from") == status.get("to"):
                continue
            action = "finding.in_progress"
        else:
            action = e.action
        extended = e.action == "pact.extended"
        timeline.append(
            PublicEvent(
                id=e.id,
                local_at=e.at.astimezone(zone),
                action=action,
                role=e.actor_role,
                finding_id=e.target_id if e.target_type == "finding" else None,
                extended_from=_iso_date(changes.get("from")) if extended else None,
                extended_to=_iso_date(changes.get("to")) if extended else None,
            )
        )
    return timeline


def public_pact(session: Session, *, pact_id: int, now: datetime, due_soon_days: int) -> PublicPact:
    """Return the public page of a pact; raise NotFound for an unknown id."""
    detail = pact_queries.get_pact(session, pact_id=pact_id, now=now, due_soon_days=due_soon_days)
    row = detail.row
    zone = ZoneInfo(row.regency_timezone)
    extensions = [
        PublicExtension(
            previous_deadline_on=e.previous_deadline_on,
            new_deadline_on=e.new_deadline_on,
            reason=e.reason,
            granted_on=local_today(e.created_at, zone),
        )
        for e in session.execute(
            select(
                PactExtension.previous_deadline_on,
                PactExtension.new_deadline_on,
                PactExtension.reason,
                PactExtension.created_at,
            )
            .where(PactExtension.pact_id == pact_id)
            .order_by(PactExtension.new_deadline_on, PactExtension.id)
        )
    ]
    findings = [
        PublicFinding(
            id=f.id,
            title=f.title,
            category=f.category,
            status=f.status,
            recorded_on=local_today(f.created_at, zone),
            submitted_on=_local_date(f.submitted_at, zone),
            closed_on=_local_date(f.closed_at, zone),
        )
        for f in session.execute(
            select(
                Finding.id,
                Finding.title,
                Finding.category,
                Finding.status,
                Finding.created_at,
                Finding.submitted_at,
                Finding.closed_at,
            )
            .where(Finding.pact_id == pact_id)
            .order_by(Finding.id)
        )
    ]
    evidence: dict[int, list[PublicEvidence]] = defaultdict(list)
    for e in session.execute(
        select(
            Evidence.id,
            Evidence.finding_id,
            Evidence.kind,
            Evidence.caption,
            Evidence.content_type,
            Evidence.size_bytes,
            Evidence.sha256,
            Evidence.url,
            Evidence.storage_key.is_not(None).label("has_file"),
            Evidence.uploaded_at,
        )
        .join(Finding, Evidence.finding_id == Finding.id)
        .where(Finding.pact_id == pact_id, Evidence.is_public.is_(True))
        .order_by(Evidence.uploaded_at, Evidence.id)
    ):
        evidence[e.finding_id].append(
            PublicEvidence(
                id=e.id,
                finding_id=e.finding_id,
                kind=e.kind,
                caption=e.caption,
                content_type=e.content_type,
                size_bytes=e.size_bytes,
                sha256=e.sha256,
                url=e.url,
                has_file=bool(e.has_file),
                uploaded_on=local_today(e.uploaded_at, zone),
            )
        )
    public_ids = {item.id for items in evidence.values() for item in items}
    withdrawn_at = session.execute(select(Pact.withdrawn_at).where(Pact.id == pact_id)).scalar()
    return PublicPact(
        id=row.id,
        row=row,
        regency_today=local_today(now, zone),
        pledge=detail.pledge,
        sanction=detail.sanction,
        witnesses=detail.witnesses,
        withdrawal_reason=detail.withdrawal_reason,
        withdrawn_on=_local_date(withdrawn_at, zone),
        extensions=extensions,
        findings=findings,
        evidence=dict(evidence),
        timeline=_timeline(session, pact_id, zone, public_ids),
    )


# ---------------------------------------------------------------- evidence files


@dataclass(frozen=True)
class PublicFile:
    """A published evidence file: where it is stored and what it is."""

    id: int
    storage_key: str
    sha256: str | None
    content_type: str


def get_public_file(session: Session, *, evidence_id: int) -> PublicFile:
    """Return a published evidence file; NotFound for anything unpublished (nothing leaks)."""
    row = session.execute(
        select(Evidence.id, Evidence.storage_key, Evidence.sha256, Evidence.content_type).where(
            Evidence.id == evidence_id,
            Evidence.is_public.is_(True),
            Evidence.storage_key.is_not(None),
        )
    ).first()
    if row is None or row.content_type is None:
        raise NotFound(_l("There is no published evidence with id %(id)s.", id=evidence_id))
    return PublicFile(row.id, row.storage_key, row.sha256, row.content_type)
