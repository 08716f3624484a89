"""Public-only read models for the exports, feeds, calendars and snapshots.

Every row here holds only fields DOMAIN.md section 10 calls public. Nothing is read from
accounts, reviews, evidence or notifications, and the audit trail is read through a
whitelist of actions and of the keys of their ``changes``, never its actor.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.audit.models import AuditEvent
from tracker.audit.public import STATUS_CHANGES
from tracker.clock import local_today
from tracker.errors import BadFilter, NotFound
from tracker.findings.models import Finding
from tracker.findings.queries import finding_search
from tracker.findings.rules import FindingStatus
from tracker.pacts.models import Pact, PactExtension
from tracker.pacts.queries import PactFilter, PactRow, iter_pacts
from tracker.pacts.rules import PactOutcome, PactStatus, effective_deadline
from tracker.pagination import parse_year
from tracker.readmodels import from_row, prefixed
from tracker.regencies.models import Regency
from tracker.regencies.queries import find_regency
from tracker.sorting import parse_query

# Rows are read from the database this many at a time.
BATCH_SIZE = 500
# The whole dataset (a snapshot's).
EVERY_PACT = PactFilter()


def pact_url(base_url: str, pact_id: int) -> str:
    """Return the absolute address of a pact's public page."""
    return f"{base_url.rstrip('/')}/pakta/{pact_id}"


@dataclass(frozen=True)
class ExportFilter:
    """What an export of findings, commitments or events is narrowed to: a regency, a status
    (of findings), a year, a search (pacts are read by pacts.queries.parse_pact_filter)."""

    regency: Regency | None = None
    status: str | None = None
    year: int | None = None
    q: str | None = None


def _parse_status(value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is None or value == "":
        return None
    if value not in allowed:
        choices = ", ".join(allowed)
        raise BadFilter(
            _l("Unknown status %(value)s; use one of: %(choices)s.", value=value, choices=choices),
            fields={"status": _l("one of: %(choices)s", choices=choices)},
        )
    return value


def _parse_regency(session: Session, value: str | None) -> Regency | None:
    if value is None or value == "":
        return None
    regency = find_regency(session, value)
    if regency is None:
        raise BadFilter(
            _l("There is no regency with the slug %(slug)s.", slug=value),
            fields={"regency": _l("unknown regency")},
        )
    return regency


def parse_filter(
    session: Session, args: Mapping[str, str], *, statuses: tuple[str, ...]
) -> ExportFilter:
    """Read ``regency`` (slug), ``status``, ``year`` and ``q`` from a query string; raise
    BadFilter."""
    return ExportFilter(
        regency=_parse_regency(session, args.get("regency")),
        status=_parse_status(args.get("status"), statuses),
        year=parse_year(args.get("year")),
        q=parse_query(args.get("q")),
    )


PACT_STATUSES = tuple(s.value for s in PactStatus)
FINDING_STATUSES = tuple(s.value for s in FindingStatus)


def extension_counts(session: Session, *, regency_id: int | None = None) -> dict[int, int]:
    """Return how many times each extended pact was extended (pacts never extended are absent)."""
    stmt = select(PactExtension.pact_id, func.count(PactExtension.id)).group_by(
        PactExtension.pact_id
    )
    if regency_id is not None:
        stmt = (
            stmt.join(Pact, PactExtension.pact_id == Pact.id)
            .join(Agency, Pact.agency_id == Agency.id)
            .where(Agency.regency_id == regency_id)
        )
    return {pact_id: int(n) for pact_id, n in session.execute(stmt)}


def pact_records(
    session: Session,
    *,
    where: PactFilter = EVERY_PACT,
    now: datetime,
    base_url: str,
    due_soon_days: int,
) -> Iterator[dict[str, Any]]:
    """Yield one public record per pact (the fields of exports.PACT_FIELDS) ``where`` keeps,
    in its order (newest first by default): the rows of the list with the same filter."""
    # Read before the streaming query starts: a server-side cursor holds the connection.
    extensions = extension_counts(session, regency_id=where.regency_id)
    rows = iter_pacts(
        session,
        now=now,
        due_soon_days=due_soon_days,
        batch_size=BATCH_SIZE,
        **where.criteria(),
    )
    for row in rows:
        yield pact_record(row, extensions.get(row.id, 0), base_url)


def pact_record(row: PactRow, extensions: int, base_url: str) -> dict[str, Any]:
    """Return the public record of one pact."""
    return {
        "pact_id": row.id,
        "regency": row.regency_name,
        "regency_slug": row.regency_slug,
        "agency": row.agency_name,
        "signatory_name": row.signatory_name,
        "signatory_title": row.signatory_title,
        "signed_on": row.signed_on,
        "deadline_on": row.deadline_on,
        "original_deadline_on": row.original_deadline_on,
        "extensions": extensions,
        "status": row.status.value,
        "outcome": row.outcome.value if row.outcome else None,
        "outcome_on": row.outcome_on,
        "findings_total": row.findings_total,
        "findings_closed": row.findings_closed,
        "findings_unresolvable": row.findings_unresolvable,
        "is_demo": row.is_demo,
        "url": pact_url(base_url, row.id),
    }


def finding_records(
    session: Session, *, export_filter: ExportFilter, base_url: str
) -> Iterator[dict[str, Any]]:
    """Yield one public record per finding of a pact, in the pacts' order, then by finding id.

    A finding not (yet) covered by a pact has no public page and is left out. ``q`` searches
    as the staff lists do (findings.queries.finding_search).
    """
    stmt = (
        select(
            Finding.id,
            Finding.pact_id,
            Finding.category,
            Finding.code,
            Finding.title,
            Finding.status,
            Finding.submitted_at,
            Finding.closed_at,
            Finding.unresolvable_at,
            Finding.unresolvable_reason,
            Pact.is_demo,
            *prefixed("agency", Agency.name),
            *prefixed("regency", Regency.name, Regency.slug),
            Regency.timezone,
        )
        .join(Pact, Finding.pact_id == Pact.id)
        .join(Agency, Pact.agency_id == Agency.id)
        .join(Regency, Agency.regency_id == Regency.id)
        .order_by(Pact.signed_on.is_(None), Pact.signed_on.desc(), Pact.id.desc(), Finding.id)
    )
    if export_filter.regency is not None:
        stmt = stmt.where(Agency.regency_id == export_filter.regency.id)
    if export_filter.status is not None:
        stmt = stmt.where(Finding.status == FindingStatus(export_filter.status))
    if export_filter.year is not None:
        y = export_filter.year
        stmt = stmt.where(Pact.signed_on >= date(y, 1, 1), Pact.signed_on < date(y + 1, 1, 1))
    if export_filter.q:
        stmt = stmt.where(finding_search(export_filter.q))
    zones: dict[str, ZoneInfo] = {}
    for r in session.execute(stmt.execution_options(yield_per=BATCH_SIZE)):
        zone = zones.setdefault(r.timezone, ZoneInfo(r.timezone))
        yield {
            "finding_id": r.id,
            "pact_id": r.pact_id,
            "regency": r.regency_name,
            "regency_slug": r.regency_slug,
            "agency": r.agency_name,
            "category": r.category.value,
            "code": r.code,
            "title": r.title,
            "status": r.status.value,
            "submitted_on": local_today(r.submitted_at, zone) if r.submitted_at else None,
            "closed_on": local_today(r.closed_at, zone) if r.closed_at else None,
            "unresolvable_on": (
                local_today(r.unresolvable_at, zone) if r.unresolvable_at else None
            ),
            "unresolvable_reason": r.unresolvable_reason,
            "is_demo": r.is_demo,
            "url": pact_url(base_url, r.pact_id),
        }


# Audit actions the public sees as status changes. Anything else (evidence uploads, accounts,
# tokens, demo loads, finding records that duplicate the pact's) stays out of the feeds.
FEED_ACTIONS = tuple(sorted(STATUS_CHANGES))
# The only keys of an event's ``changes`` the feeds may show, per action. A submission's note
# and a review's comment are never among them.
_PUBLIC_CHANGES = {
    "pact.extended": ("from", "to", "reason"),
    "pact.withdrawn": ("reason",),
    "pact.reinstated": ("reason",),
    "pact.recorded": ("findings",),
    # The decision is public: its kind, date and note (the "after" of the event).
    "pact.outcome_recorded": ("after",),
    # The reason the regent's office gives is public (DOMAIN.md section 5); a reopening's is not.
    "finding.unresolvable": ("note",),
}
FEED_LIMIT = 100
# The audit actions that change a pact's recorded outcome (and so its calendar event).
OUTCOME_ACTIONS = ("pact.outcome_recorded", "pact.outcome_cleared")


@dataclass(frozen=True)
class FeedEvent:
    """A public status change of a pact or one of its findings."""

    id: int
    at: datetime
    action: str
    pact_id: int
    regency_slug: str
    regency_name: str
    agency_name: str
    signatory_name: str | None
    signatory_title: str
    signed_on: date | None
    original_deadline_on: date | None
    finding_title: str | None
    details: dict[str, Any]
    # An invented demo pact: every entry of it says so.
    is_demo: bool = False
    # The pact's outcome as recorded today (every entry of a pact whose end no source reports
    # says so).
    outcome: PactOutcome | None = None


def list_feed_events(
    session: Session,
    *,
    regency_id: int | None = None,
    limit: int = FEED_LIMIT,
    pacts: ColumnElement[bool] | None = None,
) -> list[FeedEvent]:
    """Return the newest public status changes (of one regency, or everywhere), newest first.

    ``pacts`` (pacts.queries.kept_by) keeps the changes of the pacts a list's filter keeps.
    """
    stmt = (
        select(
            AuditEvent.id,
            AuditEvent.at,
            AuditEvent.action,
            AuditEvent.changes,
            Pact.id.label("pact_id"),
            Pact.signatory_name,
            Pact.signatory_title,
            Pact.signed_on,
            Pact.period_months,
            Pact.is_demo,
            Pact.outcome,
            *prefixed("agency", Agency.name),
            *prefixed("regency", Regency.slug, Regency.name),
            *prefixed("finding", Finding.title),
        )
        .join(Pact, AuditEvent.pact_id == Pact.id)
        .join(Agency, Pact.agency_id == Agency.id)
        .join(Regency, Agency.regency_id == Regency.id)
        .outerjoin(
            Finding, (AuditEvent.target_type == "finding") & (Finding.id == AuditEvent.target_id)
        )
        .where(AuditEvent.action.in_(FEED_ACTIONS))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    if regency_id is not None:
        stmt = stmt.where(Agency.regency_id == regency_id)
    if pacts is not None:
        stmt = stmt.where(pacts)
    events = []
    for r in session.execute(stmt):
        changes = r.changes if isinstance(r.changes, dict) else {}
        keys = _PUBLIC_CHANGES.get(r.action, ())
        events.append(
            from_row(
                FeedEvent,
                r,
                original_deadline_on=effective_deadline(r.signed_on, r.period_months),
                details={k: changes[k] for k in keys if changes.get(k) is not None},
            )
        )
    return events


@dataclass(frozen=True)
class PactVersion:
    """What a calendar needs to tell an updated event from an old one."""

    extensions: int
    last_modified: datetime
    # How many times an outcome was recorded or cleared (each changes the event).
    outcome_changes: int = 0


def pact_versions(
    session: Session, *, regency_id: int | None = None, pact_id: int | None = None
) -> dict[int, PactVersion]:
    """Return per pact its number of extensions and the instant of its last public change."""
    ext = (
        select(
            PactExtension.pact_id.label("pact_id"),
            func.count(PactExtension.id).label("n"),
            func.max(PactExtension.created_at).label("last_at"),
        )
        .group_by(PactExtension.pact_id)
        .subquery()
    )
    outcomes = (
        select(
            AuditEvent.pact_id.label("pact_id"),
            func.count(AuditEvent.id).label("n"),
            func.max(AuditEvent.at).label("last_at"),
        )
        .where(AuditEvent.action.in_(OUTCOME_ACTIONS))
        .group_by(AuditEvent.pact_id)
        .subquery()
    )
    stmt = (
        select(
            Pact.id,
            Pact.created_at,
            Pact.withdrawn_at,
            ext.c.n,
            ext.c.last_at,
            outcomes.c.n.label("outcome_n"),
            outcomes.c.last_at.label("outcome_at"),
        )
        .join(Agency, Pact.agency_id == Agency.id)
        .outerjoin(ext, ext.c.pact_id == Pact.id)
        .outerjoin(outcomes, outcomes.c.pact_id == Pact.id)
    )
    if regency_id is not None:
        stmt = stmt.where(Agency.regency_id == regency_id)
    if pact_id is not None:
        stmt = stmt.where(Pact.id == pact_id)
    versions = {}
    for r in session.execute(stmt):
        moments = [
            m for m in (r.created_at, r.withdrawn_at, r.last_at, r.outcome_at) if m is not None
        ]
        versions[r.id] = PactVersion(
            extensions=int(r.n or 0),
            last_modified=max(moments),
            outcome_changes=int(r.outcome_n or 0),
        )
    return versions


def get_regency(session: Session, slug: str) -> Regency:
    """Return the regency with this slug; raise NotFound."""
    regency = find_regency(session, slug)
    if regency is None:
        raise NotFound(_l("There is no regency %(slug)s.", slug=slug))
    return regency
