"""/staf/hari-libur: staff read the calendar; a superadmin adds, corrects and removes days."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.office import Office
from tests.integration.pages import client_of, post_form, read_page
from tracker.audit.models import AuditEvent
from tracker.workdays.models import Holiday, HolidayKind
from tracker.workdays.services import closed_days

PAGE = "/staf/hari-libur/"


def test_staff_read_the_seeded_calendar_with_each_day_s_source(app: Flask, office: Office) -> None:
    page = read_page(client_of(app, office.opd_a), PAGE + "?tahun=2019&lang=en")
    assert 'data-day="2019-06-05"' in page and "Idul Fitri 1440 H" in page
    assert "SKB 3 Menteri 2019" in page
    assert 'data-day="2019-04-17"' in page  # election day, by presidential decree
    assert "Add or correct a closed day" not in page
    # A year the seed leaves out says so instead of showing nothing.
    empty = read_page(client_of(app, office.admin_x), PAGE + "?tahun=2027&lang=en")
    assert "No closed days recorded for this year yet" in empty


def test_a_superadmin_adds_corrects_and_removes_a_day_each_change_audited(
    app: Flask, session: Session, office: Office
) -> None:
    client = client_of(app, office.superadmin)
    data = {
        "day": "2027-03-10",
        "kind": "holiday",
        "name": "Hari Raya Idul Fitri 1448 H",
        "source": "SKB 3 Menteri 2027",
    }
    response = post_form(client, PAGE, data)
    assert response.status_code == 302
    assert date(2027, 3, 10) in closed_days(session)
    corrected = {**data, "kind": "cuti_bersama", "name": "Cuti bersama Idul Fitri 1448 H"}
    assert post_form(client, PAGE, corrected).status_code == 302
    row = session.scalars(select(Holiday).where(Holiday.day == date(2027, 3, 10))).one()
    assert (row.kind, row.name) == (HolidayKind.CUTI_BERSAMA, "Cuti bersama Idul Fitri 1448 H")
    assert row.created_by_id == office.superadmin.id
    page = read_page(client, PAGE + "?tahun=2027&lang=en")
    assert "Cuti bersama Idul Fitri 1448 H" in page
    # Nameless or sourceless: refused beside the form, nothing stored.
    refused = post_form(client, PAGE, {**data, "day": "2027-03-11", "source": " "})
    assert refused.status_code == 400
    assert date(2027, 3, 11) not in closed_days(session)
    remove = post_form(client, f"{PAGE}{row.id}/hapus", {}, form=PAGE + "?tahun=2027")
    assert remove.status_code == 302
    assert date(2027, 3, 10) not in closed_days(session)
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.target_type == "holiday").order_by(AuditEvent.id)
    ).all()
    assert actions == ["holiday.added", "holiday.corrected", "holiday.removed"]


def test_nobody_but_a_superadmin_changes_the_calendar(
    app: Flask, session: Session, office: Office
) -> None:
    for persona in ("admin_x", "observer_x", "opd_a"):
        client = client_of(app, office.user(persona))
        response = post_form(
            client,
            PAGE,
            {"day": "2027-01-01", "kind": "holiday", "name": "Tahun Baru", "source": "SKB"},
            form=PAGE,
        )
        assert response.status_code == 403, persona
    assert date(2027, 1, 1) not in closed_days(session)


def test_the_staff_navigation_links_the_calendar_for_every_staff_account(
    app: Flask, office: Office
) -> None:
    for user in (office.opd_a, office.admin_x, office.observer_x, office.superadmin):
        page = read_page(client_of(app, user), "/staf/pakta/?lang=en")
        assert f'href="{PAGE}">Holiday calendar</a>' in page, user.role
    assert PAGE not in read_page(client_of(app, None), "/?lang=en")
