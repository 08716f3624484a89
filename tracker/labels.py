"""Translated labels for the enums the interface shows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from tracker.assessments.rules import AssessmentResult, TargetKind, TargetState, Zone
from tracker.auth.models import UserRole
from tracker.commitments.rules import CommitmentKind, EventKind
from tracker.findings.rules import FindingCategory, FindingStatus
from tracker.pacts.rules import PactOutcome, PactStatus

PACT_STATUS: dict[PactStatus, LazyString] = {
    PactStatus.ON_TRACK: _l("On track"),
    PactStatus.DUE_SOON: _l("Due soon"),
    PactStatus.OVERDUE: _l("Overdue"),
    PactStatus.FULFILLED: _l("Fulfilled"),
    PactStatus.FULFILLED_LATE: _l("Fulfilled late"),
    PactStatus.WITHDRAWN: _l("Withdrawn"),
    PactStatus.DECIDED: _l("Decided by the regent"),
    PactStatus.NOT_RECORDED: _l("Outcome not recorded"),
    PactStatus.UNDATED: _l("Date not recorded"),
}

# What each status means, in plain words, for the public (the open data page lists them).
PACT_STATUS_MEANING: dict[PactStatus, LazyString] = {
    PactStatus.ON_TRACK: _l("The deadline is more than 14 days away and findings are still open."),
    PactStatus.DUE_SOON: _l("The deadline is 14 days away or less and findings are still open."),
    PactStatus.OVERDUE: _l(
        "The deadline has passed and findings are still open, and no outcome is recorded."
    ),
    PactStatus.FULFILLED: _l("Every finding was closed by the deadline."),
    PactStatus.FULFILLED_LATE: _l("Every finding was closed, the last one after the deadline."),
    PactStatus.WITHDRAWN: _l("The regent's office cancelled the pact, with a reason."),
    PactStatus.DECIDED: _l(
        "The regent decided how the pact ends (declared fulfilled, a reprimand, replacement,"
        " resignation or another decision); the decision and its date are on the pact's page."
    ),
    PactStatus.NOT_RECORDED: _l(
        "A pact from the past whose end no source reports: it is not known how it ended. This is"
        " not a breach and nobody is said to have missed the deadline."
    ),
    PactStatus.UNDATED: _l(
        "The source gives no signing date, so the pact has no deadline: no days are counted and"
        " it is never called late."
    ),
}

PACT_OUTCOME: dict[PactOutcome, LazyString] = {
    PactOutcome.FULFILLED: _l("Declared fulfilled"),
    PactOutcome.REPRIMAND: _l("Reprimand"),
    PactOutcome.REPLACED: _l("Replaced"),
    PactOutcome.RESIGNED: _l("Resigned"),
    PactOutcome.OTHER: _l("Other decision"),
    PactOutcome.NOT_RECORDED: _l("Outcome not recorded"),
}

FINDING_STATUS: dict[FindingStatus, LazyString] = {
    FindingStatus.OPEN: _l("Not yet followed up"),
    FindingStatus.IN_PROGRESS: _l("In progress"),
    FindingStatus.SUBMITTED: _l("Awaiting verification"),
    FindingStatus.RETURNED: _l("Returned"),
    FindingStatus.CLOSED: _l("Closed"),
    FindingStatus.UNRESOLVABLE: _l("Cannot be followed up"),
}

FINDING_CATEGORY: dict[FindingCategory, LazyString] = {
    FindingCategory.INPUT: _l("Input"),
    FindingCategory.PROCESS: _l("Process"),
    FindingCategory.OUTPUT: _l("Output"),
    FindingCategory.COMPLAINTS: _l("Complaint handling"),
}

ZONE: dict[Zone, LazyString] = {
    Zone.GREEN: _l("Green"),
    Zone.YELLOW: _l("Yellow"),
    Zone.RED: _l("Red"),
    Zone.BLACK: _l("Black"),
}

ASSESSMENT_RESULT: dict[AssessmentResult, LazyString] = {
    AssessmentResult.SCORED: _l("Score"),
    AssessmentResult.ZONE_ONLY: _l("Zone only (the source gives no score)"),
    AssessmentResult.NOT_ASSESSED: _l("Not assessed this year"),
}

TARGET_KIND: dict[TargetKind, LazyString] = {
    TargetKind.ZONE: _l("At least this zone"),
    TargetKind.GRADE: _l("At least this grade"),
    TargetKind.SCORE: _l("At least this score"),
    TargetKind.IMPROVE: _l("A better result than the year before"),
}

TARGET_STATE: dict[TargetState, LazyString] = {
    TargetState.MET: _l("Target met"),
    TargetState.NOT_MET: _l("Target not met"),
    TargetState.AWAITING: _l("Awaiting the result"),
    TargetState.NOT_ASSESSED: _l("Not assessed that year"),
    TargetState.UNDECIDABLE: _l("The recorded result cannot tell"),
}

COMMITMENT_KIND: dict[CommitmentKind, LazyString] = {
    CommitmentKind.REGENCY_PACT: _l("Regency-wide pact"),
    CommitmentKind.MOU: _l("Memorandum of understanding (MoU)"),
    CommitmentKind.COOPERATION: _l("Cooperation agreement"),
}

EVENT_KIND: dict[EventKind, LazyString] = {
    EventKind.MENTORING: _l("Mentoring"),
    EventKind.COORDINATION: _l("Coordination"),
    EventKind.OTHER: _l("Other event"),
}

# Put before the title of an invented demo record where no badge can be shown (feeds, calendars).
# The fields a correction of a pact or a finding may change (audit "changes.fields"), as the
# timelines name them.
CORRECTED_FIELD: dict[str, LazyString] = {
    "signatory_name": _l("signatory's name"),
    "signatory_title": _l("signatory's title"),
    "signed_on": _l("signing date"),
    "pledge": _l("pledge"),
    "sanction": _l("sanction"),
    "witnesses": _l("witnesses"),
    "title": _l("title"),
    "description": _l("description"),
    "category": _l("dimension"),
}


def corrected_fields(names: Iterable[str]) -> str:
    """Name the corrected fields of a timeline step, in the page's language ("title, pledge")."""
    return ", ".join(label_or_key(CORRECTED_FIELD, name) for name in names)


DEMO_MARK = _l("[DEMO, invented]")


def label_or_key(labels: Mapping[str, LazyString], key: str) -> str:
    """Return the label of a stable key (an action, a kind) in the page's language, else the key."""
    label = labels.get(key)
    return str(label) if label is not None else key


@dataclass(frozen=True)
class RoleNames:
    """The names of a role, one for each kind of page that shows it."""

    # The account pages: the office and what the role may do.
    account: LazyString
    # Staff timelines, after the person's name.
    timeline: LazyString
    # The public portal, which names roles, never people.
    public: LazyString


ROLE: dict[UserRole, RoleNames] = {
    UserRole.ADMIN: RoleNames(
        _l("Regent's office (admin)"), _l("Regent's office"), _l("Regent's office")
    ),
    UserRole.OBSERVER: RoleNames(_l("Observer (reads only)"), _l("Observer"), _l("Observer")),
    UserRole.OPD: RoleNames(_l("Agency staff (OPD)"), _l("Agency staff"), _l("Agency (OPD)")),
    UserRole.SUPERADMIN: RoleNames(
        _l("Superadmin"), _l("Superadmin"), _l("Pantau Pakta administrator")
    ),
}
# Who did what on the public portal when no account did: the system itself.
SYSTEM = _l("System")


def _names(role: str | None) -> RoleNames | None:
    """Return the names of a role recorded as its value (an audit event's), None if unknown."""
    try:
        return ROLE[UserRole(role)] if role else None
    except ValueError:
        return None


def role_in_timeline(role: str) -> LazyString | str:
    """Return the staff timeline's name of an actor's recorded role (the value if unknown)."""
    names = _names(role)
    return names.timeline if names else role


def public_role(role: str | None) -> LazyString:
    """Return the public portal's name of an actor's recorded role ("System" for none)."""
    names = _names(role)
    return names.public if names else SYSTEM
