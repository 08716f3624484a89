"""Use cases of findings: evidence from the agency, submission, and verification."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.audit.services import record
from tracker.auth import policy
from tracker.auth.models import User
from tracker.errors import Conflict, Forbidden, Invalid, Message, NotFound
from tracker.findings.models import Evidence, Finding, Review
from tracker.findings.previews import store_preview
from tracker.findings.rules import (
    EvidenceKind,
    FindingCategory,
    FindingLimit,
    FindingStatus,
    ReviewDecision,
    can_mark_unresolvable,
    is_submittable,
    reopened_status,
)
from tracker.labels import FINDING_STATUS
from tracker.public_copies import make_public_copy
from tracker.storage import EVIDENCE_TYPES, IMAGES, FileStore
from tracker.text import check_single_line


def load_finding(session: Session, *, actor: User, finding_id: int) -> Finding:
    """Return a finding the actor may read; NotFound otherwise (its existence must not leak)."""
    finding = session.get(Finding, finding_id)
    if finding is None or not policy.can_view_agency(actor, finding.agency):
        raise NotFound(_l("There is no finding with id %(id)s.", id=finding_id))
    return finding


FindingAction = Literal["add_evidence", "submit", "review", "unresolvable"]

# What an actor may do to a finding, with the policy that decides it and the refusal it shows.
_ACTIONS: dict[FindingAction, tuple[Callable[[User, Agency], bool], Message]] = {
    "add_evidence": (
        policy.can_work_on_finding,
        _l("Only the agency's own staff add evidence to its findings."),
    ),
    "submit": (policy.can_work_on_finding, _l("Only the agency's own staff submit its findings.")),
    "review": (
        policy.can_review_finding,
        _l("Only the regent's office verifies findings, never those of its own agency."),
    ),
    "unresolvable": (
        policy.can_declare_unresolvable,
        _l(
            "Only the regent's office decides that a finding cannot be followed up, never for "
            "its own agency."
        ),
    ),
}


def load_finding_for(
    session: Session,
    *,
    actor: User,
    finding_id: int,
    action: FindingAction,
) -> Finding:
    """Return a finding the actor may ``action``; NotFound or Forbidden otherwise."""
    finding = load_finding(session, actor=actor, finding_id=finding_id)
    allowed, refusal = _ACTIONS[action]
    if not allowed(actor, finding.agency):
        raise Forbidden(refusal)
    return finding


def load_evidence_to_publish(session: Session, *, actor: User, evidence_id: int) -> Evidence:
    """Return evidence the actor may publish or unpublish; NotFound or Forbidden otherwise."""
    evidence = session.get(Evidence, evidence_id)
    if evidence is None or not policy.can_view_agency(actor, evidence.finding.agency):
        raise NotFound(_l("There is no evidence with id %(id)s.", id=evidence_id))
    if not policy.can_publish_evidence(actor, evidence.finding.agency):
        raise Forbidden(_l("Only the regent's office publishes evidence."))
    return evidence


def _audit(
    session: Session, actor: User, finding: Finding, action: str, now: datetime, **changes: object
) -> None:
    record(
        session,
        actor=actor,
        action=action,
        target_type="finding",
        target_id=finding.id,
        regency_id=finding.agency.regency_id,
        pact_id=finding.pact_id,
        at=now,
        changes=dict(changes) or None,
    )


def add_evidence(
    session: Session,
    *,
    actor: User,
    finding_id: int,
    data: bytes,
    caption: str,
    store: FileStore,
    now: datetime,
) -> Evidence:
    """Attach a photo or PDF proving a fix; the finding moves to "in progress"."""
    finding = load_finding_for(session, actor=actor, finding_id=finding_id, action="add_evidence")
    if finding.status is FindingStatus.CLOSED:
        raise Conflict(_l("This finding is closed; it needs no more evidence."))
    if finding.status is FindingStatus.SUBMITTED:
        raise Conflict(_l("This finding is awaiting verification; wait for the decision."))
    if finding.status is FindingStatus.UNRESOLVABLE:
        raise Conflict(
            _l(
                "The regent's office has decided this finding cannot be followed up for now; "
                "it takes evidence again once that decision is taken back."
            )
        )
    caption = (caption or "").strip()
    errors: dict[str, Message] = {}
    if not caption:
        errors["caption"] = _l("say what the file shows")
    elif len(caption) > FindingLimit.CAPTION:
        errors["caption"] = _l("at most %(n)s characters", n=FindingLimit.CAPTION)
    check_single_line(errors, {"caption": caption})
    if errors:
        raise Invalid(_l("The evidence could not be added."), fields=errors)
    stored = store.save(data, allowed=EVIDENCE_TYPES, session=session)
    preview_key, page_count = store_preview(store, data, stored.content_type, session=session)
    evidence = Evidence(
        finding=finding,
        kind=EvidenceKind.PHOTO if stored.content_type in IMAGES else EvidenceKind.PDF,
        caption=caption,
        storage_key=stored.key,
        sha256=stored.sha256,
        size_bytes=stored.size_bytes,
        content_type=stored.content_type,
        preview_key=preview_key,
        page_count=page_count,
        uploaded_by_id=actor.id,
        uploaded_at=now,
    )
    session.add(evidence)
    previous = finding.status
    if previous in (FindingStatus.OPEN, FindingStatus.RETURNED):
        finding.status = FindingStatus.IN_PROGRESS
    session.flush()
    _audit(
        session, actor, finding, "evidence.added", now,
        evidence_id=evidence.id, kind=evidence.kind.value, sha256=stored.sha256,
        size_bytes=stored.size_bytes, status={"from": previous.value, "to": finding.status.value},
    )  # fmt: skip
    session.flush()
    return evidence


def _why_not_submittable(finding: Finding) -> Message:
    """Say why a finding cannot go to review now (findings.rules.is_submittable said no)."""
    if finding.status is FindingStatus.OPEN or not finding.evidence:
        return _l("Add at least one piece of evidence before submitting.")
    if finding.status is FindingStatus.RETURNED:
        return _l("Add new evidence that answers the reviewer's comment before submitting again.")
    return _l(
        "A finding that is %(status)s cannot be submitted.", status=FINDING_STATUS[finding.status]
    )


def submit_finding(
    session: Session, *, actor: User, finding_id: int, now: datetime, note: str | None = None
) -> Finding:
    """Send a finding to the regent's office for verification."""
    finding = load_finding_for(session, actor=actor, finding_id=finding_id, action="submit")
    if not is_submittable(finding.status, bool(finding.evidence)):
        raise Conflict(_why_not_submittable(finding))
    if note and len(note.strip()) > FindingLimit.NOTE:
        raise Invalid(
            _l("The finding could not be submitted."),
            fields={"note": _l("at most %(n)s characters", n=FindingLimit.NOTE)},
        )
    previous = finding.status
    finding.status = FindingStatus.SUBMITTED
    finding.submitted_at = now
    _audit(
        session, actor, finding, "finding.submitted", now,
        status={"from": previous.value, "to": finding.status.value},
        note=(note or "").strip() or None,
    )  # fmt: skip
    session.flush()
    return finding


def review_finding(
    session: Session,
    *,
    actor: User,
    finding_id: int,
    decision: str,
    comment: str | None,
    now: datetime,
    internal: bool = False,
) -> Review:
    """Approve (close) or return a submitted finding; a return needs a comment."""
    finding = load_finding_for(session, actor=actor, finding_id=finding_id, action="review")
    try:
        verdict = ReviewDecision(decision)
    except ValueError:
        raise Invalid(
            _l("The decision is not valid."), fields={"decision": _l("approve or return")}
        ) from None
    if finding.status is not FindingStatus.SUBMITTED:
        raise Conflict(
            _l(
                "Only a finding awaiting verification can be reviewed; this one is %(status)s.",
                status=FINDING_STATUS[finding.status],
            )
        )
    comment = (comment or "").strip() or None
    if comment and len(comment) > FindingLimit.COMMENT:
        raise Invalid(
            _l("The decision could not be recorded."),
            fields={"comment": _l("at most %(n)s characters", n=FindingLimit.COMMENT)},
        )
    if verdict is ReviewDecision.RETURN and (not comment or internal):
        # The agency must be able to read why its work came back.
        raise Invalid(
            _l("Say what is still missing."),
            fields={"comment": _l("a comment the agency can read is required to return a finding")},
        )
    review = Review(
        finding=finding,
        reviewer_id=actor.id,
        decision=verdict,
        comment=comment,
        is_internal=internal,
        created_at=now,
    )
    session.add(review)
    if verdict is ReviewDecision.APPROVE:
        finding.status = FindingStatus.CLOSED
        finding.closed_at = now
    else:
        finding.status = FindingStatus.RETURNED
    session.flush()
    action = "finding.approved" if verdict is ReviewDecision.APPROVE else "finding.returned"
    status = {"from": FindingStatus.SUBMITTED.value, "to": finding.status.value}
    _audit(session, actor, finding, action, now, review_id=review.id, status=status)
    session.flush()
    return review


def set_evidence_public(
    session: Session,
    *,
    actor: User,
    evidence_id: int,
    public: bool,
    store: FileStore,
    now: datetime,
) -> Evidence:
    """Publish a piece of evidence on the public pact page, or take it back (the regent's office).

    Publishing is a decision about what citizens may see (a photo may show a face or a
    document a name), so it is the regency admin's, audited, and reversible. The file's
    metadata-free public copy is made here, once, not when the first visitor asks for it;
    a file that cannot be converted is refused (Invalid).
    """
    evidence = load_evidence_to_publish(session, actor=actor, evidence_id=evidence_id)
    if evidence.is_public == public:
        return evidence
    if public and evidence.storage_key is not None:
        if evidence.sha256 is None or evidence.content_type is None:  # pragma: no cover
            raise Invalid(_l("This file cannot be shown publicly."))  # every upload has both
        make_public_copy(
            store, storage_key=evidence.storage_key, sha256=evidence.sha256,
            content_type=evidence.content_type, session=session,
        )  # fmt: skip
    evidence.is_public = public
    _audit(
        session,
        actor,
        evidence.finding,
        "evidence.published" if public else "evidence.unpublished",
        now,
        evidence_id=evidence.id,
    )
    session.flush()
    return evidence


def _reason(reason: str | None, refusal: Message) -> str:
    """Return the stripped reason, or refuse: a reason is required and has a length limit."""
    text = (reason or "").strip()
    if not text:
        raise Invalid(refusal, fields={"reason": _l("say why")})
    if len(text) > FindingLimit.REASON:
        raise Invalid(
            refusal, fields={"reason": _l("at most %(n)s characters", n=FindingLimit.REASON)}
        )
    return text


def declare_unresolvable(
    session: Session, *, actor: User, finding_id: int, reason: str | None, now: datetime
) -> Finding:
    """Declare a finding impossible to follow up for now (SIPTL's "tidak dapat ditindaklanjuti").

    The regent's office decides it, from any state but closed, with a reason the public reads
    (e.g. the fix waits for the revised budget, APBD-P). The finding is then neither open nor
    closed: a pact whose other findings are all closed is fulfilled, and the sweep sends its
    fulfilment notice as when the last finding closes (notifications.sweep).
    """
    finding = load_finding_for(session, actor=actor, finding_id=finding_id, action="unresolvable")
    if not can_mark_unresolvable(finding.status):
        raise Conflict(
            _l(
                "A finding that is %(status)s cannot be declared impossible to follow up.",
                status=FINDING_STATUS[finding.status],
            )
        )
    text = _reason(reason, _l("Say why this finding cannot be followed up."))
    previous = finding.status
    finding.status = FindingStatus.UNRESOLVABLE
    finding.unresolvable_at = now
    finding.unresolvable_reason = text
    _audit(
        session, actor, finding, "finding.unresolvable", now,
        status={"from": previous.value, "to": finding.status.value}, note=text,
    )  # fmt: skip
    session.flush()
    return finding


def reopen_finding(
    session: Session, *, actor: User, finding_id: int, reason: str | None, now: datetime
) -> Finding:
    """Take back "cannot be followed up": the finding is open again (in progress if it has
    evidence) and counts against its pact's deadline once more; a reason is required."""
    finding = load_finding_for(session, actor=actor, finding_id=finding_id, action="unresolvable")
    if finding.status is not FindingStatus.UNRESOLVABLE:
        raise Conflict(
            _l(
                "Only a finding that cannot be followed up can be reopened; this one is "
                "%(status)s.",
                status=FINDING_STATUS[finding.status],
            )
        )
    text = _reason(reason, _l("Say why this finding can be followed up again."))
    finding.status = reopened_status(bool(finding.evidence))
    finding.unresolvable_at = None
    finding.unresolvable_reason = None
    _audit(
        session, actor, finding, "finding.reopened", now,
        status={"from": FindingStatus.UNRESOLVABLE.value, "to": finding.status.value}, note=text,
    )  # fmt: skip
    session.flush()
    return finding


def load_finding_to_correct(session: Session, *, actor: User, finding_id: int) -> Finding:
    """Return a finding whose wording the actor may correct; NotFound or Forbidden otherwise."""
    finding = load_finding(session, actor=actor, finding_id=finding_id)
    if not policy.can_correct_finding(actor, finding.agency):
        raise Forbidden(
            _l("Only the regent's office corrects a finding, never one of its own agency.")
        )
    return finding


def correct_finding(
    session: Session,
    *,
    actor: User,
    finding_id: int,
    changes: dict[str, str | None],
    reason: str | None,
    now: datetime,
) -> Finding:
    """Correct a typo in a finding: ``changes`` maps title, description or category to new values.

    Audited with the values before and after and the reason ("finding.corrected"); the public
    timeline of its pact says that it was corrected and why. Any state: a closed finding's
    record must stay true too. The status, evidence and reviews are untouched.
    """
    finding = load_finding_to_correct(session, actor=actor, finding_id=finding_id)
    errors: dict[str, Message] = {}
    for name in changes:
        if name not in ("title", "description", "category"):
            errors[name] = _l("cannot be corrected")
    before: dict[str, object] = {
        "title": finding.title,
        "description": finding.description,
        "category": finding.category.value,
    }
    after = dict(before)
    for name in before:
        if name in changes:
            after[name] = (changes[name] or "").strip() or None
    title = str(after["title"] or "")
    if not title:
        errors["title"] = _l("a finding needs a title")
    elif len(title) > FindingLimit.TITLE:
        errors["title"] = _l("at most %(n)s characters", n=FindingLimit.TITLE)
    elif after["title"] != before["title"]:
        check_single_line(errors, {"title": title})
    if len(str(after["description"] or "")) > FindingLimit.DESCRIPTION:
        errors["description"] = _l("at most %(n)s characters", n=FindingLimit.DESCRIPTION)
    categories = [c.value for c in FindingCategory]
    if after["category"] not in categories:
        errors["category"] = _l("one of %(allowed)s", allowed=", ".join(sorted(categories)))
    text = (reason or "").strip()
    if not text:
        errors["reason"] = _l("a reason is required")
    elif len(text) > FindingLimit.REASON:
        errors["reason"] = _l("at most %(n)s characters", n=FindingLimit.REASON)
    fields = [name for name in before if before[name] != after[name]]
    if not fields and not errors:
        errors["reason"] = _l("nothing was changed")
    if errors:
        raise Invalid(_l("The finding could not be corrected."), fields=errors)
    finding.title = title
    finding.description = str(after["description"]) if after["description"] else None
    finding.category = FindingCategory(str(after["category"]))
    _audit(
        session, actor, finding, "finding.corrected", now,
        fields=fields, reason=text,
        before={name: before[name] for name in fields},
        after={name: after[name] for name in fields},
    )  # fmt: skip
    session.flush()
    return finding
