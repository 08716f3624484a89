"""Public pages: the pact list and a pact's page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from tracker.clock import get_clock
from tracker.extensions import db_session
from tracker.pacts import queries as pact_queries
from tracker.pacts.rules import PactStatus
from tracker.pagination import parse_positive
from tracker.portal.forms import PactFilterForm
from tracker.regencies.queries import find_regency, list_regencies

bp = Blueprint("portal", __name__)


@bp.get("/")
def home() -> tuple[str, int]:
    """List the pacts of every regency, filterable by regency and status."""
    regencies = list_regencies(db_session())
    form = PactFilterForm.build(request.args, regencies)
    page_no = parse_positive(request.args.get("page"), name="page", default=1, maximum=10_000)
    if request.args and not form.validate():
        return render_template("portal/home.html", form=form, page=None), 400
    regency = find_regency(db_session(), form.regency.data) if form.regency.data else None
    page = pact_queries.page_pacts(
        db_session(),
        now=get_clock().now(),
        page=page_no,
        per_page=current_app.config["PAGE_SIZE"],
        regency_id=regency.id if regency else None,
        status=PactStatus(form.status.data) if form.status.data else None,
        due_soon_days=current_app.config["DUE_SOON_DAYS"],
    )
    return render_template("portal/home.html", form=form, page=page), 200


@bp.get("/pakta/<int:pact_id>")
def pact(pact_id: int) -> str:
    """Show one pact: who promised what, by when, and each finding's status."""
    detail = pact_queries.get_pact(
        db_session(),
        pact_id=pact_id,
        now=get_clock().now(),
        due_soon_days=current_app.config["DUE_SOON_DAYS"],
    )
    return render_template("portal/pact.html", pact=detail)
