"""Assessment endpoints of API v1: a regency's results (public) and recording them (token)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.api import build
from tracker.api import outputs as out
from tracker.api.auth import api_actor
from tracker.api.inputs import AssessmentInput
from tracker.api.outputs import respond
from tracker.api.params import AssessmentFilter
from tracker.api.reading import read_json, read_query
from tracker.api.spec import Answer, operation
from tracker.assessments import services
from tracker.assessments.models import UnitResult
from tracker.assessments.queries import ResultView, regency_notes, regency_results, unit_results
from tracker.assessments.rules import DIMENSIONS
from tracker.clock import get_clock
from tracker.errors import BadFilter, Invalid, Message, NotFound
from tracker.extensions import db_session
from tracker.regencies.models import Regency
from tracker.regencies.queries import find_regency
from tracker.web.json import run_json

_SCORES = "0-100 with at most two decimals, as result says (a score for scored, none otherwise)"


def _score(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _result(r: ResultView) -> dict[str, Any]:
    """One year's result as the API gives it: scores as two-place decimal strings."""
    return {
        "year": r.year,
        "result": r.result,
        "score": _score(r.score),
        "zone": r.zone,
        "grade": r.grade,
        "label": r.label,
        "is_provisional": r.is_provisional,
        "source": r.source,
        "is_demo": r.is_demo,
    }


def _assessments(session: Session, regency: Regency, year: int | None) -> dict[str, Any]:
    specs = services.scheme_specs(session)
    results = [
        out.RegencyResult(**_result(r), rank=r.rank, rank_of=r.rank_of, note=r.note)
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
    units = [
        out.UnitResult.model_validate(
            {
                **_result(r),
                "agency": build.agency_ref(agencies[agency_id]),
                **dict(zip(DIMENSIONS, (_score(d) for d in r.dimensions), strict=True)),
            }
        )
        for agency_id, r in unit_results(session, owner, specs)
    ]
    notes = [
        out.AssessmentNote(
            year=n.year, text=n.text, applies_to=n.applies_to, source=n.source, is_demo=n.is_demo
        )
        for n in regency_notes(session, regency.id)
        if year is None or n.year == year
    ]
    return {
        "regency": regency.slug,
        "year": year,
        "results": results,
        "unit_results": units,
        "notes": notes,
    }


@operation(
    "GET",
    "/assessments",
    operation_id="getAssessments",
    summary="A regency's assessment results and its units', of one year or every year, with"
    " zone, grade, official label and whether the scheme is provisional",
    tag="assessments",
    answers=(Answer(200, out.Assessments, "The results"),),
    query=AssessmentFilter,
    rules={"regency": "the slug of a regency that exists (GET /regencies lists them)"},
)
def assessments() -> ResponseReturnValue:
    query = read_query(AssessmentFilter)
    regency = find_regency(db_session(), query.regency)
    if regency is None:
        raise BadFilter(
            _l(
                "There is no regency %(slug)s; GET /api/v1/regencies lists them.",
                slug=repr(query.regency),
            ),
            fields={"regency": _l("unknown regency slug")},
        )
    return respond(out.Assessments(**_assessments(db_session(), regency, query.year)))


_REGENCY_FIELDS = ("result", "score", "zone", "rank", "rank_of", "note", "source")
_UNIT_FIELDS = ("result", "score", "zone", *DIMENSIONS, "source")


def _save(session: Session, body: AssessmentInput) -> dict[str, Any]:
    actor, now = api_actor(), get_clock().now()
    if not body.regency:
        raise Invalid(_l("Name the regency."), fields={"regency": _l("required")})
    regency = find_regency(session, body.regency)
    if regency is None:
        raise NotFound(_l("There is no regency %(slug)s.", slug=repr(body.regency)))
    services.load_regency_for_assessments(session, actor=actor, regency_id=regency.id)
    errors: dict[str, Message] = {}
    outcome: dict[str, Any] = {"regency": None, "units": {}}
    if any(getattr(body, name) is not None for name in ("result", "score", "zone")):
        try:
            outcome["regency"] = services.save_regency_result(
                session, actor=actor, regency_id=regency.id, year=body.year,
                **{n: getattr(body, n) for n in _REGENCY_FIELDS}, now=now,
            )  # fmt: skip
        except Invalid as exc:
            errors.update(exc.fields)
    agencies = {
        a.slug: a
        for a in session.execute(select(Agency).where(Agency.regency_id == regency.id)).scalars()
    }
    by_id = {a.id: a for a in agencies.values()}
    for i, unit in enumerate(body.units):
        prefix = f"units[{i}]."
        agency = agencies.get(unit.agency or "") or by_id.get(unit.agency_id or 0)
        if agency is None:
            errors[prefix + "agency"] = _l(
                "no agency %(name)s in this regency", name=repr(unit.agency)
            )
            continue
        try:
            outcome["units"][agency.slug] = services.save_unit_result(
                session, actor=actor, agency_id=agency.id, year=body.year,
                **{n: getattr(unit, n) for n in _UNIT_FIELDS}, now=now,
            )  # fmt: skip
        except Invalid as exc:
            errors.update({prefix + k: v for k, v in exc.fields.items()})
    if errors:
        raise Invalid(_l("The assessment could not be saved."), fields=errors)
    return outcome


@operation(
    "POST",
    "/assessments",
    operation_id="recordAssessments",
    summary="Record or correct a year's result of a regency and of its units (the regent's"
    " office of the regency); the same values again change nothing",
    tag="assessments",
    answers=(Answer(200, out.AssessmentsRecorded, "The year's results, and what changed"),),
    refusals=(403, 404, 422),
    body=AssessmentInput,
    token=True,
    rules={
        "year": "at most next year; a year with a scheme for a score",
        "result": "fits the score and zone given",
        "score": _SCORES,
        "zone": "only for zone_only: a zone (or its Indonesian name) of the year's scheme",
        "rank": "at most rank_of; none for a year not assessed",
        "rank_of": "given with rank",
        "units[].agency": "an agency of this regency (by slug or agency_id)",
        "units[].year": "at most next year, as the regency's",
        "units[].result": "fits the unit's score and zone",
        "units[].score": _SCORES,
        "units[].zone": "only for zone_only",
        **{f"units[].{name}": "only with the unit's score" for name in DIMENSIONS},
    },
)
def record_assessments() -> ResponseReturnValue:
    parsed = read_json(AssessmentInput)
    body = parsed.value
    outcome = run_json(
        lambda: _save(db_session(), body),
        parse_errors=parsed.errors,
        malformed=parsed.malformed,
    )
    regency = find_regency(db_session(), body.regency)
    assert regency is not None  # noqa: S101 - _save found it
    changes = out.AssessmentChanges(
        regency=outcome["regency"].value if outcome["regency"] else None,
        units={k: v.value for k, v in outcome["units"].items()},
    )
    recorded = _assessments(db_session(), regency, body.year)
    return respond(out.AssessmentsRecorded(**recorded, changes=changes))
