"""Use cases of the outbox pages: read a notice within one's scope, retry a failed one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from tracker.audit.services import record
from tracker.auth import policy
from tracker.auth.models import User
from tracker.errors import Conflict, Forbidden, NotFound
from tracker.notifications import webhook
from tracker.notifications.models import Notification, NotificationState
from tracker.notifications.queries import find_notice_regency


def check_readable(session: Session, *, actor: User, notification_id: int) -> int:
    """Return the regency of a notice ``actor`` may read; NotFound for any other notice.

    A notice of another regency is "not found": its existence must not leak. So is a
    follower's mail (see ``queries.HIDDEN_FROM_STAFF``), for every staff role.
    """
    regency_id = find_notice_regency(session, notification_id)
    if regency_id is None or not policy.can_view_outbox(actor, regency_id):
        raise NotFound(_l("There is no such notice."))
    return regency_id


def retry_notice(
    session: Session, *, actor: User, notification_id: int, now: datetime
) -> Notification:
    """Put a failed notice (or its failed webhook copy) back in the queue, due now; audited.

    Only the regency's admin or a superadmin may; the attempt counter starts again (the old
    count is kept in the audit event), and recipients the server refused are tried again.
    """
    regency_id = check_readable(session, actor=actor, notification_id=notification_id)
    if not policy.can_retry_notice(actor, regency_id):
        raise Forbidden(_l("Only the regent's office may send a notice again."))
    row = session.get_one(Notification, notification_id)
    mail_failed = row.state == NotificationState.FAILED
    hook_failed = row.webhook_state == webhook.FAILED
    if not (mail_failed or hook_failed):
        raise Conflict(_l("Only a failed notice can be retried."))
    changes: dict[str, Any] = {}
    if mail_failed:
        changes["state"] = [row.state.value, NotificationState.PENDING.value]
        changes["attempts"] = [row.attempts, 0]
        row.state = NotificationState.PENDING
        row.attempts = 0
        row.failures = 0
        row.recipients = [
            {**r, "state": "pending", "error": None} if r.get("state") == "refused" else r
            for r in row.recipients
        ]
    if hook_failed:
        changes["webhook_state"] = [row.webhook_state, webhook.PENDING]
        changes["webhook_attempts"] = [row.webhook_attempts, 0]
        row.webhook_state = webhook.PENDING
        row.webhook_attempts = 0
    row.next_attempt_at = now
    row.claimed_by = None
    row.claimed_until = None
    record(
        session,
        actor=actor,
        action="notification.retried",
        target_type="notification",
        target_id=row.id,
        regency_id=row.regency_id,
        pact_id=row.pact_id,
        at=now,
        changes=changes,
    )
    session.flush()
    return row
