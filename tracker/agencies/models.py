"""The Agency table and its open list of kinds."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, Str32, Str64, Str200

if TYPE_CHECKING:
    from tracker.regencies.models import Regency

# Suggested kinds; the column accepts others (DOMAIN.md: keep agency kinds an open list).
AGENCY_KINDS = ("dinas", "badan", "puskesmas", "rsud", "kecamatan", "upt", "bagian", "lainnya")


class Agency(Base):
    """An OPD or service unit of one regency."""

    __tablename__ = "agencies"
    __table_args__ = (UniqueConstraint("regency_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regency_id: Mapped[int] = mapped_column(ForeignKey("regencies.id"), index=True)
    slug: Mapped[Str64]
    name: Mapped[Str200]
    kind: Mapped[Str32]
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The agency head, copied on reminders, escalations and fulfilment notices. Private.
    head_name: Mapped[Str200 | None]
    head_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime]

    regency: Mapped[Regency] = relationship(back_populates="agencies")

    def __repr__(self) -> str:
        return f"<Agency {self.slug}>"
