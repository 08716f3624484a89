"""Read endpoints of API v1 for a regency's commitments and events (public, like pacts)."""

from __future__ import annotations

from flask import url_for
from flask.typing import ResponseReturnValue

from tracker.api import build
from tracker.api import outputs as out
from tracker.api.filters import KNOWN_REGENCY, per_page, regency_filter
from tracker.api.outputs import respond
from tracker.api.params import RegencyFilter
from tracker.api.reading import read_query
from tracker.api.spec import Answer, operation
from tracker.commitments.queries import CommitmentView, EventView, list_commitments, list_events
from tracker.extensions import db_session
from tracker.pagination import paginate


def commitment(c: CommitmentView) -> out.Commitment:
    """Describe a commitment; ``signed_on`` null is "date not recorded"."""
    return out.Commitment(
        id=c.id,
        regency=c.regency_slug,
        regency_name=c.regency_name,
        kind=c.kind,
        title=c.title,
        signed_on=c.signed_on,
        signed_year=c.year,
        place=c.place,
        parties=c.parties,
        signatories=c.signatories,
        commitments=c.commitments,
        note=c.note,
        target=build.target(c.target),
        source=c.source,
        is_demo=c.is_demo,
        url=url_for("portal.commitment", commitment_id=c.id, _external=True),
    )


def event(e: EventView) -> out.Event:
    """Describe an event; ``happened_on`` null with a year: the source gives the year alone."""
    return out.Event(
        id=e.id,
        regency=e.regency_slug,
        regency_name=e.regency_name,
        kind=e.kind,
        title=e.title,
        happened_on=e.happened_on,
        happened_year=e.happened_year,
        description=e.description,
        source=e.source,
        is_demo=e.is_demo,
    )


@operation(
    "GET",
    "/commitments",
    operation_id="listCommitments",
    summary="List regency-wide pacts, MoUs and cooperation agreements, newest first",
    tag="commitments",
    answers=(Answer(200, out.CommitmentPage, "A page of commitments"),),
    query=RegencyFilter,
    rules=KNOWN_REGENCY,
)
def commitments() -> ResponseReturnValue:
    query = read_query(RegencyFilter)
    regency = regency_filter(query.regency)
    rows = list_commitments(db_session(), regency_id=regency.id if regency else None)
    found = paginate(rows, page=query.page, per_page=per_page(query))
    args = {"regency": regency.slug} if regency else {}
    items = [commitment(c) for c in found.items]
    return respond(build.page(out.CommitmentPage, found, items, "api.commitments", **args))


@operation(
    "GET",
    "/events",
    operation_id="listEvents",
    summary="List mentoring visits, coordination channels and other events, newest first",
    tag="commitments",
    answers=(Answer(200, out.EventPage, "A page of events"),),
    query=RegencyFilter,
    rules=KNOWN_REGENCY,
)
def events() -> ResponseReturnValue:
    query = read_query(RegencyFilter)
    regency = regency_filter(query.regency)
    rows = list_events(db_session(), regency_id=regency.id if regency else None)
    found = paginate(rows, page=query.page, per_page=per_page(query))
    args = {"regency": regency.slug} if regency else {}
    items = [event(e) for e in found.items]
    return respond(build.page(out.EventPage, found, items, "api.events", **args))
