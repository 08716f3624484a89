"""Where staff land after logging in."""

from __future__ import annotations

from flask import Blueprint, render_template

from tracker.auth import policy
from tracker.auth.access import current_actor, requires
from tracker.clock import get_clock
from tracker.dashboard.queries import agency_overview, regency_overview
from tracker.extensions import db_session
from tracker.settings import due_soon_days

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@requires(policy.can_open_regency_overview)
def home() -> str:
    """The regent's office's overview of its regency."""
    regency_id = policy.own_regency(current_actor())
    overview = regency_overview(
        db_session(), regency_id=regency_id, now=get_clock().now(), due_soon_days=due_soon_days()
    )
    return render_template("dashboard/home.html", regency=overview.regency, overview=overview)


@bp.get("/opd")
@requires(policy.can_open_agency_overview)
def opd() -> str:
    """An OPD's own pacts and open findings."""
    agency_id = policy.own_agency(current_actor())
    overview = agency_overview(
        db_session(), agency_id=agency_id, now=get_clock().now(), due_soon_days=due_soon_days()
    )
    return render_template("dashboard/opd.html", agency=overview.agency, overview=overview)
