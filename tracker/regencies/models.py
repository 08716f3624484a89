"""The Regency table."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, Str64, Str120, Str200, Str500

if TYPE_CHECKING:
    from tracker.agencies.models import Agency


class Regency(Base):
    """A local government (pemda): one tenant, with its own IANA time zone."""

    __tablename__ = "regencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[Str64] = mapped_column(unique=True)
    name: Mapped[Str120]
    province: Mapped[Str120]
    timezone: Mapped[str] = mapped_column(String(64))
    # Optional relay (a WhatsApp or SMS gateway the regency runs): every notice is POSTed
    # there as JSON, signed with HMAC-SHA256 using the secret. Both private.
    webhook_url: Mapped[Str500 | None]
    webhook_secret: Mapped[Str64 | None]
    created_at: Mapped[datetime]

    agencies: Mapped[list[Agency]] = relationship(back_populates="regency", order_by="Agency.name")
    escalation_contacts: Mapped[list[EscalationContact]] = relationship(
        back_populates="regency", order_by="(EscalationContact.rung, EscalationContact.id)"
    )

    def __repr__(self) -> str:
        return f"<Regency {self.slug}>"


class EscalationContact(Base):
    """Who sits on a rung of the regency's escalation ladder (settings, private).

    Rung 1 (1 day overdue): the regency's admins and the Inspektorat; rung 2 (14 days): the
    Sekda; rung 3 (30 days): the Bupati. The regency's admin accounts are added to rung 1.
    """

    __tablename__ = "escalation_contacts"
    __table_args__ = (
        UniqueConstraint("regency_id", "rung", "email"),
        CheckConstraint("rung >= 1 AND rung <= 3", name="rung_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_id: Mapped[int] = mapped_column(ForeignKey("regencies.id"), index=True)
    rung: Mapped[int]
    name: Mapped[Str200]
    # Position, e.g. "Inspektur", "Sekretaris Daerah", "Bupati".
    title: Mapped[Str200 | None]
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(8), default="id", server_default="id")
    created_at: Mapped[datetime]

    regency: Mapped[Regency] = relationship(back_populates="escalation_contacts")
