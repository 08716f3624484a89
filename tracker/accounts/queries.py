"""Read models of the account pages: the accounts one manages, and what a new one may be."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, contains_eager

from tracker.agencies.models import Agency
from tracker.auth import policy
from tracker.auth.models import User, UserRole
from tracker.errors import Forbidden
from tracker.pagination import Page
from tracker.regencies.models import Regency
from tracker.regencies.queries import list_agencies, list_regencies
from tracker.sorting import Sort, matches, ordered


def _managed_regency(actor: User) -> int | None:
    """Return the regency whose accounts ``actor`` manages (None: every regency); else Forbidden."""
    if policy.sees_every_regency(actor):
        return None
    if actor.regency_id is None or not policy.can_manage_accounts(actor, actor.regency_id):
        raise Forbidden(_l("This account belongs to no regency."))
    return actor.regency_id


# The columns the list of accounts sorts by (the default: by name).
ACCOUNT_SORTS = ("name", "email", "role", "regency", "agency", "active")
_ROLE_ORDER = {role: i for i, role in enumerate(UserRole)}


def page_accounts(
    session: Session,
    *,
    actor: User,
    page: int,
    per_page: int,
    q: str | None = None,
    sort: Sort | None = None,
) -> Page[User]:
    """One page of the accounts ``actor`` manages, by name: its regency's, or every account
    for a superadmin (Forbidden for an account that manages none).

    ``q`` keeps the accounts whose name, address or agency has every word of it; ``sort``
    (ACCOUNT_SORTS) orders them otherwise.
    """
    regency_id = _managed_regency(actor)
    stmt = (
        select(User)
        .outerjoin(Regency, User.regency_id == Regency.id)
        .outerjoin(Agency, User.agency_id == Agency.id)
    )
    if regency_id is not None:
        stmt = stmt.where(User.regency_id == regency_id)
    if q:
        stmt = stmt.where(matches(q, User.name, User.email, func.coalesce(Agency.name, "")))
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    stmt = ordered(
        stmt,
        sort or Sort("name", descending=False, chosen=False),
        {
            "name": func.lower(User.name),
            "email": func.lower(User.email),
            # The order of the roles' powers, not of their stored words.
            "role": case(_ROLE_ORDER, value=User.role),
            "regency": func.lower(Regency.name),
            "agency": func.lower(Agency.name),
            # Active accounts first (ascending), then by name.
            "active": (case((User.is_active, 0), else_=1), func.lower(User.name)),
        },
        tie=User.id,
    )
    users = session.execute(
        stmt.options(contains_eager(User.regency), contains_eager(User.agency))
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(list(users.scalars()), page, per_page, total)


@dataclass(frozen=True)
class AccountChoices:
    """What the creator of an account may choose: roles, regencies and agencies."""

    roles: Sequence[UserRole]
    regencies: Sequence[Regency]
    agencies: Sequence[Agency]
    # A superadmin may also create an account of no regency (another superadmin).
    any_regency: bool


def account_choices(session: Session, *, actor: User) -> AccountChoices:
    """Return what ``actor`` may choose for a new account: a superadmin anything."""
    regency_id = _managed_regency(actor)
    return AccountChoices(
        roles=policy.roles_grantable_by(actor),
        regencies=(
            list_regencies(session)
            if regency_id is None
            else [session.get_one(Regency, regency_id)]
        ),
        agencies=list_agencies(session, regency_id=regency_id),
        any_regency=regency_id is None,
    )
