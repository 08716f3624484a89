"""Staff pages of assessments: a regency's years, one year's results, and the schemes."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker.agencies.models import Agency
from tracker.assessments import services
from tracker.assessments.forms import SchemeForm, YearForm
from tracker.assessments.models import Assessment, AssessmentScheme, UnitResult
from tracker.assessments.queries import official_label
from tracker.assessments.rules import DIMENSIONS, FIRST_YEAR, BandInput
from tracker.auth import policy
from tracker.auth.access import current_actor, requires
from tracker.clock import get_clock, local_today
from tracker.errors import DomainError, Invalid, Message, NotFound
from tracker.extensions import db_session
from tracker.regencies.models import Regency
from tracker.regencies.queries import list_regencies
from tracker.web.forms import submit_form

bp = Blueprint("assessments", __name__)
schemes_bp = Blueprint("schemes", __name__)


def _regency(slug: str) -> Regency:
    """Return the regency named in the URL if the user records its assessments (404 / 403)."""
    regency = db_session().execute(select(Regency).where(Regency.slug == slug)).scalar_one_or_none()
    if regency is None:
        raise NotFound(_l("There is no regency %(slug)s.", slug=slug))
    return services.load_regency_for_assessments(
        db_session(), actor=current_actor(), regency_id=regency.id
    )


@bp.get("/")
@requires(policy.can_open_assessments)
def index() -> ResponseReturnValue:
    """The admin's own regency; a superadmin first picks a regency."""
    regency_id = policy.regency_scope(current_actor())
    session = db_session()
    if regency_id is None:
        return render_template("assessments/pick.html", regencies=list_regencies(session))
    slug = session.get_one(Regency, regency_id).slug
    return redirect(url_for("assessments.years", slug=slug))


@bp.get("/<slug>")
@requires(policy.can_open_assessments)
def years(slug: str) -> ResponseReturnValue:
    """The years of a regency with a recorded result, and a way to enter another year."""
    regency = _regency(slug)
    today = local_today(get_clock().now(), ZoneInfo(regency.timezone))
    rows = services.year_overview(db_session(), regency_id=regency.id)
    return render_template(
        "assessments/years.html",
        regency=regency,
        rows=rows,
        next_years=range(today.year + 1, FIRST_YEAR - 1, -1),
    )


def _agencies(regency: Regency) -> list[Agency]:
    return list(
        db_session()
        .execute(select(Agency).where(Agency.regency_id == regency.id).order_by(Agency.name))
        .scalars()
    )


def _place(form: YearForm, error: DomainError) -> None:
    """Put the service's errors beside their fields: ``units-3-score`` on the 4th unit row."""
    for name, reason in error.fields.items():
        target: Any = None
        if name.startswith("units-"):
            _, index, field_name = name.split("-", 2)
            target = getattr(form.units[int(index)].form, field_name, None)
        else:
            target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, str(reason)]
        else:
            form.form_errors.append(str(reason))
    form.form_errors.append(str(error.detail))


@bp.route("/<slug>/<int:year>", methods=["GET", "POST"])
@requires(policy.can_open_assessments)
def year(slug: str, year: int) -> ResponseReturnValue:
    """Enter or correct one year: the regency's result and each agency's, in one step."""
    regency = _regency(slug)
    now = get_clock().now()
    # A page for any plausible year; saving refuses a year after next (the service says so).
    if not FIRST_YEAR <= year <= 2100:
        abort(404)
    session = db_session()
    agencies = _agencies(regency)
    current = session.execute(
        select(Assessment).where(Assessment.regency_id == regency.id, Assessment.year == year)
    ).scalar_one_or_none()
    unit_rows = {
        row.agency_id: row
        for row in session.execute(
            select(UnitResult).where(
                UnitResult.year == year, UnitResult.agency_id.in_([a.id for a in agencies])
            )
        ).scalars()
    }
    form = YearForm()
    form.offer(agencies, current, unit_rows, fill=not form.is_submitted())
    by_id = {str(a.id): a for a in agencies}

    def save() -> int:
        actor, errors = current_actor(), {}
        changed = 0
        try:
            change = services.save_regency_result(
                session, actor=actor, regency_id=regency.id, year=year,
                result=form.result.data, score=form.score.data, zone=form.zone.data,
                rank=form.rank.data, rank_of=form.rank_of.data, note=form.note.data,
                source=form.source.data, now=now,
            )  # fmt: skip
            changed += change is not services.Change.UNCHANGED
        except Invalid as exc:
            errors.update(exc.fields)
        for i, entry in enumerate(form.units):
            row = entry.form
            agency = by_id.get(row.agency_id.data or "")
            if agency is None:
                errors[f"units-{i}-result"] = _l("unknown agency")
                continue
            try:
                if row.is_empty():
                    change = services.remove_unit_result(
                        session, actor=actor, agency_id=agency.id, year=year, now=now
                    )
                else:
                    change = services.save_unit_result(
                        session, actor=actor, agency_id=agency.id, year=year,
                        result=row.result.data, score=row.score.data, zone=row.zone.data,
                        **{name: getattr(row, name).data for name in DIMENSIONS},
                        source=row.source.data, now=now,
                    )  # fmt: skip
                changed += change is not services.Change.UNCHANGED
            except Invalid as exc:
                errors.update({f"units-{i}-{k}": v for k, v in exc.fields.items()})
        if errors:
            # Nothing is half-written: the whole step is rolled back.
            raise Invalid(_l("Nothing was saved: correct the marked fields."), fields=errors)
        return changed

    def done(changed: int) -> Message:
        if not changed:
            return _l("Nothing changed.")
        return _l("The results of %(year)s have been saved.", year=year)

    return submit_form(
        form,
        save,
        render=lambda status: (
            render_template(
                "assessments/year.html",
                regency=regency,
                year=year,
                form=form,
                rows=list(zip(form.units, agencies, strict=False)),
                current=current,
            ),
            status,
        ),
        done=done,
        to=url_for("assessments.years", slug=regency.slug),
        invalid_status=422,
        place=_place,
    )


# --- schemes (superadmin) -----------------------------------------------------------------


@schemes_bp.get("/", endpoint="index")
@requires(policy.can_edit_schemes)
def scheme_list() -> ResponseReturnValue:
    """Every scheme with its years and bands."""
    rows = (
        db_session()
        .execute(select(AssessmentScheme).order_by(AssessmentScheme.first_year))
        .unique()
        .scalars()
    )
    return render_template(
        "assessments/schemes.html", schemes=list(rows), official_label=official_label
    )


def _scheme_form(scheme: AssessmentScheme | None, *, fill: bool) -> SchemeForm:
    form = SchemeForm()
    if fill and scheme is not None:
        form = SchemeForm(
            formdata=None,
            data={
                "name": scheme.name,
                "first_year": scheme.first_year,
                "last_year": scheme.last_year,
                "is_provisional": scheme.is_provisional,
                "bands": [
                    {
                        "min_score": str(b.min_score),
                        "max_score": str(b.max_score),
                        "zone": b.zone.value,
                        "grade": b.grade or "",
                        "label": b.label,
                    }
                    for b in scheme.bands
                ],
            },
        )
        while len(form.bands) < max(len(scheme.bands) + 1, 6):
            form.bands.append_entry()
    return form.offer()


def _place_bands(form: SchemeForm, error: DomainError, rows: list[int]) -> None:
    for name, reason in error.fields.items():
        target: Any = None
        if name.startswith("bands[") and "]." in name:
            index, field_name = name[len("bands[") :].split("].", 1)
            target = getattr(form.bands[rows[int(index)]].form, field_name, None)
        elif name != "bands":
            target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, str(reason)]
        else:
            form.form_errors.append(str(reason))
    if not error.fields:
        form.form_errors.append(str(error.detail))


def _edit_scheme(scheme: AssessmentScheme | None) -> ResponseReturnValue:
    form = _scheme_form(scheme, fill=scheme is not None and request.method == "GET")
    used = [i for i, entry in enumerate(form.bands) if not entry.form.is_empty()]

    def save() -> AssessmentScheme:
        return services.save_scheme(
            db_session(),
            actor=current_actor(),
            scheme_id=scheme.id if scheme is not None else None,
            name=form.name.data or "",
            first_year=form.first_year.data,
            last_year=form.last_year.data,
            is_provisional=bool(form.is_provisional.data),
            bands=[
                BandInput(
                    min_score=form.bands[i].form.min_score.data or "",
                    max_score=form.bands[i].form.max_score.data or "",
                    zone=form.bands[i].form.zone.data or "",
                    grade=form.bands[i].form.grade.data or "",
                    label=form.bands[i].form.label.data or "",
                )
                for i in used
            ],
            now=get_clock().now(),
        )

    return submit_form(
        form,
        save,
        render=lambda status: (
            render_template("assessments/scheme.html", form=form, scheme=scheme),
            status,
        ),
        done=lambda s: _l("The scheme %(name)s has been saved.", name=s.name),
        to=url_for("schemes.index"),
        invalid_status=422,
        place=lambda form, error: _place_bands(form, error, used),
    )


@schemes_bp.route("/<int:scheme_id>", methods=["GET", "POST"])
@requires(policy.can_edit_schemes)
def edit(scheme_id: int) -> ResponseReturnValue:
    """Change a scheme's bands, years and provisional flag."""
    scheme = db_session().get(AssessmentScheme, scheme_id)
    if scheme is None:
        abort(404)
    return _edit_scheme(scheme)


@schemes_bp.route("/baru", methods=["GET", "POST"])
@requires(policy.can_edit_schemes)
def new() -> ResponseReturnValue:
    """Add a scheme for new years (2026 needs a row, not a release)."""
    return _edit_scheme(None)
