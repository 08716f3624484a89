"""Turn read models into JSON-ready dictionaries (dates as ISO 8601)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import url_for

from tracker import labels
from tracker.agencies.models import Agency
from tracker.assessments.queries import TargetView
from tracker.audit.queries import TimelineEntry
from tracker.findings.models import Evidence, Finding
from tracker.pacts.queries import PactDetail, PactRow
from tracker.pagination import Page
from tracker.regencies.models import Regency


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _fields(obj: object, *names: str) -> dict[str, Any]:
    """Return the attributes of ``obj`` that the JSON shows as they are, under their own names."""
    return {name: getattr(obj, name) for name in names}


def regency_json(regency: Regency) -> dict[str, Any]:
    """Describe a regency."""
    return _fields(regency, "slug", "name", "province", "timezone")


def _agency_ref(agency: Agency) -> dict[str, Any]:
    """Name an agency where another object refers to it (the schema's AgencyRef)."""
    return _fields(agency, "id", "slug", "name")


def agency_json(agency: Agency) -> dict[str, Any]:
    """Describe an agency."""
    return {
        "id": agency.id,
        "regency": agency.regency.slug,
        **_fields(agency, "slug", "name", "kind", "is_demo"),
    }


def outcome_json(row: PactRow) -> dict[str, Any] | None:
    """Describe a pact's recorded outcome (the regent's decision or not recorded), or None."""
    if row.outcome is None:
        return None
    document = (
        url_for("portal.outcome_document", pact_id=row.id, _external=True)
        if row.has_outcome_document
        else None
    )
    return {
        "kind": row.outcome.value,
        "label": str(labels.PACT_OUTCOME[row.outcome]),
        "decided_on": _iso(row.outcome_on),
        "note": row.outcome_note,
        "document_url": document,
    }


def pact_json(row: PactRow) -> dict[str, Any]:
    """Describe a pact as lists show it."""
    return {
        "id": row.id,
        "regency": row.regency_slug,
        "regency_name": row.regency_name,
        "agency": {"id": row.agency_id, "slug": row.agency_slug, "name": row.agency_name},
        "signatory_name": row.signatory_name,
        "signatory_title": row.signatory_title,
        "signed_on": _iso(row.signed_on),
        "period_months": row.period_months,
        "original_deadline": _iso(row.original_deadline_on),
        "deadline": _iso(row.deadline_on),
        "status": row.status.value,
        "outcome": outcome_json(row),
        "days_left": row.days_left,
        "findings_total": row.findings_total,
        "findings_closed": row.findings_closed,
        # Neither open nor closed: SIPTL's "tidak dapat ditindaklanjuti", never a breach.
        "findings_unresolvable": row.findings_unresolvable,
        "is_demo": row.is_demo,
        "source": row.source,
        "url": url_for("api.pact", pact_id=row.id, _external=True),
    }


def target_json(target: TargetView | None) -> dict[str, Any] | None:
    """Describe a target and whether the recorded result met it, or None without one."""
    if target is None:
        return None
    return {
        "kind": target.kind.value,
        "value": target.value,
        "year": target.year,
        "state": target.state.value,
    }


def pact_detail_json(detail: PactDetail, target: TargetView | None) -> dict[str, Any]:
    """Describe a pact with its pledge, findings and target."""
    body = pact_json(detail.row)
    body.update(
        target=target_json(target),
        pledge=detail.pledge,
        sanction=detail.sanction,
        witnesses=detail.witnesses,
        withdrawal_reason=detail.withdrawal_reason,
        findings=[
            {
                "id": f.id,
                "title": f.title,
                "code": f.code,
                "category": f.category.value,
                "status": f.status.value,
                "closed_on": _iso(f.closed_on),
                "unresolvable_on": _iso(f.unresolvable_on),
                "unresolvable_reason": f.unresolvable_reason,
            }
            for f in detail.findings
        ],
    )
    return body


def page_json(
    page: Page[Any], items: list[dict[str, Any]], endpoint: str, **args: Any
) -> dict[str, Any]:
    """Wrap a page of items with its position and links to its neighbours."""

    def link(number: int) -> str:
        return url_for(endpoint, **args, page=number, per_page=page.per_page, _external=True)

    return {
        "items": items,
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
        "next": link(page.page + 1) if page.has_next else None,
        "prev": link(page.page - 1) if page.has_prev else None,
    }


def _instant(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def evidence_json(evidence: Evidence) -> dict[str, Any]:
    """Describe a piece of evidence (its file is never served by the API)."""
    return {
        "id": evidence.id,
        "finding_id": evidence.finding_id,
        "kind": evidence.kind.value,
        "caption": evidence.caption,
        "sha256": evidence.sha256,
        "size_bytes": evidence.size_bytes,
        "content_type": evidence.content_type,
        "uploaded_at": _instant(evidence.uploaded_at),
    }


def finding_json(finding: Finding, *, include_internal: bool) -> dict[str, Any]:
    """Describe a finding with its evidence and reviews.

    Reviews flagged internal are left out unless ``include_internal`` (policy decides who).
    """
    return {
        "id": finding.id,
        "pact_id": finding.pact_id,
        "agency": _agency_ref(finding.agency),
        "title": finding.title,
        "category": finding.category.value,
        "code": finding.code,
        "description": finding.description,
        "status": finding.status.value,
        "submitted_at": _instant(finding.submitted_at),
        "closed_at": _instant(finding.closed_at),
        # Status "unresolvable": when the regent's office said so, and its public reason.
        "unresolvable_at": _instant(finding.unresolvable_at),
        "unresolvable_reason": finding.unresolvable_reason,
        "evidence": [evidence_json(e) for e in finding.evidence],
        "reviews": [
            {
                "decision": r.decision.value,
                "comment": r.comment,
                "internal": r.is_internal,
                "created_at": _instant(r.created_at),
            }
            for r in finding.reviews
            if include_internal or not r.is_internal
        ],
    }


def timeline_json(entries: list[TimelineEntry]) -> dict[str, Any]:
    """Describe a timeline, oldest step first, in UTC and in the regency's local time."""
    return {
        "items": [
            {
                "at": _instant(e.at),
                "local_at": e.local_at.isoformat(),
                "action": e.action,
                "actor_role": e.actor_role,
                "actor_name": e.actor_name,
                "target_type": e.target_type,
                "target_id": e.target_id,
                "changes": e.changes,
            }
            for e in entries
        ]
    }
