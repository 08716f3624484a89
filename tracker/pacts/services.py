"""Use cases of pacts: record a signed pact with its findings, extend its deadline, withdraw it,
record (or clear) its outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.assessments.rules import TargetKind, check_target
from tracker.audit.services import record
from tracker.auth import policy
from tracker.auth.models import User
from tracker.clock import local_today
from tracker.errors import Conflict, Forbidden, Invalid, Message, NotFound
from tracker.findings.catalogue import BY_CODE
from tracker.findings.models import Finding
from tracker.findings.rules import FindingCategory, FindingLimit, FindingStatus
from tracker.pacts.models import Pact, PactExtension
from tracker.pacts.queries import is_settled
from tracker.pacts.rules import DEFAULT_PERIOD_MONTHS, PactLimit, PactOutcome, effective_deadline
from tracker.public_copies import make_public_copy
from tracker.storage import PDF, FileStore, StoredFile
from tracker.text import check_single_line


@dataclass(frozen=True)
class FindingInput:
    """A finding as the regent's office writes it on a pact (free text or from the catalogue)."""

    title: str
    category: str | None = None
    description: str | None = None
    code: str | None = None


def _text(value: str | None) -> str:
    return (value or "").strip()


def load_pact(session: Session, *, actor: User, pact_id: int) -> Pact:
    """Return a pact the actor may read; NotFound otherwise (its existence must not leak)."""
    pact = session.get(Pact, pact_id)
    if pact is None or not policy.can_view_agency(actor, pact.agency):
        raise NotFound(_l("There is no pact with id %(id)s.", id=pact_id))
    return pact


def load_pact_for_change(
    session: Session, *, actor: User, pact_id: int, refusal: Message | None = None
) -> Pact:
    """Return a pact the actor may extend or withdraw; NotFound or Forbidden otherwise."""
    pact = load_pact(session, actor=actor, pact_id=pact_id)
    if not policy.can_change_pact(actor, pact.agency):
        raise Forbidden(
            refusal or _l("Only the regent's office of this regency changes its pacts.")
        )
    return pact


def _too_early() -> Message:
    return _l("not before %(day)s", day=PactLimit.EARLIEST_DAY.isoformat())


def _too_many_findings() -> Message:
    return _l("at most %(n)s findings on one pact", n=PactLimit.FINDINGS)


def _check_findings(findings: Sequence[FindingInput], errors: dict[str, Message]) -> None:
    categories = {c.value for c in FindingCategory}
    for i, item in enumerate(findings):
        prefix = f"findings[{i}]"
        entry = BY_CODE.get(item.code) if item.code else None
        if item.code and entry is None:
            errors[f"{prefix}.code"] = _l("not a code of the finding catalogue")
        if not _text(item.title):
            errors[f"{prefix}.title"] = _l("a finding needs a title")
        elif len(_text(item.title)) > FindingLimit.TITLE:
            errors[f"{prefix}.title"] = _l("at most %(n)s characters", n=FindingLimit.TITLE)
        if len(_text(item.description)) > FindingLimit.DESCRIPTION:
            errors[f"{prefix}.description"] = _l(
                "at most %(n)s characters", n=FindingLimit.DESCRIPTION
            )
        category = item.category or (entry.category.value if entry else None)
        if category not in categories:
            errors[f"{prefix}.category"] = _l(
                "one of %(allowed)s", allowed=", ".join(sorted(categories))
            )
        check_single_line(errors, {f"{prefix}.title": item.title})


def check_pact_values(
    *,
    signatory_name: str | None,
    signatory_title: str,
    signed_on: date | None,
    pledge: str,
    today: date,
    period_months: int = DEFAULT_PERIOD_MONTHS,
    sanction: str | None = None,
    witnesses: str | None = None,
    findings: Sequence[FindingInput] = (),
    target_kind: str | None = None,
    target_value: str | None = None,
    target_year: int | str | None = None,
    outcome_not_recorded: bool = False,
) -> tuple[tuple[TargetKind | None, str | None, int | None], dict[str, Message]]:
    """Check a pact's values as ``record_pact`` does; return its target and the errors by field.

    ``today`` is the regency's local date. Writes nothing: the spreadsheet import previews
    with it, and record_pact refuses with the same errors.
    """
    errors: dict[str, Message] = {}
    if not _text(signatory_title):
        errors["signatory_title"] = _l("the signatory's title is required")
    for name, value, limit in (
        ("signatory_title", signatory_title, PactLimit.SIGNATORY_TITLE),
        ("signatory_name", signatory_name, PactLimit.SIGNATORY_NAME),
        ("sanction", sanction, PactLimit.SANCTION),
        ("witnesses", witnesses, PactLimit.WITNESSES),
        ("pledge", pledge, PactLimit.PLEDGE),
    ):
        if len(_text(value)) > limit:
            errors[name] = _l("at most %(n)s characters", n=limit)
    if not _text(pledge):
        errors["pledge"] = _l("the pledge is required")
    # Names that mail headers, calendars and letters print on one line.
    check_single_line(
        errors, {"signatory_title": signatory_title, "signatory_name": signatory_name}
    )
    if signed_on is not None and signed_on > today:
        errors["signed_on"] = _l("a signing date cannot be in the future")
    elif signed_on is not None and signed_on < PactLimit.EARLIEST_DAY:
        errors["signed_on"] = _too_early()
    if len(findings) > PactLimit.FINDINGS:
        errors["findings"] = _too_many_findings()
    if not 1 <= period_months <= PactLimit.PERIOD_MONTHS:
        errors["period_months"] = _l("from 1 to %(n)s months", n=PactLimit.PERIOD_MONTHS)
    _check_findings(findings, errors)
    if outcome_not_recorded and "signed_on" not in errors and "period_months" not in errors:
        refusal = _not_recorded_error(signed_on, period_months, None, today)
        if refusal is not None:
            errors["outcome_not_recorded"] = refusal
    # What the pact promises of the agency's next assessment (optional): zone, grade, score.
    (kind, value, year), target_errors = check_target(
        target_kind, target_value, target_year, this_year=today.year
    )
    errors.update(target_errors)
    return (kind, value, year), errors


def record_pact(
    session: Session,
    *,
    actor: User,
    agency_id: int,
    signatory_name: str | None,
    signatory_title: str,
    signed_on: date | None,
    pledge: str,
    now: datetime,
    period_months: int = DEFAULT_PERIOD_MONTHS,
    sanction: str | None = None,
    witnesses: str | None = None,
    findings: Sequence[FindingInput] = (),
    scan: bytes | None = None,
    store: FileStore | None = None,
    reference: str | None = None,
    source: str | None = None,
    target_kind: str | None = None,
    target_value: str | None = None,
    target_year: int | str | None = None,
    is_demo: bool = False,
    outcome_not_recorded: bool = False,
) -> Pact:
    """Record a pact signed by an agency head, with the findings it covers.

    ``reference``, ``source`` and ``is_demo`` say where a loaded pact comes from (the demo
    loader's seed articles and invented pacts); the pages and the API leave them unset.
    ``outcome_not_recorded`` records a pact entered from the past whose end no source reports
    (its deadline must have passed): it is never called overdue.
    """
    agency = session.get(Agency, agency_id)
    if agency is None or not policy.can_view_agency(actor, agency):
        raise Invalid(
            _l("There is no agency with id %(id)s.", id=agency_id),
            fields={"agency_id": _l("unknown agency")},
        )
    if not policy.can_record_pact(actor, agency):
        raise Forbidden(_l("Only the regent's office of this regency records its pacts."))

    today = local_today(now, ZoneInfo(agency.regency.timezone))
    (kind, value, year), errors = check_pact_values(
        signatory_name=signatory_name, signatory_title=signatory_title, signed_on=signed_on,
        pledge=pledge, today=today, period_months=period_months, sanction=sanction,
        witnesses=witnesses, findings=findings, target_kind=target_kind,
        target_value=target_value, target_year=target_year,
        outcome_not_recorded=outcome_not_recorded,
    )  # fmt: skip
    if errors:
        raise Invalid(_l("The pact could not be recorded."), fields=errors)

    pact = Pact(
        agency_id=agency.id,
        signatory_name=_text(signatory_name) or None,
        signatory_title=_text(signatory_title),
        signed_on=signed_on,
        period_months=period_months,
        pledge=_text(pledge),
        sanction=_text(sanction) or None,
        witnesses=_text(witnesses) or None,
        recorded_by_id=actor.id,
        reference=reference,
        source=source,
        is_demo=is_demo,
        target_kind=kind,
        target_value=value,
        target_year=year,
        created_at=now,
    )
    if scan is not None:
        if store is None:
            raise ValueError("a scan needs a file store")
        stored = store.save(scan, allowed={PDF}, field="scan", session=session)
        pact.scan_storage_key, pact.scan_sha256 = stored.key, stored.sha256
        pact.scan_size_bytes = stored.size_bytes
    session.add(pact)
    session.flush()
    # The pact first, then its findings: the timeline reads in the order things were recorded.
    record(
        session, actor=actor, action="pact.recorded", target_type="pact", target_id=pact.id,
        regency_id=agency.regency_id, pact_id=pact.id, at=now,
        changes={
            "agency_id": agency.id, "signed_on": signed_on, "period_months": period_months,
            "findings": len(findings), "scan_sha256": pact.scan_sha256,
        },
    )  # fmt: skip
    _add_finding_rows(session, pact, findings, actor=actor, now=now, action="finding.recorded")
    if outcome_not_recorded:
        _set_outcome(
            session, pact, actor=actor, outcome=PactOutcome.NOT_RECORDED, decided_on=None,
            note=None, document=None, now=now,
        )  # fmt: skip
    session.flush()
    return pact


def _add_finding_rows(
    session: Session,
    pact: Pact,
    findings: Sequence[FindingInput],
    *,
    actor: User,
    now: datetime,
    action: str,
) -> list[Finding]:
    """Store checked findings on a pact, each with its audit event (``action``)."""
    added = []
    for item in findings:
        entry = BY_CODE.get(item.code) if item.code else None
        category = FindingCategory(item.category or (entry.category.value if entry else ""))
        finding = Finding(
            agency_id=pact.agency_id,
            pact_id=pact.id,
            category=category,
            code=item.code or None,
            title=_text(item.title),
            description=_text(item.description) or None,
            status=FindingStatus.OPEN,
            created_at=now,
        )
        session.add(finding)
        session.flush()
        record(
            session, actor=actor, action=action, target_type="finding",
            target_id=finding.id, regency_id=pact.agency.regency_id, pact_id=pact.id, at=now,
            changes={"title": finding.title, "category": category.value, "code": finding.code},
        )  # fmt: skip
        added.append(finding)
    return added


@dataclass(frozen=True)
class _Refusals:
    """What a change of a running pact answers when it may not be made."""

    # To someone who may read the pact but not change it.
    forbidden: Message
    # For a pact already withdrawn, and for one whose findings are all closed.
    withdrawn: Message
    settled: Message
    # For a pact whose outcome is recorded (the regent's decision, or not recorded).
    decided: Message


_EXTEND = _Refusals(
    _l("Only the regent's office of this regency extends its pacts."),
    _l("A withdrawn pact cannot be extended."),
    _l("Every finding of this pact is closed: there is nothing to extend."),
    _l(
        "The outcome of this pact is recorded: to extend it, record the regent's decision"
        " 'extended' instead."
    ),
)
_WITHDRAW = _Refusals(
    _l("Only the regent's office of this regency withdraws its pacts."),
    _l("This pact is already withdrawn."),
    _l("Every finding of this pact is closed: a kept promise is not withdrawn."),
    _l("The outcome of this pact is recorded: clear it before withdrawing the pact."),
)


def _load_running_pact(
    session: Session, *, actor: User, pact_id: int, now: datetime, refusals: _Refusals
) -> Pact:
    """Return a pact the actor may change that still runs: not withdrawn, a finding open."""
    pact = load_pact_for_change(session, actor=actor, pact_id=pact_id, refusal=refusals.forbidden)
    if pact.withdrawn_at is not None:
        raise Conflict(refusals.withdrawn)
    if pact.outcome is not None:
        raise Conflict(refusals.decided)
    if is_settled(session, pact_id=pact.id, now=now):
        raise Conflict(refusals.settled)
    return pact


def _reason_error(reason: str) -> Message | None:
    """Say what is wrong with the reason given for a change of a pact (None: nothing)."""
    if not _text(reason):
        return _l("a reason is required")
    if len(_text(reason)) > PactLimit.REASON:
        return _l("at most %(n)s characters", n=PactLimit.REASON)
    return None


def extend_pact(
    session: Session,
    *,
    actor: User,
    pact_id: int,
    new_deadline_on: date | None,
    reason: str,
    now: datetime,
) -> PactExtension:
    """Move a pact's deadline later, with a reason; the earlier deadline stays on record."""
    pact = _load_running_pact(session, actor=actor, pact_id=pact_id, now=now, refusals=_EXTEND)
    current = pact.deadline_on
    if current is None:
        raise Conflict(_l("A pact without a signing date has no deadline to extend."))
    errors: dict[str, Message] = {}
    if new_deadline_on is None:
        errors["new_deadline"] = _l("a new deadline is required")
    elif new_deadline_on <= current:
        errors["new_deadline"] = _l("must be after the current deadline (%(day)s)", day=current)
    elif new_deadline_on > current + relativedelta(months=PactLimit.EXTENSION_MONTHS):
        errors["new_deadline"] = _l(
            "at most %(n)s months after the current deadline", n=PactLimit.EXTENSION_MONTHS
        )
    if (reason_error := _reason_error(reason)) is not None:
        errors["reason"] = reason_error
    if errors or new_deadline_on is None:
        raise Invalid(_l("The deadline could not be extended."), fields=errors)
    extension = PactExtension(
        pact_id=pact.id,
        previous_deadline_on=current,
        new_deadline_on=new_deadline_on,
        reason=_text(reason),
        created_at=now,
        created_by_id=actor.id,
    )
    session.add(extension)
    session.flush()
    record(
        session, actor=actor, action="pact.extended", target_type="pact", target_id=pact.id,
        regency_id=pact.agency.regency_id, pact_id=pact.id, at=now,
        changes={"from": current, "to": new_deadline_on, "reason": extension.reason},
    )  # fmt: skip
    session.flush()
    session.refresh(pact)
    return extension


def withdraw_pact(
    session: Session, *, actor: User, pact_id: int, reason: str, now: datetime
) -> Pact:
    """Cancel a pact with a reason; it stays on record and on the public page."""
    pact = _load_running_pact(session, actor=actor, pact_id=pact_id, now=now, refusals=_WITHDRAW)
    if (reason_error := _reason_error(reason)) is not None:
        raise Invalid(_l("The pact could not be withdrawn."), fields={"reason": reason_error})
    pact.withdrawn_at = now
    pact.withdrawal_reason = _text(reason)
    record(
        session, actor=actor, action="pact.withdrawn", target_type="pact", target_id=pact.id,
        regency_id=pact.agency.regency_id, pact_id=pact.id, at=now,
        changes={"reason": pact.withdrawal_reason},
    )  # fmt: skip
    session.flush()
    return pact


# --- the outcome: the regent's decision, or "not recorded" ----------------------------------

# The decision that keeps the pact running: a new deadline through extend_pact, no outcome.
EXTENDED = "extended"
# What the form and the API offer, in this order: the decisions that end the pact, the
# extension, and "not recorded" (a pact from the past whose end no source reports).
OUTCOME_CHOICES: tuple[str, ...] = (
    PactOutcome.FULFILLED.value,
    PactOutcome.REPRIMAND.value,
    PactOutcome.REPLACED.value,
    PactOutcome.RESIGNED.value,
    PactOutcome.OTHER.value,
    EXTENDED,
    PactOutcome.NOT_RECORDED.value,
)


def load_pact_for_decision(session: Session, *, actor: User, pact_id: int) -> Pact:
    """Return a pact whose outcome the actor may record or clear; NotFound or Forbidden."""
    pact = load_pact(session, actor=actor, pact_id=pact_id)
    if not policy.can_decide_pact(actor, pact.agency):
        raise Forbidden(
            _l("Only the regent's office of this regency records the regent's decision on a pact.")
        )
    return pact


def _not_recorded_error(
    signed_on: date | None, period_months: int, extended_to: date | None, today: date
) -> Message | None:
    """Say why a pact may not be recorded as "outcome not recorded" (None: it may).

    Only a pact whose deadline has passed has an end a source could fail to report.
    """
    deadline_on = effective_deadline(signed_on, period_months, extended_to)
    if deadline_on is None:
        return _l(
            "only for a pact with a signing date: without one it has no deadline and shows"
            " 'date not recorded'"
        )
    if today <= deadline_on:
        return _l(
            "only for a pact whose deadline has passed: this one runs until %(day)s",
            day=deadline_on,
        )
    return None


def _outcome_of(pact: Pact) -> dict[str, object] | None:
    """Return the recorded outcome as the audit trail keeps it (None: nothing recorded)."""
    if pact.outcome is None:
        return None
    return {
        "outcome": pact.outcome.value,
        "outcome_on": pact.outcome_on,
        "note": pact.outcome_note,
        "document_sha256": pact.outcome_document_sha256,
    }


def _set_outcome(
    session: Session,
    pact: Pact,
    *,
    actor: User,
    outcome: PactOutcome,
    decided_on: date | None,
    note: str | None,
    document: StoredFile | None,
    now: datetime,
    keep_document: bool = False,
) -> None:
    """Write the outcome on the pact and audit it with what it replaced."""
    before = _outcome_of(pact)
    pact.outcome = outcome
    pact.outcome_on = decided_on
    pact.outcome_note = note or None
    if document is not None:
        pact.outcome_document_key = document.key
        pact.outcome_document_sha256 = document.sha256
        pact.outcome_document_size_bytes = document.size_bytes
    elif not keep_document:
        pact.outcome_document_key = None
        pact.outcome_document_sha256 = None
        pact.outcome_document_size_bytes = None
    pact.outcome_recorded_by_id = actor.id
    pact.outcome_recorded_at = now
    record(
        session, actor=actor, action="pact.outcome_recorded", target_type="pact",
        target_id=pact.id, regency_id=pact.agency.regency_id, pact_id=pact.id, at=now,
        changes={"before": before, "after": _outcome_of(pact)},
    )  # fmt: skip


def _clear_outcome(session: Session, pact: Pact, *, actor: User, now: datetime) -> None:
    before = _outcome_of(pact)
    pact.outcome = None
    pact.outcome_on = None
    pact.outcome_note = None
    pact.outcome_document_key = None
    pact.outcome_document_sha256 = None
    pact.outcome_document_size_bytes = None
    pact.outcome_recorded_by_id = None
    pact.outcome_recorded_at = None
    record(
        session, actor=actor, action="pact.outcome_cleared", target_type="pact",
        target_id=pact.id, regency_id=pact.agency.regency_id, pact_id=pact.id, at=now,
        changes={"before": before, "after": None},
    )  # fmt: skip
    session.flush()


def record_outcome(
    session: Session,
    *,
    actor: User,
    pact_id: int,
    kind: str,
    decided_on: date | None,
    note: str | None,
    now: datetime,
    document: bytes | None = None,
    store: FileStore | None = None,
    new_deadline_on: date | None = None,
    reason: str = "",
) -> Pact:
    """Record the regent's decision on a pact, or that no source reports how it ended.

    ``kind`` is one of OUTCOME_CHOICES. A decision (a PactOutcome other than not recorded)
    needs its date: not in the future in the regency's local date, not before the signing; the
    note is required for "other"; ``document`` is an optional PDF, kept by the file store like
    the scan (recording again without one keeps the current document). "Not recorded" takes
    no date and no document, and only a pact whose deadline has passed. "extended" records no
    outcome: it moves the deadline through extend_pact (``new_deadline_on``, ``reason``),
    clearing an outcome recorded before. Recording again corrects the outcome; a withdrawn
    pact takes none.
    """
    pact = load_pact_for_decision(session, actor=actor, pact_id=pact_id)
    if pact.withdrawn_at is not None:
        raise Conflict(_l("This pact was withdrawn: it takes no decision."))
    if kind == EXTENDED:
        if pact.outcome is not None:
            _clear_outcome(session, pact, actor=actor, now=now)
        extend_pact(
            session, actor=actor, pact_id=pact.id, new_deadline_on=new_deadline_on,
            reason=reason, now=now,
        )  # fmt: skip
        return pact
    errors: dict[str, Message] = {}
    outcome = next((o for o in PactOutcome if o.value == kind), None)
    if outcome is None:
        errors["kind"] = _l("one of %(allowed)s", allowed=", ".join(OUTCOME_CHOICES))
    today = local_today(now, ZoneInfo(pact.agency.regency.timezone))
    text = _text(note)
    if len(text) > PactLimit.REASON:
        errors["note"] = _l("at most %(n)s characters", n=PactLimit.REASON)
    if outcome is PactOutcome.NOT_RECORDED:
        if decided_on is not None:
            errors["decided_on"] = _l(
                "no date: 'outcome not recorded' says that no source reports how the pact ended"
            )
        if document is not None:
            errors["document"] = _l("no document: no source reports how the pact ended")
        latest = pact.extensions[-1].new_deadline_on if pact.extensions else None
        refusal = _not_recorded_error(pact.signed_on, pact.period_months, latest, today)
        if refusal is not None:
            errors["kind"] = refusal
    elif outcome is not None:
        if decided_on is None:
            errors["decided_on"] = _l("the date of the decision is required")
        elif decided_on > today:
            errors["decided_on"] = _l("a decision cannot be dated in the future")
        elif decided_on < PactLimit.EARLIEST_DAY:
            errors["decided_on"] = _too_early()
        elif pact.signed_on is not None and decided_on < pact.signed_on:
            errors["decided_on"] = _l(
                "a decision cannot come before the signing (%(day)s)", day=pact.signed_on
            )
        if outcome is PactOutcome.OTHER and not text:
            errors["note"] = _l("say what the regent decided")
    if errors or outcome is None:
        raise Invalid(_l("The outcome could not be recorded."), fields=errors)
    stored = None
    if document is not None:
        if store is None:
            raise ValueError("a document needs a file store")
        stored = store.save(document, allowed={PDF}, field="document", session=session)
        # Public as soon as it is recorded: its metadata-free copy is made now, not when the
        # first visitor asks (tracker.public_copies).
        make_public_copy(
            store, storage_key=stored.key, sha256=stored.sha256, content_type=PDF,
            session=session, field="document",
        )  # fmt: skip
    _set_outcome(
        session, pact, actor=actor, outcome=outcome,
        decided_on=decided_on if outcome is not PactOutcome.NOT_RECORDED else None,
        note=text, document=stored, now=now,
        keep_document=outcome is not PactOutcome.NOT_RECORDED,
    )  # fmt: skip
    session.flush()
    return pact


def clear_outcome(session: Session, *, actor: User, pact_id: int, now: datetime) -> Pact:
    """Remove a pact's recorded outcome (a mistake): its status is derived again."""
    pact = load_pact_for_decision(session, actor=actor, pact_id=pact_id)
    if pact.outcome is None:
        raise Conflict(_l("No outcome is recorded for this pact: there is nothing to clear."))
    _clear_outcome(session, pact, actor=actor, now=now)
    return pact


# --- corrections after signing (issue 13): add findings, correct typos, undo a withdrawal -----

_ADD_FINDINGS = _Refusals(
    _l("Only the regent's office of this regency adds findings to its pacts."),
    _l("A withdrawn pact takes no new findings: undo the withdrawal first."),
    _l("Every finding of this pact is closed: record new findings on a new pact."),
    _l("The outcome of this pact is recorded: it takes no new findings."),
)

# What a correction of a pact may change, in the order the form shows them.
PACT_CORRECTABLE: tuple[str, ...] = (
    "signatory_name",
    "signatory_title",
    "signed_on",
    "pledge",
    "sanction",
    "witnesses",
)
# What a correction of a finding may change.
FINDING_CORRECTABLE: tuple[str, ...] = ("title", "description", "category")


def add_findings(
    session: Session,
    *,
    actor: User,
    pact_id: int,
    findings: Sequence[FindingInput],
    now: datetime,
) -> list[Finding]:
    """Add findings to a signed pact that still runs (one forgotten when it was recorded).

    Each is its own audited step ("finding.added"), shown on the public timeline. A withdrawn
    pact, one whose outcome is recorded, and one whose findings are all closed take none.
    """
    pact = load_pact(session, actor=actor, pact_id=pact_id)
    if not policy.can_add_findings(actor, pact.agency):
        raise Forbidden(_ADD_FINDINGS.forbidden)
    pact = _load_running_pact(
        session, actor=actor, pact_id=pact_id, now=now, refusals=_ADD_FINDINGS
    )
    errors: dict[str, Message] = {}
    if not findings:
        errors["findings"] = _l("add at least one finding")
    elif len(pact.findings) + len(findings) > PactLimit.FINDINGS:
        errors["findings"] = _too_many_findings()
    _check_findings(findings, errors)
    if errors:
        raise Invalid(_l("The findings could not be added."), fields=errors)
    added = _add_finding_rows(session, pact, findings, actor=actor, now=now, action="finding.added")
    session.flush()
    session.refresh(pact)
    return added


def _changed(before: dict[str, object], after: dict[str, object]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def correct_pact(
    session: Session,
    *,
    actor: User,
    pact_id: int,
    changes: dict[str, object],
    reason: str,
    now: datetime,
) -> Pact:
    """Correct a typo in a pact: ``changes`` maps PACT_CORRECTABLE names to their new values.

    Audited with the values before and after and the reason ("pact.corrected"); the public
    timeline says that the pact was corrected, which fields, and why. A correction of the
    signing date moves the deadline derived from it; it is refused once the deadline has been
    extended (the extensions rest on the date as recorded). Any pact may be corrected, settled
    or not: the record must stay true.
    """
    pact = load_pact(session, actor=actor, pact_id=pact_id)
    if not policy.can_correct_pact(actor, pact.agency):
        raise Forbidden(_l("Only the regent's office of this regency corrects its pacts."))
    errors: dict[str, Message] = {}
    for name in changes:
        if name not in PACT_CORRECTABLE:
            errors[name] = _l("cannot be corrected")
    before: dict[str, object] = {name: getattr(pact, name) for name in PACT_CORRECTABLE}
    after = dict(before)
    for name in PACT_CORRECTABLE:
        if name not in changes:
            continue
        value = changes[name]
        after[name] = value if name == "signed_on" else (_text(str(value or "")) or None)
    for name, limit in (
        ("signatory_title", PactLimit.SIGNATORY_TITLE),
        ("signatory_name", PactLimit.SIGNATORY_NAME),
        ("sanction", PactLimit.SANCTION),
        ("witnesses", PactLimit.WITNESSES),
        ("pledge", PactLimit.PLEDGE),
    ):
        if len(str(after[name] or "")) > limit:
            errors[name] = _l("at most %(n)s characters", n=limit)
    if not after["signatory_title"]:
        errors["signatory_title"] = _l("the signatory's title is required")
    if not after["pledge"]:
        errors["pledge"] = _l("the pledge is required")
    # A name typed anew must hold one line (one stored before the rule may stay as it is).
    check_single_line(
        errors,
        {
            name: str(after[name] or "")
            for name in ("signatory_title", "signatory_name")
            if after[name] != before[name]
        },
    )
    signed_on = after["signed_on"]
    if signed_on is not None and not isinstance(signed_on, date):
        errors["signed_on"] = _l("must be a date")
    elif signed_on != before["signed_on"]:
        today = local_today(now, ZoneInfo(pact.agency.regency.timezone))
        if signed_on is not None and signed_on > today:
            errors["signed_on"] = _l("a signing date cannot be in the future")
        elif signed_on is not None and signed_on < PactLimit.EARLIEST_DAY:
            errors["signed_on"] = _too_early()
        elif pact.extensions:
            errors["signed_on"] = _l(
                "the deadline has been extended: the extensions rest on the signing date as"
                " recorded"
            )
        elif signed_on is not None and pact.outcome_on is not None and signed_on > pact.outcome_on:
            errors["signed_on"] = _l(
                "the regent's decision (%(day)s) cannot come before the signing",
                day=pact.outcome_on,
            )
        elif pact.outcome is PactOutcome.NOT_RECORDED:
            refusal = _not_recorded_error(signed_on, pact.period_months, None, today)
            if refusal is not None:
                errors["signed_on"] = refusal
    if (reason_error := _reason_error(reason)) is not None:
        errors["reason"] = reason_error
    fields = _changed(before, after)
    if not fields and not errors:
        errors["reason"] = _l("nothing was changed")
    if errors:
        raise Invalid(_l("The pact could not be corrected."), fields=errors)
    for name in fields:
        setattr(pact, name, after[name])
    record(
        session, actor=actor, action="pact.corrected", target_type="pact", target_id=pact.id,
        regency_id=pact.agency.regency_id, pact_id=pact.id, at=now,
        changes={
            "fields": fields, "reason": _text(reason),
            "before": {name: before[name] for name in fields},
            "after": {name: after[name] for name in fields},
        },
    )  # fmt: skip
    session.flush()
    return pact


def load_pact_to_reinstate(session: Session, *, actor: User, pact_id: int) -> Pact:
    """Return a pact whose withdrawal the actor may undo; NotFound or Forbidden otherwise."""
    pact = load_pact(session, actor=actor, pact_id=pact_id)
    if not policy.can_reinstate_pact(actor, pact.agency):
        raise Forbidden(_l("Only the regent's office of this regency undoes a withdrawal."))
    return pact


def reinstate_pact(
    session: Session, *, actor: User, pact_id: int, reason: str, now: datetime
) -> Pact:
    """Undo a withdrawal (a mistake, or the reason fell away), with a reason.

    The pact runs again as if never withdrawn: its deadline and status are derived again (it
    may be overdue at once). The withdrawal and its reason stay in the audit trail.
    """
    pact = load_pact_to_reinstate(session, actor=actor, pact_id=pact_id)
    if pact.withdrawn_at is None:
        raise Conflict(_l("This pact is not withdrawn: there is nothing to undo."))
    if (reason_error := _reason_error(reason)) is not None:
        raise Invalid(_l("The withdrawal could not be undone."), fields={"reason": reason_error})
    previous = pact.withdrawal_reason
    withdrawn_at = pact.withdrawn_at
    pact.withdrawn_at = None
    pact.withdrawal_reason = None
    record(
        session, actor=actor, action="pact.reinstated", target_type="pact", target_id=pact.id,
        regency_id=pact.agency.regency_id, pact_id=pact.id, at=now,
        changes={
            "reason": _text(reason), "withdrawal_reason": previous, "withdrawn_at": withdrawn_at,
        },
    )  # fmt: skip
    session.flush()
    return pact
