"""Read the audit trail as timelines of a pact or a finding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.audit.models import AuditEvent
from tracker.auth.models import User


@dataclass(frozen=True)
class TimelineEntry:
    """One step on a timeline: when (UTC and the regency's local time), who, what."""

    id: int
    at: datetime
    local_at: datetime
    action: str
    actor_name: str | None
    actor_role: str | None
    target_type: str
    target_id: int
    changes: dict[str, Any] | None


def _timeline(session: Session, condition: Any, tz: str) -> list[TimelineEntry]:
    zone = ZoneInfo(tz)
    rows = session.execute(
        select(AuditEvent, User.name)
        .outerjoin(User, AuditEvent.actor_id == User.id)
        .where(condition)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [
        TimelineEntry(
            id=event.id,
            at=event.at,
            local_at=event.at.astimezone(zone),
            action=event.action,
            actor_name=name,
            actor_role=event.actor_role,
            target_type=event.target_type,
            target_id=event.target_id,
            changes=event.changes,
        )
        for event, name in rows
    ]


def pact_timeline(session: Session, *, pact_id: int, tz: str) -> list[TimelineEntry]:
    """Every recorded step of a pact and its findings, oldest first."""
    return _timeline(session, AuditEvent.pact_id == pact_id, tz)


def finding_timeline(session: Session, *, finding_id: int, tz: str) -> list[TimelineEntry]:
    """Every recorded step of one finding, oldest first."""
    return _timeline(
        session,
        (AuditEvent.target_type == "finding") & (AuditEvent.target_id == finding_id),
        tz,
    )
