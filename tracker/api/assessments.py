"""Assessment endpoints of API v1: a regency's results (public) and recording them (token)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.api.auth import api_actor, token_required
from tracker.api.blueprint import bp
from tracker.api.parsing import Body
from tracker.assessments import services
from tracker.assessments.models import UnitResult
from tracker.assessments.queries import ResultView, regency_notes, regency_results, unit_results
from tracker.assessments.rules import DIMENSIONS, check_year
from tracker.clock import get_clock
from tracker.errors import BadFilter, Invalid, Message, NotFound
from tracker.extensions import db_session
from tracker.regencies.models import Regency
from tracker.regencies.queries import find_regency
from tracker.web.json import run_json

_REGENCY_FIELDS = ("result", "score", "zone", "rank", "rank_of", "note", "source")
_UNIT_FIELDS = ("agency", "agency_id", "result", "score", "zone", *DIMENSIONS, "source")


def _score(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def result_json(r: ResultView) -> dict[str, Any]:
    """One year's result as the API gives it: scores as two-place decimal strings."""
    return {
        "year": r.year,
        "result": r.result.value,
        "score": _score(r.score),
        "zone": r.zone.value if r.zone else None,
        "grade": r.grade,
        "label": r.label,
        "is_provisional": r.is_provisional,
        "source": r.source,
        "is_demo": r.is_demo,
    }


def _assessments_json(session: Session, regency: Regency, year: int | None) -> dict[str, Any]:
    specs = services.scheme_specs(session)
    regency_rows = [
        {**result_json(r), "rank": r.rank, "rank_of": r.rank_of, "note": r.note}
        for r in regency_results(session, regency.id, specs)
        if year is None or r.year == year
    ]
    agencies = {
        a.id: a
        for a in session.execute(select(Agency).where(Agency.regency_id == regency.id)).scalars()
    }
    owner: ColumnElement[bool] = UnitResult.agency_id.in_(list(agencies) or [0])
    if year is not None:
        owner = and_(owner, UnitResult.year == year)
    units = []
    for agency_id, r in unit_results(session, owner, specs):
        agency = agencies[agency_id]
        dims = dict(zip(DIMENSIONS, (_score(d) for d in r.dimensions), strict=True))
        units.append(
            {
                **result_json(r),
                "agency": {"id": agency.id, "slug": agency.slug, "name": agency.name},
                **dims,
            }
        )
    notes = [
        {
            "year": n.year,
            "text": n.text,
            "applies_to": n.applies_to,
            "source": n.source,
            "is_demo": n.is_demo,
        }
        for n in regency_notes(session, regency.id)
        if year is None or n.year == year
    ]
    return {
        "regency": regency.slug,
        "year": year,
        "results": regency_rows,
        "unit_results": units,
        "notes": notes,
    }


def _year_filter() -> int | None:
    value = request.args.get("year")
    if not value:
        return None
    year, error = check_year(value)
    if error is not None or year is None:
        raise BadFilter(_l("year must be a year from 2013"), fields={"year": error or ""})
    return year


@bp.get("/assessments")
def assessments() -> ResponseReturnValue:
    """A regency's results (and its units'), of one year or of every year."""
    slug = request.args.get("regency")
    if not slug:
        raise BadFilter(
            _l("Name the regency: ?regency=<slug>."), fields={"regency": _l("required")}
        )
    regency = find_regency(db_session(), slug)
    if regency is None:
        raise BadFilter(
            _l("There is no regency %(slug)s; GET /api/v1/regencies lists them.", slug=repr(slug)),
            fields={"regency": _l("unknown regency slug")},
        )
    return jsonify(_assessments_json(db_session(), regency, _year_filter()))


def _scalar(body: Body, data: dict[str, Any], name: str, prefix: str = "") -> str | None:
    """A score, rank or text field: a string, or a JSON number read as written (78.34)."""
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        body.errors[prefix + name] = _l("must be a string or a number")
        return None
    return str(value)


def _save(session: Session, body: Body, regency_slug: str, year: int | None) -> dict[str, Any]:
    actor, now = api_actor(), get_clock().now()
    if not regency_slug:
        raise Invalid(_l("Name the regency."), fields={"regency": _l("required")})
    regency = find_regency(session, regency_slug)
    if regency is None:
        raise NotFound(_l("There is no regency %(slug)s.", slug=repr(regency_slug)))
    services.load_regency_for_assessments(session, actor=actor, regency_id=regency.id)
    errors: dict[str, Message] = {}
    outcome: dict[str, Any] = {"regency": None, "units": {}}
    data = body.data
    if any(data.get(name) is not None for name in ("result", "score", "zone")):
        try:
            outcome["regency"] = services.save_regency_result(
                session, actor=actor, regency_id=regency.id, year=year or 0,
                **{n: _scalar(body, data, n) for n in _REGENCY_FIELDS}, now=now,  # type: ignore[arg-type]
            )  # fmt: skip
        except Invalid as exc:
            errors.update(exc.fields)
    units = data.get("units") or []
    if not isinstance(units, list):
        body.errors["units"] = _l("must be a list")
        units = []
    agencies = {
        a.slug: a
        for a in session.execute(select(Agency).where(Agency.regency_id == regency.id)).scalars()
    }
    by_id = {a.id: a for a in agencies.values()}
    for i, item in enumerate(units):
        prefix = f"units[{i}]."
        if not isinstance(item, dict):
            body.errors[f"units[{i}]"] = _l("must be an object")
            continue
        for name in item:
            if name not in _UNIT_FIELDS:
                body.errors[prefix + name] = _l("unknown field")
        agency = agencies.get(str(item.get("agency") or "")) or by_id.get(item.get("agency_id"))  # type: ignore[arg-type]
        if agency is None:
            errors[prefix + "agency"] = _l(
                "no agency %(name)s in this regency", name=repr(item.get("agency"))
            )
            continue
        values = {n: _scalar(body, item, n, prefix) for n in _UNIT_FIELDS[2:]}
        try:
            outcome["units"][agency.slug] = services.save_unit_result(
                session,
                actor=actor,
                agency_id=agency.id,
                year=year or 0,
                **values,  # type: ignore[arg-type]
                now=now,
            )
        except Invalid as exc:
            errors.update({prefix + k: v for k, v in exc.fields.items()})
    if errors:
        raise Invalid(_l("The assessment could not be saved."), fields=errors)
    return outcome


@bp.post("/assessments")
@token_required
def record_assessments() -> ResponseReturnValue:
    """Record or correct a regency's result for a year and its units' results (its admins)."""
    body = Body(known=("regency", "year", *_REGENCY_FIELDS, "units"))
    slug = body.text("regency", required=True) or ""
    year = body.integer("year", default=None)
    outcome = run_json(
        lambda: _save(db_session(), body, slug, year),
        parse_errors=body.errors,
        malformed=body.malformed,
    )
    regency = find_regency(db_session(), slug)
    assert regency is not None  # noqa: S101 - _save found it
    answer = _assessments_json(db_session(), regency, year)
    changes = {
        "regency": outcome["regency"].value if outcome["regency"] else None,
        "units": {k: v.value for k, v in outcome["units"].items()},
    }
    return jsonify({**answer, "changes": changes})
