"""Corrections after signing, in API v1: add findings to a pact, correct a pact or a finding
with a reason, undo a withdrawal. Same services as the staff pages, on the same blueprint."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from tracker.api import outputs as out
from tracker.api.inputs import FindingCorrection, FindingsInput, PactCorrection, ReasonInput
from tracker.api.reading import read_json
from tracker.api.spec import Answer, operation
from tracker.api.write import (
    PACT_RULES,
    WRITE,
    finding_answer,
    finding_inputs,
    pact_answer,
    run,
)
from tracker.findings import services as findings
from tracker.pacts import services as pacts

_CHANGES = "a correction that changes nothing is refused (named on reason)"


@operation(
    "PATCH",
    "/pacts/<int:pact_id>",
    operation_id="correctPact",
    summary="Correct a typo in a pact: only the fields given change (null clears an optional"
    " one); audited with the values before and after; any state (the regent's office)",
    tag="pacts",
    answers=(Answer(200, out.Pact, "The corrected pact"),),
    refusals=(403, 422),
    body=PactCorrection,
    token=True,
    rules={
        "signed_on": "not after today in the regency; refused once the deadline has been"
        " extended, and after a recorded decision",
        "reason": _CHANGES,
    },
)
def correct_pact(pact_id: int) -> ResponseReturnValue:
    parsed = read_json(PactCorrection)
    body = parsed.value
    changes = {
        name: getattr(body, name)
        for name in pacts.PACT_CORRECTABLE
        if name in body.model_fields_set
    }
    run(parsed, pacts.correct_pact, pact_id=pact_id, changes=changes, reason=body.reason)
    return pact_answer(pact_id)


@operation(
    "POST",
    "/pacts/<int:pact_id>/findings",
    operation_id="addPactFindings",
    summary="Add findings to a signed pact that still runs (not withdrawn, no outcome recorded,"
    " a finding open) (the regent's office)",
    tag="pacts",
    answers=(Answer(201, out.Pact, "The pact with its findings", {"Location": "The pact"}),),
    refusals=WRITE,
    body=FindingsInput,
    token=True,
    rules={"findings[].code": PACT_RULES["findings[].code"]},
)
def add_pact_findings(pact_id: int) -> ResponseReturnValue:
    parsed = read_json(FindingsInput)
    run(parsed, pacts.add_findings, pact_id=pact_id, findings=finding_inputs(parsed.value.findings))
    return pact_answer(pact_id, status=201)


@operation(
    "POST",
    "/pacts/<int:pact_id>/reinstate",
    operation_id="reinstatePact",
    summary="Undo the withdrawal of a pact, with a reason: it runs again (the regent's office)",
    tag="pacts",
    answers=(Answer(200, out.Pact, "The pact, running again"),),
    refusals=WRITE,
    body=ReasonInput,
    token=True,
)
def reinstate_pact(pact_id: int) -> ResponseReturnValue:
    parsed = read_json(ReasonInput)
    run(parsed, pacts.reinstate_pact, pact_id=pact_id, reason=parsed.value.reason)
    return pact_answer(pact_id)


@operation(
    "PATCH",
    "/findings/<int:finding_id>",
    operation_id="correctFinding",
    summary="Correct a typo in a finding's title, description or category, with a reason; its"
    " status, evidence and reviews stay (the regent's office, never for its own agency)",
    tag="findings",
    answers=(Answer(200, out.Finding, "The corrected finding"),),
    refusals=(403, 422),
    body=FindingCorrection,
    token=True,
    rules={"reason": _CHANGES},
)
def correct_finding(finding_id: int) -> ResponseReturnValue:
    parsed = read_json(FindingCorrection)
    body = parsed.value
    changes: dict[str, str | None] = {
        name: getattr(body, name)
        for name in pacts.FINDING_CORRECTABLE
        if name in body.model_fields_set
    }
    found = run(
        parsed, findings.correct_finding, finding_id=finding_id, changes=changes, reason=body.reason
    )
    return finding_answer(found)
