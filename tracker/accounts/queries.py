"""Read models of the account pages: the accounts one manages, and what a new one may be."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from tracker.agencies.models import Agency
from tracker.auth import policy
from tracker.auth.models import User, UserRole
from tracker.errors import Forbidden
from tracker.pagination import Page
from tracker.regencies.models import Regency
from tracker.regencies.queries import list_agencies, list_regencies


def _managed_regency(actor: User) -> int | None:
    """Return the regency whose accounts ``actor`` manages (None: every regency); else Forbidden."""
    if policy.sees_every_regency(actor):
        return None
    if actor.regency_id is None or not policy.can_manage_accounts(actor, actor.regency_id):
        raise Forbidden(_l("This account belongs to no regency."))
    return actor.regency_id


def page_accounts(session: Session, *, actor: User, page: int, per_page: int) -> Page[User]:
    """One page of the accounts ``actor`` manages, by name: its regency's, or every account
    for a superadmin (Forbidden for an account that manages none)."""
    regency_id = _managed_regency(actor)
    stmt = select(User)
    if regency_id is not None:
        stmt = stmt.where(User.regency_id == regency_id)
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    users = session.execute(
        stmt.options(joinedload(User.regency), joinedload(User.agency))
        .order_by(User.name, User.id)
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
