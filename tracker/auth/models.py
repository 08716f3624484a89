"""Accounts, their login sessions and API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, Str64, Str120, Str200, text_enum

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
    # Failed logins in a row; each one makes the next attempt wait longer (auth.rules).
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    last_failed_login_at: Mapped[datetime | None]
    # The language notices are written in for this account ("id" or "en").
    locale: Mapped[str] = mapped_column(String(8), default="id", server_default="id")
    created_at: Mapped[datetime]

    regency: Mapped[Regency | None] = relationship()
    agency: Mapped[Agency | None] = relationship()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"

    # What Flask-Login asks of a user object (no Flask import needed here).
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """Return the id Flask-Login keeps in the session."""
        return str(self.id)


class LoginSession(Base):
    """One browser login: its random id is what the cookie carries; logout revokes it."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the random session key (the cookie holds the key itself).
    key_hash: Mapped[Str64] = mapped_column(unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class ApiToken(Base):
    """A bearer token for the API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[Str64] = mapped_column(unique=True)
    # The first characters of the token, so an owner can tell tokens apart in a list.
    prefix: Mapped[str] = mapped_column(String(12))
    label: Mapped[Str120 | None]
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
