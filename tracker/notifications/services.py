"""Use cases of the outbox pages: read a notice within one's scope, retry a failed one."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from tracker.auth import policy
from tracker.auth.models import User
from tracker.errors import Forbidden, NotFound
from tracker.notifications import delivery
from tracker.notifications.models import Notification
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
    """Put a failed notice (or its failed webhook copy) back in the queue: admin or superadmin."""
    regency_id = check_readable(session, actor=actor, notification_id=notification_id)
    if not policy.can_retry_notice(actor, regency_id):
        raise Forbidden(_l("Only the regent's office may send a notice again."))
    return delivery.retry(session, notification_id, actor=actor, now=now)
