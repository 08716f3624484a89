"""Read models of following: a follower by its link secret, by address, and the pacts followed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.errors import NotFound
from tracker.followers.models import Follower
from tracker.followers.rules import MAX_TOKEN_LENGTH, token_hash
from tracker.pacts import queries as pact_queries
from tracker.pacts.models import Pact
from tracker.pacts.queries import PactRow


def _find_by_hash(session: Session, column: Any, token: str) -> Follower | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return session.scalar(select(Follower).where(column == token_hash(token)))


def get_by_confirm_token(session: Session, *, token: str) -> Follower:
    """Return the follower a confirmation link belongs to; raise NotFound when there is none."""
    follower = _find_by_hash(session, Follower.confirm_token_hash, token)
    if follower is None:
        raise NotFound(_l("This confirmation link is not valid. Check that it was copied whole."))
    return follower


def get_by_unsubscribe_token(session: Session, *, token: str) -> Follower:
    """Return the follower an unsubscribe link belongs to; raise NotFound when there is none."""
    follower = _find_by_hash(session, Follower.unsubscribe_token_hash, token)
    if follower is None:
        raise NotFound(_l("This unsubscribe link is not valid. Check that it was copied whole."))
    return follower


def find_follower(session: Session, *, pact_id: int, email: str) -> Follower | None:
    """Return the follower of a pact with this (normalised) address, if any."""
    return session.scalar(
        select(Follower).where(Follower.pact_id == pact_id, Follower.email == email)
    )


def _escape_like(text: str) -> str:
    # "!" rather than a backslash: MariaDB reads backslashes in its SQL text as escapes too.
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def same_mailbox(email: str) -> ColumnElement[bool]:
    """Match the addresses that reach the mailbox of ``email`` (normalised, lower case).

    ``budi+1@x.go.id`` and ``budi+pakta@x.go.id`` land in ``budi@x.go.id``'s mailbox (the
    sub-address convention of Gmail, Outlook, Yahoo, Fastmail and most mail servers).
    """
    local, _, domain = email.rpartition("@")
    base = local.split("+", 1)[0]
    return or_(
        Follower.email == f"{base}@{domain}",
        Follower.email.like(f"{_escape_like(base)}+%@{_escape_like(domain)}", escape="!"),
    )


def count_pending(session: Session, *, email: str, now: datetime) -> int:
    """Return how many confirmation links still open reach the mailbox of an address (its
    sub-addresses included), across pacts."""
    return (
        session.scalar(
            select(func.count(Follower.id)).where(
                same_mailbox(email),
                Follower.confirmed_at.is_(None),
                Follower.unsubscribed_at.is_(None),
                Follower.confirm_expires_at > now,
            )
        )
        or 0
    )


def get_pact_row(session: Session, *, pact_id: int, now: datetime, due_soon_days: int) -> PactRow:
    """Return a pact as the lists show it (status derived at ``now``); NotFound when unknown."""
    agency_id = session.scalar(select(Pact.agency_id).where(Pact.id == pact_id))
    if agency_id is None:
        raise NotFound(_l("There is no pact with id %(id)s.", id=pact_id))
    rows = pact_queries.list_pacts(
        session, now=now, agency_id=agency_id, due_soon_days=due_soon_days
    )
    return next(r for r in rows if r.id == pact_id)


def regency_of_pact(session: Session, pact_id: int) -> int:
    """Return the id of the regency a pact belongs to (0 when there is no such pact)."""
    return (
        session.scalar(
            select(Agency.regency_id)
            .join(Pact, Pact.agency_id == Agency.id)
            .where(Pact.id == pact_id)
        )
        or 0
    )


def list_following(session: Session) -> list[tuple[Follower, int]]:
    """List the confirmed followers still following, each with its pact's regency id."""
    rows = session.execute(
        select(Follower, Agency.regency_id)
        .join(Pact, Follower.pact_id == Pact.id)
        .join(Agency, Pact.agency_id == Agency.id)
        .where(Follower.confirmed_at.is_not(None), Follower.unsubscribed_at.is_(None))
        .order_by(Follower.id)
    ).all()
    return [(follower, regency_id) for follower, regency_id in rows]


def pact_rows_of(
    session: Session, regency_ids: Iterable[int], *, now: datetime, due_soon_days: int
) -> dict[int, PactRow]:
    """Return every pact of these regencies by id, statuses derived in bulk (one list each)."""
    rows: dict[int, PactRow] = {}
    for regency_id in sorted(set(regency_ids)):
        for listed in pact_queries.list_pacts(
            session, now=now, regency_id=regency_id, due_soon_days=due_soon_days
        ):
            rows[listed.id] = listed
    return rows
