"""The outbox (one row per notice and language) and the scheduler's database lock."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import (
    LONG_BLOB,
    LONG_TEXT,
    Base,
    JSONText,
    Str32,
    Str64,
    Str200,
    Str300,
    Str500,
    text_enum,
)


class NotificationState(StrEnum):
    """Where a notice is on its way out."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class NoticeKind(StrEnum):
    """What a notice is; the value is sent as the X-Pantau-Kind header."""

    REMINDER_30D = "reminder-30d"
    REMINDER_14D = "reminder-14d"
    REMINDER_7D = "reminder-7d"
    REMINDER_1D = "reminder-1d"
    ESCALATION_1 = "escalation-1"
    ESCALATION_2 = "escalation-2"
    ESCALATION_3 = "escalation-3"
    FULFILLED = "fulfilled"
    DIGEST = "digest"
    # Public followers of a pact (double opt-in).
    FOLLOW_CONFIRM = "follow-confirm"
    FOLLOW_STATUS = "follow-status"
    # A finding changed hands: submissions (gathered per regency and hour) to the regent's
    # office; a return or an approval to the agency.
    FINDINGS_SUBMITTED = "findings-submitted"
    FINDING_RETURNED = "finding-returned"
    FINDING_APPROVED = "finding-approved"


class Notification(Base):
    """One notice in the outbox: the record of who was told what, and when.

    Written by the sweep (never from inside a request before it commits), sent by delivery.
    ``recipients`` is a JSON list of ``{"name", "email", "role": "to"|"cc", "state":
    "pending"|"sent"|"refused", "error"}``; a recipient refused by the server is marked there.
    """

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Idempotency key (kind, pact, rung or offset, period[, language][, follower]):
    # the database's unique constraint refuses a second copy.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[Str32] = mapped_column(index=True)
    regency_id: Mapped[int] = mapped_column(ForeignKey("regencies.id"), index=True)
    pact_id: Mapped[int | None] = mapped_column(ForeignKey("pacts.id"), index=True)
    follower_id: Mapped[int | None] = mapped_column(ForeignKey("followers.id"), index=True)
    # The regency-local date the notice is about (reminder day, rung day, digest Monday).
    due_on: Mapped[date | None]
    # The language the notice was rendered in ("id" or "en").
    lang: Mapped[str] = mapped_column(String(8), default="id", server_default="id")
    recipients: Mapped[list[Any]] = mapped_column(JSONText())
    subject: Mapped[Str300]
    body_text: Mapped[str] = mapped_column(LONG_TEXT)
    body_html: Mapped[str | None] = mapped_column(LONG_TEXT)
    attachment: Mapped[bytes | None] = mapped_column(LONG_BLOB)
    attachment_name: Mapped[Str200 | None]
    # Stable per row, so a resend after a lost answer can be recognised by the receiver.
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    unsubscribe_url: Mapped[Str500 | None]
    state: Mapped[NotificationState] = mapped_column(
        text_enum(NotificationState, "state"), default=NotificationState.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # Attempts the message itself failed (refused, unbuildable); only these spend the retry
    # budget. An SMTP outage counts in ``attempts`` but never here.
    failures: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    # A delivery worker's claim; another worker skips the row until it expires.
    claimed_by: Mapped[Str64 | None]
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # The regency's webhook copy: None when the regency has no webhook.
    webhook_state: Mapped[Str32 | None]
    webhook_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    webhook_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class SchedulerLock(Base):
    """A lease: the one scheduler allowed per database holds it and renews it."""

    __tablename__ = "scheduler_locks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128))
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]
