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
    # The second factor (admins and superadmins may turn it on, tracker.auth.second_factor):
    # the TOTP secret, sealed (tracker.auth.sealing: never the base32 secret itself), when it
    # was turned on, and the last time step a code was accepted for (a code is good once).
    totp_secret_sealed: Mapped[str | None] = mapped_column(String(128))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]
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
    # The last request made with it, noted to auth.rules.TOKEN_USE_PRECISION (idle timeout).
    last_seen_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class LoginThrottle(Base):
    """The login attempts remembered for one address string, known account or not, as a leaky
    bucket (auth.rules.admitted_drain); a successful login empties it."""

    __tablename__ = "login_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the address as typed (trimmed, lower-cased), with the browser's device id when
    # it has logged in to that address before: never the address itself.
    key_hash: Mapped[Str64] = mapped_column(unique=True)
    # When every failure counted here is forgotten (the sweep then deletes the row).
    drains_at: Mapped[datetime] = mapped_column(index=True)


class RateLimitCounter(Base):
    """One window of a Flask-Limiter counter (failed logins per client address), kept in the
    database so that every worker counts together (auth.ratelimit)."""

    __tablename__ = "rate_limit_counters"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of Flask-Limiter's key (which names the client address and the limit).
    key_hash: Mapped[Str64] = mapped_column(unique=True)
    count: Mapped[int]
    expires_at: Mapped[datetime] = mapped_column(index=True)


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
