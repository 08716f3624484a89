"""Where staff land after logging in."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l

from tracker.auth import policy
from tracker.auth.access import current_actor, requires
from tracker.clock import get_clock
from tracker.dashboard.queries import agency_overview, regency_overview
from tracker.errors import Forbidden
from tracker.extensions import db_session

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@requires(policy.can_open_regency_overview)
def home() -> str:
    """The regent's office's overview of its regency."""
    actor = current_actor()
    if actor.regency_id is None or actor.regency is None:
        raise Forbidden(_l("This account belongs to no regency."))
    overview = regency_overview(
        db_session(),
        regency_id=actor.regency_id,
        now=get_clock().now(),
        due_soon_days=current_app.config["DUE_SOON_DAYS"],
    )
    return render_template("dashboard/home.html", regency=actor.regency, overview=overview)


@bp.get("/opd")
@requires(policy.can_open_agency_overview)
def opd() -> str:
    """An OPD's own pacts and open findings."""
    actor = current_actor()
    if actor.agency_id is None or actor.agency is None:
        raise Forbidden(_l("This account belongs to no agency."))
    overview = agency_overview(
        db_session(),
        agency_id=actor.agency_id,
        now=get_clock().now(),
        due_soon_days=current_app.config["DUE_SOON_DAYS"],
    )
    return render_template("dashboard/opd.html", agency=actor.agency, overview=overview)
