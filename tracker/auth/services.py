"""Use cases of identity: log in and out, login sessions, change password, API tokens.

Creating and changing accounts is the accounts capability's (tracker.accounts.services).
"""

from __future__ import annotations

import functools
import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.audit.services import record
from tracker.auth import policy
from tracker.auth.models import ApiToken, LoginSession, LoginThrottle, User
from tracker.auth.rules import (
    MIN_PASSWORD_LENGTH,
    TOKEN_USE_PRECISION,
    admitted_drain,
    login_wait,
    password_problem,
    session_expired,
    token_use_is_news,
)
from tracker.auth.settings import LoginSettings
from tracker.db import insert_unless_present
from tracker.errors import Conflict, DomainError, Forbidden, Invalid, Message, NotFound

TOKEN_PREFIX = "pp_"  # noqa: S105 - a visible marker, not a secret
# Werkzeug's current default (scrypt). create_app sets it from PASSWORD_HASH_METHOD; only the
# test suite lowers it, to keep hundreds of test accounts cheap.
password_method = "scrypt"  # noqa: S105 - a method name, not a password


def hash_password(password: str) -> str:
    """Hash a password with the configured method (salted)."""
    return generate_password_hash(password, method=password_method)


class LoginRefused(DomainError, status=401, slug="login-refused", title="Login refused"):
    """Wrong email or password (never says which); the failure is counted."""


class LoginThrottled(DomainError, status=429, slug="login-throttled", title="Too many attempts"):
    """Too many attempts on one address string: the next must wait (the same for any string)."""

    def __init__(self, detail: Message, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


_PASSWORD_MESSAGES: dict[str, Message] = {
    "too_short": _l("at least %(n)s characters", n=MIN_PASSWORD_LENGTH),
    "same_as_email": _l("must not be the email address"),
    "too_simple": _l("use more different characters"),
}


def password_refusal(password: str, *, email: str) -> Message | None:
    """Return why a new password is refused, in the user's words, or None when it will do."""
    problem = password_problem(password or "", email=email)
    return _PASSWORD_MESSAGES[problem] if problem else None


def audit_user(session: Session, actor: User | None, user: User, action: str, now: datetime,
               **changes: object) -> None:  # fmt: skip
    """Record a change of an account in the audit trail (actor None: the system or the CLI)."""
    record(
        session, actor=actor, action=action, target_type="user", target_id=user.id,
        regency_id=user.regency_id, at=now, changes=dict(changes) or None,
    )  # fmt: skip


def normalise_email(value: str) -> str:
    """Return the canonical form of an email address; raise Invalid when it is not one."""
    try:
        return validate_email((value or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise Invalid(
            _l("The email address is not valid."), fields={"email": _l("not an email address")}
        ) from None


def bucket_key(*parts: str) -> str:
    """Return the hash naming a login bucket (never the address or the account itself)."""
    return _sha256("\x00".join(parts))


def throttle_key(email: str, device: str | None = None) -> str:
    """Return the hash naming the bucket of an address string as typed (known or not), and of
    one browser that has logged in to it before (``device``)."""
    typed = (email or "").strip().lower()
    return bucket_key("login", typed, device) if device else bucket_key("login", typed)


@functools.cache
def dummy_hash(method: str) -> str:
    # Checked for an unknown address, with the method real hashes use: a wrong address then
    # costs exactly as much time as a wrong password.
    return generate_password_hash(secrets.token_hex(16), method=method)


def _find_login(session: Session, email: str) -> User | None:
    user = session.execute(
        select(User).where(func.lower(User.email) == (email or "").strip().lower())
    ).scalar_one_or_none()
    return user if user is not None and user.is_active else None


def locked_bucket(session: Session, key: str, now: datetime) -> LoginThrottle:
    """Return the login bucket named ``key`` (a ``bucket_key``), locked until the commit.

    It is created if it was never filled; a login that emptied (deleted) it meanwhile makes the
    lock find nothing, and it is created again.
    """
    table = cast(Table, LoginThrottle.__table__)
    for _ in range(3):
        insert_unless_present(session, table, {"key_hash": key, "drains_at": now}, key="key_hash")
        bucket = session.execute(
            select(LoginThrottle).where(LoginThrottle.key_hash == key).with_for_update()
        ).scalar_one_or_none()
        if bucket is not None:
            return bucket
    raise RuntimeError("the login bucket vanished three times in a row")


def forget_drained_buckets(session: Session, now: datetime) -> int:
    """Delete the login buckets whose every counted failure is forgotten; return how many."""
    result = session.execute(
        delete(LoginThrottle)
        .where(LoginThrottle.drains_at <= now)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return int(result.rowcount)  # type: ignore[attr-defined]


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    now: datetime,
    settings: LoginSettings,
    device: str | None = None,
) -> User:
    """Check a login against the bucket of the address string typed, known account or not.

    The bucket's row stays locked from the first read to the commit, password check included:
    parallel guesses at one address queue there, and no more than its free attempts are ever
    checked (auth.rules.admitted_drain). A full bucket raises LoginThrottled before any check;
    a wrong password (or an unknown or deactivated account, checked against a hash of the same
    cost) fills it and raises LoginRefused; the right one empties it. ``device`` names the
    bucket of a browser that logged in to this address before. The caller commits even when
    this raises LoginRefused, so that the failure is counted.
    """
    bucket = locked_bucket(session, throttle_key(email, device), now)
    interval, free = settings.attempt_interval, settings.free_attempts
    drained = admitted_drain(bucket.drains_at, now, free_attempts=free, interval=interval)
    if drained is None:
        wait = login_wait(bucket.drains_at, now, free_attempts=free, interval=interval)
        seconds = max(1, math.ceil(wait.total_seconds()))
        raise LoginThrottled(
            _l("Too many failed attempts. Try again in %(n)s seconds.", n=seconds),
            retry_after=seconds,
        )
    user = _find_login(session, email)
    known_hash = user.password_hash if user is not None else dummy_hash(password_method)
    # Checked whoever the address names (never short-circuited): the same time for everyone.
    matched = check_password_hash(known_hash, password or "")
    if user is None or not matched:
        bucket.drains_at = drained
        if user is not None:
            audit_user(session, None, user, "user.login_failed", now)
        session.flush()
        raise LoginRefused(_l("Wrong email address or password."))
    forget_bucket(session, bucket)
    return user


def forget_bucket(session: Session, bucket: LoginThrottle) -> None:
    """Empty a login bucket after a success (its row goes)."""
    session.delete(bucket)
    session.flush()


def start_login_session(session: Session, *, user: User, now: datetime) -> str:
    """Open a browser session; return its random key (the cookie keeps it, we keep its hash)."""
    key = secrets.token_urlsafe(32)
    session.add(LoginSession(key_hash=_sha256(key), user_id=user.id, created_at=now))
    audit_user(session, user, user, "user.logged_in", now)
    session.flush()
    return key


@dataclass(frozen=True)
class LiveSession:
    """A login session still valid, its account, and whether its last request is news."""

    id: int
    user: User
    seen_is_news: bool


def find_login_session(
    session: Session, *, key: str, now: datetime, settings: LoginSettings
) -> LiveSession | None:
    """Return the live login session of a cookie's key (not revoked, neither idle too long nor
    too old, its account active), or None. Reads only: ``note_session_seen`` writes."""
    found = session.execute(
        select(LoginSession).where(
            LoginSession.key_hash == _sha256(key), LoginSession.revoked_at.is_(None)
        )
    ).scalar_one_or_none()
    if found is None or not found.user.is_active:
        return None
    if session_expired(
        found.created_at, found.last_seen_at, now, idle=settings.idle, absolute=settings.max_age
    ):
        return None
    return LiveSession(found.id, found.user, token_use_is_news(found.last_seen_at, now))


def user_for_session(
    session: Session, *, key: str, now: datetime, settings: LoginSettings | None = None
) -> User | None:
    """Return the active user of a live login session, or None."""
    live = find_login_session(session, key=key, now=now, settings=settings or LoginSettings())
    return live.user if live is not None else None


def note_session_seen(session: Session, *, login_session_id: int, now: datetime) -> None:
    """Note a request of a login session (its idle timeout counts from here)."""
    session.execute(
        update(LoginSession)
        .where(
            LoginSession.id == login_session_id,
            (LoginSession.last_seen_at.is_(None))
            | (LoginSession.last_seen_at <= now - TOKEN_USE_PRECISION),
        )
        .values(last_seen_at=now)
    )


def end_other_login_sessions(session: Session, *, user: User, now: datetime) -> int:
    """Revoke every open login session of ``user`` (after a password change); return how many."""
    open_sessions = session.execute(
        select(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None)
        )
    ).scalars()
    count = 0
    for login_session in open_sessions:
        login_session.revoked_at = now
        count += 1
    session.flush()
    return count


def end_login_session(session: Session, *, key: str, now: datetime) -> None:
    """Revoke a login session: its cookie no longer works anywhere."""
    found = session.execute(
        select(LoginSession).where(LoginSession.key_hash == _sha256(key))
    ).scalar_one_or_none()
    if found is not None and found.revoked_at is None:
        found.revoked_at = now
        audit_user(session, found.user, found.user, "user.logged_out", now)
        session.flush()


def change_password(
    session: Session,
    *,
    actor: User,
    current_password: str,
    new_password: str,
    now: datetime,
    revoke_tokens: bool = True,
) -> None:
    """Change one's own password after proving the current one.

    Every other login session ends; with ``revoke_tokens`` (the form's default) every API token
    of the account is revoked too: whoever learnt the old password may have made one.
    """
    if not check_password_hash(actor.password_hash, current_password or ""):
        raise Invalid(
            _l("The password was not changed."),
            fields={"current_password": _l("this is not your current password")},
        )
    refusal = password_refusal(new_password, email=actor.email)
    if refusal:
        raise Invalid(_l("The password was not changed."), fields={"new_password": refusal})
    actor.password_hash = hash_password(new_password)
    # Anyone holding an old session cookie is out; the caller opens a fresh session.
    ended = end_other_login_sessions(session, user=actor, now=now)
    revoked = revoke_all_tokens(session, owner=actor, now=now) if revoke_tokens else 0
    audit_user(
        session,
        actor,
        actor,
        "user.password_changed",
        now,
        sessions_ended=ended,
        tokens_revoked=revoked,
    )
    session.flush()


@dataclass(frozen=True)
class IssuedToken:
    """A new token: the plain value is shown once and never stored."""

    token: ApiToken
    plaintext: str


def issue_token(
    session: Session, *, actor: User | None, owner: User, now: datetime, label: str | None = None
) -> IssuedToken:
    """Create a bearer token for ``owner`` (actor None: the operator's command line)."""
    if actor is not None and not policy.can_manage_tokens(actor, owner):
        raise Forbidden(_l("You may not create tokens for this account."))
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=owner.id,
        token_hash=_sha256(plaintext),
        prefix=plaintext[:10],
        label=(label or "").strip()[:120] or None,
        created_at=now,
    )
    session.add(token)
    session.flush()
    audit_user(session, actor, owner, "token.issued", now, token_id=token.id, prefix=token.prefix)
    session.flush()
    return IssuedToken(token, plaintext)


def list_tokens(session: Session, *, actor: User | None, owner: User) -> list[ApiToken]:
    """List an account's tokens, newest first (revoked ones included, marked)."""
    if actor is not None and not policy.can_manage_tokens(actor, owner):
        raise Forbidden(_l("You may not see the tokens of this account."))
    return list(
        session.execute(
            select(ApiToken).where(ApiToken.user_id == owner.id).order_by(ApiToken.id.desc())
        ).scalars()
    )


def revoke_token(session: Session, *, actor: User | None, token_id: int, now: datetime) -> ApiToken:
    """Revoke a token at once."""
    token = session.get(ApiToken, token_id)
    if token is None or (actor is not None and not policy.can_manage_tokens(actor, token.user)):
        raise NotFound(_l("There is no token with id %(id)s.", id=token_id))
    if token.revoked_at is not None:
        raise Conflict(_l("This token is already revoked."))
    token.revoked_at = now
    audit_user(session, actor, token.user, "token.revoked", now, token_id=token.id)
    session.flush()
    return token


def live_token_count(session: Session, *, owner: User) -> int:
    """Return how many tokens of ``owner`` still work."""
    return int(
        session.execute(
            select(func.count())
            .select_from(ApiToken)
            .where(ApiToken.user_id == owner.id, ApiToken.revoked_at.is_(None))
        ).scalar_one()
    )


def revoke_all_tokens(session: Session, *, owner: User, now: datetime) -> int:
    """Revoke every live token of ``owner`` (after a password change); return how many."""
    live = session.execute(
        select(ApiToken).where(ApiToken.user_id == owner.id, ApiToken.revoked_at.is_(None))
    ).scalars()
    count = 0
    for token in live:
        token.revoked_at = now
        count += 1
    session.flush()
    return count


def user_for_token(
    session: Session, *, plaintext: str, now: datetime, note_use: bool = True
) -> User | None:
    """Return the active owner of a live token, or None.

    With ``note_use``, the use is noted on the token when it is news (auth.rules.token_use_is_news).
    """
    if not plaintext.startswith(TOKEN_PREFIX):
        return None
    token = session.execute(
        select(ApiToken).where(ApiToken.token_hash == _sha256(plaintext))
    ).scalar_one_or_none()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    if note_use and token_use_is_news(token.last_used_at, now):
        token.last_used_at = now
    return token.user


def find_user(session: Session, *, email: str) -> User:
    """Return the account with this email; raise NotFound."""
    user = session.execute(
        select(User).where(func.lower(User.email) == (email or "").strip().lower())
    ).scalar_one_or_none()
    if user is None:
        raise NotFound(_l("There is no account %(email)s.", email=email))
    return user
