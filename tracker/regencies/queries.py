"""Read models of regencies and agencies."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager

from tracker.agencies.models import Agency
from tracker.regencies.models import Regency
from tracker.sorting import Sort, matches, ordered

# The columns the superadmin's list of regencies sorts by (the default: by name).
REGENCY_SORTS = ("name", "province", "timezone", "slug")


def list_regencies(
    session: Session, *, q: str | None = None, sort: Sort | None = None
) -> list[Regency]:
    """List every regency by name (or by ``sort``, REGENCY_SORTS); ``q`` keeps those whose
    name, province or short name has every word of it."""
    stmt = select(Regency).order_by(Regency.name, Regency.id)
    if q:
        stmt = stmt.where(matches(q, Regency.name, Regency.province, Regency.slug))
    if sort is not None and sort.chosen:
        stmt = ordered(
            stmt,
            sort,
            {
                "name": func.lower(Regency.name),
                "province": (func.lower(Regency.province), func.lower(Regency.name)),
                "timezone": (Regency.timezone, func.lower(Regency.name)),
                "slug": Regency.slug,
            },
            tie=Regency.id,
        )
    return list(session.execute(stmt).scalars())


def find_regency(session: Session, slug: str) -> Regency | None:
    """Return the regency with this slug, or None."""
    return session.execute(select(Regency).where(Regency.slug == slug)).scalar_one_or_none()


# The columns the staff list of agencies sorts by (the default: by regency, then name).
AGENCY_SORTS = ("regency", "name", "kind", "slug", "head")


def list_agencies(
    session: Session,
    *,
    regency_id: int | None = None,
    q: str | None = None,
    sort: Sort | None = None,
) -> list[Agency]:
    """List agencies by regency and name, optionally of one regency.

    ``q`` keeps those whose name, short name, kind or head (name or address) has every word
    of it; a chosen ``sort`` (AGENCY_SORTS) orders them otherwise.
    """
    stmt = (
        select(Agency)
        .join(Agency.regency)
        .options(contains_eager(Agency.regency))
        .order_by(Regency.name, Agency.name, Agency.id)
    )
    if regency_id is not None:
        stmt = stmt.where(Agency.regency_id == regency_id)
    if q:
        stmt = stmt.where(
            matches(
                q,
                Agency.name,
                Agency.slug,
                Agency.kind,
                func.coalesce(Agency.head_name, ""),
                func.coalesce(Agency.head_email, ""),
            )
        )
    if sort is not None and sort.chosen:
        stmt = ordered(
            stmt,
            sort,
            {
                "regency": (func.lower(Regency.name), Regency.id, func.lower(Agency.name)),
                "name": func.lower(Agency.name),
                "kind": (Agency.kind, func.lower(Agency.name)),
                "slug": Agency.slug,
                "head": func.lower(func.coalesce(Agency.head_name, Agency.head_email)),
            },
            tie=Agency.id,
        )
    return list(session.execute(stmt).scalars())
