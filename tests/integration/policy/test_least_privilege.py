"""Each account reads and changes only what its role and place allow (auth.policy via services)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.orm import Session

from tests.integration.office import Office
from tests.integration.workflow import Steps, record, refused
from tracker.auth.models import User
from tracker.errors import DomainError, Forbidden, Invalid, NotFound
from tracker.findings.rules import FindingStatus
from tracker.findings.services import load_finding
from tracker.pacts.models import Pact
from tracker.pacts.services import load_pact

Change = Callable[[User], object]
Attempt = Callable[[str, User, type[DomainError]], DomainError]


def _changes(session: Session, office: Office, pact: Pact, steps: Steps) -> dict[str, Change]:
    """Every change a staff member can attempt on agency A's pact and its first finding."""
    finding, now = pact.findings[0], steps.clock.now()
    return {
        "record-pact": lambda actor: record(
            session, actor=actor, agency_id=office.a.id, titles=["Temuan"], now=now
        ),
        "extend-pact": lambda actor: steps.extend(actor, pact, date(2019, 6, 1), "Anggaran"),
        "withdraw-pact": lambda actor: steps.withdraw(actor, pact, "Batal"),
        "add-evidence": lambda actor: steps.add_evidence(actor, finding, "Foto"),
        "submit-finding": lambda actor: steps.submit(actor, finding),
        "approve-finding": lambda actor: steps.review(actor, finding, "approve"),
        "return-finding": lambda actor: steps.review(actor, finding, "return", "Kurang"),
    }


@pytest.fixture
def attempt(session: Session, office: Office, pact: Pact, steps: Steps) -> Attempt:
    """Run a change as an actor; the services must refuse it with the error and change nothing."""
    changes = _changes(session, office, pact, steps)

    def run(change: str, actor: User, error: type[DomainError]) -> DomainError:
        return refused(session, error, lambda: changes[change](actor))

    return run


# --- another agency's staff ------------------------------------------------------------------


def test_opd_staff_cannot_read_another_agencys_finding_or_pact(
    session: Session, office: Office, pact: Pact
) -> None:
    outsider = office.opd_b
    with pytest.raises(NotFound):
        load_finding(session, actor=outsider, finding_id=pact.findings[0].id)
    with pytest.raises(NotFound):
        load_pact(session, actor=outsider, pact_id=pact.id)


@pytest.mark.parametrize("change", ["add-evidence", "submit-finding", "extend-pact"])
def test_opd_staff_cannot_change_another_agencys_finding_or_pact(
    office: Office, pact: Pact, attempt: Attempt, change: str
) -> None:
    attempt(change, office.opd_b, NotFound)
    assert pact.findings[0].status is FindingStatus.OPEN


def test_opd_staff_read_their_own_agencys_finding_and_pact(
    session: Session, office: Office, pact: Pact
) -> None:
    finding = load_finding(session, actor=office.opd_a, finding_id=pact.findings[0].id)
    assert load_pact(session, actor=office.opd_a, pact_id=pact.id) == finding.pact


@pytest.mark.parametrize(
    "change", ["record-pact", "extend-pact", "withdraw-pact", "approve-finding"]
)
def test_opd_staff_cannot_do_the_regents_offices_work(
    office: Office, pact: Pact, steps: Steps, attempt: Attempt, change: str
) -> None:
    if change == "approve-finding":
        steps.send(office.opd_a, pact.findings[:1])
    attempt(change, office.opd_a, Forbidden)


# --- another regency's admin -----------------------------------------------------------------


def test_an_admin_of_another_regency_cannot_see_the_pact_or_its_finding(
    session: Session, office: Office, pact: Pact
) -> None:
    with pytest.raises(NotFound):
        load_pact(session, actor=office.admin_y, pact_id=pact.id)
    with pytest.raises(NotFound):
        load_finding(session, actor=office.admin_y, finding_id=pact.findings[0].id)


@pytest.mark.parametrize("change", ["extend-pact", "withdraw-pact", "approve-finding"])
def test_an_admin_of_another_regency_cannot_change_the_pact_or_review_its_finding(
    office: Office, pact: Pact, steps: Steps, attempt: Attempt, change: str
) -> None:
    steps.send(office.opd_a, pact.findings[:1])
    attempt(change, office.admin_y, NotFound)


def test_an_admin_of_another_regency_cannot_record_a_pact_for_its_agencies(
    office: Office, pact: Pact, attempt: Attempt
) -> None:
    error = attempt("record-pact", office.admin_y, Invalid)
    # The same answer as for an agency that does not exist: its existence must not leak.
    assert set(error.fields) == {"agency_id"}


# --- the observer ----------------------------------------------------------------------------


def test_an_observer_reads_the_regencys_pacts_and_findings(
    session: Session, office: Office, pact: Pact
) -> None:
    assert load_pact(session, actor=office.observer_x, pact_id=pact.id) == pact
    assert load_finding(session, actor=office.observer_x, finding_id=pact.findings[0].id)


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
    office: Office, pact: Pact, steps: Steps, attempt: Attempt, change: str
) -> None:
    if change.endswith("-finding") and change != "submit-finding":
        steps.send(office.opd_a, pact.findings[:1])
    attempt(change, office.observer_x, Forbidden)


# --- an admin who belongs to an agency --------------------------------------------------------


@pytest.mark.parametrize("decision", ["approve-finding", "return-finding"])
def test_an_admin_cannot_review_a_finding_of_their_own_agency(
    office: Office, pact: Pact, steps: Steps, attempt: Attempt, decision: str
) -> None:
    insider = office.admin_of_a  # an admin of regency X on the staff of agency A
    steps.send(office.opd_a, pact.findings[:1])
    attempt(decision, insider, Forbidden)
    assert pact.findings[0].status is FindingStatus.SUBMITTED


def test_an_admin_who_belongs_to_an_agency_reviews_the_other_agencies_findings(
    session: Session, office: Office, steps: Steps
) -> None:
    pact_b = record(
        session,
        actor=office.admin_x,
        agency_id=office.b.id,
        titles=["Belum ada ruang laktasi"],
        signatory_title="Kepala Dinas B",
        now=steps.clock.now(),
    )
    finding = pact_b.findings[0]
    steps.add_evidence(office.opd_b, finding, "Foto ruang laktasi")
    steps.submit(office.opd_b, finding)
    steps.review(office.admin_of_a, finding)
    assert finding.status is FindingStatus.CLOSED


def test_a_deactivated_admin_can_no_longer_see_the_regencys_pacts(
    session: Session, office: Office, pact: Pact
) -> None:
    office.admin_x.is_active = False
    session.flush()
    with pytest.raises(NotFound):
        load_pact(session, actor=office.admin_x, pact_id=pact.id)
