"""Keep each pact's stored facts (deadline in force, finding counts, standing) true to its rows.

Lists filter, count and order pacts by these columns in SQL (tracker.pacts.queries) instead of
aggregating every finding of the country on each request. They are never typed in: whenever a
flush writes a pact, one of its extensions or one of its findings, the pact is recomputed from
its rows at the end of that flush with the rules (pacts.rules: the same ``effective_deadline``
and ``pact_standing`` the derivation uses), so no reader, in this session or another on the
same transaction, ever sees a stale value. Bulk writers that bypass the ORM (the demo
generator, migration 0013) fill the columns themselves with ``stored_values``.

Today plays no part in them: a running pact's status (on track, due soon, overdue) is read in
SQL against each regency's local today, from ``current_deadline_on``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, case, event, func, inspect, select, update
from sqlalchemy.orm import Session, UOWTransaction

from tracker.agencies.models import Agency
from tracker.clock import local_today
from tracker.findings.models import Finding
from tracker.findings.rules import FindingStatus
from tracker.pacts.models import Pact, PactExtension
from tracker.pacts.rules import PactOutcome, effective_deadline, pact_standing
from tracker.regencies.models import Regency

_STALE = "tracker.pacts.stale"
_REZONED = "tracker.pacts.rezoned"
STORED = (
    "current_deadline_on",
    "findings_total",
    "findings_closed",
    "findings_unresolvable",
    "last_closed_on",
    "standing",
)


def stored_values(
    *,
    signed_on: date | None,
    period_months: int,
    extended_to: date | None,
    withdrawn: bool,
    outcome: PactOutcome | None,
    total: int,
    closed: int,
    unresolvable: int,
    last_closed_on: date | None,
) -> dict[str, Any]:
    """Return the stored facts of a pact from its rows (``last_closed_on``: regency-local)."""
    deadline_on = effective_deadline(signed_on, period_months, extended_to)
    return {
        "current_deadline_on": deadline_on,
        "findings_total": total,
        "findings_closed": closed,
        "findings_unresolvable": unresolvable,
        "last_closed_on": last_closed_on,
        "standing": pact_standing(
            deadline_on=deadline_on,
            findings_total=total,
            findings_open=total - closed - unresolvable,
            last_closed_on=last_closed_on,
            withdrawn=withdrawn,
            outcome=outcome,
        ),
    }


# The zones a status query binds a today for: Indonesia's four (WIB twice, WITA, WIT), and any
# other a regency written by this process uses. A row of a zone not among them is kept by the
# SQL filter and judged in Python (tracker.pacts.queries.SqlToday), so no query is needed here.
INDONESIAN_ZONES = frozenset({"Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura"})
_seen_zones: set[str] = set()


def known_zones() -> frozenset[str]:
    """Return the zones a status query compares deadlines in (see above)."""
    return INDONESIAN_ZONES | _seen_zones


def _touched(session: Session) -> set[int]:
    stale: set[int] = session.info.setdefault(_STALE, set())
    return stale


@event.listens_for(Session, "after_flush")
def _mark(session: Session, _context: UOWTransaction) -> None:
    """Mark the pacts whose rows this flush wrote (ids are assigned by now)."""
    stale = _touched(session)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Regency):
            _seen_zones.add(obj.timezone)
            if obj in session.dirty and inspect(obj).attrs.timezone.history.deleted:
                # Its pacts' last closing days are local dates of the zone it had.
                session.info.setdefault(_REZONED, set()).add(obj.id)
        elif isinstance(obj, Pact):
            stale.add(obj.id)
        elif isinstance(obj, PactExtension | Finding):
            if obj.pact_id is not None:
                stale.add(obj.pact_id)
            if isinstance(obj, Finding):
                # A finding moved to another pact leaves the first one changed too.
                stale.update(p for p in inspect(obj).attrs.pact_id.history.deleted or () if p)


@event.listens_for(Session, "after_flush_postexec")
def _refresh_flushed(session: Session, _context: UOWTransaction) -> None:
    """Recompute the marked pacts within the same flush: any session on the same transaction
    (a request beside a test, the sweep after a service) reads them right at once."""
    stale = _touched(session)
    rezoned = session.info.pop(_REZONED, None)
    if rezoned:
        stale.update(
            session.execute(
                select(Pact.id)
                .join(Agency, Pact.agency_id == Agency.id)
                .where(Agency.regency_id.in_(rezoned))
            ).scalars()
        )
    if not stale:
        return
    ids = sorted(stale)
    stale.clear()
    for start in range(0, len(ids), 500):
        refresh(session, ids[start : start + 500])


def refresh_stale(session: Session) -> None:
    """Flush what the session holds (the flush recomputes what it wrote; see above)."""
    session.flush()


def refresh(session: Session, pact_ids: Iterable[int]) -> None:
    """Recompute the stored facts of these pacts from their rows (one read, one update)."""
    ids = list(pact_ids)
    if not ids:
        return
    closed = Finding.status == FindingStatus.CLOSED
    unresolvable = Finding.status == FindingStatus.UNRESOLVABLE

    def of_findings(value: Any) -> Any:
        # A figure of the pact's findings, read by its index on findings.pact_id.
        return select(value).where(Finding.pact_id == Pact.id).scalar_subquery()

    values = []
    for p in session.execute(
        select(
            Pact.id,
            Pact.signed_on,
            Pact.period_months,
            Pact.withdrawn_at,
            Pact.outcome,
            Regency.timezone,
            of_findings(func.count(Finding.id)).label("total"),
            of_findings(func.sum(case((closed, 1), else_=0))).label("closed"),
            of_findings(func.sum(case((unresolvable, 1), else_=0))).label("unresolvable"),
            of_findings(func.max(case((closed, Finding.closed_at)))).label("last_closed_at"),
            select(func.max(PactExtension.new_deadline_on))
            .where(PactExtension.pact_id == Pact.id)
            .scalar_subquery()
            .label("extended_to"),
        )
        .join(Agency, Pact.agency_id == Agency.id)
        .join(Regency, Agency.regency_id == Regency.id)
        .where(Pact.id.in_(ids))
    ):
        last: datetime | None = p.last_closed_at
        values.append(
            {
                "pact_id": p.id,
                **stored_values(
                    signed_on=p.signed_on,
                    period_months=p.period_months,
                    extended_to=p.extended_to,
                    withdrawn=p.withdrawn_at is not None,
                    outcome=p.outcome,
                    total=int(p.total or 0),
                    closed=int(p.closed or 0),
                    unresolvable=int(p.unresolvable or 0),
                    last_closed_on=local_today(last, ZoneInfo(p.timezone)) if last else None,
                ),
            }
        )
    if values:
        table = cast(Table, Pact.__table__)
        statement = (
            update(table)
            .where(table.c.id == bindparam("pact_id"))
            .values({name: bindparam(name) for name in STORED})
        )
        session.connection().execute(statement, values)
    # Objects already loaded read the new values at their next access.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Pact) and obj.id in ids:
            session.expire(obj, list(STORED))
