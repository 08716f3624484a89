"""Finding categories and statuses, and which status changes are allowed."""

from __future__ import annotations

from enum import StrEnum


class FindingLimit:
    """How long each text of a finding may be: the columns, services and forms read it."""

    TITLE = 300
    DESCRIPTION = 2000
    CAPTION = 300
    NOTE = 1000
    COMMENT = 2000
    # Why the regent's office says a finding cannot be followed up (shown publicly), or why
    # it takes that back.
    REASON = 2000


class FindingCategory(StrEnum):
    """The assessment dimension a finding belongs to."""

    INPUT = "input"
    PROCESS = "process"
    OUTPUT = "output"
    COMPLAINTS = "complaints"


class FindingStatus(StrEnum):
    """Follow-up status, after BPK's SIPTL."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    CLOSED = "closed"
    # SIPTL's "tidak dapat ditindaklanjuti": decided by the regent's office with a reason;
    # neither closed nor a breach (DOMAIN.md section 5).
    UNRESOLVABLE = "unresolvable"


# DOMAIN.md section 5: open → in_progress (evidence) → submitted → closed or returned; a returned
# finding goes back to in_progress with new evidence before it can be submitted again.
# The regent's office may say a finding that is not closed cannot be followed up (unresolvable),
# and take that back: the finding is open again, or in progress if it already has evidence.
_UNRESOLVABLE = FindingStatus.UNRESOLVABLE
ALLOWED_TRANSITIONS: dict[FindingStatus, frozenset[FindingStatus]] = {
    FindingStatus.OPEN: frozenset({FindingStatus.IN_PROGRESS, _UNRESOLVABLE}),
    FindingStatus.IN_PROGRESS: frozenset({FindingStatus.SUBMITTED, _UNRESOLVABLE}),
    FindingStatus.SUBMITTED: frozenset(
        {FindingStatus.CLOSED, FindingStatus.RETURNED, _UNRESOLVABLE}
    ),
    FindingStatus.RETURNED: frozenset({FindingStatus.IN_PROGRESS, _UNRESOLVABLE}),
    FindingStatus.CLOSED: frozenset(),
    _UNRESOLVABLE: frozenset({FindingStatus.OPEN, FindingStatus.IN_PROGRESS}),
}


def can_transition(current: FindingStatus, target: FindingStatus) -> bool:
    """Tell whether a finding may move from ``current`` to ``target``."""
    return target in ALLOWED_TRANSITIONS[current]


def can_mark_unresolvable(status: FindingStatus) -> bool:
    """Tell whether a finding may be declared impossible to follow up: any state but closed."""
    return can_transition(status, FindingStatus.UNRESOLVABLE)


def reopened_status(has_evidence: bool) -> FindingStatus:
    """Return the status an unresolvable finding goes back to: in progress with evidence, else
    open."""
    return FindingStatus.IN_PROGRESS if has_evidence else FindingStatus.OPEN


def is_submittable(status: FindingStatus, has_evidence: bool) -> bool:
    """Tell whether a finding may go to review now: with evidence, from a status that allows it."""
    return has_evidence and can_transition(status, FindingStatus.SUBMITTED)


class EvidenceKind(StrEnum):
    """What a piece of evidence is."""

    PHOTO = "photo"
    PDF = "pdf"
    LINK = "link"


class ReviewDecision(StrEnum):
    """A verifier's decision on a submitted finding."""

    APPROVE = "approve"
    RETURN = "return"


def is_web_address(url: str | None) -> bool:
    """Tell whether an evidence address may be a link: http(s) only, never javascript: or data:."""
    return bool(url) and str(url).strip().lower().startswith(("http://", "https://"))
