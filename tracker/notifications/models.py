"""The Notification outbox table."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base, JSONText, Str32, Str300, text_enum


class NotificationState(StrEnum):
    """Where a notice is on its way out."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Notification(Base):
    """One notice in the outbox: the record of who was told what, and when."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Idempotency key (kind, pact, rung or offset, period): the database refuses a second copy.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[Str32]
    regency_id: Mapped[int] = mapped_column(ForeignKey("regencies.id"), index=True)
    pact_id: Mapped[int | None] = mapped_column(ForeignKey("pacts.id"), index=True)
    recipients: Mapped[list[Any]] = mapped_column(
        # JSON list of {"name", "email"}; kept as text for the same type on every database.
        JSONText()
    )
    subject: Mapped[Str300]
    body_text: Mapped[str] = mapped_column(Text)
    state: Mapped[NotificationState] = mapped_column(
        text_enum(NotificationState, "state"), default=NotificationState.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
