"""Use cases of a regency's commitments and events: record one, correct one.

A commitment is a regency-wide pact of the regent, an MoU or a cooperation agreement with the
Ombudsman (DOMAIN.md section 2.3); an event is a mentoring visit, a coordination channel or
another step on the regency's public timeline. Both say only what their source says: a day the
source does not give is "not recorded" (with the year alone when the source gives that).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from tracker.assessments.rules import GRADES, TargetKind, Zone, parse_score
from tracker.audit.services import record
from tracker.auth import policy
from tracker.auth.models import User
from tracker.clock import local_today
from tracker.commitments.models import Commitment, RegencyEvent
from tracker.commitments.rules import CommitmentKind, CommitmentLimit, EventKind
from tracker.errors import Forbidden, Invalid, Message, NotFound
from tracker.regencies.models import Regency
from tracker.text import check_one_per_line, check_single_line

# Assessments of service standards began in 2013; a year before that is a typing error.
FIRST_YEAR = 2000
SOURCE_LIMIT = 500
_REFUSAL = _l("Only the regent's office of this regency records its commitments and events.")


@dataclass(frozen=True)
class CommitmentDetails:
    """What a commitment records, as the form, the API or the demo loader hands it over.

    ``kind`` and ``target_kind`` are the enums' values as typed (checked by the service);
    ``signed_year`` is kept only when ``signed_on`` is unknown.
    """

    kind: str
    title: str
    signed_on: date | None = None
    signed_year: int | None = None
    place: str | None = None
    parties: str | None = None
    signatories: str | None = None
    commitments: str | None = None
    note: str | None = None
    target_kind: str | None = None
    target_value: str | None = None
    target_year: int | None = None
    source: str | None = None


@dataclass(frozen=True)
class EventDetails:
    """What an event records: its kind, title, day or year (or neither), description, source."""

    kind: str
    title: str
    happened_on: date | None = None
    happened_year: int | None = None
    description: str | None = None
    source: str | None = None


def _text(value: str | None) -> str | None:
    """Return the text stripped, None when empty; lines keep their order, blank lines go."""
    if value is None:
        return None
    lines = [line.rstrip() for line in value.strip().replace("\r\n", "\n").split("\n")]
    cleaned = "\n".join(line for line in lines if line.strip())
    return cleaned or None


def _limit(value: str | None, limit: int, name: str, errors: dict[str, Message]) -> None:
    if value is not None and len(value) > limit:
        errors[name] = _l("at most %(n)s characters", n=limit)


def _regency(session: Session, actor: User, regency_id: int | None) -> Regency:
    # A form posted without its regency (no choice made, or a forged post) names none.
    regency = session.get(Regency, regency_id) if regency_id is not None else None
    if regency is None:
        raise Invalid(_l("There is no such regency."), fields={"regency_id": _l("unknown regency")})
    if not policy.can_record_commitments(actor, regency.id):
        raise Forbidden(_REFUSAL)
    return regency


def load_commitment_for_change(session: Session, *, actor: User, commitment_id: int) -> Commitment:
    """Return a commitment ``actor`` may correct; NotFound unless they read its regency."""
    found = session.get(Commitment, commitment_id)
    if found is None or not policy.can_view_regency(actor, found.regency_id):
        raise NotFound(_l("There is no such commitment."))
    if not policy.can_record_commitments(actor, found.regency_id):
        raise Forbidden(_REFUSAL)
    return found


def load_event_for_change(session: Session, *, actor: User, event_id: int) -> RegencyEvent:
    """Return an event ``actor`` may correct; NotFound unless they read its regency."""
    found = session.get(RegencyEvent, event_id)
    if found is None or not policy.can_view_regency(actor, found.regency_id):
        raise NotFound(_l("There is no such event."))
    if not policy.can_record_commitments(actor, found.regency_id):
        raise Forbidden(_REFUSAL)
    return found


def _check_day(
    day: date | None,
    year: int | None,
    today: date,
    names: tuple[str, str],
    errors: dict[str, Message],
) -> tuple[date | None, int | None]:
    """Check a day (not in the future) or, without one, a year alone; return what is stored."""
    day_name, year_name = names
    if day is not None:
        if day > today:
            errors[day_name] = _l("a date cannot be in the future")
        if year is not None and year != day.year:
            errors[year_name] = _l("give the year alone only when the day is not known")
        return day, None
    if year is not None and not FIRST_YEAR <= year <= today.year:
        errors[year_name] = _l(
            "a year from %(first)s to %(last)s", first=FIRST_YEAR, last=today.year
        )
    return None, year


def _check_target(
    kind: CommitmentKind | None, details: CommitmentDetails, errors: dict[str, Message]
) -> tuple[TargetKind | None, str | None, int | None]:
    """Check a regency pact's target: what it promises of which year's assessment."""
    raw_kind = (details.target_kind or "").strip()
    value = (details.target_value or "").strip() or None
    year = details.target_year
    if not raw_kind:
        if value is not None or year is not None:
            errors["target_kind"] = _l("choose what the target is, or leave the target empty")
        return None, None, None
    if kind is None:
        # The kind is refused already: whether it may have a target cannot be said.
        return None, None, None
    if kind is not CommitmentKind.REGENCY_PACT:
        errors["target_kind"] = _l("only a regency-wide pact has a target")
        return None, None, None
    try:
        target = TargetKind(raw_kind)
    except ValueError:
        errors["target_kind"] = _l("unknown kind of target")
        return None, None, None
    if year is None:
        errors["target_year"] = _l("the year whose assessment the target names is required")
    elif not FIRST_YEAR <= year <= 2100:
        errors["target_year"] = _l("a year from %(first)s to %(last)s", first=FIRST_YEAR, last=2100)
    if target is TargetKind.IMPROVE:
        if value is not None:
            errors["target_value"] = _l("a target to improve takes no value")
        return target, None, year
    if value is None:
        errors["target_value"] = _l("the zone, grade or score the target names is required")
    elif target is TargetKind.ZONE and value.lower() not in {z.value for z in Zone}:
        errors["target_value"] = _l("a zone: green, yellow, red or black")
    elif target is TargetKind.GRADE and value.upper() not in GRADES:
        errors["target_value"] = _l("a grade from A to E")
    elif target is TargetKind.SCORE:
        try:
            value = str(parse_score(value))
        except ValueError:
            errors["target_value"] = _l("a score from 0 to 100 with at most two decimals")
    if value is not None and target is TargetKind.ZONE:
        value = value.lower()
    if value is not None and target is TargetKind.GRADE:
        value = value.upper()
    return target, value, year


def _commitment_values(
    details: CommitmentDetails, today: date
) -> tuple[dict[str, Any], dict[str, Message]]:
    """Validate a commitment's details; return the column values and the errors by field."""
    errors: dict[str, Message] = {}
    try:
        kind: CommitmentKind | None = CommitmentKind(details.kind)
    except ValueError:
        kind = None
        errors["kind"] = _l("a regency-wide pact, an MoU or a cooperation agreement")
    title = _text(details.title)
    if title is None:
        errors["title"] = _l("the title is required")
    values: dict[str, Any] = {"kind": kind, "title": title}
    for name, limit in (
        ("title", CommitmentLimit.TITLE),
        ("place", CommitmentLimit.PLACE),
        ("parties", CommitmentLimit.PARTIES),
        ("signatories", CommitmentLimit.SIGNATORIES),
        ("commitments", CommitmentLimit.TEXT),
        ("note", CommitmentLimit.TEXT),
        ("source", SOURCE_LIMIT),
    ):
        values[name] = _text(getattr(details, name))
        _limit(values[name], limit, name, errors)
    # Printed on one line each (the timeline, the calendar, the letters).
    check_single_line(errors, {name: values[name] for name in ("title", "place")})
    check_one_per_line(errors, {name: values[name] for name in ("parties", "signatories")})
    values["signed_on"], values["signed_year"] = _check_day(
        details.signed_on, details.signed_year, today, ("signed_on", "signed_year"), errors
    )
    values["target_kind"], values["target_value"], values["target_year"] = _check_target(
        kind, details, errors
    )
    return values, errors


def _event_values(details: EventDetails, today: date) -> tuple[dict[str, Any], dict[str, Message]]:
    """Validate an event's details; return the column values and the errors by field."""
    errors: dict[str, Message] = {}
    try:
        kind: EventKind | None = EventKind(details.kind)
    except ValueError:
        kind = None
        errors["kind"] = _l("mentoring, coordination or another event")
    title = _text(details.title)
    if title is None:
        errors["title"] = _l("the title is required")
    values: dict[str, Any] = {"kind": kind, "title": title}
    _limit(title, CommitmentLimit.TITLE, "title", errors)
    check_single_line(errors, {"title": title})
    for name, limit in (("description", CommitmentLimit.TEXT), ("source", SOURCE_LIMIT)):
        values[name] = _text(getattr(details, name))
        _limit(values[name], limit, name, errors)
    day, year = _check_day(
        details.happened_on,
        details.happened_year,
        today,
        ("happened_on", "happened_year"),
        errors,
    )
    # The year is kept beside a known day too: the timeline sorts by it.
    values["happened_on"], values["happened_year"] = day, day.year if day else year
    return values, errors


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def _diff(obj: object, values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: {"from": _plain(getattr(obj, name)), "to": _plain(value)}
        for name, value in values.items()
        if getattr(obj, name) != value
    }


def record_commitment(
    session: Session,
    *,
    actor: User,
    regency_id: int,
    details: CommitmentDetails,
    now: datetime,
    is_demo: bool = False,
) -> Commitment:
    """Record a regency pact, MoU or cooperation agreement of a regency; audited."""
    regency = _regency(session, actor, regency_id)
    values, errors = _commitment_values(details, local_today(now, ZoneInfo(regency.timezone)))
    if errors:
        raise Invalid(_l("The commitment could not be recorded."), fields=errors)
    commitment = Commitment(
        regency_id=regency.id, **values, is_demo=is_demo, recorded_by_id=actor.id, created_at=now
    )
    session.add(commitment)
    session.flush()
    record(
        session, actor=actor, action="commitment.recorded", target_type="commitment",
        target_id=commitment.id, regency_id=regency.id, at=now,
        changes={name: _plain(value) for name, value in values.items()},
    )  # fmt: skip
    session.flush()
    return commitment


def update_commitment(
    session: Session,
    *,
    actor: User,
    commitment_id: int,
    details: CommitmentDetails,
    now: datetime,
) -> Commitment:
    """Correct a commitment; each changed field is audited with its old and new value."""
    commitment = load_commitment_for_change(session, actor=actor, commitment_id=commitment_id)
    today = local_today(now, ZoneInfo(commitment.regency.timezone))
    values, errors = _commitment_values(details, today)
    if errors:
        raise Invalid(_l("The commitment could not be corrected."), fields=errors)
    changes = _diff(commitment, values)
    if not changes:
        return commitment
    for name, value in values.items():
        setattr(commitment, name, value)
    commitment.updated_at = now
    record(
        session, actor=actor, action="commitment.corrected", target_type="commitment",
        target_id=commitment.id, regency_id=commitment.regency_id, at=now, changes=changes,
    )  # fmt: skip
    session.flush()
    return commitment


def record_event(
    session: Session,
    *,
    actor: User,
    regency_id: int,
    details: EventDetails,
    now: datetime,
    is_demo: bool = False,
) -> RegencyEvent:
    """Record a mentoring visit, a coordination channel or another event of a regency."""
    regency = _regency(session, actor, regency_id)
    values, errors = _event_values(details, local_today(now, ZoneInfo(regency.timezone)))
    if errors:
        raise Invalid(_l("The event could not be recorded."), fields=errors)
    event = RegencyEvent(
        regency_id=regency.id, **values, is_demo=is_demo, recorded_by_id=actor.id, created_at=now
    )
    session.add(event)
    session.flush()
    record(
        session, actor=actor, action="regency_event.recorded", target_type="regency_event",
        target_id=event.id, regency_id=regency.id, at=now,
        changes={name: _plain(value) for name, value in values.items()},
    )  # fmt: skip
    session.flush()
    return event


def update_event(
    session: Session, *, actor: User, event_id: int, details: EventDetails, now: datetime
) -> RegencyEvent:
    """Correct an event; each changed field is audited with its old and new value."""
    event = load_event_for_change(session, actor=actor, event_id=event_id)
    values, errors = _event_values(details, local_today(now, ZoneInfo(event.regency.timezone)))
    if errors:
        raise Invalid(_l("The event could not be corrected."), fields=errors)
    changes = _diff(event, values)
    if not changes:
        return event
    for name, value in values.items():
        setattr(event, name, value)
    event.updated_at = now
    record(
        session, actor=actor, action="regency_event.corrected", target_type="regency_event",
        target_id=event.id, regency_id=event.regency_id, at=now, changes=changes,
    )  # fmt: skip
    session.flush()
    return event


def commitment_details(commitment: Commitment) -> CommitmentDetails:
    """Return a recorded commitment's details (what a correction starts from)."""
    values = {name: _plain(getattr(commitment, name)) for name in CommitmentDetails.__annotations__}
    return CommitmentDetails(**values)


def event_details(event: RegencyEvent) -> EventDetails:
    """Return a recorded event's details (what a correction starts from)."""
    values = {name: _plain(getattr(event, name)) for name in EventDetails.__annotations__}
    if event.happened_on is not None:
        values["happened_year"] = None
    return EventDetails(**values)


__all__ = [
    "CommitmentDetails",
    "EventDetails",
    "commitment_details",
    "event_details",
    "load_commitment_for_change",
    "load_event_for_change",
    "record_commitment",
    "record_event",
    "update_commitment",
    "update_event",
]
