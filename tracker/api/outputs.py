"""What API v1 answers: one model per response body, and how each is built from a read model.

The models are validated when they are built, so an answer the document does not describe
fails here, in the tests, and never reaches a client.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from flask import Response, url_for
from pydantic import BaseModel, Field

from tracker import labels
from tracker.agencies.models import Agency as AgencyRow
from tracker.api.fields import Day, Instant, LocalTime, Output, Url
from tracker.assessments.queries import TargetView
from tracker.assessments.rules import AssessmentResult, TargetKind, TargetState, Zone
from tracker.audit.queries import TimelineEntry as TimelineRow
from tracker.commitments.rules import CommitmentKind, EventKind
from tracker.findings.models import Evidence as EvidenceRow
from tracker.findings.models import Finding as FindingModel
from tracker.findings.rules import EvidenceKind, FindingCategory, FindingStatus, ReviewDecision
from tracker.pacts.queries import PactDetail, PactRow
from tracker.pacts.rules import PactOutcome, PactStatus
from tracker.pagination import Page as PageOf
from tracker.regencies.models import Regency as RegencyRow
from tracker.spreadsheets.imports import Outcome as ImportOutcome
from tracker.web.errors import InvalidParam, Problem

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


def _absent(value: object) -> bool:
    return value is None


class ImportRow(Output):
    """One row of an assessment file and what committing it does (or did)."""

    line: int = Field(description="The row's line in the file (the header is line 1)")
    agency: str | None = Field(description="The agency's name; null: the regency's own row")
    agency_id: int | None
    outcome: ImportOutcome
    changes: dict[str, Annotated[list[Any], Field(min_length=2, max_length=2)]] | None = Field(
        None,
        exclude_if=_absent,
        description="new or changed rows: each field as [recorded, in the file]; scores as"
        " two-place strings",
    )
    errors: dict[str, str] | None = Field(
        None, exclude_if=_absent, description="error rows: each column and why"
    )


class AssessmentImport(Output):
    """Every row's outcome of an assessment file, and whether anything was saved."""

    regency: str
    year: int | None
    format: ImportFormat
    sha256: str
    committed: bool = Field(description="Whether this request saved anything")
    counts: dict[str, int]
    ignored_columns: list[str]
    rows: list[ImportRow]


class PactImportRow(Output):
    """One pact of a pact file (its rows) and what committing it does (or did)."""

    line: int = Field(description="The pact's first row in the file (header: line 1)")
    lines: list[int] = Field(description="Every row of the pact")
    reference: str | None = Field(description="The pact's document number")
    agency: str | None = Field(description="The agency's name (as found, or as given)")
    agency_id: int | None
    outcome: ImportOutcome = Field(description="new, unchanged, skipped or error")
    findings: int = Field(description="How many findings the file gives the pact")
    pact_id: int | None = Field(
        description="The recorded pact: an unchanged one, or a new one once committed"
    )
    errors: dict[str, str] | None = Field(
        None, exclude_if=_absent, description="error pacts: 'row <line>: <column>' and why"
    )


class PactImport(Output):
    """Every pact's outcome of a pact file, and whether anything was saved."""

    regency: str
    format: ImportFormat
    sha256: str
    committed: bool = Field(description="Whether this request saved anything")
    rows: int = Field(description="The file's data rows")
    counts: dict[str, int] = Field(
        description="Pacts by outcome (changed: always 0, a recorded pact is corrected on its page)"
    )
    findings: int = Field(description="The findings of the new pacts")
    ignored_columns: list[str]
    pacts: list[PactImportRow]


class RefusedImport(Output):
    """A file with refused rows: a problem (RFC 9457) whose rows say why; nothing was saved."""

    type: Url
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    invalid_params: list[InvalidParam] = Field(description="'row <line>: <column>' and why")


class AssessmentImportRefused(RefusedImport, AssessmentImport):
    """An assessment file with refused rows: every row's outcome, nothing saved."""


class PactImportRefused(RefusedImport, PactImport):
    """A pact file with refused rows: every pact's outcome, nothing saved."""


def respond(body: BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Answer with ``body`` as JSON (its model's own serialization)."""
    return Response(
        body.model_dump_json(), status=status, headers=headers, mimetype="application/json"
    )


# --- building them from the read models ------------------------------------------------------


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
