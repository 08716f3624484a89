"""One delivery pass: batch after batch, claim due rows, send them, record what happened."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from tracker.clock import Clock
from tracker.notifications.delivery.claims import (
    DeliveryReport,
    claim,
    count_pending,
    mail_work_exists,
    record_outcomes,
)
from tracker.notifications.delivery.settings import DeliverySettings
from tracker.notifications.delivery.smtp import connect, send_batch
from tracker.web.step import unit_of_work

log = logging.getLogger(__name__)


def _close(conn: smtplib.SMTP | None) -> None:
    if conn is None:
        return
    try:
        conn.quit()
    except (OSError, smtplib.SMTPException):
        conn.close()


def deliver_pending(
    session: Session,
    *,
    settings: DeliverySettings,
    now: datetime | Clock,
    worker_id: str,
    max_batches: int = 1000,
) -> DeliveryReport:
    """Send every due notice, batch after batch, and return what happened (commits).

    ``now`` is a clock (read afresh for each batch's claim and again for its outcome, so a long
    pass neither lets its claims lapse nor stamps late mail with its start) or a fixed instant
    (tests, replays). Without ``settings.server`` no mail is sent: rows stay pending, readable
    in the outbox, and only webhook copies go out.
    """
    read: Callable[[], datetime] = now.now if not isinstance(now, datetime) else lambda: now
    report = DeliveryReport(mail_disabled=not settings.server)
    if session.in_transaction():
        session.commit()
    for _ in range(max_batches):
        at = read()
        conn: smtplib.SMTP | None = None
        mail = "off"
        if settings.server and report.outage is None and mail_work_exists(session, at):
            try:
                conn = connect(settings)
                mail = "up"
            except (OSError, smtplib.SMTPException) as exc:
                report.outage = f"{type(exc).__name__}: {exc}".strip()
                log.warning(
                    "SMTP server %s:%s unavailable: %s", settings.server, settings.port, exc
                )
        if report.outage is not None:
            mail = "down"
        try:
            at = read()
            batch = claim(session, now=at, worker_id=worker_id, settings=settings, mail=mail)
            report.claimed += len(batch)
            if not batch:
                break
            outcomes, outage = send_batch(
                conn, batch, settings=settings, now=at, outage=report.outage
            )
        finally:
            _close(conn)
        if outage and report.outage is None:
            report.outage = outage
        record_outcomes(
            session, outcomes, now=read(), worker_id=worker_id, settings=settings, report=report
        )
        if len(batch) < settings.batch_size or mail == "down":
            # An outage is recorded once per pass (the rows whose turn it was), not looped on.
            break
    with unit_of_work(session, writes=False):
        report.pending = count_pending(session)
    return report
