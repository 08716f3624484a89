"""Notices when a finding changes hands: a submission tells the regent's office, a return or an
approval tells the agency.

- submissions are gathered: one mail per regency per hour (the hour after the submission
  ends), to the regency's admin accounts, listing every finding submitted in that hour;
- each return and each approval is one mail to the agency's OPD accounts and its head.

Read from the audit trail (``finding.submitted``, ``finding.returned``, ``finding.approved``)
over the last LOOKBACK_DAYS. A notice falling due on a closed day waits for 08:00 on the next
working day (submissions of a whole weekend then share that one mail). Each is written once,
under its key, like every other notice.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tracker.agencies.models import Agency
from tracker.audit.models import AuditEvent
from tracker.findings.models import Finding
from tracker.notifications.compose import Pass, _write
from tracker.notifications.models import NoticeKind
from tracker.notifications.rules import DueNotice
from tracker.regencies.models import Regency
from tracker.workdays.rules import send_at

# How far back the sweep looks for hand-overs (long enough for the Idul Fitri closure).
LOOKBACK_DAYS = 14
DECISION_KINDS = {
    "finding.returned": NoticeKind.FINDING_RETURNED,
    "finding.approved": NoticeKind.FINDING_APPROVED,
}


@dataclass(frozen=True)
class Handover:
    """One audited hand-over of a finding, with what the notice shows of it."""

    event_id: int
    action: str
    at: datetime
    finding_id: int
    title: str
    pact_id: int | None
    agency_id: int
    agency_name: str
    regency_id: int


@dataclass(frozen=True)
class _PactLink:
    """The pact a notice links to (``id``: what the public link of a finding needs)."""

    id: int


def hour_after(at: datetime) -> datetime:
    """Return the end of the hour ``at`` falls in (UTC): when its gathered mail is due."""
    start = at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return start + timedelta(hours=1)


def due_at(instant: datetime, tz: str, closed: Collection[date] | None) -> datetime:
    """Return when a notice due at ``instant`` goes out (next working day's 08:00 if closed)."""
    return instant if closed is None else send_at(instant, tz, closed)


def submission_key(regency_id: int, slot: datetime) -> str:
    """Return the key of a regency's gathered submissions mail going out at ``slot``."""
    return f"submitted:regency:{regency_id}:{slot.astimezone(UTC):%Y-%m-%dT%H:%M}"


def decision_key(kind: NoticeKind, finding_id: int, event_id: int) -> str:
    """Return the key of the notice of one decision (a return or an approval)."""
    return f"{kind.value}:finding:{finding_id}:{event_id}"


def load_handovers(state: Pass) -> list[Handover]:
    """Read the hand-overs of the last LOOKBACK_DAYS, oldest first."""
    since = state.now - timedelta(days=LOOKBACK_DAYS)
    rows = state.session.execute(
        select(
            AuditEvent.id,
            AuditEvent.action,
            AuditEvent.at,
            Finding.id.label("finding_id"),
            Finding.title,
            Finding.pact_id,
            Agency.id.label("agency_id"),
            Agency.name.label("agency_name"),
            Agency.regency_id,
        )
        .join(Finding, Finding.id == AuditEvent.target_id)
        .join(Agency, Agency.id == Finding.agency_id)
        .where(
            AuditEvent.target_type == "finding",
            AuditEvent.action.in_(("finding.submitted", *DECISION_KINDS)),
            AuditEvent.at >= since,
            AuditEvent.at <= state.now,
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [Handover(*row) for row in rows]


def due_handovers(
    state: Pass, handovers: list[Handover], closed: Collection[date] | None
) -> list[tuple[DueNotice, Regency, list[Handover]]]:
    """Group the hand-overs into the notices due at ``state.now``."""
    gathered: dict[tuple[int, datetime], list[Handover]] = defaultdict(list)
    due: list[tuple[DueNotice, Regency, list[Handover]]] = []
    for h in handovers:
        regency = state.regencies.get(h.regency_id)
        if regency is None or h.at < regency.created_at:
            continue
        tz = regency.timezone
        if h.action == "finding.submitted":
            gathered[(h.regency_id, due_at(hour_after(h.at), tz, closed))].append(h)
            continue
        at = due_at(h.at, tz, closed)
        if at <= state.now:
            kind = DECISION_KINDS[h.action]
            notice = DueNotice(
                kind=kind,
                key=decision_key(kind, h.finding_id, h.event_id),
                due_on=h.at.astimezone(ZoneInfo(tz)).date(),
                due_at=at,
            )
            due.append((notice, regency, [h]))
    for (regency_id, slot), items in sorted(gathered.items(), key=lambda i: (i[0][1], i[0][0])):
        if slot > state.now:
            continue
        regency = state.regencies[regency_id]
        notice = DueNotice(
            kind=NoticeKind.FINDINGS_SUBMITTED,
            key=submission_key(regency_id, slot),
            due_on=slot.astimezone(ZoneInfo(regency.timezone)).date(),
            due_at=slot,
        )
        due.append((notice, regency, items))
    return due


def write_handover(
    state: Pass, notice: DueNotice, regency: Regency, items: list[Handover]
) -> Counter[str]:
    """Render and record one hand-over notice."""
    first = items[0]
    if notice.kind is NoticeKind.FINDINGS_SUBMITTED:
        audience = state.directory.digest(regency.id)
    else:
        audience = state.directory.reminder(first.agency_id)
    context = {
        "regency_name": regency.name,
        "zone": ZoneInfo(regency.timezone),
        "items": items,
        "finding": first,
        "pact": _PactLink(first.pact_id) if first.pact_id is not None else None,
    }
    return _write(
        state,
        due=notice,
        regency=regency,
        audience=audience,
        context=context,
        pact_id=first.pact_id if notice.kind is not NoticeKind.FINDINGS_SUBMITTED else None,
    )
