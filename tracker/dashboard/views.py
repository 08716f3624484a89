"""Where staff land after logging in."""

from __future__ import annotations

from flask import Blueprint, render_template

from tracker.auth.access import roles_required
from tracker.auth.models import UserRole

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@roles_required(UserRole.ADMIN, UserRole.OBSERVER)
def home() -> str:
    """The regent's office's overview of its regency."""
    return render_template("dashboard/home.html")


@bp.get("/opd")
@roles_required(UserRole.OPD)
def opd() -> str:
    """An OPD's own pacts and open findings."""
    return render_template("dashboard/opd.html")
