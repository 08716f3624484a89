"""The Regency table."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, Str64, Str120

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
    created_at: Mapped[datetime]

    agencies: Mapped[list[Agency]] = relationship(back_populates="regency", order_by="Agency.name")

    def __repr__(self) -> str:
        return f"<Regency {self.slug}>"
