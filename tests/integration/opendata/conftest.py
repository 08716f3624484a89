"""A small public world for the open-data tests: two regencies, pacts recorded by the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_regency
from tests.integration.auth_helpers import make_user
from tracker.agencies.models import Agency
from tracker.auth.models import User
from tracker.clock import FixedClock
from tracker.pacts import services as pact_services
from tracker.pacts.models import Pact
from tracker.regencies.models import Regency

# Signed in a WITA regency on 8 January 2019: the deadline is 8 April 2019.
SIGNED_ON = date(2019, 1, 8)
DEADLINE = date(2019, 4, 8)


@dataclass
class DataWorld:
    session: Session
    now: datetime
    x: Regency
    y: Regency
    a: Agency
    c: Agency
    admin_x: User
    admin_y: User
    opd_a: User
    pact: Pact  # agency A (regency X), two findings
    other: Pact  # agency C (regency Y), one finding, signed in 2018


def record(
    session: Session,
    *,
    actor: User,
    agency: Agency,
    now: datetime,
    signed_on: date | None = SIGNED_ON,
    signatory_name: str | None = "Ahmad Uji",
    findings: tuple[str, ...] = ("Belum ada ramp", "SOP tidak dipajang"),
) -> Pact:
    pact = pact_services.record_pact(
        session,
        actor=actor,
        agency_id=agency.id,
        signatory_name=signatory_name,
        signatory_title="Kepala Dinas",
        signed_on=signed_on,
        pledge="Memperbaiki temuan dalam tiga bulan.",
        findings=[pact_services.FindingInput(title=t, category="input") for t in findings],
        now=now,
    )
    session.commit()
    return pact


@pytest.fixture
def world(session: Session, clock: FixedClock) -> DataWorld:
    now = clock.now()
    x = make_regency(session, now=now, slug="kab-data-x", timezone="Asia/Makassar")
    y = make_regency(session, now=now, slug="kab-data-y", timezone="Asia/Jakarta")
    a = make_agency(session, regency=x, now=now, slug="dinas-a")
    c = make_agency(session, regency=y, now=now, slug="dinas-c")
    admin_x = make_user(session, role="admin", regency=x, now=now)
    admin_y = make_user(session, role="admin", regency=y, now=now)
    opd_a = make_user(session, role="opd", agency=a, now=now)
    pact = record(session, actor=admin_x, agency=a, now=now)
    other = record(
        session,
        actor=admin_y,
        agency=c,
        now=now,
        signed_on=date(2018, 11, 30),
        findings=("Tidak ada pojok bermain anak",),
    )
    return DataWorld(session, now, x, y, a, c, admin_x, admin_y, opd_a, pact, other)
