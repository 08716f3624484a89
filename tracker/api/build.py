"""Build API v1's answers (tracker.api.outputs) from the read models of the capabilities."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import url_for

from tracker import labels
from tracker.agencies.models import Agency as AgencyRow
from tracker.api.outputs import (
    Agency,
    AgencyRef,
    Evidence,
    Finding,
    Pact,
    PactFinding,
    PactOutcomeView,
    PactSummary,
    Page,
    Regency,
    Review,
    Target,
    Timeline,
    TimelineEntry,
)
from tracker.assessments.queries import TargetView
from tracker.audit.queries import TimelineEntry as TimelineRow
from tracker.findings.models import Evidence as EvidenceRow
from tracker.findings.models import Finding as FindingModel
from tracker.pacts.queries import PactDetail, PactRow
from tracker.pagination import Page as PageOf
from tracker.regencies.models import Regency as RegencyRow


def regency(row: RegencyRow) -> Regency:
    return Regency(slug=row.slug, name=row.name, province=row.province, timezone=row.timezone)


def agency_ref(row: AgencyRow) -> AgencyRef:
    return AgencyRef(id=row.id, slug=row.slug, name=row.name)


def agency(row: AgencyRow) -> Agency:
    return Agency(
        id=row.id,
        regency=row.regency.slug,
        slug=row.slug,
        name=row.name,
        kind=row.kind,
        is_demo=row.is_demo,
    )


def _outcome(row: PactRow) -> PactOutcomeView | None:
    if row.outcome is None:
        return None
    document = (
        url_for("portal.outcome_document", pact_id=row.id, _external=True)
        if row.has_outcome_document
        else None
    )
    return PactOutcomeView(
        kind=row.outcome,
        label=str(labels.PACT_OUTCOME[row.outcome]),
        decided_on=row.outcome_on,
        note=row.outcome_note,
        document_url=document,
    )


def _summary_fields(row: PactRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "regency": row.regency_slug,
        "regency_name": row.regency_name,
        "agency": AgencyRef(id=row.agency_id, slug=row.agency_slug, name=row.agency_name),
        "signatory_name": row.signatory_name,
        "signatory_title": row.signatory_title,
        "signed_on": row.signed_on,
        "period_months": row.period_months,
        "original_deadline": row.original_deadline_on,
        "deadline": row.deadline_on,
        "status": row.status,
        "outcome": _outcome(row),
        "days_left": row.days_left,
        "findings_total": row.findings_total,
        "findings_closed": row.findings_closed,
        "findings_unresolvable": row.findings_unresolvable,
        "is_demo": row.is_demo,
        "source": row.source,
        "url": url_for("api.pact", pact_id=row.id, _external=True),
    }


def pact_summary(row: PactRow) -> PactSummary:
    return PactSummary(**_summary_fields(row))


def target(view: TargetView | None) -> Target | None:
    if view is None:
        return None
    return Target(kind=view.kind, value=view.value, year=view.year, state=view.state)


def pact(detail: PactDetail, goal: TargetView | None) -> Pact:
    return Pact(
        **_summary_fields(detail.row),
        target=target(goal),
        pledge=detail.pledge,
        sanction=detail.sanction,
        witnesses=detail.witnesses,
        withdrawal_reason=detail.withdrawal_reason,
        findings=[
            PactFinding(
                id=f.id,
                title=f.title,
                code=f.code,
                category=f.category,
                status=f.status,
                closed_on=f.closed_on,
                unresolvable_on=f.unresolvable_on,
                unresolvable_reason=f.unresolvable_reason,
            )
            for f in detail.findings
        ],
    )


P = TypeVar("P", bound=Page[Any])


def page(kind: type[P], found: PageOf[Any], items: list[Any], endpoint: str, **args: Any) -> P:
    """Wrap a page of items with its position and links to its neighbours."""

    def link(number: int) -> str:
        return url_for(endpoint, **args, page=number, per_page=found.per_page, _external=True)

    return kind(
        items=items,
        page=found.page,
        per_page=found.per_page,
        total=found.total,
        pages=found.pages,
        next=link(found.page + 1) if found.has_next else None,
        prev=link(found.page - 1) if found.has_prev else None,
    )


def evidence(row: EvidenceRow) -> Evidence:
    has_file = row.storage_key is not None
    return Evidence(
        id=row.id,
        finding_id=row.finding_id,
        kind=row.kind,
        caption=row.caption,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        content_type=row.content_type,
        uploaded_at=row.uploaded_at,
        download_url=(
            url_for("api.evidence_file", evidence_id=row.id, _external=True) if has_file else None
        ),
    )


def finding(row: FindingModel, *, include_internal: bool) -> Finding:
    """Describe a finding; reviews flagged internal only with ``include_internal`` (policy)."""
    return Finding(
        id=row.id,
        pact_id=row.pact_id,
        agency=agency_ref(row.agency),
        title=row.title,
        category=row.category,
        code=row.code,
        description=row.description,
        status=row.status,
        submitted_at=row.submitted_at,
        closed_at=row.closed_at,
        unresolvable_at=row.unresolvable_at,
        unresolvable_reason=row.unresolvable_reason,
        evidence=[evidence(e) for e in row.evidence],
        reviews=[
            Review(
                decision=r.decision,
                comment=r.comment,
                internal=r.is_internal,
                created_at=r.created_at,
            )
            for r in row.reviews
            if include_internal or not r.is_internal
        ],
    )


def timeline(entries: list[TimelineRow]) -> Timeline:
    return Timeline(
        items=[
            TimelineEntry(
                at=e.at,
                local_at=e.local_at,
                action=e.action,
                actor_role=e.actor_role,
                actor_name=e.actor_name,
                target_type=e.target_type,
                target_id=e.target_id,
                changes=e.changes,
            )
            for e in entries
        ]
    )
