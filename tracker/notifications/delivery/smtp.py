"""The sending side of a delivery pass: mail over one SMTP connection, webhook copies over HTTP.

Nothing here touches the database: a claimed batch comes in, and what became of each row goes
out, classified (sent, retry later, failed for good, or waiting for an absent server).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.errors import HeaderParseError
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any

from tracker.notifications import webhook
from tracker.notifications.delivery.claims import OUTAGE_PREFIX, Outcome, Outgoing
from tracker.notifications.delivery.settings import DeliverySettings

log = logging.getLogger(__name__)


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


class MailPolicy(EmailPolicy):
    """The standard library's mail policy, but To and Cc written one address a line.

    Python's own folding of an address header (3.11 at least) drops the quotes around a display
    name that does not fit the line: ``"Kepala Inspektorat, Kab. X" <a@b>`` went out unquoted,
    and a mail client read the comma and any ``<...>`` or ``@`` inside the name as more
    recipients (a name typed as ``Kepala, penyusup@jahat.invalid, Inspektur`` put
    penyusup@jahat.invalid among the mail's addressees). Here each address is quoted by
    ``formataddr`` (a name outside ASCII as RFC 2047 encoded words) and set on a line of its
    own, which it always fits: a name has at most 200 characters and an address 254.
    """

    def fold(self, name: str, value: Any) -> str:
        folded = self._fold_addresses(name, value)
        return super().fold(name, value) if folded is None else folded

    def fold_binary(self, name: str, value: Any) -> bytes:
        folded = self._fold_addresses(name, value)
        return super().fold_binary(name, value) if folded is None else folded.encode("ascii")

    def _fold_addresses(self, name: str, value: Any) -> str | None:
        addresses = getattr(value, "addresses", None)
        if name.lower() not in ("to", "cc") or addresses is None:
            return None
        if not all(a.addr_spec.isascii() for a in addresses):
            return None  # an internationalised address: the library's own way
        lines = []
        for a in addresses:
            if a.display_name.isascii():
                lines.append(formataddr((a.display_name, a.addr_spec)))
            else:
                words = Header(a.display_name, "utf-8").encode(linesep=self.linesep)
                lines.append(f"{words} <{a.addr_spec}>")
        return f"{name}: " + f",{self.linesep} ".join(lines) + self.linesep


MAIL_POLICY = MailPolicy()


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
    item: Outgoing, *, sender: str, now: datetime, recipients: Sequence[Mapping[str, Any]]
) -> EmailMessage:
    """Build the mail of one outbox row, with its stable Message-ID and machine headers."""
    msg = EmailMessage(policy=MAIL_POLICY)
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
    conn: smtplib.SMTP, item: Outgoing, *, settings: DeliverySettings, now: datetime
) -> Outcome:
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
    outcome = Outcome(recipients=recipients)
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


def _conclude(outcome: Outcome, item: Outgoing, settings: DeliverySettings) -> Outcome:
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
    outcome: Outcome, item: Outgoing, settings: DeliverySettings, error: str
) -> Outcome:
    """Count an attempt; retry later, or give up when the budget is spent."""
    outcome.mail = "failed" if item.failures + 1 >= settings.max_attempts else "retry"
    outcome.mail_error = error
    return outcome


def _wait_for_server(outcome: Outcome, error: str) -> Outcome:
    """Record an attempt the SMTP server's absence defeated: retried, never failed for it."""
    outcome.mail = "retry"
    outcome.mail_error = OUTAGE_PREFIX + error
    return outcome


def send_batch(
    conn: smtplib.SMTP | None,
    batch: Sequence[Outgoing],
    *,
    settings: DeliverySettings,
    now: datetime,
    outage: str | None,
) -> tuple[dict[int, Outcome], str | None]:
    """Send a claimed batch (mail over ``conn``, webhook copies over HTTP); never raises."""
    outcomes: dict[int, Outcome] = {}
    for item in batch:
        outcome = Outcome()
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
                allowed_networks=settings.webhook_allowed_networks,
            )
            if ok:
                outcome.webhook = "sent"
            else:
                outcome.webhook_error = error
                spent = item.webhook_attempts + 1 >= settings.max_attempts
                outcome.webhook = "failed" if spent or not item.webhook_url else "retry"
        outcomes[item.id] = outcome
    return outcomes, outage
