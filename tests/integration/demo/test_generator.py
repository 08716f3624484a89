"""``demo generate``: an invented country in bulk, marked demo, the same for the same seed."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.integration.auth_helpers import make_user
from tracker.agencies.models import Agency
from tracker.assessments.models import Assessment, UnitResult
from tracker.audit.models import AuditEvent
from tracker.auth.models import UserRole
from tracker.demo.generator import Size, generate
from tracker.errors import Conflict
from tracker.findings.models import Evidence, Finding
from tracker.pacts.models import Pact
from tracker.pacts.queries import list_pacts
from tracker.pacts.rules import PactStatus
from tracker.regencies.models import EscalationContact, Regency


def _count(session: Session, model: type) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _fingerprint(session: Session) -> list[tuple[object, ...]]:
    """What a generation wrote, without the ids (which depend on what the database held)."""
    rows = session.execute(
        select(
            Regency.slug,
            Regency.timezone,
            Agency.slug,
            Pact.signatory_name,
            Pact.signed_on,
            Pact.withdrawn_at,
            Pact.outcome,
            Finding.code,
            Finding.status,
            Finding.closed_at,
        )
        .join(Agency, Agency.regency_id == Regency.id)
        .join(Pact, Pact.agency_id == Agency.id)
        .join(Finding, Finding.pact_id == Pact.id)
        .where(Regency.slug.like("rekaan-%"))
        .order_by(Regency.slug, Agency.slug, Finding.id)
    )
    return [tuple(r) for r in rows]


def test_generate_writes_the_size_asked_in_every_zone_marked_demo(
    app: Flask, session: Session, now: datetime
) -> None:
    with app.app_context():
        report = generate(session, size=Size(4, 3, 5, seed=7), now=now)

    assert report.rows["regencies"] == 4
    assert report.rows["agencies"] == _count(session, Agency) == 12
    assert report.rows["pacts"] == _count(session, Pact) == 12
    assert report.rows["findings"] == _count(session, Finding) == 60
    assert _count(session, EscalationContact) == 12
    regencies = session.execute(select(Regency)).scalars().all()
    # WIB (Jakarta and Pontianak), WITA and WIT: every Indonesian zone.
    assert {r.timezone for r in regencies} == {
        "Asia/Jakarta",
        "Asia/Pontianak",
        "Asia/Makassar",
        "Asia/Jayapura",
    }
    # Invented, and saying so: names, flags, texts, addresses that reach nobody.
    assert all("Rekaan" in r.name and "(contoh)" in r.name for r in regencies)
    assert all(
        a.is_demo and a.head_email.endswith(".demo") for a in session.scalars(select(Agency))
    )
    pacts = session.execute(select(Pact)).scalars().all()
    assert all(p.is_demo and p.pledge.startswith("(Contoh rekaan)") for p in pacts)
    assert all(p.signatory_name and p.signatory_name.endswith(" Contoh") for p in pacts)
    evidence = session.execute(select(Evidence)).scalars().all()
    assert evidence, "findings worked on have evidence"
    assert all(e.storage_key is None and e.url and ".invalid/" in e.url for e in evidence)
    assert all(e.caption.startswith("(Contoh rekaan)") for e in evidence)
    # Assessments for several years (2020 had none), with the sampled units' results.
    years = set(session.scalars(select(Assessment.year)))
    assert years == {2015, 2016, 2017, 2018}
    assert all(a.is_demo for a in session.scalars(select(Assessment)))
    units = session.execute(select(UnitResult)).scalars().all()
    assert units and all(u.is_demo for u in units)
    # One audit event per pact recorded, its findings' steps, and the generation itself.
    actions = Counter(session.scalars(select(AuditEvent.action)))
    assert actions["pact.recorded"] == 12
    assert actions["finding.recorded"] == 60
    assert actions["demo.generated"] == 1
    assert actions["evidence.added"] == len(evidence)


def test_statuses_spread_over_the_year(app: Flask, session: Session, now: datetime) -> None:
    with app.app_context():
        generate(session, size=Size(30, 8, 3, seed=3), now=now)
        rows = list_pacts(session, now=now, due_soon_days=14)

    statuses = Counter(r.status for r in rows)
    for status in (
        PactStatus.ON_TRACK,
        PactStatus.DUE_SOON,
        PactStatus.OVERDUE,
        PactStatus.FULFILLED,
        PactStatus.FULFILLED_LATE,
        PactStatus.WITHDRAWN,
        PactStatus.DECIDED,
        PactStatus.NOT_RECORDED,
    ):
        assert statuses[status] > 0, status
    months = {r.deadline_on.month for r in rows if r.deadline_on}
    assert len(months) == 12
    assert any(r.is_extended for r in rows)


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(
    app: Flask, session: Session, now: datetime
) -> None:
    prints = []
    for seed in (5, 5, 6):
        savepoint = session.begin_nested()
        with app.app_context():
            generate(session, size=Size(3, 2, 4, seed=seed), now=now)
        prints.append(_fingerprint(session))
        savepoint.rollback()

    assert prints[0] and prints[0] == prints[1]
    assert prints[2] != prints[0]


def test_generate_refuses_an_install_with_real_accounts(
    app: Flask, session: Session, now: datetime
) -> None:
    make_user(session, email="admin@pemda.go.id", role=UserRole.SUPERADMIN.value, now=now)

    with app.app_context(), pytest.raises(Conflict):
        generate(session, size=Size(1, 1, 1), now=now)
    assert _count(session, Regency) == 0


def test_the_command_generates_once_and_the_portal_shows_it_as_demo(
    runner: FlaskCliRunner, client: FlaskClient, session: Session
) -> None:
    args = ["demo", "generate", "--regencies", "2", "--agencies-per-regency", "2"]
    result = runner.invoke(args=[*args, "--findings-per-pact", "3", "--seed", "9"])

    assert result.exit_code == 0, result.output
    assert "Generated invented demo data: 4 agencies" in result.output
    again = runner.invoke(args=[*args, "--findings-per-pact", "3"])
    assert again.exit_code == 1
    assert "already holds generated regencies" in again.output

    pact_id = session.scalars(select(Pact.id)).first()
    for url in ("/", "/kabupaten/rekaan-001", f"/pakta/{pact_id}", "/api/v1/pacts"):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/pakta/{pact_id}").get_data(as_text=True)
    assert 'class="badge demo"' in page
    assert "Rekaan 001 (contoh)" in client.get("/").get_data(as_text=True)
