"""Corrections after signing, in API v1: add findings to a pact, correct a pact or a finding
with a reason, undo a withdrawal. Same services as the staff pages, on the same blueprint."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from tracker.api import serializers as ser
from tracker.api.auth import api_actor, token_required
from tracker.api.blueprint import bp
from tracker.api.parsing import Body
from tracker.api.write import _finding_inputs, _pact_response, _run
from tracker.auth import policy
from tracker.findings import services as findings
from tracker.pacts import services as pacts


@bp.patch("/pacts/<int:pact_id>")
@token_required
def correct_pact(pact_id: int) -> ResponseReturnValue:
    """Correct a typo in a pact: the fields given (null clears an optional one), and a reason."""
    body = Body(known=(*pacts.PACT_CORRECTABLE, "reason"))
    changes: dict[str, object] = {}
    for name in pacts.PACT_CORRECTABLE:
        if name in body.data:
            changes[name] = body.day(name) if name == "signed_on" else body.text(name)
    reason = body.text("reason", required=True) or ""
    _run(body, pacts.correct_pact, pact_id=pact_id, changes=changes, reason=reason)
    return _pact_response(pact_id)


@bp.post("/pacts/<int:pact_id>/findings")
@token_required
def add_pact_findings(pact_id: int) -> ResponseReturnValue:
    """Add findings to a signed pact that still runs (the regency's admin)."""
    body = Body(known=("findings",))
    if "findings" not in body.data:
        body.errors["findings"] = _l("required")
    _run(body, pacts.add_findings, pact_id=pact_id, findings=_finding_inputs(body))
    return _pact_response(pact_id, status=201)


@bp.post("/pacts/<int:pact_id>/reinstate")
@token_required
def reinstate_pact(pact_id: int) -> ResponseReturnValue:
    """Undo the withdrawal of a pact, with a reason (the regency's admin)."""
    body = Body(known=("reason",))
    _run(body, pacts.reinstate_pact, pact_id=pact_id, reason=body.text("reason") or "")
    return _pact_response(pact_id)


@bp.patch("/findings/<int:finding_id>")
@token_required
def correct_finding(finding_id: int) -> ResponseReturnValue:
    """Correct a typo in a finding's title, description or category, with a reason."""
    body = Body(known=(*pacts.FINDING_CORRECTABLE, "reason"))
    changes = {name: body.text(name) for name in pacts.FINDING_CORRECTABLE if name in body.data}
    finding = _run(
        body,
        findings.correct_finding,
        finding_id=finding_id,
        changes=changes,
        reason=body.text("reason", required=True),
    )
    include = policy.can_read_internal_comments(api_actor(), finding.agency)
    return jsonify(ser.finding_json(finding, include_internal=include))
