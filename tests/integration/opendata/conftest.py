"""The open-data tests' world: the office (tests/integration/office.py) and two recorded pacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from tests.integration.office import make_office
from tracker.agencies.models import Agency
from tracker.auth.models import User
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
def world(session: Session, now: datetime) -> DataWorld:
    office = make_office(
        session,
        now=now,
        regencies=("kab-data-x", "kab-data-y"),
        agencies=("dinas-a", "dinas-b", "dinas-c"),
        timezones=("Asia/Makassar", "Asia/Jakarta"),
    )
    pact = record(session, actor=office.admin_x, agency=office.a, now=now)
    other = record(
        session,
        actor=office.admin_y,
        agency=office.c,
        now=now,
        signed_on=date(2018, 11, 30),
        findings=("Tidak ada pojok bermain anak",),
    )
    return DataWorld(
        session, now, office.x, office.y, office.a, office.c, office.admin_x, office.admin_y,
        office.opd_a, pact, other,
    )  # fmt: skip
