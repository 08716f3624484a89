"""Follow a pact by email: double opt-in, a mail on each status change, one-click unsubscribe.

Request-free services (they take a session and ``now``; they need an app context for the
mail templates and configuration). Nothing is sent here: every mail is a row in the outbox,
written in the caller's transaction and delivered later by the delivery worker.

Decisions:
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

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale, format_date, format_time
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from tracker import labels
from tracker.audit.services import record
from tracker.auth.services import normalise_email
from tracker.clock import local_today
from tracker.errors import Conflict, DomainError
from tracker.followers import queries
from tracker.followers.models import Follower
from tracker.followers.rules import (
    FollowerState,
    confirm_key,
    new_token,
    state_of,
    status_key,
    token_hash,
    unsubscribe_token,
)
from tracker.i18n import zone_abbreviation
from tracker.notifications.models import NoticeKind
from tracker.notifications.outbox import Notice, Recipient, enqueue
from tracker.notifications.render import absolute_url
from tracker.pacts import queries as pact_queries
from tracker.pacts.queries import PactRow
from tracker.pacts.rules import PactStatus
from tracker.settings import due_soon_days

log = logging.getLogger(__name__)


class LinkExpired(DomainError, status=410, slug="link-expired", title="Link expired"):
    """A confirmation link that can no longer be used."""


@dataclass(frozen=True)
class _Settings:
    secret_key: str
    confirm_hours: int
    max_pending: int
    due_soon_days: int


def _settings() -> _Settings:
    config = current_app.config
    return _Settings(
        secret_key=str(config["SECRET_KEY"]),
        confirm_hours=int(config["FOLLOW_CONFIRM_HOURS"]),
        max_pending=int(config["FOLLOW_MAX_PENDING_PER_ADDRESS"]),
        due_soon_days=due_soon_days(),
    )


def _audit(session: Session, follower: Follower, action: str, now: datetime) -> None:
    # The follower id only: the address is private, and the pact's public timeline stays clean.
    record(
        session,
        actor=None,
        action=action,
        target_type="follower",
        target_id=follower.id,
        regency_id=queries.regency_of_pact(session, follower.pact_id),
        at=now,
    )


def _render(kind: NoticeKind, lang: str, context: dict[str, Any]) -> tuple[str, str, str]:
    folder = f"email/{kind.value}"
    with force_locale(lang):
        subject = render_template(f"{folder}/subject.txt", **context)
        text = render_template(f"{folder}/body.txt", **context)
        html = render_template(f"{folder}/body.html", **context)
    return " ".join(subject.split()), text, html


def _enqueue_mail(
    session: Session,
    follower: Follower,
    *,
    kind: NoticeKind,
    key: str,
    row: PactRow,
    regency_id: int,
    context: dict[str, Any],
    now: datetime,
    settings: _Settings,
) -> bool:
    """Render one follower mail in the follower's language and add it to the outbox.

    Return whether a row was written (False when the outbox already holds the key).
    """
    unsubscribe_url = absolute_url(
        "follow.unsubscribe", token=unsubscribe_token(settings.secret_key, follower.id)
    )
    context = {
        "row": row,
        "pact_url": absolute_url("portal.pact", pact_id=row.id),
        "status_label": labels.PACT_STATUS[row.status],
        "unsubscribe_url": unsubscribe_url,
        **context,
    }
    subject, text, html = _render(kind, follower.locale, context)
    created = enqueue(
        session,
        Notice(
            key=key,
            kind=kind.value,
            regency_id=regency_id,
            recipients=[Recipient(email=follower.email, account=False)],
            subject=subject,
            body_text=text,
            body_html=html,
            pact_id=row.id,
            follower_id=follower.id,
            due_on=local_today(now, ZoneInfo(row.regency_timezone)),
            lang=follower.locale,
            unsubscribe_url=unsubscribe_url,
        ),
        now=now,
    )
    return created is not None


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
    local_expiry = follower.confirm_expires_at.astimezone(ZoneInfo(row.regency_timezone))
    with force_locale(follower.locale):
        day = format_date(local_expiry, "long", rebase=False)
        expires = f"{day} {format_time(local_expiry, 'short', rebase=False)}"
    context = {
        "confirm_url": absolute_url("follow.confirm", token=token),
        "expires": expires,
        # "WITA", not "Asia/Makassar": the zone as Indonesians name it, in both languages.
        "zone_name": zone_abbreviation(row.regency_timezone),
    }
    _enqueue_mail(
        session,
        follower,
        kind=NoticeKind.FOLLOW_CONFIRM,
        key=confirm_key(follower.id, round_started),
        row=row,
        regency_id=regency_id,
        context=context,
        now=now,
        settings=settings,
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
    row = queries.get_pact_row(
        session, pact_id=pact_id, now=now, due_soon_days=settings.due_soon_days
    )
    regency_id = queries.regency_of_pact(session, pact_id)
    if locale not in current_app.config["LANGUAGES"]:
        locale = str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if row.status is PactStatus.WITHDRAWN:
        raise Conflict(_l("This pact was withdrawn: its status will not change any more."))
    follower = queries.find_follower(session, pact_id=pact_id, email=address)
    if follower is not None and state_of(follower, now) is not FollowerState.EXPIRED:
        return None
    if queries.count_pending(session, email=address, now=now) >= settings.max_pending:
        log.info("follow request refused: too many pending confirmations for one address")
        return None
    token = new_token()
    expires = now + timedelta(hours=settings.confirm_hours)
    round_started: datetime | None = None
    if follower is None:
        follower = _create(session, pact_id, address, locale, token, expires, now, settings)
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
    settings: _Settings,
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
        unsubscribe_token(settings.secret_key, follower.id)
    )
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
    follower = queries.get_by_confirm_token(session, token=token)
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
    follower = queries.get_by_unsubscribe_token(session, token=token)
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
    followed = queries.list_following(session)
    if not followed:
        return 0
    rows = queries.pact_rows_of(
        session,
        (regency_id for _, regency_id in followed),
        now=now,
        due_soon_days=settings.due_soon_days,
    )
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
    previous = next((s for s in PactStatus if s.value == follower.last_status), None)
    today: date = local_today(now, ZoneInfo(row.regency_timezone))
    return _enqueue_mail(
        session,
        follower,
        kind=NoticeKind.FOLLOW_STATUS,
        key=status_key(follower.id, row.id, row.status.value, today),
        row=row,
        regency_id=regency_id,
        context={"previous_label": labels.PACT_STATUS[previous] if previous else None},
        now=now,
        settings=settings,
    )
