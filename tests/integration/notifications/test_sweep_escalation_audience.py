"""Who an escalation rung goes to when nobody sits on it: the regent's side hears, never nobody."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_pact, make_regency
from tests.integration.auth_helpers import login, make_user
from tests.integration.notifications.sweep_helpers import addresses, local, run_sweep
from tracker.agencies.models import Agency
from tracker.notifications.models import Notification
from tracker.regencies.models import EscalationContact, Regency

# Deadline 2025-02-28: rung 1 on Saturday 1 March (sent on Monday 3 March), rung 2 on 14 March.
SIGNED = date(2024, 11, 30)
RECORDED = local("2024-11-30T09:00:00+08:00")
HEAD = "kepala.dinas@uji.go.id"


def _regency_with_a_pact(session: Session) -> tuple[Regency, Agency, int]:
    regency = make_regency(session, now=RECORDED, timezone="Asia/Makassar")
    agency = make_agency(session, regency=regency, now=RECORDED)
    agency.head_name, agency.head_email = "Kepala Dinas Uji", HEAD
    pact = make_pact(session, agency=agency, now=RECORDED, signed_on=SIGNED)
    return regency, agency, pact.id


def _contact(session: Session, regency: Regency, rung: int, email: str, at: datetime) -> None:
    session.add(
        EscalationContact(
            regency_id=regency.id, rung=rung, name=f"Rung {rung}", email=email, created_at=at
        )
    )
    session.flush()


def _escalations(session: Session, pact_id: int) -> dict[str, list[Notification]]:
    """Return each rung's copies (staff and readers without an account apart)."""
    found = session.scalars(
        select(Notification)
        .where(Notification.pact_id == pact_id, Notification.kind.like("escalation-%"))
        .order_by(Notification.id)
    )
    copies: dict[str, list[Notification]] = {}
    for n in found:
        copies.setdefault(n.kind, []).append(n)
    return copies


def test_a_rung_without_contacts_goes_to_the_regencys_admins_with_the_head_in_copy(
    app: Flask, session: Session
) -> None:
    regency, _, pact_id = _regency_with_a_pact(session)
    _contact(session, regency, 1, "inspektur@uji.go.id", RECORDED)
    admin = make_user(session, role="admin", regency=regency, now=RECORDED)

    run_sweep(app, session, local("2025-03-03T09:00:00+08:00"))
    run_sweep(app, session, local("2025-03-14T09:00:00+08:00"))

    found = _escalations(session, pact_id)
    assert sorted(found) == ["escalation-1", "escalation-2"]
    assert addresses(found["escalation-1"], "to") == {"inspektur@uji.go.id", admin.email}
    # Nobody on rung 2 (the default): the regent's office is told, not the agency alone.
    assert addresses(found["escalation-2"], "to") == {admin.email}
    assert addresses(found["escalation-2"], "cc") == {HEAD}
    # The admin's copy links to staff pages, the head's to public ones: both carry the letter.
    staff, public = found["escalation-2"]
    assert (addresses(staff), addresses(public)) == ({admin.email}, {HEAD})
    assert "/staf/pakta/" in staff.body_text and "/staf/" not in public.body_text
    assert staff.attachment is not None and public.attachment == staff.attachment


def test_a_rung_with_nobody_to_tell_is_not_used_up_and_goes_out_once_someone_is_there(
    app: Flask, session: Session
) -> None:
    regency, _, pact_id = _regency_with_a_pact(session)
    _contact(session, regency, 1, "inspektur@uji.go.id", RECORDED)  # and no admin account

    run_sweep(app, session, local("2025-03-03T09:00:00+08:00"))
    report = run_sweep(app, session, local("2025-03-14T09:00:00+08:00"))

    assert sorted(_escalations(session, pact_id)) == ["escalation-1"]
    assert report.without_recipients >= 1 and report.errors == []
    # The next sweep asks again; once the Sekda is on rung 2, the rung goes out to them.
    run_sweep(app, session, local("2025-03-14T09:05:00+08:00"))
    assert sorted(_escalations(session, pact_id)) == ["escalation-1"]
    _contact(session, regency, 2, "sekda@uji.go.id", local("2025-03-15T08:30:00+08:00"))
    run_sweep(app, session, local("2025-03-15T09:00:00+08:00"))

    second = _escalations(session, pact_id)["escalation-2"]
    assert addresses(second, "to") == {"sekda@uji.go.id"}
    assert addresses(second, "cc") == {HEAD}


def test_the_settings_page_says_who_gets_an_empty_rung(app: Flask, session: Session) -> None:
    regency, _, _ = _regency_with_a_pact(session)
    admin = make_user(session, role="admin", regency=regency, now=RECORDED)
    session.commit()
    client = app.test_client()
    login(client, admin)
    page = client.get(f"/staf/pengaturan/notifikasi/{regency.slug}?lang=en").get_data(as_text=True)
    note = "this rung's report goes to the admin accounts of the regency"
    rungs = page.split('<div class="rung" data-rung="')[1:]
    assert [note in block for block in rungs] == [False, True, True]
