"""The AuditEvent table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base, Str32, Str64


class AuditEvent(Base):
    """One state change: actor, action, target, what changed and when."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    # Null for the system itself (demo loader, scheduler).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    regency_id: Mapped[int | None] = mapped_column(ForeignKey("regencies.id"), index=True)
    # A stable English key, e.g. "pact.recorded"; the UI translates it.
    action: Mapped[Str64]
    target_type: Mapped[Str32]
    target_id: Mapped[int]
    # The pact the change belongs to (its own, or its finding's): one index serves a timeline.
    pact_id: Mapped[int | None] = mapped_column(ForeignKey("pacts.id"), index=True)
    changes: Mapped[dict[str, Any] | None]
