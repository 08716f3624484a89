"""Where staff land after logging in."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, gettext
from sqlalchemy import select

from tracker import labels
from tracker.auth import policy
from tracker.auth.access import current_actor, login_required, requires
from tracker.clock import get_clock
from tracker.dashboard.charts import status_chart
from tracker.dashboard.queries import agency_overview, dashboard
from tracker.errors import Forbidden, NotFound
from tracker.extensions import db_session
from tracker.regencies.models import Regency
from tracker.settings import due_soon_days

bp = Blueprint("dashboard", __name__)


def picked_regency(actor_regency: int | None) -> int | None:
    """The regency the dashboard (and its monthly report) shows: the account's own, or the one
    a superadmin picked with ``?regency=<slug>`` (None: every regency)."""
    slug = request.args.get("regency")
    if not slug:
        return actor_regency
    picked = db_session().execute(select(Regency.id).where(Regency.slug == slug)).scalar()
    if picked is None or not policy.can_view_regency(current_actor(), picked):
        raise NotFound(gettext("No such regency."))
    return picked


@bp.get("/")
@login_required
def home() -> ResponseReturnValue:
    """The regent's office's dashboard of its regency (a superadmin's: every regency or one)."""
    actor = current_actor()
    if not policy.can_read_regency_lists(actor):
        if policy.can_open_agency_overview(actor):
            # OPD staff have a page of their own: send them there rather than refuse.
            return redirect(url_for(policy.landing_endpoint(actor)))
        raise Forbidden(gettext("This account belongs to no regency."))
    regency_id = picked_regency(policy.regency_scope(actor))
    data = dashboard(
        db_session(), regency_id=regency_id, now=get_clock().now(), due_soon_days=due_soon_days()
    )
    where = data.regency.name if data.regency else gettext("every regency")
    chart = status_chart(
        data.history,
        labels={s: str(label) for s, label in labels.PACT_STATUS.items()},
        month_labels=[format_date(m.on, "MMM yy") for m in data.history],
        title=gettext("Pacts by status at each month end, %(where)s", where=where),
        description=gettext(
            "One stacked bar per month: how many pacts had each status on its last day "
            "(this month: today). The table below gives the same numbers."
        ),
        chart_id="status-chart",
    )
    regencies = (
        list(db_session().execute(select(Regency).order_by(Regency.name)).scalars())
        if policy.sees_every_regency(actor)
        else []
    )
    return render_template(
        "dashboard/home.html",
        regency=data.regency,
        data=data,
        chart=chart,
        regencies=regencies,
        regency_arg={"regency": data.regency.slug}
        if data.regency and policy.sees_every_regency(actor)
        else {},
    )


@bp.get("/opd")
@requires(policy.can_open_agency_overview)
def opd() -> str:
    """An OPD's own pacts and open findings."""
    agency_id = policy.own_agency(current_actor())
    overview = agency_overview(
        db_session(), agency_id=agency_id, now=get_clock().now(), due_soon_days=due_soon_days()
    )
    return render_template("dashboard/opd.html", agency=overview.agency, overview=overview)
