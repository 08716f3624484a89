"""Use cases of identity: log in and out, login sessions, change password, API tokens.

Creating and changing accounts is the accounts capability's (tracker.accounts.services).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.audit.services import record
from tracker.auth import policy
from tracker.auth.models import ApiToken, LoginSession, User
from tracker.auth.rules import (
    MIN_PASSWORD_LENGTH,
    next_login_allowed_at,
    password_problem,
    token_use_is_news,
)
from tracker.errors import Conflict, DomainError, Forbidden, Invalid, Message, NotFound

# A browser login lasts at most this long, whatever the cookie says.
LOGIN_SESSION_MAX_AGE = timedelta(days=14)
TOKEN_PREFIX = "pp_"  # noqa: S105 - a visible marker, not a secret
# Werkzeug's current default (scrypt). create_app sets it from PASSWORD_HASH_METHOD; only the
# test suite lowers it, to keep hundreds of test accounts cheap.
password_method = "scrypt"  # noqa: S105 - a method name, not a password


def hash_password(password: str) -> str:
    """Hash a password with the configured method (salted)."""
    return generate_password_hash(password, method=password_method)


# Checked when the email is unknown, so a wrong email costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class LoginRefused(DomainError, status=401, slug="login-refused", title="Login refused"):
    """Wrong email or password (never says which); the failure is counted."""


class LoginThrottled(DomainError, status=429, slug="login-throttled", title="Too many attempts"):
    """Too many failures in a row: the account must wait before the next attempt."""

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


def authenticate(session: Session, *, email: str, password: str, now: datetime) -> User:
    """Check a login; count failures and make repeated ones wait (LoginThrottled).

    The caller commits even when this raises LoginRefused, so that the failure is counted.
    """
    user = session.execute(
        select(User).where(func.lower(User.email) == (email or "").strip().lower())
    ).scalar_one_or_none()
    if user is None or not user.is_active:
        check_password_hash(_DUMMY_HASH, password or "")
        raise LoginRefused(_l("Wrong email address or password."))
    allowed_at = next_login_allowed_at(user.failed_logins, user.last_failed_login_at)
    if allowed_at is not None and now < allowed_at:
        wait = max(1, int((allowed_at - now).total_seconds()) + 1)
        raise LoginThrottled(
            _l("Too many failed attempts. Try again in %(n)s seconds.", n=wait), retry_after=wait
        )
    if not check_password_hash(user.password_hash, password or ""):
        user.failed_logins += 1
        user.last_failed_login_at = now
        audit_user(session, None, user, "user.login_failed", now, failures=user.failed_logins)
        session.flush()
        raise LoginRefused(_l("Wrong email address or password."))
    user.failed_logins = 0
    user.last_failed_login_at = None
    session.flush()
    return user


def start_login_session(session: Session, *, user: User, now: datetime) -> str:
    """Open a browser session; return its random key (the cookie keeps it, we keep its hash)."""
    key = secrets.token_urlsafe(32)
    session.add(LoginSession(key_hash=_sha256(key), user_id=user.id, created_at=now))
    audit_user(session, user, user, "user.logged_in", now)
    session.flush()
    return key


def user_for_session(
    session: Session, *, key: str, now: datetime, max_age: timedelta = LOGIN_SESSION_MAX_AGE
) -> User | None:
    """Return the active user of a live login session (not revoked, not expired), or None."""
    found = session.execute(
        select(LoginSession).where(
            LoginSession.key_hash == _sha256(key), LoginSession.revoked_at.is_(None)
        )
    ).scalar_one_or_none()
    if found is None or not found.user.is_active or now - found.created_at > max_age:
        return None
    return found.user


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
    session: Session, *, actor: User, current_password: str, new_password: str, now: datetime
) -> None:
    """Change one's own password after proving the current one."""
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
    audit_user(session, actor, actor, "user.password_changed", now, sessions_ended=ended)
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
