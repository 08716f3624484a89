"""Staff pages of accounts: list, create and change them (superadmin, regency admin), one's own
language of notices, API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker.accounts.forms import (
    ROLE_LABELS,
    AccountEditForm,
    AccountForm,
    LanguageForm,
    TokenForm,
)
from tracker.accounts.services import can_change_account, update_account
from tracker.agencies.models import Agency
from tracker.auth import policy, services
from tracker.auth.access import current_actor, login_required, requires
from tracker.auth.models import User, UserRole
from tracker.clock import get_clock
from tracker.errors import Conflict, Forbidden, Invalid
from tracker.extensions import db_session
from tracker.pagination import Page, parse_digits, parse_positive
from tracker.regencies.models import Regency
from tracker.regencies.queries import list_agencies, list_regencies
from tracker.web.forms import run_action, submit_form
from tracker.web.routing import MAX_ID
from tracker.web.step import unit_of_work

bp = Blueprint("accounts", __name__)


def _account_scope() -> int | None:
    """Return the regency whose accounts the user manages (None: every regency); else 403."""
    actor = current_actor()
    if policy.can_manage_regencies(actor):
        return None
    if actor.regency_id is None or not policy.can_manage_accounts(actor, actor.regency_id):
        abort(403)
    return actor.regency_id


def _page_accounts(regency_id: int | None, page: int, per_page: int) -> Page[User]:
    """One page of accounts by name, of one regency or of all (the caller checked the scope)."""
    stmt = select(User)
    if regency_id is not None:
        stmt = stmt.where(User.regency_id == regency_id)
    total = db_session().execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    users = db_session().execute(
        stmt.options(joinedload(User.regency), joinedload(User.agency))
        .order_by(User.name, User.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(list(users.scalars()), page, per_page, total)


@bp.get("/")
@requires(policy.can_administer)
def index() -> ResponseReturnValue:
    """The accounts of the admin's regency, or every account for a superadmin."""
    regency_id = _account_scope()
    page_no = parse_positive(request.args.get("page"), name="page", default=1, maximum=10_000)
    page = _page_accounts(regency_id, page_no, current_app.config["PAGE_SIZE"])
    return render_template(
        "accounts/index.html", page=page, show_regency=regency_id is None, role_labels=ROLE_LABELS
    )


def _account_form(regency_id: int | None) -> AccountForm:
    """The account form with what the creator may choose: a superadmin anything."""
    session = db_session()
    # The most frequent account first: a regency's first admin, or an agency's staff.
    if regency_id is None:
        roles = [UserRole.ADMIN, UserRole.OBSERVER, UserRole.OPD, UserRole.SUPERADMIN]
        regencies = list_regencies(session)
    else:
        roles = [UserRole.OPD, UserRole.OBSERVER, UserRole.ADMIN]
        regencies = [session.get_one(Regency, regency_id)]
    return AccountForm().offer(
        roles=roles,
        regencies=regencies,
        agencies=list_agencies(session, regency_id=regency_id),
        any_regency=regency_id is None,
    )


def _placement(form: AccountForm) -> tuple[str | None, str | None]:
    """Return the regency and agency slugs the form names (an agency implies its regency).

    An agency the creator cannot see is refused as unknown, whatever regency it belongs to.
    """
    agency = None
    if form.agency.data:
        # A value that is no id ("²", "x", beyond 32 bits) matches no agency: refused below.
        agency_id = parse_digits(form.agency.data)
        if agency_id is None or agency_id > MAX_ID:
            agency_id = -1
        agency = (
            db_session()
            .execute(
                select(Agency).where(
                    Agency.id == agency_id,
                    policy.agencies_visible_to(current_actor()),
                )
            )
            .scalar_one_or_none()
        )
        if agency is None:
            raise Invalid(
                _l("The account could not be created."),
                fields={"agency": _l("unknown agency of this regency")},
            )
    regency_slug = form.regency.data or (agency.regency.slug if agency else None)
    return regency_slug, agency.slug if agency else None


@bp.route("/baru", methods=["GET", "POST"])
@requires(policy.can_administer)
def new() -> ResponseReturnValue:
    """Create a staff account with an initial password."""
    form = _account_form(_account_scope())

    def create() -> User:
        regency_slug, agency_slug = _placement(form)
        return services.create_user(
            db_session(),
            actor=current_actor(),
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
    user = db_session().get(User, user_id)
    if user is None or not can_change_account(actor, user):
        abort(404)
    form = AccountEditForm(obj=user)
    return submit_form(
        form,
        lambda: update_account(
            db_session(),
            actor=actor,
            user_id=user.id,
            name=form.name.data,
            locale=form.locale.data or "",
            now=get_clock().now(),
        ),
        done=lambda _: _l("The account of %(name)s has been changed.", name=user.name),
        to=url_for("accounts.index"),
        render=lambda status: (
            render_template("accounts/edit.html", form=form, user=user, role_labels=ROLE_LABELS),
            status,
        ),
    )


@bp.route("/bahasa", methods=["GET", "POST"])
@login_required
def language() -> ResponseReturnValue:
    """The language the logged-in user's own notices are written in."""
    actor = current_actor()
    form = LanguageForm(obj=actor)
    return submit_form(
        form,
        lambda: update_account(
            db_session(),
            actor=actor,
            user_id=actor.id,
            name=actor.name,
            locale=form.locale.data or "",
            now=get_clock().now(),
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
        for t in services.list_tokens(db_session(), actor=actor, owner=actor)
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
        issued = services.issue_token(
            session, actor=actor, owner=actor, now=get_clock().now(), label=form.label.data
        )
    return _render_tokens(plaintext=issued.plaintext)


@bp.post("/token/<int:token_id>/cabut")
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    """Revoke a token at once (its owner, or a superadmin)."""
    return run_action(
        lambda: services.revoke_token(
            db_session(), actor=current_actor(), token_id=token_id, now=get_clock().now()
        ),
        done=lambda token: _l("The token %(prefix)s… has been revoked.", prefix=token.prefix),
        to=url_for("accounts.tokens"),
        back=url_for("accounts.tokens"),
        flashed=(Conflict,),
    )
