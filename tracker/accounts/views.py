"""Staff pages of accounts: list, create and change them (superadmin, regency admin), one's own
language of notices, API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from tracker.accounts import queries, services
from tracker.accounts.forms import AccountEditForm, AccountForm, LanguageForm, TokenForm
from tracker.auth import policy
from tracker.auth import services as auth_services
from tracker.auth.access import current_actor, login_required, requires
from tracker.auth.models import User
from tracker.clock import get_clock
from tracker.errors import Conflict, Forbidden, Invalid
from tracker.extensions import db_session
from tracker.pagination import parse_positive
from tracker.sorting import parse_query, parse_sort
from tracker.web.forms import run_action, submit_form
from tracker.web.step import unit_of_work

bp = Blueprint("accounts", __name__)


@bp.get("/")
@requires(policy.can_administer)
def index() -> ResponseReturnValue:
    """The accounts of the admin's regency, or every account for a superadmin: searchable by
    name, address or agency, sortable by any column."""
    actor = current_actor()
    page_no = parse_positive(request.args.get("page"), name="page", default=1, maximum=10_000)
    sort = parse_sort(request.args, allowed=queries.ACCOUNT_SORTS, default="name")
    q = parse_query(request.args.get("q"))
    page = queries.page_accounts(
        db_session(),
        actor=actor,
        page=page_no,
        per_page=current_app.config["PAGE_SIZE"],
        q=q,
        sort=sort,
    )
    return render_template(
        "accounts/index.html",
        page=page,
        show_regency=policy.sees_every_regency(actor),
        sort=sort,
        q=q,
    )


@bp.route("/baru", methods=["GET", "POST"])
@requires(policy.can_administer)
def new() -> ResponseReturnValue:
    """Create a staff account with an initial password."""
    actor = current_actor()
    form = AccountForm().offer(queries.account_choices(db_session(), actor=actor))

    def create() -> User:
        regency_slug, agency_slug = services.placement_for_form(
            db_session(),
            actor=actor,
            regency_slug=form.regency.data,
            agency_id=form.chosen_agency_id(),
        )
        return services.create_user(
            db_session(),
            actor=actor,
            email=form.email.data,
            name=form.name.data,
            role=form.role.data or "",
            password=form.password.data,
            now=get_clock().now(),
            regency_slug=regency_slug,
            agency_slug=agency_slug,
            locale=form.locale.data or "",
        )

    return submit_form(
        form,
        create,
        done=lambda user: _l("The account of %(name)s has been created.", name=user.name),
        to=url_for("accounts.index"),
        shown=(Invalid, Forbidden),
        render=lambda status: (render_template("accounts/new.html", form=form), status),
    )


@bp.route("/<int:user_id>/ubah", methods=["GET", "POST"])
@requires(policy.can_administer)
def edit(user_id: int) -> ResponseReturnValue:
    """Change an account's name and the language of its notices."""
    actor = current_actor()
    # An account the actor may not change is not found (the service decides).
    user = services.load_account_for_change(db_session(), actor=actor, user_id=user_id)
    form = AccountEditForm(obj=user)
    return submit_form(
        form,
        lambda: services.update_account(
            db_session(),
            actor=actor,
            user_id=user.id,
            name=form.name.data,
            locale=form.locale.data or "",
            now=get_clock().now(),
        ),
        done=lambda _: _l("The account of %(name)s has been changed.", name=user.name),
        to=url_for("accounts.index"),
        render=lambda status: (render_template("accounts/edit.html", form=form, user=user), status),
    )


@bp.route("/bahasa", methods=["GET", "POST"])
@login_required
def language() -> ResponseReturnValue:
    """The language the logged-in user's own notices are written in."""
    actor = current_actor()
    form = LanguageForm(obj=actor)
    return submit_form(
        form,
        lambda: services.set_notice_language(
            db_session(), actor=actor, locale=form.locale.data or "", now=get_clock().now()
        ),
        done=lambda _: _l("Your notices will be written in the language you chose."),
        to=url_for("accounts.language"),
        render=lambda status: (render_template("accounts/language.html", form=form), status),
    )


@dataclass(frozen=True)
class TokenRow:
    """A token as its owner sees it, times in the owner's regency zone."""

    id: int
    prefix: str
    label: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _render_tokens(
    *, form: TokenForm | None = None, plaintext: str | None = None, status: int = 200
) -> ResponseReturnValue:
    """The user's tokens; a new token's plain value only in this one response."""
    actor = current_actor()
    zone = ZoneInfo(
        actor.regency.timezone if actor.regency else current_app.config["BABEL_DEFAULT_TIMEZONE"]
    )

    def local(instant: datetime | None) -> datetime | None:
        return instant.astimezone(zone) if instant else None

    rows = [
        TokenRow(
            id=t.id,
            prefix=t.prefix,
            label=t.label,
            created_at=t.created_at.astimezone(zone),
            last_used_at=local(t.last_used_at),
            revoked_at=local(t.revoked_at),
        )
        for t in auth_services.list_tokens(db_session(), actor=actor, owner=actor)
    ]
    html = render_template(
        "accounts/tokens.html",
        tokens=rows,
        form=form or TokenForm(formdata=None),
        plaintext=plaintext,
    )
    # The page with a new token must not be kept by the browser or a proxy.
    headers = {"Cache-Control": "no-store"} if plaintext else {}
    return html, status, headers


@bp.get("/token")
@login_required
def tokens() -> ResponseReturnValue:
    """The logged-in user's API tokens."""
    return _render_tokens()


@bp.post("/token/baru")
@login_required
def new_token() -> ResponseReturnValue:
    """Issue a token and show its plain value once (rendered here, never put in a cookie)."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _render_tokens(form=form, status=400)
    actor = current_actor()
    with unit_of_work() as session:
        issued = auth_services.issue_token(
            session, actor=actor, owner=actor, now=get_clock().now(), label=form.label.data
        )
    return _render_tokens(plaintext=issued.plaintext)


@bp.post("/token/<int:token_id>/cabut")
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    """Revoke a token at once (its owner, or a superadmin)."""
    return run_action(
        lambda: auth_services.revoke_token(
            db_session(), actor=current_actor(), token_id=token_id, now=get_clock().now()
        ),
        done=lambda token: _l("The token %(prefix)s… has been revoked.", prefix=token.prefix),
        to=url_for("accounts.tokens"),
        back=url_for("accounts.tokens"),
        flashed=(Conflict,),
    )
