"""Log in, log out, change password; the session cookie carries a revocable login key."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_limiter import RequestLimit
from flask_login import LoginManager, current_user, login_user, logout_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import OperationalError
from werkzeug.wrappers import Response as BaseResponse

from tracker.auth import policy, second_factor, services
from tracker.auth.access import current_actor, login_required, requires
from tracker.auth.forms import ChangePasswordForm, LoginCodeForm, LoginForm, SecondFactorForm
from tracker.auth.models import User
from tracker.auth.ratelimit import behind_an_unknown_proxy, bind_limiter, seconds_until
from tracker.auth.sealing import totp_sealer
from tracker.auth.settings import login_settings
from tracker.clock import get_clock
from tracker.extensions import db_session
from tracker.web.errors import database_busy
from tracker.web.forms import submit_form
from tracker.web.step import unit_of_work

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
LOGIN_KEY = "login_key"
log = logging.getLogger(__name__)
# A browser that logged in to an address keeps a signed mark of it, and its attempts on that
# address count in a bucket of their own: a stranger guessing elsewhere never locks it out.
DEVICE_COOKIE = "pp_device"
DEVICE_MAX_AGE = timedelta(days=180)
DEVICE_MAX_ACCOUNTS = 5
# A login whose password was right waits this long for its second step's code.
PENDING_KEY = "pending_login"
PENDING_FOR = timedelta(minutes=5)
# The key of a second step being turned on, until its first code is typed.
ENROLL_KEY = "second_factor_key"


def _load_user(user_id: str) -> User | None:
    key = session.get(LOGIN_KEY)
    if not key:
        return None
    live = services.find_login_session(
        db_session(), key=key, now=get_clock().now(), settings=login_settings()
    )
    if live is None or str(live.user.id) != user_id:
        return None
    if live.seen_is_news:
        g.login_session_seen = live.id
    return live.user


def _note_session_seen(response: Response) -> Response:
    """After the request's own work, note that its login session was used (idle timeout).

    At most one write per session every few minutes (auth.rules.TOKEN_USE_PRECISION); a busy
    database skips it rather than fail a page that only read.
    """
    seen = g.pop("login_session_seen", None)
    if seen is None:
        return response
    try:
        with unit_of_work() as db:
            services.note_session_seen(db, login_session_id=seen, now=get_clock().now())
    except OperationalError as error:
        if not database_busy(error):
            raise
        log.warning("Login session %s: its last request was not noted (database busy)", seen)
    return response


def init_login(app: Flask) -> None:
    """Bind Flask-Login: no remember-me cookie, the login page for anonymous staff requests."""
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.after_request(_note_session_seen)


def landing_url(user: User) -> str:
    """Where an account starts after logging in (the policy decides which page)."""
    return url_for(policy.landing_endpoint(user))


def _safe_next(target: str | None) -> str | None:
    # Only a path on this site: never an absolute URL or a scheme-relative //host.
    if not target or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _known_device(email: str) -> str | None:
    """Return this browser's device id when it has logged in to ``email`` before, else None."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        device = _device_serializer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(device, dict) or not isinstance(device.get("accounts"), list):
        return None
    known = _account_mark(email) in device["accounts"]
    return str(device.get("id")) if known and device.get("id") else None


def _remember_device(response: BaseResponse, email: str) -> None:
    """Mark this browser as one that logged in to ``email`` (its attempts then count apart)."""
    device: dict[str, Any] = {"id": secrets.token_urlsafe(16), "accounts": []}
    raw = request.cookies.get(DEVICE_COOKIE)
    if raw:
        try:
            loaded = _device_serializer().loads(raw)
        except BadSignature:
            loaded = None
        if isinstance(loaded, dict) and isinstance(loaded.get("accounts"), list):
            device = loaded
    mark = _account_mark(email)
    accounts = [a for a in device["accounts"] if a != mark][-(DEVICE_MAX_ACCOUNTS - 1) :]
    device["accounts"] = [*accounts, mark]
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps(device),
        max_age=int(DEVICE_MAX_AGE.total_seconds()),
        path=url_for("auth.login"),
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,
        samesite="Lax",
    )


def _device_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="login-device")


def _account_mark(email: str) -> str:
    # A short keyed hash: the cookie never carries the address itself.
    secret = str(current_app.config["SECRET_KEY"]).encode()
    typed = (email or "").strip().lower().encode()
    return hmac.new(secret, typed, hashlib.sha256).hexdigest()[:16]


def _refused(_response: Response) -> bool:
    # Only logins refused after a look at the password count against the client's address
    # (a regency office behind one address may log in all morning), and only once their work
    # is committed: a form refused before (a lapsed CSRF token, the limit itself) still holds
    # SQLite's write lock, which the counter's own connection would wait for.
    return bool(g.get("login_refused"))


def _address_limit() -> str:
    return str(current_app.config["LOGIN_LIMIT_PER_ADDRESS"])


def _too_many_from_address(limit: RequestLimit) -> Response:
    """Answer a login from an address over its limit: the form again, 429 and when to retry."""
    form = LoginForm()
    form.form_errors.append(
        str(_l("Too many failed logins from your network. Try again in a few minutes."))
    )
    response = make_response(render_template("auth/login.html", form=form), 429)
    response.headers["Retry-After"] = str(seconds_until(limit.reset_at))
    return response


@bp.route("/masuk", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the login form; on success open a new login session.

    A known address and an unknown one get the same answer, in the same time (services.
    authenticate); refused logins also count against the client's address (the limit above).
    """
    if current_user.is_authenticated:
        return redirect(landing_url(current_actor()))
    form = LoginForm()
    status = 200
    headers: dict[str, str] = {}
    if form.validate_on_submit():
        email = form.email.data
        now = get_clock().now()
        refusal: services.LoginRefused | services.LoginThrottled | None = None
        # A refused login is committed too: the failure is counted.
        with unit_of_work() as db:
            try:
                user = services.authenticate(
                    db,
                    email=email,
                    password=form.password.data,
                    now=now,
                    settings=login_settings(),
                    device=_known_device(email),
                )
            except (services.LoginRefused, services.LoginThrottled) as exc:
                refusal = exc
            else:
                _fresh_session()
                if user.totp_secret_sealed is not None:
                    # The password was right; the code comes next, within PENDING_FOR.
                    session[PENDING_KEY] = {
                        "user": user.id,
                        "email": email,
                        "at": now.isoformat(),
                        "next": _safe_next(request.args.get("next")),
                    }
                else:
                    session[LOGIN_KEY] = services.start_login_session(db, user=user, now=now)
                    login_user(user)
        if refusal is None:
            if PENDING_KEY in session:
                return redirect(url_for("auth.login_code"))
            response = redirect(_safe_next(request.args.get("next")) or landing_url(user))
            _remember_device(response, email)
            return response
        g.login_refused = True
        form.form_errors.append(str(refusal.detail))
        status = refusal.status
        if isinstance(refusal, services.LoginThrottled):
            headers["Retry-After"] = str(refusal.retry_after)
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status, headers


def _fresh_session() -> None:
    # A fresh session for a fresh login: nothing carried over from before but the language.
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _pending_login(now: datetime) -> dict[str, Any] | None:
    """Return the login waiting for its code, if it is this browser's and still fresh."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("user"), int):
        return None
    try:
        started = datetime.fromisoformat(str(pending.get("at")))
    except ValueError:
        return None
    return pending if timedelta(0) <= now - started <= PENDING_FOR else None


@bp.route("/masuk/kode", methods=["GET", "POST"])
def login_code() -> ResponseReturnValue:
    """The second login step: the code from the authenticator app, then the session opens."""
    now = get_clock().now()
    pending = _pending_login(now)
    if pending is None:
        session.pop(PENDING_KEY, None)
        flash(str(_l("Log in again: this login has lapsed.")), "info")
        return redirect(url_for("auth.login"))
    form = LoginCodeForm()
    status = 200
    headers: dict[str, str] = {}
    if form.validate_on_submit():
        refusal: services.LoginRefused | services.LoginThrottled | None = None
        with unit_of_work() as db:
            try:
                user = second_factor.check_login_code(
                    db, user_id=pending["user"], code=form.code.data, now=now,
                    settings=login_settings(), sealer=totp_sealer(),
                )  # fmt: skip
            except (services.LoginRefused, services.LoginThrottled) as exc:
                refusal = exc
            else:
                _fresh_session()
                session[LOGIN_KEY] = services.start_login_session(db, user=user, now=now)
                login_user(user)
        if refusal is None:
            response = redirect(pending.get("next") or landing_url(user))
            _remember_device(response, str(pending.get("email") or ""))
            return response
        form.form_errors.append(str(refusal.detail))
        status = refusal.status
        if isinstance(refusal, services.LoginThrottled):
            headers["Retry-After"] = str(refusal.retry_after)
    elif request.method == "POST":
        status = 400
    return render_template("auth/login_code.html", form=form), status, headers


@bp.route("/akun/dua-langkah", methods=["GET", "POST"])
@requires(policy.can_use_second_factor)
def second_factor_settings() -> ResponseReturnValue:
    """Turn the second login step on (a new key, a first code) or off (a current code)."""
    actor = current_actor()
    form = SecondFactorForm()
    turning_on = actor.totp_secret_sealed is None
    secret = session.get(ENROLL_KEY) if turning_on else None
    if turning_on and not isinstance(secret, str):
        secret = session[ENROLL_KEY] = second_factor.new_secret()

    def change() -> None:
        now = get_clock().now()
        password, code = form.password.data, form.code.data
        if turning_on and isinstance(secret, str):
            second_factor.enable(
                db_session(), actor=actor, secret=secret, password=password, code=code, now=now,
                sealer=totp_sealer(),
            )  # fmt: skip
            session.pop(ENROLL_KEY, None)
        else:
            second_factor.disable(
                db_session(), actor=actor, password=password, code=code, now=now,
                sealer=totp_sealer(),
            )  # fmt: skip

    def render(status: int) -> ResponseReturnValue:
        key = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) if secret else None
        uri = second_factor.provisioning_uri(secret, actor.email) if secret else None
        page = render_template("auth/second_factor.html", form=form, actor=actor, key=key, uri=uri)
        return page, status

    return submit_form(
        form,
        change,
        render=render,
        done=lambda _: (
            _l("Two-step login is on: after your password, the app's code is asked.")
            if turning_on
            else _l("Two-step login is off.")
        ),
        to=lambda _: url_for("auth.second_factor_settings"),
    )


def init_login_limit(app: Flask) -> None:
    """Limit refused logins per client address (LOGIN_LIMIT_PER_ADDRESS), after the login view
    is registered: the limit is checked inside the view, and a refusal counted after it."""
    limiter = bind_limiter(app)
    limit = limiter.limit(
        _address_limit,
        methods=["POST"],
        deduct_when=_refused,
        on_breach=_too_many_from_address,
        exempt_when=behind_an_unknown_proxy,
    )
    app.view_functions["auth.login"] = limit(login)


@bp.post("/keluar")
def logout() -> ResponseReturnValue:
    """End the login session everywhere its cookie might be replayed."""
    key = session.get(LOGIN_KEY)
    if key:
        with unit_of_work() as db:
            services.end_login_session(db, key=key, now=get_clock().now())
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("portal.home"))


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Change one's own password."""
    form = ChangePasswordForm()

    def change() -> None:
        actor = current_actor()
        now = get_clock().now()
        services.change_password(
            db_session(),
            actor=actor,
            current_password=form.current_password.data,
            new_password=form.new_password.data,
            now=now,
            revoke_tokens=bool(form.revoke_tokens.data),
        )
        # The change ended every session, this one included: open a new one here.
        session[LOGIN_KEY] = services.start_login_session(db_session(), user=actor, now=now)

    return submit_form(
        form,
        change,
        # A refused password is a 400 like a refused form.
        render=lambda status: (
            render_template(
                "auth/change_password.html",
                form=form,
                live_tokens=services.live_token_count(db_session(), owner=current_actor()),
            ),
            400 if request.method == "POST" else 200,
        ),
        done=lambda _: _l("Your password has been changed."),
        to=lambda _: landing_url(current_actor()),
    )
