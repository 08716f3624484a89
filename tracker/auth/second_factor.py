"""Use cases of the second login step: a six-digit code from an authenticator app (TOTP, RFC
6238), which admins and superadmins may turn on for their own account.

A code is accepted for the current 30-second step or the one before or after (a phone's clock
drifts), and only once: the step it matched is kept, and a code of that step or an earlier one
is refused. Codes are tried against a bucket of their own per account (the same slow-down as
passwords), so knowing the password does not open a million guesses.

The secret is stored sealed (tracker.auth.sealing, a key derived from the configuration): a copy
of the database alone does not give the codes. When the key changes and a secret no longer
opens, the login says so and the operator turns the second step off for that account
(``flask --app tracker users second-factor-off EMAIL``); the owner turns it on again.
"""

from __future__ import annotations

import hmac
import logging
import math
from datetime import datetime

import pyotp
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from tracker.auth import policy
from tracker.auth.models import User
from tracker.auth.rules import admitted_drain, login_wait
from tracker.auth.sealing import Sealer, Unsealable
from tracker.auth.services import (
    LoginRefused,
    LoginThrottled,
    audit_user,
    bucket_key,
    forget_bucket,
    locked_bucket,
)
from tracker.auth.settings import LoginSettings
from tracker.errors import Forbidden, Invalid, NotFound

log = logging.getLogger(__name__)

ISSUER = "Pantau Pakta"
# Steps either side of now a code may belong to (30 seconds each).
DRIFT_STEPS = 1


def new_secret() -> str:
    """Return a fresh random TOTP secret (base32, 160 bits)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """Return the otpauth:// address an authenticator app reads (typed or opened on a phone)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def _matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """Return the time step ``code`` belongs to (near now, after ``last_step``), or None."""
    totp = pyotp.TOTP(secret)
    digits = "".join((code or "").split())
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


_UNREADABLE = _l(
    "This account's two-step login can no longer be checked: the server's key has changed. "
    "Ask the operator to turn it off for your account, then turn it on again."
)


def _open_secret(user: User, sealed: str, sealer: Sealer) -> str:
    """Return the account's TOTP secret; log it (for the operator) when it does not open."""
    try:
        return sealer.open(sealed, user_id=user.id)
    except Unsealable:
        log.error(
            "Account %s: its two-step login secret does not open with this install's key "
            "(TRACKER_SECRET_KEY or TRACKER_TOTP_KEY changed?); "
            "flask --app tracker users second-factor-off turns it off",
            user.id,
        )
        raise


def _prove_password(user: User, password: str) -> None:
    if not check_password_hash(user.password_hash, password or ""):
        raise Invalid(
            _l("The two-step login was not changed."),
            fields={"password": _l("this is not your current password")},
        )


def enable(
    session: Session,
    *,
    actor: User,
    secret: str,
    password: str,
    code: str,
    now: datetime,
    sealer: Sealer,
) -> None:
    """Turn on the second step for one's own account, proving the password and a first code."""
    if not policy.can_use_second_factor(actor):
        raise Forbidden(_l("Two-step login is for admin and superadmin accounts."))
    _prove_password(actor, password)
    step = _matching_step(secret, code, now, None)
    if step is None:
        raise Invalid(
            _l("The two-step login was not changed."),
            fields={"code": _l("this code is not the one the app shows now")},
        )
    actor.totp_secret_sealed = sealer.seal(secret, user_id=actor.id)
    actor.totp_enabled_at = now
    actor.totp_last_step = step
    audit_user(session, actor, actor, "user.second_factor_enabled", now)
    session.flush()


def disable(
    session: Session, *, actor: User, password: str, code: str, now: datetime, sealer: Sealer
) -> None:
    """Turn off one's own second step, proving the password and a current code."""
    sealed = actor.totp_secret_sealed
    if sealed is None:
        raise NotFound(_l("Two-step login is not on for this account."))
    _prove_password(actor, password)
    try:
        secret = _open_secret(actor, sealed, sealer)
    except Unsealable:
        raise Invalid(
            _l("The two-step login was not changed."), fields={"code": _UNREADABLE}
        ) from None
    step = _matching_step(secret, code, now, actor.totp_last_step)
    if step is None:
        raise Invalid(
            _l("The two-step login was not changed."),
            fields={"code": _l("this code is not the one the app shows now")},
        )
    _clear(actor)
    audit_user(session, actor, actor, "user.second_factor_disabled", now)
    session.flush()


def reset(session: Session, *, owner: User, now: datetime) -> None:
    """Turn off an account's second step from the operator's command line (a lost phone)."""
    if owner.totp_secret_sealed is None:
        raise NotFound(_l("Two-step login is not on for this account."))
    _clear(owner)
    audit_user(session, None, owner, "user.second_factor_disabled", now, by="operator")
    session.flush()


def _clear(user: User) -> None:
    user.totp_secret_sealed = None
    user.totp_enabled_at = None
    user.totp_last_step = None


def check_login_code(
    session: Session,
    *,
    user_id: int,
    code: str,
    now: datetime,
    settings: LoginSettings,
    sealer: Sealer,
) -> User:
    """Check the code of a login whose password was right; return the account.

    Raise LoginThrottled when the account's code bucket is full, LoginRefused for a wrong,
    reused or stale code (counted; the caller commits all the same), and a LoginRefused that
    says so (not counted) when the account's secret no longer opens with the install's key.
    """
    user = session.get(User, user_id)
    sealed = user.totp_secret_sealed if user is not None and user.is_active else None
    if user is None or sealed is None:
        raise LoginRefused(_l("Log in again: this login has lapsed."))
    try:
        secret = _open_secret(user, sealed, sealer)
    except Unsealable:
        raise LoginRefused(_UNREADABLE) from None
    bucket = locked_bucket(session, bucket_key("second-factor", str(user.id)), now)
    interval, free = settings.attempt_interval, settings.free_attempts
    drained = admitted_drain(bucket.drains_at, now, free_attempts=free, interval=interval)
    if drained is None:
        wait = login_wait(bucket.drains_at, now, free_attempts=free, interval=interval)
        seconds = max(1, math.ceil(wait.total_seconds()))
        raise LoginThrottled(
            _l("Too many failed attempts. Try again in %(n)s seconds.", n=seconds),
            retry_after=seconds,
        )
    step = _matching_step(secret, code, now, user.totp_last_step)
    if step is None:
        bucket.drains_at = drained
        audit_user(session, None, user, "user.login_failed", now, step="code")
        session.flush()
        raise LoginRefused(_l("This code is not the one the app shows now."))
    user.totp_last_step = step
    forget_bucket(session, bucket)
    session.flush()
    return user
