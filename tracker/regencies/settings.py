"""Use cases of a regency's notification settings: the escalation ladder and the webhook."""

from __future__ import annotations

import secrets
from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker import netguard
from tracker.audit.services import record
from tracker.auth import policy
from tracker.auth.models import User
from tracker.auth.services import normalise_email
from tracker.errors import Forbidden, Invalid, Message, NotFound
from tracker.regencies.models import EscalationContact, Regency
from tracker.regencies.queries import find_regency
from tracker.settings import webhook_allowed_networks
from tracker.text import check_single_line

RUNGS = (1, 2, 3)
LOCALES = ("id", "en")
MAX_URL_LENGTH = 500


def _managed(actor: User, regency: Regency | None) -> Regency:
    if regency is None:
        raise NotFound(_l("There is no such regency."))
    if not policy.can_manage_notification_settings(actor, regency.id):
        raise Forbidden(_l("Only the regent's office of this regency changes its notices."))
    return regency


def _regency(session: Session, actor: User, regency_id: int) -> Regency:
    """Return a regency whose settings ``actor`` may change (NotFound / Forbidden otherwise)."""
    return _managed(actor, session.get(Regency, regency_id))


def load_regency_for_settings(session: Session, *, actor: User, slug: str) -> Regency:
    """Return the regency named ``slug`` if ``actor`` changes its notices; NotFound / Forbidden."""
    return _managed(actor, find_regency(session, slug))


def list_regency_admins(session: Session, *, regency_id: int) -> list[User]:
    """List the active regent's office accounts of a regency by name (rung 1 reaches them too)."""
    return list(
        session.execute(
            select(User).where(policy.admins_of(regency_id)).order_by(User.name, User.id)
        ).scalars()
    )


def list_escalation_contacts(session: Session, *, regency_id: int) -> list[EscalationContact]:
    """List the ladder of a regency, rung by rung."""
    return list(
        session.execute(
            select(EscalationContact)
            .where(EscalationContact.regency_id == regency_id)
            .order_by(EscalationContact.rung, EscalationContact.name, EscalationContact.id)
        ).scalars()
    )


def add_escalation_contact(
    session: Session,
    *,
    actor: User,
    regency_id: int,
    rung: int | str | None,
    name: str,
    title: str | None,
    email: str,
    locale: str,
    now: datetime,
) -> EscalationContact:
    """Put a person on a rung of the escalation ladder (1 Inspektorat, 2 Sekda, 3 Bupati)."""
    regency = _regency(session, actor, regency_id)
    errors: dict[str, Message] = {}
    try:
        rung_value = int(str(rung).strip()) if rung is not None else 0
    except ValueError:
        rung_value = 0
    if rung_value not in RUNGS:
        errors["rung"] = _l("a rung from 1 to 3")
    name, title = (name or "").strip(), (title or "").strip() or None
    if not name or len(name) > 200:
        errors["name"] = _l("required, at most %(n)s characters", n=200)
    if title is not None and len(title) > 200:
        errors["title"] = _l("at most %(n)s characters", n=200)
    # The escalation letter and its mail print them on one line.
    check_single_line(errors, {"name": name, "title": title})
    try:
        email = normalise_email(email)
    except Invalid as exc:
        errors.update(exc.fields)
    if len(email) > 254:
        errors["email"] = _l("at most %(n)s characters", n=254)
    if locale not in LOCALES:
        errors["locale"] = _l("Indonesian or English")
    if (
        not errors
        and session.execute(
            select(EscalationContact.id).where(
                EscalationContact.regency_id == regency.id,
                EscalationContact.rung == rung_value,
                EscalationContact.email == email,
            )
        ).first()
    ):
        errors["email"] = _l("already on this rung")
    if errors:
        raise Invalid(_l("The contact could not be added."), fields=errors)
    contact = EscalationContact(
        regency_id=regency.id, rung=rung_value, name=name, title=title, email=email,
        locale=locale, created_at=now,
    )  # fmt: skip
    session.add(contact)
    session.flush()
    record(
        session, actor=actor, action="escalation_contact.added", target_type="escalation_contact",
        target_id=contact.id, regency_id=regency.id, at=now,
        changes={"rung": rung_value, "name": name, "title": title, "email": email,
                 "locale": locale},
    )  # fmt: skip
    session.flush()
    return contact


def remove_escalation_contact(
    session: Session, *, actor: User, regency_id: int, contact_id: int, now: datetime
) -> EscalationContact:
    """Take a person off the regency's escalation ladder."""
    regency = _regency(session, actor, regency_id)
    contact = session.get(EscalationContact, contact_id)
    if contact is None or contact.regency_id != regency.id:
        raise NotFound(_l("There is no such contact on this ladder."))
    record(
        session, actor=actor, action="escalation_contact.removed",
        target_type="escalation_contact", target_id=contact.id, regency_id=regency.id, at=now,
        changes={"rung": contact.rung, "name": contact.name, "email": contact.email},
    )  # fmt: skip
    session.delete(contact)
    session.flush()
    return contact


def check_webhook_url(value: str | None) -> str | None:
    """Return a usable webhook URL (http or https with a host), None for blank; else Invalid.

    The host is resolved and refused when it leads inside: this server, a private network, a
    link-local or metadata address (tracker.netguard). A name that does not resolve yet is
    taken: each sending resolves and checks it again.
    """
    url = (value or "").strip()
    if not url:
        return None
    reason: Message | None = None
    if len(url) > MAX_URL_LENGTH:
        reason = _l("at most %(n)s characters", n=MAX_URL_LENGTH)
    elif any(ch.isspace() or ord(ch) < 32 for ch in url):
        reason = _l("an address without spaces")
    else:
        try:
            parts = urlsplit(url)
            port = parts.port  # raises ValueError on a port that is not a number
        except ValueError:
            parts, port = None, None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            reason = _l("an http:// or https:// address, e.g. https://gateway.example.go.id/hook")
        elif parts.username or parts.password:
            reason = _l("no user name or password in the address; the secret signs each request")
        elif port == 0:
            reason = _l("an http:// or https:// address, e.g. https://gateway.example.go.id/hook")
        else:
            try:
                netguard.check_url(url, allowed=webhook_allowed_networks(), must_resolve=False)
            except netguard.UnsafeDestination:
                reason = _l(
                    "an address on the internet: not this server, a private network "
                    "or a cloud metadata address"
                )
    if reason is not None:
        raise Invalid(_l("The webhook address cannot be used."), fields={"url": reason})
    return url


def new_webhook_secret() -> str:
    """Return a fresh random secret for signing webhook requests (64 hex characters)."""
    return secrets.token_hex(32)


def set_webhook(
    session: Session, *, actor: User, regency_id: int, url: str | None, now: datetime
) -> Regency:
    """Set or remove the regency's webhook; a new webhook gets a random secret at once."""
    regency = _regency(session, actor, regency_id)
    checked = check_webhook_url(url)
    previous = regency.webhook_url
    regency.webhook_url = checked
    if checked is None:
        regency.webhook_secret = None
    elif not regency.webhook_secret:
        regency.webhook_secret = new_webhook_secret()
    # The secret itself never goes into the audit trail.
    record(
        session, actor=actor, action="regency.webhook_changed", target_type="regency",
        target_id=regency.id, regency_id=regency.id, at=now,
        changes={"from": previous, "to": checked},
    )  # fmt: skip
    session.flush()
    return regency


def regenerate_webhook_secret(
    session: Session, *, actor: User, regency_id: int, now: datetime
) -> Regency:
    """Give the regency's webhook a new random secret (the gateway must be told the new one)."""
    regency = _regency(session, actor, regency_id)
    regency.webhook_secret = new_webhook_secret()
    record(
        session, actor=actor, action="regency.webhook_secret_generated", target_type="regency",
        target_id=regency.id, regency_id=regency.id, at=now, changes=None,
    )  # fmt: skip
    session.flush()
    return regency
