"""Helpers for the workflow service tests: the world they share, photos, audit and snapshots."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Any, TypeVar

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.integration.auth_helpers import make_user
from tracker.agencies.models import Agency
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.db import Base
from tracker.errors import DomainError
from tracker.findings.models import Finding
from tracker.pacts.models import Pact
from tracker.regencies.models import Regency

# Signed in Sumbawa Barat (WITA, UTC+8) on 8 January 2019: the deadline is 8 April 2019.
SIGNED_ON = date(2019, 1, 8)
DEADLINE = date(2019, 4, 8)

E = TypeVar("E", bound=DomainError)


@dataclass
class World:
    """Regency X with agencies A and B, regency Y, and the accounts that act on them.

    The admin of X and the staff of A exist from the start; the other accounts are created on
    first use (each costs a deliberately slow password hash), so touch them before a change
    whose database snapshot is compared.
    """

    session: Session
    now: datetime
    x: Regency
    y: Regency
    a: Agency
    b: Agency
    admin_x: User
    opd_a: User
    pact: Pact  # agency A's pact, signed on SIGNED_ON, with two open findings

    @property
    def finding(self) -> Finding:
        return self.pact.findings[0]

    @cached_property
    def admin_y(self) -> User:
        return make_user(self.session, role="admin", regency=self.y, now=self.now)

    @cached_property
    def observer_x(self) -> User:
        return make_user(self.session, role="observer", regency=self.x, now=self.now)

    @cached_property
    def opd_b(self) -> User:
        return make_user(self.session, role="opd", agency=self.b, now=self.now)


def png(color: str = "green") -> bytes:
    """Return the bytes of a real (tiny) PNG photo."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="PNG")
    return buffer.getvalue()


def last_event_id(session: Session) -> int:
    return session.execute(select(func.max(AuditEvent.id))).scalar_one() or 0


def events_after(session: Session, event_id: int) -> list[AuditEvent]:
    return list(
        session.execute(
            select(AuditEvent).where(AuditEvent.id > event_id).order_by(AuditEvent.id)
        ).scalars()
    )


# The tables the workflow services write to.
WORKFLOW_TABLES = (
    "pacts",
    "pact_extensions",
    "findings",
    "evidence",
    "reviews",
    "audit_events",
    "users",
)


def snapshot(session: Session) -> dict[str, list[Any]]:
    """Read every row of the workflow tables (reading also flushes anything left pending)."""
    result = {}
    for name in WORKFLOW_TABLES:
        table = Base.metadata.tables[name]
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
        result[name] = [tuple(row) for row in rows]
    return result


def refused(session: Session, error: type[E], change: Callable[[], object]) -> E:
    """Run a change the services must refuse; check it gives a reason and changes nothing."""
    before = snapshot(session)
    with pytest.raises(error) as caught:
        change()
    assert str(caught.value.detail).strip(), "the refusal gives no reason"
    assert snapshot(session) == before, "a refused change left something in the database"
    return caught.value
