"""Log in, log out, change password; the session cookie carries a revocable login key."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user

from tracker.auth import policy, services
from tracker.auth.access import current_actor, login_required
from tracker.auth.forms import ChangePasswordForm, LoginForm
from tracker.auth.models import User
from tracker.clock import get_clock
from tracker.extensions import db_session
from tracker.web.forms import submit_form
from tracker.web.step import unit_of_work

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
LOGIN_KEY = "login_key"


def _load_user(user_id: str) -> User | None:
    key = session.get(LOGIN_KEY)
    if not key:
        return None
    user = services.user_for_session(db_session(), key=key, now=get_clock().now())
    return user if user is not None and str(user.id) == user_id else None


def init_login(app: Flask) -> None:
    """Bind Flask-Login: no remember-me cookie, the login page for anonymous staff requests."""
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


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


@bp.route("/masuk", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the login form; on success open a new login session."""
    if current_user.is_authenticated:
        return redirect(landing_url(current_actor()))
    form = LoginForm()
    status = 200
    headers: dict[str, str] = {}
    if form.validate_on_submit():
        now = get_clock().now()
        refusal: services.LoginRefused | services.LoginThrottled | None = None
        # A refused login is committed too: the failure is counted.
        with unit_of_work() as db:
            try:
                user = services.authenticate(
                    db, email=form.email.data, password=form.password.data, now=now
                )
            except (services.LoginRefused, services.LoginThrottled) as exc:
                refusal = exc
            else:
                # A fresh session for a fresh login: nothing carried over from before.
                lang = session.get("lang")
                session.clear()
                if lang:
                    session["lang"] = lang
                session[LOGIN_KEY] = services.start_login_session(db, user=user, now=now)
                login_user(user)
        if refusal is None:
            return redirect(_safe_next(request.args.get("next")) or landing_url(user))
        form.form_errors.append(str(refusal.detail))
        status = refusal.status
        if isinstance(refusal, services.LoginThrottled):
            headers["Retry-After"] = str(refusal.retry_after)
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status, headers


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
        )
        # The change ended every session, this one included: open a new one here.
        session[LOGIN_KEY] = services.start_login_session(db_session(), user=actor, now=now)

    return submit_form(
        form,
        change,
        # A refused password is a 400 like a refused form.
        render=lambda status: (
            render_template("auth/change_password.html", form=form),
            400 if request.method == "POST" else 200,
        ),
        done=lambda _: _l("Your password has been changed."),
        to=lambda _: landing_url(current_actor()),
    )
