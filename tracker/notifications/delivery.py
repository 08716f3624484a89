"""Send the outbox: claim due rows, mail them over one SMTP connection per batch, record.

A delivery pass is a unit of work of its own (it commits): rows are claimed in a short
transaction (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL and MariaDB, ``BEGIN
IMMEDIATE`` on SQLite), the claim is committed, the mail and the webhook copy are sent outside
any transaction, and the outcome is written in a second short transaction. Two workers at once
never send the same row, and a worker that dies leaves claims that lapse after
``DELIVERY_CLAIM_SECONDS``.

Retries: a row that could not be sent gets ``attempts + 1`` and its next attempt after a
doubling delay (``DELIVERY_BACKOFF_SECONDS``, capped at ``DELIVERY_BACKOFF_MAX_SECONDS``). When
the message itself failed (the server refused it or a recipient, or the row could not be
built), ``DELIVERY_MAX_ATTEMPTS`` is the budget: the attempt that reaches it marks the row
failed (an admin can put it back with :func:`retry`).
A recipient the server asked to try later (a 4xx answer, e.g. greylisting) stays pending even
when others accepted the mail: the row is retried for the recipients still pending only, and
is sent once none is left.
When the SMTP server itself was unreachable or dropped the connection, the attempt is
recorded the same way (``attempts``, backoff, ``last_error`` starting with
:data:`OUTAGE_PREFIX`) but never fails the row, however long the outage lasts: the server was
at fault, not the row. The first pass that reaches the server again sends it at once, whatever
its backoff said. ``attempts`` counts both kinds; the budget is read from ``failures``, which
counts only the attempts the message itself failed.

Delivery is exactly-once as long as outcomes can be recorded. If the database goes away
between sending and recording, the claims lapse and those rows are sent again: at least once,
with the same Message-ID, so that a receiver can recognise the repeat.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from tracker.audit.services import record
from tracker.auth import policy
from tracker.auth.models import User
from tracker.clock import Clock
from tracker.errors import Conflict, Forbidden, NotFound
from tracker.notifications import webhook
from tracker.notifications.models import Notification, NotificationState
from tracker.regencies.models import Regency

log = logging.getLogger(__name__)

# The start of ``last_error`` when the SMTP server could not be reached or dropped the line.
OUTAGE_PREFIX = "SMTP server unavailable: "

_PENDING = NotificationState.PENDING
_SENT = NotificationState.SENT
_FAILED = NotificationState.FAILED


# --- settings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliverySettings:
    """How to reach the SMTP server and how hard to try (from the app's configuration)."""

    server: str | None = None
    port: int = 25
    use_tls: bool = False
    use_ssl: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "Pantau Pakta <pantau-pakta@localhost>"
    timeout: float = 10.0
    batch_size: int = 50
    max_attempts: int = 48
    backoff_seconds: int = 60
    backoff_max_seconds: int = 3600
    claim_seconds: int = 900
    webhook_timeout: float = 10.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DeliverySettings:
        """Read the ``MAIL_*``, ``DELIVERY_*`` and ``WEBHOOK_*`` keys of a Flask config."""
        sender = config.get("MAIL_DEFAULT_SENDER") or cls.sender
        if isinstance(sender, list | tuple):  # Flask-Mail also accepts (name, address)
            sender = str(Address(display_name=sender[0], addr_spec=sender[1]))
        return cls(
            server=config.get("MAIL_SERVER") or None,
            port=int(config.get("MAIL_PORT") or 25),
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            username=config.get("MAIL_USERNAME") or None,
            password=config.get("MAIL_PASSWORD") or None,
            sender=str(sender),
            timeout=float(config.get("MAIL_TIMEOUT_SECONDS") or 10),
            batch_size=int(config.get("DELIVERY_BATCH_SIZE") or 50),
            max_attempts=int(config.get("DELIVERY_MAX_ATTEMPTS") or 48),
            backoff_seconds=int(config.get("DELIVERY_BACKOFF_SECONDS") or 60),
            backoff_max_seconds=int(config.get("DELIVERY_BACKOFF_MAX_SECONDS") or 3600),
            claim_seconds=int(config.get("DELIVERY_CLAIM_SECONDS") or 900),
            webhook_timeout=float(config.get("WEBHOOK_TIMEOUT_SECONDS") or 10),
        )


def backoff(attempts: int, *, base_seconds: int, max_seconds: int) -> timedelta:
    """Return the wait before the next try after ``attempts`` failed ones (doubling, capped)."""
    exponent = max(attempts - 1, 0)
    # Past 2**20 the cap has long been reached; stop before the number grows silly.
    seconds = base_seconds * 2 ** min(exponent, 20)
    return timedelta(seconds=min(seconds, max_seconds))


# --- the report ---------------------------------------------------------------------------


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


# --- claiming -----------------------------------------------------------------------------


@dataclass
class _Outgoing:
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
class _Outcome:
    """What happened to one claimed row."""

    mail: str | None = None  # "sent", "retry", "failed" or None (not attempted)
    mail_error: str | None = None
    recipients: list[dict[str, Any]] | None = None
    webhook: str | None = None
    webhook_error: str | None = None


def _begin_write(session: Session) -> None:
    """Start a transaction that will write: on SQLite, take the write lock first."""
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


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


def _claim(
    session: Session, *, now: datetime, worker_id: str, settings: DeliverySettings, mail: str
) -> list[_Outgoing]:
    """Claim up to a batch of rows for ``worker_id`` and commit the claim."""
    _begin_write(session)
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
            _Outgoing(
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
    session.commit()
    return batch


# --- sending ------------------------------------------------------------------------------


def connect(settings: DeliverySettings) -> smtplib.SMTP:
    """Open one SMTP connection (TLS and login as configured), within the timeout."""
    if not settings.server:
        raise ValueError("MAIL_SERVER is not set: there is no SMTP server to connect to")
    conn: smtplib.SMTP
    if settings.use_ssl:
        conn = smtplib.SMTP_SSL(
            settings.server,
            settings.port,
            timeout=settings.timeout,
            context=ssl.create_default_context(),
        )
    else:
        conn = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    try:
        conn.ehlo_or_helo_if_needed()
        if settings.use_tls:
            conn.starttls(context=ssl.create_default_context())
            conn.ehlo()
        if settings.username:
            conn.login(settings.username, settings.password or "")
    except BaseException:
        conn.close()
        raise
    return conn


def _address(recipient: Mapping[str, Any]) -> Address:
    """Return the header form of a recipient; raise ValueError for an unusable address."""
    email = str(recipient.get("email") or "").strip()
    if "@" not in email or any(c.isspace() for c in email):
        raise ValueError(f"not an email address: {email!r}")
    try:
        return Address(display_name=str(recipient.get("name") or ""), addr_spec=email)
    except (HeaderParseError, IndexError) as exc:
        raise ValueError(f"not an email address: {email!r}") from exc


def build_message(
    item: _Outgoing, *, sender: str, now: datetime, recipients: Sequence[Mapping[str, Any]]
) -> EmailMessage:
    """Build the mail of one outbox row, with its stable Message-ID and machine headers."""
    msg = EmailMessage()
    msg["Subject"] = item.subject
    msg["From"] = sender
    to = [_address(r) for r in recipients if r.get("role", "to") != "cc"]
    cc = [_address(r) for r in recipients if r.get("role") == "cc"]
    if to:
        msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = item.message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Pantau-Kind"] = item.kind
    if item.pact_id is not None:
        msg["X-Pantau-Pact"] = str(item.pact_id)
    if item.unsubscribe_url:
        msg["List-Unsubscribe"] = f"<{item.unsubscribe_url}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(item.body_text)
    if item.body_html:
        msg.add_alternative(item.body_html, subtype="html")
    if item.attachment:
        msg.add_attachment(
            item.attachment,
            maintype="application",
            subtype="pdf",
            filename=item.attachment_name or "laporan.pdf",
        )
    return msg


class _Outage(Exception):
    """The SMTP connection failed: this row and the rest of the batch wait for the server."""


def _send_one(
    conn: smtplib.SMTP, item: _Outgoing, *, settings: DeliverySettings, now: datetime
) -> _Outcome:
    """Send one row's mail to its recipients still pending; classify what the server said."""
    recipients = [dict(r) for r in item.recipients]
    usable = []
    for r in recipients:
        if r.get("state", "pending") != "pending":
            continue
        try:
            _address(r)
        except ValueError as exc:
            r.update(state="refused", error=str(exc))
            continue
        usable.append(r)
    outcome = _Outcome(recipients=recipients)
    if not usable:
        return _conclude(outcome, item, settings)
    msg = build_message(item, sender=settings.sender, now=now, recipients=usable)
    envelope_from = parseaddr(settings.sender)[1] or settings.sender
    try:
        refused = conn.send_message(
            msg, from_addr=envelope_from, to_addrs=[r["email"] for r in usable]
        )
    except smtplib.SMTPRecipientsRefused as exc:
        refused = exc.recipients
    except smtplib.SMTPServerDisconnected as exc:
        raise _Outage(str(exc) or "connection closed") from exc
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError, smtplib.SMTPNotSupportedError) as e:
        return _retry_or_fail(outcome, item, settings, f"SMTP refused the message: {e}")
    except OSError as exc:  # a timeout or reset in the middle of the conversation
        raise _Outage(str(exc) or type(exc).__name__) from exc
    for r in usable:
        answer = refused.get(r["email"])
        if answer is None:
            r.update(state="sent", error=None)
        else:
            code, text = answer
            reason = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
            # A 4xx answer (greylisting, a full mailbox) is "try later": the recipient stays
            # pending, whoever else accepted the mail; the next attempt goes to them alone.
            later = 400 <= int(code) < 500
            r.update(state="pending" if later else "refused", error=f"{code} {reason}")
    return _conclude(outcome, item, settings)


def _conclude(outcome: _Outcome, item: _Outgoing, settings: DeliverySettings) -> _Outcome:
    """Decide a row from its recipients' states after an attempt.

    A recipient still pending (told to try later) keeps the row pending, with backoff, until
    the retry budget is spent; otherwise the row is sent when anyone accepted it, and failed
    for good when every recipient was refused.
    """
    recipients = outcome.recipients or []
    errors = "; ".join(f"{r.get('email')}: {r.get('error')}" for r in recipients if r.get("error"))
    if any(r.get("state", "pending") == "pending" for r in recipients):
        return _retry_or_fail(outcome, item, settings, f"recipients refused: {errors}")
    if any(r.get("state") == "sent" for r in recipients):
        outcome.mail = "sent"
        return outcome
    outcome.mail = "failed"
    outcome.mail_error = f"every recipient was refused: {errors}"
    return outcome


def _retry_or_fail(
    outcome: _Outcome, item: _Outgoing, settings: DeliverySettings, error: str
) -> _Outcome:
    """Count an attempt; retry later, or give up when the budget is spent."""
    outcome.mail = "failed" if item.failures + 1 >= settings.max_attempts else "retry"
    outcome.mail_error = error
    return outcome


def _wait_for_server(outcome: _Outcome, error: str) -> _Outcome:
    """Record an attempt the SMTP server's absence defeated: retried, never failed for it."""
    outcome.mail = "retry"
    outcome.mail_error = OUTAGE_PREFIX + error
    return outcome


def _send_batch(
    conn: smtplib.SMTP | None,
    batch: Sequence[_Outgoing],
    *,
    settings: DeliverySettings,
    now: datetime,
    outage: str | None,
) -> tuple[dict[int, _Outcome], str | None]:
    """Send a claimed batch (mail over ``conn``, webhook copies over HTTP); never raises."""
    outcomes: dict[int, _Outcome] = {}
    for item in batch:
        outcome = _Outcome()
        if item.mail_pending:
            if conn is None or outage:
                outcome = _wait_for_server(outcome, outage or "")
            else:
                try:
                    outcome = _send_one(conn, item, settings=settings, now=now)
                except _Outage as exc:
                    outage = str(exc)
                    log.warning("SMTP connection lost while sending notice %s: %s", item.id, exc)
                    outcome = _wait_for_server(outcome, outage)
                except Exception as exc:
                    # One bad row (a header, an address) must not stop the others.
                    log.exception("notice %s could not be sent", item.id)
                    outcome = _retry_or_fail(
                        outcome, item, settings, f"{type(exc).__name__}: {exc}"
                    )
        if item.webhook_pending:
            ok, error = webhook.post(
                url=item.webhook_url,
                secret=item.webhook_secret,
                payload=item.payload,
                now=now,
                timeout=settings.webhook_timeout,
            )
            if ok:
                outcome.webhook = "sent"
            else:
                outcome.webhook_error = error
                spent = item.webhook_attempts + 1 >= settings.max_attempts
                outcome.webhook = "failed" if spent or not item.webhook_url else "retry"
        outcomes[item.id] = outcome
    return outcomes, outage


# --- recording ----------------------------------------------------------------------------


def _record(
    session: Session,
    outcomes: Mapping[int, _Outcome],
    *,
    now: datetime,
    worker_id: str,
    settings: DeliverySettings,
    report: DeliveryReport,
) -> None:
    """Write the outcomes of a batch and release the claims, in one short transaction."""
    _begin_write(session)
    rows = session.scalars(
        select(Notification).where(
            Notification.id.in_(list(outcomes)), Notification.claimed_by == worker_id
        )
    )
    for row in rows:
        outcome = outcomes[row.id]
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
                later.append(now + _backoff(row.attempts, settings))
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
                later.append(now + _backoff(row.webhook_attempts, settings))
                report.webhooks_retrying += 1
        if later:
            row.next_attempt_at = min(later)
        row.claimed_by = None
        row.claimed_until = None
    session.commit()


def _backoff(attempts: int, settings: DeliverySettings) -> timedelta:
    return backoff(
        attempts, base_seconds=settings.backoff_seconds, max_seconds=settings.backoff_max_seconds
    )


# --- the pass -----------------------------------------------------------------------------


def _mail_work_exists(session: Session, now: datetime) -> bool:
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
        if settings.server and report.outage is None and _mail_work_exists(session, at):
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
            batch = _claim(session, now=at, worker_id=worker_id, settings=settings, mail=mail)
            report.claimed += len(batch)
            if not batch:
                break
            outcomes, outage = _send_batch(
                conn, batch, settings=settings, now=at, outage=report.outage
            )
        finally:
            _close(conn)
        if outage and report.outage is None:
            report.outage = outage
        _record(
            session, outcomes, now=read(), worker_id=worker_id, settings=settings, report=report
        )
        if len(batch) < settings.batch_size or mail == "down":
            # An outage is recorded once per pass (the rows whose turn it was), not looped on.
            break
    report.pending = (
        session.scalar(
            select(func.count()).select_from(Notification).where(Notification.state == _PENDING)
        )
        or 0
    )
    session.commit()
    return report


# --- an admin puts a failed notice back -----------------------------------------------------


def retry(
    session: Session, notification_id: int, *, actor: User | None, now: datetime
) -> Notification:
    """Put a failed notice (mail or webhook copy) back in the queue, due now; audited.

    The attempt counter starts again (the old count is kept in the audit event), and
    recipients the server refused are tried again.
    """
    row = session.get(Notification, notification_id)
    if row is None or (actor is not None and not policy.can_view_outbox(actor, row.regency_id)):
        raise NotFound(_l("There is no notice with id %(id)s.", id=notification_id))
    if actor is not None and not policy.can_retry_notice(actor, row.regency_id):
        raise Forbidden(_l("You may not retry notices of this regency."))
    mail_failed = row.state == _FAILED
    hook_failed = row.webhook_state == webhook.FAILED
    if not (mail_failed or hook_failed):
        raise Conflict(_l("Only a failed notice can be retried."))
    changes: dict[str, Any] = {}
    if mail_failed:
        changes["state"] = [row.state.value, _PENDING.value]
        changes["attempts"] = [row.attempts, 0]
        row.state = _PENDING
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
