"""Hand-overs: submissions gathered into one mail per regency and hour to the regent's office;
a return or an approval tells the agency (its accounts, and its head through public links)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from sqlalchemy.orm import Session

from tests.builders import make_pact
from tests.integration.notifications.sweep_helpers import (
    addresses,
    local,
    make_office,
    rows,
    run_sweep,
)
from tracker.audit.services import record
from tracker.findings.models import Finding
from tracker.notifications.models import Notification


def handover(session: Session, finding: Finding, action: str, at: datetime) -> None:
    record(
        session, actor=None, action=action, target_type="finding", target_id=finding.id,
        regency_id=finding.agency.regency_id, at=at, pact_id=finding.pact_id,
    )  # fmt: skip
    session.flush()


def of_kind(session: Session, office: object, kind: str) -> list[Notification]:
    return [n for n in rows(session, regency=office.regency) if n.kind == kind]  # type: ignore[attr-defined]


def test_submissions_are_gathered_into_one_mail_per_regency_and_hour(
    app: Flask, session: Session
) -> None:
    start = local("2025-03-03T09:00:00+08:00")  # a Monday
    office = make_office(session, now=start)
    pact = make_pact(session, agency=office.agency, now=start, signed_on=None, findings=3)
    first, second, third = pact.findings
    handover(session, first, "finding.submitted", local("2025-03-03T10:05:00+08:00"))
    handover(session, second, "finding.submitted", local("2025-03-03T10:40:00+08:00"))
    handover(session, third, "finding.submitted", local("2025-03-03T11:10:00+08:00"))
    run_sweep(app, session, local("2025-03-03T10:59:00+08:00"))
    assert of_kind(session, office, "findings-submitted") == []
    run_sweep(app, session, local("2025-03-03T11:00:00+08:00"))
    (mail,) = of_kind(session, office, "findings-submitted")
    assert addresses(mail) == {office.admin.email}
    assert first.title in mail.body_text and second.title in mail.body_text
    assert third.title not in mail.body_text
    assert mail.subject.startswith("2 ")
    assert "/staf/temuan/" in mail.body_text  # the admins have accounts: staff links
    for _ in range(2):
        run_sweep(app, session, local("2025-03-03T12:30:00+08:00"))
    mails = of_kind(session, office, "findings-submitted")
    assert len(mails) == 2 and third.title in mails[1].body_text


def test_weekend_submissions_wait_for_monday_08_in_one_mail(app: Flask, session: Session) -> None:
    start = local("2025-03-03T09:00:00+08:00")
    office = make_office(session, now=start)
    pact = make_pact(session, agency=office.agency, now=start, signed_on=None, findings=2)
    handover(session, pact.findings[0], "finding.submitted", local("2025-03-08T10:00:00+08:00"))
    handover(session, pact.findings[1], "finding.submitted", local("2025-03-09T16:00:00+08:00"))
    run_sweep(app, session, local("2025-03-09T23:00:00+08:00"))
    assert of_kind(session, office, "findings-submitted") == []
    run_sweep(app, session, local("2025-03-10T08:00:00+08:00"))
    (mail,) = of_kind(session, office, "findings-submitted")
    assert all(f.title in mail.body_text for f in pact.findings)


def test_a_return_and_an_approval_tell_the_agency_its_head_through_public_links(
    app: Flask, session: Session
) -> None:
    start = local("2025-03-03T09:00:00+08:00")
    office = make_office(session, now=start)
    pact = make_pact(session, agency=office.agency, now=start, signed_on=None, findings=2)
    handover(session, pact.findings[0], "finding.returned", local("2025-03-04T10:00:00+08:00"))
    handover(session, pact.findings[1], "finding.approved", local("2025-03-04T10:30:00+08:00"))
    run_sweep(app, session, local("2025-03-04T10:45:00+08:00"))
    run_sweep(app, session, local("2025-03-04T11:45:00+08:00"))
    returned = of_kind(session, office, "finding-returned")
    approved = of_kind(session, office, "finding-approved")
    # Once each: in Indonesian for the OPD account, and apart for the head (no account); in
    # English for the English OPD account.
    for mails in (returned, approved):
        assert [(m.lang, addresses(m)) for m in mails] == [
            ("id", {office.opd.email}),
            ("id", {"kepala.dinas@uji.go.id"}),
            ("en", {office.opd_en.email}),
        ]
    for mail in returned + approved:
        body = mail.body_text + (mail.body_html or "")
        if "kepala.dinas@uji.go.id" in addresses(mail):
            assert "/staf/" not in body
            assert f"/pakta/{pact.id}#temuan-" in body
        else:
            assert "/staf/temuan/" in body
    assert pact.findings[0].title in returned[0].subject
