"""The public page of a pact: its promise, extensions, findings, published evidence, timeline."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.audit.models import AuditEvent
from tracker.audit.public import PUBLIC_ACTIONS
from tracker.clock import local_today
from tracker.errors import NotFound
from tracker.findings.models import Evidence, Finding
from tracker.findings.rules import EvidenceKind, FindingCategory, FindingStatus
from tracker.pacts import queries as pact_queries
from tracker.pacts.models import Pact, PactExtension
from tracker.pacts.queries import PactRow
from tracker.pacts.rules import PactOutcome
from tracker.portal.queries.evidence import PublicFile
from tracker.readmodels import from_row
from tracker.storage import PDF


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
    # Status UNRESOLVABLE: the local day the regent's office said so, and its public reason.
    unresolvable_on: date | None = None
    unresolvable_reason: str | None = None


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
    """A step of the public timeline: when, which public action, by which role.

    ``local_at`` is the instant in the regency's zone; ``day`` replaces it for a step known by
    its date only (the signing: no source gives its hour). A recorded outcome carries the
    decision, its date and note (the decision is public).
    """

    id: int
    local_at: datetime | None
    action: str
    role: str | None
    finding_id: int | None
    extended_from: date | None
    extended_to: date | None
    day: date | None = None
    outcome: PactOutcome | None = None
    outcome_on: date | None = None
    # A correction (of the pact or a finding) or an undone withdrawal: its public reason and
    # which fields were corrected (never the values before, never who).
    reason: str | None = None
    corrected: tuple[str, ...] = ()


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


def _outcome_after(changes: dict[str, Any]) -> tuple[PactOutcome | None, date | None]:
    """Read the outcome an outcome event recorded (its public part: the decision and its date)."""
    after = changes.get("after")
    if not isinstance(after, dict):
        return None, None
    kind = after.get("outcome")
    outcome = next((o for o in PactOutcome if o.value == kind), None)
    return outcome, _iso_date(after.get("outcome_on"))


def _timeline(
    session: Session,
    pact_id: int,
    zone: ZoneInfo,
    public_evidence: set[int],
    signed_on: date | None,
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
        local_at: datetime | None = e.at.astimezone(zone)
        day = None
        if e.action == "pact.recorded":
            # The public knows the signing by its date; the instant it was typed in (or the
            # hour a loader gave a pact from the past) is no fact of the pact.
            local_at, day = None, signed_on or local_today(e.at, zone)
            action = "pact.signed" if signed_on else "pact.recorded"
        outcome, outcome_on = (
            _outcome_after(changes) if e.action == "pact.outcome_recorded" else (None, None)
        )
        timeline.append(
            PublicEvent(
                id=e.id,
                local_at=local_at,
                action=action,
                role=e.actor_role,
                finding_id=e.target_id if e.target_type == "finding" else None,
                extended_from=_iso_date(changes.get("from")) if extended else None,
                extended_to=_iso_date(changes.get("to")) if extended else None,
                day=day,
                outcome=outcome,
                outcome_on=outcome_on,
                reason=_public_reason(e.action, changes),
                corrected=_corrected_fields(e.action, changes),
            )
        )
    return timeline


# The steps whose reason the public reads on the timeline (a withdrawal's is on the page).
_REASONED = frozenset({"pact.corrected", "finding.corrected", "pact.reinstated"})


def _public_reason(action: str, changes: dict[str, Any]) -> str | None:
    reason = changes.get("reason") if action in _REASONED else None
    return reason if isinstance(reason, str) else None


def _corrected_fields(action: str, changes: dict[str, Any]) -> tuple[str, ...]:
    fields = changes.get("fields") if action in ("pact.corrected", "finding.corrected") else None
    return tuple(f for f in fields if isinstance(f, str)) if isinstance(fields, list) else ()


def public_pact(session: Session, *, pact_id: int, now: datetime, due_soon_days: int) -> PublicPact:
    """Return the public page of a pact; raise NotFound for an unknown id."""
    detail = pact_queries.get_pact(session, pact_id=pact_id, now=now, due_soon_days=due_soon_days)
    row = detail.row
    zone = ZoneInfo(row.regency_timezone)
    extensions = [
        from_row(PublicExtension, e, granted_on=local_today(e.created_at, zone))
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
        from_row(
            PublicFinding,
            f,
            recorded_on=local_today(f.created_at, zone),
            submitted_on=_local_date(f.submitted_at, zone),
            closed_on=_local_date(f.closed_at, zone),
            unresolvable_on=_local_date(f.unresolvable_at, zone),
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
                Finding.unresolvable_at,
                Finding.unresolvable_reason,
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
            from_row(
                PublicEvidence,
                e,
                has_file=bool(e.has_file),
                uploaded_on=local_today(e.uploaded_at, zone),
            )
        )
    public_ids = {item.id for items in evidence.values() for item in items}
    withdrawn_at = session.execute(select(Pact.withdrawn_at).where(Pact.id == pact_id)).scalar()
    return from_row(
        PublicPact,
        detail,
        id=row.id,
        regency_today=local_today(now, zone),
        withdrawn_on=_local_date(withdrawn_at, zone),
        extensions=extensions,
        findings=findings,
        evidence=dict(evidence),
        timeline=_timeline(session, pact_id, zone, public_ids, row.signed_on),
    )


def get_outcome_document(session: Session, *, pact_id: int) -> PublicFile:
    """Return the document of a pact's recorded decision (public); NotFound without one."""
    found = session.execute(
        select(Pact.id, Pact.outcome_document_key, Pact.outcome_document_sha256).where(
            Pact.id == pact_id,
            Pact.outcome.is_not(None),
            Pact.outcome_document_key.is_not(None),
        )
    ).first()
    if found is None:
        raise NotFound(_l("This pact has no decision document."))
    return PublicFile(found.id, found.outcome_document_key, found.outcome_document_sha256, PDF)
