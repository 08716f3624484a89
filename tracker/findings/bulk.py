"""Approve several findings at once with one comment: each its own audited decision, or none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from tracker.auth.models import User
from tracker.errors import DomainError, Invalid
from tracker.findings.models import Review
from tracker.findings.rules import ReviewDecision
from tracker.findings.services import review_finding

# One form approves at most this many findings (a page of the queue and some).
MAX_AT_ONCE = 200


@dataclass(frozen=True)
class Refusal:
    """A finding the reviewer picked that cannot be approved, and why."""

    finding_id: int
    reason: str


class SomeRefused(Invalid):
    """At least one picked finding cannot be approved: none was (the step is rolled back)."""

    def __init__(self, refusals: Sequence[Refusal]) -> None:
        super().__init__(
            _l(
                "No finding was approved: %(n)s of those picked cannot be. "
                "Untick them or open them one by one.",
                n=len(refusals),
            ),
            fields={f"finding-{r.finding_id}": r.reason for r in refusals},
        )
        self.refusals = tuple(refusals)


def approve_findings(
    session: Session,
    *,
    actor: User,
    finding_ids: Sequence[int],
    comment: str | None,
    now: datetime,
    internal: bool = False,
) -> list[Review]:
    """Approve each picked finding through the one review service, with the same comment.

    Every approval is its own decision with its own audit event. All or nothing: when any
    picked finding is refused (not the actor's to review, no longer awaiting verification, its
    own agency's...), the others' approvals are not kept either and SomeRefused lists each
    refusal with its reason, so that nobody has to guess which went through.
    """
    picked = list(dict.fromkeys(finding_ids))
    if not picked:
        raise Invalid(
            _l("Pick at least one finding to approve."),
            fields={"finding": _l("pick at least one finding")},
        )
    if len(picked) > MAX_AT_ONCE:
        raise Invalid(
            _l("At most %(n)s findings can be approved at once.", n=MAX_AT_ONCE),
            fields={"finding": _l("at most %(n)s findings", n=MAX_AT_ONCE)},
        )
    reviews: list[Review] = []
    refusals: list[Refusal] = []
    for finding_id in picked:
        try:
            # A savepoint each: a refusal after some flushes leaves no half-made decision.
            with session.begin_nested():
                reviews.append(
                    review_finding(
                        session,
                        actor=actor,
                        finding_id=finding_id,
                        decision=ReviewDecision.APPROVE.value,
                        comment=comment,
                        internal=internal,
                        now=now,
                    )
                )
        except DomainError as error:
            reason = error.fields.get("comment") or error.detail
            refusals.append(Refusal(finding_id, str(reason)))
    if refusals:
        raise SomeRefused(refusals)
    return reviews
