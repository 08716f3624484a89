"""A regency with everyone a notice can go to, and readers of what the sweep wrote."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_regency
from tests.integration.auth_helpers import make_user
from tracker.agencies.models import Agency
from tracker.auth.models import User
from tracker.clock import FixedClock
from tracker.findings.models import Finding
from tracker.findings.rules import FindingStatus
from tracker.notifications.compose import PUBLIC_COPY
from tracker.notifications.models import Notification
from tracker.notifications.sweep import SweepReport, sweep
from tracker.pacts.models import Pact
from tracker.regencies.models import EscalationContact, Regency


@dataclass
class Office:
    """A regency, one agency with its head and two OPD accounts, an admin, and the ladder."""

    regency: Regency
    agency: Agency
    admin: User
    opd: User
    opd_en: User
    contacts: dict[int, EscalationContact]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.regency.timezone)


def make_office(
    session: Session,
    *,
    now: datetime,
    timezone: str = "Asia/Makassar",
    head_email: str | None = "kepala.dinas@uji.go.id",
) -> Office:
    """Create the office; the Sekda (rung 2) reads English, so do one of the OPD accounts."""
    regency = make_regency(session, now=now, timezone=timezone)
    agency = make_agency(session, regency=regency, now=now)
    agency.head_name = "Kepala Dinas Uji"
    agency.head_email = head_email
    contacts = {}
    for rung, (name, title, locale) in {
        1: ("Inspektur Uji", "Inspektur", "id"),
        2: ("Sekda Uji", "Sekretaris Daerah", "en"),
        3: ("Bupati Uji", "Bupati", "id"),
    }.items():
        contact = EscalationContact(
            regency_id=regency.id,
            rung=rung,
            name=name,
            title=title,
            email=f"rung{rung}.{regency.slug}@uji.go.id",
            locale=locale,
            created_at=now,
        )
        session.add(contact)
        contacts[rung] = contact
    session.flush()
    admin = make_user(session, role="admin", regency=regency, now=now)
    opd = make_user(session, role="opd", agency=agency, now=now)
    opd_en = make_user(session, role="opd", agency=agency, now=now)
    opd_en.locale = "en"
    session.flush()
    return Office(regency, agency, admin, opd, opd_en, contacts)


def run_sweep(app: Flask, session: Session, now: datetime) -> SweepReport:
    """Sweep once at ``now`` inside an application context (as the scheduler's job does)."""
    with app.app_context():
        return sweep(session, now)


def walk(
    app: Flask,
    session: Session,
    clock: FixedClock,
    *,
    start: datetime,
    end: datetime,
    step: timedelta = timedelta(hours=1),
) -> Iterator[SweepReport]:
    """Move the clock from ``start`` to ``end`` by ``step``, sweeping at every stop."""
    clock.set(start)
    while clock.now() <= end:
        yield run_sweep(app, session, clock.now())
        clock.advance(step)


def rows(session: Session, *, regency: Regency) -> list[Notification]:
    """Return the regency's outbox rows, in the order they were written."""
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.regency_id == regency.id)
            .order_by(Notification.id)
        )
    )


def listing(found: list[Notification], zone: ZoneInfo) -> list[tuple[str, str, str]]:
    """Return (kind, local day written, language) per row: what the closing note prints."""
    return [(n.kind, n.created_at.astimezone(zone).date().isoformat(), n.lang) for n in found]


def addresses(notice: Notification | Iterable[Notification], role: str | None = None) -> set[str]:
    """Return the addresses on a notice, or on all its copies (optionally only "to" or "cc")."""
    copies = [notice] if isinstance(notice, Notification) else list(notice)
    return {r["email"] for n in copies for r in n.recipients if role is None or r["role"] == role}


def is_public_copy(notice: Notification) -> bool:
    """Tell whether ``notice`` is the copy for readers without an account of a notice whose
    language group also reaches account holders (written beside their copy, under its key
    with ``:public`` after it)."""
    return notice.key.endswith(f":{PUBLIC_COPY}")


def one_copy(found: Iterable[Notification]) -> list[Notification]:
    """Return one row per notice and language: the copy under the key the sweep looks up."""
    return [n for n in found if not is_public_copy(n)]


def local(text: str) -> datetime:
    """Parse an instant written with its offset."""
    return datetime.fromisoformat(text)


def close_findings(session: Session, pact: Pact, at: datetime) -> None:
    """Close every finding of ``pact`` at ``at`` (as an approved review would)."""
    for finding in session.scalars(select(Finding).where(Finding.pact_id == pact.id)):
        finding.status = FindingStatus.CLOSED
        finding.closed_at = at
    session.flush()


def withdraw(session: Session, pact: Pact, at: datetime) -> None:
    """Withdraw ``pact`` at ``at`` with a reason."""
    pact.withdrawn_at = at
    pact.withdrawal_reason = "Kepala dinas diganti; pakta baru akan ditandatangani."
    session.flush()


def mondays(first: date, last: date) -> list[date]:
    """Return every Monday from ``first`` (a Monday) to ``last``."""
    days = []
    day = first
    while day <= last:
        days.append(day)
        day += timedelta(days=7)
    return days
