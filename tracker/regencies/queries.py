"""Read models of regencies and agencies."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from tracker.agencies.models import Agency
from tracker.regencies.models import Regency


def list_regencies(session: Session) -> list[Regency]:
    """List every regency by name."""
    return list(session.execute(select(Regency).order_by(Regency.name, Regency.id)).scalars())


def find_regency(session: Session, slug: str) -> Regency | None:
    """Return the regency with this slug, or None."""
    return session.execute(select(Regency).where(Regency.slug == slug)).scalar_one_or_none()


def list_agencies(session: Session, *, regency_id: int | None = None) -> list[Agency]:
    """List agencies by regency and name, optionally of one regency."""
    stmt = (
        select(Agency)
        .join(Agency.regency)
        .options(contains_eager(Agency.regency))
        .order_by(Regency.name, Agency.name, Agency.id)
    )
    if regency_id is not None:
        stmt = stmt.where(Agency.regency_id == regency_id)
    return list(session.execute(stmt).scalars())
