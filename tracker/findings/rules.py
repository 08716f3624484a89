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
ALLOWED_TRANSITIONS: dict[FindingStatus, frozenset[FindingStatus]] = {
    FindingStatus.OPEN: frozenset({FindingStatus.IN_PROGRESS}),
    FindingStatus.IN_PROGRESS: frozenset({FindingStatus.SUBMITTED}),
    FindingStatus.SUBMITTED: frozenset({FindingStatus.CLOSED, FindingStatus.RETURNED}),
    FindingStatus.RETURNED: frozenset({FindingStatus.IN_PROGRESS}),
    FindingStatus.CLOSED: frozenset(),
    FindingStatus.UNRESOLVABLE: frozenset(),
}


def can_transition(current: FindingStatus, target: FindingStatus) -> bool:
    """Tell whether a finding may move from ``current`` to ``target``."""
    return target in ALLOWED_TRANSITIONS[current]


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
