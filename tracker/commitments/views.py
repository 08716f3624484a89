"""Staff pages of a regency's commitments and events: list, record, correct."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from tracker.auth import policy
from tracker.auth.access import current_actor, requires
from tracker.clock import get_clock
from tracker.commitments.forms import CommitmentEditForm, CommitmentForm, EventEditForm, EventForm
from tracker.commitments.queries import (
    COMMITMENT_SORTS,
    EVENT_SORTS,
    list_commitments,
    list_events,
)
from tracker.commitments.services import (
    CommitmentDetails,
    EventDetails,
    commitment_details,
    event_details,
    load_commitment_for_change,
    load_event_for_change,
    record_commitment,
    record_event,
    update_commitment,
    update_event,
)
from tracker.extensions import db_session
from tracker.regencies.queries import list_regencies
from tracker.sorting import parse_query, parse_sort
from tracker.web.forms import submit_form

bp = Blueprint("commitments", __name__)


@bp.get("/")
@requires(policy.can_open_commitments)
def index() -> ResponseReturnValue:
    """The commitments and events of the user's regency (a superadmin sees every regency's):
    one search for both, each table sorted by its own columns (``sort``/``dir`` and
    ``esort``/``edir``)."""
    actor = current_actor()
    regency_id = policy.regency_scope(actor)
    session = db_session()
    q = parse_query(request.args.get("q"))
    sort = parse_sort(request.args, allowed=COMMITMENT_SORTS, default="signed", descending=True)
    event_sort = parse_sort(
        request.args, allowed=EVENT_SORTS, default="date", descending=True, prefix="e"
    )
    return render_template(
        "commitments/index.html",
        commitments=list_commitments(session, regency_id=regency_id, q=q, sort=sort),
        events=list_events(session, regency_id=regency_id, q=q, sort=event_sort),
        q=q,
        sort=sort,
        event_sort=event_sort,
        show_regency=regency_id is None,
        can_record=policy.can_record_any_commitments(actor),
    )


def _regency_choices() -> list[tuple[int, str]]:
    actor = current_actor()
    return [
        (r.id, r.name)
        for r in list_regencies(db_session())
        if policy.can_record_commitments(actor, r.id)
    ]


def _commitment_details(form: CommitmentForm) -> CommitmentDetails:
    return CommitmentDetails(
        kind=form.kind.data or "",
        title=form.title.data or "",
        signed_on=form.signed_on.data,
        signed_year=form.signed_year.data,
        place=form.place.data,
        parties=form.parties.data,
        signatories=form.signatories.data,
        commitments=form.commitments.data,
        note=form.note.data,
        target_kind=form.target_kind.data,
        target_value=form.target_value.data,
        target_year=form.target_year.data,
        source=form.source.data,
    )


def _event_details(form: EventForm) -> EventDetails:
    return EventDetails(
        kind=form.kind.data or "",
        title=form.title.data or "",
        happened_on=form.happened_on.data,
        happened_year=form.happened_year.data,
        description=form.description.data,
        source=form.source.data,
    )


def _submit(
    form: Any, change: Callable[[], Any], done: Callable[[Any], object], template: str, **ctx: Any
) -> ResponseReturnValue:
    return submit_form(
        form,
        change,
        done=done,
        to=url_for("commitments.index"),
        render=lambda status: (render_template(template, form=form, **ctx), status),
    )


@bp.route("/baru", methods=["GET", "POST"])
@requires(policy.can_record_any_commitments)
def new() -> ResponseReturnValue:
    """Record a regency pact, MoU or cooperation agreement."""
    form = CommitmentForm()
    form.set_choices(_regency_choices())
    return _submit(
        form,
        lambda: record_commitment(
            db_session(),
            actor=current_actor(),
            regency_id=form.regency_id.data,
            details=_commitment_details(form),
            now=get_clock().now(),
        ),
        lambda c: _l("The commitment %(title)s has been recorded.", title=c.title),
        "commitments/form.html",
        heading=_l("Record a commitment"),
    )


@bp.route("/<int:commitment_id>/ubah", methods=["GET", "POST"])
@requires(policy.can_record_any_commitments)
def edit(commitment_id: int) -> ResponseReturnValue:
    """Correct a commitment of the user's regency."""
    found = load_commitment_for_change(
        db_session(), actor=current_actor(), commitment_id=commitment_id
    )
    form = CommitmentEditForm(data=vars_of(commitment_details(found)))
    form.set_choices([])
    return _submit(
        form,
        lambda: update_commitment(
            db_session(),
            actor=current_actor(),
            commitment_id=found.id,
            details=_commitment_details(form),
            now=get_clock().now(),
        ),
        lambda c: _l("The commitment %(title)s has been corrected.", title=c.title),
        "commitments/form.html",
        heading=_l("Correct a commitment"),
        record=found,
    )


@bp.route("/kegiatan/baru", methods=["GET", "POST"])
@requires(policy.can_record_any_commitments)
def new_event() -> ResponseReturnValue:
    """Record a mentoring visit, a coordination channel or another event."""
    form = EventForm()
    form.set_choices(_regency_choices())
    return _submit(
        form,
        lambda: record_event(
            db_session(),
            actor=current_actor(),
            regency_id=form.regency_id.data,
            details=_event_details(form),
            now=get_clock().now(),
        ),
        lambda e: _l("The event %(title)s has been recorded.", title=e.title),
        "commitments/event_form.html",
        heading=_l("Record an event"),
    )


@bp.route("/kegiatan/<int:event_id>/ubah", methods=["GET", "POST"])
@requires(policy.can_record_any_commitments)
def edit_event(event_id: int) -> ResponseReturnValue:
    """Correct an event of the user's regency."""
    found = load_event_for_change(db_session(), actor=current_actor(), event_id=event_id)
    form = EventEditForm(data=vars_of(event_details(found)))
    form.set_choices([])
    return _submit(
        form,
        lambda: update_event(
            db_session(),
            actor=current_actor(),
            event_id=found.id,
            details=_event_details(form),
            now=get_clock().now(),
        ),
        lambda e: _l("The event %(title)s has been corrected.", title=e.title),
        "commitments/event_form.html",
        heading=_l("Correct an event"),
        record=found,
    )


def vars_of(details: object) -> dict[str, Any]:
    """Return a details dataclass as the form's initial data (None fields left out)."""
    return {k: v for k, v in vars(details).items() if v is not None}
