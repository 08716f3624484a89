"""The User table and its roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, Str200, text_enum

if TYPE_CHECKING:
    from tracker.agencies.models import Agency
    from tracker.regencies.models import Regency


class UserRole(StrEnum):
    """What an account may do (DOMAIN.md section 1)."""

    SUPERADMIN = "superadmin"
    ADMIN = "admin"
    OBSERVER = "observer"
    OPD = "opd"


class User(Base):
    """A staff account; the public needs none."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[Str200]
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[UserRole] = mapped_column(text_enum(UserRole, "role"))
    regency_id: Mapped[int | None] = mapped_column(ForeignKey("regencies.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime]

    regency: Mapped[Regency | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
