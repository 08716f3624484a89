"""The sweep: find the notices due at ``now`` not yet recorded and write them to the outbox.

One pass reads every pact that is not withdrawn with its derived status (one aggregated query,
the list's own derivation), asks ``notifications.rules`` what is due, checks which keys the
outbox already holds (one query per batch of keys) and renders only what is missing. Each pact
and each regency digest is written in a savepoint of its own: a fault in one (bad data, a
template error) is logged, reported and rolled back, and the others go on. The caller commits;
running the sweep twice, or two at once, records each notice once (the outbox's unique key).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from time import perf_counter
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.clock import local_today
from tracker.findings.models import Finding
from tracker.findings.rules import FindingStatus
from tracker.notifications.models import NoticeKind, Notification
from tracker.notifications.outbox import Notice, enqueue
from tracker.notifications.recipients import Audience, Directory
from tracker.notifications.render import absolute_url, render_notice
from tracker.notifications.report import (
    OpenFinding,
    attachment_name,
    escalation_pdf,
    load_escalation_report,
    open_findings,
)
from tracker.notifications.rules import (
    ESCALATION_KINDS,
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

log = logging.getLogger(__name__)

# Keys checked per query: a few hundred keep every database's parameter limit far away.
KEY_BATCH = 400
# Seconds a sweep may spend writing before it leaves the rest to the next one: an escalation
# renders a PDF (about 0.1 s), and a backlog must not hold one transaction open for minutes.
WRITE_BUDGET_SECONDS = 20.0
_RUNG_OF_KIND = {kind.value: rung for rung, kind in ESCALATION_KINDS.items()}


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


@dataclass(frozen=True)
class _Waiting:
    """A finding waiting for verification, as the digest lists it."""

    id: int
    title: str
    agency_name: str
    submitted_on: date | None
    days_waiting: int


@dataclass
class _Pass:
    """The state of one sweep: what was read once and is shared by every pact."""

    session: Session
    now: datetime
    report: SweepReport
    regencies: dict[int, Regency]
    languages: tuple[str, ...]
    due_soon_days: int
    _directory: Directory | None = None

    @property
    def directory(self) -> Directory:
        # Read only when something is missing: most sweeps find everything recorded.
        if self._directory is None:
            self._directory = Directory.load(self.session, languages=self.languages)
        return self._directory


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
    config = current_app.config
    report = SweepReport(now=now)
    state = _Pass(
        session=session,
        now=now,
        report=report,
        regencies={r.id: r for r in session.scalars(select(Regency))},
        languages=tuple(config["LANGUAGES"]),
        due_soon_days=int(config["DUE_SOON_DAYS"]),
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
            due = due_for_pact(_facts(row, recorded_at, last_closed_at), now)
        except Exception as exc:  # bad data in one pact must not stop the others
            _fault(report, f"pact {row.id}", exc)
            continue
        if due:
            due_by_pact[row.id] = due
    digests: dict[int, DueNotice] = {}
    for regency in state.regencies.values():
        try:
            digest = digest_due(
                regency_id=regency.id, tz=regency.timezone, now=now, since=regency.created_at
            )
        except Exception as exc:
            _fault(report, f"regency {regency.id}", exc)
            continue
        if digest is not None:
            digests[regency.id] = digest

    candidates = [n.key for due in due_by_pact.values() for n in due]
    candidates += [n.key for n in digests.values()]
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
            work.append((f"regency {regency_id}", _write_digest, (state, regency, digest, rows_of)))
    by_id = {r.id: r for r in rows}
    pending = [
        (min(n.due_at for n in missing), pact_id, missing)
        for pact_id, due in due_by_pact.items()
        if (missing := [n for n in due if n.key not in recorded])
    ]
    for _, pact_id, missing in sorted(pending, key=lambda item: (item[0], item[1])):
        row = by_id[pact_id]
        args = (state, row, slug_to_id[row.regency_slug], missing)
        work.append((f"pact {pact_id}", _write_pact, args))
    done = 0
    for where, function, args in work:
        if (limit is not None and done >= limit) or perf_counter() - started > budget_seconds:
            break
        _guarded(state, where, function, *args)
        done += 1
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


def _guarded(state: _Pass, where: str, work: Callable[..., Counter[str]], *args: Any) -> None:
    """Run ``work(*args)`` in a savepoint; on a fault roll it back, log and report it, go on."""
    try:
        with state.session.begin_nested():
            written = work(*args)
    except OperationalError:
        # A deadlock or a lost connection dooms the whole transaction, not one pact: the
        # caller (notifications.jobs.run_sweep) rolls back and runs the sweep once more.
        raise
    except Exception as exc:
        _fault(state.report, where, exc)
        return
    state.report.created.update(written)


def _pact_extra(session: Session) -> dict[int, tuple[datetime, datetime | None]]:
    """Return, per pact not withdrawn, when it was recorded and when its last finding closed."""
    closed = (
        select(Finding.pact_id, func.max(Finding.closed_at).label("last_closed_at"))
        .where(Finding.status == FindingStatus.CLOSED, Finding.pact_id.is_not(None))
        .group_by(Finding.pact_id)
        .subquery()
    )
    rows = session.execute(
        select(Pact.id, Pact.created_at, closed.c.last_closed_at)
        .outerjoin(closed, closed.c.pact_id == Pact.id)
        .where(Pact.withdrawn_at.is_(None))
    )
    return {r.id: (r.created_at, r.last_closed_at) for r in rows}


def _facts(row: PactRow, recorded_at: datetime, last_closed_at: datetime | None) -> PactFacts:
    return PactFacts(
        pact_id=row.id,
        timezone=row.regency_timezone,
        deadline_on=row.deadline_on,
        recorded_at=recorded_at,
        findings_total=row.findings_total,
        findings_open=row.findings_total - row.findings_closed,
        last_closed_at=last_closed_at,
        withdrawn=row.status is PactStatus.WITHDRAWN,
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


def _addressed(audience: Audience) -> bool:
    """Tell whether an audience has someone in "to", not only people in copy."""
    return any(r.role == "to" for recipients in audience.values() for r in recipients)


def _write(
    state: _Pass,
    *,
    due: DueNotice,
    regency: Regency,
    audience: Audience,
    context: dict[str, Any],
    pact_id: int | None,
    attachment: Any = None,
) -> Counter[str]:
    """Render ``due`` once per language group and add each copy to the outbox.

    Nothing is written (and the next sweep tries again) when nobody is addressed: copies
    alone would record the notice as told.
    """
    written: Counter[str] = Counter()
    if not _addressed(audience):
        state.report.without_recipients += 1
        return written
    for lang, recipients in audience.items():
        rendered = render_notice(due.kind, lang, context)
        pdf: tuple[bytes, str] | None = attachment(lang) if attachment else None
        row = enqueue(
            state.session,
            Notice(
                key=language_key(due.key, lang),
                kind=due.kind.value,
                regency_id=regency.id,
                recipients=recipients,
                subject=rendered.subject,
                body_text=rendered.text,
                body_html=rendered.html,
                pact_id=pact_id,
                due_on=due.due_on,
                lang=lang,
                attachment=pdf[0] if pdf else None,
                attachment_name=pdf[1] if pdf else None,
            ),
            now=state.now,
            webhook=bool(regency.webhook_url),
        )
        if row is not None:
            written[due.kind.value] += 1
    return written


def _write_pact(
    state: _Pass, row: PactRow, regency_id: int, missing: list[DueNotice]
) -> Counter[str]:
    """Render and record the missing notices of one pact, in their order (lowest rung first)."""
    regency = state.regencies[regency_id]
    tz = row.regency_timezone
    findings: list[OpenFinding] = open_findings(state.session, pact_id=row.id, tz=tz)
    base = {
        "regency_name": row.regency_name,
        "pact": row,
        "today": local_today(state.now, ZoneInfo(tz)),
        "findings": findings,
    }
    written: Counter[str] = Counter()
    for due in missing:
        if due.kind is NoticeKind.FULFILLED:
            rungs = _rungs_sent(state.session, row.id)
            audience = state.directory.fulfilment(regency_id, row.agency_id, rungs)
            context = {
                **base,
                "closed_on": due.due_on,
                "late": row.status is PactStatus.FULFILLED_LATE,
            }
            written += _write(
                state,
                due=due,
                regency=regency,
                audience=audience,
                context=context,
                pact_id=row.id,
            )
        elif due.kind.value in _RUNG_OF_KIND:
            rung = _RUNG_OF_KIND[due.kind.value]
            audience = state.directory.escalation(regency_id, row.agency_id, rung)
            if not _addressed(audience):
                # Checked before the report and its PDF are made: with nobody to tell, the
                # rung stays unwritten and every sweep asks again, so this must stay cheap.
                state.report.without_recipients += 1
                continue
            context = {**base, "rung": rung, "days_overdue": -(row.days_left or 0)}
            # The history is read before this rung's copies are written: "sent before".
            letter = load_escalation_report(
                state.session,
                pact=row,
                rung=rung,
                now=state.now,
                pact_url=absolute_url("pacts.detail", pact_id=row.id),
                findings=findings,
            )

            def attach(lang: str, letter: Any = letter, rung: int = rung) -> tuple[bytes, str]:
                with force_locale(lang):
                    data = escalation_pdf(letter, generated_at=state.now)
                return data, attachment_name(row.id, rung)

            written += _write(
                state,
                due=due,
                regency=regency,
                audience=audience,
                context=context,
                pact_id=row.id,
                attachment=attach,
            )
        else:
            audience = state.directory.reminder(row.agency_id)
            context = {**base, "offset": due.step, "days_left": row.days_left}
            written += _write(
                state,
                due=due,
                regency=regency,
                audience=audience,
                context=context,
                pact_id=row.id,
            )
    return written


def _rungs_sent(session: Session, pact_id: int) -> list[int]:
    kinds = session.scalars(
        select(Notification.kind)
        .where(Notification.pact_id == pact_id, Notification.kind.in_(list(_RUNG_OF_KIND)))
        .distinct()
    )
    return [_RUNG_OF_KIND[k] for k in kinds]


def _write_digest(
    state: _Pass, regency: Regency, due: DueNotice, rows: list[PactRow]
) -> Counter[str]:
    """Render and record a regency's weekly digest."""
    audience = state.directory.digest(regency.id)
    if not audience:
        state.report.without_recipients += 1
        return Counter()
    zone = ZoneInfo(regency.timezone)
    today = local_today(state.now, zone)
    overdue = sorted(
        (r for r in rows if r.status is PactStatus.OVERDUE), key=lambda r: (r.days_left, r.id)
    )
    due_soon = sorted(
        (r for r in rows if r.status is PactStatus.DUE_SOON), key=lambda r: (r.days_left, r.id)
    )
    waiting = []
    for r in state.session.execute(
        select(Finding.id, Finding.title, Finding.submitted_at, Agency.name.label("agency_name"))
        .join(Agency, Finding.agency_id == Agency.id)
        .where(Agency.regency_id == regency.id, Finding.status == FindingStatus.SUBMITTED)
        .order_by(Finding.submitted_at, Finding.id)
    ):
        submitted_on = local_today(r.submitted_at, zone) if r.submitted_at else None
        waiting.append(
            _Waiting(
                id=r.id,
                title=r.title,
                agency_name=r.agency_name,
                submitted_on=submitted_on,
                days_waiting=(today - submitted_on).days if submitted_on else 0,
            )
        )
    context = {
        "regency_name": regency.name,
        "monday": due.due_on,
        "today": today,
        "overdue": overdue,
        "due_soon": due_soon,
        "due_soon_days": state.due_soon_days,
        "waiting": waiting,
    }
    return _write(state, due=due, regency=regency, audience=audience, context=context, pact_id=None)
