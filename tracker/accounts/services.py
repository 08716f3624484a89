"""Use cases of an account's details: its name and the language its notices are written in."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from tracker.audit.services import record
from tracker.auth import policy
from tracker.auth.models import User
from tracker.errors import Forbidden, Invalid, Message, NotFound

# The languages notices are written in ("id" is the default of every account).
NOTICE_LOCALES = ("id", "en")


def can_change_account(actor: User, user: User) -> bool:
    """Change an account's name and language: its owner, or whoever manages its accounts."""
    if actor.is_active and actor.id == user.id:
        return True
    return policy.can_manage_accounts(actor, user.regency_id)


def update_account(
    session: Session, *, actor: User, user_id: int, name: str, locale: str, now: datetime
) -> User:
    """Change an account's name and the language of its notices ("id" or "en")."""
    user = session.get(User, user_id)
    if user is None or not can_change_account(actor, user):
        # Someone who may not change the account does not learn that it exists.
        if (
            user is not None
            and actor.id != user.id
            and policy.can_view_regency(actor, user.regency_id or -1)
        ):
            raise Forbidden(_l("You may not change this account."))
        raise NotFound(_l("There is no such account."))
    errors: dict[str, Message] = {}
    name = (name or "").strip()
    if not name or len(name) > 200:
        errors["name"] = _l("required, at most %(n)s characters", n=200)
    if locale not in NOTICE_LOCALES:
        errors["locale"] = _l("Indonesian or English")
    if errors:
        raise Invalid(_l("The account could not be changed."), fields=errors)
    changes = {
        field: {"from": getattr(user, field), "to": value}
        for field, value in (("name", name), ("locale", locale))
        if getattr(user, field) != value
    }
    if not changes:
        return user
    user.name, user.locale = name, locale
    record(
        session, actor=actor, action="user.changed", target_type="user", target_id=user.id,
        regency_id=user.regency_id, at=now, changes=changes,
    )  # fmt: skip
    session.flush()
    return user
