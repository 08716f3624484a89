"""Write endpoints of API v1, behind a bearer token: read → one service → commit → respond."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import url_for
from flask.typing import ResponseReturnValue

from tracker.agencies import services as agencies
from tracker.api import build
from tracker.api import outputs as out
from tracker.api.auth import api_actor
from tracker.api.inputs import (
    AgencyInput,
    ExtendInput,
    FindingInput,
    FindingReasonInput,
    OutcomeInput,
    PactInput,
    ReasonInput,
    RegencyInput,
    ReviewInput,
    SubmitInput,
)
from tracker.api.outputs import respond
from tracker.api.params import EvidenceUpload
from tracker.api.reading import Parsed, read_form, read_json
from tracker.api.spec import MULTIPART, Answer, operation
from tracker.assessments.queries import pact_target
from tracker.auth import policy
from tracker.clock import get_clock
from tracker.extensions import db_session
from tracker.findings import services as findings
from tracker.findings.models import Finding
from tracker.pacts import queries as pact_queries
from tracker.pacts import services as pacts
from tracker.regencies import services as regencies
from tracker.settings import due_soon_days
from tracker.storage import get_file_store
from tracker.web.json import run_json

T = TypeVar("T")
CREATED = {"Location": "The new object's URL"}
# What the services check of a pact's fields beyond the schema.
PACT_RULES = {
    "agency_id": "an agency the caller can see",
    "signed_on": "not after today in the regency",
    "outcome_not_recorded": "only for a pact whose deadline has passed",
    "target_value": "a zone (green, yellow, red, black or hijau ...), a grade A-E or a score"
    " 0-100 with at most two decimals, as target_kind says",
    "target_year": "at most next year",
    "findings[].code": "a code of the catalogue whose category fits",
}
WRITE = (403, 409, 422)


def run(parsed: Parsed[Any], service: Callable[..., T], **args: Any) -> T:
    """Run ``service`` for the token's account, now, as the request's unit of work.

    A bad field still lets the service run with a stand-in (see run_json): one 422 names them
    all, after the caller's and the object's refusals.
    """
    return run_json(
        lambda: service(db_session(), actor=api_actor(), now=get_clock().now(), **args),
        parse_errors=parsed.errors,
        malformed=parsed.malformed,
    )


def pact_answer(pact_id: int, status: int = 200) -> ResponseReturnValue:
    detail = pact_queries.get_pact(
        db_session(), pact_id=pact_id, now=get_clock().now(), due_soon_days=due_soon_days()
    )
    headers = {"Location": url_for("api.pact", pact_id=pact_id)}
    body = build.pact(detail, pact_target(db_session(), pact_id))
    return respond(body, status, headers if status == 201 else None)


def finding_answer(found: Finding) -> ResponseReturnValue:
    include = policy.can_read_internal_comments(api_actor(), found.agency)
    return respond(build.finding(found, include_internal=include))


def finding_inputs(items: list[FindingInput]) -> list[pacts.FindingInput]:
    return [
        pacts.FindingInput(
            title=f.title, category=f.category, description=f.description, code=f.code
        )
        for f in items
    ]


@operation(
    "POST",
    "/regencies",
    operation_id="createRegency",
    summary="Add a regency (superadmin)",
    tag="regencies",
    answers=(Answer(201, out.Regency, "The new regency", CREATED),),
    refusals=(403, 422),
    body=RegencyInput,
    token=True,
    rules={"slug": "not used by another regency"},
)
def create_regency() -> ResponseReturnValue:
    parsed = read_json(RegencyInput)
    body = parsed.value
    added = run(
        parsed,
        regencies.create_regency,
        slug=body.slug,
        name=body.name,
        province=body.province,
        timezone=body.timezone,
    )
    location = url_for("api.regency", slug=added.slug)
    return respond(build.regency(added), 201, {"Location": location})


@operation(
    "POST",
    "/agencies",
    operation_id="createAgency",
    summary="Record an agency (the regent's office of its regency)",
    tag="agencies",
    answers=(Answer(201, out.Agency, "The new agency"),),
    refusals=(403, 422),
    body=AgencyInput,
    token=True,
    rules={
        "regency": "the slug of a regency that exists",
        "slug": "not used by another agency of the regency",
    },
)
def create_agency() -> ResponseReturnValue:
    parsed = read_json(AgencyInput)
    body = parsed.value
    added = run(
        parsed,
        agencies.create_agency,
        regency_slug=body.regency,
        slug=body.slug,
        name=body.name,
        kind=body.kind,
    )
    return respond(build.agency(added), 201)


@operation(
    "POST",
    "/pacts",
    operation_id="recordPact",
    summary="Record a signed pact with its findings (the regent's office of the regency)",
    tag="pacts",
    answers=(Answer(201, out.Pact, "The recorded pact with its findings' ids", CREATED),),
    refusals=(403, 422),
    body=PactInput,
    token=True,
    rules=PACT_RULES,
)
def record_pact() -> ResponseReturnValue:
    parsed = read_json(PactInput)
    body = parsed.value
    recorded = run(
        parsed,
        pacts.record_pact,
        agency_id=body.agency_id,
        signatory_name=body.signatory_name,
        signatory_title=body.signatory_title,
        signed_on=body.signed_on,
        period_months=body.period_months,
        pledge=body.pledge,
        sanction=body.sanction,
        witnesses=body.witnesses,
        findings=finding_inputs(body.findings),
        outcome_not_recorded=body.outcome_not_recorded,
        target_kind=body.target_kind,
        target_value=body.target_value,
        target_year=body.target_year,
    )
    return pact_answer(recorded.id, status=201)


@operation(
    "POST",
    "/pacts/<int:pact_id>/extend",
    operation_id="extendPact",
    summary="Move a pact's deadline later, with a reason (the regent's office)",
    tag="pacts",
    answers=(Answer(200, out.Pact, "The pact with its new deadline"),),
    refusals=WRITE,
    body=ExtendInput,
    token=True,
    rules={"new_deadline": "after the deadline in force, at most 24 months after it"},
)
def extend_pact(pact_id: int) -> ResponseReturnValue:
    parsed = read_json(ExtendInput)
    body = parsed.value
    run(
        parsed,
        pacts.extend_pact,
        pact_id=pact_id,
        new_deadline_on=body.new_deadline,
        reason=body.reason,
    )
    return pact_answer(pact_id)


@operation(
    "POST",
    "/pacts/<int:pact_id>/withdraw",
    operation_id="withdrawPact",
    summary="Cancel a pact with a reason; it stays on record (the regent's office)",
    tag="pacts",
    answers=(Answer(200, out.Pact, "The withdrawn pact"),),
    refusals=WRITE,
    body=ReasonInput,
    token=True,
)
def withdraw_pact(pact_id: int) -> ResponseReturnValue:
    parsed = read_json(ReasonInput)
    run(parsed, pacts.withdraw_pact, pact_id=pact_id, reason=parsed.value.reason)
    return pact_answer(pact_id)


@operation(
    "POST",
    "/pacts/<int:pact_id>/outcome",
    operation_id="recordPactOutcome",
    summary="Record or correct the regent's decision, or that no source reports the end",
    tag="pacts",
    answers=(Answer(200, out.Pact, "The pact with its outcome"),),
    refusals=WRITE,
    body=OutcomeInput,
    token=True,
    rules={
        "decided_on": "not after today in the regency, not before the signing",
        "kind": "not_recorded only for a pact whose deadline has passed",
        "new_deadline": "after the deadline in force, at most 24 months after it",
    },
)
def record_outcome(pact_id: int) -> ResponseReturnValue:
    parsed = read_json(OutcomeInput)
    body = parsed.value
    run(
        parsed,
        pacts.record_outcome,
        pact_id=pact_id,
        kind=body.kind,
        decided_on=body.decided_on,
        note=body.note,
        new_deadline_on=body.new_deadline,
        reason=body.reason or "",
    )
    return pact_answer(pact_id)


@operation(
    "DELETE",
    "/pacts/<int:pact_id>/outcome",
    operation_id="clearPactOutcome",
    summary="Clear a recorded outcome entered by mistake (the status is derived again)",
    tag="pacts",
    answers=(Answer(200, out.Pact, "The pact without an outcome"),),
    refusals=(403, 409),
    token=True,
)
def clear_outcome(pact_id: int) -> ResponseReturnValue:
    run_json(
        lambda: pacts.clear_outcome(
            db_session(), actor=api_actor(), pact_id=pact_id, now=get_clock().now()
        ),
        parse_errors={},
    )
    return pact_answer(pact_id)


@operation(
    "POST",
    "/findings/<int:finding_id>/evidence",
    operation_id="addEvidence",
    summary="Upload a photo or PDF proving a fix (the agency's staff)",
    tag="findings",
    answers=(Answer(201, out.Evidence, "The stored evidence"),),
    refusals=WRITE,
    body=EvidenceUpload,
    media=MULTIPART,
    token=True,
    rules={"file": "a JPEG, PNG or PDF by its content, within the upload limit"},
)
def add_evidence(finding_id: int) -> ResponseReturnValue:
    parsed = read_form(EvidenceUpload)
    # The client's file name is ignored: the store names files by a random key.
    added = run(
        parsed,
        findings.add_evidence,
        finding_id=finding_id,
        data=parsed.value.file,
        caption=parsed.value.caption,
        store=get_file_store(),
    )
    return respond(build.evidence(added), 201)


@operation(
    "POST",
    "/findings/<int:finding_id>/submit",
    operation_id="submitFinding",
    summary="Send a finding with evidence for verification (the agency's staff)",
    tag="findings",
    answers=(Answer(200, out.Finding, "The submitted finding"),),
    refusals=WRITE,
    body=SubmitInput,
    body_required=False,
    token=True,
)
def submit_finding(finding_id: int) -> ResponseReturnValue:
    parsed = read_json(SubmitInput)
    found = run(parsed, findings.submit_finding, finding_id=finding_id, note=parsed.value.note)
    return finding_answer(found)


@operation(
    "POST",
    "/findings/<int:finding_id>/review",
    operation_id="reviewFinding",
    summary="Approve or return a submitted finding (the regent's office, never its own agency)",
    tag="findings",
    answers=(Answer(200, out.Finding, "The finding with its review"),),
    refusals=WRITE,
    body=ReviewInput,
    token=True,
)
def review_finding(finding_id: int) -> ResponseReturnValue:
    parsed = read_json(ReviewInput)
    body = parsed.value
    review = run(
        parsed,
        findings.review_finding,
        finding_id=finding_id,
        decision=body.decision,
        comment=body.comment,
        internal=body.internal,
    )
    return finding_answer(review.finding)


@operation(
    "POST",
    "/findings/<int:finding_id>/unresolvable",
    operation_id="declareFindingUnresolvable",
    summary="Declare that a finding cannot be followed up, from any state but closed, with the"
    " public reason (SIPTL's \"tidak dapat ditindaklanjuti\"; the regent's office, never for its"
    " own agency)",
    tag="findings",
    answers=(Answer(200, out.Finding, "The finding, now unresolvable"),),
    refusals=WRITE,
    body=FindingReasonInput,
    token=True,
)
def declare_unresolvable(finding_id: int) -> ResponseReturnValue:
    parsed = read_json(FindingReasonInput)
    found = run(
        parsed, findings.declare_unresolvable, finding_id=finding_id, reason=parsed.value.reason
    )
    return finding_answer(found)


@operation(
    "POST",
    "/findings/<int:finding_id>/reopen",
    operation_id="reopenFinding",
    summary='Take back "cannot be followed up", with a reason: the finding is open again (in'
    " progress if it has evidence) (the regent's office)",
    tag="findings",
    answers=(Answer(200, out.Finding, "The reopened finding"),),
    refusals=WRITE,
    body=FindingReasonInput,
    token=True,
)
def reopen_finding(finding_id: int) -> ResponseReturnValue:
    parsed = read_json(FindingReasonInput)
    found = run(parsed, findings.reopen_finding, finding_id=finding_id, reason=parsed.value.reason)
    return finding_answer(found)
