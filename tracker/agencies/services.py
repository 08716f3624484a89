"""Use cases of agencies: record one in a regency, change one (name, kind, head)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.audit.services import record
from tracker.auth import policy
from tracker.auth.models import User
from tracker.auth.services import normalise_email
from tracker.errors import Forbidden, Invalid, Message, NotFound
from tracker.regencies.models import Regency
from tracker.regencies.services import check_slug
from tracker.text import SINGLE_LINE, is_single_line

_REFUSAL = _l("Only the regent's office of this regency records its agencies.")
# An agency's name and kind (the API publishes them).
NAME_LIMIT = 200
KIND_LIMIT = 32


def load_regency_for_new_agency(session: Session, *, actor: User) -> Regency:
    """Return the regency whose agencies ``actor`` records (their own); Forbidden otherwise."""
    regency = session.get(Regency, actor.regency_id) if actor.regency_id is not None else None
    if regency is None or not policy.can_manage_agencies(actor, regency.id):
        raise Forbidden(_REFUSAL)
    return regency


def load_agency_for_change(session: Session, *, actor: User, agency_id: int) -> Agency:
    """Return an agency ``actor`` may change; NotFound unless they may read it, else Forbidden."""
    agency = session.get(Agency, agency_id)
    if agency is None or not policy.can_view_agency(actor, agency):
        raise NotFound(_l("There is no such agency."))
    if not policy.can_manage_agencies(actor, agency.regency_id):
        raise Forbidden(_REFUSAL)
    return agency


def _check_head(
    head_name: str | None, head_email: str | None, errors: dict[str, Message]
) -> tuple[str | None, str | None]:
    """Validate the agency head (both optional; an email needs no name, a name no email)."""
    name = (head_name or "").strip() or None
    email = (head_email or "").strip() or None
    if name is not None and len(name) > 200:
        errors["head_name"] = _l("at most %(n)s characters", n=200)
    if email is not None:
        try:
            email = normalise_email(email)
        except Invalid:
            errors["head_email"] = _l("not an email address")
        else:
            if len(email) > 254:
                errors["head_email"] = _l("at most %(n)s characters", n=254)
    if "head_name" not in errors and not is_single_line(name):
        errors["head_name"] = SINGLE_LINE
    return name, email


def _check_details(
    name: str, kind: str, head_name: str | None, head_email: str | None, errors: dict[str, Message]
) -> tuple[str, str, str | None, str | None]:
    """Validate what a regent's office records and changes: name, kind (lowercase), head."""
    name, kind = (name or "").strip(), (kind or "").strip().lower()
    if not name or len(name) > NAME_LIMIT:
        errors["name"] = _l("required, at most %(n)s characters", n=NAME_LIMIT)
    if not kind or len(kind) > KIND_LIMIT:
        errors["kind"] = _l("required, at most %(n)s characters", n=KIND_LIMIT)
    for field, value in (("name", name), ("kind", kind)):
        if field not in errors and not is_single_line(value):
            errors[field] = SINGLE_LINE
    return (name, kind, *_check_head(head_name, head_email, errors))


def create_agency(
    session: Session,
    *,
    actor: User,
    regency_slug: str,
    slug: str,
    name: str,
    kind: str,
    now: datetime,
    head_name: str | None = None,
    head_email: str | None = None,
    is_demo: bool = False,
) -> Agency:
    """Record an agency (OPD) of a regency; its kind is free text from an open list.

    ``is_demo`` flags an agency the demo loader invented (the pages leave it unset).
    """
    regency = session.execute(
        select(Regency).where(Regency.slug == (regency_slug or "").strip())
    ).scalar_one_or_none()
    if regency is None:
        raise Invalid(
            _l("There is no such regency."), fields={"regency": _l("unknown regency slug")}
        )
    if not policy.can_manage_agencies(actor, regency.id):
        raise Forbidden(_REFUSAL)
    errors: dict[str, Message] = {}
    slug = check_slug(slug, errors)
    name, kind, head_name, head_email = _check_details(name, kind, head_name, head_email, errors)
    if (
        "slug" not in errors
        and session.execute(
            select(Agency.id).where(Agency.regency_id == regency.id, Agency.slug == slug)
        ).first()
    ):
        errors["slug"] = _l("already used by another agency of this regency")
    if errors:
        raise Invalid(_l("The agency could not be recorded."), fields=errors)
    agency = Agency(
        regency_id=regency.id, slug=slug, name=name, kind=kind, head_name=head_name,
        head_email=head_email, is_demo=is_demo, created_at=now,
    )  # fmt: skip
    session.add(agency)
    session.flush()
    record(
        session, actor=actor, action="agency.created", target_type="agency",
        target_id=agency.id, regency_id=regency.id, at=now,
        changes={"slug": slug, "name": name, "kind": kind, "head_name": head_name,
                 "head_email": head_email},
    )  # fmt: skip
    session.flush()
    return agency


def update_agency(
    session: Session,
    *,
    actor: User,
    agency_id: int,
    name: str,
    kind: str,
    head_name: str | None,
    head_email: str | None,
    now: datetime,
) -> Agency:
    """Change an agency's name, kind and head (the slug stays: addresses name it)."""
    agency = load_agency_for_change(session, actor=actor, agency_id=agency_id)
    errors: dict[str, Message] = {}
    name, kind, head_name, head_email = _check_details(name, kind, head_name, head_email, errors)
    if errors:
        raise Invalid(_l("The agency could not be changed."), fields=errors)
    new = {"name": name, "kind": kind, "head_name": head_name, "head_email": head_email}
    changes = {
        field: {"from": getattr(agency, field), "to": value}
        for field, value in new.items()
        if getattr(agency, field) != value
    }
    if not changes:
        return agency
    for field, value in new.items():
        setattr(agency, field, value)
    record(
        session, actor=actor, action="agency.changed", target_type="agency",
        target_id=agency.id, regency_id=agency.regency_id, at=now, changes=changes,
    )  # fmt: skip
    session.flush()
    return agency
