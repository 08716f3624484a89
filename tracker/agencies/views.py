"""Staff pages of agencies: list, record and change them."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from tracker.agencies.forms import AgencyEditForm, AgencyForm
from tracker.agencies.models import AGENCY_KINDS
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
from tracker.regencies.queries import list_agencies
from tracker.web.forms import submit_form

bp = Blueprint("agencies", __name__)


@bp.get("/")
@requires(policy.can_read_regency_lists)
def index() -> ResponseReturnValue:
    """The agencies of the user's regency (a superadmin sees every regency's)."""
    actor = current_actor()
    regency_id = policy.regency_scope(actor)
    return render_template(
        "agencies/index.html",
        agencies=list_agencies(db_session(), regency_id=regency_id),
        show_regency=regency_id is None,
        can_change=regency_id is not None and policy.can_manage_agencies(actor, regency_id),
    )


@bp.route("/baru", methods=["GET", "POST"])
@requires(policy.is_regency_admin)
def new() -> ResponseReturnValue:
    """Record an agency of the admin's regency."""
    actor = current_actor()
    regency = load_regency_for_new_agency(db_session(), actor=actor)
    form = AgencyForm()
    return submit_form(
        form,
        lambda: create_agency(
            db_session(),
            actor=actor,
            regency_slug=regency.slug,
            slug=form.slug.data,
            name=form.name.data,
            kind=form.kind.data,
            now=get_clock().now(),
            head_name=form.head_name.data,
            head_email=form.head_email.data,
        ),
        done=lambda agency: _l("The agency %(name)s has been recorded.", name=agency.name),
        to=url_for("agencies.index"),
        render=lambda status: (
            render_template("agencies/new.html", form=form, kinds=AGENCY_KINDS, regency=regency),
            status,
        ),
    )


@bp.route("/<int:agency_id>/ubah", methods=["GET", "POST"])
@requires(policy.is_regency_admin)
def edit(agency_id: int) -> ResponseReturnValue:
    """Change an agency of the admin's regency: name, kind and its head."""
    actor = current_actor()
    agency = load_agency_for_change(db_session(), actor=actor, agency_id=agency_id)
    form = AgencyEditForm(obj=agency)
    return submit_form(
        form,
        lambda: update_agency(
            db_session(),
            actor=actor,
            agency_id=agency.id,
            name=form.name.data,
            kind=form.kind.data,
            head_name=form.head_name.data,
            head_email=form.head_email.data,
            now=get_clock().now(),
        ),
        done=lambda _: _l("The agency %(name)s has been changed.", name=agency.name),
        to=url_for("agencies.index"),
        render=lambda status: (
            render_template("agencies/edit.html", form=form, kinds=AGENCY_KINDS, agency=agency),
            status,
        ),
    )
