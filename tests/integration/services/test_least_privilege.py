"""Each account reads and changes only what its role and place allow (auth.policy via services)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.orm import Session

from tests.integration.auth_helpers import make_user
from tests.integration.services.helpers import SIGNED_ON, World, png, refused
from tracker.auth.models import User
from tracker.clock import FixedClock
from tracker.errors import Forbidden, Invalid, NotFound
from tracker.findings.models import Finding
from tracker.findings.rules import FindingStatus
from tracker.findings.services import add_evidence, load_finding, review_finding, submit_finding
from tracker.pacts.services import (
    FindingInput,
    extend_pact,
    load_pact,
    record_pact,
    withdraw_pact,
)
from tracker.storage import FileStore

Change = Callable[[User], object]


def _changes(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> dict[str, Change]:
    """Every change a staff member can attempt on agency A's pact and its first finding."""
    now, finding_id, pact_id = clock.now(), world.finding.id, world.pact.id
    return {
        "record-pact": lambda actor: record_pact(
            session,
            actor=actor,
            agency_id=world.a.id,
            signatory_name=None,
            signatory_title="Kepala Dinas",
            signed_on=SIGNED_ON,
            pledge="Janji",
            now=now,
            findings=[FindingInput(title="Temuan", category="input")],
        ),
        "extend-pact": lambda actor: extend_pact(
            session,
            actor=actor,
            pact_id=pact_id,
            new_deadline_on=date(2019, 6, 1),
            reason="Anggaran",
            now=now,
        ),
        "withdraw-pact": lambda actor: withdraw_pact(
            session, actor=actor, pact_id=pact_id, reason="Batal", now=now
        ),
        "add-evidence": lambda actor: add_evidence(
            session,
            actor=actor,
            finding_id=finding_id,
            data=png(),
            caption="Foto",
            store=store,
            now=now,
        ),
        "submit-finding": lambda actor: submit_finding(
            session, actor=actor, finding_id=finding_id, now=now
        ),
        "approve-finding": lambda actor: review_finding(
            session, actor=actor, finding_id=finding_id, decision="approve", comment=None, now=now
        ),
        "return-finding": lambda actor: review_finding(
            session,
            actor=actor,
            finding_id=finding_id,
            decision="return",
            comment="Kurang",
            now=now,
        ),
    }


def _submitted(session: Session, world: World, store: FileStore, clock: FixedClock) -> Finding:
    add_evidence(
        session,
        actor=world.opd_a,
        finding_id=world.finding.id,
        data=png(),
        caption="Foto ramp",
        store=store,
        now=clock.now(),
    )
    return submit_finding(session, actor=world.opd_a, finding_id=world.finding.id, now=clock.now())


# --- another agency's staff ------------------------------------------------------------------


def test_opd_staff_cannot_read_another_agencys_finding_or_pact(
    session: Session, world: World
) -> None:
    outsider = world.opd_b
    with pytest.raises(NotFound):
        load_finding(session, actor=outsider, finding_id=world.finding.id)
    with pytest.raises(NotFound):
        load_pact(session, actor=outsider, pact_id=world.pact.id)


@pytest.mark.parametrize("change", ["add-evidence", "submit-finding", "extend-pact"])
def test_opd_staff_cannot_change_another_agencys_finding_or_pact(
    session: Session, world: World, store: FileStore, clock: FixedClock, change: str
) -> None:
    outsider = world.opd_b
    attempt = _changes(session, world, store, clock)[change]
    refused(session, NotFound, lambda: attempt(outsider))
    assert world.finding.status is FindingStatus.OPEN


def test_opd_staff_read_their_own_agencys_finding_and_pact(session: Session, world: World) -> None:
    finding = load_finding(session, actor=world.opd_a, finding_id=world.finding.id)
    assert load_pact(session, actor=world.opd_a, pact_id=world.pact.id) == finding.pact


@pytest.mark.parametrize(
    "change", ["record-pact", "extend-pact", "withdraw-pact", "approve-finding"]
)
def test_opd_staff_cannot_do_the_regents_offices_work(
    session: Session, world: World, store: FileStore, clock: FixedClock, change: str
) -> None:
    if change == "approve-finding":
        _submitted(session, world, store, clock)
    attempt = _changes(session, world, store, clock)[change]
    refused(session, Forbidden, lambda: attempt(world.opd_a))


# --- another regency's admin -----------------------------------------------------------------


def test_an_admin_of_another_regency_cannot_see_the_pact_or_its_finding(
    session: Session, world: World
) -> None:
    with pytest.raises(NotFound):
        load_pact(session, actor=world.admin_y, pact_id=world.pact.id)
    with pytest.raises(NotFound):
        load_finding(session, actor=world.admin_y, finding_id=world.finding.id)


@pytest.mark.parametrize("change", ["extend-pact", "withdraw-pact", "approve-finding"])
def test_an_admin_of_another_regency_cannot_change_the_pact_or_review_its_finding(
    session: Session, world: World, store: FileStore, clock: FixedClock, change: str
) -> None:
    outsider = world.admin_y
    _submitted(session, world, store, clock)
    attempt = _changes(session, world, store, clock)[change]
    refused(session, NotFound, lambda: attempt(outsider))


def test_an_admin_of_another_regency_cannot_record_a_pact_for_its_agencies(
    session: Session, world: World, store: FileStore, clock: FixedClock
) -> None:
    outsider = world.admin_y
    attempt = _changes(session, world, store, clock)["record-pact"]
    error = refused(session, Invalid, lambda: attempt(outsider))
    # The same answer as for an agency that does not exist: its existence must not leak.
    assert set(error.fields) == {"agency_id"}


# --- the observer ----------------------------------------------------------------------------


def test_an_observer_reads_the_regencys_pacts_and_findings(session: Session, world: World) -> None:
    assert load_pact(session, actor=world.observer_x, pact_id=world.pact.id) == world.pact
    assert load_finding(session, actor=world.observer_x, finding_id=world.finding.id)


@pytest.mark.parametrize(
    "change",
    [
        "record-pact",
        "extend-pact",
        "withdraw-pact",
        "add-evidence",
        "submit-finding",
        "approve-finding",
        "return-finding",
    ],
)
def test_an_observer_changes_nothing(
    session: Session, world: World, store: FileStore, clock: FixedClock, change: str
) -> None:
    observer = world.observer_x
    if change.endswith("-finding") and change != "submit-finding":
        _submitted(session, world, store, clock)
    attempt = _changes(session, world, store, clock)[change]
    refused(session, Forbidden, lambda: attempt(observer))


# --- an admin who belongs to an agency --------------------------------------------------------


@pytest.fixture
def admin_in_a(session: Session, world: World, clock: FixedClock) -> User:
    """An admin of regency X who is also on the staff of agency A (e.g. its head of section)."""
    return make_user(session, role="admin", regency=world.x, agency=world.a, now=clock.now())


@pytest.mark.parametrize("decision", ["approve-finding", "return-finding"])
def test_an_admin_cannot_review_a_finding_of_their_own_agency(
    session: Session,
    world: World,
    store: FileStore,
    clock: FixedClock,
    admin_in_a: User,
    decision: str,
) -> None:
    _submitted(session, world, store, clock)
    attempt = _changes(session, world, store, clock)[decision]
    refused(session, Forbidden, lambda: attempt(admin_in_a))
    assert world.finding.status is FindingStatus.SUBMITTED


def test_an_admin_who_belongs_to_an_agency_reviews_the_other_agencies_findings(
    session: Session, world: World, store: FileStore, clock: FixedClock, admin_in_a: User
) -> None:
    pact_b = record_pact(
        session,
        actor=world.admin_x,
        agency_id=world.b.id,
        signatory_name=None,
        signatory_title="Kepala Dinas B",
        signed_on=SIGNED_ON,
        pledge="Janji",
        now=clock.now(),
        findings=[FindingInput(title="Belum ada ruang laktasi", category="input")],
    )
    finding = pact_b.findings[0]
    add_evidence(
        session,
        actor=world.opd_b,
        finding_id=finding.id,
        data=png(),
        caption="Foto ruang laktasi",
        store=store,
        now=clock.now(),
    )
    submit_finding(session, actor=world.opd_b, finding_id=finding.id, now=clock.now())
    review_finding(
        session,
        actor=admin_in_a,
        finding_id=finding.id,
        decision="approve",
        comment=None,
        now=clock.now(),
    )
    assert finding.status is FindingStatus.CLOSED


def test_a_deactivated_admin_can_no_longer_see_the_regencys_pacts(
    session: Session, world: World
) -> None:
    world.admin_x.is_active = False
    session.flush()
    with pytest.raises(NotFound):
        load_pact(session, actor=world.admin_x, pact_id=world.pact.id)
