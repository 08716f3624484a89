"""Deadline and status rules for pacts: pure functions, no session, no clock."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import lru_cache

from dateutil.relativedelta import relativedelta

DEFAULT_PERIOD_MONTHS = 3


class PactLimit:
    """How long or large each field of a pact may be: the columns, services and forms read it."""

    SIGNATORY_NAME = 200
    SIGNATORY_TITLE = 200
    SANCTION = 500
    WITNESSES = 500
    # Long texts stay well inside MariaDB's 64 KB TEXT column (audit changes copy some of them).
    PLEDGE = 5000
    REASON = 2000
    PERIOD_MONTHS = 60
    # An extension reaches at most this far past the deadline it replaces.
    EXTENSION_MONTHS = 24
    # Findings on one pact: a unit's assessment finds a few dozen at most, and the public pact
    # page lists them all.
    FINDINGS = 100
    # No pact, and no decision on one, is dated before this day (pacts in regencies date from
    # the 2010s; 0001-01-01 is a typing slip, not a record).
    EARLIEST_DAY = date(2000, 1, 1)


class PactStatus(StrEnum):
    """A pact's status, always derived, never typed in."""

    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    FULFILLED = "fulfilled"
    FULFILLED_LATE = "fulfilled_late"
    WITHDRAWN = "withdrawn"
    # The regent recorded a decision that ends the pact (PactOutcome, other than not recorded).
    DECIDED = "decided"
    # A pact entered from the past whose end no source reports: never a breach.
    NOT_RECORDED = "not_recorded"
    # No signing date, so no deadline: neither on track nor overdue.
    UNDATED = "undated"


class PactStanding(StrEnum):
    """What a pact's stored facts say of it whatever today is (kept on the pact, indexed).

    RUNNING: findings open (or none shown done) and a deadline: on track, due soon or overdue,
    which only each regency's today tells (``status_on``). The others are its status already.
    """

    RUNNING = "running"
    UNDATED = "undated"
    FULFILLED = "fulfilled"
    FULFILLED_LATE = "fulfilled_late"
    WITHDRAWN = "withdrawn"
    DECIDED = "decided"
    NOT_RECORDED = "not_recorded"


class PactOutcome(StrEnum):
    """What the regent decided at a pact's end, or that no source reports its end.

    An extension is the regent's decision too, but it keeps the pact running: it is recorded
    as a PactExtension (a new deadline with its reason), not as an outcome.
    """

    FULFILLED = "fulfilled"
    REPRIMAND = "reprimand"
    REPLACED = "replaced"
    RESIGNED = "resigned"
    OTHER = "other"
    NOT_RECORDED = "not_recorded"


# Every finding closed: the promise was kept, in time or late.
FULFILLED_STATUSES = frozenset({PactStatus.FULFILLED, PactStatus.FULFILLED_LATE})
# Settled: fulfilled, withdrawn, decided by the regent, or ended without a recorded outcome. A
# settled pact counts no more days, gets no reminder or escalation and takes no extension.
SETTLED_STATUSES = FULFILLED_STATUSES | {
    PactStatus.WITHDRAWN,
    PactStatus.DECIDED,
    PactStatus.NOT_RECORDED,
}


# Running: the deadline lies ahead and the findings are not all closed.
RUNNING_STATUSES = frozenset({PactStatus.ON_TRACK, PactStatus.DUE_SOON})


def is_fulfilled(status: PactStatus) -> bool:
    """Tell whether every finding of the pact is closed (in time or late)."""
    return status in FULFILLED_STATUSES


def is_settled(status: PactStatus) -> bool:
    """Tell whether the pact is fulfilled or withdrawn: no countdown, extension or withdrawal."""
    return status in SETTLED_STATUSES


# Cached: a regency signs its pacts on a few days, and every list derives every deadline.
@lru_cache(maxsize=8192)
def deadline(signed_on: date, months: int) -> date:
    """Return ``signed_on`` plus ``months`` calendar months, clamped to the month's end."""
    if months < 1:
        raise ValueError("a pact's period is at least one month")
    return signed_on + relativedelta(months=months)


def effective_deadline(
    signed_on: date | None, months: int, extended_to: date | None = None
) -> date | None:
    """Return the deadline in force: the last extension's date, else the signed one, else None."""
    if extended_to is not None:
        return extended_to
    if signed_on is None:
        return None
    return deadline(signed_on, months)


def days_left(deadline_on: date | None, today: date) -> int | None:
    """Return the days from ``today`` to the deadline (negative once passed), None without one."""
    if deadline_on is None:
        return None
    return (deadline_on - today).days


def is_overdue(deadline_on: date | None, today: date) -> bool:
    """Tell whether the deadline has passed; the deadline day itself still counts as in time."""
    return deadline_on is not None and today > deadline_on


def pact_standing(
    *,
    deadline_on: date | None,
    findings_total: int,
    findings_open: int,
    last_closed_on: date | None,
    withdrawn: bool = False,
    outcome: PactOutcome | None = None,
) -> PactStanding:
    """Say what a pact's recorded facts make of it, before today plays any part."""
    if withdrawn:
        return PactStanding.WITHDRAWN
    if outcome is PactOutcome.NOT_RECORDED:
        return PactStanding.NOT_RECORDED
    if outcome is not None:
        return PactStanding.DECIDED
    if findings_total > 0 and findings_open == 0:
        if deadline_on is None or last_closed_on is None or last_closed_on <= deadline_on:
            return PactStanding.FULFILLED
        return PactStanding.FULFILLED_LATE
    if deadline_on is None:
        # No signing date, no deadline: a missing date is not a breach, nor "on track".
        return PactStanding.UNDATED
    return PactStanding.RUNNING


def status_on(
    standing: PactStanding, deadline_on: date | None, today: date, due_soon_days: int
) -> PactStatus:
    """Return the status of a pact of this standing on ``today`` (the regency's local date)."""
    if standing is not PactStanding.RUNNING:
        return PactStatus(standing.value)
    left = days_left(deadline_on, today)
    if left is None:
        return PactStatus.UNDATED
    if left < 0:
        return PactStatus.OVERDUE
    if left <= due_soon_days:
        return PactStatus.DUE_SOON
    return PactStatus.ON_TRACK


def pact_status(
    *,
    deadline_on: date | None,
    today: date,
    findings_total: int,
    findings_open: int,
    last_closed_on: date | None,
    due_soon_days: int,
    withdrawn: bool = False,
    outcome: PactOutcome | None = None,
) -> PactStatus:
    """Derive a pact's status from its recorded outcome, deadline, findings and today.

    ``today`` and ``last_closed_on`` are local dates of the pact's regency. ``findings_open``
    counts findings neither closed nor found impossible to follow up. A pact without findings
    is judged on its deadline alone: nothing has been shown to be done. A recorded outcome
    wins over every derivation: the regent's decision, or a source that reports no end.
    """
    standing = pact_standing(
        deadline_on=deadline_on,
        findings_total=findings_total,
        findings_open=findings_open,
        last_closed_on=last_closed_on,
        withdrawn=withdrawn,
        outcome=outcome,
    )
    return status_on(standing, deadline_on, today, due_soon_days)
