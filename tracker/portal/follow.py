"""Follow a pact by email: double opt-in, a mail on each status change, one-click unsubscribe.

Request-free services (they take a session and ``now``; they need an app context for the
mail templates and configuration). Nothing is sent here: every mail is a row in the outbox,
written in the caller's transaction and delivered later by the delivery worker.

Decisions:
- Only SHA-256 digests of the link secrets are stored. The confirmation secret is random and
  appears in one mail only. The unsubscribe secret must appear in every later mail, which the
  sweep renders long after the request, so it is derived: HMAC-SHA256 of the follower id under
  the app's SECRET_KEY (a rotated secret key makes old unsubscribe links unknown).
- An address that never confirms gets one mail per request, and a new request is only honoured
  once the previous link has expired (FOLLOW_CONFIRM_HOURS): asking again while a link is
  pending sends nothing. An address that pressed "unsubscribe" without ever confirming ("this
  was not me") is never mailed again for that pact. An address may have at most
  FOLLOW_MAX_PENDING_PER_ADDRESS unconfirmed requests open across pacts.
- The answer to a request is the same whatever happened, so it does not tell whether an
  address follows a pact.
- Audit events name only the follower id, never the address, and are not attached to the
  pact's timeline.
- Follower mail is never copied to the regency's webhook (it carries a private address).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale, format_date, format_time
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from tracker import labels
from tracker.agencies.models import Agency
from tracker.audit.services import record
from tracker.auth.services import normalise_email
from tracker.clock import local_today
from tracker.errors import Conflict, DomainError, NotFound
from tracker.notifications.models import NoticeKind
from tracker.notifications.outbox import Notice, Recipient, enqueue
from tracker.pacts import queries as pact_queries
from tracker.pacts.models import Pact
from tracker.pacts.queries import PactRow
from tracker.pacts.rules import PactStatus
from tracker.portal.models import Follower

log = logging.getLogger(__name__)

# The longest secret a link may carry (ours are 43 characters); longer is not worth hashing.
MAX_TOKEN_LENGTH = 100


class FollowerState(StrEnum):
    """Where a follower stands, derived from its timestamps and the instant."""

    PENDING = "pending"  # a confirmation link is out and still valid
    FOLLOWING = "following"  # confirmed and not unsubscribed: gets status mails
    EXPIRED = "expired"  # the link expired unconfirmed, or an unsubscribed follower's
    REFUSED = "refused"  # unsubscribed without ever confirming: never mailed again


class LinkExpired(DomainError):
    """A confirmation link that can no longer be used."""

    status = 410
    slug = "link-expired"
    title = "Link expired"


def token_hash(token: str) -> str:
    """Return the SHA-256 hex digest stored for a link secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """Return a fresh random link secret (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


def unsubscribe_token(secret_key: str, follower_id: int) -> str:
    """Return a follower's unsubscribe secret: stable, so every mail can carry it."""
    mac = hmac.new(secret_key.encode(), f"follow-unsubscribe:{follower_id}".encode(), "sha256")
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def follower_state(
    *,
    confirmed_at: datetime | None,
    unsubscribed_at: datetime | None,
    confirm_expires_at: datetime,
    now: datetime,
) -> FollowerState:
    """Derive a follower's state; a confirmation link is valid strictly before its expiry."""
    if confirmed_at is not None and unsubscribed_at is None:
        return FollowerState.FOLLOWING
    if now < confirm_expires_at:
        return FollowerState.PENDING
    if unsubscribed_at is not None and confirmed_at is None:
        return FollowerState.REFUSED
    return FollowerState.EXPIRED


def state_of(follower: Follower, now: datetime) -> FollowerState:
    """Derive the state of a stored follower."""
    return follower_state(
        confirmed_at=follower.confirmed_at,
        unsubscribed_at=follower.unsubscribed_at,
        confirm_expires_at=follower.confirm_expires_at,
        now=now,
    )


def confirm_key(follower_id: int, round_started: datetime | None = None) -> str:
    """Return the outbox key of a confirmation mail (a repeat request after expiry is dated)."""
    if round_started is None:
        return f"follow-confirm:{follower_id}"
    return f"follow-confirm:{follower_id}:{round_started.strftime('%Y%m%dT%H%M%S')}"


def status_key(follower_id: int, pact_id: int, status: str, local_day: Any) -> str:
    """Return the outbox key of a status mail: one per follower, status and local day."""
    return f"follow-status:{follower_id}:{pact_id}:{status}:{local_day.isoformat()}"


@dataclass(frozen=True)
class _Settings:
    base_url: str
    secret_key: str
    confirm_hours: int
    max_pending: int
    due_soon_days: int


def _settings() -> _Settings:
    config = current_app.config
    return _Settings(
        base_url=str(config["BASE_URL"]).rstrip("/"),
        secret_key=str(config["SECRET_KEY"]),
        confirm_hours=int(config["FOLLOW_CONFIRM_HOURS"]),
        max_pending=int(config["FOLLOW_MAX_PENDING_PER_ADDRESS"]),
        due_soon_days=int(config["DUE_SOON_DAYS"]),
    )


def _absolute(settings: _Settings, endpoint: str, **values: Any) -> str:
    # Built from the URL map without a request: the scheduler renders mail too.
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return settings.base_url + path


def _find_by_hash(session: Session, column: Any, token: str) -> Follower | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return session.scalar(select(Follower).where(column == token_hash(token)))


def _pact_row(session: Session, pact_id: int, now: datetime, settings: _Settings) -> PactRow:
    rows = pact_queries.list_pacts(
        session,
        now=now,
        agency_id=_agency_id(session, pact_id),
        due_soon_days=settings.due_soon_days,
    )
    return next(r for r in rows if r.id == pact_id)


def _agency_id(session: Session, pact_id: int) -> int:
    agency_id = session.scalar(select(Pact.agency_id).where(Pact.id == pact_id))
    if agency_id is None:
        raise NotFound(_l("There is no pact with id %(id)s.", id=pact_id))
    return agency_id


def _regency_id(session: Session, pact_id: int) -> int:
    return (
        session.scalar(
            select(Agency.regency_id)
            .join(Pact, Pact.agency_id == Agency.id)
            .where(Pact.id == pact_id)
        )
        or 0
    )


def _audit(session: Session, follower: Follower, action: str, now: datetime) -> None:
    # The follower id only: the address is private, and the pact's public timeline stays clean.
    record(
        session,
        actor=None,
        action=action,
        target_type="follower",
        target_id=follower.id,
        regency_id=_regency_id(session, follower.pact_id),
        at=now,
    )


def _pending_elsewhere(session: Session, email: str, now: datetime) -> int:
    return (
        session.scalar(
            select(func.count(Follower.id)).where(
                Follower.email == email,
                Follower.confirmed_at.is_(None),
                Follower.unsubscribed_at.is_(None),
                Follower.confirm_expires_at > now,
            )
        )
        or 0
    )


def _render(kind: NoticeKind, lang: str, context: dict[str, Any]) -> tuple[str, str, str]:
    folder = f"email/{kind.value}"
    with force_locale(lang):
        subject = render_template(f"{folder}/subject.txt", **context)
        text = render_template(f"{folder}/body.txt", **context)
        html = render_template(f"{folder}/body.html", **context)
    return " ".join(subject.split()), text, html


def _pact_context(row: PactRow, settings: _Settings) -> dict[str, Any]:
    return {
        "row": row,
        "pact_url": _absolute(settings, "portal.pact", pact_id=row.id),
        "status_label": labels.PACT_STATUS[row.status],
    }


def _enqueue_confirmation(
    session: Session,
    follower: Follower,
    token: str,
    row: PactRow,
    regency_id: int,
    now: datetime,
    settings: _Settings,
    round_started: datetime | None,
) -> None:
    unsubscribe_url = _absolute(
        settings, "follow.unsubscribe", token=unsubscribe_token(settings.secret_key, follower.id)
    )
    zone = ZoneInfo(row.regency_timezone)
    local_expiry = follower.confirm_expires_at.astimezone(zone)
    with force_locale(follower.locale):
        day = format_date(local_expiry, "long", rebase=False)
        expires = f"{day} {format_time(local_expiry, 'short', rebase=False)}"
    context = {
        **_pact_context(row, settings),
        "confirm_url": _absolute(settings, "follow.confirm", token=token),
        "unsubscribe_url": unsubscribe_url,
        "expires": expires,
        "zone_name": row.regency_timezone,
    }
    subject, text, html = _render(NoticeKind.FOLLOW_CONFIRM, follower.locale, context)
    enqueue(
        session,
        Notice(
            key=confirm_key(follower.id, round_started),
            kind=NoticeKind.FOLLOW_CONFIRM.value,
            regency_id=regency_id,
            recipients=[Recipient(email=follower.email)],
            subject=subject,
            body_text=text,
            body_html=html,
            pact_id=row.id,
            follower_id=follower.id,
            due_on=local_today(now, zone),
            lang=follower.locale,
            unsubscribe_url=unsubscribe_url,
        ),
        now=now,
    )


def request_follow(
    session: Session, *, pact_id: int, email: str, locale: str, now: datetime
) -> Follower | None:
    """Record a request to follow a pact and queue one confirmation mail, when one is due.

    Return the follower when a confirmation was queued, None when nothing new was sent (a link
    is still pending, the address already follows, refused earlier, or has too many pending).
    Raise Invalid for a bad address, NotFound for an unknown pact, Conflict for a withdrawn one.
    """
    settings = _settings()
    address = normalise_email(email)
    row = _pact_row(session, pact_id, now, settings)
    regency_id = _regency_id(session, pact_id)
    if locale not in current_app.config["LANGUAGES"]:
        locale = str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if row.status is PactStatus.WITHDRAWN:
        raise Conflict(_l("This pact was withdrawn: its status will not change any more."))
    follower = session.scalar(
        select(Follower).where(Follower.pact_id == pact_id, Follower.email == address)
    )
    if follower is not None and state_of(follower, now) is not FollowerState.EXPIRED:
        return None
    if _pending_elsewhere(session, address, now) >= settings.max_pending:
        log.info("follow request refused: too many pending confirmations for one address")
        return None
    token = new_token()
    expires = now + timedelta(hours=settings.confirm_hours)
    round_started: datetime | None = None
    if follower is None:
        follower = _create(session, pact_id, address, locale, token, expires, now)
        if follower is None:
            return None
        _audit(session, follower, "follower.requested", now)
    else:
        # The earlier link expired (or the follower left): a new link, a new dated mail.
        round_started = now
        follower.confirm_token_hash = token_hash(token)
        follower.confirm_expires_at = expires
        follower.locale = locale
        _audit(session, follower, "follower.requested_again", now)
    session.flush()
    _enqueue_confirmation(session, follower, token, row, regency_id, now, settings, round_started)
    return follower


def _create(
    session: Session,
    pact_id: int,
    address: str,
    locale: str,
    token: str,
    expires: datetime,
    now: datetime,
) -> Follower | None:
    follower = Follower(
        pact_id=pact_id,
        email=address,
        locale=locale,
        confirm_token_hash=token_hash(token),
        # Replaced below: the unsubscribe secret is derived from the id, known after the insert.
        unsubscribe_token_hash=token_hash(new_token()),
        created_at=now,
        confirm_expires_at=expires,
    )
    try:
        with session.begin_nested():
            session.add(follower)
            session.flush()
    except IntegrityError:
        # The same address asked for the same pact at the same moment: that request mails.
        return None
    follower.unsubscribe_token_hash = token_hash(
        unsubscribe_token(_settings().secret_key, follower.id)
    )
    return follower


def find_for_confirmation(session: Session, *, token: str) -> Follower:
    """Return the follower a confirmation link belongs to; raise NotFound when there is none."""
    follower = _find_by_hash(session, Follower.confirm_token_hash, token)
    if follower is None:
        raise NotFound(_l("This confirmation link is not valid. Check that it was copied whole."))
    return follower


def find_for_unsubscribe(session: Session, *, token: str) -> Follower:
    """Return the follower an unsubscribe link belongs to; raise NotFound when there is none."""
    follower = _find_by_hash(session, Follower.unsubscribe_token_hash, token)
    if follower is None:
        raise NotFound(_l("This unsubscribe link is not valid. Check that it was copied whole."))
    return follower


def check_confirmable(follower: Follower, now: datetime) -> FollowerState:
    """Return PENDING or FOLLOWING; raise LinkExpired for a link that can no longer be used."""
    state = state_of(follower, now)
    if state in (FollowerState.PENDING, FollowerState.FOLLOWING):
        return state
    raise LinkExpired(
        _l("This confirmation link has expired. You can ask again on the pact's page.")
    )


def confirm_follow(session: Session, *, token: str, now: datetime) -> Follower:
    """Confirm a follower through its link; from now on it hears of each status change."""
    follower = find_for_confirmation(session, token=token)
    if check_confirmable(follower, now) is FollowerState.FOLLOWING:
        return follower
    follower.confirmed_at = now
    follower.unsubscribed_at = None
    # The link is used up; the next change of status is measured from what the follower saw.
    follower.confirm_expires_at = now
    follower.last_status = pact_queries.get_status(
        session, pact_id=follower.pact_id, now=now, due_soon_days=_settings().due_soon_days
    ).value
    _audit(session, follower, "follower.confirmed", now)
    session.flush()
    return follower


def unsubscribe(session: Session, *, token: str, now: datetime) -> Follower:
    """Stop all mail to a follower (idempotent); a pending confirmation link stops working."""
    follower = find_for_unsubscribe(session, token=token)
    if follower.unsubscribed_at is not None:
        return follower
    follower.unsubscribed_at = now
    follower.confirm_expires_at = min(follower.confirm_expires_at, now)
    _audit(session, follower, "follower.unsubscribed", now)
    session.flush()
    return follower


def sweep_followers(session: Session, now: datetime) -> int:
    """Queue a mail to each confirmed follower whose pact changed status; return how many.

    Statuses are derived in bulk, one list per regency that has followers, never one query
    per follower. A follower whose mail cannot be rendered is logged and skipped.
    """
    settings = _settings()
    followed = session.execute(
        select(Follower, Agency.regency_id)
        .join(Pact, Follower.pact_id == Pact.id)
        .join(Agency, Pact.agency_id == Agency.id)
        .where(Follower.confirmed_at.is_not(None), Follower.unsubscribed_at.is_(None))
        .order_by(Follower.id)
    ).all()
    if not followed:
        return 0
    rows: dict[int, PactRow] = {}
    for regency_id in sorted({regency_id for _, regency_id in followed}):
        for listed in pact_queries.list_pacts(
            session, now=now, regency_id=regency_id, due_soon_days=settings.due_soon_days
        ):
            rows[listed.id] = listed
    queued = 0
    for follower, regency_id in followed:
        row = rows.get(follower.pact_id)
        if row is None or row.status.value == follower.last_status:
            continue
        try:
            if _enqueue_status(session, follower, row, regency_id, now, settings):
                queued += 1
        except OperationalError:
            # A deadlock or a lost connection dooms the whole sweep, not one follower's mail.
            raise
        except Exception:
            log.exception("follower %s: status mail not queued", follower.id)
            continue
        follower.last_status = row.status.value
    session.flush()
    return queued


def _enqueue_status(
    session: Session,
    follower: Follower,
    row: PactRow,
    regency_id: int,
    now: datetime,
    settings: _Settings,
) -> bool:
    unsubscribe_url = _absolute(
        settings, "follow.unsubscribe", token=unsubscribe_token(settings.secret_key, follower.id)
    )
    previous = next((s for s in PactStatus if s.value == follower.last_status), None)
    context = {
        **_pact_context(row, settings),
        "previous_label": labels.PACT_STATUS[previous] if previous else None,
        "unsubscribe_url": unsubscribe_url,
    }
    subject, text, html = _render(NoticeKind.FOLLOW_STATUS, follower.locale, context)
    today = local_today(now, ZoneInfo(row.regency_timezone))
    created = enqueue(
        session,
        Notice(
            key=status_key(follower.id, row.id, row.status.value, today),
            kind=NoticeKind.FOLLOW_STATUS.value,
            regency_id=regency_id,
            recipients=[Recipient(email=follower.email)],
            subject=subject,
            body_text=text,
            body_html=html,
            pact_id=row.id,
            follower_id=follower.id,
            due_on=today,
            lang=follower.locale,
            unsubscribe_url=unsubscribe_url,
        ),
        now=now,
    )
    return created is not None
