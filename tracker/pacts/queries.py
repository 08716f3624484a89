"""Read models of pacts for the portal, the API and (later) staff pages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Row, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.clock import local_today
from tracker.errors import BadFilter, NotFound
from tracker.findings.models import Finding
from tracker.findings.rules import FindingCategory, FindingStatus
from tracker.pacts import rules
from tracker.pacts.models import Pact
from tracker.pacts.rules import (
    RUNNING_STATUSES,
    PactOutcome,
    PactStanding,
    PactStatus,
    days_left,
    effective_deadline,
    status_on,
)
from tracker.pacts.stored import known_zones, refresh_stale
from tracker.pagination import Page, paginate, parse_digits, parse_year
from tracker.readmodels import from_row, prefixed
from tracker.regencies.models import Regency
from tracker.sorting import Sort, like, matches, ordered, parse_query, parse_sort, sort_rows


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
    """Select the columns a pact row needs: the pact's own, with the facts it keeps of its
    findings and extensions (tracker.pacts.stored), its agency's and its regency's."""
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
            Pact.findings_total.label("total"),
            Pact.findings_closed.label("closed"),
            Pact.findings_unresolvable.label("unresolvable"),
            Pact.current_deadline_on,
            Pact.standing,
        )
        .join(Agency, Pact.agency_id == Agency.id)
        .join(Regency, Agency.regency_id == Regency.id)
        # Newest signing first, unknown dates last, id as the tie-breaker: a stable order.
        .order_by(Pact.signed_on.is_(None), Pact.signed_on.desc(), Pact.id.desc())
    )


class SqlToday:
    """Each regency's local today at one instant, for a status read in SQL.

    A running pact is overdue from the day after its deadline in its regency's zone, due soon
    within ``due_soon_days`` of it: ``status`` compares the stored deadline with the today of
    the row's zone (Indonesia's three zones give at most two dates at any instant), the other
    statuses are the stored standing. ``bounds`` narrows the deadline for an index range.
    """

    def __init__(self, session: Session, now: datetime, due_soon_days: int) -> None:
        self.due_soon_days = due_soon_days
        self.today = {tz: local_today(now, ZoneInfo(tz)) for tz in sorted(known_zones())}
        soon = timedelta(days=due_soon_days)
        zone = Regency.timezone
        today = case(self.today, value=zone, else_=None)
        horizon = case({tz: d + soon for tz, d in self.today.items()}, value=zone, else_=None)
        # A zone without a today here reads as None; its rows are judged after reading.
        self.status: ColumnElement[str] = case(
            (Pact.standing != PactStanding.RUNNING.value, Pact.standing),
            (zone.not_in(list(self.today)), None),
            (Pact.current_deadline_on < today, PactStatus.OVERDUE.value),
            (Pact.current_deadline_on <= horizon, PactStatus.DUE_SOON.value),
            else_=PactStatus.ON_TRACK.value,
        )
        self.unknown_zone = zone.not_in(list(self.today))

    def condition(self, status: PactStatus) -> list[ColumnElement[bool]]:
        """Return the conditions keeping pacts of ``status``: the exact test and an indexable
        range (the standing, and for a running status the deadlines it can have)."""
        if status not in RUNNING_STATUSES and status is not PactStatus.OVERDUE:
            return [Pact.standing == PactStanding(status.value)]
        first, last = min(self.today.values()), max(self.today.values())
        soon = timedelta(days=self.due_soon_days)
        deadline = Pact.current_deadline_on
        bounds = {
            PactStatus.OVERDUE: [deadline < last],
            PactStatus.DUE_SOON: [deadline >= first, deadline <= last + soon],
            PactStatus.ON_TRACK: [deadline > first + soon],
        }[status]
        exact = or_(self.status == status.value, self.unknown_zone)
        return [Pact.standing == PactStanding.RUNNING, *bounds, exact]


def status_sql(session: Session, *, now: datetime, due_soon_days: int) -> SqlToday:
    """Return the SQL reading of pact statuses at ``now`` (see SqlToday)."""
    return SqlToday(session, now, due_soon_days)


def _to_row(r: _PactRecord, today_in: _TodayCache, due_soon_days: int) -> PactRow:
    # SUM over no rows, and some drivers' Decimal results: normalise to int.
    total, closed = int(r.total or 0), int(r.closed or 0)
    unresolvable = int(r.unresolvable or 0)
    today = today_in(r.regency_timezone)
    deadline_on = r.current_deadline_on
    return from_row(
        PactRow,
        r,
        original_deadline_on=effective_deadline(r.signed_on, r.period_months),
        deadline_on=deadline_on,
        # A pact whose outcome is recorded has ended: it counts no days, before or past.
        days_left=None if r.outcome is not None else days_left(deadline_on, today),
        # The stored standing (tracker.pacts.stored), read on the regency's today.
        status=status_on(PactStanding(r.standing), deadline_on, today, due_soon_days),
        findings_total=total,
        findings_closed=closed,
        findings_unresolvable=unresolvable,
    )


# The columns a pact list sorts by. SQL orders the stored ones; the derived ones (deadline in
# force, days left, status) depend on the regency's local date and are sorted after reading.
PACT_SORTS = (
    "regency",
    "agency",
    "signatory",
    "signed",
    "deadline",
    "days_left",
    "findings",
    "status",
)
_DERIVED_SORTS = frozenset({"deadline", "days_left", "status"})
_STATUS_ORDER = {status: i for i, status in enumerate(PactStatus)}
# Every pact list's default order: newest signing first, unknown dates last.
DEFAULT_SORT = Sort("signed", descending=True, chosen=False)


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


def _derived_order(sort: Sort | None) -> bool:
    return sort is not None and sort.key in _DERIVED_SORTS


def _ordered(stmt: Select[*tuple[Any, ...]], sort: Sort | None) -> Select[*tuple[Any, ...]]:
    """Order by a stored column, the pact id breaking ties; derived keys keep the default."""
    if sort is None or sort.key in _DERIVED_SORTS:
        return stmt
    newest_first = (Pact.signed_on.is_(None), Pact.signed_on.desc())
    return ordered(
        stmt,
        sort,
        {
            "regency": (func.lower(Regency.name), Regency.id),
            # An agency's pacts together (two agencies may share a name), newest first.
            "agency": (func.lower(Agency.name), Agency.id),
            "signatory": func.lower(func.coalesce(Pact.signatory_name, Pact.signatory_title)),
            "signed": Pact.signed_on,
            "findings": stmt.selected_columns.total,
        },
        tie=Pact.id,
        then={"regency": (func.lower(Agency.name), *newest_first), "agency": newest_first},
    )


def _sorted_rows(rows: list[PactRow], sort: Sort | None) -> list[PactRow]:
    if sort is None or not _derived_order(sort):
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


@dataclass(frozen=True)
class PactFilter:
    """What a list of pacts is narrowed to and ordered by, read from its query string.

    The one reading a page and its downloads share (parse_pact_filter): the CSV of a list
    holds exactly the rows the list shows, in its order.
    """

    regency_id: int | None = None
    regency_slug: str | None = None
    agency_id: int | None = None
    status: PactStatus | None = None
    signed_year: int | None = None
    q: str | None = None
    sort: Sort = DEFAULT_SORT

    def conditions(self) -> dict[str, Any]:
        """Return what the filter keeps, as keyword arguments of list_pacts and the others."""
        return {
            "regency_id": self.regency_id,
            "agency_id": self.agency_id,
            "status": self.status,
            "signed_year": self.signed_year,
            "q": self.q,
        }

    def criteria(self) -> dict[str, Any]:
        """Return the keyword arguments of list_pacts, page_pacts and iter_pacts."""
        return self.conditions() | {"sort": self.sort}

    def args(self) -> dict[str, str]:
        """Return the query string that reads back as this filter (for links to downloads)."""
        values = {
            "regency": self.regency_slug,
            "agency": str(self.agency_id) if self.agency_id is not None else None,
            "status": self.status.value if self.status else None,
            "year": str(self.signed_year) if self.signed_year is not None else None,
            "q": self.q,
        }
        order = self.sort.args()
        if not order and (self.sort.key, self.sort.descending) != ("signed", True):
            # A page's own default (the regency page's, by agency): a download keeps it too.
            order = {"sort": self.sort.key, "dir": self.sort.dir}
        return {k: v for k, v in values.items() if v} | order


def _parse_status(value: str | None) -> PactStatus | None:
    if not value:
        return None
    try:
        return PactStatus(value)
    except ValueError:
        choices = ", ".join(s.value for s in PactStatus)
        raise BadFilter(
            _l("Unknown status %(value)s; use one of: %(choices)s.", value=value, choices=choices),
            fields={"status": _l("one of: %(choices)s", choices=choices)},
        ) from None


def _parse_regency(session: Session, slug: str | None) -> tuple[int, str] | None:
    if not slug:
        return None
    found = session.execute(select(Regency.id).where(Regency.slug == slug)).scalar()
    if found is None:
        raise BadFilter(
            _l("There is no regency with the slug %(slug)s.", slug=slug[:100]),
            fields={"regency": _l("unknown regency")},
        )
    return found, slug


def _parse_agency(value: str | None) -> int | None:
    if not value:
        return None
    agency_id = parse_digits(value)
    if agency_id is None:
        raise BadFilter(
            _l("The agency must be given by its number."),
            fields={"agency": _l("an agency's number")},
        )
    return agency_id


def parse_pact_filter(
    session: Session,
    args: Mapping[str, str],
    *,
    regency: tuple[int, str] | None = None,
    agency_id: int | None = None,
    default_sort: Sort = DEFAULT_SORT,
) -> PactFilter:
    """Read a pact list's query string: ``regency`` (slug), ``agency`` (id), ``status``,
    ``year`` (signed), ``q`` (agency, signatory, pledge or a finding's title) and
    ``sort``/``dir`` (PACT_SORTS); raise BadFilter naming the parameter it cannot use.

    ``regency`` (id, slug) fixes the regency of a page that belongs to one (the ``regency``
    parameter is then not read). An agency of another regency is a filter nothing matches.
    ``agency_id`` likewise fixes the agency of an agency's page. ``default_sort`` is the
    page's order when the query string names none.
    """
    regency = regency or _parse_regency(session, args.get("regency"))
    return PactFilter(
        regency_id=regency[0] if regency else None,
        regency_slug=regency[1] if regency else None,
        agency_id=agency_id if agency_id is not None else _parse_agency(args.get("agency")),
        status=_parse_status(args.get("status")),
        signed_year=parse_year(args.get("year")),
        q=parse_query(args.get("q")),
        sort=parse_sort(
            args,
            allowed=PACT_SORTS,
            default=default_sort.key,
            descending=default_sort.descending,
        ),
    )


def _conditions(
    *,
    regency_id: int | None = None,
    agency_id: int | None = None,
    status: PactStatus | None = None,
    scope: ColumnElement[bool] | None = None,
    q: str | None = None,
    signed_year: int | None = None,
    today: SqlToday | None = None,
) -> list[ColumnElement[bool]]:
    """Return the conditions, on Pact joined with its Agency, of a filter's stored criteria
    (the derived status is kept by _derived, after reading)."""
    conditions: list[ColumnElement[bool]] = []
    if scope is not None:
        conditions.append(scope)
    if regency_id is not None:
        conditions.append(Agency.regency_id == regency_id)
    if agency_id is not None:
        conditions.append(Pact.agency_id == agency_id)
    if signed_year is not None:
        conditions.append(Pact.signed_on >= date(signed_year, 1, 1))
        conditions.append(Pact.signed_on < date(signed_year + 1, 1, 1))
    if q:
        conditions.append(_search(q))
    if status is not None and today is not None:
        conditions.extend(today.condition(status))
    # Without each zone's today only withdrawal narrows the query (the status is kept after).
    elif status is PactStatus.WITHDRAWN:
        conditions.append(Pact.withdrawn_at.is_not(None))
    elif status is not None:
        conditions.append(Pact.withdrawn_at.is_(None))
    return conditions


def _narrowed(stmt: Select[Any], **criteria: Any) -> Select[Any]:
    """Narrow a statement over Pact joined with its Agency by a filter's stored criteria."""
    return stmt.where(*_conditions(**criteria))


def _filtered(
    regency_id: int | None,
    agency_id: int | None,
    status: PactStatus | None,
    scope: ColumnElement[bool] | None = None,
    q: str | None = None,
    signed_year: int | None = None,
    today: SqlToday | None = None,
) -> Select[*tuple[Any, ...]]:
    return _narrowed(
        _rows_statement(),
        regency_id=regency_id,
        agency_id=agency_id,
        status=status,
        scope=scope,
        q=q,
        signed_year=signed_year,
        today=today,
    )


def list_and_keep(
    session: Session, *, now: datetime, due_soon_days: int, regency_id: int, where: PactFilter
) -> tuple[list[PactRow], list[PactRow]]:
    """Return every pact of a regency, and those ``where`` keeps in its order: one statement.

    For a page that shows a regency's figures (every pact) above its filtered list. The filter
    is read as a column of the same statement (the same conditions as list_pacts' WHERE), its
    derived status after reading.
    """
    refresh_stale(session)
    today = SqlToday(session, now, due_soon_days)
    conditions = _conditions(**where.conditions(), today=today)
    kept = case((and_(*conditions), 1), else_=0) if conditions else literal(1)
    stmt = _ordered(_filtered(regency_id, None, None), where.sort).add_columns(kept.label("kept"))
    today_in = _TodayCache(now)
    every: list[PactRow] = []
    listed: list[PactRow] = []
    for record in session.execute(stmt):
        row = _to_row(record, today_in, due_soon_days)
        every.append(row)
        if record.kept and (where.status is None or row.status == where.status):
            listed.append(row)
    return every, _sorted_rows(listed, where.sort)


def kept_by(
    session: Session, where: PactFilter, *, now: datetime, due_soon_days: int
) -> ColumnElement[bool]:
    """Return a condition on ``Pact.id`` keeping the pacts ``where`` keeps (its order aside).

    For lists of something else about pacts (the feeds' status changes). The stored criteria
    are a subquery; a status other than withdrawn is derived, so those pacts are read first.
    """
    refresh_stale(session)
    today = SqlToday(session, now, due_soon_days)
    ids = _narrowed(
        select(Pact.id)
        .join(Agency, Pact.agency_id == Agency.id)
        .join(Regency, Agency.regency_id == Regency.id),
        **where.conditions(),
        today=today,
    )
    return Pact.id.in_(ids)


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
    signed_year: int | None = None,
) -> list[PactRow]:
    """List pacts with their derived status, newest first, optionally filtered.

    ``scope`` is a policy scope (``policy.pacts_visible_to(user)``) for staff lists.

    The status depends on each regency's local date, so it is derived in Python by the one
    rule (pacts.rules.pact_status) from one aggregated query; the status filter applies after.
    """
    refresh_stale(session)
    today = SqlToday(session, now, due_soon_days) if status is not None else None
    stmt = _filtered(regency_id, agency_id, status, scope, q, signed_year, today)
    rows = list(
        _derived(session, _ordered(stmt, sort), now=now, due_soon_days=due_soon_days, status=status)
    )
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
    refresh_stale(session)
    today = SqlToday(session, now, due_soon_days) if status is not None else None
    stmt = _ordered(
        _filtered(regency_id, agency_id, status, q=q, signed_year=signed_year, today=today), sort
    )
    rows = _derived(
        session,
        stmt.execution_options(yield_per=batch_size),
        now=now,
        due_soon_days=due_soon_days,
        status=status,
    )
    if _derived_order(sort):
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
    signed_year: int | None = None,
) -> Page[PactRow]:
    """Return one page of pacts; unless ordered by a derived column (days left, status) only
    that page is read and derived (a status filter is read in SQL, see SqlToday)."""
    refresh_stale(session)
    today = SqlToday(session, now, due_soon_days) if status is not None else None
    stmt = _ordered(_filtered(regency_id, agency_id, status, scope, q, signed_year, today), sort)
    if _derived_order(sort):
        rows = _derived(session, stmt, now=now, due_soon_days=due_soon_days, status=status)
        return paginate(_sorted_rows(list(rows), sort), page=page, per_page=per_page)
    total = session.execute(
        select(func.count()).select_from(stmt.order_by(None).subquery())
    ).scalar_one()
    one_page = stmt.limit(per_page).offset((page - 1) * per_page)
    items = _derived(session, one_page, now=now, due_soon_days=due_soon_days, status=status)
    return Page(list(items), page, per_page, total)


def _get_row(session: Session, pact_id: int, now: datetime, due_soon_days: int) -> PactRow:
    """Return one pact's row, derived exactly as the lists derive it; raise NotFound."""
    refresh_stale(session)
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


def status_counts(
    session: Session, *, now: datetime, due_soon_days: int
) -> dict[int, dict[PactStatus, int]]:
    """Count each regency's pacts by status: one grouped statement over the pacts' stored
    facts (no finding read), the status read in SQL against each zone's today."""
    refresh_stale(session)
    today = SqlToday(session, now, due_soon_days)
    # Grouped in an outer statement: the same CASE bound twice is not the same expression.
    inner = (
        select(Agency.regency_id.label("regency_id"), today.status.label("status"))
        .select_from(Pact)
        .join(Agency, Pact.agency_id == Agency.id)
        .join(Regency, Agency.regency_id == Regency.id)
        .subquery()
    )
    counts: dict[int, dict[PactStatus, int]] = {}
    unread: set[int] = set()
    for regency_id, status, n in session.execute(
        select(inner.c.regency_id, inner.c.status, func.count()).group_by(
            inner.c.regency_id, inner.c.status
        )
    ):
        if status is None:
            unread.add(regency_id)  # a zone without a today in SQL: derived below
        else:
            counts.setdefault(regency_id, {})[PactStatus(status)] = int(n)
    for regency_id in unread:
        counts[regency_id] = {}
        rows = list_pacts(session, now=now, regency_id=regency_id, due_soon_days=due_soon_days)
        for row in rows:
            counts[regency_id][row.status] = counts[regency_id].get(row.status, 0) + 1
    return counts


def deadline_extremes(
    session: Session, *, now: datetime, due_soon_days: int, limit: int
) -> tuple[list[PactRow], list[PactRow]]:
    """Return the running pacts nearest their deadline and the longest overdue, ``limit`` each.

    Each reads a few rows by the (standing, deadline) index: the ``limit`` earliest deadlines
    that can be ahead (or past) somewhere, and any within a day of the last of them (zones
    differ by a day at most), derived and ordered by days left as nearest_deadlines and
    most_overdue order them.
    """
    refresh_stale(session)
    today = SqlToday(session, now, due_soon_days)
    first, last = min(today.today.values()), max(today.today.values())
    deadline = Pact.current_deadline_on
    running = Pact.standing == PactStanding.RUNNING

    ahead, late = deadline >= first, deadline < last

    def nth(window: ColumnElement[bool]) -> Any:
        # The limit-th earliest deadline in the window (None when it holds fewer pacts).
        stmt = select(deadline).where(running, window).order_by(deadline, Pact.id)
        return stmt.offset(limit - 1).limit(1).scalar_subquery()

    bounds = session.execute(select(nth(ahead), nth(late))).one()

    def window(kind: ColumnElement[bool], bound: date | None) -> ColumnElement[bool]:
        if bound is None:
            return kind
        return and_(kind, deadline <= bound + timedelta(days=1))

    stmt = _rows_statement().where(running, or_(window(ahead, bounds[0]), window(late, bounds[1])))
    rows = list(_derived(session, stmt, now=now, due_soon_days=due_soon_days, status=None))
    return nearest_deadlines(rows, limit), most_overdue(rows, limit)
