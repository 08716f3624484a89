"""Use cases of agencies: record one in a regency."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.audit.services import record
from tracker.auth import policy
from tracker.auth.models import User
from tracker.errors import Forbidden, Invalid, Message
from tracker.regencies.models import Regency
from tracker.regencies.services import check_slug


def create_agency(
    session: Session,
    *,
    actor: User,
    regency_slug: str,
    slug: str,
    name: str,
    kind: str,
    now: datetime,
) -> Agency:
    """Record an agency (OPD) of a regency; its kind is free text from an open list."""
    regency = session.execute(
        select(Regency).where(Regency.slug == (regency_slug or "").strip())
    ).scalar_one_or_none()
    if regency is None:
        raise Invalid(
            _l("There is no such regency."), fields={"regency": _l("unknown regency slug")}
        )
    if not policy.can_manage_agencies(actor, regency.id):
        raise Forbidden(_l("Only the regent's office of this regency records its agencies."))
    errors: dict[str, Message] = {}
    slug = check_slug(slug, errors)
    name, kind = (name or "").strip(), (kind or "").strip().lower()
    if not name or len(name) > 200:
        errors["name"] = _l("required, at most %(n)s characters", n=200)
    if not kind or len(kind) > 32:
        errors["kind"] = _l("required, at most %(n)s characters", n=32)
    if (
        "slug" not in errors
        and session.execute(
            select(Agency.id).where(Agency.regency_id == regency.id, Agency.slug == slug)
        ).first()
    ):
        errors["slug"] = _l("already used by another agency of this regency")
    if errors:
        raise Invalid(_l("The agency could not be recorded."), fields=errors)
    agency = Agency(regency_id=regency.id, slug=slug, name=name, kind=kind, created_at=now)
    session.add(agency)
    session.flush()
    record(
        session, actor=actor, action="agency.created", target_type="agency",
        target_id=agency.id, regency_id=regency.id, at=now,
        changes={"slug": slug, "name": name, "kind": kind},
    )  # fmt: skip
    session.flush()
    return agency
