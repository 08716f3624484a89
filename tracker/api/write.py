"""Write endpoints of API v1, behind a bearer token: parse → one service → commit → respond."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from tracker.agencies import services as agencies
from tracker.api import serializers as ser
from tracker.api.auth import api_actor, token_required
from tracker.api.blueprint import bp
from tracker.api.parsing import Body
from tracker.assessments.queries import pact_target
from tracker.auth import policy
from tracker.clock import get_clock
from tracker.errors import Message
from tracker.extensions import db_session
from tracker.findings import services as findings
from tracker.findings.models import Finding
from tracker.pacts import queries as pact_queries
from tracker.pacts import services as pacts
from tracker.pacts.rules import DEFAULT_PERIOD_MONTHS
from tracker.regencies import services as regencies
from tracker.settings import due_soon_days
from tracker.storage import get_file_store
from tracker.web.json import run_json

_FINDING_FIELDS = ("title", "category", "description", "code")

T = TypeVar("T")


def _run(body: Body, service: Callable[..., T], **args: Any) -> T:
    """Run ``service`` with ``args`` for the token's account, now, as the request's unit of work.

    A bad field of ``body`` still lets the service run (see run_json), so one 422 names them all.
    """
    return run_json(
        lambda: service(db_session(), actor=api_actor(), now=get_clock().now(), **args),
        parse_errors=body.errors,
        malformed=body.malformed,
    )


def _pact_response(pact_id: int, status: int = 200) -> ResponseReturnValue:
    detail = pact_queries.get_pact(
        db_session(),
        pact_id=pact_id,
        now=get_clock().now(),
        due_soon_days=due_soon_days(),
    )
    headers = {"Location": url_for("api.pact", pact_id=pact_id)} if status == 201 else {}
    body = ser.pact_detail_json(detail, pact_target(db_session(), pact_id))
    return jsonify(body), status, headers


def _finding_response(finding: Finding) -> ResponseReturnValue:
    include = policy.can_read_internal_comments(api_actor(), finding.agency)
    return jsonify(ser.finding_json(finding, include_internal=include))


@bp.post("/regencies")
@token_required
def create_regency() -> ResponseReturnValue:
    """Add a regency (superadmin)."""
    body = Body(known=("slug", "name", "province", "timezone"))
    fields = {name: body.text(name) or "" for name in ("slug", "name", "province", "timezone")}
    regency = _run(body, regencies.create_regency, **fields)
    location = url_for("api.regency", slug=regency.slug)
    return jsonify(ser.regency_json(regency)), 201, {"Location": location}


@bp.post("/agencies")
@token_required
def create_agency() -> ResponseReturnValue:
    """Record an agency of a regency (that regency's admin)."""
    body = Body(known=("regency", "slug", "name", "kind"))
    agency = _run(
        body,
        agencies.create_agency,
        regency_slug=body.text("regency") or "",
        slug=body.text("slug") or "",
        name=body.text("name") or "",
        kind=body.text("kind") or "",
    )
    return jsonify(ser.agency_json(agency)), 201


def _finding_inputs(body: Body) -> list[pacts.FindingInput]:
    raw = body.data.get("findings", [])
    if not isinstance(raw, list):
        body.errors["findings"] = _l("must be a list of findings")
        return []
    items: list[pacts.FindingInput] = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            body.errors[f"findings[{i}]"] = _l("must be an object with a title and a category")
            # A valid stand-in keeps the service's numbering of the findings after it.
            items.append(pacts.FindingInput(title="-", category="input"))
            continue
        values: dict[str, str | None] = {}
        for name in _FINDING_FIELDS:
            value = item.get(name)
            if value is not None and not isinstance(value, str):
                body.errors[f"findings[{i}].{name}"] = _l("must be a string")
                value = None
            values[name] = value
        for name in item:
            if name not in _FINDING_FIELDS:
                body.errors[f"findings[{i}].{name}"] = _l("unknown field")
        items.append(
            pacts.FindingInput(
                title=values["title"] or "",
                category=values["category"],
                description=values["description"],
                code=values["code"],
            )
        )
    return items


def _target_value(body: Body) -> str | None:
    """A target's value: a zone or a grade as a string, a score as a string or a number."""
    value = body.data.get("target_value")
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    body.errors["target_value"] = _l("must be a string or a number")
    return None


@bp.post("/pacts")
@token_required
def record_pact() -> ResponseReturnValue:
    """Record a signed pact with its findings (the regency's admin)."""
    body = Body(
        known=(
            "agency_id",
            "signatory_name",
            "signatory_title",
            "signed_on",
            "period_months",
            "pledge",
            "sanction",
            "witnesses",
            "findings",
            "outcome_not_recorded",
            "target_kind",
            "target_value",
            "target_year",
        ),
    )
    args: dict[str, Any] = {
        "agency_id": body.integer("agency_id", default=None) or 0,
        "signatory_name": body.text("signatory_name"),
        "signatory_title": body.text("signatory_title") or "",
        "signed_on": body.day("signed_on"),
        "period_months": body.integer("period_months", default=DEFAULT_PERIOD_MONTHS),
        "pledge": body.text("pledge") or "",
        "sanction": body.text("sanction"),
        "witnesses": body.text("witnesses"),
        "findings": _finding_inputs(body),
        "outcome_not_recorded": body.flag("outcome_not_recorded"),
        "target_kind": body.text("target_kind"),
        "target_value": _target_value(body),
        "target_year": body.integer("target_year", default=0) or None,
    }
    pact = _run(body, pacts.record_pact, **args)
    return _pact_response(pact.id, status=201)


@bp.post("/pacts/<int:pact_id>/extend")
@token_required
def extend_pact(pact_id: int) -> ResponseReturnValue:
    """Move a pact's deadline later, with a reason (the regency's admin)."""
    body = Body(known=("new_deadline", "reason"))
    new_deadline, reason = body.day("new_deadline"), body.text("reason") or ""
    _run(body, pacts.extend_pact, pact_id=pact_id, new_deadline_on=new_deadline, reason=reason)
    return _pact_response(pact_id)


@bp.post("/pacts/<int:pact_id>/withdraw")
@token_required
def withdraw_pact(pact_id: int) -> ResponseReturnValue:
    """Cancel a pact with a reason (the regency's admin)."""
    body = Body(known=("reason",))
    _run(body, pacts.withdraw_pact, pact_id=pact_id, reason=body.text("reason") or "")
    return _pact_response(pact_id)


@bp.post("/pacts/<int:pact_id>/outcome")
@token_required
def record_outcome(pact_id: int) -> ResponseReturnValue:
    """Record or correct the regent's decision, or "not recorded" (the regency's admin).

    ``kind`` "extended" records no outcome: it moves the deadline (new_deadline, reason).
    """
    body = Body(known=("kind", "decided_on", "note", "new_deadline", "reason"))
    _run(
        body,
        pacts.record_outcome,
        pact_id=pact_id,
        kind=body.text("kind", required=True) or "",
        decided_on=body.day("decided_on"),
        note=body.text("note"),
        new_deadline_on=body.day("new_deadline"),
        reason=body.text("reason") or "",
    )
    return _pact_response(pact_id)


@bp.delete("/pacts/<int:pact_id>/outcome")
@token_required
def clear_outcome(pact_id: int) -> ResponseReturnValue:
    """Clear a recorded outcome entered by mistake: the status is derived again."""
    run_json(
        lambda: pacts.clear_outcome(
            db_session(), actor=api_actor(), pact_id=pact_id, now=get_clock().now()
        ),
        parse_errors={},
    )
    return _pact_response(pact_id)


@bp.post("/findings/<int:finding_id>/evidence")
@token_required
def add_evidence(finding_id: int) -> ResponseReturnValue:
    """Upload a photo or PDF proving a fix (multipart: file, caption; the agency's staff)."""
    errors: dict[str, Message] = {}
    upload = request.files.get("file")
    if upload is None:
        errors["file"] = _l("required: a JPEG, PNG or PDF file")
    # The client's file name is ignored: the store names files by a random key.
    data = upload.read() if upload is not None else b""
    caption = request.form.get("caption", "")
    evidence = run_json(
        lambda: findings.add_evidence(
            db_session(),
            actor=api_actor(),
            finding_id=finding_id,
            data=data,
            caption=caption,
            store=get_file_store(),
            now=get_clock().now(),
        ),
        parse_errors=errors,
    )
    return jsonify(ser.evidence_json(evidence)), 201


@bp.post("/findings/<int:finding_id>/submit")
@token_required
def submit_finding(finding_id: int) -> ResponseReturnValue:
    """Send a finding for verification (the agency's staff); an optional note."""
    body = Body(known=("note",))
    finding = _run(body, findings.submit_finding, finding_id=finding_id, note=body.text("note"))
    return _finding_response(finding)


@bp.post("/findings/<int:finding_id>/review")
@token_required
def review_finding(finding_id: int) -> ResponseReturnValue:
    """Approve or return a submitted finding (the regent's office, never its own agency)."""
    body = Body(known=("decision", "comment", "internal"))
    review = _run(
        body,
        findings.review_finding,
        finding_id=finding_id,
        decision=body.text("decision") or "",
        comment=body.text("comment"),
        internal=body.flag("internal"),
    )
    return _finding_response(review.finding)


@bp.post("/findings/<int:finding_id>/unresolvable")
@token_required
def declare_unresolvable(finding_id: int) -> ResponseReturnValue:
    """Declare that a finding cannot be followed up, with a public reason (the regent's office)."""
    body = Body(known=("reason",))
    finding = _run(
        body, findings.declare_unresolvable, finding_id=finding_id, reason=body.text("reason")
    )
    return _finding_response(finding)


@bp.post("/findings/<int:finding_id>/reopen")
@token_required
def reopen_finding(finding_id: int) -> ResponseReturnValue:
    """Take back "cannot be followed up", with a reason (the regent's office)."""
    body = Body(known=("reason",))
    finding = _run(body, findings.reopen_finding, finding_id=finding_id, reason=body.text("reason"))
    return _finding_response(finding)
