"""Use cases of regencies (tenants): create one."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.audit.services import record
from tracker.auth import policy
from tracker.auth.models import User
from tracker.errors import Forbidden, Invalid, Message
from tracker.regencies.models import Regency
from tracker.text import SINGLE_LINE, is_single_line

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A slug's length, and a regency's name and province (the API publishes them).
SLUG_LENGTH = (2, 64)
NAME_LIMIT = 120


def check_slug(value: str, errors: dict[str, Message], field: str = "slug") -> str:
    """Validate a URL slug (lowercase letters, digits and single hyphens, 2–64 characters)."""
    slug = (value or "").strip()
    if not SLUG.match(slug) or not SLUG_LENGTH[0] <= len(slug) <= SLUG_LENGTH[1]:
        errors[field] = _l("2–64 lowercase letters, digits and hyphens, e.g. sumbawa-barat")
    return slug


def create_regency(
    session: Session,
    *,
    actor: User,
    slug: str,
    name: str,
    province: str,
    timezone: str,
    now: datetime,
) -> Regency:
    """Add a regency (a tenant) with its IANA time zone."""
    if not policy.can_manage_regencies(actor):
        raise Forbidden(_l("Only a superadmin adds regencies."))
    errors: dict[str, Message] = {}
    slug = check_slug(slug, errors)
    name, province, timezone = (
        (name or "").strip(),
        (province or "").strip(),
        (timezone or "").strip(),
    )
    if not name or len(name) > NAME_LIMIT:
        errors["name"] = _l("required, at most %(n)s characters", n=NAME_LIMIT)
    if not province or len(province) > NAME_LIMIT:
        errors["province"] = _l("required, at most %(n)s characters", n=NAME_LIMIT)
    for field, value in (("name", name), ("province", province)):
        if field not in errors and not is_single_line(value):
            errors[field] = SINGLE_LINE
    if timezone not in available_timezones():
        errors["timezone"] = _l("an IANA time zone such as Asia/Makassar")
    if (
        "slug" not in errors
        and session.execute(select(Regency.id).where(Regency.slug == slug)).first()
    ):
        errors["slug"] = _l("already used by another regency")
    if errors:
        raise Invalid(_l("The regency could not be added."), fields=errors)
    regency = Regency(slug=slug, name=name, province=province, timezone=timezone, created_at=now)
    session.add(regency)
    session.flush()
    record(
        session, actor=actor, action="regency.created", target_type="regency",
        target_id=regency.id, regency_id=regency.id, at=now,
        changes={"slug": slug, "name": name, "timezone": timezone},
    )  # fmt: skip
    session.flush()
    return regency
