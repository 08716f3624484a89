"""The staff world of the integration tests: two regencies, their agencies, one account per role.

Regency X (agencies A and B) and regency Y (agency C). The accounts are made through the real
service and committed, so requests see them. A test that asserts slugs or zones of its own
passes them to ``make_office``; the ``office`` fixture is the default one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlalchemy.orm import Session

from tests.builders import make_agency, make_regency
from tests.integration.auth_helpers import make_user
from tracker.agencies.models import Agency
from tracker.auth.models import User
from tracker.regencies.models import Regency


@dataclass(eq=False)
class Office:
    """Regency X (agencies A and B) and regency Y (agency C), with one account per role."""

    session: Session
    now: datetime
    x: Regency
    y: Regency
    a: Agency
    b: Agency
    c: Agency
    admin_x: User
    observer_x: User
    opd_a: User
    opd_b: User
    admin_y: User
    superadmin: User

    def user(self, persona: str) -> User:
        """Return the account of a persona named like the attributes ("admin_x", ...)."""
        user = getattr(self, persona)
        assert isinstance(user, User)
        return user

    @cached_property
    def admin_of_a(self) -> User:
        """An admin of regency X who is also on agency A's staff (the Inspektorat case).

        Made on first use only, so that the other tests' account lists stay as they were.
        """
        return make_user(self.session, role="admin", regency=self.x, agency=self.a, now=self.now)


def make_office(
    session: Session,
    *,
    now: datetime,
    regencies: tuple[str, str] = ("kab-x", "kab-y"),
    agencies: tuple[str, str, str] = ("dinsos", "dukcapil", "dinkes"),
    timezones: tuple[str, str] = ("Asia/Makassar", "Asia/Jayapura"),
) -> Office:
    """Record the two regencies, their three agencies and the six accounts."""
    x, y = (
        make_regency(session, now=now, slug=slug, timezone=zone)
        for slug, zone in zip(regencies, timezones, strict=True)
    )
    a, b, c = (
        make_agency(session, regency=regency, now=now, slug=slug)
        for regency, slug in zip((x, x, y), agencies, strict=True)
    )
    return Office(
        session=session,
        now=now,
        x=x,
        y=y,
        a=a,
        b=b,
        c=c,
        admin_x=make_user(session, role="admin", regency=x, now=now),
        observer_x=make_user(session, role="observer", regency=x, now=now),
        opd_a=make_user(session, role="opd", agency=a, now=now),
        opd_b=make_user(session, role="opd", agency=b, now=now),
        admin_y=make_user(session, role="admin", regency=y, now=now),
        superadmin=make_user(session, role="superadmin", now=now),
    )
