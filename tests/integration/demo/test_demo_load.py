"""The demo loader: the seed facts, invented pacts for every status, and idempotency."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.agencies.models import Agency
from tracker.assessments.models import (
    Assessment,
    AssessmentNote,
    AssessmentScheme,
    UnitResult,
)
from tracker.assessments.rules import Zone, classify
from tracker.audit.models import AuditEvent
from tracker.auth.models import User, UserRole
from tracker.auth.services import authenticate, change_password
from tracker.auth.settings import LoginSettings
from tracker.demo.data import DEMO_PASSWORD
from tracker.findings.models import Finding
from tracker.pacts.models import Pact
from tracker.pacts.queries import list_pacts
from tracker.pacts.rules import PactOutcome, PactStatus
from tracker.regencies.models import Regency

# Agencies that sent evidence for a demo finding, besides each regency's first one by slug.
WORKING_AGENCIES = [
    ("paser", "disdukcapil"),
    ("paser", "dpmptsp"),
    ("barito-selatan", "dpmptsp"),
    ("solok-selatan", "dinsos"),
    ("bangka-barat", "disdukcapil"),
]


def _counts(session: Session) -> dict[str, int]:
    return {
        model.__name__: session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (Regency, Agency, Pact, Finding, Assessment, UnitResult, User)
    }


def test_demo_load_twice_adds_nothing_the_second_time(
    runner: FlaskCliRunner, session: Session
) -> None:
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Demo data loaded" in first.output
    after_first = _counts(session)
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "nothing added" in second.output
    assert _counts(session) == after_first
    assert after_first["Regency"] == 5
    # A superadmin; per regency an admin, an observer and an OPD account; and an OPD account for
    # each of the five other agencies that sent evidence for a demo finding.
    assert after_first["User"] == 1 + 5 * 3 + 5
    loads = session.execute(select(AuditEvent).where(AuditEvent.action == "demo.loaded")).scalars()
    assert len(list(loads)) == 1


def test_demo_has_the_five_regencies_in_their_time_zones(
    runner: FlaskCliRunner, session: Session
) -> None:
    runner.invoke(args=["demo", "load"])
    zones = dict(session.execute(select(Regency.slug, Regency.timezone)).all())
    assert zones == {
        "sumbawa-barat": "Asia/Makassar",
        "paser": "Asia/Makassar",
        "barito-selatan": "Asia/Pontianak",
        "solok-selatan": "Asia/Jakarta",
        "bangka-barat": "Asia/Jakarta",
    }


def test_sumbawa_barat_pacts_load_as_the_article_tells_them_with_no_outcome_and_no_findings(
    runner: FlaskCliRunner, session: Session, now
) -> None:
    runner.invoke(args=["demo", "load"])
    ksb = session.execute(select(Regency).where(Regency.slug == "sumbawa-barat")).scalar_one()
    rows = [
        r
        for r in list_pacts(session, now=now, regency_id=ksb.id, due_soon_days=14)
        if not r.is_demo
    ]
    assert len(rows) == 7
    for row in rows:
        assert row.signed_on == date(2019, 1, 8)
        # The article says nothing of how the pacts ended: never due soon, never overdue.
        assert row.status is PactStatus.NOT_RECORDED
        assert row.outcome is PactOutcome.NOT_RECORDED
        assert row.findings_total == 0
        assert not row.is_demo
    assert {r.agency_slug for r in rows} == {
        "dpmptsp",
        "dikpora",
        "dinsos",
        "dlh",
        "dishub",
        "disnakertrans",
        "disdukcapil",
    }
    findings = select(Finding.id).join(Pact).join(Agency).where(Agency.regency_id == ksb.id)
    assert session.execute(findings).first() is None
    # The notes the article gives "in general" are notes of the regency's 2018 assessment.
    notes = (
        session.execute(select(AssessmentNote).where(AssessmentNote.regency_id == ksb.id))
        .scalars()
        .all()
    )
    assert {(n.year, n.code) for n in notes} == {
        (2018, "IN-FAC-PLAY"),
        (2018, "IN-FAC-RAMP"),
        (2018, "PR-INFO-SOP"),
    }
    assert all(n.applies_to and "tujuh dinas" in n.applies_to for n in notes)
    assert all(n.source and not n.is_demo for n in notes)
    result = session.execute(select(Assessment).where(Assessment.regency_id == ksb.id)).scalar_one()
    assert (result.year, str(result.score), result.rank, result.rank_of) == (
        2018,
        "57.69",
        128,
        199,
    )
    assert result.source and "128 dari 199" in result.source


def test_every_status_is_visible_among_the_demo_pacts(
    runner: FlaskCliRunner, session: Session, now
) -> None:
    runner.invoke(args=["demo", "load"])
    demo_rows = [r for r in list_pacts(session, now=now, due_soon_days=14) if r.is_demo]
    assert {r.status for r in demo_rows} == set(PactStatus)
    undated = [r for r in demo_rows if r.signed_on is None]
    assert undated and all(r.status is PactStatus.UNDATED for r in undated)
    assert any(r.is_extended for r in demo_rows)


def test_seed_scores_fall_in_the_zones_the_articles_report(
    runner: FlaskCliRunner, session: Session
) -> None:
    runner.invoke(args=["demo", "load"])
    schemes = [s.to_spec() for s in session.execute(select(AssessmentScheme)).scalars()]
    scores = {
        (a.regency.slug, a.year): a.score for a in session.execute(select(Assessment)).scalars()
    }
    expected = {
        ("sumbawa-barat", 2018): (Zone.YELLOW, None),
        ("solok-selatan", 2021): (Zone.YELLOW, None),
        ("solok-selatan", 2022): (Zone.GREEN, "B"),
        ("paser", 2023): (Zone.GREEN, "B"),
    }
    assert set(scores) == set(expected)
    for key, (zone, grade) in expected.items():
        band = classify(scores[key], key[1], schemes)
        assert band is not None and (band.zone, band.grade) == (zone, grade), key
    units = {u.agency.slug: str(u.score) for u in session.execute(select(UnitResult)).scalars()}
    assert units == {"disdukcapil": "90.10", "dpm-ptsp": "86.02"}


def test_demo_load_prints_every_demo_account_and_the_shared_password_as_demo_only(
    runner: FlaskCliRunner, session: Session
) -> None:
    for attempt in ("first", "second"):
        result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        assert "DEMO ONLY" in result.output, attempt
        assert DEMO_PASSWORD in result.output, attempt
        for email in (
            "superadmin@pantau.demo",
            "admin@sumbawa-barat.demo",
            "observer@paser.demo",
            "opd-dikpora@sumbawa-barat.demo",
            "opd-dinsos@bangka-barat.demo",
        ):
            assert email in result.output, (attempt, email)


def test_demo_accounts_have_their_roles_regencies_and_the_first_agency_by_slug(
    runner: FlaskCliRunner, session: Session
) -> None:
    runner.invoke(args=["demo", "load"])
    accounts = {
        u.email: (
            u.role,
            u.regency.slug if u.regency else None,
            u.agency.slug if u.agency else None,
        )
        for u in session.execute(select(User).where(User.email.like("%.demo"))).scalars()
    }
    assert accounts["superadmin@pantau.demo"] == (UserRole.SUPERADMIN, None, None)
    for slug, first_agency in {
        "sumbawa-barat": "dikpora",
        "paser": "dinkes",
        "barito-selatan": "dinkes",
        "solok-selatan": "dinkes",
        "bangka-barat": "dinsos",
    }.items():
        assert accounts[f"admin@{slug}.demo"] == (UserRole.ADMIN, slug, None)
        assert accounts[f"observer@{slug}.demo"] == (UserRole.OBSERVER, slug, None)
        assert accounts[f"opd-{first_agency}@{slug}.demo"] == (UserRole.OPD, slug, first_agency)
    for slug, agency in WORKING_AGENCIES:
        assert accounts[f"opd-{agency}@{slug}.demo"] == (UserRole.OPD, slug, agency)
    assert len(accounts) == 21


@pytest.mark.parametrize(
    "email",
    [
        "superadmin@pantau.demo",
        "admin@paser.demo",
        "observer@solok-selatan.demo",
        "opd-dinkes@barito-selatan.demo",
    ],
)
def test_demo_accounts_log_in_with_the_demo_password(
    runner: FlaskCliRunner, session: Session, now, email: str
) -> None:
    runner.invoke(args=["demo", "load"])
    assert (
        authenticate(
            session, email=email, password=DEMO_PASSWORD, now=now, settings=LoginSettings()
        ).email
        == email
    )


def test_a_demo_account_whose_password_was_changed_keeps_it_after_another_load(
    runner: FlaskCliRunner, session: Session, now
) -> None:
    runner.invoke(args=["demo", "load"])
    admin = session.execute(select(User).where(User.email == "admin@paser.demo")).scalar_one()
    change_password(
        session,
        actor=admin,
        current_password=DEMO_PASSWORD,
        new_password="sandi-baru-paser",
        now=now,
    )
    session.commit()
    result = runner.invoke(args=["demo", "load"])
    assert "nothing added" in result.output
    assert (
        authenticate(
            session,
            email=admin.email,
            password="sandi-baru-paser",
            now=now,
            settings=LoginSettings(),
        )
        == admin
    )
