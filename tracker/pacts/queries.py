"""Read models of pacts for the portal, the API and (later) staff pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Row, Select, case, func, select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.clock import local_today
from tracker.errors import NotFound
from tracker.findings.models import Finding
from tracker.findings.rules import FindingCategory, FindingStatus
from tracker.pacts.models import Pact, PactExtension
from tracker.pacts.rules import PactStatus, days_left, effective_deadline, pact_status
from tracker.regencies.models import Regency


@dataclass(frozen=True)
class PactRow:
    """One pact as lists show it, with its derived deadline, days left and status."""

    id: int
    regency_slug: str
    regency_name: str
    regency_timezone: str
    agency_id: int
    agency_slug: str
    agency_name: str
    agency_kind: str
    signatory_name: str | None
    signatory_title: str
    signed_on: date | None
    period_months: int
    original_deadline_on: date | None
    deadline_on: date | None
    days_left: int | None
    status: PactStatus
    findings_total: int
    findings_closed: int
    is_demo: bool
    source: str | None

    @property
    def is_extended(self) -> bool:
        """Tell whether the deadline in force differs from the signed one."""
        return self.deadline_on != self.original_deadline_on


@dataclass(frozen=True)
class FindingRow:
    """A finding as a pact page lists it."""

    id: int
    title: str
    code: str | None
    category: FindingCategory
    status: FindingStatus
    closed_on: date | None


@dataclass(frozen=True)
class PactDetail:
    """A pact with its findings."""

    row: PactRow
    pledge: str
    sanction: str | None
    witnesses: str | None
    withdrawal_reason: str | None
    findings: tuple[FindingRow, ...]


class _TodayCache:
    """Local "today" per time zone for one instant: a handful of zones serve the whole country."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._zones: dict[str, date] = {}

    def __call__(self, tz: str) -> date:
        if tz not in self._zones:
            self._zones[tz] = local_today(self.now, ZoneInfo(tz))
        return self._zones[tz]


def _rows_statement() -> Select[Pact, Agency, Regency, int, int, datetime | None, date | None]:
    closed = Finding.status == FindingStatus.CLOSED
    findings = (
        select(
            Finding.pact_id.label("pact_id"),
            func.count(Finding.id).label("total"),
            func.sum(case((closed, 1), else_=0)).label("closed"),
            func.max(case((closed, Finding.closed_at))).label("last_closed_at"),
        )
        .where(Finding.pact_id.is_not(None))
        .group_by(Finding.pact_id)
        .subquery()
    )
    extensions = (
        select(
            PactExtension.pact_id.label("pact_id"),
            func.max(PactExtension.new_deadline_on).label("extended_to"),
        )
        .group_by(PactExtension.pact_id)
        .subquery()
    )
    return (
        select(
            Pact,
            Agency,
            Regency,
            func.coalesce(findings.c.total, 0),
            func.coalesce(findings.c.closed, 0),
            findings.c.last_closed_at,
            extensions.c.extended_to,
        )
        .join(Agency, Pact.agency_id == Agency.id)
        .join(Regency, Agency.regency_id == Regency.id)
        .outerjoin(findings, findings.c.pact_id == Pact.id)
        .outerjoin(extensions, extensions.c.pact_id == Pact.id)
        # Newest signing first, unknown dates last, id as the tie-breaker: a stable order.
        .order_by(Pact.signed_on.is_(None), Pact.signed_on.desc(), Pact.id.desc())
    )


def _to_row(
    record: Row[Pact, Agency, Regency, int, int, datetime | None, date | None],
    today_in: _TodayCache,
    due_soon_days: int,
) -> PactRow:
    pact, agency, regency, total, closed, last_closed_at, extended_to = record
    # SUM over no rows and some drivers' Decimal results: normalise to int.
    total, closed = int(total or 0), int(closed or 0)
    tz = ZoneInfo(regency.timezone)
    today = today_in(regency.timezone)
    deadline_on = effective_deadline(pact.signed_on, pact.period_months, extended_to)
    last_closed_on = (
        local_today(last_closed_at, tz) if isinstance(last_closed_at, datetime) else None
    )
    return PactRow(
        id=pact.id,
        regency_slug=regency.slug,
        regency_name=regency.name,
        regency_timezone=regency.timezone,
        agency_id=agency.id,
        agency_slug=agency.slug,
        agency_name=agency.name,
        agency_kind=agency.kind,
        signatory_name=pact.signatory_name,
        signatory_title=pact.signatory_title,
        signed_on=pact.signed_on,
        period_months=pact.period_months,
        original_deadline_on=effective_deadline(pact.signed_on, pact.period_months),
        deadline_on=deadline_on,
        days_left=days_left(deadline_on, today),
        status=pact_status(
            deadline_on=deadline_on,
            today=today,
            findings_total=total,
            findings_open=total - closed,
            last_closed_on=last_closed_on,
            withdrawn=pact.withdrawn_at is not None,
            due_soon_days=due_soon_days,
        ),
        findings_total=total,
        findings_closed=closed,
        is_demo=pact.is_demo,
        source=pact.source,
    )


def list_pacts(
    session: Session,
    *,
    now: datetime,
    regency_id: int | None = None,
    agency_id: int | None = None,
    status: PactStatus | None = None,
    due_soon_days: int,
) -> list[PactRow]:
    """List pacts with their derived status, newest first, optionally filtered.

    The status depends on each regency's local date, so it is derived in Python from one
    aggregated query (the rules stay in one place); the filter on it applies afterwards.
    """
    stmt = _rows_statement()
    if regency_id is not None:
        stmt = stmt.where(Agency.regency_id == regency_id)
    if agency_id is not None:
        stmt = stmt.where(Pact.agency_id == agency_id)
    today_in = _TodayCache(now)
    rows = [_to_row(r, today_in, due_soon_days) for r in session.execute(stmt)]
    if status is not None:
        rows = [r for r in rows if r.status == status]
    return rows


def get_pact(session: Session, *, pact_id: int, now: datetime, due_soon_days: int) -> PactDetail:
    """Return one pact with its findings; raise NotFound for an unknown id."""
    record = session.execute(_rows_statement().where(Pact.id == pact_id)).first()
    if record is None:
        raise NotFound(f"There is no pact with id {pact_id}.")
    row = _to_row(record, _TodayCache(now), due_soon_days)
    pact = record[0]
    tz = ZoneInfo(row.regency_timezone)
    findings = session.execute(
        select(Finding).where(Finding.pact_id == pact_id).order_by(Finding.id)
    ).scalars()
    return PactDetail(
        row=row,
        pledge=pact.pledge,
        sanction=pact.sanction,
        witnesses=pact.witnesses,
        withdrawal_reason=pact.withdrawal_reason,
        findings=tuple(
            FindingRow(
                id=f.id,
                title=f.title,
                code=f.code,
                category=f.category,
                status=f.status,
                closed_on=local_today(f.closed_at, tz) if f.closed_at else None,
            )
            for f in findings
        ),
    )
