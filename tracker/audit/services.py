"""Record audit events in the caller's transaction, each a link of its regency's chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tracker.audit.chain import append
from tracker.audit.models import AuditEvent
from tracker.auth.models import User


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int,
    regency_id: int | None,
    at: datetime,
    changes: dict[str, Any] | None = None,
    pact_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the session (flushed with the change it describes).

    The event is chained (tracker.audit.chain): it becomes the next link of its regency's chain
    when the transaction commits, whatever other chains the transaction writes to.
    """
    event = AuditEvent(
        at=at,
        actor_id=actor.id if actor else None,
        actor_role=actor.role.value if actor else None,
        regency_id=regency_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        changes=changes,
        pact_id=pact_id,
    )
    append(session, event)
    session.add(event)
    return event
