"""Read endpoints of API v1: public lists and pacts; findings and timelines behind a token."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from tracker.api import (
    assessments,  # noqa: F401 - registers on the same blueprint
    commitments,  # noqa: F401 - commitments and events, on the same blueprint
    corrections,  # noqa: F401 - corrections of pacts and findings, on the same blueprint
    imports,  # noqa: F401 - POST /assessments/import, on the same blueprint
    pact_imports,  # noqa: F401 - POST /pacts/import, on the same blueprint
    write,  # noqa: F401 - the write endpoints register on the same blueprint
)
from tracker.api import serializers as ser
from tracker.api.auth import api_actor, token_required
from tracker.api.blueprint import bp
from tracker.api.openapi import document
from tracker.assessments.queries import pact_target
from tracker.audit import queries as audit_queries
from tracker.auth import policy
from tracker.clock import get_clock
from tracker.errors import BadFilter, NotFound
from tracker.extensions import db_session
from tracker.findings.services import load_finding
from tracker.pacts import queries as pact_queries
from tracker.pacts.rules import PactStatus
from tracker.pacts.services import load_pact
from tracker.pagination import paginate, parse_digits, parse_positive
from tracker.regencies.models import Regency
from tracker.regencies.queries import find_regency, list_agencies, list_regencies
from tracker.settings import due_soon_days
from tracker.web.routing import MAX_ID

__all__ = ["bp"]


def _paging() -> tuple[int, int]:
    cfg = current_app.config
    page = parse_positive(request.args.get("page"), name="page", default=1, maximum=1_000_000)
    per_page = parse_positive(
        request.args.get("per_page"),
        name="per_page",
        default=cfg["PAGE_SIZE"],
        maximum=cfg["API_MAX_PAGE_SIZE"],
    )
    return page, per_page


def _regency_filter() -> Regency | None:
    slug = request.args.get("regency")
    if not slug:
        return None
    regency = find_regency(db_session(), slug)
    if regency is None:
        raise BadFilter(
            _l("There is no regency %(slug)s; GET /api/v1/regencies lists them.", slug=repr(slug)),
            fields={"regency": _l("unknown regency slug")},
        )
    return regency


def _int_filter(name: str) -> int | None:
    value = request.args.get(name)
    if not value:
        return None
    number = parse_digits(value)
    if number is None or number > MAX_ID:
        raise BadFilter(
            _l("%(name)s must be a numeric id", name=name),
            fields={name: _l("must be a numeric id")},
        )
    return number


def _status_filter() -> PactStatus | None:
    value = request.args.get("status")
    if not value:
        return None
    try:
        return PactStatus(value)
    except ValueError:
        allowed = ", ".join(s.value for s in PactStatus)
        raise BadFilter(
            _l("status must be one of %(allowed)s", allowed=allowed),
            fields={"status": _l("one of %(allowed)s", allowed=allowed)},
        ) from None


@bp.get("/regencies")
def regencies() -> ResponseReturnValue:
    """List regencies by name."""
    page_no, per_page = _paging()
    page = paginate(list_regencies(db_session()), page=page_no, per_page=per_page)
    items = [ser.regency_json(r) for r in page.items]
    return jsonify(ser.page_json(page, items, "api.regencies"))


@bp.get("/regencies/<slug>")
def regency(slug: str) -> ResponseReturnValue:
    """Return one regency."""
    found = find_regency(db_session(), slug)
    if found is None:
        raise NotFound(_l("There is no regency %(slug)s.", slug=repr(slug)))
    return jsonify(ser.regency_json(found))


@bp.get("/agencies")
def agencies() -> ResponseReturnValue:
    """List agencies, optionally of one regency."""
    page_no, per_page = _paging()
    regency = _regency_filter()
    rows = list_agencies(db_session(), regency_id=regency.id if regency else None)
    page = paginate(rows, page=page_no, per_page=per_page)
    args: dict[str, Any] = {"regency": regency.slug} if regency else {}
    return jsonify(
        ser.page_json(page, [ser.agency_json(a) for a in page.items], "api.agencies", **args)
    )


@bp.get("/pacts")
def pacts() -> ResponseReturnValue:
    """List pacts newest first, filterable by regency, agency and status."""
    page_no, per_page = _paging()
    regency, agency_id, status = _regency_filter(), _int_filter("agency"), _status_filter()
    page = pact_queries.page_pacts(
        db_session(),
        now=get_clock().now(),
        page=page_no,
        per_page=per_page,
        regency_id=regency.id if regency else None,
        agency_id=agency_id,
        status=status,
        due_soon_days=due_soon_days(),
    )
    args = {
        k: v
        for k, v in {
            "regency": regency.slug if regency else None,
            "agency": agency_id,
            "status": status.value if status else None,
        }.items()
        if v is not None
    }
    return jsonify(ser.page_json(page, [ser.pact_json(r) for r in page.items], "api.pacts", **args))


@bp.get("/pacts/<int:pact_id>")
def pact(pact_id: int) -> ResponseReturnValue:
    """Return one pact with its findings."""
    detail = pact_queries.get_pact(
        db_session(),
        pact_id=pact_id,
        now=get_clock().now(),
        due_soon_days=due_soon_days(),
    )
    return jsonify(ser.pact_detail_json(detail, pact_target(db_session(), pact_id)))


@bp.get("/pacts/<int:pact_id>/timeline")
@token_required
def pact_timeline(pact_id: int) -> ResponseReturnValue:
    """Return every recorded step of a pact and its findings, oldest first."""
    pact = load_pact(db_session(), actor=api_actor(), pact_id=pact_id)
    entries = audit_queries.pact_timeline(
        db_session(), pact_id=pact.id, tz=pact.agency.regency.timezone
    )
    return jsonify(ser.timeline_json(entries))


@bp.get("/findings/<int:finding_id>")
@token_required
def finding(finding_id: int) -> ResponseReturnValue:
    """Return a finding the caller may read, with its evidence and reviews."""
    actor = api_actor()
    found = load_finding(db_session(), actor=actor, finding_id=finding_id)
    include = policy.can_read_internal_comments(actor, found.agency)
    return jsonify(ser.finding_json(found, include_internal=include))


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """Describe this API as an OpenAPI 3.1 document."""
    return jsonify(document())
