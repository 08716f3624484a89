"""Public followers of a pact (double opt-in)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base, Str32, Str64


class Follower(Base):
    """An email address that asked to hear when a pact's status changes. Private."""

    __tablename__ = "followers"
    __table_args__ = (UniqueConstraint("pact_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int] = mapped_column(ForeignKey("pacts.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(8), default="id", server_default="id")
    # SHA-256 of the secrets in the confirmation and unsubscribe links.
    confirm_token_hash: Mapped[Str64] = mapped_column(unique=True)
    unsubscribe_token_hash: Mapped[Str64] = mapped_column(unique=True)
    created_at: Mapped[datetime]
    confirm_expires_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]
    # The pact status this follower was last told about (or saw when confirming).
    last_status: Mapped[Str32 | None]
