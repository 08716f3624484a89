"""Read endpoints of API v1: public lists and pacts; findings and timelines behind a token."""

from __future__ import annotations

from flask import Response, jsonify
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from tracker.api import (
    assessments,  # noqa: F401 - registers on the same blueprint
    build,
    commitments,  # noqa: F401 - commitments and events, on the same blueprint
    corrections,  # noqa: F401 - corrections of pacts and findings, on the same blueprint
    evidence,  # noqa: F401 - evidence files, on the same blueprint
    imports,  # noqa: F401 - POST /assessments/import, on the same blueprint
    pact_imports,  # noqa: F401 - POST /pacts/import, on the same blueprint
    write,  # noqa: F401 - the write endpoints register on the same blueprint
)
from tracker.api import outputs as out
from tracker.api.auth import api_actor
from tracker.api.blueprint import bp
from tracker.api.filters import KNOWN_REGENCY, per_page, regency_filter
from tracker.api.outputs import respond
from tracker.api.params import PactFilter, Paging, RegencyFilter
from tracker.api.reading import read_query
from tracker.api.spec import Answer, document, operation
from tracker.assessments.queries import pact_target
from tracker.audit import queries as audit_queries
from tracker.auth import policy
from tracker.clock import get_clock
from tracker.errors import NotFound
from tracker.extensions import db_session
from tracker.findings.services import load_finding
from tracker.pacts import queries as pact_queries
from tracker.pacts.services import load_pact
from tracker.pagination import paginate
from tracker.regencies.queries import find_regency, list_agencies, list_regencies
from tracker.settings import due_soon_days

__all__ = ["bp"]


@operation(
    "GET",
    "/regencies",
    operation_id="listRegencies",
    summary="List regencies by name",
    tag="regencies",
    answers=(Answer(200, out.RegencyPage, "A page of regencies"),),
    query=Paging,
)
def regencies() -> ResponseReturnValue:
    query = read_query(Paging)
    found = paginate(list_regencies(db_session()), page=query.page, per_page=per_page(query))
    items = [build.regency(r) for r in found.items]
    return respond(build.page(out.RegencyPage, found, items, "api.regencies"))


@operation(
    "GET",
    "/regencies/<slug>",
    operation_id="getRegency",
    summary="One regency",
    tag="regencies",
    answers=(Answer(200, out.Regency, "The regency"),),
)
def regency(slug: str) -> ResponseReturnValue:
    found = find_regency(db_session(), slug)
    if found is None:
        raise NotFound(_l("There is no regency %(slug)s.", slug=repr(slug)))
    return respond(build.regency(found))


@operation(
    "GET",
    "/agencies",
    operation_id="listAgencies",
    summary="List agencies, optionally of one regency",
    tag="agencies",
    answers=(Answer(200, out.AgencyPage, "A page of agencies"),),
    query=RegencyFilter,
    rules=KNOWN_REGENCY,
)
def agencies() -> ResponseReturnValue:
    query = read_query(RegencyFilter)
    regency = regency_filter(query.regency)
    rows = list_agencies(db_session(), regency_id=regency.id if regency else None)
    found = paginate(rows, page=query.page, per_page=per_page(query))
    args = {"regency": regency.slug} if regency else {}
    items = [build.agency(a) for a in found.items]
    return respond(build.page(out.AgencyPage, found, items, "api.agencies", **args))


@operation(
    "GET",
    "/pacts",
    operation_id="listPacts",
    summary="List pacts, newest signing first (undated last), by regency, agency and status",
    tag="pacts",
    answers=(Answer(200, out.PactSummaryPage, "A page of pacts"),),
    query=PactFilter,
    rules=KNOWN_REGENCY,
)
def pacts() -> ResponseReturnValue:
    query = read_query(PactFilter)
    regency = regency_filter(query.regency)
    found = pact_queries.page_pacts(
        db_session(),
        now=get_clock().now(),
        page=query.page,
        per_page=per_page(query),
        regency_id=regency.id if regency else None,
        agency_id=query.agency,
        status=query.status,
        due_soon_days=due_soon_days(),
    )
    args = {
        k: v
        for k, v in {
            "regency": regency.slug if regency else None,
            "agency": query.agency,
            "status": query.status.value if query.status else None,
        }.items()
        if v is not None
    }
    items = [build.pact_summary(r) for r in found.items]
    return respond(build.page(out.PactSummaryPage, found, items, "api.pacts", **args))


@operation(
    "GET",
    "/pacts/<int:pact_id>",
    operation_id="getPact",
    summary="One pact with its findings and target",
    tag="pacts",
    answers=(Answer(200, out.Pact, "The pact"),),
)
def pact(pact_id: int) -> ResponseReturnValue:
    detail = pact_queries.get_pact(
        db_session(), pact_id=pact_id, now=get_clock().now(), due_soon_days=due_soon_days()
    )
    return respond(build.pact(detail, pact_target(db_session(), pact_id)))


@operation(
    "GET",
    "/pacts/<int:pact_id>/timeline",
    operation_id="getPactTimeline",
    summary="Every recorded step of a pact and its findings, oldest first",
    tag="pacts",
    answers=(Answer(200, out.Timeline, "The timeline"),),
    token=True,
)
def pact_timeline(pact_id: int) -> ResponseReturnValue:
    found = load_pact(db_session(), actor=api_actor(), pact_id=pact_id)
    entries = audit_queries.pact_timeline(
        db_session(), pact_id=found.id, tz=found.agency.regency.timezone
    )
    return respond(build.timeline(entries))


@operation(
    "GET",
    "/findings/<int:finding_id>",
    operation_id="getFinding",
    summary="One finding the caller may read, with its evidence and reviews",
    tag="findings",
    answers=(Answer(200, out.Finding, "The finding"),),
    token=True,
)
def finding(finding_id: int) -> ResponseReturnValue:
    actor = api_actor()
    found = load_finding(db_session(), actor=actor, finding_id=finding_id)
    include = policy.can_read_internal_comments(actor, found.agency)
    return respond(build.finding(found, include_internal=include))


@operation(
    "GET",
    "/openapi.json",
    operation_id="openapi",
    summary="This document: every operation, its limits and its answers",
    tag="meta",
    answers=(Answer(200, None, "OpenAPI 3.1", schema={"type": "object"}),),
)
def openapi() -> Response:
    return jsonify(document())
