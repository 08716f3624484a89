"""Write notices to the outbox, once each: the unique key is what makes a repeat a no-op."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.notifications.models import Notification, NotificationState

# The domain part of every Message-ID; stable, so a receiver can match a resend.
MESSAGE_ID_DOMAIN = "pantau-pakta.invalid"


@dataclass(frozen=True)
class Recipient:
    """One address on a notice; ``role`` is "to" or "cc"."""

    email: str
    name: str = ""
    role: str = "to"
    # False for someone without an account (an agency head, a contact on the escalation
    # ladder): their copy links to public pages only, never to /staf/ behind the login.
    account: bool = True

    def as_json(self) -> dict[str, Any]:
        """Return the outbox form, with a delivery state per recipient."""
        return {
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "account": self.account,
            "state": "pending",
            "error": None,
        }


@dataclass
class Notice:
    """A rendered notice, ready for the outbox."""

    key: str
    kind: str
    regency_id: int
    recipients: list[Recipient]
    subject: str
    body_text: str
    body_html: str | None = None
    pact_id: int | None = None
    follower_id: int | None = None
    due_on: date | None = None
    lang: str = "id"
    attachment: bytes | None = None
    attachment_name: str | None = None
    unsubscribe_url: str | None = None


def message_id_for(key: str) -> str:
    """Return the stable Message-ID of the outbox row with this key."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{MESSAGE_ID_DOMAIN}>"


def enqueue(
    session: Session, notice: Notice, *, now: datetime, webhook: bool = False
) -> Notification | None:
    """Record ``notice`` unless its key is already in the outbox; return the new row or None.

    The insert runs in a savepoint: when another sweep recorded the same key first (in this
    transaction or a concurrent one), the database's unique constraint refuses the copy and
    the caller's transaction carries on.
    """
    if not notice.recipients:
        return None
    row = Notification(
        key=notice.key,
        kind=notice.kind,
        regency_id=notice.regency_id,
        pact_id=notice.pact_id,
        follower_id=notice.follower_id,
        due_on=notice.due_on,
        lang=notice.lang,
        recipients=[r.as_json() for r in notice.recipients],
        subject=notice.subject[:300],
        body_text=notice.body_text,
        body_html=notice.body_html,
        attachment=notice.attachment,
        attachment_name=notice.attachment_name,
        message_id=message_id_for(notice.key),
        unsubscribe_url=notice.unsubscribe_url,
        state=NotificationState.PENDING,
        attempts=0,
        failures=0,
        next_attempt_at=now,
        webhook_state="pending" if webhook else None,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row
