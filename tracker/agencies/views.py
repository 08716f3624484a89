"""Staff pages of agencies: list, record and change them."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from tracker.agencies.forms import AgencyEditForm, AgencyForm
from tracker.agencies.models import AGENCY_KINDS, Agency
from tracker.agencies.services import (
    create_agency,
    load_agency_for_change,
    load_regency_for_new_agency,
    update_agency,
)
from tracker.auth import policy
from tracker.auth.access import current_actor, requires
from tracker.clock import get_clock
from tracker.extensions import db_session
from tracker.regencies.queries import AGENCY_SORTS, list_agencies
from tracker.sorting import parse_query, parse_sort
from tracker.web.forms import submit_form

bp = Blueprint("agencies", __name__)


@bp.get("/")
@requires(policy.can_read_regency_lists)
def index() -> ResponseReturnValue:
    """The agencies of the user's regency (a superadmin sees every regency's): searchable by
    name, short name, kind or head, sortable by any column."""
    actor = current_actor()
    regency_id = policy.regency_scope(actor)
    default = "regency" if regency_id is None else "name"
    sort = parse_sort(request.args, allowed=AGENCY_SORTS, default=default)
    q = parse_query(request.args.get("q"))
    return render_template(
        "agencies/index.html",
        agencies=list_agencies(db_session(), regency_id=regency_id, q=q, sort=sort),
        sort=sort,
        q=q,
        show_regency=regency_id is None,
        can_change=regency_id is not None and policy.can_manage_agencies(actor, regency_id),
    )


def _submit(
    form: AgencyForm,
    change: Callable[..., Agency],
    *,
    done: Callable[[Agency], object],
    template: str,
    **context: object,
) -> ResponseReturnValue:
    """Submit the agency form through ``change`` (record or update), then go back to the list.

    ``change`` gets the form's details as the signed-in admin, now; ``template`` shows the form.
    """
    return submit_form(
        form,
        lambda: change(
            db_session(),
            actor=current_actor(),
            name=form.name.data,
            kind=form.kind.data,
            head_name=form.head_name.data,
            head_email=form.head_email.data,
            now=get_clock().now(),
        ),
        done=done,
        to=url_for("agencies.index"),
        render=lambda status: (
            render_template(template, form=form, kinds=AGENCY_KINDS, **context),
            status,
        ),
    )


@bp.route("/baru", methods=["GET", "POST"])
@requires(policy.is_regency_admin)
def new() -> ResponseReturnValue:
    """Record an agency of the admin's regency."""
    regency = load_regency_for_new_agency(db_session(), actor=current_actor())
    form = AgencyForm()
    return _submit(
        form,
        # Only a new agency gets a slug: addresses and the API name it from then on.
        partial(create_agency, regency_slug=regency.slug, slug=form.slug.data),
        done=lambda agency: _l("The agency %(name)s has been recorded.", name=agency.name),
        template="agencies/new.html",
        regency=regency,
    )


@bp.route("/<int:agency_id>/ubah", methods=["GET", "POST"])
@requires(policy.is_regency_admin)
def edit(agency_id: int) -> ResponseReturnValue:
    """Change an agency of the admin's regency: name, kind and its head."""
    agency = load_agency_for_change(db_session(), actor=current_actor(), agency_id=agency_id)
    form = AgencyEditForm(obj=agency)
    return _submit(
        form,
        partial(update_agency, agency_id=agency.id),
        done=lambda _: _l("The agency %(name)s has been changed.", name=agency.name),
        template="agencies/edit.html",
        agency=agency,
    )
