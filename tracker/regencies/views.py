"""Superadmin pages: the regencies of this install."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from tracker.auth import policy
from tracker.auth.access import current_actor, login_required
from tracker.extensions import db_session
from tracker.regencies.queries import list_regencies

bp = Blueprint("regencies", __name__)


@bp.get("/")
@login_required
def index() -> str:
    """List the regencies."""
    if not policy.can_manage_regencies(current_actor()):
        abort(403)
    return render_template("regencies/index.html", regencies=list_regencies(db_session()))
