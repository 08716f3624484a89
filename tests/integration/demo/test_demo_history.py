"""The demo's history is written by the services, as the demo accounts, on the seed's days."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.accounts.services import create_user
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.demo.services import DemoReport, load_demo
from tracker.findings.models import Finding, Review
from tracker.findings.rules import FindingStatus, ReviewDecision
from tracker.pacts.models import Pact
from tracker.regencies.models import Regency


def _actions_by_reference(session: Session) -> dict[str, list[tuple[str, str | None]]]:
    """Return each demo pact's audit trail as (action, actor email), in the order written."""
    rows = session.execute(
        select(Pact.reference, AuditEvent.action, User.email)
        .join(AuditEvent, AuditEvent.pact_id == Pact.id)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(Pact.is_demo)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    trail: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for reference, action, email in rows:
        trail[reference].append((action, email))
    return trail


def test_each_step_of_a_demo_pact_is_done_by_the_account_whose_role_may_do_it(
    session: Session, demo: DemoReport
) -> None:
    trail = _actions_by_reference(session)
    admin, opd = "admin@paser.demo", "opd-dpmptsp@paser.demo"
    assert trail["demo-extended"] == [
        ("pact.recorded", admin),
        ("finding.recorded", admin),
        ("finding.recorded", admin),
        ("evidence.added", opd),
        ("finding.submitted", opd),
        ("finding.approved", admin),
        ("pact.extended", admin),
    ]
    assert trail["demo-withdrawn"][-1] == ("pact.withdrawn", "admin@bangka-barat.demo")
    assert trail["demo-undated"] == [
        ("pact.recorded", "admin@barito-selatan.demo"),
        ("finding.recorded", "admin@barito-selatan.demo"),
    ]
    # Nothing is written without an actor: the history is the services', not an import's.
    assert all(email for events in trail.values() for _, email in events)


def test_closed_demo_findings_were_sent_with_evidence_and_approved_before_today(
    session: Session, demo: DemoReport, now: datetime
) -> None:
    findings = session.execute(select(Finding).join(Pact).where(Pact.is_demo)).scalars().all()
    closed = [f for f in findings if f.status is FindingStatus.CLOSED]
    sent = [f for f in findings if f.status is FindingStatus.SUBMITTED]
    assert len(closed) == 7 and len(sent) == 2
    for finding in closed + sent:
        assert finding.evidence, finding.code
        evidence = finding.evidence[0]
        assert not evidence.is_public
        assert evidence.uploaded_by is not None
        assert evidence.uploaded_by.agency_id == finding.agency_id
        assert finding.submitted_at is not None and evidence.uploaded_at <= finding.submitted_at
    for finding in closed:
        (review,) = session.execute(select(Review).where(Review.finding_id == finding.id)).scalars()
        assert review.decision is ReviewDecision.APPROVE
        assert review.reviewer.email.startswith("admin@")
        assert finding.submitted_at is not None and finding.closed_at is not None
        assert finding.submitted_at < finding.closed_at == review.created_at < now


def test_the_sumbawa_barat_pacts_are_recorded_when_loaded_never_at_an_invented_hour(
    client: FlaskClient, session: Session, demo: DemoReport, now: datetime
) -> None:
    pacts = session.execute(select(Pact).where(~Pact.is_demo)).scalars().all()
    assert len(pacts) == 7
    # The article gives 8 January 2019 ("Selasa siang") and no hour: the pacts carry that day
    # as their signing date, and the record is dated when the loader entered it.
    assert {p.signed_on for p in pacts} == {date(2019, 1, 8)}
    assert {p.created_at.replace(tzinfo=UTC) for p in pacts} == {now.astimezone(UTC)}
    assert {p.recorded_by_id for p in pacts} == {
        session.execute(select(User.id).where(User.email == "admin@sumbawa-barat.demo")).scalar()
    }
    html = client.get(f"/pakta/{pacts[0].id}").get_data(as_text=True)
    assert "10.00" not in html and "10:00" not in html


def test_the_feed_and_a_demo_pact_page_show_the_history(
    client: FlaskClient, session: Session, demo: DemoReport
) -> None:
    feed = client.get("/feed.atom").get_data(as_text=True)
    assert feed.count("<entry>") >= 15
    extended = session.execute(select(Pact).where(Pact.reference == "demo-extended")).scalar_one()
    page = client.get(f"/pakta/{extended.id}").get_data(as_text=True)
    assert "Pembangunan ramp menunggu anggaran perubahan" in page


def test_an_install_with_real_accounts_gets_no_demo_data(
    runner: FlaskCliRunner, session: Session, now: datetime
) -> None:
    create_user(
        session, actor=None, email="operator@pemda.go.id", name="Operator", role="superadmin",
        password="sandi-operator-panjang", now=now,
    )  # fmt: skip
    session.commit()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "not loaded" in result.output
    assert "pantau-demo-2024" not in result.output
    assert session.execute(select(func.count()).select_from(Regency)).scalar_one() == 0
    assert session.execute(select(func.count()).select_from(Pact)).scalar_one() == 0


def test_a_second_load_writes_no_more_history(session: Session, demo: DemoReport, now) -> None:
    events = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    assert not load_demo(session, now=now).added
    assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == events
