"""Read models of a regency's commitments and events, public fields only (DOMAIN.md section 10).

A regency pact has no three-month period, so it is never "overdue": what it has is its target
and whether the regency's recorded result of the target year met it (awaiting while that
result is not recorded). An MoU or a cooperation agreement has neither.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tracker import labels
from tracker.assessments.queries import TargetView, regency_target
from tracker.commitments.models import Commitment, RegencyEvent
from tracker.commitments.rules import CommitmentKind, EventKind
from tracker.errors import NotFound
from tracker.regencies.models import Regency
from tracker.sorting import Sort, matches, sort_rows


def lines(text: str | None) -> list[str]:
    """Split a one-item-a-line text into its items (blank lines dropped)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@dataclass(frozen=True)
class CommitmentView:
    """A commitment as the public sees it, with its target's state for a regency pact."""

    id: int
    regency_id: int
    regency_slug: str
    regency_name: str
    kind: CommitmentKind
    title: str
    signed_on: date | None
    signed_year: int | None
    place: str | None
    parties: list[str]
    signatories: list[str]
    commitments: list[str]
    note: str | None
    source: str | None
    is_demo: bool
    target: TargetView | None
    recorded_at: datetime
    updated_at: datetime | None

    @property
    def year(self) -> int | None:
        """Return the signing year, from the day or from the year alone."""
        return self.signed_on.year if self.signed_on else self.signed_year


@dataclass(frozen=True)
class EventView:
    """An event on a regency's public timeline."""

    id: int
    regency_id: int
    regency_slug: str
    regency_name: str
    kind: EventKind
    title: str
    happened_on: date | None
    happened_year: int | None
    description: str | None
    source: str | None
    is_demo: bool
    recorded_at: datetime
    updated_at: datetime | None


def _commitments() -> Select[Commitment, str, str]:
    return select(Commitment, Regency.slug, Regency.name).join(
        Regency, Commitment.regency_id == Regency.id
    )


def _view(session: Session, c: Commitment, slug: str, name: str) -> CommitmentView:
    target = regency_target(
        session,
        regency_id=c.regency_id,
        kind=c.target_kind,
        value=c.target_value,
        year=c.target_year,
    )
    return CommitmentView(
        id=c.id,
        regency_id=c.regency_id,
        regency_slug=slug,
        regency_name=name,
        kind=c.kind,
        title=c.title,
        signed_on=c.signed_on,
        signed_year=c.signed_year,
        place=c.place,
        parties=lines(c.parties),
        signatories=lines(c.signatories),
        commitments=lines(c.commitments),
        note=c.note,
        source=c.source,
        is_demo=c.is_demo,
        target=target,
        recorded_at=c.created_at,
        updated_at=c.updated_at,
    )


# The columns the lists of commitments and of events sort by (the default: newest first).
COMMITMENT_SORTS = ("regency", "title", "kind", "signed")
EVENT_SORTS = ("regency", "date", "kind", "title")


def _text(value: str) -> str:
    return value.casefold()


def list_commitments(
    session: Session,
    *,
    regency_id: int | None = None,
    q: str | None = None,
    sort: Sort | None = None,
) -> list[CommitmentView]:
    """Return the commitments (of one regency, or all), newest signing first, undated last.

    ``q`` keeps those whose title, parties, signatories or place has every word of it;
    ``sort`` (COMMITMENT_SORTS) orders them otherwise.
    """
    stmt = _commitments()
    if regency_id is not None:
        stmt = stmt.where(Commitment.regency_id == regency_id)
    if q:
        stmt = stmt.where(
            matches(
                q,
                Commitment.title,
                func.coalesce(Commitment.parties, ""),
                func.coalesce(Commitment.signatories, ""),
                func.coalesce(Commitment.place, ""),
            )
        )
    views = [_view(session, c, slug, name) for c, slug, name in session.execute(stmt)]
    views.sort(key=lambda v: (v.year is None, -(v.year or 0), v.signed_on is None, v.id))
    if sort is None or not sort.chosen:
        return views
    keys: dict[str, Callable[[CommitmentView], Any]] = {
        "regency": lambda v: _text(v.regency_name),
        "title": lambda v: _text(v.title),
        "kind": lambda v: _text(str(labels.COMMITMENT_KIND[v.kind])),
        "signed": lambda v: None if v.year is None else (v.year, v.signed_on or date.min),
    }
    return sort_rows(views, sort, keys, tie=lambda v: v.id)


def get_commitment(session: Session, *, commitment_id: int) -> CommitmentView:
    """Return one commitment; raise NotFound."""
    row = session.execute(_commitments().where(Commitment.id == commitment_id)).first()
    if row is None:
        raise NotFound(_l("There is no commitment with id %(id)s.", id=commitment_id))
    return _view(session, row[0], row[1], row[2])


def list_events(
    session: Session,
    *,
    regency_id: int | None = None,
    q: str | None = None,
    sort: Sort | None = None,
) -> list[EventView]:
    """Return the events (of one regency, or all), newest first; those with no date last.

    ``q`` keeps those whose title or description has every word of it; ``sort``
    (EVENT_SORTS) orders them otherwise.
    """
    stmt = select(RegencyEvent, Regency.slug, Regency.name).join(
        Regency, RegencyEvent.regency_id == Regency.id
    )
    if regency_id is not None:
        stmt = stmt.where(RegencyEvent.regency_id == regency_id)
    if q:
        stmt = stmt.where(
            matches(q, RegencyEvent.title, func.coalesce(RegencyEvent.description, ""))
        )
    views = [
        EventView(
            id=e.id,
            regency_id=e.regency_id,
            regency_slug=slug,
            regency_name=name,
            kind=e.kind,
            title=e.title,
            happened_on=e.happened_on,
            happened_year=e.happened_year,
            description=e.description,
            source=e.source,
            is_demo=e.is_demo,
            recorded_at=e.created_at,
            updated_at=e.updated_at,
        )
        for e, slug, name in session.execute(stmt)
    ]
    views.sort(
        key=lambda v: (
            v.happened_year is None,
            -(v.happened_year or 0),
            v.happened_on is None,
            -(v.happened_on.toordinal() if v.happened_on else 0),
            v.id,
        ),
    )
    if sort is None or not sort.chosen:
        return views
    keys: dict[str, Callable[[EventView], Any]] = {
        "regency": lambda v: _text(v.regency_name),
        "date": lambda v: (
            None if v.happened_year is None else (v.happened_year, v.happened_on or date.min)
        ),
        "kind": lambda v: _text(str(labels.EVENT_KIND[v.kind])),
        "title": lambda v: _text(v.title),
    }
    return sort_rows(views, sort, keys, tie=lambda v: v.id)


__all__ = [
    "CommitmentView",
    "EventView",
    "get_commitment",
    "lines",
    "list_commitments",
    "list_events",
]
