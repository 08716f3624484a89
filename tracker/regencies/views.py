"""Superadmin pages: the regencies of this install."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from tracker.auth import policy
from tracker.auth.access import current_actor, requires
from tracker.clock import get_clock
from tracker.extensions import db_session
from tracker.regencies.forms import RegencyForm
from tracker.regencies.queries import REGENCY_SORTS, list_regencies
from tracker.regencies.services import create_regency
from tracker.sorting import parse_query, parse_sort
from tracker.web.forms import submit_form

bp = Blueprint("regencies", __name__)


@bp.get("/")
@requires(policy.can_manage_regencies)
def index() -> ResponseReturnValue:
    """List the regencies: searchable by name, province or short name, sortable."""
    sort = parse_sort(request.args, allowed=REGENCY_SORTS, default="name")
    q = parse_query(request.args.get("q"))
    return render_template(
        "regencies/index.html",
        regencies=list_regencies(db_session(), q=q, sort=sort),
        sort=sort,
        q=q,
    )


@bp.route("/baru", methods=["GET", "POST"])
@requires(policy.can_manage_regencies)
def new() -> ResponseReturnValue:
    """Add a regency (a tenant) with its time zone."""
    actor = current_actor()
    form = RegencyForm()
    return submit_form(
        form,
        lambda: create_regency(
            db_session(),
            actor=actor,
            slug=form.slug.data,
            name=form.name.data,
            province=form.province.data,
            timezone=form.chosen_timezone(),
            now=get_clock().now(),
        ),
        done=lambda regency: _l("The regency %(name)s has been added.", name=regency.name),
        to=url_for("regencies.index"),
        aliases={"timezone": form.timezone_field_name()},
        render=lambda status: (render_template("regencies/new.html", form=form), status),
    )
