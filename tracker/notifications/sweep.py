"""The sweep: find the notices due at ``now`` not yet recorded and write them to the outbox.

One pass reads every pact that is not withdrawn with its derived status (one aggregated query,
the list's own derivation), asks ``notifications.rules`` what is due, checks which keys the
outbox already holds (one query per batch of keys) and has ``compose`` render only what is
missing. Each pact and each regency digest is written in a savepoint of its own: a fault in one
(bad data, a template error) is logged, reported and rolled back, and the others go on. The
caller commits; running the sweep twice, or two at once, records each notice once (the
outbox's unique key).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from time import perf_counter
from typing import Any

from flask import current_app
from sqlalchemy import case, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tracker.findings.models import Finding
from tracker.findings.rules import FindingStatus
from tracker.notifications.compose import Pass, write_digest, write_pact
from tracker.notifications.handovers import (
    Handover,
    due_handovers,
    load_handovers,
    write_handover,
)
from tracker.notifications.models import Notification
from tracker.notifications.rules import (
    DueNotice,
    PactFacts,
    digest_due,
    due_for_pact,
    language_key,
)
from tracker.pacts.models import Pact
from tracker.pacts.queries import PactRow, list_pacts
from tracker.pacts.rules import PactStatus
from tracker.regencies.models import Regency
from tracker.settings import due_soon_days
from tracker.workdays.services import closed_days

log = logging.getLogger(__name__)

# Keys checked per query: a few hundred keep every database's parameter limit far away.
KEY_BATCH = 400
# Seconds a sweep may spend writing before it leaves the rest to the next one: an escalation
# renders a PDF (about 0.1 s), and a backlog must not hold one transaction open for minutes.
WRITE_BUDGET_SECONDS = 20.0


@dataclass
class SweepReport:
    """What one sweep did: outbox rows written per kind, faults, and how long it took."""

    now: datetime
    created: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    pacts: int = 0
    due: int = 0
    already_recorded: int = 0
    without_recipients: int = 0
    # Pacts and digests with missing notices left for the next sweep (over the limit).
    deferred: int = 0
    duration_seconds: float = 0.0

    @property
    def total(self) -> int:
        """Return the number of outbox rows written."""
        return sum(self.created.values())

    def summary(self) -> str:
        """Say what the sweep did, in one line."""
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.created.items()))
        return (
            f"Sweep at {self.now.isoformat()}: {self.pacts} pacts, {self.due} notices due, "
            f"{self.already_recorded} already recorded, {self.total} written"
            f"{f' ({kinds})' if kinds else ''}, {self.without_recipients} without recipients, "
            f"{self.deferred} deferred, {len(self.errors)} errors, "
            f"{self.duration_seconds * 1000:.0f} ms."
        )


def sweep(
    session: Session,
    now: datetime,
    *,
    limit: int | None = None,
    budget_seconds: float = WRITE_BUDGET_SECONDS,
) -> SweepReport:
    """Write every notice due at ``now`` that the outbox does not hold yet; the caller commits.

    Digests are written first, then pacts by the instant their missing notice fell due. After
    ``budget_seconds`` of work, or ``limit`` pacts and digests, the rest stay due and the next
    sweep takes them, so a backlog never holds one transaction open for minutes. Needs an
    application context (templates, configuration), never a request.
    """
    started = perf_counter()
    report = SweepReport(now=now)
    state = Pass(
        session=session,
        now=now,
        regencies={r.id: r for r in session.scalars(select(Regency))},
        languages=tuple(current_app.config["LANGUAGES"]),
        due_soon_days=due_soon_days(),
    )
    rows = [
        r
        for r in list_pacts(session, now=now, due_soon_days=state.due_soon_days)
        if r.status is not PactStatus.WITHDRAWN
    ]
    report.pacts = len(rows)
    extra = _pact_extra(session)
    slug_to_id = {r.slug: r.id for r in state.regencies.values()}

    since = {r.slug: r.created_at for r in state.regencies.values()}
    # Notices wait for a working day unless the install switched the rule off.
    closed = closed_days(session) if current_app.config["NOTICES_ON_WORKING_DAYS"] else None
    switched_on = _notices_since(session, now)
    due_by_pact: dict[int, list[DueNotice]] = {}
    for row in rows:
        created_at, last_closed_at = extra.get(row.id, (now, None))
        # Nothing could be sent before the pact and its regency were both in the system (an
        # import may date a pact at its signing, as the demo does, never before its regency)
        # and notices were switched on: the first sweep on an install with old overdue pacts
        # sends each its current rung, not every rung it ever missed.
        recorded_at = max(created_at, since[row.regency_slug], switched_on)
        try:
            due = due_for_pact(_facts(row, recorded_at, last_closed_at, closed), now)
        except Exception as exc:  # bad data in one pact must not stop the others
            _fault(report, f"pact {row.id}", exc)
            continue
        if due:
            due_by_pact[row.id] = due
    digests: dict[int, DueNotice] = {}
    for regency in state.regencies.values():
        try:
            digest = digest_due(
                regency_id=regency.id,
                tz=regency.timezone,
                now=now,
                since=regency.created_at,
                closed=closed,
            )
        except Exception as exc:
            _fault(report, f"regency {regency.id}", exc)
            continue
        if digest is not None:
            digests[regency.id] = digest

    handovers: list[tuple[DueNotice, Regency, list[Handover]]] = []
    try:
        handovers = due_handovers(state, load_handovers(state), closed)
    except Exception as exc:  # a fault here must not stop the reminders and rungs
        _fault(report, "hand-overs", exc)

    candidates = [n.key for due in due_by_pact.values() for n in due]
    candidates += [n.key for n in digests.values()]
    candidates += [n.key for n, _, _ in handovers]
    report.due = len(candidates)
    recorded = _recorded(session, candidates, state.languages)
    report.already_recorded = len(recorded)

    by_regency: dict[str, list[PactRow]] = defaultdict(list)
    for row in rows:
        by_regency[row.regency_slug].append(row)
    work: list[tuple[str, Callable[..., Counter[str]], tuple[Any, ...]]] = []
    for regency_id, digest in sorted(digests.items()):
        if digest.key not in recorded:
            regency = state.regencies[regency_id]
            rows_of = by_regency.get(regency.slug, [])
            work.append((f"regency {regency_id}", write_digest, (state, regency, digest, rows_of)))
    for notice, regency, items in handovers:
        if notice.key not in recorded:
            work.append((notice.key, write_handover, (state, notice, regency, items)))
    by_id = {r.id: r for r in rows}
    pending = [
        (min(n.due_at for n in missing), pact_id, missing)
        for pact_id, due in due_by_pact.items()
        if (missing := [n for n in due if n.key not in recorded])
    ]
    for _, pact_id, missing in sorted(pending, key=lambda item: (item[0], item[1])):
        row = by_id[pact_id]
        args = (state, row, slug_to_id[row.regency_slug], missing)
        work.append((f"pact {pact_id}", write_pact, args))
    done = 0
    for where, function, args in work:
        if (limit is not None and done >= limit) or perf_counter() - started > budget_seconds:
            break
        _guarded(session, report, where, function, *args)
        done += 1
    report.without_recipients = state.without_recipients
    report.deferred = len(work) - done
    if report.deferred:
        log.info("Sweep at %s: %s pacts or digests left for the next sweep", now, report.deferred)
    report.duration_seconds = perf_counter() - started
    return report


def _notices_since(session: Session, now: datetime) -> datetime:
    """Return when notices were switched on: the outbox's first row, or ``now`` if it is empty."""
    first = session.scalar(select(Notification.created_at).order_by(Notification.id).limit(1))
    return first if first is not None else now


def _fault(report: SweepReport, where: str, exc: BaseException) -> None:
    log.error("Sweep: %s skipped: %r", where, exc, exc_info=exc)
    report.errors.append(f"{where}: {type(exc).__name__}: {exc}")


def _guarded(
    session: Session,
    report: SweepReport,
    where: str,
    work: Callable[..., Counter[str]],
    *args: Any,
) -> None:
    """Run ``work(*args)`` in a savepoint; on a fault roll it back, log and report it, go on."""
    try:
        with session.begin_nested():
            written = work(*args)
    except OperationalError:
        # A deadlock or a lost connection dooms the whole transaction, not one pact: the
        # caller (notifications.jobs.run_sweep) rolls back and runs the sweep once more.
        raise
    except Exception as exc:
        _fault(report, where, exc)
        return
    report.created.update(written)


def _pact_extra(session: Session) -> dict[int, tuple[datetime, datetime | None]]:
    """Return, per pact not withdrawn, when it was recorded and when its last finding was settled:
    closed, or declared impossible to follow up (either may be the one that fulfils the pact)."""
    settled_at = case(
        (Finding.status == FindingStatus.CLOSED, Finding.closed_at),
        (Finding.status == FindingStatus.UNRESOLVABLE, Finding.unresolvable_at),
    )
    closed = (
        select(Finding.pact_id, func.max(settled_at).label("last_closed_at"))
        .where(
            Finding.status.in_((FindingStatus.CLOSED, FindingStatus.UNRESOLVABLE)),
            Finding.pact_id.is_not(None),
        )
        .group_by(Finding.pact_id)
        .subquery()
    )
    rows = session.execute(
        select(Pact.id, Pact.created_at, closed.c.last_closed_at)
        .outerjoin(closed, closed.c.pact_id == Pact.id)
        .where(Pact.withdrawn_at.is_(None))
    )
    return {r.id: (r.created_at, r.last_closed_at) for r in rows}


def _facts(
    row: PactRow,
    recorded_at: datetime,
    last_closed_at: datetime | None,
    closed: frozenset[date] | None = None,
) -> PactFacts:
    return PactFacts(
        pact_id=row.id,
        timezone=row.regency_timezone,
        deadline_on=row.deadline_on,
        recorded_at=recorded_at,
        findings_total=row.findings_total,
        findings_open=row.findings_total - row.findings_closed - row.findings_unresolvable,
        last_closed_at=last_closed_at,
        withdrawn=row.status is PactStatus.WITHDRAWN,
        outcome_recorded=row.outcome is not None,
        closed=closed,
    )


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _recorded(session: Session, keys: Iterable[str], languages: tuple[str, ...]) -> set[str]:
    """Return the keys (without language suffix) the outbox already holds in any language.

    A notice counts as recorded once any of its language copies is: the copies of one notice
    are written together, in one savepoint.
    """
    variants = {language_key(key, lang): key for key in keys for lang in languages}
    found: set[str] = set()
    for batch in _batches(sorted(variants), KEY_BATCH):
        for (key,) in session.execute(select(Notification.key).where(Notification.key.in_(batch))):
            found.add(variants[key])
    return found
