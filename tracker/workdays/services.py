"""The holiday calendar: read its closed days; a superadmin adds, corrects and removes days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.audit.services import record
from tracker.auth import policy
from tracker.auth.models import User
from tracker.errors import Forbidden, Invalid, Message, NotFound
from tracker.sorting import Sort, ordered
from tracker.text import check_single_line
from tracker.workdays.models import Holiday, HolidayKind


def closed_days(session: Session) -> frozenset[date]:
    """Return every day the calendar closes (besides weekends)."""
    return frozenset(session.scalars(select(Holiday.day)))


def closed_days_between(session: Session, first: date, last: date) -> frozenset[date]:
    """Return the closed days from ``first`` to ``last`` (inclusive)."""
    return frozenset(
        session.scalars(select(Holiday.day).where(Holiday.day >= first, Holiday.day <= last))
    )


# The columns the calendar's page sorts by (the default: by date).
HOLIDAY_SORTS = ("date", "name", "kind")
# A day's name and source, as long as their columns.
HOLIDAY_TEXT_LIMIT = 200


def list_holidays(
    session: Session, *, year: int | None = None, sort: Sort | None = None
) -> list[Holiday]:
    """Return the calendar's days in date order, or by ``sort`` (one year, or every year)."""
    query = select(Holiday).order_by(Holiday.day)
    if year is not None:
        query = query.where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
    if sort is not None and sort.chosen:
        query = ordered(
            query,
            sort,
            {"date": Holiday.day, "name": func.lower(Holiday.name), "kind": Holiday.kind},
            tie=Holiday.day,
        )
    return list(session.scalars(query))


def years(session: Session) -> list[int]:
    """Return the years the calendar has days in, newest first."""
    return sorted({d.year for d in session.scalars(select(Holiday.day))}, reverse=True)


@dataclass(frozen=True)
class HolidayInput:
    """A day to record: its date, kind, name and source."""

    day: date
    kind: HolidayKind
    name: str
    source: str


def _check(actor: User | None) -> None:
    if not policy.can_edit_holidays(actor):
        raise Forbidden(_l("Only a superadmin changes the holiday calendar."))


def save_holiday(
    session: Session, *, actor: User | None, data: HolidayInput, now: datetime
) -> Holiday:
    """Record a closed day, or correct the one already on that date (audited)."""
    _check(actor)
    name, source = data.name.strip(), data.source.strip()
    if not name or not source:
        raise Invalid(_l("Give the holiday's name and the decree it comes from."))
    errors: dict[str, Message] = {}
    for field, value in (("name", name), ("source", source)):
        if len(value) > HOLIDAY_TEXT_LIMIT:
            errors[field] = _l("at most %(n)s characters", n=HOLIDAY_TEXT_LIMIT)
    # The calendar's page and the notices print them on one line.
    check_single_line(errors, {"name": name, "source": source})
    if errors:
        raise Invalid(_l("The day could not be saved."), fields=errors)
    row = session.scalar(select(Holiday).where(Holiday.day == data.day))
    before = None
    if row is None:
        row = Holiday(day=data.day, created_at=now, created_by_id=actor.id if actor else None)
        session.add(row)
    else:
        before = {"kind": row.kind.value, "name": row.name, "source": row.source}
    row.kind, row.name, row.source = data.kind, name, source
    session.flush()
    after = {"day": data.day.isoformat(), "kind": data.kind.value, "name": name, "source": source}
    record(
        session,
        actor=actor,
        action="holiday.corrected" if before else "holiday.added",
        target_type="holiday",
        target_id=row.id,
        regency_id=None,
        at=now,
        changes={"before": before, "after": after} if before else after,
    )
    return row


def remove_holiday(session: Session, *, actor: User | None, holiday_id: int, now: datetime) -> date:
    """Take a day out of the calendar (audited); return its date."""
    _check(actor)
    row = session.get(Holiday, holiday_id)
    if row is None:
        raise NotFound(_l("That day is not in the calendar."))
    day = row.day
    record(
        session,
        actor=actor,
        action="holiday.removed",
        target_type="holiday",
        target_id=row.id,
        regency_id=None,
        at=now,
        changes={
            "day": day.isoformat(),
            "kind": row.kind.value,
            "name": row.name,
            "source": row.source,
        },
    )
    session.delete(row)
    session.flush()
    return day


def closed_day_reason(session: Session, day: date | None) -> str | None:
    """Say why offices are closed on ``day`` (the holiday's name, or the weekday), else None."""
    if day is None:
        return None
    name = session.scalar(select(Holiday.name).where(Holiday.day == day))
    if name:
        return name
    if day.weekday() == 5:
        return str(_l("Saturday"))
    if day.weekday() == 6:
        return str(_l("Sunday"))
    return None
