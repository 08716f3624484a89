"""Read models of the landing pages: the regent's office's dashboard, an agency's own work, and
the agencies' league table the public regency page shows too."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.clock import local_today
from tracker.findings.models import Finding
from tracker.findings.queries import (
    OpenFindingRow,
    QueueRow,
    count_verification_queue,
    list_open_findings,
    list_verification_queue,
)
from tracker.findings.rules import FindingCategory, FindingStatus
from tracker.notifications.models import Notification
from tracker.notifications.rules import ESCALATION_KINDS, escalation_key
from tracker.pacts.models import Pact, PactExtension
from tracker.pacts.queries import PactRow, list_pacts, most_overdue
from tracker.pacts.rules import PactOutcome, PactStatus, effective_deadline, pact_status
from tracker.regencies.models import Regency

# The league table ranks no agency on fewer findings than this, and gives no median of fewer
# closed findings: a rank or a median of one or two is noise, not a measure.
MIN_SAMPLE = 3
# How many month ends the status chart shows (the current month counts up to today).
HISTORY_MONTHS = 12
# Findings neither closed nor found impossible to follow up: the ones an agency still owes.
OPEN_STATUSES = frozenset(FindingStatus) - {FindingStatus.CLOSED, FindingStatus.UNRESOLVABLE}


@dataclass(frozen=True)
class OverdueRow:
    """An overdue pact, how many days past its deadline, and the escalation rung it reached."""

    pact: PactRow
    days_overdue: int
    # The highest rung recorded in the outbox for the deadline in force; None: none yet.
    rung: int | None


@dataclass(frozen=True)
class LeagueRow:
    """One agency in the league table."""

    agency_id: int
    agency_name: str
    regency_name: str
    findings_total: int
    findings_open: int
    findings_closed: int
    # Days past the deadline of its longest-overdue pact (0: none overdue).
    days_overdue: int
    # Median days from the pact's signing (or the finding's recording) to its closing; None
    # below MIN_SAMPLE closed findings.
    median_days_to_close: float | None
    # 1 is the most open findings; None: too few findings to rank.
    rank: int | None
    has_demo: bool


@dataclass(frozen=True)
class League:
    """The league table with what it counts: the period, the totals and the demo records."""

    rows: list[LeagueRow]
    agencies_total: int
    pacts_total: int
    findings_total: int
    findings_closed: int
    demo_pacts: int
    # First signing (or recording) counted and today, as the regency's local dates.
    period_start: date | None
    period_end: date
    min_sample: int = MIN_SAMPLE

    @property
    def ranked(self) -> int:
        """Count the agencies with enough findings to rank."""
        return sum(1 for r in self.rows if r.rank is not None)


@dataclass(frozen=True)
class MonthStatus:
    """How many pacts had each status at the end of a month (or today, for this month)."""

    on: date
    counts: dict[PactStatus, int]

    @property
    def total(self) -> int:
        """Count the pacts signed (or recorded) by then."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class FindingMatrix:
    """Findings counted by category (rows) and status (columns)."""

    cells: dict[FindingCategory, dict[FindingStatus, int]]
    by_status: dict[FindingStatus, int]
    by_category: dict[FindingCategory, int]
    total: int


@dataclass(frozen=True)
class Dashboard:
    """The regent's office's dashboard of one regency, or of every regency (a superadmin's)."""

    regency: Regency | None
    today: date
    pacts_total: int
    counts: dict[PactStatus, int]
    overdue: list[OverdueRow]
    due_soon: list[PactRow]
    queue: list[QueueRow]
    queue_total: int
    findings: FindingMatrix
    league: League
    history: list[MonthStatus] = field(default_factory=list)


@dataclass(frozen=True)
class AgencyOverview:
    """An OPD's landing page: its pacts and the findings it still has to close."""

    agency: Agency
    pacts: list[PactRow]
    open_findings: list[OpenFindingRow]


def _regency_filter(regency_id: int | None) -> ColumnElement[bool]:
    return true() if regency_id is None else Agency.regency_id == regency_id


def _today(session: Session, regency_id: int | None, now: datetime) -> date:
    """The regency's local date (every regency's: the earliest zone's, which is the latest)."""
    if regency_id is not None:
        return local_today(now, session.get_one(Regency, regency_id).timezone)
    zones = session.execute(select(Regency.timezone).distinct()).scalars()
    return min((local_today(now, z) for z in zones), default=now.date())


def escalation_rungs(session: Session, pacts: list[PactRow]) -> dict[int, int]:
    """Return the highest escalation rung each pact reached for its deadline in force.

    Read from the outbox: a rung counts once its notice is recorded there (sent or not), under
    the key of the current deadline, so an extended pact starts again from no rung.
    """
    by_id = {p.id: p for p in pacts if p.deadline_on is not None}
    if not by_id:
        return {}
    rows = session.execute(
        select(Notification.pact_id, Notification.kind, Notification.key).where(
            Notification.pact_id.in_(by_id),
            Notification.kind.in_([k.value for k in ESCALATION_KINDS.values()]),
        )
    )
    reached: dict[int, int] = {}
    for pact_id, _kind, key in rows:
        if pact_id is None:
            continue
        pact = by_id[pact_id]
        for rung in ESCALATION_KINDS:
            if pact.deadline_on and key.startswith(escalation_key(rung, pact.id, pact.deadline_on)):
                reached[pact.id] = max(reached.get(pact.id, 0), rung)
    return reached


def finding_matrix(session: Session, *, regency_id: int | None) -> FindingMatrix:
    """Count the findings of a regency (None: every regency) by category and status."""
    rows = session.execute(
        select(Finding.category, Finding.status, func.count(Finding.id))
        .join(Agency, Finding.agency_id == Agency.id)
        .where(_regency_filter(regency_id))
        .group_by(Finding.category, Finding.status)
    )
    cells = {c: dict.fromkeys(FindingStatus, 0) for c in FindingCategory}
    for category, status, n in rows:
        cells[FindingCategory(category)][FindingStatus(status)] = int(n)
    by_status = {s: sum(cells[c][s] for c in FindingCategory) for s in FindingStatus}
    by_category = {c: sum(cells[c].values()) for c in FindingCategory}
    return FindingMatrix(cells, by_status, by_category, sum(by_category.values()))


def league_table(
    session: Session,
    *,
    regency_id: int | None,
    now: datetime,
    due_soon_days: int,
    pacts: list[PactRow] | None = None,
    today: date | None = None,
) -> League:
    """Rank a regency's agencies by open findings (most first), then by days overdue.

    Every finding recorded for the agency counts, from the first pact signed to today; an
    agency with fewer than MIN_SAMPLE findings gets no rank, and its median days to close is
    given only over at least MIN_SAMPLE closed findings. A caller that has the regency's pacts
    (as list_pacts derives them) and its local date passes them: one statement is then read.
    """
    if pacts is None:
        pacts = list_pacts(session, now=now, regency_id=regency_id, due_soon_days=due_soon_days)
    # Each agency with each of its findings (or none): one statement.
    records = list(
        session.execute(
            select(
                Agency.id.label("agency_id"),
                Agency.name.label("agency_name"),
                Regency.name.label("regency_name"),
                Regency.timezone,
                Finding.id.label("finding_id"),
                Finding.pact_id,
                Finding.status,
                Finding.created_at,
                Finding.closed_at,
            )
            .join(Regency, Agency.regency_id == Regency.id)
            .outerjoin(Finding, Finding.agency_id == Agency.id)
            .where(_regency_filter(regency_id))
            .order_by(Agency.name, Agency.id)
        )
    )
    agencies = list({r.agency_id: r for r in records}.values())
    signed = {p.id: p.signed_on for p in pacts}
    demo = {p.id for p in pacts if p.is_demo}
    overdue: dict[int, int] = defaultdict(int)
    for p in pacts:
        if p.status is PactStatus.OVERDUE and p.days_left is not None:
            overdue[p.agency_id] = max(overdue[p.agency_id], -p.days_left)
    total: Counter[int] = Counter()
    still_open: Counter[int] = Counter()
    closing_days: dict[int, list[int]] = defaultdict(list)
    with_demo: set[int] = set()
    starts: list[date] = []
    for f in records:
        if f.finding_id is None:
            continue
        zone = ZoneInfo(f.timezone)
        begun = signed.get(f.pact_id) or local_today(f.created_at, zone)
        starts.append(begun)
        total[f.agency_id] += 1
        if f.pact_id in demo:
            with_demo.add(f.agency_id)
        if FindingStatus(f.status) in OPEN_STATUSES:
            still_open[f.agency_id] += 1
        if f.status == FindingStatus.CLOSED and f.closed_at is not None:
            closing_days[f.agency_id].append(max(0, (local_today(f.closed_at, zone) - begun).days))
    rows = [
        LeagueRow(
            agency_id=a.agency_id,
            agency_name=a.agency_name,
            regency_name=a.regency_name,
            findings_total=total[a.agency_id],
            findings_open=still_open[a.agency_id],
            findings_closed=len(closing_days[a.agency_id]),
            days_overdue=overdue[a.agency_id],
            median_days_to_close=(
                float(statistics.median(closing_days[a.agency_id]))
                if len(closing_days[a.agency_id]) >= MIN_SAMPLE
                else None
            ),
            rank=None,
            has_demo=a.agency_id in with_demo,
        )
        for a in agencies
    ]
    order = sorted(rows, key=lambda r: (-r.findings_open, -r.days_overdue, r.agency_name))
    ranked = [r for r in order if r.findings_total >= MIN_SAMPLE]
    rank_of = {r.agency_id: i for i, r in enumerate(ranked, start=1)}
    final = [
        LeagueRow(**{**r.__dict__, "rank": rank_of.get(r.agency_id)})
        for r in order
        if r.agency_id in rank_of
    ] + [r for r in order if r.agency_id not in rank_of]
    starts.extend(p.signed_on for p in pacts if p.signed_on is not None)
    return League(
        rows=final,
        agencies_total=len(agencies),
        pacts_total=len(pacts),
        findings_total=sum(total.values()),
        findings_closed=sum(len(v) for v in closing_days.values()),
        demo_pacts=len(demo),
        period_start=min(starts, default=None),
        period_end=today if today is not None else _today(session, regency_id, now),
    )


def _month_ends(today: date, months: int) -> list[date]:
    """The last day of each of the ``months`` months before this one, then ``today``."""
    ends = [today]
    first = today.replace(day=1)
    for _ in range(months - 1):
        last = first.fromordinal(first.toordinal() - 1)
        ends.append(last)
        first = last.replace(day=1)
    return list(reversed(ends))


def status_history(
    session: Session,
    *,
    regency_id: int | None,
    now: datetime,
    due_soon_days: int,
    months: int = HISTORY_MONTHS,
) -> list[MonthStatus]:
    """Count the pacts by the status each had at every month end, by the one status rule.

    A pact counts from its signing (an undated one from its recording). At each month end its
    deadline is the one in force then, its findings closed or found impossible to follow up by
    then count so, and a withdrawal or decision counts from its day; an outcome "not recorded"
    has no day and counts throughout.
    """
    pacts = list(
        session.execute(
            select(
                Pact.id,
                Pact.signed_on,
                Pact.period_months,
                Pact.created_at,
                Pact.withdrawn_at,
                Pact.outcome,
                Pact.outcome_on,
                Regency.timezone,
            )
            .join(Agency, Pact.agency_id == Agency.id)
            .join(Regency, Agency.regency_id == Regency.id)
            .where(_regency_filter(regency_id))
        )
    )
    ids = [p.id for p in pacts]
    zone_of = {p.id: ZoneInfo(p.timezone) for p in pacts}
    findings: dict[int, list[tuple[date | None, date | None]]] = defaultdict(list)
    for pact_id, finding_status, closed_at, unresolvable_at in session.execute(
        select(Finding.pact_id, Finding.status, Finding.closed_at, Finding.unresolvable_at).where(
            Finding.pact_id.in_(ids)
        )
    ):
        if pact_id is None:
            continue
        zone = zone_of[pact_id]
        closed_on = (
            local_today(closed_at, zone)
            if closed_at and finding_status == FindingStatus.CLOSED
            else None
        )
        unresolvable_on = (
            local_today(unresolvable_at, zone)
            if unresolvable_at and finding_status == FindingStatus.UNRESOLVABLE
            else None
        )
        findings[pact_id].append((closed_on, unresolvable_on))
    extensions: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for pact_id, new_on, created_at in session.execute(
        select(
            PactExtension.pact_id, PactExtension.new_deadline_on, PactExtension.created_at
        ).where(PactExtension.pact_id.in_(ids))
    ):
        extensions[pact_id].append((local_today(created_at, zone_of[pact_id]), new_on))
    history = []
    for on in _month_ends(_today(session, regency_id, now), months):
        counts = dict.fromkeys(PactStatus, 0)
        for p in pacts:
            zone = zone_of[p.id]
            start = p.signed_on or local_today(p.created_at, zone)
            if start > on:
                continue
            granted = [new for made, new in extensions[p.id] if made <= on]
            outcome = None
            if p.outcome is not None:
                value = PactOutcome(p.outcome)
                if value is PactOutcome.NOT_RECORDED or (p.outcome_on and p.outcome_on <= on):
                    outcome = value
            rows = findings[p.id]
            closed = [c for c, _u in rows if c is not None and c <= on]
            unresolvable = [u for _c, u in rows if u is not None and u <= on]
            status = pact_status(
                deadline_on=effective_deadline(
                    p.signed_on, p.period_months, max(granted, default=None)
                ),
                today=on,
                findings_total=len(rows),
                findings_open=len(rows) - len(closed) - len(unresolvable),
                last_closed_on=max(closed, default=None),
                due_soon_days=due_soon_days,
                withdrawn=p.withdrawn_at is not None and local_today(p.withdrawn_at, zone) <= on,
                outcome=outcome,
            )
            counts[status] += 1
        history.append(MonthStatus(on, counts))
    return history


def dashboard(
    session: Session,
    *,
    regency_id: int | None,
    now: datetime,
    due_soon_days: int,
    queue_limit: int = 10,
    list_limit: int | None = 20,
) -> Dashboard:
    """Gather the dashboard of a regency (None: of every regency, for a superadmin).

    ``list_limit`` caps the overdue and due-soon lists (None: every pact, as the monthly report
    lists them); ``queue_limit`` the verification queue's rows (0: none, only its count).
    """
    pacts = list_pacts(session, now=now, regency_id=regency_id, due_soon_days=due_soon_days)
    counts = Counter(p.status for p in pacts)
    late = most_overdue(pacts, len(pacts) if list_limit is None else list_limit)
    rungs = escalation_rungs(session, late)
    soon = sorted(
        (p for p in pacts if p.status is PactStatus.DUE_SOON),
        key=lambda p: (p.days_left if p.days_left is not None else 0, p.id),
    )
    regency_ids = (
        [regency_id]
        if regency_id is not None
        else list(session.execute(select(Regency.id).order_by(Regency.id)).scalars())
    )
    queue = sorted(
        (
            row
            for rid in (regency_ids if queue_limit else [])
            for row in list_verification_queue(session, regency_id=rid, now=now, limit=queue_limit)
        ),
        key=lambda r: (r.submitted_at is not None, r.submitted_at or now, r.finding_id),
    )[:queue_limit]
    return Dashboard(
        regency=session.get_one(Regency, regency_id) if regency_id is not None else None,
        today=_today(session, regency_id, now),
        pacts_total=len(pacts),
        counts={status: counts.get(status, 0) for status in PactStatus},
        overdue=[
            OverdueRow(p, -p.days_left if p.days_left is not None else 0, rungs.get(p.id))
            for p in late
        ],
        due_soon=soon if list_limit is None else soon[:list_limit],
        queue=queue,
        queue_total=sum(count_verification_queue(session, regency_id=rid) for rid in regency_ids),
        findings=finding_matrix(session, regency_id=regency_id),
        league=league_table(
            session,
            regency_id=regency_id,
            now=now,
            due_soon_days=due_soon_days,
            pacts=pacts,
            today=_today(session, regency_id, now),
        ),
        history=status_history(
            session, regency_id=regency_id, now=now, due_soon_days=due_soon_days
        ),
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
