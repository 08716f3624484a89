"""The holiday calendar page: every staff account reads it, a superadmin extends and corrects it."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from tracker.auth import policy
from tracker.auth.access import current_actor, requires
from tracker.clock import get_clock
from tracker.extensions import db_session
from tracker.sorting import parse_sort
from tracker.web.forms import run_action, submit_form
from tracker.workdays import services
from tracker.workdays.forms import KIND_LABELS, HolidayForm
from tracker.workdays.models import HolidayKind

bp = Blueprint("holidays", __name__)


def _year() -> int | None:
    raw = request.args.get("tahun", "")
    return int(raw) if raw.isdigit() and len(raw) == 4 else None


def _render(form: HolidayForm | None = None, status: int = 200) -> ResponseReturnValue:
    session = db_session()
    years = services.years(session)
    today = get_clock().now().date()
    year = _year() or (today.year if today.year in years else (years[0] if years else today.year))
    sort = parse_sort(request.args, allowed=services.HOLIDAY_SORTS, default="date")
    html = render_template(
        "workdays/holidays.html",
        year=year,
        years=years,
        sort=sort,
        holidays=services.list_holidays(session, year=year, sort=sort),
        kinds=KIND_LABELS,
        form=form or HolidayForm(formdata=None),
    )
    return html, status


@bp.get("/")
@requires(policy.can_read_holidays)
def index() -> ResponseReturnValue:
    """The closed days of one year (the current one first) and, for a superadmin, the form."""
    return _render()


@bp.post("/")
@requires(policy.can_edit_holidays)
def save() -> ResponseReturnValue:
    """Add a closed day, or correct the one on that date."""
    form = HolidayForm()
    return submit_form(
        form,
        lambda: services.save_holiday(
            db_session(),
            actor=current_actor(),
            data=services.HolidayInput(
                day=form.day.data,
                kind=HolidayKind(form.kind.data),
                name=form.name.data or "",
                source=form.source.data or "",
            ),
            now=get_clock().now(),
        ),
        render=lambda status: _render(form, status),
        done=lambda row: _l("%(day)s is in the holiday calendar.", day=row.day.isoformat()),
        to=lambda row: url_for("holidays.index", tahun=row.day.year),
    )


@bp.post("/<int:holiday_id>/hapus")
@requires(policy.can_edit_holidays)
def remove(holiday_id: int) -> ResponseReturnValue:
    """Take a day out of the calendar: offices work on it again."""
    return run_action(
        lambda: services.remove_holiday(
            db_session(), actor=current_actor(), holiday_id=holiday_id, now=get_clock().now()
        ),
        done=lambda day: _l("%(day)s is a working day again.", day=day.isoformat()),
        to=lambda day: url_for("holidays.index", tahun=day.year),
    )
