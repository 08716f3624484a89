"""Follow a pact by email: the request, the confirmation link and the unsubscribe link.

These are public pages and set no cookie, so their forms carry no CSRF token: the blueprint is
exempt. Nothing here can be abused through a visitor's session, because none is used; the
worst a forged request can do is what anyone can do by filling in the form.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, make_response, render_template, request
from flask import session as web_session
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from tracker.clock import get_clock
from tracker.errors import Conflict, DomainError, Invalid, NotFound
from tracker.extensions import csrf, db_session
from tracker.followers import queries, services
from tracker.followers.models import Follower
from tracker.followers.rules import FollowerState
from tracker.pacts import queries as pact_queries
from tracker.pacts.queries import PactDetail
from tracker.settings import due_soon_days
from tracker.web.step import unit_of_work

bp = Blueprint("follow", __name__)
csrf.exempt(bp)

# A field people never see (hidden) and naive bots fill in: a filled one records nothing.
HONEYPOT = "website"


def _detail(pact_id: int) -> PactDetail:
    return pact_queries.get_pact(
        db_session(),
        pact_id=pact_id,
        now=get_clock().now(),
        due_soon_days=due_soon_days(),
    )


def _page(template: str, status: int = 200, **context: Any) -> Response:
    response = make_response(render_template(template, **context), status)
    # Personal answers: never cached; the secret in the URL never leaves in a Referer.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@contextlib.contextmanager
def _follower_language(follower: Follower | None) -> Iterator[None]:
    """Show a link's page in the follower's language unless the visitor chose one."""
    if follower is None or "lang" in request.args or web_session.get("lang"):
        yield
        return
    with force_locale(follower.locale):
        yield


@bp.post("/pakta/<int:pact_id>/ikuti")
def follow_pact(pact_id: int) -> Response:
    """Ask to follow a pact; the answer is the same whether or not a mail was queued."""
    detail = _detail(pact_id)
    email = request.form.get("email", "").strip()
    if request.form.get(HONEYPOT):
        return _page("followers/requested.html", pact=detail)
    try:
        with unit_of_work() as session:
            if not email:
                raise Invalid(_l("Enter your email address."))
            services.request_follow(
                session, pact_id=pact_id, email=email, locale=str(get_locale()),
                now=get_clock().now(),
            )  # fmt: skip
    except (Invalid, Conflict) as error:
        return _page(
            "followers/request.html", error.status, pact=detail, follow_email=email[:254],
            follow_error=str(error.detail),
        )  # fmt: skip
    return _page("followers/requested.html", pact=detail)


def _link_problem(error: DomainError, pact_id: int | None) -> Response:
    detail = _detail(pact_id) if pact_id is not None else None
    return _page("followers/link_problem.html", error.status, error=error, pact=detail)


@bp.route("/ikuti/konfirmasi/<token>", methods=["GET", "POST"])
def confirm(token: str) -> Response:
    """Show a button to confirm (mail scanners open links); the POST confirms."""
    session, now = db_session(), get_clock().now()
    follower: Follower | None = None
    try:
        follower = queries.get_by_confirm_token(session, token=token)
        if request.method == "POST":
            with unit_of_work(session):
                services.confirm_follow(session, token=token, now=now)
        done = services.check_confirmable(follower, now) is FollowerState.FOLLOWING
    except (NotFound, services.LinkExpired) as error:
        session.rollback()
        with _follower_language(follower):
            return _link_problem(error, follower.pact_id if follower else None)
    with _follower_language(follower):
        return _page("followers/confirm.html", pact=_detail(follower.pact_id), done=done)


@bp.route("/ikuti/berhenti/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> Response:
    """Show a button to stop the mails; the POST (also RFC 8058 one-click) stops them."""
    session, now = db_session(), get_clock().now()
    try:
        follower = queries.get_by_unsubscribe_token(session, token=token)
        if request.method == "POST":
            with unit_of_work(session):
                services.unsubscribe(session, token=token, now=now)
    except NotFound as error:
        session.rollback()
        return _link_problem(error, None)
    with _follower_language(follower):
        return _page(
            "followers/unsubscribe.html",
            pact=_detail(follower.pact_id),
            done=follower.unsubscribed_at is not None,
            one_click=request.form.get("List-Unsubscribe") == "One-Click",
        )
