"""Read endpoints of API v1 for a regency's commitments and events (public, like pacts)."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from tracker.api import serializers as ser
from tracker.api.blueprint import bp
from tracker.commitments.queries import CommitmentView, EventView, list_commitments, list_events
from tracker.errors import BadFilter
from tracker.extensions import db_session
from tracker.pagination import paginate, parse_positive
from tracker.regencies.models import Regency
from tracker.regencies.queries import find_regency


def commitment_json(c: CommitmentView) -> dict[str, Any]:
    """Describe a commitment; ``signed_on`` null is "date not recorded"."""
    target = c.target
    return {
        "id": c.id,
        "regency": c.regency_slug,
        "regency_name": c.regency_name,
        "kind": c.kind.value,
        "title": c.title,
        "signed_on": c.signed_on.isoformat() if c.signed_on else None,
        "signed_year": c.year,
        "place": c.place,
        "parties": c.parties,
        "signatories": c.signatories,
        "commitments": c.commitments,
        "note": c.note,
        "target": ser.target_json(target),
        "source": c.source,
        "is_demo": c.is_demo,
        "url": url_for("portal.commitment", commitment_id=c.id, _external=True),
    }


def event_json(e: EventView) -> dict[str, Any]:
    """Describe an event; ``happened_on`` null with a year: the source gives the year alone."""
    return {
        "id": e.id,
        "regency": e.regency_slug,
        "regency_name": e.regency_name,
        "kind": e.kind.value,
        "title": e.title,
        "happened_on": e.happened_on.isoformat() if e.happened_on else None,
        "happened_year": e.happened_year,
        "description": e.description,
        "source": e.source,
        "is_demo": e.is_demo,
    }


def _regency() -> Regency | None:
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


def _page(items: list[Any], endpoint: str, regency: Regency | None) -> dict[str, Any]:
    cfg = current_app.config
    page_no = parse_positive(request.args.get("page"), name="page", default=1, maximum=1_000_000)
    per_page = parse_positive(
        request.args.get("per_page"),
        name="per_page",
        default=cfg["PAGE_SIZE"],
        maximum=cfg["API_MAX_PAGE_SIZE"],
    )
    page = paginate(items, page=page_no, per_page=per_page)
    args = {"regency": regency.slug} if regency else {}
    return ser.page_json(page, list(page.items), endpoint, **args)


@bp.get("/commitments")
def commitments() -> ResponseReturnValue:
    """List regency pacts, MoUs and cooperation agreements, optionally of one regency."""
    regency = _regency()
    rows = list_commitments(db_session(), regency_id=regency.id if regency else None)
    return jsonify(_page([commitment_json(c) for c in rows], "api.commitments", regency))


@bp.get("/events")
def events() -> ResponseReturnValue:
    """List mentoring visits, coordination channels and other events, newest first."""
    regency = _regency()
    rows = list_events(db_session(), regency_id=regency.id if regency else None)
    return jsonify(_page([event_json(e) for e in rows], "api.events", regency))
