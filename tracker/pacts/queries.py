"""Read models of pacts for the portal, the API and (later) staff pages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Row, Select, case, func, select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.clock import local_today
from tracker.errors import NotFound
from tracker.findings.models import Finding
from tracker.findings.rules import FindingCategory, FindingStatus
from tracker.pacts import rules
from tracker.pacts.models import Pact, PactExtension
from tracker.pacts.rules import (
    PactOutcome,
    PactStatus,
    days_left,
    effective_deadline,
    pact_status,
)
from tracker.pagination import Page, paginate
from tracker.readmodels import from_row, prefixed
from tracker.regencies.models import Regency
from tracker.sorting import Sort, like, matches, sort_rows


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
    # Found impossible to follow up (tidak dapat ditindaklanjuti): neither open nor closed.
    findings_unresolvable: int
    # The recorded outcome (the regent's decision, or not recorded), None when none is.
    outcome: PactOutcome | None
    outcome_on: date | None
    # The recorded outcome's public note and optional document (a PDF whose public copy is
    # served without its metadata), None when none is.
    outcome_note: str | None
    outcome_document_sha256: str | None
    outcome_document_size_bytes: int | None
    is_demo: bool
    source: str | None

    @property
    def is_extended(self) -> bool:
        """Tell whether the deadline in force differs from the signed one."""
        return self.deadline_on != self.original_deadline_on

    @property
    def has_outcome_document(self) -> bool:
        """Tell whether the recorded decision comes with a document."""
        return self.outcome_document_sha256 is not None

    @property
    def findings_open(self) -> int:
        """Count the findings still to be fixed: neither closed nor unresolvable."""
        return self.findings_total - self.findings_closed - self.findings_unresolvable


@dataclass(frozen=True)
class FindingRow:
    """A finding as a pact page lists it."""

    id: int
    title: str
    code: str | None
    category: FindingCategory
    status: FindingStatus
    closed_on: date | None
    # Status UNRESOLVABLE: the regency-local day the regent's office said so, and its public reason.
    unresolvable_on: date | None = None
    unresolvable_reason: str | None = None


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


_PactRecord = Row[*tuple[Any, ...]]


def _rows_statement() -> Select[*tuple[Any, ...]]:
    """Select the columns a pact row needs, with its findings and extensions aggregated."""
    closed = Finding.status == FindingStatus.CLOSED
    unresolvable = Finding.status == FindingStatus.UNRESOLVABLE
    findings = (
        select(
            Finding.pact_id.label("pact_id"),
            func.count(Finding.id).label("total"),
            func.sum(case((closed, 1), else_=0)).label("closed"),
            func.sum(case((unresolvable, 1), else_=0)).label("unresolvable"),
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
    # Plain columns rather than entities: a list of thousands of pacts stays cheap.
    return (
        select(
            Pact.id,
            Pact.signatory_name,
            Pact.signatory_title,
            Pact.signed_on,
            Pact.period_months,
            Pact.withdrawn_at,
            Pact.outcome,
            Pact.outcome_on,
            Pact.outcome_note,
            Pact.outcome_document_sha256,
            Pact.outcome_document_size_bytes,
            Pact.is_demo,
            Pact.source,
            *prefixed("agency", Agency.id, Agency.slug, Agency.name, Agency.kind),
            *prefixed("regency", Regency.slug, Regency.name, Regency.timezone),
            func.coalesce(findings.c.total, 0).label("total"),
            func.coalesce(findings.c.closed, 0).label("closed"),
            func.coalesce(findings.c.unresolvable, 0).label("unresolvable"),
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


def _to_row(r: _PactRecord, today_in: _TodayCache, due_soon_days: int) -> PactRow:
    # SUM over no rows, and some drivers' Decimal results: normalise to int.
    total, closed = int(r.total or 0), int(r.closed or 0)
    unresolvable = int(r.unresolvable or 0)
    tz = ZoneInfo(r.regency_timezone)
    today = today_in(r.regency_timezone)
    deadline_on = effective_deadline(r.signed_on, r.period_months, r.extended_to)
    last_closed_on = local_today(r.last_closed_at, tz) if r.last_closed_at else None
    return from_row(
        PactRow,
        r,
        original_deadline_on=effective_deadline(r.signed_on, r.period_months),
        deadline_on=deadline_on,
        # A pact whose outcome is recorded has ended: it counts no days, before or past.
        days_left=None if r.outcome is not None else days_left(deadline_on, today),
        status=pact_status(
            deadline_on=deadline_on,
            today=today,
            findings_total=total,
            findings_open=total - closed - unresolvable,
            last_closed_on=last_closed_on,
            withdrawn=r.withdrawn_at is not None,
            outcome=r.outcome,
            due_soon_days=due_soon_days,
        ),
        findings_total=total,
        findings_closed=closed,
        findings_unresolvable=unresolvable,
    )


# The columns a pact list sorts by. SQL orders the stored ones; the derived ones (deadline in
# force, days left, status) depend on the regency's local date and are sorted after reading.
PACT_SORTS = ("agency", "signatory", "signed", "deadline", "days_left", "findings", "status")
_DERIVED_SORTS = frozenset({"deadline", "days_left", "status"})
_STATUS_ORDER = {status: i for i, status in enumerate(PactStatus)}


def _search(q: str) -> ColumnElement[bool]:
    """Pacts whose agency, signatory, pledge or one of whose findings has every word of ``q``."""

    def in_findings(word: str) -> ColumnElement[bool]:
        return Pact.id.in_(
            select(Finding.pact_id).where(
                Finding.pact_id.is_not(None),
                like(Finding.title, word) | like(func.coalesce(Finding.code, ""), word),
            )
        )

    return matches(
        q,
        Agency.name,
        func.coalesce(Pact.signatory_name, ""),
        Pact.signatory_title,
        Pact.pledge,
        also=in_findings,
    )


def _ordered(stmt: Select[*tuple[Any, ...]], sort: Sort | None) -> Select[*tuple[Any, ...]]:
    """Order by a stored column, the pact id breaking ties; derived keys keep the default."""
    if sort is None or not sort.chosen or sort.key in _DERIVED_SORTS:
        return stmt
    column: Any = {
        "agency": Agency.name,
        "signatory": func.coalesce(Pact.signatory_name, Pact.signatory_title),
        "signed": Pact.signed_on,
        "findings": stmt.selected_columns.total,
    }[sort.key]
    direction = column.desc() if sort.descending else column.asc()
    tie = Pact.id.desc() if sort.descending else Pact.id.asc()
    # Unknown signing dates last either way.
    unknown_last = [Pact.signed_on.is_(None)] if sort.key == "signed" else []
    return stmt.order_by(None).order_by(*unknown_last, direction, tie)


def _sorted_rows(rows: list[PactRow], sort: Sort | None) -> list[PactRow]:
    if sort is None or not sort.chosen or sort.key not in _DERIVED_SORTS:
        return rows
    return sort_rows(
        rows,
        sort,
        {
            "deadline": lambda r: r.deadline_on,
            "days_left": lambda r: r.days_left,
            "status": lambda r: _STATUS_ORDER[r.status],
        },
        tie=lambda r: r.id,
    )


def _filtered(
    regency_id: int | None,
    agency_id: int | None,
    status: PactStatus | None,
    scope: ColumnElement[bool] | None = None,
    q: str | None = None,
) -> Select[*tuple[Any, ...]]:
    stmt = _rows_statement()
    if scope is not None:
        stmt = stmt.where(scope)
    if regency_id is not None:
        stmt = stmt.where(Agency.regency_id == regency_id)
    if agency_id is not None:
        stmt = stmt.where(Pact.agency_id == agency_id)
    if q:
        stmt = stmt.where(_search(q))
    # Withdrawal is stored, so that part of the status filter can narrow the query itself.
    if status is PactStatus.WITHDRAWN:
        stmt = stmt.where(Pact.withdrawn_at.is_not(None))
    elif status is not None:
        stmt = stmt.where(Pact.withdrawn_at.is_(None))
    return stmt


def _derived(
    session: Session,
    stmt: Select[*tuple[Any, ...]],
    *,
    now: datetime,
    due_soon_days: int,
    status: PactStatus | None,
) -> Iterator[PactRow]:
    """Yield the pacts ``stmt`` reads as rows, keeping those with ``status`` (None: all)."""
    today_in = _TodayCache(now)
    for record in session.execute(stmt):
        row = _to_row(record, today_in, due_soon_days)
        if status is None or row.status == status:
            yield row


def list_pacts(
    session: Session,
    *,
    now: datetime,
    regency_id: int | None = None,
    agency_id: int | None = None,
    status: PactStatus | None = None,
    due_soon_days: int,
    scope: ColumnElement[bool] | None = None,
    q: str | None = None,
    sort: Sort | None = None,
) -> list[PactRow]:
    """List pacts with their derived status, newest first, optionally filtered.

    ``scope`` is a policy scope (``policy.pacts_visible_to(user)``) for staff lists.

    The status depends on each regency's local date, so it is derived in Python by the one
    rule (pacts.rules.pact_status) from one aggregated query; the status filter applies after.
    """
    stmt = _ordered(_filtered(regency_id, agency_id, status, scope, q), sort)
    rows = list(_derived(session, stmt, now=now, due_soon_days=due_soon_days, status=status))
    return _sorted_rows(rows, sort)


def iter_pacts(
    session: Session,
    *,
    now: datetime,
    due_soon_days: int,
    regency_id: int | None = None,
    status: PactStatus | None = None,
    signed_year: int | None = None,
    batch_size: int = 500,
    agency_id: int | None = None,
    q: str | None = None,
    sort: Sort | None = None,
) -> Iterator[PactRow]:
    """Yield pacts exactly as list_pacts derives them, read in batches (exports of any size).

    psycopg and PyMySQL stream the rows through a server-side cursor: run no other statement
    on the session until the iteration ends.
    """
    stmt = _ordered(_filtered(regency_id, agency_id, status, q=q), sort)
    if signed_year is not None:
        stmt = stmt.where(
            Pact.signed_on >= date(signed_year, 1, 1), Pact.signed_on < date(signed_year + 1, 1, 1)
        )
    rows = _derived(
        session,
        stmt.execution_options(yield_per=batch_size),
        now=now,
        due_soon_days=due_soon_days,
        status=status,
    )
    if sort is not None and sort.chosen and sort.key in _DERIVED_SORTS:
        # A derived order needs every row read first (a filtered download is small).
        yield from _sorted_rows(list(rows), sort)
    else:
        yield from rows


def page_pacts(
    session: Session,
    *,
    now: datetime,
    page: int,
    per_page: int,
    regency_id: int | None = None,
    agency_id: int | None = None,
    status: PactStatus | None = None,
    due_soon_days: int,
    scope: ColumnElement[bool] | None = None,
    q: str | None = None,
    sort: Sort | None = None,
) -> Page[PactRow]:
    """Return one page of pacts; without a status filter or a derived order only that page is
    read and derived."""
    stmt = _ordered(_filtered(regency_id, agency_id, status, scope, q), sort)
    if status is not None or (sort is not None and sort.chosen and sort.key in _DERIVED_SORTS):
        rows = _derived(session, stmt, now=now, due_soon_days=due_soon_days, status=status)
        return paginate(_sorted_rows(list(rows), sort), page=page, per_page=per_page)
    total = session.execute(
        select(func.count()).select_from(stmt.order_by(None).subquery())
    ).scalar_one()
    one_page = stmt.limit(per_page).offset((page - 1) * per_page)
    items = _derived(session, one_page, now=now, due_soon_days=due_soon_days, status=None)
    return Page(list(items), page, per_page, total)


def _get_row(session: Session, pact_id: int, now: datetime, due_soon_days: int) -> PactRow:
    """Return one pact's row, derived exactly as the lists derive it; raise NotFound."""
    record = session.execute(_rows_statement().where(Pact.id == pact_id)).first()
    if record is None:
        raise NotFound(_l("There is no pact with id %(id)s.", id=pact_id))
    return _to_row(record, _TodayCache(now), due_soon_days)


def get_status(session: Session, *, pact_id: int, now: datetime, due_soon_days: int) -> PactStatus:
    """Return one pact's status, derived exactly as the lists derive it; raise NotFound."""
    return _get_row(session, pact_id, now, due_soon_days).status


def is_settled(session: Session, *, pact_id: int, now: datetime) -> bool:
    """Tell whether a pact is fulfilled, withdrawn or has a recorded outcome (the due-soon
    threshold plays no part)."""
    return rules.is_settled(get_status(session, pact_id=pact_id, now=now, due_soon_days=0))


def get_pact(session: Session, *, pact_id: int, now: datetime, due_soon_days: int) -> PactDetail:
    """Return one pact with its findings; raise NotFound for an unknown id."""
    row = _get_row(session, pact_id, now, due_soon_days)
    pact = session.get_one(Pact, pact_id)
    tz = ZoneInfo(row.regency_timezone)
    findings = session.execute(
        select(Finding).where(Finding.pact_id == pact_id).order_by(Finding.id)
    ).scalars()
    return from_row(
        PactDetail,
        pact,
        row=row,
        findings=tuple(
            from_row(
                FindingRow,
                f,
                closed_on=local_today(f.closed_at, tz) if f.closed_at else None,
                unresolvable_on=local_today(f.unresolvable_at, tz) if f.unresolvable_at else None,
            )
            for f in findings
        ),
    )


def nearest_deadlines(rows: Iterable[PactRow], limit: int) -> list[PactRow]:
    """Return running pacts (deadline ahead, findings open) by days left, soonest first."""
    running = [r for r in rows if r.status in rules.RUNNING_STATUSES and r.days_left is not None]
    return sorted(running, key=lambda r: (r.days_left, r.id))[:limit]


def most_overdue(rows: Iterable[PactRow], limit: int) -> list[PactRow]:
    """Return overdue pacts, the longest overdue first."""
    late = [r for r in rows if r.status is PactStatus.OVERDUE and r.days_left is not None]
    return sorted(late, key=lambda r: (r.days_left, r.id))[:limit]
