"""Use cases of staff accounts: create one in its regency and agency, change its name and the
language its notices are written in.

Logging in, passwords, login sessions and API tokens are identity (tracker.auth.services).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.auth import policy
from tracker.auth.models import User, UserRole
from tracker.auth.services import audit_user, hash_password, normalise_email, password_refusal
from tracker.errors import Forbidden, Invalid, Message, NotFound
from tracker.regencies.models import Regency
from tracker.regencies.queries import find_regency
from tracker.text import check_single_line

# The languages notices are written in ("id" is the default of every account).
NOTICE_LOCALES = ("id", "en")


def _find_placement(
    session: Session, regency_slug: str | None, agency_slug: str | None, errors: dict[str, Message]
) -> tuple[Regency | None, Agency | None]:
    """Return the regency and agency the slugs name; note unknown ones in ``errors``."""
    regency = find_regency(session, regency_slug) if regency_slug else None
    if regency_slug and regency is None:
        errors["regency"] = _l("unknown regency slug")
    if not agency_slug:
        return regency, None
    if regency is None:
        errors.setdefault("regency", _l("name the regency of the agency"))
        return None, None
    agency = session.execute(
        select(Agency).where(Agency.regency_id == regency.id, Agency.slug == agency_slug)
    ).scalar_one_or_none()
    if agency is None:
        errors["agency"] = _l("unknown agency of this regency")
    return regency, agency


def create_user(
    session: Session,
    *,
    actor: User | None,
    email: str,
    name: str,
    role: str,
    password: str,
    now: datetime,
    regency_slug: str | None = None,
    agency_slug: str | None = None,
    locale: str = "id",
) -> User:
    """Create an account. ``actor`` None means the operator's command line (trusted)."""
    errors: dict[str, Message] = {}
    if locale not in NOTICE_LOCALES:
        errors["locale"] = _l("Indonesian or English")
    try:
        new_role = UserRole(role)
    except ValueError:
        new_role = None
        errors["role"] = _l("one of %(allowed)s", allowed=", ".join(r.value for r in UserRole))
    try:
        email = normalise_email(email)
    except Invalid as exc:
        errors.update(exc.fields)
    regency, agency = _find_placement(session, regency_slug, agency_slug, errors)
    if new_role is not None:
        # Where an account of this role belongs; an unknown slug stays the reason given.
        if policy.role_has_no_regency(new_role) and (regency_slug or agency_slug):
            errors["regency"] = _l("a superadmin belongs to no regency")
        if policy.role_needs_regency(new_role) and regency is None:
            errors.setdefault("regency", _l("this role needs a regency"))
        if policy.role_needs_agency(new_role) and agency is None:
            errors.setdefault("agency", _l("an OPD account needs its agency"))
    name = (name or "").strip() or email.split("@")[0]
    if len(name) > 200:
        errors["name"] = _l("at most %(n)s characters", n=200)
    # Mail headers and letters print it on one line.
    check_single_line(errors, {"name": name})
    refusal = password_refusal(password, email=email)
    if refusal:
        errors["password"] = refusal
    if (
        "email" not in errors
        and session.execute(select(User.id).where(func.lower(User.email) == email)).first()
    ):
        errors["email"] = _l("already has an account")
    if errors or new_role is None:
        raise Invalid(_l("The account could not be created."), fields=errors)
    if actor is not None and not policy.can_create_account(
        actor, new_role, regency.id if regency else None
    ):
        raise Forbidden(_l("You may not create this account."))
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password),
        role=new_role,
        regency_id=regency.id if regency else None,
        agency_id=agency.id if agency else None,
        locale=locale,
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit_user(session, actor, user, "user.created", now, email=email, role=new_role.value)
    session.flush()
    return user


def placement_for_form(
    session: Session, *, actor: User, regency_slug: str | None, agency_id: int | None
) -> tuple[str | None, str | None]:
    """Return the regency and agency slugs an account form names (an agency implies its regency).

    An agency the creator cannot see is refused as unknown, whatever regency it belongs to.
    """
    if agency_id is None:
        return regency_slug or None, None
    agency = session.execute(
        select(Agency).where(Agency.id == agency_id, policy.agencies_visible_to(actor))
    ).scalar_one_or_none()
    if agency is None:
        raise Invalid(
            _l("The account could not be created."),
            fields={"agency": _l("unknown agency of this regency")},
        )
    return regency_slug or agency.regency.slug, agency.slug


def load_account_for_change(session: Session, *, actor: User, user_id: int) -> User:
    """Return an account the actor may change; NotFound (or Forbidden) otherwise."""
    user = session.get(User, user_id)
    if user is None or not policy.can_change_account(actor, user):
        # Someone who may not change the account does not learn that it exists.
        if (
            user is not None
            and actor.id != user.id
            and policy.can_view_regency(actor, user.regency_id or -1)
        ):
            raise Forbidden(_l("You may not change this account."))
        raise NotFound(_l("There is no such account."))
    return user


def update_account(
    session: Session, *, actor: User, user_id: int, name: str, locale: str, now: datetime
) -> User:
    """Change an account's name and the language of its notices ("id" or "en")."""
    user = load_account_for_change(session, actor=actor, user_id=user_id)
    errors: dict[str, Message] = {}
    name = (name or "").strip()
    if not name or len(name) > 200:
        errors["name"] = _l("required, at most %(n)s characters", n=200)
    elif name != user.name:
        check_single_line(errors, {"name": name})
    if locale not in NOTICE_LOCALES:
        errors["locale"] = _l("Indonesian or English")
    if errors:
        raise Invalid(_l("The account could not be changed."), fields=errors)
    changes = {
        field: {"from": getattr(user, field), "to": value}
        for field, value in (("name", name), ("locale", locale))
        if getattr(user, field) != value
    }
    if changes:
        user.name, user.locale = name, locale
        audit_user(session, actor, user, "user.changed", now, **changes)
        session.flush()
    return user


def set_notice_language(session: Session, *, actor: User, locale: str, now: datetime) -> User:
    """Change the language of one's own notices ("id" or "en")."""
    return update_account(
        session, actor=actor, user_id=actor.id, name=actor.name, locale=locale, now=now
    )
