"""What API v1 answers: one model per response body, and how each is built from a read model.

The models are validated when they are built, so an answer the document does not describe
fails here, in the tests, and never reaches a client.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from flask import Response
from pydantic import BaseModel, Field

from tracker.api.fields import Day, Instant, LocalTime, Output, Url
from tracker.assessments.rules import AssessmentResult, TargetKind, TargetState, Zone
from tracker.commitments.rules import CommitmentKind, EventKind
from tracker.findings.rules import EvidenceKind, FindingCategory, FindingStatus, ReviewDecision
from tracker.pacts.rules import PactOutcome, PactStatus
from tracker.web.errors import Problem

__all__ = ["Problem"]

T = TypeVar("T", bound=Output)

# A score as the API gives it: a two-place decimal string.
Score = Annotated[
    str | None, Field(pattern=r"^\d{1,3}\.\d{2}$", description="0.00-100.00, as a string")
]
ImportFormat = Literal["xlsx", "csv"]


class Regency(Output):
    """A regency (kabupaten): a tenant of the tracker."""

    slug: str
    name: str
    province: str
    timezone: str = Field(description="IANA time zone, e.g. Asia/Makassar")


class AgencyRef(Output):
    """An agency where another object names it."""

    id: int
    slug: str
    name: str


class Agency(AgencyRef):
    """An agency (OPD) of a regency."""

    regency: str = Field(description="The regency's slug")
    kind: str
    is_demo: bool


class PactOutcomeView(Output):
    """The regent's decision at a pact's end, or that no source reports it."""

    kind: PactOutcome = Field(description="not_recorded: no source reports how the pact ended")
    label: str = Field(description="The kind in the request's language")
    decided_on: Day | None = Field(description="The decision's date; null if not recorded")
    note: str | None
    document_url: Url | None = Field(
        description="The decision's document (PDF, served without its metadata)"
    )


class Target(Output):
    """What a pact promises of an assessment in a year, and whether the result met it."""

    kind: TargetKind
    value: str | None = Field(description="The zone, grade or score; null for improve")
    year: int = Field(description="The assessment year the target names")
    state: TargetState = Field(
        description="Read from the recorded result of that year; awaiting while it is not"
        " recorded. A regency pact is never overdue."
    )


class PactSummary(Output):
    """A pact as lists show it."""

    id: int
    regency: str
    regency_name: str
    agency: AgencyRef
    signatory_name: str | None
    signatory_title: str
    signed_on: Day | None
    period_months: int
    original_deadline: Day | None
    deadline: Day | None = Field(description="In force (after any extension)")
    status: PactStatus = Field(
        description="Derived on the day of the request in the regency's local date. decided:"
        " the regent's decision is recorded (see outcome); not_recorded: no source reports how"
        " the pact ended, never a breach; undated: no signing date, so no deadline."
    )
    outcome: PactOutcomeView | None = Field(
        description="The recorded outcome; null when none is (the status is then derived)"
    )
    days_left: int | None = Field(
        description="Negative once the deadline passed; null without a deadline or once an"
        " outcome is recorded (the pact has ended)"
    )
    findings_total: int
    findings_closed: int
    findings_unresolvable: int = Field(
        description="Findings that cannot be followed up: neither open nor closed, never a breach"
    )
    is_demo: bool
    source: str | None
    url: Url


class PactFinding(Output):
    """A finding as a pact lists it."""

    id: int
    title: str
    code: str | None
    category: FindingCategory
    status: FindingStatus
    closed_on: Day | None = Field(description="Local date of the regency")
    unresolvable_on: Day | None = Field(
        description="Status unresolvable: the local day the regent's office said so"
    )
    unresolvable_reason: str | None = Field(
        description="Status unresolvable: why it cannot be followed up (public)"
    )


class Pact(PactSummary):
    """A pact with its pledge, findings and target."""

    target: Target | None = Field(
        description="What the pact promises of its agency's assessment in a year, and whether"
        " the recorded result met it (awaiting while that year's result is not recorded)"
    )
    pledge: str
    sanction: str | None
    witnesses: str | None
    withdrawal_reason: str | None
    findings: list[PactFinding]


class Evidence(Output):
    """A photo or PDF proving a fix (or a link)."""

    id: int
    finding_id: int
    kind: EvidenceKind
    caption: str
    sha256: str | None = Field(description="SHA-256 of the original file, in hex")
    size_bytes: int | None
    content_type: str | None
    uploaded_at: Instant
    download_url: Url | None = Field(
        description="The original file, for a bearer token that may read the finding (the"
        " Repr-Digest header gives its SHA-256); null for a link"
    )


class Review(Output):
    """A verifier's decision on a submitted finding."""

    decision: ReviewDecision
    comment: str | None
    internal: bool = Field(description="Internal reviews are listed only to the regency's staff")
    created_at: Instant


class Finding(Output):
    """A finding with its evidence and reviews."""

    id: int
    pact_id: int | None
    agency: AgencyRef
    title: str
    category: FindingCategory
    code: str | None
    description: str | None
    status: FindingStatus
    submitted_at: Instant | None
    closed_at: Instant | None
    unresolvable_at: Instant | None
    unresolvable_reason: str | None = Field(
        description="Status unresolvable: why it cannot be followed up (public)"
    )
    evidence: list[Evidence]
    reviews: list[Review]


class TimelineEntry(Output):
    """One recorded step."""

    at: Instant = Field(description="UTC")
    local_at: LocalTime = Field(description="The regency's local time, with its offset")
    action: str = Field(examples=["pact.recorded", "finding.submitted"])
    actor_role: str | None
    actor_name: str | None
    target_type: str
    target_id: int
    changes: dict[str, Any] | None


class Timeline(Output):
    """Every recorded step of a pact and its findings, oldest first."""

    items: list[TimelineEntry]


class Page(Output, Generic[T]):
    """A page of a list, with links to its neighbours."""

    items: list[T]
    page: int
    per_page: int
    total: int
    pages: int
    next: Url | None
    prev: Url | None


class RegencyPage(Page[Regency]):
    """A page of regencies, by name."""


class AgencyPage(Page[Agency]):
    """A page of agencies."""


class PactSummaryPage(Page[PactSummary]):
    """A page of pacts, newest signing first."""


class Commitment(Output):
    """A regency-wide pact, MoU or cooperation agreement."""

    id: int
    regency: str
    regency_name: str
    kind: CommitmentKind
    title: str
    signed_on: Day | None = Field(description="Null: the source gives no day")
    signed_year: int | None = Field(description="The signing year, also without a day")
    place: str | None
    parties: list[str]
    signatories: list[str]
    commitments: list[str]
    note: str | None
    target: Target | None = Field(description="Only a regency pact has one")
    source: str | None
    is_demo: bool
    url: Url = Field(description="The public page")


class Event(Output):
    """A mentoring visit, coordination channel or other event."""

    id: int
    regency: str
    regency_name: str
    kind: EventKind
    title: str
    happened_on: Day | None = Field(description="Null: the source gives no day")
    happened_year: int | None = Field(description="Null with happened_on null: not recorded")
    description: str | None
    source: str | None
    is_demo: bool


class CommitmentPage(Page[Commitment]):
    """A page of commitments."""


class EventPage(Page[Event]):
    """A page of events, newest first."""


class Result(Output):
    """One year's result, classified by its year's scheme."""

    year: int
    result: AssessmentResult
    score: Score
    zone: Zone | None
    grade: str | None
    label: str | None = Field(description='Official label with its grade: "B, Kualitas Tinggi"')
    is_provisional: bool = Field(description="The zone comes from a provisional scheme")
    source: str | None
    is_demo: bool


class RegencyResult(Result):
    """A regency's result of a year."""

    rank: int | None = Field(ge=1)
    rank_of: int | None = Field(ge=1)
    note: str | None


class UnitResult(Result):
    """An agency's result of a year, with its four dimensions."""

    agency: AgencyRef
    input_score: Score
    process_score: Score
    output_score: Score
    complaints_score: Score


class AssessmentNote(Output):
    """A note the source gives for a year."""

    year: int
    text: str
    applies_to: str | None = Field(description="Whom the note concerns")
    source: str | None
    is_demo: bool


class Assessments(Output):
    """A regency's results and its units', of one year or of every year."""

    regency: str
    year: int | None
    results: list[RegencyResult]
    unit_results: list[UnitResult]
    notes: list[AssessmentNote]


class AssessmentChanges(Output):
    """What a recording changed: the regency's result and each unit's, by agency slug."""

    regency: Literal["new", "changed", "unchanged"] | None
    units: dict[str, Literal["new", "changed", "unchanged"]]


class AssessmentsRecorded(Assessments):
    """The year's results after recording, and what changed."""

    changes: AssessmentChanges


def respond(body: BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Answer with ``body`` as JSON (its model's own serialization)."""
    return Response(
        body.model_dump_json(), status=status, headers=headers, mimetype="application/json"
    )
