"""The outbox's side of a delivery pass: claim due rows, then record what became of them.

Each is a short transaction of its own that commits: rows are claimed (``SELECT ... FOR UPDATE
SKIP LOCKED`` on PostgreSQL and MariaDB, ``BEGIN IMMEDIATE`` on SQLite) and copied out of the
session, so that sending touches no database; the outcomes are written, and the claims released,
once the batch has been sent.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from tracker.notifications import webhook
from tracker.notifications.delivery.settings import DeliverySettings
from tracker.notifications.models import Notification, NotificationState
from tracker.regencies.models import Regency
from tracker.web.step import unit_of_work

log = logging.getLogger(__name__)

# The start of ``last_error`` when the SMTP server could not be reached or dropped the line.
OUTAGE_PREFIX = "SMTP server unavailable: "

_PENDING = NotificationState.PENDING
_SENT = NotificationState.SENT
_FAILED = NotificationState.FAILED


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    refused_recipients: int = 0
    webhooks_sent: int = 0
    webhooks_retrying: int = 0
    webhooks_failed: int = 0
    # Rows still pending (for mail) after the pass, due or not.
    pending: int = 0
    # True when MAIL_SERVER is not configured: mail stays in the outbox, readable there.
    mail_disabled: bool = False
    # The SMTP server's fault when it could not be reached, else None.
    outage: str | None = None
    # Message-IDs of the mails the server accepted in this pass.
    sent_message_ids: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Return one line for the operator."""
        if self.mail_disabled:
            mail = "mail disabled (MAIL_SERVER not set): notices stay in the outbox"
        else:
            mail = (
                f"sent {self.sent}, retrying {self.retrying}, failed {self.failed}"
                f", refused recipients {self.refused_recipients}"
            )
        line = f"delivery: claimed {self.claimed}; {mail}; pending {self.pending}"
        if self.webhooks_sent or self.webhooks_retrying or self.webhooks_failed:
            line += (
                f"; webhooks sent {self.webhooks_sent}, retrying {self.webhooks_retrying}"
                f", failed {self.webhooks_failed}"
            )
        if self.outage:
            line += f"; {self.outage}"
        return line


@dataclass
class Outgoing:
    """A claimed row, copied out of the session so that sending touches no database."""

    id: int
    kind: str
    regency_id: int
    pact_id: int | None
    message_id: str
    subject: str
    body_text: str
    body_html: str | None
    attachment: bytes | None
    attachment_name: str | None
    unsubscribe_url: str | None
    recipients: list[dict[str, Any]]
    attempts: int
    failures: int
    mail_pending: bool
    webhook_pending: bool
    webhook_attempts: int
    webhook_url: str | None
    webhook_secret: str | None
    payload: dict[str, Any]


@dataclass
class Outcome:
    """What happened to one claimed row."""

    mail: str | None = None  # "sent", "retry", "failed" or None (not attempted)
    mail_error: str | None = None
    recipients: list[dict[str, Any]] | None = None
    webhook: str | None = None
    webhook_error: str | None = None


def _fresh(session: Session) -> None:
    # The caller may have left a transaction open: end it, so each step has one of its own.
    if session.in_transaction():
        session.commit()


def _claim_condition(*, now: datetime, mail: str) -> ColumnElement[bool]:
    """Rows this pass may take: due for a channel it will try, and not claimed by another.

    ``mail`` is "up" (the SMTP server answered), "down" (it did not: the attempt is recorded
    for rows whose turn it is) or "off" (no MAIL_SERVER: only webhook copies go out).
    """
    due = Notification.next_attempt_at <= now
    free = or_(Notification.claimed_until.is_(None), Notification.claimed_until <= now)
    mail_pending = Notification.state == _PENDING
    hook_due = and_(Notification.webhook_state == webhook.PENDING, due)
    if mail == "up":
        outage_waiting = Notification.last_error.like(OUTAGE_PREFIX + "%")
        wanted = or_(and_(mail_pending, or_(due, outage_waiting)), hook_due)
    elif mail == "down":
        wanted = or_(and_(mail_pending, due), hook_due)
    else:
        wanted = hook_due
    return and_(free, wanted)


def claim(
    session: Session, *, now: datetime, worker_id: str, settings: DeliverySettings, mail: str
) -> list[Outgoing]:
    """Claim up to a batch of rows for ``worker_id`` and commit the claim."""
    _fresh(session)
    with unit_of_work(session):
        query = (
            select(Notification)
            .where(_claim_condition(now=now, mail=mail))
            .order_by(Notification.next_attempt_at, Notification.id)
            .limit(settings.batch_size)
            # Rows another worker is claiming right now are skipped, not waited for.
            .with_for_update(skip_locked=True)
        )
        rows = list(session.scalars(query))
        regencies: dict[int, Regency | None] = {}
        batch = []
        for row in rows:
            row.claimed_by = worker_id
            row.claimed_until = now + timedelta(seconds=settings.claim_seconds)
            hook_pending = row.webhook_state == webhook.PENDING
            if hook_pending and row.regency_id not in regencies:
                regencies[row.regency_id] = session.get(Regency, row.regency_id)
            regency = regencies.get(row.regency_id)
            batch.append(
                Outgoing(
                    id=row.id,
                    kind=row.kind,
                    regency_id=row.regency_id,
                    pact_id=row.pact_id,
                    message_id=row.message_id,
                    subject=row.subject,
                    body_text=row.body_text,
                    body_html=row.body_html,
                    attachment=row.attachment,
                    attachment_name=row.attachment_name,
                    unsubscribe_url=row.unsubscribe_url,
                    recipients=[dict(r) for r in row.recipients],
                    attempts=row.attempts,
                    failures=row.failures,
                    mail_pending=row.state == _PENDING and mail != "off",
                    webhook_pending=hook_pending,
                    webhook_attempts=row.webhook_attempts,
                    webhook_url=regency.webhook_url if regency else None,
                    webhook_secret=regency.webhook_secret if regency else None,
                    payload=webhook.payload(row, regency) if hook_pending else {},
                )
            )
    return batch


def record_outcomes(
    session: Session,
    outcomes: Mapping[int, Outcome],
    *,
    now: datetime,
    worker_id: str,
    settings: DeliverySettings,
    report: DeliveryReport,
) -> None:
    """Write the outcomes of a batch and release the claims, in one short transaction."""
    _fresh(session)
    with unit_of_work(session):
        rows = session.scalars(
            select(Notification).where(
                Notification.id.in_(list(outcomes)), Notification.claimed_by == worker_id
            )
        )
        for row in rows:
            _apply(row, outcomes[row.id], now=now, settings=settings, report=report)


def _apply(
    row: Notification,
    outcome: Outcome,
    *,
    now: datetime,
    settings: DeliverySettings,
    report: DeliveryReport,
) -> None:
    """Write one row's outcome (attempts, state, next try) and release its claim."""
    later: list[datetime] = []
    if outcome.mail is not None:
        row.attempts += 1
        if outcome.mail in ("retry", "failed") and not (outcome.mail_error or "").startswith(
            OUTAGE_PREFIX
        ):
            row.failures += 1
        if outcome.recipients is not None:
            row.recipients = outcome.recipients
            report.refused_recipients += sum(
                r.get("state") == "refused" for r in outcome.recipients
            )
        row.last_error = outcome.mail_error
        if outcome.mail == "sent":
            row.state = _SENT
            row.sent_at = now
            report.sent += 1
            report.sent_message_ids.append(row.message_id)
        elif outcome.mail == "failed":
            row.state = _FAILED
            report.failed += 1
            log.warning("notice %s failed for good: %s", row.id, outcome.mail_error)
        else:
            later.append(now + settings.wait_after(row.attempts))
            report.retrying += 1
    if outcome.webhook is not None:
        row.webhook_attempts += 1
        row.webhook_error = outcome.webhook_error
        if outcome.webhook == "sent":
            row.webhook_state = webhook.SENT
            report.webhooks_sent += 1
        elif outcome.webhook == "failed":
            row.webhook_state = webhook.FAILED
            report.webhooks_failed += 1
        else:
            later.append(now + settings.wait_after(row.webhook_attempts))
            report.webhooks_retrying += 1
    if later:
        row.next_attempt_at = min(later)
    row.claimed_by = None
    row.claimed_until = None


def mail_work_exists(session: Session, now: datetime) -> bool:
    """Tell whether any row waits for mail now (due, or held back by an SMTP outage)."""
    found = session.scalar(
        select(Notification.id)
        .where(
            Notification.state == _PENDING,
            or_(
                Notification.next_attempt_at <= now,
                Notification.last_error.like(OUTAGE_PREFIX + "%"),
            ),
        )
        .limit(1)
    )
    session.rollback()  # end the read: no transaction stays open while we talk to SMTP
    return found is not None


def count_pending(session: Session) -> int:
    """Return how many rows still wait for mail, due or not."""
    return (
        session.scalar(
            select(func.count()).select_from(Notification).where(Notification.state == _PENDING)
        )
        or 0
    )
